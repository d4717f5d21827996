"""The vocabulary every other module shares: contract tables, errors, settings, logging.

`core` imports nothing else from the package, so any module may depend on it.
"""

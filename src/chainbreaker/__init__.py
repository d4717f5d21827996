"""chainbreaker: find, report and cut the money flows of modern slavery and human trafficking."""

__version__ = "0.1.0"

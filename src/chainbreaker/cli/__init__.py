"""The command line: a thin shell; each command calls one library function."""

"""The command line, `python -m strain ...`: argument parsing and printing around the use cases."""

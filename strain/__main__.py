"""`python -m strain ...`: the command line."""

from strain.cli import main

raise SystemExit(main())

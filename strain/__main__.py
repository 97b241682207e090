"""`python -m strain ...`: the command line."""

from strain.cli.main import main

raise SystemExit(main())

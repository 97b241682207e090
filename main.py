"""The app's pages: the script `app.py` serves for every page (its shell, navigation and sidebar: ui/shell.py)."""

from ui import shell

shell.run()

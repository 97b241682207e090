"""Storage commands of the command line (import, export, people, where, backup, restore)."""

from __future__ import annotations

import argparse


def register(commands: argparse._SubParsersAction) -> None:
    """Add the storage subcommands to the CLI's parser."""

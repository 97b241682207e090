"""`python -m strain phone`: serve the app to the home network, for a phone on the same Wi-Fi.

The first time it asks for the home passphrase (or reads it from --passphrase-file); then it prints the address
to open on the phone and its QR code, and runs `streamlit run app.py` listening on the network, in home-network
mode (strain.domain.home.ENV): every device sees only the pairing form until it gives the passphrase. Nothing is
sent anywhere to find this computer's address (see `lan_address`).
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import io
import os
import socket
import subprocess
import sys
from pathlib import Path

from strain.cli.common import CommandError
from strain.cli.store import _reporting_errors
from strain.domain.catalogue import Catalogue
from strain.domain.errors import Refused

APP = Path(__file__).resolve().parents[2] / "app.py"
ANY_ADDRESS = "0.0.0.0"  # every network interface of this computer
ROUTE_PROBE = ("192.0.2.1", 9)  # TEST-NET-1 (RFC 5737): never answers, and a UDP connect() sends nothing to it


def lan_address() -> str | None:
    """This computer's address on its network: the one the system would send from. connect() on a UDP socket
    only picks a route, it sends no packet. None without a network."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(ROUTE_PROBE)
        except OSError:
            return None
        address: str = probe.getsockname()[0]
    return None if address.startswith("0.") else address


def _read_passphrase(path: str | None) -> str:
    if path is not None:
        try:
            return (Path(path).read_text(encoding="utf-8").splitlines() or [""])[0]
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text") from None
    from strain.domain import home  # with the password library: only for this command

    if not sys.stdin.isatty():
        raise CommandError("no home passphrase is set yet: run this in a terminal, or give --passphrase-file FILE")
    print(home.RULE)
    first = getpass.getpass("Home passphrase: ")
    if getpass.getpass("The same again: ") != first:
        raise CommandError("the two passphrases differ; nothing was set")
    return first


def banner(url: str) -> str:
    """What the terminal shows: the address to open on the phone and its QR code."""
    import segno

    qr = io.StringIO()
    segno.make(url, error="m").terminal(out=qr, compact=True)
    return (
        f"On your phone, on the same Wi-Fi, open {url} (or scan this code):\n\n{qr.getvalue()}\n"
        "Pair it with the home passphrase, then open Count as you go and bookmark it.\n"
        "Only paired devices see anything. Stop with Ctrl+C."
    )


@_reporting_errors
def cmd_phone(args: argparse.Namespace, cat: Catalogue) -> str:
    # Imported here, so that the commands without a database start without these libraries.
    from strain.domain import home
    from strain.storage import db
    from strain.usecases import home as home_cases
    from strain.usecases.shared import Context

    url = db.database_url(args.db)
    service = Context(db.open_database(url), cat)
    try:
        home_cases.require_personal_mode(service)
        if args.passphrase_file is not None or args.change_passphrase or not home_cases.passphrase_set(service):
            home_cases.set_passphrase(service, _read_passphrase(args.passphrase_file))
            print("The home passphrase is set.", flush=True)
    except Refused as error:
        raise CommandError(str(error)) from None
    host = args.address if args.address != ANY_ADDRESS else lan_address()
    if host is None:
        raise CommandError("this computer is on no network: join the Wi-Fi the phone is on, then try again")
    print(banner(f"http://{host}:{args.port}/"), flush=True)
    # No welcome message: on every address it would look the external IP up on the internet (checkip.amazonaws.com).
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless=true",
        "--logger.hideWelcomeMessage=true",
    ]
    command += [f"--server.address={args.address}", f"--server.port={args.port}"]
    env = {**os.environ, home.ENV: "1", db.ENV_VAR: url}
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl+C stops streamlit too: the way to stop this command
        subprocess.run(command, cwd=APP.parent, env=env, check=False)
    return ""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `phone` to the CLI's parser."""
    phone = commands.add_parser(
        "phone", help="serve the app to your home network, for your phone (it pairs once with a passphrase)"
    )
    phone.add_argument("--db", metavar="URL", help="database URL (default: $DATABASE_URL, else the SQLite file)")
    phone.add_argument("--port", type=int, default=8501, help="the port to listen on (default: 8501)")
    phone.add_argument(
        "--address", default=ANY_ADDRESS, help="the address to listen on (default: every network of this computer)"
    )
    phone.add_argument(
        "--passphrase-file", metavar="FILE", help="set the home passphrase to the first line of FILE (no prompt)"
    )
    phone.add_argument("--change-passphrase", action="store_true", help="ask for a new home passphrase first")
    phone.set_defaults(run=cmd_phone)

"""`python -m strain phone`: the passphrase first, then the address and its QR code, then the app served in
home-network mode; refusals in one line, with nothing set."""

from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import segno

from strain.cli import main as cli
from strain.cli import phone
from strain.domain import catalogue, home
from strain.domain.actor import Actor
from strain.storage import account_store, db, home_store
from strain.usecases import home as home_cases
from strain.usecases.shared import Context
from tests.browser.streamlit_page import REPO

PASSPHRASE = "red kite over hills"


@pytest.fixture
def url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def passphrase_file(tmp_path, text: str) -> str:
    path = tmp_path / "passphrase.txt"
    path.write_text(text + "\n", encoding="utf-8")
    return str(path)


def test_a_weak_passphrase_is_refused_in_one_line_and_nothing_is_set_or_served(engine, url, tmp_path, capsys):
    code, out, err = run(capsys, "phone", "--db", url, "--passphrase-file", passphrase_file(tmp_path, "kite"))
    assert code == 2 and out == ""
    assert (
        err == "error: A passphrase needs at least 4 words or 12 characters (this one has 1 word and 4 characters).\n"
    )
    assert home_store.pairing(engine=engine).passphrase_hash is None


def test_without_a_passphrase_or_a_terminal_it_says_how_to_give_one(engine, url, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    code, out, err = run(capsys, "phone", "--db", url)
    assert (code, out) == (2, "") and "--passphrase-file FILE" in err


def test_on_a_terminal_it_asks_twice_and_sets_nothing_when_the_two_differ(engine, url, capsys, monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    answers = iter(["red kite over hills", "red kite over hill"])
    monkeypatch.setattr(sys, "stdin", Terminal(""))
    monkeypatch.setattr(phone.getpass, "getpass", lambda prompt: next(answers))
    code, out, err = run(capsys, "phone", "--db", url)
    assert code == 2 and out.startswith(home.RULE) and err == "error: the two passphrases differ; nothing was set\n"
    assert home_store.pairing(engine=engine).passphrase_hash is None


@pytest.mark.parametrize(("content", "says"), [(b"", "at least 4 words"), (b"\xff\xfe kite", "is not UTF-8 text")])
def test_an_empty_or_unreadable_passphrase_file_is_refused(engine, url, tmp_path, capsys, content, says):
    path = tmp_path / "passphrase.txt"
    path.write_bytes(content)
    code, out, err = run(capsys, "phone", "--db", url, "--passphrase-file", str(path))
    assert (code, out) == (2, "") and says in err and err.count("\n") == 1
    assert home_store.pairing(engine=engine).passphrase_hash is None


def test_a_clinic_database_is_refused(engine, url, tmp_path, capsys):
    account_store.start_clinic_mode(engine=engine, actor=Actor("admin", None, "boss@clinic.example"))
    code, out, err = run(capsys, "phone", "--db", url, "--passphrase-file", passphrase_file(tmp_path, PASSPHRASE))
    assert (code, out) == (2, "") and "clinic mode" in err and err.count("\n") == 1


def test_the_lan_address_is_this_computers_own_found_without_a_packet_sent():
    address = phone.lan_address()
    assert address is None or socket.inet_aton(address)  # an IPv4 address of this machine (UDP connect: no packet)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().strip() == b"ok"
    except OSError:
        return False


def test_it_sets_the_passphrase_prints_the_address_and_its_qr_code_and_serves_the_app(tmp_path):
    database = f"sqlite:///{tmp_path / 'strain.db'}"
    port = _free_port()
    command = [sys.executable, "-m", "strain", "phone", "--db", database, "--address", "127.0.0.1"]
    command += ["--port", str(port), "--passphrase-file", passphrase_file(tmp_path, PASSPHRASE)]
    log = tmp_path / "phone.log"
    with log.open("w") as out:
        server = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not _healthy(f"http://127.0.0.1:{port}/_stcore/health"):
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)  # polling a server that is starting
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    printed = log.read_text()
    address = f"http://127.0.0.1:{port}/"
    qr = io.StringIO()
    segno.make(address, error="m").terminal(out=qr, compact=True)
    assert printed.startswith(f"The home passphrase is set.\nOn your phone, on the same Wi-Fi, open {address} ")
    assert qr.getvalue() in printed and "Pair it with the home passphrase" in printed
    assert "External URL" not in printed and "external IP" not in printed  # nothing was looked up on the internet
    assert PASSPHRASE not in printed
    service = Context(db.open_database(database), catalogue.default())
    stored = home_store.pairing(engine=service.engine).passphrase_hash
    assert home.passphrase_matches(stored, PASSPHRASE) and home_cases.passphrase_set(service)
    service.engine.dispose()

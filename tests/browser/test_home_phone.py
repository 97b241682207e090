"""A phone at home: the app served by `python -m strain phone` on 127.0.0.1 with a database of its own. An unpaired
browser sees only the pairing form on every page address (ui/navigation.py's), deep links included; a wrong
passphrase is refused saying so; the right one pairs, and a reload keeps it; another browser stays unpaired.

Its pictures (a phone, 390 x 844) are the README's "On a phone at home": the terminal's QR code, the pairing form,
and the page a paired phone opens."""

from __future__ import annotations

import html
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from strain.domain import catalogue, home
from strain.storage import db
from strain.usecases import home as home_cases
from strain.usecases import people
from strain.usecases.shared import Context
from tests.browser.conftest import STARTUP_SECONDS, _free_port, _healthy
from tests.browser.streamlit_page import (
    REPO,
    SCREENSHOT_DIR,
    app_context,
    expect_no_exception,
    main,
    open_app,
    rerun,
    screenshot,
    wait_for_app,
)
from ui.navigation import PERSON_PAGES

PASSPHRASE = "red kite over hills"
PERSON = "Robin"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


class PhoneServer:
    def __init__(self, url: str, log: Path):
        self.url, self.log = url, log


@pytest.fixture(scope="module")
def phone_server(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[PhoneServer]:
    """`python -m strain phone --address 127.0.0.1` on a database of its own whose passphrase is set already (so
    the command asks nothing), with Robin in it."""
    folder = tmp_path_factory.mktemp("home_phone")
    url = f"sqlite:///{folder / 'strain.db'}"
    service = Context(db.open_database(url), catalogue.default())
    people.add_person(service, PERSON)
    home_cases.set_passphrase(service, PASSPHRASE)
    service.engine.dispose()
    port = _free_port()
    log = folder / "phone.log"
    command = [sys.executable, "-m", "strain", "phone", "--db", url, "--address", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    env.pop(home.ENV, None)  # the command sets it
    with log.open("w") as out:
        server = subprocess.Popen(
            command,
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _healthy(f"http://127.0.0.1:{port}/_stcore/health"):
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"python -m strain phone did not come up:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)  # polling a server that is starting, not waiting on the page under test
        yield PhoneServer(f"http://127.0.0.1:{port}", log)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=10)
    assert "Traceback" not in log.read_text(), log.read_text()[-5000:]


def expect_only_the_pairing_form(page: Page) -> None:
    expect(main(page).get_by_role("button", name="Pair this phone")).to_be_visible()
    expect(main(page).get_by_label("Passphrase")).to_be_visible()
    expect(page.get_by_test_id("stSidebarNav")).to_have_count(0)  # no pages to go to
    expect(page.get_by_test_id("stSidebarContent")).to_have_count(0)
    expect(page.get_by_text(PERSON)).to_have_count(0)  # nothing of anyone's
    expect(main(page).get_by_role("heading")).to_have_text(["Strain Audit", "Pair this device"])


def pair(page: Page, passphrase: str) -> None:
    main(page).get_by_label("Passphrase").fill(passphrase)
    with rerun(page):
        main(page).get_by_role("button", name="Pair this phone").click()


@pytest.mark.parametrize("deep_link", [False, True], ids=["address", "with ?person="])
def test_an_unpaired_browser_sees_only_the_pairing_form_on_every_page_address(
    browser: Browser, phone_server: PhoneServer, deep_link: bool
) -> None:
    with app_context(browser, phone_server.url) as context:
        page = context.new_page()
        for listed in PERSON_PAGES:
            open_app(page, phone_server.url, listed.path + (f"?person={PERSON}" if deep_link else ""))
            expect_only_the_pairing_form(page)


def test_the_terminal_shows_the_address_and_its_qr_code(browser: Browser, phone_server: PhoneServer) -> None:
    printed = phone_server.log.read_text(encoding="utf-8")
    banner = printed[: printed.index("Stop with Ctrl+C.") + len("Stop with Ctrl+C.")]
    assert f"open {phone_server.url}/ " in banner and "▀" in banner
    assert "The home passphrase is set." not in banner  # it was set already: nothing was asked
    with app_context(browser, phone_server.url, **PHONE) as context:
        page = context.new_page()
        page.set_content(
            "<body style='margin:0;background:#1e1e1e'><pre style='color:#f0f0f0;font:14px/1 DejaVu Sans Mono,"
            "monospace;margin:0;padding:12px;white-space:pre-wrap'>"
            f"$ python -m strain phone\n{html.escape(banner)}</pre></body>"
        )
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.locator("pre").screenshot(path=SCREENSHOT_DIR / "phone-at-home-qr.png")


def test_a_wrong_passphrase_is_refused_the_right_one_pairs_and_a_reload_keeps_it(
    browser: Browser, phone_server: PhoneServer
) -> None:
    with app_context(browser, phone_server.url, **PHONE) as phone:
        page = phone.new_page()
        open_app(page, phone_server.url, f"/count?person={PERSON}")
        expect_only_the_pairing_form(page)
        pair(page, "red kite over hill")
        expect(main(page).get_by_test_id("stAlertContentError")).to_contain_text("type the one set on the computer")
        expect_only_the_pairing_form(page)
        screenshot(page, "phone-at-home-pair", whole=False)

        pair(page, PASSPHRASE)
        expect(main(page).get_by_role("heading", name="Count as you go")).to_be_visible()
        expect(main(page).get_by_role("button", name="Pair this phone")).to_have_count(0)
        expect_no_exception(page)
        assert "/count" in page.url and f"person={PERSON}" in page.url  # the page the link asked for
        screenshot(page, "phone-at-home-count", whole=False)

        page.reload()
        wait_for_app(page)
        expect(main(page).get_by_role("heading", name="Count as you go")).to_be_visible()
        expect(main(page).get_by_role("button", name="Pair this phone")).to_have_count(0)
        other_tab = phone.new_page()  # the same browser: its cookie pairs a new tab too
        open_app(other_tab, phone_server.url, "/weeks")
        expect(main(other_tab).get_by_role("button", name="Pair this phone")).to_have_count(0)

        with app_context(browser, phone_server.url) as other:  # another browser on the same computer
            stranger = other.new_page()
            open_app(stranger, phone_server.url, f"/count?person={PERSON}")
            expect_only_the_pairing_form(stranger)

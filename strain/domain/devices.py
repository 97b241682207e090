"""Remembered devices (clinic mode): a browser that stays signed in across reloads and new tabs.

A device is remembered by a random token the browser keeps in a cookie; the server keeps only its SHA-256.
A shared clinic computer's device lasts while it is used (DEVICE_IDLE since it was last seen); a person's own
phone, chosen at sign-in, lasts OWN_DEVICE from when it signed in, however it is used.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Literal

Kind = Literal["shared", "own"]
KINDS: tuple[Kind, ...] = ("shared", "own")
DEVICE_IDLE = timedelta(minutes=30)  # a shared computer's device ends this long after it was last seen
OWN_DEVICE = timedelta(days=30)  # a person's own phone stays signed in this long after signing in
TOKEN_BYTES = 32
MAX_TOKEN = 64  # characters of a token as the cookie holds it (43 for 32 bytes in URL-safe base64)
MAX_LABEL = 64


def new_token() -> str:
    """A fresh token for a device's cookie: 32 random bytes, URL-safe base64 (no character a cookie escapes)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """What the server keeps of a token: its SHA-256, hex. The token is random, so no salt or slow hash is needed:
    nobody can guess one from its hash."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def plausible_token(token: str | None) -> bool:
    """Whether a cookie's value could be a token at all (not worth a query otherwise)."""
    return token is not None and 0 < len(token) <= MAX_TOKEN and re.fullmatch(r"[A-Za-z0-9_-]+", token) is not None


def expires_at(kind: Kind, created_at: datetime, last_seen_at: datetime) -> datetime:
    """When a device stops being signed in, unless it is seen again first (a shared one)."""
    return created_at + OWN_DEVICE if kind == "own" else last_seen_at + DEVICE_IDLE


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def label(user_agent: str) -> str:
    """A device's name from its browser's User-Agent, as a person knows it ("Chrome on Android")."""
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), "A browser")
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), "")
    return f"{browser} on {system}" if system else browser

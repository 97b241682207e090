"""QR codes, drawn here with segno (pure Python): nothing is sent to any service to make one."""

from __future__ import annotations

import io

import segno


def png(text: str, scale: int = 5) -> bytes:
    """`text` as a QR code in a PNG (medium error correction: it still scans from a creased or smudged card)."""
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=scale, border=2)
    return out.getvalue()

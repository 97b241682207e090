"""Everything held about one person, as one zip: the download an admin (Patients) and a patient (Home) make."""

from __future__ import annotations

from datetime import UTC, date, datetime

from strain.usecases import records
from strain.usecases.shared import Context
from ui import download


def zip_button(service: Context, name: str, label: str, *, key: str) -> None:
    """A button that builds the zip of everything held about `name` on click, through the session's connection."""
    download.download_button(
        label,
        lambda: records.everything(service, name, date.today(), datetime.now(UTC)),
        file_name=records.zip_name(name, date.today()),
        mime="application/zip",
        key=key,
    )

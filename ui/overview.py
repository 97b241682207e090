"""The patients overview (app_pages/patients.py), kept between reruns until any of its patients' data changes."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd

from strain.storage import db
from strain.usecases import clinic
from strain.usecases.shared import Context
from ui.kept import Kept

_overviews: Kept[pd.DataFrame] = Kept(64, copies=True)


def patients_overview(service: Context, today: date) -> pd.DataFrame:
    """clinic.patients_overview(service, today), read again only when the day changes or anything of any of the
    actor's patients is written (every write bumps the person's revision: clinic.overview_version). Its eight
    queries took a third of every rerun of the clinic's home page. The version is read first, so a write in
    between only makes the kept overview newer than its key, never older."""
    version = clinic.overview_version(service)
    who = replace(service.actor, live=None)  # a read: the key is who it is, not this session's clock
    return _overviews.get((db.database_url(), who, today, version), lambda: clinic.patients_overview(service, today))

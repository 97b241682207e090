"""The patients overview (app_pages/patients.py) as its tables show it, kept between reruns until any of its patients'
data changes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import quote

import pandas as pd

from strain.domain import patients
from strain.storage import db
from strain.usecases import clinic
from strain.usecases.shared import Context
from ui.kept import Kept


@dataclass(frozen=True)
class Overview:
    """The current patients' table and the discharged patients' table, as shown, and their names in the tables'
    order. Shared by every run that asks with the same key: only read, never changed (st.dataframe reads it)."""

    current: pd.DataFrame
    current_names: tuple[str, ...]
    discharged: pd.DataFrame
    discharged_names: tuple[str, ...]

    @property
    def names(self) -> list[str]:
        return [*self.current_names, *self.discharged_names]


# Not copied for each run (the tables are only read): reading a pickle back took a millisecond of every run.
_overviews: Kept[Overview] = Kept(64, copies=False)


def link(name: str) -> str:
    return f"session?person={quote(name)}"


def day_text(day: date | None) -> str:
    return patients.EMPTY if day is None or pd.isna(day) else f"{day.day} {day:%b %Y}"


def _tables(overview: pd.DataFrame, with_therapist: bool) -> Overview:
    is_discharged = overview["discharged"].notna()
    current, discharged = overview[~is_discharged], overview[is_discharged]

    def therapist(rows: pd.DataFrame) -> dict[str, list[str]]:
        return {"Therapist": rows["therapist"].fillna("nobody yet").tolist()} if with_therapist else {}

    current_table = pd.DataFrame(
        {
            "Patient": [link(name) for name in current["name"]],
            "Needs attention": current["attention"].tolist(),
            "Days logged": current["days_logged"].tolist(),
            "Strain this week": [patients.number_text(value, "{:,.0f}") for value in current["this_week"]],
            "Strain last week": [patients.number_text(value, "{:,.0f}") for value in current["last_week"]],
            "Trend": [patients.trend_text(t, c) for t, c in zip(current["trend"], current["change"], strict=True)],
            "Pain this week": [patients.number_text(value, "{:.1f}") for value in current["pain_this_week"]],
            "Pain last week": [patients.number_text(value, "{:.1f}") for value in current["pain_last_week"]],
            "Plan done": [patients.number_text(value, "{:.0%}") for value in current["adherence"]],
            "Review": [day_text(day) for day in current["review_date"]],
            "Last visit": [day_text(day) for day in current["last_visit"]],
        }
        | therapist(current)
    )
    discharged_table = pd.DataFrame(
        {
            "Patient": [link(name) for name in discharged["name"]],
            "Discharged": [day_text(day) for day in discharged["discharged"]],
            "Last visit": [day_text(day) for day in discharged["last_visit"]],
        }
        | therapist(discharged)
    )
    return Overview(current_table, tuple(current["name"]), discharged_table, tuple(discharged["name"]))


def patients_overview(service: Context, today: date, *, with_therapist: bool) -> Overview:
    """clinic.patients_overview(service, today) as its tables show it (with each patient's therapist if
    `with_therapist`), read again only when the day changes or anything of any of the actor's patients is written
    (every write bumps the person's revision: clinic.overview_version). Its eight queries took a third of every
    rerun of the clinic's home page, and making the tables another tenth. The version is read first, so a write in
    between only makes the kept overview newer than its key, never older."""
    version = clinic.overview_version(service)
    who = replace(service.actor, live=None)  # a read: the key is who it is, not this session's clock
    key = (db.database_url(), who, today, version, with_therapist)
    return _overviews.get(key, lambda: _tables(clinic.patients_overview(service, today), with_therapist))

"""A therapist's patients at a glance, and who needs attention first.

"This week" is the 7 days up to today, "last week" the 7 days before. Averages are per logged day
(as on Week over week: a day not logged is unknown, not zero). Adherence is the share of the plan in
force done this week (strain.plans: each exercise's days practised, up to its days prescribed,
over the days prescribed).

Who needs attention first: a patient gets one flag for each of these, and the most flags come first
(on a tie, the larger rise in strain, then the name):
- no day logged this week;
- average daily strain up ATTENTION_RISE or more on last week;
- less than ATTENTION_ADHERENCE of the plan done this week;
- average pain up ATTENTION_PAIN points or more on last week (the pain rule's margin).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import numpy as np
import pandas as pd

WEEK = 7
TREND_CHANGE = 0.2  # a change of a fifth or more is a trend ("up" or "down"); less is "steady"
ATTENTION_RISE = TREND_CHANGE
ATTENTION_ADHERENCE = 0.5
ATTENTION_PAIN = 2.0

NO_LOG = "no day logged this week"
STRAIN_UP = f"strain up {ATTENTION_RISE:.0%} or more"
LOW_ADHERENCE = f"plan under {ATTENTION_ADHERENCE:.0%} done"
PAIN_UP = f"pain up {ATTENTION_PAIN:g} points or more"

COLUMNS = [
    "person_id",
    "name",
    "therapist",
    "days_logged",  # this week
    "this_week",  # average daily strain points per logged day (NaN: no day logged)
    "last_week",
    "change",  # this week / last week - 1 (NaN without both)
    "trend",  # "up", "down", "steady" or "" (not both weeks logged)
    "pain_this_week",  # average pain rating per rated day (NaN: none rated)
    "pain_last_week",
    "adherence",  # 0-1 (NaN: no plan in force)
    "last_visit",  # a date, or None
    "attention",  # the flags, in words
    "flags",  # how many
]


def periods(today: date) -> list[tuple[date, date]]:
    """This week and last week: (first, last) day of each, in that order."""
    return [(today - timedelta(days=WEEK - 1), today), (today - timedelta(days=2 * WEEK - 1), today - timedelta(WEEK))]


def adherence(plans: pd.DataFrame, practice: pd.DataFrame) -> pd.Series:
    """Per person with a plan in force: the share of it done, from store.plans_in_force and store.practice_days."""
    if plans.empty:
        return pd.Series(dtype="float64")
    done = plans.merge(practice, on=["person_id", "exercise_id"], how="left")
    done["done"] = np.minimum(done["days"].fillna(0), done["days_per_week"])
    by_person = done.groupby("person_id")[["done", "days_per_week"]].sum()
    return by_person["done"] / by_person["days_per_week"]


def overview(patients: pd.DataFrame, weeks: pd.DataFrame, done: pd.Series, visits: Mapping[int, date]) -> pd.DataFrame:
    """The overview's rows (COLUMNS), who needs attention first at the top.

    `patients`: person_id, name, therapist. `weeks`: per person and period (0 this week, 1 last
    week) the days logged, their strain total, and the sum and count of their pain ratings (person_id,
    period, days, total, pain, rated). `done`: each person's adherence. `visits`: each person's last visit.
    """
    frame = patients[["person_id", "name", "therapist"]].copy()
    for period, suffix in ((0, "this"), (1, "last")):
        week = weeks[weeks["period"] == period].set_index("person_id")
        days = frame["person_id"].map(week["days"]).fillna(0).astype("int64")
        frame[f"days_{suffix}"] = days
        frame[f"strain_{suffix}"] = frame["person_id"].map(week["total"]) / days.where(days > 0)
        rated = frame["person_id"].map(week["rated"])
        frame[f"pain_{suffix}"] = frame["person_id"].map(week["pain"]) / rated.where(rated > 0)
    change = frame["strain_this"] / frame["strain_last"].where(frame["strain_last"] > 0) - 1
    trend = np.select([change >= TREND_CHANGE, change <= -TREND_CHANGE, change.notna()], ["up", "down", "steady"], "")
    result = pd.DataFrame(
        {
            "person_id": frame["person_id"].astype("int64"),
            "name": frame["name"],
            "therapist": frame["therapist"],
            "days_logged": frame["days_this"],
            "this_week": frame["strain_this"].astype("float64"),
            "last_week": frame["strain_last"].astype("float64"),
            "change": change.astype("float64"),
            "trend": trend,
            "pain_this_week": frame["pain_this"].astype("float64"),
            "pain_last_week": frame["pain_last"].astype("float64"),
            "adherence": frame["person_id"].map(done).astype("float64"),
            "last_visit": frame["person_id"].map(lambda person_id: visits.get(person_id)),
        }
    )
    checks = {
        NO_LOG: result["days_logged"] == 0,
        STRAIN_UP: result["change"] >= ATTENTION_RISE,  # NaN compares False: no flag without both weeks
        LOW_ADHERENCE: result["adherence"] < ATTENTION_ADHERENCE,
        PAIN_UP: result["pain_this_week"] - result["pain_last_week"] >= ATTENTION_PAIN,
    }
    raised = [[flag for flag, on in zip(checks, row, strict=True) if on] for row in zip(*checks.values(), strict=True)]
    result["attention"] = ["; ".join(found) for found in raised]
    result["flags"] = pd.Series([len(found) for found in raised], index=result.index, dtype="int64")
    order = result.assign(rise=result["change"].fillna(-np.inf), key=result["name"].str.casefold())
    order = order.sort_values(["flags", "rise", "key"], ascending=[False, False, True], kind="stable")
    return result.loc[order.index].reset_index(drop=True)[COLUMNS]


def trend_text(trend: str, change: float) -> str:
    """The trend in words with a symbol, so it reads without colour: '▲ up 25%', '→ steady', '' (not both weeks)."""
    if not trend:
        return ""
    symbol = {"up": "▲", "down": "▼", "steady": "→"}[trend]
    return f"{symbol} steady" if trend == "steady" else f"{symbol} {trend} {abs(change):.0%}"

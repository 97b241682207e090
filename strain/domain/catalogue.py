"""Load and validate the model's data file (catalogue.toml) into typed, immutable objects.

A broken file fails at load time with a message that names the entry and the field, so a
therapist editing weights finds the mistake without reading a traceback.
"""

from __future__ import annotations

import hashlib
import math
import re
import tomllib
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any, SupportsIndex, TypeVar

from strain.domain import modifiers

DEFAULT_PATH = Path(__file__).with_name("catalogue.toml")
_T = TypeVar("_T")

UNITS = ("rep", "min")
POSITIONS = ("bed", "floor", "standing", "real task")
FAMILIES = ("transfers", "dressing", "surfaces", "lifting", "garden", "postures")
# Red-flag urgencies, most urgent first, with what to do.
URGENCIES = {
    "emergency": "Seek emergency care now (call your emergency number)",
    "same_day": "Get medical advice the same day (within 24 hours)",
    "soon": "See a doctor soon",
    "routine": "Mention it at a routine appointment",
}
PER_MINUTE_MOST = 100.0  # repetitions a minute held may be worth, at most (a second held = one repetition is 60)
ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogueError(ValueError):
    """The data file is not valid; the message names the entry and field."""


@dataclass(frozen=True)
class Sourced:
    """A number with its plausible range and the evidence (or labelled assumption) behind it."""

    value: float
    low: float
    high: float
    source: str


@dataclass(frozen=True)
class Activity:
    id: str
    name: str
    family: str
    unit: str
    weight: float
    low: float  # the weight's plausible range
    high: float
    source: str
    cue: str
    control: str
    takes: frozenset[str]  # of modifiers.optional()
    ladders: tuple[str, ...]


@dataclass(frozen=True)
class Ladder:
    id: str
    name: str
    move_up: str

    @property
    def short_name(self) -> str:
        """The name before its colon: "Sit to stand" of "Sit to stand: close the gap to your real seats"."""
        return self.name.split(":")[0]


@dataclass(frozen=True)
class Exercise:
    id: str
    name: str
    ladder: str
    level: int
    position: str
    steps: tuple[str, ...]  # how to do it, never how much
    recommended: bool
    reason: str
    dose: str = ""  # the library's default dose, when no plan gives one ("" for one not recommended)
    builds_on: str | None = None  # the lower level of the same ladder its steps refer to ("as level 1")


@dataclass(frozen=True)
class Bands:
    moderate: float
    high: float
    source: str


@dataclass(frozen=True)
class RedFlag:
    urgency: str  # a key of URGENCIES
    text: str


@dataclass(frozen=True)
class Safety:
    disclaimer: str
    premise: str  # the programme's premise, said as such
    red_flags_note: str  # said once wherever the list is shown: single red flags are weak on their own
    red_flags: tuple[RedFlag, ...]  # most urgent first

    def red_flags_by_urgency(self) -> dict[str, list[str]]:
        """urgency -> texts, in URGENCIES order (urgencies without flags left out)."""
        grouped = {urgency: [flag.text for flag in self.red_flags if flag.urgency == urgency] for urgency in URGENCIES}
        return {urgency: texts for urgency, texts in grouped.items() if texts}


@dataclass(frozen=True)
class Progression:
    """The one pain-guided rule for moving up (or back down) any ladder."""

    most_during: int  # the most pain (0-10) during the exercise that still meets the rule, whatever the usual
    fluctuation: int  # a next-day pain this far above the usual is ordinary day-to-day change, not a flare
    sessions: int  # days of practice at a level that must meet the rule
    usual_days: int  # the days of logged pain before a session that set "usual"
    rule: str
    step_back: str
    stop: str
    baseline: str  # asked for when no usual pain is known yet
    source: str


@dataclass(frozen=True)
class StarterEntry:
    """One line of the starting "typical day" a new person adjusts."""

    activity: str
    quantity: float
    values: dict[str, Any]  # the entry modifiers it gives, by column ({"first_hour": True}); the others' defaults


@dataclass(frozen=True)
class DayPart:
    """One part of the day, a step of the walkthrough: its question and the activities that happen in it."""

    id: str
    name: str
    question: str
    activities: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    activities: tuple[Activity, ...]
    ladders: tuple[Ladder, ...]
    exercises: tuple[Exercise, ...]
    controlled: dict[str, Sourced]  # technique class -> factor when done with control
    numbers: dict[str, Sourced]  # every entry modifier's numbers, by override key ("twist", "load.per_kg")
    bands: Bands
    per_minute: Sourced  # what a minute of a held posture (unit "min") is worth in repetitions at the same load
    progression: Progression
    formula: str
    safety: Safety
    starter_day: tuple[StarterEntry, ...]
    digest: str  # sha256 of the file's bytes: the base of the model version
    day_parts: tuple[DayPart, ...] = ()  # the day in order, for the walkthrough

    def __reduce_ex__(self, protocol: SupportsIndex) -> str | tuple[Any, ...]:
        """The shipped catalogue pickles as a reference to itself (a kept page's data, a model that holds it): it
        never changes while the process runs, and a copy of it was most of what a kept Audit read back on every
        run. copy.copy and copy.deepcopy give it back too, so nothing may change it in place. Any other catalogue
        pickles, and copies, whole."""
        if self is default():
            return default, ()
        return super().__reduce_ex__(protocol)

    def number(self, key: str) -> Sourced:
        """An entry modifier's number by its override key ("twist", "load.per_kg", "technique.lift")."""
        return self.numbers[key]

    def day_part(self, part_id: str) -> DayPart:
        return next(part for part in self.day_parts if part.id == part_id)

    def activity(self, activity_id: str) -> Activity:
        return self._activities_by_id[activity_id]

    def has_activity(self, activity_id: str) -> bool:
        return activity_id in self._activities_by_id

    def exercise(self, exercise_id: str) -> Exercise:
        return self._exercises_by_id[exercise_id]

    def ladder_steps(self, ladder_id: str) -> list[Exercise]:
        """The exercises of one ladder, easiest (level 1) first."""
        return sorted((e for e in self.exercises if e.ladder == ladder_id), key=lambda e: e.level)

    def built_on(self, exercise_id: str) -> list[Exercise]:
        """The lower levels an exercise's steps refer to, nearest first ("as level 2", which says "as level 1")."""
        found, chain = self.exercise(exercise_id), []
        while found.builds_on is not None:
            found = self.exercise(found.builds_on)
            chain.append(found)
        return chain

    def exercises_for(self, activity_id: str) -> list[Exercise]:
        """The exercises that train an activity: its main ladder first, each easiest first.

        All are recommended: parse() refuses an activity linked to a ladder that is not.
        """
        return [e for ladder in self.activity(activity_id).ladders for e in self.ladder_steps(ladder)]

    def trains(self, exercise_id: str) -> list[str]:
        """Activity ids an exercise trains (every activity whose ladders include its ladder)."""
        ladder = self.exercise(exercise_id).ladder
        return [a.id for a in self.activities if ladder in a.ladders]

    # Lookups built once (cached_property writes to the instance dict, which a frozen dataclass allows).
    @cached_property
    def _activities_by_id(self) -> dict[str, Activity]:
        return {a.id: a for a in self.activities}

    @cached_property
    def _exercises_by_id(self) -> dict[str, Exercise]:
        return {e.id: e for e in self.exercises}


def _field(table: dict[str, Any], key: str, kind: type[_T], where: str) -> _T:
    if key not in table:
        raise CatalogueError(f"{where}: missing field '{key}'")
    value = table[key]
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)  # a whole number is a number too
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise CatalogueError(f"{where}: field '{key}' has the wrong type ({type(value).__name__})")
    if isinstance(value, str) and not value.strip():
        raise CatalogueError(f"{where}: field '{key}' is empty")
    return value


def _number(table: dict[str, Any], key: str, where: str, low: float, high: float) -> float:
    value = float(_field(table, key, float, where))
    if not (math.isfinite(value) and low <= value <= high):
        raise CatalogueError(f"{where}: field '{key}' must be between {low} and {high}, got {value}")
    return value


def _choice(table: dict[str, Any], key: str, where: str, options: tuple[str, ...]) -> str:
    value = _field(table, key, str, where)
    if value not in options:
        raise CatalogueError(f"{where}: field '{key}' must be one of {', '.join(options)}, got {value!r}")
    return value


def _identifier(table: dict[str, Any], where: str, seen: set[str]) -> str:
    value = _field(table, "id", str, where)
    if not ID_PATTERN.match(value):
        raise CatalogueError(f"{where}: field 'id' must be snake_case, got {value!r}")
    if value in seen:
        raise CatalogueError(f"{where}: duplicate id {value!r}")
    seen.add(value)
    return value


def _range(table: dict[str, Any], value: float, where: str, low: float, high: float) -> tuple[float, float]:
    """A [low, high] pair within the allowed bounds that holds `value`."""
    pair = _field(table, "range", list, where)
    if len(pair) != 2 or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pair):
        raise CatalogueError(f"{where}: field 'range' must be [low, high], two numbers")
    range_low, range_high = float(pair[0]), float(pair[1])
    if not (low <= range_low <= value <= range_high <= high):
        raise CatalogueError(
            f"{where}: field 'range' must hold the value {value:g} and stay within {low:g} to {high:g}, got {pair}"
        )
    return range_low, range_high


def _sourced(table: dict[str, Any], key: str, where: str, low: float, high: float) -> Sourced:
    value = _number(table, key, where, low, high)
    return Sourced(value, *_range(table, value, where, low, high), _field(table, "source", str, where))


def _takes(table: dict[str, Any], where: str) -> frozenset[str]:
    values = _field(table, "takes", list, where)
    optional = modifiers.optional()
    unknown = [value for value in values if value not in optional]
    if unknown:
        raise CatalogueError(f"{where}: field 'takes' may list {', '.join(optional)}, got {unknown}")
    return frozenset(values)


def _modifier_numbers(tables: dict[str, Any], modifier: modifiers.Modifier) -> dict[str, Sourced]:
    """A modifier's numbers from its [modifiers.<name>] table, by override key: for a choice, a factor per
    technique class (under [modifiers.<name>.<saving>.<class>]); for the others, their one number."""
    where = f"[modifiers.{modifier.name}]"
    table = _field(tables, modifier.name, dict, "[modifiers]")
    low, high = modifier.bounds
    if not isinstance(modifier, modifiers.Choice):
        [key] = modifier.keys(())
        return {key: _sourced(table, modifier.field, where, low, high)}
    classes = _field(table, modifier.saving, dict, where)
    where = f"[modifiers.{modifier.name}.{modifier.saving}]"
    if not classes:
        raise CatalogueError(f"{where}: no technique classes")
    return {
        f"{modifier.name}.{name}": _sourced(
            entry, "factor", f"[modifiers.{modifier.name}.{modifier.saving}.{name}]", low, high
        )
        for name, entry in classes.items()
    }


def _texts(table: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    values = _field(table, key, list, where)
    if not values or not all(isinstance(value, str) and value.strip() for value in values):
        raise CatalogueError(f"{where}: field '{key}' must be a list of non-empty texts")
    return tuple(values)


def _safety(table: dict[str, Any], flags: list[Any]) -> Safety:
    red_flags = []
    for index, flag in enumerate(flags):
        where = f"red_flags[{index}]"
        red_flags.append(RedFlag(_choice(flag, "urgency", where, tuple(URGENCIES)), _field(flag, "text", str, where)))
    if not red_flags:
        raise CatalogueError("catalogue: no [[red_flags]]")
    return Safety(
        disclaimer=_field(table, "disclaimer", str, "[safety]"),
        premise=_field(table, "premise", str, "[safety]"),
        red_flags_note=_field(table, "red_flags_note", str, "[safety]"),
        red_flags=tuple(sorted(red_flags, key=lambda flag: list(URGENCIES).index(flag.urgency))),
    )


def _progression(table: dict[str, Any]) -> Progression:
    where = "[progression]"
    return Progression(
        most_during=int(_number(table, "most_during", where, 0, 10)),
        fluctuation=int(_number(table, "fluctuation", where, 0, 10)),
        sessions=int(_number(table, "sessions", where, 1, 30)),
        usual_days=int(_number(table, "usual_days", where, 1, 90)),
        rule=_field(table, "rule", str, where),
        step_back=_field(table, "step_back", str, where),
        stop=_field(table, "stop", str, where),
        baseline=_field(table, "baseline", str, where),
        source=_field(table, "source", str, where),
    )


def _check_ladders(ladders: list[Ladder], exercises: list[Exercise], activities: list[Activity]) -> None:
    """Every ladder climbs 1, 2, 3... and every activity points at ladders worth climbing."""
    for ladder in ladders:
        levels = sorted(e.level for e in exercises if e.ladder == ladder.id)
        if levels != list(range(1, len(levels) + 1)) or not levels:
            raise CatalogueError(f"ladder {ladder.id!r}: levels must run 1, 2, 3... without gaps, got {levels}")
    by_id = {e.id: e for e in exercises}
    for exercise in exercises:
        lower = by_id.get(exercise.builds_on or "")
        if exercise.builds_on is not None and (
            lower is None or lower.ladder != exercise.ladder or lower.level >= exercise.level
        ):
            raise CatalogueError(
                f"exercise {exercise.id!r}: 'builds_on' must name a lower level of the same ladder, "
                f"got {exercise.builds_on!r}"
            )
    not_recommended = {e.ladder for e in exercises if not e.recommended}
    for activity in activities:
        if not activity.ladders:
            raise CatalogueError(f"activity {activity.id!r}: field 'ladders' needs at least one ladder")
        for ladder_id in set(activity.ladders) & not_recommended:
            raise CatalogueError(
                f"activity {activity.id!r}: ladder {ladder_id!r} holds exercises that are not recommended"
            )


def _day_parts(tables: list[Any], activities: list[Activity]) -> tuple[DayPart, ...]:
    """The parts of the day, in order; each names known activities, and every activity is in one at least."""
    known = [activity.id for activity in activities]
    parts, part_ids = [], set[str]()
    for index, table in enumerate(tables):
        part_id = _identifier(table, f"day_parts[{index}]", part_ids)
        where = f"day part {part_id!r}"
        ids = _texts(table, "activities", where)
        for activity_id in ids:
            if activity_id not in known:
                raise CatalogueError(f"{where}: field 'activities' names unknown activity {activity_id!r}")
        if len(set(ids)) != len(ids):
            raise CatalogueError(f"{where}: field 'activities' names an activity twice")
        parts.append(DayPart(part_id, _field(table, "name", str, where), _field(table, "question", str, where), ids))
    if not parts:
        raise CatalogueError("catalogue: no [[day_parts]]")
    placed = {activity_id for part in parts for activity_id in part.activities}
    missing = [activity_id for activity_id in known if activity_id not in placed]
    if missing:
        raise CatalogueError(f"[[day_parts]]: activities in no part of the day: {', '.join(missing)}")
    return tuple(parts)


def parse(text: str) -> Catalogue:
    """Validate the text of a catalogue file and build the catalogue."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogueError(f"catalogue is not valid TOML: {error}") from None

    model = _field(data, "model", dict, "[model]")
    modifier_tables = _field(data, "modifiers", dict, "[modifiers]")
    numbers = {
        key: number
        for modifier in modifiers.REGISTRY
        for key, number in _modifier_numbers(modifier_tables, modifier).items()
    }
    prefix = f"{modifiers.TECHNIQUE.name}."  # an activity's `control` names one of its classes
    controlled = {key.removeprefix(prefix): number for key, number in numbers.items() if key.startswith(prefix)}

    ladders, ladder_ids = [], set[str]()
    for index, table in enumerate(_field(data, "ladders", list, "catalogue")):
        where = f"ladders[{index}]"
        ladder_id = _identifier(table, where, ladder_ids)
        where = f"ladder {ladder_id!r}"
        ladders.append(Ladder(ladder_id, _field(table, "name", str, where), _field(table, "move_up", str, where)))

    activities, activity_ids = [], set[str]()
    for index, table in enumerate(_field(data, "activities", list, "catalogue")):
        activity_id = _identifier(table, f"activities[{index}]", activity_ids)
        where = f"activity {activity_id!r}"
        control = _choice(table, "control", where, tuple(controlled))
        activity_ladders = tuple(_field(table, "ladders", list, where))
        weight = _number(table, "weight", where, 0.0, 1000.0)
        weight_low, weight_high = _range(table, weight, where, 0.0, 1000.0)
        for ladder in activity_ladders:
            if ladder not in ladder_ids:
                raise CatalogueError(f"{where}: field 'ladders' names unknown ladder {ladder!r}")
        activities.append(
            Activity(
                id=activity_id,
                name=_field(table, "name", str, where),
                family=_choice(table, "family", where, FAMILIES),
                unit=_choice(table, "unit", where, UNITS),
                weight=weight,
                low=weight_low,
                high=weight_high,
                source=_field(table, "source", str, where),
                cue=_field(table, "cue", str, where),
                control=control,
                takes=_takes(table, where),
                ladders=activity_ladders,
            )
        )

    exercises, exercise_ids = [], set[str]()
    for index, table in enumerate(_field(data, "exercises", list, "catalogue")):
        exercise_id = _identifier(table, f"exercises[{index}]", exercise_ids)
        where = f"exercise {exercise_id!r}"
        recommended = table.get("recommended", True)
        if not isinstance(recommended, bool):
            raise CatalogueError(f"{where}: field 'recommended' must be true or false")
        reason = table.get("reason", "")
        if not recommended and not (isinstance(reason, str) and reason.strip()):
            raise CatalogueError(f"{where}: field 'reason' is required when recommended = false")
        steps = _texts(table, "steps", where)
        dose = _field(table, "dose", str, where) if recommended else ""
        builds_on = table.get("builds_on")
        if builds_on is not None and not isinstance(builds_on, str):
            raise CatalogueError(f"{where}: field 'builds_on' must be an exercise's id")
        exercises.append(
            Exercise(
                id=exercise_id,
                name=_field(table, "name", str, where),
                ladder=_choice(table, "ladder", where, tuple(ladder_ids)),
                level=int(_number(table, "level", where, 1, 20)),
                position=_choice(table, "position", where, POSITIONS),
                steps=steps,
                recommended=recommended,
                reason=reason,
                dose=dose,
                builds_on=builds_on,
            )
        )

    _check_ladders(ladders, exercises, activities)

    bands_table = _field(data, "bands", dict, "catalogue")
    bands = Bands(
        moderate=_number(bands_table, "moderate", "[bands]", 0.0, 1e6),
        high=_number(bands_table, "high", "[bands]", 0.0, 1e6),
        source=_field(bands_table, "source", str, "[bands]"),
    )
    if bands.high <= bands.moderate:
        raise CatalogueError("[bands]: 'high' must be above 'moderate'")

    starter_day = []
    for index, table in enumerate(data.get("starter_day", [])):
        where = f"starter_day[{index}]"
        activity_id = _choice(table, "activity", where, tuple(activity_ids))
        values = {}
        for modifier in modifiers.REGISTRY:
            values[modifier.column] = table.get(modifier.column, modifier.default)
            problem = modifier.problem(values[modifier.column])
            if problem:
                raise CatalogueError(f"{where}: {problem}")
        starter_day.append(StarterEntry(activity_id, _number(table, "quantity", where, 0.0, 1440.0), values))

    return Catalogue(
        activities=tuple(activities),
        ladders=tuple(ladders),
        exercises=tuple(exercises),
        controlled=controlled,
        numbers=numbers,
        bands=bands,
        per_minute=_sourced(
            _field(model, "per_minute", dict, "[model]"), "factor", "[model.per_minute]", 0.0, PER_MINUTE_MOST
        ),
        progression=_progression(_field(data, "progression", dict, "catalogue")),
        formula=_field(model, "formula", str, "[model]"),
        safety=_safety(_field(data, "safety", dict, "catalogue"), _field(data, "red_flags", list, "catalogue")),
        starter_day=tuple(starter_day),
        digest=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        day_parts=_day_parts(_field(data, "day_parts", list, "catalogue"), activities),
    )


def load(path: Path = DEFAULT_PATH) -> Catalogue:
    """Read and validate a catalogue file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogueError(f"cannot read catalogue {path}: {error.strerror}") from None
    return parse(text)


@cache
def default() -> Catalogue:
    """The catalogue shipped with the package, loaded once per process."""
    return load()

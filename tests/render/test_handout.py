"""The PDF handout and tally card, read back with pypdf and checked against the database; and their commands.

pypdf reads the text back with the size each run is printed at, so the tests hold the sizes the
physiotherapist's review asked for: no handout text under 11 points, no card text under 10.
"""

from __future__ import annotations

import io
import json
import re
import stat
from datetime import UTC, date, datetime, timedelta

import PIL.Image
import pypdf
import pytest

from strain.cli import main as cli
from strain.domain import model
from strain.domain.actor import OWNER
from strain.domain.outcomes import VisitInput
from strain.domain.plans import PlannedExercise
from strain.render import handout, qr, sheets
from strain.storage import day_store, db
from strain.usecases import clinic_settings, exercises, log_day, people, printouts, session
from strain.usecases import plan as plan_cases
from strain.usecases.shared import Context
from tests.clinic import clinic
from tests.helpers import entries
from tests.strategies import CAT

TODAY = date.today()
NAME = "Zoë Ångström-Łukasiewicz (Ζωή Анна)"  # accented, Greek and Cyrillic letters


def pdf_text(content: bytes) -> tuple[int, str]:
    """The page count and the text of a PDF, with runs of white space made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def text_sizes(content: bytes) -> dict[float, str]:
    """Point size -> the text printed at it (its runs joined by spaces), from every page of a PDF."""
    found: dict[float, list[str]] = {}

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            scale = (
                abs(
                    (tm[0] * cm[0] + tm[1] * cm[2]) * (tm[2] * cm[1] + tm[3] * cm[3])
                    - (tm[0] * cm[1] + tm[1] * cm[3]) * (tm[2] * cm[0] + tm[3] * cm[2])
                )
                ** 0.5
            )
            found.setdefault(round(size * scale, 1), []).append(text.strip())

    for page in pypdf.PdfReader(io.BytesIO(content)).pages:
        page.extract_text(visitor_text=visit)
    return {size: " ".join(texts) for size, texts in found.items()}


def smaller_than(content: bytes, points: float) -> dict[float, str]:
    return {size: text for size, text in text_sizes(content).items() if size < points}


@pytest.fixture
def url(make_database) -> str:
    return make_database("sqlite", migrated=True)


@pytest.fixture
def service(url) -> Context:
    engine = db.open_database(url)
    yield Context(engine, CAT)
    engine.dispose()


def longest_plan() -> list[PlannedExercise]:
    """Four recommended exercises with the most text: the plan that makes the longest handout."""
    exercises = sorted(
        (e for e in CAT.exercises if e.recommended), key=lambda e: -sum(len(step) for step in e.steps) - len(e.name)
    )[:4]
    return [
        PlannedExercise(e.id, days_per_week=5, sets=2, reps=8)
        if n % 2
        else PlannedExercise(e.id, days_per_week=7, minutes=5)
        for n, e in enumerate(exercises)
    ]


@pytest.fixture
def zoe(service: Context):
    person = people.add_person(service, NAME)
    for offset in range(1, 27):
        if offset % 5 == 0:
            continue
        day = TODAY - timedelta(days=offset)
        rows = [("sit_down_chair", 5 + offset % 7), ("hunched_sitting", 120 + offset * 5), ("socks_shoes", 4)]
        rows += [("weeding", 45)] if offset % 3 == 0 else [("lean_over_worktop", 10 + offset)]
        log_day.save_day(service, person, day, entries(*rows, day=day), pain=3, note="", expected_version=None)
    start = TODAY - timedelta(days=20)
    plan_cases.save_plan(
        service, person, longest_plan(), start=start, review_date=TODAY + timedelta(days=14), note="", today=TODAY
    )
    exercises.set_seat(service, person, name="chair", height_cm=46)
    exercises.set_seat(service, person, name="toilet", height_cm=41)
    exercises.log_box_height(service, person, day=TODAY - timedelta(days=2), today=TODAY, height_cm=50)
    return person


def expected_from_the_database(service: Context, person, start: date, end: date) -> tuple[float, list[str]]:
    """The average points per logged day and the top three activities' names, straight from the tables."""
    scored = model.score(
        day_store.load_entries(engine=service.engine, actor=OWNER, person_id=person.id, start=start, end=end),
        model.Model(CAT),
    )
    days = len(day_store.load_days(engine=service.engine, actor=OWNER, person_id=person.id, start=start, end=end))
    per_activity = scored.groupby("activity")["points"].sum().sort_values(ascending=False)
    return scored["points"].sum() / days, [CAT.activity(a).name for a in per_activity.index[:3]]


def test_the_handout_shows_the_name_average_top_sources_and_every_exercise_of_the_plan(service, zoe):
    start, end = TODAY - timedelta(days=27), TODAY
    content = handout.handout_pdf(printouts.handout(service, zoe, start, end, TODAY))
    pages, text = pdf_text(content)
    assert pages <= 6  # the longest plan with drawings, the seats, the full pain rule and the red flags (28 items)
    assert smaller_than(content, 11) == {}  # every word, footer and chart label included
    assert f"Strain Audit: {NAME}" in text
    average, top = expected_from_the_database(service, zoe, start, end)
    assert f"{average:.0f} points a day" in text
    positions = [text.index(f"{rank}. {name}:") for rank, name in enumerate(top, start=1)]
    assert positions == sorted(positions)
    for planned in plan_cases.plans(service, zoe)[-1].exercises:
        exercise = CAT.exercise(planned.exercise_id)
        assert exercise.name in text
        assert f"Dose: {planned.schedule}" in text
        assert exercise.steps[0].split()[0] in text
    assert "chair 46 cm 50 cm 4 cm to go" in text
    for flag in CAT.safety.red_flags:  # every one, as the sidebar and the README list them
        assert " ".join(flag.text.split()) in text
    assert " ".join(CAT.safety.red_flags_note.split()) in text
    assert "Not medical advice." in text
    parts = re.search(r"(\d+) from movements and (\d+) from held postures\.", text)
    assert parts and int(parts[1]) + int(parts[2]) in (round(average) - 1, round(average), round(average) + 1)
    assert f"Period: {start:%d %B %Y} to {end:%d %B %Y}" in text


def test_a_handout_with_nothing_logged_and_no_plan_is_two_pages_at_most_that_say_so(service):
    person = people.add_person(service, "Bo **B** -- __C__")  # fpdf2 markup in a name prints as typed
    pages, text = pdf_text(
        handout.handout_pdf(printouts.handout(service, person, TODAY - timedelta(days=6), TODAY, TODAY))
    )
    assert pages <= 2  # the red flags alone take most of a page at 12 points
    assert "Strain Audit: Bo **B** -- __C__" in text
    assert "No days were logged in this period." in text and "No plan has been set yet." in text


def test_the_tally_card_is_a_week_of_the_typical_day_as_saved_the_plan_and_pain_at_10_points_or_more(service, zoe):
    long_name = max(CAT.activities, key=lambda a: len(a.name))  # printed whole, never cut short
    typical = entries(
        ("sit_down_chair", 9), ("socks_shoes", 4), ("weeding", 30), ("car_sitting", 40), (long_name.id, 3), day=TODAY
    )
    day_store.save_template(engine=service.engine, actor=OWNER, person_id=zoe.id, entries=typical)
    content = handout.card_pdf(printouts.card(service, zoe, TODAY))
    pages, text = pdf_text(content)
    assert pages == 1
    assert smaller_than(content, 10) == {}
    assert f"Tally card: {NAME}" in text and "…" not in text
    assert " ".join(long_name.name.split()) in text
    for activity in typical["activity"]:
        assert CAT.activity(activity).name in text
    in_the_day = ["Putting on a sock or shoe", "Sitting down on a chair", "Sitting in a car", "Weeding"]
    positions = [text.index(name) for name in in_the_day]
    assert positions == sorted(positions)  # dressing, breakfast, the car, the garden: the order of the day
    assert "usual 9 times" in text and "usual 30 min" in text  # the counts as saved, not shared out over the day
    assert text.count("Sitting down on a chair") == 1
    assert "Pain today (0 to 10)" in text and "Mon Tue Wed Thu Fri Sat Sun" in text
    for planned in plan_cases.plans(service, zoe)[-1].exercises:  # a row to tick each day for each planned exercise
        assert f"{CAT.exercise(planned.exercise_id).name} {planned.schedule}" in text


def test_a_tally_card_with_an_invite_carries_its_qr_code_link_and_expiry_on_one_page(service, zoe):
    typical = entries(("sit_down_chair", 9), ("socks_shoes", 4), ("weeding", 30), ("car_sitting", 40), day=TODAY)
    day_store.save_template(engine=service.engine, actor=OWNER, person_id=zoe.id, entries=typical)
    link = "https://strain.clinic.example/?invite=" + "T0k-3n_" * 6
    expires = datetime(2026, 12, 10, 17, 5, tzinfo=UTC)
    content = handout.card_pdf(printouts.card(service, zoe, TODAY, sheets.CardInvite(link, expires)))
    pages, text = pdf_text(content)
    assert pages == 1 and smaller_than(content, 10) == {}
    assert "Scan to open your tally on your phone" in text
    assert link in text.replace(" ", "")  # whole, to type in where a camera cannot read the code
    assert "works once, until 10 Dec 2026, 17:05" in text
    page = pypdf.PdfReader(io.BytesIO(content)).pages[0]
    [image] = page.images  # the QR code, drawn locally
    drawn = PIL.Image.open(io.BytesIO(qr.png(link, scale=8))).convert("L")
    assert image.image.convert("L").tobytes() == drawn.tobytes()  # this link's code, module for module
    plain = handout.card_pdf(printouts.card(service, zoe, TODAY))
    assert "Scan to open" not in pdf_text(plain)[1] and not pypdf.PdfReader(io.BytesIO(plain)).pages[0].images


def test_the_handouts_exercises_take_their_dose_from_the_plan_and_print_the_level_a_step_refers_to(service):
    person = people.add_person(service, "Ann")
    planned = [
        PlannedExercise("psoas_bed", days_per_week=5, sets=3, reps=8),
        PlannedExercise("squat_lower_box", days_per_week=3, sets=2, reps=6),
    ]
    plan_cases.save_plan(
        service, person, planned, start=TODAY, review_date=TODAY + timedelta(days=14), note="", today=TODAY
    )
    _, text = pdf_text(handout.handout_pdf(printouts.handout(service, person, TODAY, TODAY, TODAY)))
    for exercise in planned:
        found = CAT.exercise(exercise.exercise_id)
        block = text[text.index(found.name) :]
        assert block.startswith(f"{found.name} (") and f"Dose: {exercise.schedule}" in block
        assert found.dose not in text  # the library's default dose would contradict the plan's
        for lower in CAT.built_on(found.id):  # "as level 1": level 1's steps are on the page too
            assert all(" ".join(step.split()) in text for step in lower.steps)
    assert "Dose: 3 x 8, 5 days a week" in text and "Dose: 2 x 6, 3 days a week" in text
    assert "daily" not in text.lower().replace("daily strain", "")  # no "practise daily" against "3 days a week"


def test_no_step_of_the_library_says_how_much_and_every_exercise_has_a_default_dose():
    amount = re.compile(r"\b\d+\s*(x\b|times|repetitions|reps|each|sets|seconds|breaths|minutes)", re.IGNORECASE)
    for exercise in CAT.exercises:
        assert not [step for step in exercise.steps if amount.search(step)], exercise.id
        assert bool(exercise.dose) == exercise.recommended, exercise.id


def test_the_handout_names_the_therapist_the_clinic_and_the_plan_note_beside_stop_and_get_advice(service):
    admin, therapist, _ = clinic(service.engine)
    as_admin, as_therapist = service.acting_as(admin), service.acting_as(therapist)
    clinic_settings.set_details(as_admin, "  Bridge Street Physiotherapy ", "01632 960 001, Bridge Street 4")
    clinic_settings.set_account_name(as_admin, "a@clinic.test", "Bea Jones")
    person = people.add_person(as_therapist, "Ann")
    plan_cases.save_plan(
        as_therapist,
        person,
        longest_plan()[:2],
        start=TODAY,
        review_date=TODAY + timedelta(days=14),
        note="Little and often; ring me if the leg pain comes back.",
        today=TODAY,
    )
    for ctx in (as_therapist, as_admin):  # the patient's own therapist, whoever prints it
        _, text = pdf_text(handout.handout_pdf(printouts.handout(ctx, person, TODAY, TODAY, TODAY)))
        stop = text.index("Stop and get advice from")
        frame = text[stop : text.index("Close the gap")]
        assert "Your therapist: Bea Jones (a@clinic.test)" in frame
        assert "Clinic: Bridge Street Physiotherapy · 01632 960 001, Bridge Street 4" in frame
        assert "Your therapist's note: Little and often; ring me if the leg pain comes back." in frame


def test_a_handout_in_personal_mode_has_no_clinic_or_therapist_line(service, zoe):
    _, text = pdf_text(handout.handout_pdf(printouts.handout(service, zoe, TODAY, TODAY, TODAY)))
    assert "Stop and get advice from" in text
    assert "Clinic:" not in text and "Your therapist:" not in text


def test_report_and_card_write_pdfs_from_the_command_line(service, zoe, url, tmp_path, capsys):
    out = tmp_path / "handout.pdf"
    start = (TODAY - timedelta(days=13)).isoformat()
    assert (
        cli.main(
            [
                "report",
                "--person",
                "zoë ångström-łukasiewicz (ζωή анна)",
                "--from",
                start,
                "--out",
                str(out),
                "--db",
                url,
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == f"wrote the handout for {NAME} ({start} to {TODAY}) to {out}"
    pages, text = pdf_text(out.read_bytes())
    average, _ = expected_from_the_database(service, zoe, date.fromisoformat(start), TODAY)
    assert pages <= 6 and f"{average:.0f} points a day" in text

    card = tmp_path / "card.pdf"
    assert cli.main(["card", "--person", NAME, "--out", str(card), "--db", url]) == 0
    assert pdf_text(card.read_bytes())[0] == 1
    # They name the person and hold health data: readable by their owner only, as a backup is.
    assert [stat.S_IMODE(path.stat().st_mode) for path in (out, card)] == [0o600, 0o600]


def test_a_pdf_replacing_a_file_anyone_could_read_is_readable_by_its_owner_only(service, zoe, url, tmp_path):
    card = tmp_path / "card.pdf"
    card.write_bytes(b"old")
    card.chmod(0o644)
    (tmp_path / "card.pdf.partial").write_bytes(b"a leftover")
    assert cli.main(["card", "--person", NAME, "--out", str(card), "--db", url]) == 0
    assert stat.S_IMODE(card.stat().st_mode) == 0o600 and card.read_bytes().startswith(b"%PDF")
    assert not (tmp_path / "card.pdf.partial").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["report", "--person", "Nobody"], "error: no person called Nobody"),
        (
            ["report", "--person", NAME, "--from", "2026-11-30", "--to", "2026-11-01"],
            "error: --from 2026-11-30 is after --to 2026-11-01",
        ),
        (
            ["report", "--person", NAME, "--to", "30/11/2026"],
            "error: --to must be a date like 2026-11-25, got '30/11/2026'",
        ),
        (["card", "--person", "Nobody"], "error: no person called Nobody"),
    ],
)
def test_command_mistakes_are_one_line_with_exit_2_and_write_nothing(
    service, zoe, url, tmp_path, capsys, args, message
):
    out = tmp_path / "out.pdf"
    assert cli.main([*args, "--out", str(out), "--db", url]) == 2
    assert capsys.readouterr().err.splitlines() == [message]
    assert not out.exists()


def test_export_json_has_the_walkthrough_plans_visits_and_psfs(service, zoe, url, capsys):
    draft, _ = session.walkthrough(service, zoe, TODAY)
    session.save_walkthrough(service, zoe, draft, TODAY)
    visit = VisitInput(day=TODAY - timedelta(days=1), note="first", pain_now=5, new_activities=[("Gardening", 4)])
    session.add_visit(service, zoe, visit, TODAY)
    assert cli.main(["export", "--person", NAME, "--format", "json", "--db", url]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["walkthrough"]["step"] == 0 and document["walkthrough"]["lines"]
    assert [plan["version"] for plan in document["plans"]] == [1]
    assert len(document["plans"][0]["exercises"]) == 4
    assert document["psfs_activities"] == ["Gardening"]
    assert document["visits"] == [
        {
            "date": (TODAY - timedelta(days=1)).isoformat(),
            "note": "first",
            "pain_now": 5,
            "pain_average": None,
            "pain_worst": None,
            "psfs": [{"activity": "Gardening", "score": 4}],
            "psfs_average": 4.0,
            "psfs_change": None,
        }
    ]


def test_the_handouts_drawings_are_at_least_35_mm_tall_all_at_one_scale_and_marked_without_and_with(service, zoe):
    data = printouts.handout(service, zoe, TODAY - timedelta(days=27), TODAY, TODAY)
    boxes = handout.drawing_boxes(data)
    pictures = [svg for source in data.sources for svg in source.pictures]
    pictures += [svg for exercise in data.exercises for svg in exercise.pictures]
    assert len(boxes) == len(pictures) >= 6  # three sources drawn both ways, and the plan's exercises
    scales = set()
    for (_, x, y, width, height), svg in zip(boxes, pictures, strict=True):
        assert height >= 35
        view_width, view_height = (float(v) for v in re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups())
        assert width / view_width == pytest.approx(height / view_height)  # not squeezed
        scales.add(round(height / view_height, 4))  # mm per cm
        assert 15 <= x <= 195 - width and 15 <= y <= 282 - height  # on the page, inside the margins
    assert len(scales) == 1  # a person is the same size in every drawing of the handout
    _, text = pdf_text(handout.handout_pdf(data))
    assert text.count("✗ Without control") == text.count("✓ With control") == len(data.sources)

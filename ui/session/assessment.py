"""The therapist session's assessment part: the first visit's record (complaint, history, goals, work and
activities, consent, the red-flag screen and the Keele STarT Back tool), shown whole, and its form.

pages/session.py calls `draw(person)` for its assessment part. Widget keys start with "as_".
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from strain.domain import assessment as rules
from strain.domain import limits
from strain.domain.assessment import AssessmentInput, RedFlagAnswer
from strain.domain.catalogue import URGENCIES
from strain.domain.errors import Conflict, Invalid, NotFound
from strain.storage.people_store import PersonInfo
from strain.usecases import assessment
from ui import components, context

YES_NO = ("Yes", "No")
EDIT_OPEN = "as_edit_open"  # the Edit the assessment fold is open
AGREE = ("Agree", "Disagree")
ANSWERS = "as_answers"  # the form's answers while it is open, every step's, by widget key (what Save sends)
STEP = "as_step"  # the step of the form shown
# The red-flag screen in two steps: the emergency signs (cauda equina and the like) first, then the rest.
STEPS = ("History and consent", "Red flags: emergency", "Red flags: the others", "STarT Back")


def _text(text: str) -> str:
    """Free text as typed, whole, every line kept (markdown joins single lines otherwise); never markup."""
    return "  \n".join(components.md(line) for line in text.split("\n"))


def _problems_box(key: str) -> None:
    problems = st.session_state.get(key)
    if problems:
        st.error("Nothing was saved. Please correct:\n\n" + "\n".join(f"- {components.md(p)}" for p in problems))


def _answer(value: bool | None, words: tuple[str, str]) -> str | None:
    return None if value is None else words[0] if value else words[1]


def _flags(step: int) -> list[int]:
    """The red-flag items a step asks (by their place in the screen): the emergency ones, or the others."""
    flags = context.strain_catalogue().safety.red_flags
    return [n for n, flag in enumerate(flags) if (flag.urgency == "emergency") == (step == 1)]


def _step_keys(step: int) -> list[str]:
    """The widget keys of a step of the form."""
    if step == 0:
        return ["as_day", *(f"as_text_{n}" for n in rules.TEXTS), *(f"as_consent_{n}" for n in rules.CONSENTS)]
    if step < len(STEPS) - 1:
        return [f"as_flag_{n}" for n in _flags(step)]
    return [*(f"as_sb_{n}" for n in range(len(rules.startback().statements))), "as_sb_bothersome"]


def _load_form(person: PersonInfo, found: assessment.Assessment | None) -> None:
    """Fill the form's answers from the saved assessment (or leave them empty before the first one), at its
    first step."""
    state = st.session_state
    tool = rules.startback()
    flags = context.strain_catalogue().safety.red_flags
    stored = found.stored if found else None
    flagged = {flag.text: flag.positive for flag in stored.red_flags} if stored else {}
    answers: dict[str, object] = {"as_day": stored.day if stored else date.today()}
    for name in rules.TEXTS:
        answers[f"as_text_{name}"] = stored.texts[name] if stored else ""
    for name in rules.CONSENTS:
        answers[f"as_consent_{name}"] = _answer(stored.consents[name], YES_NO) if stored else None
    for n, flag in enumerate(flags):
        answers[f"as_flag_{n}"] = _answer(flagged.get(flag.text), YES_NO)
    for n in range(len(tool.statements)):
        answers[f"as_sb_{n}"] = _answer(stored.startback[n] == 1, AGREE) if stored else None
    answers["as_sb_bothersome"] = tool.bothersome_options[stored.startback[-1]] if stored else None
    state.update({ANSWERS: answers, "as_person": person.id, "as_version": stored.version if stored else None})
    _show(0)


def _keep_step() -> None:
    """The shown step's answers, as sent with the form, go into the answers (a step not shown loses its widgets)."""
    state = st.session_state
    state[ANSWERS].update({key: state[key] for key in _step_keys(state[STEP]) if key in state})


def _show(step: int) -> None:
    """Show a step of the form, its widgets filled from the answers."""
    state = st.session_state
    state[STEP] = step
    state.update({key: state[ANSWERS][key] for key in _step_keys(step)})


def _go(step: int) -> None:
    _keep_step()
    _show(step)


def _dropped() -> bool:
    """Whether the last run did not draw the form (another part of the page, or the fold closed): Streamlit drops
    the values of widgets a run does not draw, so none of the step's is left."""
    state = st.session_state
    if STEP not in state:
        return True
    keys = _step_keys(state[STEP])
    return bool(keys) and not any(key in state for key in keys)  # (a step with no items is never "dropped")


def _form_input() -> AssessmentInput:
    answers = st.session_state[ANSWERS]
    tool = rules.startback()
    flags = context.strain_catalogue().safety.red_flags

    def yes(key: str, words: tuple[str, str]) -> bool | None:
        return None if answers[key] is None else answers[key] == words[0]

    bothersome = answers["as_sb_bothersome"]
    return AssessmentInput(
        day=answers["as_day"],
        texts={name: answers[f"as_text_{name}"] or "" for name in rules.TEXTS},
        consents={name: yes(f"as_consent_{name}", YES_NO) for name in rules.CONSENTS},
        red_flags={flag.text: yes(f"as_flag_{n}", YES_NO) for n, flag in enumerate(flags)},
        agreed=[yes(f"as_sb_{n}", AGREE) for n in range(len(tool.statements))],
        bothersome=None if bothersome is None else tool.bothersome_options.index(bothersome),
    )


def _save(person: PersonInfo) -> None:
    state = st.session_state
    _keep_step()
    form = _form_input()
    ctx = context.use_cases()
    save = lambda: assessment.save_assessment(ctx, person, form, date.today(), state.get("as_version"))  # noqa: E731
    problems = context.problems(save, (Invalid, Conflict))
    state["as_problems"] = problems
    if not problems:
        state["as_saved"] = f"Saved the assessment of {form.day:%d %B %Y}."
        state.pop("as_person", None)  # reload the form from what was saved


def _mark_dealt(person: PersonInfo, flag_id: int) -> None:
    state = st.session_state
    note = state.get(f"as_dealt_note_{flag_id}", "")
    mark = lambda: assessment.mark_dealt_with(context.use_cases(), person, flag_id, note)  # noqa: E731
    state[f"as_dealt_problems_{flag_id}"] = context.problems(mark, (Invalid, NotFound))


def _flag_line(flag: RedFlagAnswer) -> str:
    return f"**{URGENCIES[flag.urgency]}**: {components.md(flag.text)} (answered yes on {flag.answered_on:%d %B %Y})"


def _red_flags(person: PersonInfo, flags: list[RedFlagAnswer]) -> None:
    st.subheader("Red-flag screen")
    positive = [flag for flag in flags if flag.positive]
    if not positive:
        st.success(f"Every item answered no ({len(flags)} asked).")
    for flag in positive:
        if flag.open:
            with st.container(border=True):
                st.markdown(f":material/emergency: {_flag_line(flag)}")
                with st.form(f"as_dealt_form_{flag.id}", border=False):
                    st.text_input(
                        "What was done about it", key=f"as_dealt_note_{flag.id}", max_chars=limits.MAX_DEALT_NOTE
                    )
                    st.form_submit_button("Mark dealt with", on_click=_mark_dealt, args=(person, flag.id))
                _problems_box(f"as_dealt_problems_{flag.id}")
        else:
            moment = context.local_time(flag.dealt_at).strftime("%d %B %Y %H:%M") if flag.dealt_at else ""
            st.markdown(
                f"{_flag_line(flag)}  \nDealt with on {moment} by {components.md(flag.dealt_by)}: "
                f"{_text(flag.dealt_note)}"
            )
    with st.expander(f"Every item asked ({len(flags)})"):
        for flag in flags:
            st.markdown(f"- {components.md(flag.text)}: **{_answer(flag.positive, YES_NO)}** ({flag.answered_on})")


def _record(person: PersonInfo, found: assessment.Assessment) -> None:
    stored, score = found.stored, found.startback
    tool = rules.startback()
    st.caption(f"Assessed on {stored.day:%d %B %Y}; last saved {context.local_time(stored.updated_at):%d %B %Y %H:%M}")
    for name, label in rules.TEXTS.items():
        st.markdown(f"**{label}**")
        st.markdown(_text(stored.texts[name]) if stored.texts[name].strip() else "_Not recorded._")
    consents = [f"{label}: **{_answer(stored.consents[name], YES_NO)}**" for name, label in rules.CONSENTS.items()]
    st.markdown("  \n".join([f"**Consent**, recorded {stored.consent_on:%d %B %Y}", *consents]))
    st.markdown(
        f"**{tool.name}**: {score.risk} risk (total {score.total} of 9, psychosocial subscale {score.subscale} of 5)"
    )
    st.caption(tool.copyright)
    _red_flags(person, stored.red_flags)


def _form(person: PersonInfo, editing: bool) -> None:
    """The form in steps, one drawn at a time (a run draws at most 17 rows of buttons, not 39 and the text
    areas); Back and Next keep what was answered, and Save on any step saves every step's answers (the checks
    name what is still missing, and stay in view while the steps are gone through to answer it)."""
    tool = rules.startback()
    flags = context.strain_catalogue().safety.red_flags
    step = st.session_state[STEP]
    # Each answer is a row of buttons, not a radio: a radio looks through the whole session state as it is drawn.
    # The buttons are also the larger target for a finger.
    with st.form("as_form", border=True):
        title = "Edit the assessment" if editing else "Record the assessment"
        st.markdown(f"**{title}**, step {step + 1} of {len(STEPS)}: {STEPS[step]}")
        if step == 0:
            st.date_input("Day of the assessment", key="as_day", max_value=date.today(), format="YYYY-MM-DD")
            for name, label in rules.TEXTS.items():
                st.text_area(label, key=f"as_text_{name}", max_chars=limits.MAX_ASSESSMENT_TEXT, height=100)
            for name, label in rules.CONSENTS.items():
                st.segmented_control(label, YES_NO, key=f"as_consent_{name}")
        elif step < len(STEPS) - 1:
            emergency = step == 1
            said = f" Each is an emergency sign: {URGENCIES['emergency'].lower()}." if emergency else ""
            st.markdown(f"Ask every item.{said}")
            for n in _flags(step):
                flag = flags[n]
                urgency = "" if emergency else f" ({URGENCIES[flag.urgency]})"  # said once above the emergency ones
                st.segmented_control(f"{components.md(flag.text)}{urgency}", YES_NO, key=f"as_flag_{n}")
        else:
            st.markdown(f"**{tool.name}**: {components.md(tool.period)}")
            for n, statement in enumerate(tool.statements):
                st.segmented_control(f"{n + 1}. {components.md(statement)}", AGREE, key=f"as_sb_{n}")
            label = f"{tool.items}. {components.md(tool.bothersome)}"
            st.segmented_control(label, tool.bothersome_options, key="as_sb_bothersome")
            st.caption(tool.copyright)
        last = step == len(STEPS) - 1
        with st.container(horizontal=True):
            if step > 0:
                st.form_submit_button("Back", on_click=_go, args=(step - 1,))
            if not last:
                st.form_submit_button("Next", type="primary", on_click=_go, args=(step + 1,))
            st.form_submit_button(
                "Save assessment", type="primary" if last else "secondary", on_click=_save, args=(person,)
            )
    _problems_box("as_problems")


def draw(person: PersonInfo) -> None:
    """The person's assessment, whole, and the form to record or edit it."""
    found = assessment.assessment(context.use_cases(), person)
    # Streamlit drops the widgets' values once a run does not draw them (another part of the page was shown):
    # the form is filled again from what was saved, never left to the widgets' defaults.
    if st.session_state.get("as_person") != person.id or _dropped():
        _load_form(person, found)
    if "as_saved" in st.session_state:  # above the record, the form being folded away once there is one
        st.success(st.session_state.pop("as_saved"))
    if found is None:
        st.info("No assessment yet: record it at the first visit.")
        _form(person, editing=False)
        return
    _record(person, found)

    def edit() -> None:
        if st.button("Load the saved assessment", key="as_reload", help="Discard the changes in the form"):
            _load_form(person, found)
        _form(person, editing=True)

    # The form is drawn only while open: closing it discards what was typed and not saved.
    # (Always closed at first: an `expanded` that changed with the form's problems would make it another fold.)
    components.folded("Edit the assessment", EDIT_OPEN, edit)

"""Model: every weight and modifier with its range and source, the version, and the person's overrides."""

from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from strain.domain import limits, model, modifiers
from strain.domain.catalogue import Activity
from strain.usecases import weights
from ui import components, context

cat = context.strain_catalogue()

st.title("How the score is made")
st.markdown(f"**{cat.formula}**, summed over the day's entries.")
st.caption(
    f"{model.ONE_POINT} A day's movement points and its posture points add up to its total. Each part below "
    "opens on a tap: long tables scroll in their own box."
)
defaults = model.Model(cat)
st.caption(f"Model version {defaults.version}, derived from the data file; a person's own weights add a suffix.")

person = context.current_person()
service = context.use_cases()
view = weights.model_view(service, person) if person else None
strain_model = view.model if view else defaults

modifier_keys = [key for key in model.override_keys(cat) if not key.startswith("activity.")]


def ends(key: str) -> str:
    low, high = strain_model.bounds(key)
    return f"{low:.3g} to {high:.3g}"


def with_control(activity: Activity) -> str:
    """The "done with control" factor of the activity's technique class, and the class: "x 0.4 (transfer)"."""
    return f"x {strain_model.value(f'{modifiers.TECHNIQUE.name}.{activity.control}'):g} ({activity.control})"


def modifiers_part() -> None:
    modifier_rows = [
        (
            model.override_label(cat, key),
            strain_model.value(key),
            ends(key),
            model.default_value(cat, key),
            model.catalogue_number(cat, key).source,
        )
        for key in modifier_keys
    ]
    st.table(
        pd.DataFrame(modifier_rows, columns=["Modifier", "Value used", "Range", "Default", "Source"]),
        hide_index=True,
    )
    st.caption(
        f"Bands: moderate from {cat.bands.moderate:g}, high from {cat.bands.high:g} points a day. {cat.bands.source}"
    )


def weights_part() -> None:
    st.caption(
        "*With control*: what an activity's points are multiplied by when it is done with control, and the "
        "technique class that factor belongs to (see Modifiers); x 1 means control saves nothing there."
    )
    st.table(
        pd.DataFrame(
            [
                (
                    a.name,
                    a.family,
                    "per time" if a.unit == "rep" else "per minute",
                    strain_model.weight(a.id),
                    ends(f"activity.{a.id}"),
                    a.weight,
                    with_control(a),
                    ", ".join(name.replace("_", " ") for name in sorted(a.takes)) or "technique only",
                    a.source,
                )
                for a in cat.activities
            ],
            columns=[
                "Activity",
                "Family",
                "Unit",
                "Weight used",
                "Range",
                "Default",
                "With control",
                "Modifiers",
                "Source",
            ],
        ),
        hide_index=True,
    )


def minute_part() -> None:
    sensitivity = (
        context.view(weights.sensitivity, person, date.today())
        if person
        else weights.sensitivity(service, None, date.today())
    )
    which = (
        f"{components.md(person.name)}'s latest logged day ({sensitivity.day:%d %b %Y})"
        if person and sensitivity.day  # (a day only with a person)
        else None
    )
    (low_rate, low_total), (high_rate, high_total) = sorted(sensitivity.ends.items())
    st.markdown(
        f"A minute held counts as **{sensitivity.per_minute:g} repetitions** at the same load: a choice, not a "
        f"finding. {which or 'The starting typical day'} scores **{sensitivity.total:.0f} points**: "
        f"{sensitivity.movement_points:.0f} from movements and {sensitivity.posture_points:.0f} from held postures. "
        f"At {low_rate:g} repetitions a minute (a held posture adds no new peak load) it would score "
        f"**{low_total:.0f}**; at {high_rate:g} (load summed over time) **{high_total:.0f}**."
    )
    st.caption(f"{cat.per_minute.source[:1].upper()}{cat.per_minute.source[1:]}.")


# Each part folded, so that a phone sees the page's outline at once (the wide tables scroll in their own box);
# drawn only once opened: the tables took a third of every rerun.
components.folded("Modifiers", "model_modifiers", modifiers_part, icon=":material/tune:")
components.folded(
    f"Activity weights ({len(cat.activities)} activities)", "model_weights", weights_part, icon=":material/balance:"
)
components.folded(
    "Movements against held postures: what a minute is worth", "model_minute", minute_part, icon=":material/timer:"
)

if person is None or view is None:  # (view is None only without a person)
    components.disclaimer(cat)
    st.stop()

st.subheader(f"Own weights: {components.md(person.name)}")
st.caption(f"Scores for {components.md(person.name)} use model version {strain_model.version}.")
overrides = view.overrides
if overrides:
    st.dataframe(
        pd.DataFrame(
            [
                (model.override_label(cat, k), model.default_value(cat, k), v, reason)
                for k, (v, reason) in overrides.items()
            ],
            columns=["Number", "Default", "Value", "Reason"],
        ),
        hide_index=True,
        key="model_overrides",
    )
else:
    st.caption("No overrides: the published and assumed defaults above apply.")

ranges = model.override_keys(cat)
st.markdown("**Set a weight** (a therapist's judgement, with the reason)")
key = st.selectbox("Number", list(ranges), format_func=lambda k: model.override_label(cat, k), key="override_key")
with st.form("override_form"):
    low, high = ranges[key]
    # Starts at the number in use, so saving without a change changes nothing.
    value = st.number_input(
        f"Value ({low:g} to {high:g})",
        min_value=low,
        max_value=high,
        value=strain_model.value(key),
        step=0.05,
        format="%.3f",
        key=f"override_value_{key}",
    )
    reason = st.text_input("Reason", max_chars=limits.MAX_REASON, key="override_reason")
    if st.form_submit_button("Save weight"):
        problems = context.problems(partial(weights.set_override, service, person, key, value, reason))
        if problems:
            st.error(components.md("Not saved: " + "; ".join(problems)))
        else:
            st.rerun()

if overrides:
    removable = list(overrides)
    removed = st.selectbox(
        "Back to the default", removable, format_func=lambda k: model.override_label(cat, k), key="override_remove"
    )
    if st.button("Remove this override", key="override_remove_button"):
        weights.remove_override(service, person, removed)
        st.rerun()

st.subheader("Rescore history")
st.markdown(
    f"{view.days} days logged; {view.stale} were saved under other weights. Scores are always computed with the "
    "current weights; rescoring records that every day now carries this version."
)
if st.button("Rescore all days with the current weights", disabled=view.stale == 0, key="model_rescore"):
    days = weights.rescore(service, person)
    st.success(f"All {days} days now carry model version {strain_model.version}.")
components.disclaimer(cat)

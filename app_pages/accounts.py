"""Accounts (clinic mode, admins only): who can sign in and with what role; add, disable or enable, reset a password;
the clinic's name and contact the printouts show."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from strain.domain import accounts, clinic_details, limits, permissions
from strain.domain.actor import STAFF_ROLES
from strain.storage.account_store import AccountInfo
from strain.usecases import clinic, clinic_settings
from ui import components, context, signin

FEEDBACK = "_accounts_feedback"  # (form, ok, message) of the last action, shown under its form
TASK = "accounts_task"  # the task whose form is shown

st.title("Accounts")
if not permissions.may(context.actor(), "manage_accounts"):  # a link must not get round the navigation
    st.error("Only an admin can manage accounts.")
    st.stop()


def _status(account: AccountInfo) -> str:
    if not account.active:
        return "Disabled"
    if account.locked_until is not None and accounts.is_locked(account.locked_until, datetime.now(UTC)):
        return f"Locked until {account.locked_until.astimezone():%H:%M}"
    return "Active"


def _signs_in_with(account: AccountInfo) -> str:
    return "Password" if account.has_password else "Single sign-on"


def _act(form: str, action: Callable[[], str], *password_keys: str) -> None:
    """Run an account action from a form's button; keep its outcome for the page, and no password in the session."""
    try:
        done = (True, action())
    except Exception as error:  # explain() raises again what a person cannot act on
        done = (False, context.explain(error))
    for key in password_keys:
        st.session_state[key] = ""
    st.session_state[FEEDBACK] = (form, *done)


def _new_password(first: str, second: str) -> str:
    """The password typed twice; AccountError when the two differ."""
    password: str = st.session_state.get(first, "")
    if st.session_state.get(second, "") != password:
        raise accounts.AccountError("the two passwords differ")
    return password


def _add() -> None:
    def add() -> str:
        sso_only = st.session_state.get("new_account_sso_only", False)
        password = None if sso_only else _new_password("new_account_password", "new_account_password_again")
        account = clinic.add_account(
            context.use_cases(),
            st.session_state.get("new_account_email", ""),
            st.session_state["new_account_role"],
            password,
        )
        st.session_state["new_account_email"] = ""
        return f"Added {account.email} ({account.role})."

    _act("add", add, "new_account_password", "new_account_password_again")


def _set_active(active: bool) -> None:
    email: str = st.session_state.get("status_account", "")
    if active:
        _act(
            "status",
            lambda: f"Enabled {clinic.enable_account(context.use_cases(), email).email}: it can sign in again.",
        )
    else:
        _act(
            "status", lambda: f"Disabled {clinic.disable_account(context.use_cases(), email).email}: it cannot sign in."
        )


def _reset() -> None:
    def reset() -> str:
        password = _new_password("reset_password", "reset_password_again")
        account = clinic.reset_password(context.use_cases(), st.session_state.get("reset_account", ""), password)
        return f"Set a new password for {account.email}; any lock is lifted."

    _act("reset", reset, "reset_password", "reset_password_again")


def _save_clinic() -> None:
    def save() -> str:
        name, contact = st.session_state["clinic_name"], st.session_state["clinic_contact"]
        changed = clinic_settings.set_details(context.use_cases(), name, contact)
        return "Saved: the printouts show it from now on." if changed else "Nothing to save: it was already so."

    _act("clinic", save)


def _save_name() -> None:
    def save() -> str:
        email, name = st.session_state["name_account"], st.session_state["account_name"]
        if not clinic_settings.set_account_name(context.use_cases(), email, name):
            return "Nothing to save: it was already so."
        return f"Saved: the printouts name {email} as {name.strip()}." if name.strip() else f"Removed {email}'s name."

    _act("name", save)


def feedback(form: str) -> None:
    """The outcome of this form's last action, once."""
    found = st.session_state.get(FEEDBACK)
    if found and found[0] == form:
        _, ok, message = st.session_state.pop(FEEDBACK)
        (st.success if ok else st.error)(components.md(message))


def password_fields(key: str, label: str = "Password") -> None:
    for suffix, text in (("", label), ("_again", f"{label} again")):
        st.text_input(
            text, key=key + suffix, type="password", max_chars=limits.MAX_PASSWORD, autocomplete="new-password"
        )


found = clinic.accounts(context.use_cases())
emails = [account.email for account in found]
if found:
    st.dataframe(
        pd.DataFrame(
            [(a.email, a.name, a.role.capitalize(), _status(a), _signs_in_with(a), a.created_at) for a in found],
            columns=["Email", "Name", "Role", "Status", "Signs in with", "Added"],
        ),
        hide_index=True,
        column_config={"Added": st.column_config.DateColumn(format="YYYY-MM-DD")},
    )
else:
    st.info("No accounts yet: add the first below.")
st.caption(f"{accounts.PASSWORD_RULE} {accounts.LOCK_RULE} A reset lifts the lock.")


def add_form() -> None:
    with st.form("add_account_form", border=True):
        st.text_input("Email", key="new_account_email", max_chars=limits.MAX_EMAIL)
        st.selectbox(
            "Role",
            STAFF_ROLES,
            index=STAFF_ROLES.index("therapist"),
            key="new_account_role",
            format_func=str.capitalize,
        )
        password_fields("new_account_password")
        if signin.providers():
            st.checkbox("Signs in with single sign-on only (leave the passwords empty)", key="new_account_sso_only")
        st.form_submit_button("Add account", on_click=_add)
    feedback("add")


def status_form() -> None:
    with st.form("account_status_form", border=True):
        st.selectbox("Account", emails, key="status_account")
        with st.container(horizontal=True):
            st.form_submit_button("Disable", on_click=_set_active, args=(False,))
            st.form_submit_button("Enable", on_click=_set_active, args=(True,))
    st.caption("A disabled account cannot sign in, and its open sessions end at their next step.")
    feedback("status")


def reset_form() -> None:
    with st.form("reset_password_form", border=True):
        st.selectbox("Account", emails, key="reset_account")
        password_fields("reset_password", "New password")
        st.form_submit_button("Reset password", on_click=_reset)
    feedback("reset")


def name_form() -> None:
    with st.form("account_name_form", border=True):
        st.selectbox("Account", emails, key="name_account")
        st.text_input("Name (empty: the email alone)", key="account_name", max_chars=limits.MAX_ACCOUNT_NAME)
        st.form_submit_button("Save name", on_click=_save_name)
    st.caption("A patient's handout names their therapist so: the name, then the email.")
    feedback("name")


def clinic_form() -> None:
    current = clinic_settings.details(context.use_cases())
    st.session_state.setdefault("clinic_name", current.name)
    st.session_state.setdefault("clinic_contact", current.contact)
    with st.form("clinic_details_form", border=True):
        st.text_input("Clinic's name", key="clinic_name", max_chars=clinic_details.MAX_NAME)
        st.text_input("Contact (phone, address or email)", key="clinic_contact", max_chars=clinic_details.MAX_CONTACT)
        st.form_submit_button("Save", on_click=_save_clinic)
    st.caption(
        'The handout prints them beside "Stop and get advice", with the patient\'s therapist. Leave both empty to '
        "print neither."
    )
    feedback("clinic")


# One task's form at a time: each form's fields cost every run of the page.
TASKS: dict[str, tuple[str, Callable[[], None]]] = {
    "add": ("Add an account", add_form),
    "status": ("Disable or enable an account", status_form),
    "reset": ("Reset a password", reset_form),
    "name": ("A name for the printouts", name_form),
    "clinic": ("The clinic on the printouts", clinic_form),
}
task = st.segmented_control(
    "What to do",
    list(TASKS),
    format_func=lambda name: TASKS[name][0],
    default="add",
    required=True,
    key=TASK,
    width="stretch",
)
assert task is not None  # required=True: one task is always chosen
TASKS[task][1]()

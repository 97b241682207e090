"""Patients' invites (clinic mode): the form on My patients that makes a one-time link (shown as a link and a QR
code, and on the patient's tally card), and the page the link opens, where the patient makes their account with a
password or with the clinic's single sign-on.

The link is the app's own address + /?invite=TOKEN. The address is STRAIN_PUBLIC_URL when set (behind a proxy
the browser's request does not show, e.g. https://strain.clinic.example), else the address this page was
opened at (st.context.url), so a therapist at the clinic's own address hands out links to that address.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from urllib.parse import urlsplit

import streamlit as st

from strain.domain import accounts, invites, limits
from strain.domain.errors import Refused
from strain.render import qr, sheets
from strain.storage.people_store import PersonInfo
from strain.usecases import invites as invite_cases
from strain.usecases import people, printouts
from strain.usecases.shared import Context
from ui import components, context, download, remember, signin

# (person's id, name, link, expires_at) of the link made in this browser session: its token is known only now,
# so the QR code can go on a tally card only until the session ends (the database keeps the token's hash only).
MADE_KEY = "_invite_made"
PROBLEM_KEY = "_invite_problem"
EMAIL_KEY, PASSWORD_KEY, REPEAT_KEY = "invite_email", "invite_password", "invite_password_again"


def base_url() -> str:
    """The app's own address, for links (see the module's docstring)."""
    configured = os.environ.get(invites.PUBLIC_URL, "").strip()
    if configured:
        return configured
    parts = urlsplit(st.context.url or "")
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    host = st.context.headers.get("host")
    return f"http://{host}" if host else "http://localhost:8501"


def card_invite(person: PersonInfo) -> sheets.CardInvite | None:
    """The invite link made for this person in this session, for their tally card (None if none was made)."""
    made = st.session_state.get(MADE_KEY)
    if not made or made[0] != person.id:
        return None
    _, _, link, expires_at = made
    return sheets.CardInvite(link, context.local_time(expires_at))


def form(service: Context, names: Sequence[str]) -> None:
    """My patients' Invite form: choose a patient, make a link, show it with its QR code and expiry."""
    st.subheader("Invite a patient to sign in")
    st.caption(
        "A one-time link for the patient to make their own account: they then see and log only their own days, "
        f"and read their plan. It works once, within {invites.INVITE_LIFETIME.days} days."
    )
    with st.form("invite_form"):
        name = st.selectbox("Patient", sorted(names, key=str.casefold), index=None, placeholder="Choose", key="invitee")
        submitted = st.form_submit_button("Make an invitation link")
    if submitted:
        if name is None:
            st.error("Choose a patient first.")
        else:
            try:
                person = people.person(service, name)
                link, expires_at = invite_cases.invite_patient(service, person, base_url())
            except Refused as error:
                context.report(error)
            else:
                st.session_state[MADE_KEY] = (person.id, name, link, expires_at)
    made = st.session_state.get(MADE_KEY)
    if made:
        _, name, link, expires_at = made
        st.success(f"Give {components.md(name)} this link (or let them scan the code). It works once.")
        st.code(link, language=None)
        st.image(qr.png(link), width=220)
        st.caption(f"Expires {context.local_time(expires_at):%d %b %Y, %H:%M}.")
        _card_download(service, name)


def _card_download(service: Context, name: str) -> None:
    """The patient's tally card with this link's QR code on it, to print and hand over."""
    download.download_button(
        "Download their tally card with this code (PDF)",
        lambda: _card_with_invite(service, name),
        file_name=f"tally-card-{name}.pdf",
        mime="application/pdf",
        key="invite_card_download",
    )


def _card_with_invite(service: Context, name: str) -> bytes:
    from strain.render import handout  # only when the card is downloaded: the PDF library is large

    person = people.person(service, name)
    return handout.card_pdf(printouts.card(service, person, date.today(), card_invite(person)))


def requested() -> str | None:
    """The invite token in the address, if any (read before anyone signs in)."""
    return st.query_params.get(invites.PARAMETER)


def _accept(token: str) -> None:
    """The form's Make my account: the passwords are taken out of the session whatever the answer."""
    email = st.session_state.get(EMAIL_KEY, "")
    password, repeated = st.session_state.get(PASSWORD_KEY, ""), st.session_state.get(REPEAT_KEY, "")
    st.session_state[PASSWORD_KEY] = st.session_state[REPEAT_KEY] = ""
    try:
        actor = invite_cases.accept_invite(context.use_cases(), token, email, password, repeated)
    except Refused as error:
        st.session_state[PROBLEM_KEY] = context.explain(error)
        return
    st.query_params.pop(invites.PARAMETER, None)  # used: the address no longer holds it
    remember.started(context.use_cases(), actor)  # as a sign-in does: this browser, shared or their own phone
    signin.start(actor)


def page(service: Context, token: str) -> None:
    """The page an invite link opens: the account form, or why the link cannot be used (and nothing else)."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Strain Audit")
        try:
            invited = invite_cases.open_invite(service, token)
        except Refused as error:
            st.error(components.md(context.explain(error)))
            return
        st.subheader(f"Welcome, {components.md(invited.name)}")
        st.write("Choose the email and password you will sign in with. Your account shows only your own days.")
        with st.form("invite_accept_form"):
            st.text_input("Email", key=EMAIL_KEY, max_chars=limits.MAX_EMAIL, autocomplete="username")
            st.text_input("Password", key=PASSWORD_KEY, type="password", max_chars=limits.MAX_PASSWORD)
            st.text_input("Password again", key=REPEAT_KEY, type="password", max_chars=limits.MAX_PASSWORD)
            st.caption(components.md(accounts.PASSWORD_RULE))
            st.checkbox(remember.OWN_LABEL, key=remember.OWN_KEY, help=remember.OWN_HELP)
            st.form_submit_button("Make my account", type="primary", on_click=_accept, args=(token,))
        problem = st.session_state.pop(PROBLEM_KEY, None)
        if problem:
            st.error(components.md(problem))
        _single_sign_on(service, token)


def _single_sign_on(service: Context, token: str) -> None:
    """Instead of a password, the clinic's single sign-on: the browser keeps a signed note of this invite (never the
    token) for the provider's sign-in, which comes back to a new session without the link (ui/signin.py)."""
    secret = signin.cookie_secret()
    if not signin.providers() or secret is None:
        return
    try:
        note = invite_cases.sso_note(service, token, secret)
    except Refused as error:  # used meanwhile: the page says so at its next run
        st.error(components.md(context.explain(error)))
        return
    remember.keep_cookie("invite_note", invites.SSO_COOKIE, note, int(invites.SSO_NOTE_LIFETIME.total_seconds()))
    st.caption("Or, instead of a password, sign in with your clinic's account; it then signs you in to your tally:")
    signin.provider_buttons()

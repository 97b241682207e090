"""Signing in, in clinic mode: the sign-in page, single sign-on, idle sessions and signing out.

The shell asks `signed_in()` before navigation shows anything. Until someone signs in, the page the
link named is registered but not run (so its address and parameters stay in the URL) and only the
sign-in form is drawn; signing in then runs that page with those parameters. Who signed in is an
Actor in st.session_state[context.ACTOR_KEY]; Context checks their role and, every run, that their
account is still active.

Single sign-on is Streamlit's own (st.login, OpenID Connect), offered when .streamlit/secrets.toml
has an [auth] section: the provider's verified email must be an active account's, or, coming back from the
invite page's "Sign in with ...", becomes the invited patient's account (ui/invite.py leaves the browser a signed
note of the invite, strain.domain.invites.SSO_COOKIE: the provider's sign-in starts a new session without the link).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from urllib.parse import urlsplit

import streamlit as st
from streamlit.errors import StreamlitAuthError

from strain.domain import accounts, invites, limits
from strain.domain.actor import Actor
from strain.domain.errors import Refused
from strain.storage.invite_store import InviteUnusable
from strain.usecases import clinic
from strain.usecases import invites as invite_cases
from strain.usecases.shared import Context
from ui import components, context, frame_check, remember

LAST_ACTIVE_KEY = context.LAST_ACTIVE_KEY  # time.time() of the session's last activity (see context.keep_alive)
SSO_KEY = "_signed_in_with_sso"
NOTICE_KEY = "_sign_in_notice"  # why the session ended, for the sign-in page
ERROR_KEY = "_sign_in_error"
REFUSED_KEY = "_sso_refused"  # the provider's sign-in this session was refused (and why)
SSO_PROBLEM_KEY = "_sso_problem"  # what is wrong with the [auth] settings
INVITE_NOTE_KEY = "_invite_note_came"  # the browser came back with the invite page's note (read once a session)
EMAIL_KEY, PASSWORD_KEY = "sign_in_email", "sign_in_password"
IDLE_MINUTES = int(limits.IDLE_SESSION.total_seconds() // 60)
SIGNED_OUT = "You are signed out."
IDLE_CHECK_SECONDS = 60  # how often an idle page checks whether its session is over


def providers() -> dict[str | None, str]:
    """The single sign-on providers of .streamlit/secrets.toml's [auth] section: name (None: the one
    configured in [auth] itself) -> the label of its button. Empty without an [auth] section."""
    try:
        auth = st.secrets.get("auth")
    except FileNotFoundError:  # no secrets file at all
        return {}
    if not isinstance(auth, Mapping):
        return {}
    named = {
        name: name.replace("-", " ").title()
        for name, section in auth.items()
        if isinstance(section, Mapping) and "client_id" in section
    }
    if named or "client_id" not in auth:
        return named
    return {None: urlsplit(str(auth.get("server_metadata_url", ""))).hostname or "single sign-on"}


def cookie_secret() -> str | None:
    """The [auth] section's cookie secret (single sign-on's; it signs the invite page's note too), if configured."""
    try:
        auth = st.secrets.get("auth")
    except FileNotFoundError:
        return None
    secret = auth.get("cookie_secret") if isinstance(auth, Mapping) else None
    return secret if isinstance(secret, str) and secret else None


def _start(actor: Actor, *, sso: bool) -> None:
    st.session_state[context.ACTOR_KEY] = actor
    st.session_state[LAST_ACTIVE_KEY] = time.time()
    st.session_state[SSO_KEY] = sso


def start(actor: Actor) -> None:
    """Start a session for an account that has just proved who it is another way (ui.invite: a new patient's)."""
    _start(actor, sso=False)


def sign_out(notice: str | None = None) -> None:
    """End this session: forget everything in it, and the patient named in the address; a single sign-on is
    ended with the provider too."""
    sso = st.session_state.get(SSO_KEY, False)
    remember.end()
    st.session_state.clear()
    st.query_params.clear()
    remember.ended()
    if notice:
        st.session_state[NOTICE_KEY] = notice
    if sso:
        st.logout()  # the browser goes to the provider's sign-out and comes back to the sign-in page


def signed_in(service: Context) -> Actor | None:
    """Who is signed in to this session, if anyone, after ending a session that was idle for too long or
    whose account was disabled meanwhile. Counts this run as activity."""
    actor: Actor | None = st.session_state.get(context.ACTOR_KEY)
    if actor is None:
        return _remembered(service) or _single_sign_on(service)
    remember.keep_own_device_awake()
    if not context.keep_alive():
        sign_out(f"You were signed out after {IDLE_MINUTES} minutes without activity. Sign in to go on.")
        return None
    if not clinic.account_active(service, actor):
        sign_out("Your account has been disabled. Ask your clinic's admin.")
        return None
    if not remember.still_signed_in(service, actor):
        sign_out("This device was signed out. Sign in to go on.")
        return None
    return actor


def _remembered(service: Context) -> Actor | None:
    """A new session of a browser whose device is remembered (a reload, a new tab): signed in again."""
    actor = remember.resume(service)
    if actor is not None:
        _start(actor, sso=False)
    return actor


def _single_sign_on(service: Context) -> Actor | None:
    """Sign in whom the provider vouches for, the first run after they come back from it."""
    if not providers() or not st.user.is_logged_in or REFUSED_KEY in st.session_state:
        return None
    if not frame_check.top_level():  # not inside another site's frame (the sign-in page asks the browser)
        return None
    email = accounts.verified_email(st.user.to_dict())
    try:
        if email is None:
            raise accounts.AccountError("your sign-in service did not confirm an email address for you")
        actor = _verified(service, email)
    except Refused as error:
        st.session_state[REFUSED_KEY] = str(error)
        return None
    remember.sso_started(service, actor)
    _start(actor, sso=True)
    return actor


def _verified(service: Context, email: str) -> Actor:
    """Whom a verified email signs in as: back from the invite page, the invited patient's new account (when the
    link was meanwhile used, an account the email has already); else the account the email is."""
    note, secret = _invite_note(), cookie_secret()
    if not note or not secret:
        return clinic.sign_in_verified_email(service, email)
    try:
        return invite_cases.accept_invite_with_sso(service, note, secret, email)
    except InviteUnusable as unusable:
        try:
            return clinic.sign_in_verified_email(service, email)
        except accounts.AccountError:
            raise unusable from None


def _invite_note() -> str | None:
    note = st.context.cookies.get(invites.SSO_COOKIE)
    return note if isinstance(note, str) else None  # (AppTest's cookies are a stand-in)


def _drop_invite_note() -> None:
    """The invite page's note has served once it comes back here: the browser deletes it (invisible). The cookies
    are looked at once a session (they are the ones the browser came with, and reading them cost each run), and the
    deletion is drawn on every run after, as before."""
    if INVITE_NOTE_KEY not in st.session_state:
        st.session_state[INVITE_NOTE_KEY] = _invite_note() is not None
    if st.session_state[INVITE_NOTE_KEY]:
        remember.keep_cookie("invite_note_dropped", invites.SSO_COOKIE, None)


def _submit() -> None:
    """The form's Sign in: the password is taken out of the session whatever the answer."""
    email, password = st.session_state.get(EMAIL_KEY, ""), st.session_state.get(PASSWORD_KEY, "")
    st.session_state[PASSWORD_KEY] = ""
    if not frame_check.top_level():  # framed by another site, or the browser has not said yet
        st.session_state[ERROR_KEY] = frame_check.FRAMED if frame_check.framed() else frame_check.UNANSWERED
        return
    try:
        actor = clinic.sign_in(context.use_cases(), email, password)
        remember.started(context.use_cases(), actor)
    except Exception as error:  # explain() raises again what a person cannot act on
        st.session_state[ERROR_KEY] = context.explain(error)
        return
    _start(actor, sso=False)


def page(target: str | None) -> None:
    """The sign-in page: the form, single sign-on if configured, and why a session ended."""
    _, middle, _ = st.columns([1, 2, 1])
    with middle:
        st.title("Strain Audit")
        st.subheader("Sign in")
        if target:
            st.caption(f"Sign in to open {target}.")
        notice = st.session_state.pop(NOTICE_KEY, None)
        if notice:
            st.info(notice, icon=":material/logout:")
        if providers() and st.user.is_logged_in and REFUSED_KEY not in st.session_state:
            frame_check.draw(frame_check.SSO_KEY)  # back from the provider: single sign-on waits for its answer
        with st.form("sign_in_form"):
            frame_check.draw(frame_check.KEY)  # in the form: its answer comes with Sign in, no run of its own
            st.text_input("Email", key=EMAIL_KEY, max_chars=limits.MAX_EMAIL, autocomplete="username")
            st.text_input(
                "Password",
                key=PASSWORD_KEY,
                type="password",
                max_chars=limits.MAX_PASSWORD,
                autocomplete="current-password",
            )
            st.checkbox(remember.OWN_LABEL, key=remember.OWN_KEY, help=remember.OWN_HELP)
            st.form_submit_button("Sign in", type="primary", on_click=_submit)
        error = st.session_state.pop(ERROR_KEY, None)
        if error:
            st.error(components.md(error))
        _single_sign_on_buttons()
        remember.draw(remember.SIGN_IN_COMPONENT)  # deletes a cookie that no longer signs in
        _drop_invite_note()


def provider_buttons() -> None:
    """A "Sign in with ..." button for each single sign-on provider configured (none without an [auth] section),
    and what is wrong with the settings when the last press found a mistake."""
    for name, label in providers().items():
        st.button(f"Sign in with {label}", key=f"sso_{name or 'default'}", on_click=_login, args=(name,))
    problem = st.session_state.pop(SSO_PROBLEM_KEY, None)
    if problem:
        st.error(f"Single sign-on is not set up right ({components.md(problem)}). Ask your clinic's admin.")


def _single_sign_on_buttons() -> None:
    if not providers():
        return
    st.caption("Or, with your organisation's account:")
    provider_buttons()
    refused = st.session_state.get(REFUSED_KEY)
    if refused:
        st.error(components.md(refused[:1].upper() + refused[1:].rstrip(".")) + ".")
        st.button("Sign out of the sign-in service", key="sso_sign_out", on_click=st.logout)


def _login(provider: str | None) -> None:
    """Go to the provider's sign-in; a mistake in the [auth] settings is said on the page, not as an error."""
    try:
        st.login(provider)
    except StreamlitAuthError as error:
        st.session_state[SSO_PROBLEM_KEY] = str(error)


def account_sidebar(actor: Actor) -> None:
    """Who is signed in, and the Sign out button."""
    with st.sidebar:
        st.caption(f"Signed in as {components.md(actor.email)} ({actor.role})")
        st.button("Sign out", key="sign_out", icon=":material/logout:", on_click=sign_out, args=(SIGNED_OUT,))
        remember.devices_list(lambda: sign_out(SIGNED_OUT))
        remember.draw(remember.SIGNED_IN_COMPONENT)  # keeps the token of a device just signed in
        _drop_invite_note()
    _idle_watch()


@st.fragment(run_every=IDLE_CHECK_SECONDS)
def _idle_watch() -> None:
    """Ends an idle session even while nobody touches the page: a timed rerun of this fragment alone is
    not activity, and once the session is over it reruns the whole app, which shows the sign-in page."""
    if context.idle():
        st.rerun()

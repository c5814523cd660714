"""Sign-in and the allow-list: the gate every page passes before it renders."""

from __future__ import annotations

import streamlit as st

from lib.access import AccessPolicy, verified_email
from lib.markdown import md_escape
from lib.store import Actor


def _auth_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all: single-user mode
        return False


def gate() -> None:
    """Sign-in and roles. Without ``[auth]`` in secrets the app is single-user (no gate).

    With ``[auth]``, every page needs a signed-in user whose e-mail is on the ``[access]``
    allow-list (see lib/access.py); the role decides whether editing controls show.
    """
    if not _auth_configured():
        st.session_state["_actor"] = None
        return
    access = dict(st.secrets.get("access", {}))
    provider = access.get("provider")
    if not st.user.is_logged_in:
        st.title("Escalation Review")
        st.markdown("Sign in to see your team's escalation review.")
        st.button(
            "Sign in",
            type="primary",
            icon=":material/login:",
            on_click=(lambda: st.login(provider)) if provider else st.login,
            key="auth_login",
        )
        st.stop()
    email, problem = verified_email(st.user)
    role = AccessPolicy.from_mapping(access).role_for(email) if email else None
    if email is None or role is None:
        shown = md_escape(email or str(st.user.get("email") or "This account"))
        st.title("Escalation Review")
        st.error(
            md_escape(problem)
            if problem
            else f"{shown} is not on this app's allow-list. Ask the person who "
            "runs Escalation Review to add you to \\[access\\] in .streamlit/secrets.toml.",
            icon=":material/block:",
        )
        st.button("Sign out", on_click=st.logout, key="auth_logout_denied")
        st.stop()
    st.session_state["_actor"] = Actor(email=email, role=role)
    with st.sidebar:
        st.caption(f"Signed in as {md_escape(email)} ({role})")
        st.button("Sign out", on_click=st.logout, key="auth_logout", icon=":material/logout:")

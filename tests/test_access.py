"""Sign-in and roles: signed out, not allowed, viewer and editor (AppTest's simulated user)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.access import AccessPolicy
from tests.views.data_tabs import open_data_tab

ROOT = Path(__file__).resolve().parents[1]
AUTH = {
    "redirect_uri": "http://localhost:8501/oauth2callback",
    "cookie_secret": "test-secret",
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://idp.example.test/.well-known/openid-configuration",
}
ACCESS = {"editors": ["lead@example.com"], "viewers": ["*@example.com"]}


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("lead@example.com", "editor"),
        ("LEAD@example.com ", "editor"),
        ("ann@example.com", "viewer"),
        ("ann@example.com.evil.test", None),
        ("mallory@evil.test", None),
        ("", None),
        (None, None),
        ("\u212aate@example.com", None),  # Kelvin sign: .lower() would make it "kate@..."
        ("ｌead@example.com", None),  # full-width l: NFKC would make it "lead@..."
        ("lea\u0064@example.com", "editor"),  # plain ASCII written as an escape
    ],
)
def test_policy_roles(email, role) -> None:
    assert AccessPolicy.from_mapping(ACCESS).role_for(email) == role


def test_allow_list_entries_are_normalised() -> None:
    policy = AccessPolicy.from_mapping({"editors": ["Kate@EXAMPLE.com"], "viewers": []})
    assert policy.role_for("kate@example.com") == "editor"
    assert policy.role_for("\u212aate@example.com") is None


def _app(user: dict | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = ACCESS
    at.user = user or {"is_logged_in": False}
    return at


def test_signed_out_sees_only_sign_in(review_home) -> None:
    at = _app({"is_logged_in": False}).run()
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric  # no numbers before sign-in


def test_not_on_allow_list_is_refused(review_home) -> None:
    at = _app({"is_logged_in": True, "email": "mallory@evil.test"}).run()
    assert not at.exception
    assert "not on this app's allow-list" in at.error[0].value
    assert not at.metric


def test_viewer_reads_but_cannot_edit(review_home) -> None:
    at = _app({"is_logged_in": True, "email": "ann@example.com"}).run()
    assert not at.exception
    assert at.metric  # the overview renders
    at.switch_page("views/data.py").run()
    assert not at.exception
    assert not at.get("file_uploader")
    assert any("viewer" in i.value for i in at.info)
    open_data_tab(at, "Datasets")
    assert not at.exception and at.dataframe  # the datasets, read-only
    assert not [b for b in at.button if b.label in ("Rename", "Delete")]


def test_editor_can_import(review_home) -> None:
    at = _app({"is_logged_in": True, "email": "lead@example.com"}).run()
    assert not at.exception
    at.switch_page("views/data.py").run()
    assert not at.exception
    assert at.get("file_uploader")
    open_data_tab(at, "Datasets")
    assert [b for b in at.button if b.label == "Delete"]


def test_no_auth_section_means_single_user(review_home) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert not at.exception
    assert at.metric
    assert not [b for b in at.button if b.label == "Sign in"]


@pytest.mark.parametrize(
    "user",
    [
        {"is_logged_in": True, "email": "lead@example.com", "email_verified": False},
        {"is_logged_in": True, "email": "lead@example.com", "email_verified": "false"},
        {"is_logged_in": True, "email": "\u212aead@example.com", "email_verified": True},
    ],
)
def test_unverified_or_look_alike_identity_is_refused(review_home, user) -> None:
    at = _app(user).run()
    assert not at.exception
    assert at.error and not at.metric


def test_verified_editor_still_gets_in(review_home) -> None:
    at = _app({"is_logged_in": True, "email": "lead@example.com", "email_verified": True}).run()
    assert not at.exception
    assert at.metric

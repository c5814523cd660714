"""AppTest: the Alerts & digests page. Viewers read thresholds and subscriptions and are told
why they cannot change them; editors add, pause and delete them, and send a test message
through the local SMTP server (tests/notify/servers.py). The password is never on the page."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.store import Store
from tests.conftest import module_home
from tests.notify.servers import PASSWORD, SmtpServer
from tests.views.test_anomalies import AUTH

ROOT = Path(__file__).resolve().parents[2]
PAGE = "views/settings.py"
EDITOR = "lead@example.com"
VIEWER = "agent@example.com"

home = module_home("settings_home")


@pytest.fixture(autouse=True)
def empty(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No dataset (the page needs none) and no thresholds or subscriptions before each test."""
    for name in [k for k in os.environ if k.startswith(("REVIEW_SMTP_", "REVIEW_WEBHOOK_"))]:
        monkeypatch.delenv(name)
    with _store() as store:
        store.set_setting("bootstrapped:", True)  # no demo import: this page needs no tickets
        for t in store.list_thresholds():
            store.delete_threshold(t.id)
        for s in store.list_subscriptions():
            store.delete_subscription(s.id)


def _store() -> Store:
    return Store(os.environ["DATABASE_URL"])


def _page(user: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["auth"] = AUTH
    at.secrets["access"] = {"editors": [EDITOR], "viewers": [VIEWER]}
    at.user = {"is_logged_in": True, "email": user}
    return _ok(at.switch_page(PAGE).run())


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = [m.value for m in (*at.markdown, *at.caption, *at.info, *at.error, *at.success)]
    return "\n".join(str(p) for p in parts)


def _cards(at: AppTest) -> list[tuple[str, str, str]]:
    """The subscriptions' cards: each one's two Markdown lines and its caption."""
    cards = []
    for box in at.main.children.values():
        texts = [e.value for e in _walk(box) if e.type in ("markdown", "caption")]
        if texts and ":material" not in texts[0] and "-badge[" in texts[0]:
            cards.append(tuple(texts[:3]))
    return cards


def _walk(node):
    for child in getattr(node, "children", {}).values():
        yield child
        yield from _walk(child)


def _button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_viewers_read_what_is_set_up_and_are_told_why_they_cannot_change_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("REVIEW_SMTP_HOST", "mail.example.com")
    monkeypatch.setenv("REVIEW_SMTP_USER", "review")
    monkeypatch.setenv("REVIEW_SMTP_PASSWORD", "s3cret-Pw")
    monkeypatch.setenv("REVIEW_SMTP_FROM", "review@example.com")
    monkeypatch.setenv("REVIEW_WEBHOOK_TEAM", "https://hooks.example.com/services/T/B/tok3n")
    with _store() as store:
        store.add_threshold("escalation_rate", ">", 0.15, note="agreed in review 9")
        store.add_subscription("email", "lead@example.com", frequency="weekly", weekday=0)
        store.add_subscription("slack", "ops", content="alerts")
    at = _page(VIEWER)
    text = _text(at)
    assert "read-only access (viewer)" in text
    where, thresholds = (d.value for d in at.dataframe)
    assert where.values.tolist() == [
        ["E-mail (SMTP)", "mail.example.com:587 (STARTTLS), user review, password set, "
         "from review@example.com"],
        ["Webhook TEAM", "https://hooks.example.com/…"],
    ]  # fmt: skip
    shown = text + where.to_csv()
    assert "s3cret-Pw" not in shown and "tok3n" not in shown
    assert thresholds.to_dict("records") == [
        {"Figure": "Escalation rate", "Crossed when": "above 15.0%", "Dataset": "Every dataset",
         "Note": "agreed in review 9"}
    ]  # fmt: skip
    # one card per subscription: who with its status, what is sent how and when, the timing
    cards = _cards(at)
    assert [c[0] for c in cards] == [
        "**lead@example.com** :green-badge[ready]",
        "**OPS** :orange-badge[webhook not set up] (REVIEW\\_WEBHOOK\\_OPS)",
    ]
    assert cards[0][1] == (
        "The digest · E-mail, HTML with charts · Every week on Monday at 08:00 (UTC)"
    )
    assert cards[0][2].startswith("Next: ") and "Last sent: never" in cards[0][2]
    labels = {b.label for b in at.button} | {b.label for b in at.get("form_submit_button")}
    assert not labels & {"Add threshold", "Add subscription", "Send a test message", "Delete"}
    assert [m.value for m in at.metric][:2] == ["1", "2"]


def test_editors_add_pause_and_delete_and_see_empty_states_first() -> None:
    at = _page(EDITOR)
    text = _text(at)
    assert "No thresholds yet." in text and "Nobody is subscribed yet." in text
    assert "No mail server is set up" in text and "read-only" not in text
    at.selectbox(key="set_thr_metric").set_value("escalation_rate")
    at.selectbox(key="set_thr_op").set_value(">=")
    at.number_input(key="set_thr_value").set_value(12.5)
    at.text_input(key="set_thr_note").set_value("from the review")
    _ok(at.get("form_submit_button")[0].click().run())
    assert "Added the threshold “Escalation rate at or above 12.5%”." in _text(at)
    at.text_input(key="set_sub_emails").set_value("ana@example.com; bo@example.org")
    at.selectbox(key="set_sub_freq").set_value("biweekly")
    _ok(at.run())
    at.selectbox(key="set_sub_weekday").set_value(4)
    at.text_input(key="set_sub_tz").set_value("Europe/Berlin")
    _ok(_button(at, "Add subscription").click().run())
    assert "Subscribed ana@example.com, bo@example.org: Every two weeks on Friday" in _text(at)
    with _store() as store:
        (rule,) = store.list_thresholds()
        assert (rule.value, rule.op, rule.note) == (0.125, ">=", "from the review")
        (sub,) = store.list_subscriptions()
        assert (sub.frequency, sub.weekday, sub.tz, sub.created_by) == (
            "biweekly", 4, "Europe/Berlin", EDITOR,
        )  # fmt: skip
    _ok(_button(at, "Pause").click().run())
    (card,) = _cards(at)
    assert card[0] == "**ana@example.com, bo@example.org** :gray-badge[paused]"
    assert card[2].startswith("Next: none while paused · Last sent: never")
    # a bad zone is refused with what was expected, nothing stored
    at.text_input(key="set_sub_emails").set_value("cy@example.com")
    at.text_input(key="set_sub_tz").set_value("Berlin")
    _ok(_button(at, "Add subscription").click().run())
    assert "Time zone 'Berlin' is unknown (expected an IANA name" in _text(at)
    _ok(next(b for b in at.button if b.key == "set_thr_delete").click().run())
    _ok(next(b for b in at.button if b.key == "set_sub_delete").click().run())
    with _store() as store:
        assert store.list_thresholds() == [] and store.list_subscriptions() == []


def test_editors_send_a_test_message_to_the_local_smtp_server(
    smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in smtp_server.env().items():
        monkeypatch.setenv(key, value)
    at = _page(EDITOR)
    where = at.dataframe[0].value["Set up as (passwords and paths hidden)"].tolist()
    ca = smtp_server.settings().ca_file
    assert where == [
        f"localhost:{smtp_server.port} (STARTTLS), user digest, password set, "
        f"from review@example.com, CA file {ca}"
    ]
    assert at.text_input(key="set_test_address").value == EDITOR
    _ok(_button(at, "Send a test message").click().run())
    assert f"Sent a test message to {EDITOR}." in _text(at)
    (msg,) = smtp_server.messages
    assert msg["Subject"] == "Escalation Review: test message" and msg["To"] == EDITOR
    monkeypatch.setenv("REVIEW_SMTP_PASSWORD", "wrong-" + PASSWORD)
    _ok(_button(at, "Send a test message").click().run())
    text = _text(at)
    assert "Test message not sent: The mail server localhost" in text
    assert "refused the sign-in of user 'digest'" in text and PASSWORD not in text

"""lib.notify.webhooks against a local HTTP receiver (tests/notify/servers.py): Slack blocks,
a Teams Adaptive Card message, generic JSON, and clear errors that never show a URL's path."""

from __future__ import annotations

import socket

import pytest

from lib.notify import DeliveryError, OutgoingMessage, available_webhooks, post_webhook, webhook_url
from tests.notify.servers import WebhookReceiver

MESSAGE = OutgoingMessage("Escalation digest", "Rate 18.2%, 3 overdue actions", "<p/>")
PAYLOAD = {"figures": {"escalation_rate": 0.182, "overdue_actions": 3.0, "tickets": float("nan")},
           "period": {"start": "2026-11-09", "end": "2026-11-22"}}  # fmt: skip


def test_slack_gets_text_and_blocks_with_the_figures(webhook_receiver: WebhookReceiver) -> None:
    assert post_webhook(webhook_receiver.url(), "slack", MESSAGE, PAYLOAD) == 200
    (got,) = webhook_receiver.requests
    assert got.path == "/hooks/T000/B000/secret-token"
    assert got.headers["Content-Type"].startswith("application/json")
    assert got.body["text"] == "Escalation digest\nRate 18.2%, 3 overdue actions"
    header, fields, text = got.body["blocks"]
    assert header["text"]["text"] == "Escalation digest"
    assert [f["text"] for f in fields["fields"]] == [
        "*Escalation rate*\n18.2%",
        "*Overdue action items*\n3",
    ]  # the NaN figure is left out
    assert text["text"]["text"] == "Rate 18.2%, 3 overdue actions"


def test_teams_gets_an_adaptive_card_message(webhook_receiver: WebhookReceiver) -> None:
    webhook_receiver.status = 202  # Teams workflows answer 202 Accepted
    assert post_webhook(webhook_receiver.url("/workflows/x"), "teams", MESSAGE, PAYLOAD) == 202
    body = webhook_receiver.requests[0].body
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    title, facts, text = card["body"]
    assert title["text"] == "Escalation digest" and text["text"].startswith("Rate 18.2%")
    assert facts["facts"][0] == {"title": "Escalation rate", "value": "18.2%"}


def test_generic_json_is_the_payload_itself(webhook_receiver: WebhookReceiver) -> None:
    payload = {"figures": {"escalations": 12.0}, "new_alerts": [{"topic": "SSO"}]}
    post_webhook(webhook_receiver.url("/in"), "json", MESSAGE, payload)
    assert webhook_receiver.requests[0].body == payload
    # JSON has no NaN: a figure that is not known goes as null, so strict receivers accept it
    post_webhook(webhook_receiver.url("/in"), "json", MESSAGE, PAYLOAD)
    assert webhook_receiver.requests[1].raw.count(b"NaN") == 0
    assert webhook_receiver.requests[1].body["figures"]["tickets"] is None


def test_errors_name_the_host_never_the_secret_path(webhook_receiver: WebhookReceiver) -> None:
    webhook_receiver.status = 404
    with pytest.raises(DeliveryError) as err:
        post_webhook(webhook_receiver.url(), "slack", MESSAGE, {})
    text = str(err.value)
    assert f"Slack webhook at http://127.0.0.1:{webhook_receiver.port}/… answered 404" in text
    assert "invalid_payload" in text and "secret-token" not in text
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]
    with pytest.raises(DeliveryError, match="refused the connection") as err:
        post_webhook(f"http://127.0.0.1:{port}/hook/secret-token", "json", MESSAGE, {})
    assert "secret-token" not in str(err.value)
    with pytest.raises(DeliveryError, match="not an http"):
        post_webhook("file:///etc/passwd", "json", MESSAGE, {})


def test_webhook_urls_come_from_environment_or_secrets_by_name() -> None:
    env = {"REVIEW_WEBHOOK_TEAM_SLACK": "https://hooks.slack.com/services/A/B/C", "HOME": "/"}
    secrets = {"webhooks": {"ops_teams": "https://example.webhook.office.com/x"}}
    assert available_webhooks(env, secrets) == ["OPS_TEAMS", "TEAM_SLACK"]
    assert webhook_url("team_slack", env, secrets).endswith("/A/B/C")
    assert webhook_url("OPS_TEAMS", env, secrets).endswith("/x")
    with pytest.raises(DeliveryError, match="not allowed"):
        webhook_url("../x", env, secrets)

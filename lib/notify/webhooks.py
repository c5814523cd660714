"""Incoming webhooks: Slack (blocks with a text fallback), Microsoft Teams (an Adaptive Card
message, as Teams workflows accept) and generic JSON (the digest's own JSON), posted with
``urllib``.

A webhook URL is a secret (whoever has it may post to the channel), so it is never stored in
the database: a subscription stores a *name*, and the URL is read from the environment variable
``REVIEW_WEBHOOK_<NAME>`` or the ``[webhooks]`` section of Streamlit's secrets
(:func:`webhook_url`). Only :func:`masked_url` (scheme and host) is ever shown.

Example
-------
>>> body = webhook_body("slack", OutgoingMessage("Digest", "Rate 12%", "<p/>"), {})
>>> body["text"]
'Digest\\nRate 12%'
>>> masked_url("https://hooks.slack.com/services/T000/B000/XXXX")
'https://hooks.slack.com/…'
"""

from __future__ import annotations

import json
import math
import re
import urllib.error
import urllib.request
from collections.abc import Mapping
from typing import Any, Literal
from urllib.parse import urlsplit

from lib.notify.message import DeliveryError, OutgoingMessage
from lib.notify.thresholds import METRICS

__all__ = [
    "ENV_PREFIX",
    "KINDS",
    "SECRETS_SECTION",
    "available_webhooks",
    "masked_url",
    "post_webhook",
    "webhook_body",
    "webhook_url",
]

ENV_PREFIX = "REVIEW_WEBHOOK_"
SECRETS_SECTION = "webhooks"
KINDS = {"slack": "Slack", "teams": "Microsoft Teams", "json": "generic JSON"}
TIMEOUT = 15.0
_NAME = re.compile(r"^[A-Za-z0-9_]{1,64}$")
#: Slack refuses a section's text above 3000 characters, a message above 50 blocks.
_SLACK_TEXT = 2900


def masked_url(url: str) -> str:
    """Scheme and host only: the path of a webhook URL is its secret.

    >>> masked_url("not a url")
    'the webhook URL (not shown)'
    """
    parts = urlsplit(str(url).strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "the webhook URL (not shown)"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}/…"


def check_name(name: str) -> str:
    """A webhook name as stored (upper case letters, digits and ``_``).

    >>> check_name(" team_slack ")
    'TEAM_SLACK'
    """
    clean = str(name or "").strip()
    if not _NAME.match(clean):
        raise DeliveryError(
            f"Webhook name {clean!r} is not allowed (expected letters, digits and _, "
            f"as in {ENV_PREFIX}TEAM_SLACK)"
        )
    return clean.upper()


def _section(secrets: Mapping[str, Any]) -> Mapping[str, Any]:
    section = secrets.get(SECRETS_SECTION) if hasattr(secrets, "get") else None
    return section if isinstance(section, Mapping) else {}


def available_webhooks(env: Mapping[str, str], secrets: Mapping[str, Any]) -> list[str]:
    """Names of the webhooks set up (environment and secrets), never their URLs.

    >>> available_webhooks({"REVIEW_WEBHOOK_OPS": "https://x"}, {"webhooks": {"team": "y"}})
    ['OPS', 'TEAM']
    """
    names = {k[len(ENV_PREFIX) :] for k, v in env.items() if k.startswith(ENV_PREFIX) and v}
    names |= {str(k).upper() for k, v in _section(secrets).items() if isinstance(v, str) and v}
    return sorted(n for n in names if _NAME.match(n))


def webhook_url(name: str, env: Mapping[str, str], secrets: Mapping[str, Any]) -> str:
    """The URL of webhook ``name``: ``REVIEW_WEBHOOK_<NAME>``, else ``[webhooks] <name>``.

    >>> webhook_url("ops", {"REVIEW_WEBHOOK_OPS": "https://example.com/h"}, {})
    'https://example.com/h'
    >>> webhook_url("ops", {}, {})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    lib.notify.message.DeliveryError: Webhook OPS is not set up: set ... REVIEW_WEBHOOK_OPS or ...
    """
    key = check_name(name)
    url = env.get(ENV_PREFIX + key)
    if not url:
        url = next((v for k, v in _section(secrets).items() if str(k).upper() == key and v), None)
    if not url or not isinstance(url, str):
        raise DeliveryError(
            f"Webhook {key} is not set up: set the environment variable {ENV_PREFIX}{key} "
            f"or {key.lower()} under [{SECRETS_SECTION}] in .streamlit/secrets.toml"
        )
    return url.strip()


def _facts(payload: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of the payload's ``figures``, labelled and formatted as the thresholds
    page does."""
    figures = payload.get("figures")
    if not isinstance(figures, Mapping):
        return []
    out = []
    for key, value in figures.items():
        if not isinstance(value, int | float) or (isinstance(value, float) and math.isnan(value)):
            continue
        metric = METRICS.get(key)
        out.append(
            (metric.label if metric else key, metric.format(value) if metric else f"{value:g}")
        )
    return out


def _json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities as ``null`` (JSON has no NaN; receivers refuse it).

    >>> _json_safe({"a": [float("nan"), 1.5]})
    {'a': [None, 1.5]}
    """
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def webhook_body(
    kind: Literal["slack", "teams", "json"], message: OutgoingMessage, payload: Mapping[str, Any]
) -> dict[str, Any]:
    """The JSON body posted for ``kind``.

    Slack: ``text`` (notifications and old clients) and ``blocks`` (a header, the text and the
    figures as fields). Teams: a ``message`` with one Adaptive Card attachment (title, text,
    a fact set of the figures). JSON: ``payload`` itself.
    """
    if kind == "json":
        return _json_safe(dict(payload))
    facts = _facts(payload)
    text = (message.text or "").strip()
    if kind == "slack":
        blocks: list[dict[str, Any]] = [
            {"type": "header", "text": {"type": "plain_text", "text": message.subject[:150]}}
        ]
        if facts:
            blocks.append(
                {
                    "type": "section",
                    "fields": [
                        {"type": "mrkdwn", "text": f"*{label}*\n{value}"}
                        for label, value in facts[:10]
                    ],
                }
            )
        if text:
            blocks.append(
                {"type": "section", "text": {"type": "mrkdwn", "text": text[:_SLACK_TEXT]}}
            )
        return {"text": f"{message.subject}\n{text}".strip(), "blocks": blocks}
    if kind == "teams":
        body: list[dict[str, Any]] = [
            {"type": "TextBlock", "text": message.subject, "weight": "Bolder", "size": "Medium",
             "wrap": True},
        ]  # fmt: skip
        if facts:
            body.append({"type": "FactSet", "facts": [{"title": t, "value": v} for t, v in facts]})
        if text:
            body.append({"type": "TextBlock", "text": text, "wrap": True})
        card = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body,
        }
        return {
            "type": "message",
            "attachments": [
                {
                    "contentType": "application/vnd.microsoft.card.adaptive",
                    "contentUrl": None,
                    "content": card,
                }
            ],
        }
    raise DeliveryError(f"Webhook kind {kind!r} is unknown (expected one of {', '.join(KINDS)})")


def post_webhook(
    url: str,
    kind: Literal["slack", "teams", "json"],
    message: OutgoingMessage,
    payload: dict[str, Any],
    *,
    timeout: float = TIMEOUT,
) -> int:
    """POST ``message`` (or ``payload`` for ``"json"``) to the webhook ``url``; return the HTTP
    status. A non-2xx answer, a refused connection or a timeout raises :class:`DeliveryError`
    naming the host (never the URL's secret path)."""
    body = json.dumps(webhook_body(kind, message, payload), default=str, allow_nan=False).encode()
    where = masked_url(url)
    parts = urlsplit(str(url).strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryError(f"The {KINDS.get(kind, kind)} webhook is not an http(s) URL ({where})")
    request = urllib.request.Request(
        url.strip(),
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "EscalationReview",
        },
    )
    name = f"The {KINDS.get(kind, kind)} webhook at {where}"
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = int(response.status)
    except urllib.error.HTTPError as exc:
        detail = exc.read(300).decode(errors="replace").strip() if exc.fp else ""
        if parts.path.strip("/"):  # a receiver may echo the URL: its path is the secret
            detail = detail.replace(parts.path, "/…")
        raise DeliveryError(
            f"{name} answered {exc.code} {exc.reason}" + (f": {detail}" if detail else "")
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, ConnectionRefusedError):
            raise DeliveryError(f"{name} refused the connection") from None
        if isinstance(reason, TimeoutError):
            raise DeliveryError(f"{name} did not answer within {timeout:g} s") from None
        raise DeliveryError(f"{name} could not be reached: {reason}") from None
    except TimeoutError:
        raise DeliveryError(f"{name} did not answer within {timeout:g} s") from None
    if not 200 <= status < 300:
        raise DeliveryError(f"{name} answered {status}")
    return status

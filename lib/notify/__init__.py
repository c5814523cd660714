"""Delivery between meetings: e-mail over SMTP, incoming webhooks (Slack, Microsoft Teams,
generic JSON), the thresholds the team sets on the digest's figures and when subscriptions are
due. Pure apart from the network calls of :func:`send_email` and :func:`post_webhook`; no
Streamlit, no database (the store keeps thresholds and subscriptions, :mod:`lib.store.notify`).

Credentials and webhook URLs come from the environment or Streamlit's secrets, never from the
database; they are shown only masked (:meth:`SmtpSettings.describe`, :func:`masked_url`).

Example
-------
>>> msg = OutgoingMessage("Digest", "Rate 12%", "<p>Rate 12%</p>")
>>> smtp_settings({}, {}).configured
False
"""

from __future__ import annotations

from lib.notify import schedule, thresholds
from lib.notify.message import DeliveryError, OutgoingMessage, check_addresses, to_mime
from lib.notify.smtp import SmtpSettings, send_email, smtp_settings
from lib.notify.webhooks import (
    available_webhooks,
    masked_url,
    post_webhook,
    webhook_body,
    webhook_url,
)

__all__ = [
    "DeliveryError",
    "OutgoingMessage",
    "SmtpSettings",
    "available_webhooks",
    "check_addresses",
    "masked_url",
    "post_webhook",
    "schedule",
    "send_email",
    "smtp_settings",
    "thresholds",
    "to_mime",
    "webhook_body",
    "webhook_url",
]

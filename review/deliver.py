"""Delivering a digest: e-mail (SMTP with STARTTLS, :func:`lib.notify.send_email`), incoming
webhooks (Slack, Microsoft Teams, generic JSON: :func:`lib.notify.post_webhook`), and the stored
subscriptions that are due (``--due``).

SMTP settings and webhook URLs come from the environment (``REVIEW_SMTP_*``,
``REVIEW_WEBHOOK_<NAME>``) or from the app's secrets file (``.streamlit/secrets.toml`` in the
project folder or in the home folder, as Streamlit reads it), never from the command line's
history or the database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tomllib
from argparse import Namespace
from collections.abc import Sequence
from pathlib import Path
from typing import Any, cast

from lib import digest
from lib.errors import ReviewError
from lib.notify import (
    OutgoingMessage,
    check_addresses,
    post_webhook,
    send_email,
    smtp_settings,
    webhook_url,
)
from lib.store import REPO_DIR, Store
from review.errors import UsageError

KINDS = ("slack", "teams", "json")


def load_secrets() -> dict[str, Any]:
    """The app's secrets (``~/.streamlit/secrets.toml`` then the project's, which wins), as
    Streamlit merges them; ``{}`` when there is none."""
    merged: dict[str, Any] = {}
    for path in (
        Path.home() / ".streamlit" / "secrets.toml",
        REPO_DIR / ".streamlit" / "secrets.toml",
    ):
        if path.is_file():
            try:
                merged.update(tomllib.loads(path.read_text(encoding="utf-8")))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                raise UsageError(f"{path}: cannot read the secrets ({exc})") from exc
    return merged


def message(d: digest.Digest, fmt: str = "html") -> OutgoingMessage:
    """The digest as a message: plain text (Markdown), and HTML with the charts as inline
    images referenced by Content-ID (``fmt="html"``); only text for ``markdown`` / ``json``."""
    if fmt == "json":
        return OutgoingMessage(digest.subject(d), digest.to_json(d), "")
    if fmt == "markdown":
        return OutgoingMessage(digest.subject(d), digest.to_markdown(d), "")
    return OutgoingMessage(
        digest.subject(d), digest.to_text(d), digest.to_html(d, cid=True), digest.chart_images(d)
    )


def payload(d: digest.Digest) -> dict[str, Any]:
    """The generic JSON webhook's body: the whole digest, its ``figures`` and ``subject``."""
    return digest.to_dict(d)


def email(d: digest.Digest, to: Sequence[str], *, fmt: str = "html") -> None:
    """Send the digest to ``to`` with the SMTP settings of the environment and secrets."""
    settings = smtp_settings(os.environ, load_secrets())
    send_email(message(d, fmt), check_addresses(list(to)), settings)
    print(f"Sent “{digest.subject(d)}” to {', '.join(to)}")


def resolve_webhook(target: str) -> str:
    """``target`` when it is an http(s) URL, else the URL of the webhook named so
    (``REVIEW_WEBHOOK_<NAME>`` or ``[webhooks]`` in the secrets)."""
    if target.startswith(("http://", "https://")):
        return target
    return webhook_url(target, os.environ, load_secrets())


def webhook(d: digest.Digest, target: str, kind: str) -> int:
    """Post the digest to the webhook ``target`` (a URL or a webhook's name) as ``kind``."""
    if kind not in KINDS:
        raise UsageError(f"--kind {kind!r}: expected one of {', '.join(KINDS)}")
    status = post_webhook(
        resolve_webhook(target),
        cast(Any, kind),
        message(d, "markdown"),
        payload(d),
    )
    print(f"Posted “{digest.subject(d)}” to the {kind} webhook (HTTP {status})")
    return status


def _crossed(store: Store, d: digest.Digest, dataset_id: int) -> list[str]:
    from lib.notify.thresholds import evaluate

    return [b.sentence for b in evaluate(digest.figures(d), store.list_thresholds(dataset_id))]


def send_one(store: Store, sub: Any, args: Namespace, now: dt.datetime) -> str:
    """Send subscription ``sub`` (its dataset, or the active one); what happened, in words.

    ``content="alerts"`` sends only when a threshold is crossed (the crossed ones first),
    else nothing (and counts as sent)."""
    from review.build import build

    sub_args = Namespace(
        **{**vars(args), "dataset": str(sub.dataset_id) if sub.dataset_id else None}
    )
    opened, d = build(store, sub_args, now=now)
    if sub.content == "alerts":
        crossed = _crossed(store, d, opened.record.id)
        if not crossed:
            return "no threshold crossed: not sent"
        d = dataclasses.replace(d, warnings=(*crossed, *d.warnings))
    if sub.channel == "email":
        email(d, check_addresses(sub.target), fmt=sub.format)
    else:
        webhook(d, sub.target, sub.channel)
    return "sent"


def send_due(store: Store, args: Namespace, now: dt.datetime | None = None) -> int:
    """Send every subscription that is due; record each sending (or its error). Exit code 0
    when all went, 2 when one failed (the others are still sent)."""
    now = now or dt.datetime.now(dt.UTC)
    due = store.due_subscriptions(now)
    if not due:
        print("No subscription is due.")
        return 0
    failed = 0
    for sub in due:
        try:
            what = send_one(store, sub, args, now)
        except ReviewError as exc:
            failed += 1
            store.mark_subscription_sent(sub.id, now, error=str(exc))
            print(f"Subscription {sub.id} ({sub.channel}): failed: {exc}")
            continue
        store.mark_subscription_sent(sub.id, now)
        print(f"Subscription {sub.id} ({sub.channel}, {sub.content}): {what}")
    return 2 if failed else 0

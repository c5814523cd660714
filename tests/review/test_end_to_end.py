"""End to end, as cron would run it: ``python -m review import`` then ``python -m review digest``
as subprocesses, delivering to a local SMTP server (STARTTLS, sign-in, a CA made for the test)
and a local webhook receiver, both started by the tests (nothing leaves the machine).

The two subprocesses run once for the module (one digest run both mails and posts); the tests
check what arrived against :func:`lib.audit.period_story` on the same dataset (the Overview's
numbers).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

import pytest

from lib import audit, formatting
from lib.periods import review_periods
from lib.store import Store
from lib.store.snapshot_scan import read_canonical
from tests.conftest import DATA, ROOT
from tests.notify.servers import SmtpServer, WebhookReceiver, make_tls_files

EXPORT = DATA / "review_cli_export.csv"


@dataclass
class Run:
    """What the two commands did, and what the servers received."""

    smtp: SmtpServer
    hook: WebhookReceiver
    outputs: list[subprocess.CompletedProcess]
    headline: Any


def _review(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "review", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Any:
    home = tmp_path_factory.mktemp("review_e2e")
    smtp = SmtpServer(make_tls_files(home))
    hook = WebhookReceiver()
    url = f"sqlite:///{home / 'review.sqlite'}"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("REVIEW_", "DATABASE_"))},
        "REVIEW_DATA_DIR": str(home),
        "DATABASE_URL": url,
        **smtp.env(),
    }
    try:
        imported = _review("import", str(EXPORT), "--name", "Fixture", env=env)
        sent = _review(
            "digest",
            "--email",
            "lead@example.com",
            "--email",
            "ops@example.com",
            "--webhook",
            hook.url(),
            "--kind",
            "json",
            "--no-alerts",  # alerts and risk are tested in process (tests/digest)
            "--no-risk",
            env=env,
        )
        store = Store(url)
        tickets = read_canonical(store.snapshot_file(store.get_active_dataset()))
        store.close()
        story = audit.period_story(
            tickets, review_periods(tickets), horizon=audit.choose_horizon(tickets).horizon()
        )
        yield Run(smtp, hook, [imported, sent], story.headline)
    finally:
        smtp.stop()
        hook.stop()


def test_import_then_digest_by_email(run: Run) -> None:
    imported, sent = run.outputs
    assert imported.returncode == 0, imported.stderr
    assert "Imported 247 tickets" in imported.stdout and "Reading files" in imported.stderr
    assert sent.returncode == 0, sent.stderr
    assert run.smtp.logins == ["digest"]  # signed in, after STARTTLS (offered only then)
    (msg,) = run.smtp.messages
    assert sorted(run.smtp.envelopes[0][1]) == ["lead@example.com", "ops@example.com"]
    h = run.headline
    when = formatting.day_range(*h.review)
    rate, change = formatting.pct(h.rate), formatting.pts(h.change)
    assert msg["Subject"] == f"Escalation digest · Fixture · {when}: {rate} ({change})"
    text = msg.get_body(("plain",)).get_content()
    assert f"{rate} ({h.escalations:,} escalated of {h.tickets:,} tickets)" in text
    html = msg.get_body(("html",)).get_content()
    referenced = set(re.findall(r'src="cid:([^"]+)"', html))
    images = {
        part["Content-ID"].strip("<>"): part.get_content()
        for part in msg.walk()
        if part.get_content_type() == "image/png"
    }
    assert referenced == set(images) == {"trend", "drivers"}
    assert all(png.startswith(b"\x89PNG") for png in images.values())


def test_digest_posts_to_the_webhook(run: Run) -> None:
    (req,) = run.hook.requests
    assert req.path == "/hooks/T000/B000/secret-token"
    assert req.headers["Content-Type"].startswith("application/json")
    f, h = req.body["figures"], run.headline
    assert (f["escalations"], f["tickets"]) == (h.escalations, h.tickets)
    assert f["escalation_rate"] == pytest.approx(h.rate)
    assert f["rate_change_pts"] == pytest.approx(100 * h.change)
    assert "Posted" in run.outputs[1].stdout and "secret-token" not in run.outputs[1].stdout

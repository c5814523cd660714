"""The command line, in process (``review.main``): import, digest, pack, check and their help.

One database per module (an import of ``tests/data/review_cli_export.csv``, hand-made rows);
tests that change it use their own.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from lib import audit
from lib.periods import review_periods
from lib.store import Store, read_snapshot
from lib.store.snapshot_scan import read_canonical
from review import main
from tests.conftest import DATA, module_home

EXPORT = DATA / "review_cli_export.csv"
FAST = ["--no-alerts", "--no-risk"]

home = module_home("review_cli")


@pytest.fixture(scope="module")
def db(home: Path) -> str:
    """The module's database URL, with the fixture export imported once."""
    url = f"sqlite:///{home / 'review.sqlite'}"
    assert main(["import", str(EXPORT), "--name", "Fixture", "--quiet", "--database", url]) == 0
    return url


def _store(url: str) -> Store:
    return Store(url)


@pytest.mark.parametrize("command", [None, "import", "signals", "digest", "pack", "check"])
def test_every_command_has_a_help(command: str | None, capsys: pytest.CaptureFixture) -> None:
    assert main([command, "--help"] if command else ["--help"]) == 0
    out = capsys.readouterr().out
    assert "usage: python -m review" in out
    if command is None:
        assert all(c in out for c in ("import", "signals", "digest", "pack", "check", "exit codes"))
    if command == "check":
        assert "escalation_rate" in out and "Exit 0" in out


def test_import_registers_the_dataset_as_the_data_page_does(
    db: str, capsys: pytest.CaptureFixture
) -> None:
    store = _store(db)
    try:
        rec = store.get_active_dataset()
        assert rec is not None and rec.name == "Fixture"
        assert rec.source_files == ["review_cli_export.csv"] and rec.business_tz == "UTC"
        snap = read_snapshot(store.snapshot_file(rec))
        assert snap.height == rec.row_count == 247
        assert int(snap.get_column("escalated").sum()) > 20  # "Tier 2" groups
        # the mapping is remembered for the next export with the same header, with its zone
        from lib.ingest import inspect_sources

        saved = store.get_mapping(inspect_sources(EXPORT).fingerprint)
        assert saved is not None and saved["ticket_id"] == "Id" and saved["_business_tz"] == "UTC"
    finally:
        store.close()


def test_a_bad_file_changes_nothing_and_says_where(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    bad = tmp_path / "broken.csv"
    bad.write_bytes(b"\x00\x01\x02 not a table \xff\xfe" * 20)
    before = _store(db).list_datasets()
    assert main(["import", str(bad), "--quiet", "--database", db]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "broken.csv" in err and "Traceback" not in err
    after = _store(db).list_datasets()
    assert after.height == before.height
    assert after.filter(pl.col("active")).get_column("name").to_list() == ["Fixture"]
    assert main(["import", str(tmp_path / "missing.csv"), "--database", db]) == 2
    assert "missing.csv: no such file" in capsys.readouterr().err
    assert main(["import", str(EXPORT), "--map", "nonsense=Id", "--database", db]) == 2
    assert "unknown field 'nonsense'" in capsys.readouterr().err


def test_keep_active_and_rules_from_a_dataset(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from lib.ingest.rules import default_rules, rules_to_json

    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    args = ["--quiet", "--database", url]
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{"kind": "nonsense"}]))
    assert main(["import", str(EXPORT), "--rules", str(rules), *args]) == 2
    assert "not a list of escalation rules" in capsys.readouterr().err
    one_rule = rules_to_json(default_rules(["group"]))[1:2]  # "Group names a higher tier"
    rules.write_text(json.dumps(one_rule))
    assert main(["import", str(EXPORT), "--name", "First", "--rules", str(rules), *args]) == 0
    assert main(["import", str(EXPORT), "--rules-from", "First", "--keep-active", *args]) == 0
    store = Store(url)
    listed = store.list_datasets()
    assert listed.filter(pl.col("active")).get_column("name").to_list() == ["First"]
    assert [store.get_dataset(i).rules for i in listed.get_column("id")] == [one_rule] * 2
    store.close()


def test_rules_from_a_dataset_with_an_old_tag_rule_say_what_today_s_would_mark(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    from lib.ingest.rules import Rule, rules_to_json

    url = f"sqlite:///{tmp_path / 'r.sqlite'}"
    export = tmp_path / "tags.csv"
    tags = ["escalated", "escalado", "not_escalated", "vip"]
    export.write_text(
        "Id,Created at,Tags\n"
        + "".join(f"{i},2024-03-01 10:00,{t}\n" for i, t in enumerate(tags, 1))
    )
    old = tmp_path / "old.json"
    old.write_text(json.dumps(rules_to_json([Rule("tag", "Tag", "tag", value="escalat")])))
    args = ["--quiet", "--database", url]
    assert main(["import", str(export), "--name", "Last year", "--rules", str(old), *args]) == 0
    assert main(["import", str(export), "--rules-from", "Last year", *args]) == 0
    out = capsys.readouterr().out
    assert "1 escalated" in out
    assert "it marks 1 ticket). Today's reads the export languages" in out
    assert "denied escalations: 2 tickets." in out
    # today's rules: no note
    assert main(["import", str(export), *args]) == 0
    out = capsys.readouterr().out
    assert "2 escalated" in out and "note: the tag rule" not in out


def test_digest_json_equals_the_overviews_numbers(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    out = tmp_path / "d.json"
    assert main(["digest", "--format", "json", "--out", str(out), *FAST, "--database", db]) == 0
    data = json.loads(out.read_text())
    store = _store(db)
    tickets = read_canonical(store.snapshot_file(store.get_active_dataset()))
    prds = review_periods(tickets)
    story = audit.period_story(tickets, prds, horizon=audit.choose_horizon(tickets).horizon())
    h = story.headline
    f = data["figures"]
    assert (f["escalations"], f["tickets"]) == (h.escalations, h.tickets)
    assert f["escalation_rate"] == pytest.approx(h.rate)
    assert data["dataset"] == "Fixture" and data["rate"]["review"][1] == str(prds.review[1])
    # Markdown to stdout by default
    assert main(["digest", *FAST, "--period", "7", "--database", db]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# Escalation digest: Fixture") and "## Escalation rate" in md


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2026-10-20:2026-10-01"], "starts after it ends"),
        (["--period", "last week"], "expected START:END"),
        (["--baseline", "forever"], "expected first30, prior90"),
        (["--horizon", "soon"], "expected a number of days"),
        (["--dataset", "Nope"], "No dataset 'Nope' (datasets: 1 (Fixture)"),
    ],
)
def test_digest_options_are_checked(
    db: str, args: list[str], message: str, capsys: pytest.CaptureFixture
) -> None:
    assert main(["digest", *FAST, *args, "--database", db]) == 2
    assert message in capsys.readouterr().err


def test_check_exit_codes(db: str, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    figures = tmp_path / "f.json"
    figures.write_text(json.dumps({"figures": {"escalation_rate": 0.2, "new_alerts": 0}}))
    base = ["check", "--figures", str(figures)]
    assert main([*base, "--threshold", "escalation_rate>0.12"]) == 1
    out = capsys.readouterr().out
    assert "CROSSED: Escalation rate is 20.0%, above the threshold of 12.0%" in out
    assert main([*base, "--threshold", "escalation_rate>25%", "--threshold", "new_alerts>=1"]) == 0
    assert "none crossed" in capsys.readouterr().out
    assert main([*base, "--threshold", "escalation_rate=>0.1"]) == 2
    assert "expected FIGURE OP VALUE" in capsys.readouterr().err
    assert main([*base, "--threshold", "at_risk_open>3"]) == 2  # not in the figures given
    figures.write_text('{"escalation_rate": NaN}')
    assert main([*base, "--threshold", "escalation_rate>0.1"]) == 2


def test_check_reads_the_stored_thresholds(db: str, capsys: pytest.CaptureFixture) -> None:
    store = _store(db)
    rec = store.get_active_dataset()
    row = store.add_threshold("tickets", ">", 1, dataset_id=rec.id)
    try:
        assert main(["check", *FAST, "--database", db]) == 1
        assert "CROSSED: Tickets is" in capsys.readouterr().out
    finally:
        store.delete_threshold(row.id)
        store.close()


def test_pack_writes_the_meetings_review_pack(db: str, tmp_path: Path) -> None:
    store = _store(db)
    rec = store.get_active_dataset()
    m = store.create_meeting(
        dt.date(2026, 10, 27),
        period_start=dt.date(2026, 10, 13),
        period_end=dt.date(2026, 10, 26),
        dataset_id=rec.id,
        title="Review <October>",
    )
    store.close()
    out = tmp_path / "pack.html"
    assert main(["pack", "--meeting", str(m.id), "--out", str(out), "--database", db]) == 0
    html = out.read_text()
    assert "<h1>Review &lt;October&gt;</h1>" in html and 'id="headline"' in html
    assert main(["pack", "--meeting", "999", "--database", db]) == 2


def test_pack_draws_its_alert_charts_in_the_datasets_zone(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The app's pack counted the alert charts' days in the meeting's dataset's zone; the
    # command line's did so for the facts only and drew the charts in UTC days.
    from lib import periods
    from lib.review_pack import html_pack

    store = _store(db)
    rec = store.get_active_dataset()
    zone = store.get_dataset(rec.id).business_tz
    store.set_business_zone(rec.id, "Asia/Tokyo")
    m = store.create_meeting(
        dt.date(2026, 10, 27),
        period_start=dt.date(2026, 10, 13),
        period_end=dt.date(2026, 10, 26),
        dataset_id=rec.id,
        title="Tokyo review",
    )
    store.close()
    seen: list[str] = []
    html = html_pack.review_pack_html

    def spy(*args, **kwargs):
        seen.append(periods.business_zone())
        return html(*args, **kwargs)

    monkeypatch.setattr(html_pack, "review_pack_html", spy)
    try:
        assert main(["pack", "--meeting", str(m.id), "--out", str(tmp_path / "p.html"),
                     "--database", db]) == 0  # fmt: skip
    finally:
        store = _store(db)
        store.set_business_zone(rec.id, zone)
        store.close()
    assert seen == ["Asia/Tokyo"]


def test_due_subscriptions_are_sent_and_recorded(
    db: str, smtp_server, webhook_receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from review import build_parser, deliver

    for key, value in {**smtp_server.env(), "REVIEW_WEBHOOK_TEAM": webhook_receiver.url()}.items():
        monkeypatch.setenv(key, value)
    store = _store(db)
    mail = store.add_subscription("email", "lead@example.com", frequency="daily", hour=8)
    slack = store.add_subscription("slack", "team", frequency="daily", hour=8)
    quiet = store.add_subscription("email", "ops@example.com", content="alerts", frequency="daily")
    later = mail.created_at + dt.timedelta(days=1, hours=1)
    args = build_parser().parse_args(["digest", "--due", *FAST, "--database", db])
    try:
        assert deliver.send_due(store, args, now=later) == 0
        (msg,) = smtp_server.messages  # the alerts-only one: no threshold crossed
        assert msg["To"] == "lead@example.com" and msg["Subject"].startswith("Escalation digest")
        (post,) = webhook_receiver.requests
        assert post.body["blocks"][0]["text"]["text"] == msg["Subject"]
        assert store.due_subscriptions(later) == []
        assert store.get_subscription(quiet.id).last_sent_at == later
    finally:
        for sub in (mail, slack, quiet):
            store.delete_subscription(sub.id)
        store.close()


def test_digest_counts_days_in_the_datasets_zone(db: str, tmp_path: Path) -> None:
    from lib import periods

    store = _store(db)
    rec = store.get_active_dataset()
    store.set_business_zone(rec.id, "Pacific/Kiritimati")  # UTC+14: the last day is a day later
    out = tmp_path / "d.json"
    try:
        assert main(["digest", "--format", "json", "--out", str(out), *FAST, "--database", db]) == 0
        tickets = read_canonical(store.snapshot_file(rec))
        with periods.use_zone("Pacific/Kiritimati"):
            local = review_periods(tickets).review
        assert local != review_periods(tickets).review  # the zone matters for this export
        assert json.loads(out.read_text())["rate"]["review"] == [str(d) for d in local]
    finally:
        store.set_business_zone(rec.id, rec.business_tz)
        store.close()


def test_the_digest_scores_sentiment_once_and_keeps_it_for_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A digest every 15 minutes scored the snapshot's sentiment again on every run unless the
    # app had scored it first; now the first run writes the sidecar the app reads too.
    import lib.sentiment as sentiment
    from lib.sentiment_sidecar import SENTIMENT_SIDECAR, read_sidecar

    url = f"sqlite:///{tmp_path / 'review.sqlite'}"
    assert main(["import", str(EXPORT), "--quiet", "--database", url]) == 0
    calls: list[int] = []
    real = sentiment.score_sentiment
    monkeypatch.setattr(
        sentiment, "score_sentiment", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    for _ in range(2):
        assert (
            main(["digest", "--no-risk", "--out", str(tmp_path / "d.md"), "--database", url]) == 0
        )
    assert calls == [1]
    with Store(url) as store:
        side = store.sidecar_path(store.get_active_dataset(), SENTIMENT_SIDECAR)
    scored, how, details = read_sidecar(side)
    assert scored.height == pl.read_csv(EXPORT).height and how and details["sentiment_scorer"]

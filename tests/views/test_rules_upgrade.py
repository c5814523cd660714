"""AppTest: a dataset imported by an earlier version keeps the tag rule of that version (a tag
contains the English "escalat"). The Data page's rules tab says what today's rule would mark
and switches to it on one click; datasets with today's rule see no such offer. A dataset whose
escalations were counted by an earlier reading of the same rules (not_escalated counted then)
is told both numbers and counted again on one click."""

from __future__ import annotations

import os
from pathlib import Path

from streamlit.testing.v1 import AppTest

from lib.ingest import load_export
from lib.ingest.rules import TAG_LABEL, Rule, rules_from_json, rules_to_json
from lib.store import Store
from tests.views.data_tabs import open_data_tab

ROOT = Path(__file__).resolve().parents[2]
#: Spanish and German tags the old rule misses, and one that denies an escalation.
TAGS = ["escalated", "escalado", "eskaliert", "not_escalated", "billing", "escalado", "vip"]
OLD = Rule("tag", 'Tag contains "escalat"', "tag", value="escalat")


def _register(rules: list[Rule], *, as_counted_before: bool = False) -> int:
    rows = ["Id,Created at,Tags"] + [
        f"{i},2024-03-0{1 + i % 5} 10:00,{tag}" for i, tag in enumerate(TAGS, start=1)
    ]
    loaded = load_export("\n".join(rows).encode(), rules=rules)
    frame = loaded.snapshot_frame()
    if as_counted_before:  # an earlier version counted the not_escalated tag as escalated
        denied = frame.get_column("tags").list.contains("not_escalated")
        frame = frame.with_columns(escalated=frame.get_column("escalated") | denied)
    with Store(os.environ["DATABASE_URL"]) as store:
        record = store.register_dataset("Imported last year", frame, rules=rules_to_json(rules))
        return int(record.id)


def _rules_tab() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/data.py").run()
    open_data_tab(at, "Escalation rules")
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_old_tag_rule_is_offered_today_s_and_one_click_switches(review_home: Path) -> None:
    ds = _register([OLD])
    at = _rules_tab()
    # the old word alone: "escalated" (not "not_escalated": denied escalations are left out)
    assert "**1** of 7 tickets are escalated." in [m.value for m in at.markdown]
    offer = next(m.value for m in at.markdown if "from an earlier version" in m.value)
    assert "it would mark **4** tickets; the rule now marks 1." in offer
    at.button(key="ds_tag_rule_update").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "**4** of 7 tickets are escalated." in [m.value for m in at.markdown]
    assert not any("from an earlier version" in m.value for m in at.markdown)
    with Store(os.environ["DATABASE_URL"]) as store:
        record = store.get_dataset(ds)
        (tag,) = [r for r in rules_from_json(record.rules) if r.id == "tag"]
        assert (tag.label, tag.op, tag.enabled) == (TAG_LABEL, "matches", True)
        assert store.load_snapshot(ds).get_column("escalated").sum() == 4


def test_today_s_tag_rule_gets_no_offer(review_home: Path) -> None:
    _register(load_export(b"Id,Created at,Tags\n1,2024-03-01 10:00,escalado\n").rules)
    at = _rules_tab()
    assert "**4** of 7 tickets are escalated." in [m.value for m in at.markdown]
    assert not any("from an earlier version" in m.value for m in at.markdown)
    assert not [b for b in at.button if b.key == "ds_tag_rule_update"]


def test_escalations_counted_by_an_earlier_reading_are_counted_again_on_one_click(
    review_home: Path,
) -> None:
    today = load_export(b"Id,Created at,Tags\n1,2024-03-01 10:00,escalado\n").rules
    ds = _register(today, as_counted_before=True)
    at = _rules_tab()
    assert "**4** of 7 tickets are escalated." in [m.value for m in at.markdown]
    box = next(m.value for m in at.markdown if "The pages count" in m.value)
    assert box.startswith(
        ":material/sync_problem: **The pages count 5 escalated tickets; these rules mark 4.**"
    )
    at.button(key="ds_recount").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any("The pages count" in m.value for m in at.markdown)
    with Store(os.environ["DATABASE_URL"]) as store:
        assert store.load_snapshot(ds).get_column("escalated").sum() == 4

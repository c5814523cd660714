"""The agenda, minutes and pack tell the period's story (issue 19) and compare periods on the
horizon the Overview uses (issue 13 point 2), on seeded helpdesks with a known truth: the phone
channel's rate doubled in the review period (all else constant), or constant rates throughout."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from lib import audit
from lib import review_pack as rp
from lib.periods import review_periods
from tests.sim_story import helpdesk

MEETING = {"id": 1, "title": "Review", "date": dt.date(2024, 2, 26)}


def _outputs(tickets: pl.DataFrame, *, horizon: bool = True) -> dict:
    h = audit.choose_horizon(tickets).horizon() if horizon else None
    p = review_periods(tickets)
    periods = rp.meeting_periods(tickets, *p.review, baseline=p.baseline)
    facts = rp.review_facts(tickets, periods, horizon=h, agents=False)
    entries = rp.build_agenda(facts)
    agenda = pl.DataFrame(
        {
            "title": [e.title for e in entries],
            "source": [e.source for e in entries],
            "ref": [e.ref for e in entries],
            "detail": [e.detail for e in entries],
            "decision": [""] * len(entries),
        }
    )
    meeting = MEETING | {"period_start": periods.review[0], "period_end": periods.review[1]}
    no_actions = pl.DataFrame(
        schema={"id": pl.Int64, "created_in_meeting": pl.Int64, "closed_in_meeting": pl.Int64}
    )
    return {
        "facts": facts,
        "entries": entries,
        "html": rp.review_pack_html(meeting, agenda, no_actions, facts=facts),
        "md": rp.minutes_markdown(meeting, agenda, no_actions, facts=facts),
    }


@pytest.fixture(scope="module")
def planted() -> dict:
    return _outputs(helpdesk(2, planted=True))


@pytest.fixture(scope="module")
def constant() -> dict:
    return _outputs(helpdesk(3, planted=False))


def test_the_planted_phone_effect_is_on_the_agenda_right_after_the_headline(planted) -> None:
    head, first = planted["entries"][:2]
    assert head.ref == rp.HEADLINE_REF
    assert "Largest significant change: Channel phone:" in head.detail
    assert (first.source, first.ref) == ("driver", "channel=phone")
    assert first.title.startswith("Change: Channel phone up to ")
    assert "escalated in the review period" in first.title
    assert rp.default_link(first.source, first.ref) == ("channel", "phone")


def test_the_planted_phone_effect_is_in_the_pack_and_the_minutes(planted) -> None:
    html, md = planted["html"], planted["md"]
    assert '<section id="changes"><h2>What changed since the previous period</h2>' in html
    changes = html.split('id="changes"')[1].split("</section>")[0]
    assert "<td>Channel</td><td>phone</td>" in changes
    assert "Largest significant change: Channel phone:" in html  # the headline summary
    assert "Largest significant change: Channel phone:" in md


def test_agenda_pack_and_overview_story_agree(planted) -> None:
    story = planted["facts"].story
    said = audit.story_words(story)
    assert planted["entries"][0].detail == said.summary
    assert said.summary in planted["html"] or said.summary.replace("&", "&amp;") in planted["html"]
    lead = story.changes[0]
    assert f"{lead.escalations:,} of {lead.tickets:,} tickets in the review period" in (
        planted["entries"][1].detail
    )


def test_constant_rates_put_no_change_on_the_agenda_or_in_the_pack(constant) -> None:
    entries, html, md = constant["entries"], constant["html"], constant["md"]
    assert not [e for e in entries if e.title.startswith("Change:")]
    # the rate's verdict, in plain words (lib.plain_words): not a real change
    assert "no real change" in entries[0].detail or "could be chance" in entries[0].detail
    assert "No dimension changed significantly" in entries[0].detail
    assert "No dimension changed significantly" in html and "<td>Channel</td>" not in html
    assert "No dimension changed significantly" in md
    # drivers compare rates while young tickets are left out (their counts are of fewer days)
    driver = next(e for e in entries if e.source == "driver")
    assert "escalations in the review period (rate " in driver.title


def test_the_agenda_uses_the_horizon_so_the_newest_period_does_not_look_better() -> None:
    tickets = helpdesk(3, planted=False)
    # as exported, the young tickets of the review period make a "significant drop"
    as_exported = _outputs(tickets, horizon=False)["facts"]
    assert as_exported.kpi.change("previous").significant
    facts = _outputs(tickets)["facts"]
    assert facts.kpi.horizon is not None and facts.kpi.review["maturing"] > 0
    assert not facts.kpi.change("previous").significant
    assert facts.story.horizon == facts.kpi.horizon
    html = _outputs(tickets)["html"]
    assert f"{facts.kpi.review['maturing']:,} more still maturing, not counted" in html
    assert f"Rates count tickets {facts.kpi.horizon.describe()}." in html

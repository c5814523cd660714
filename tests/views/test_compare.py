"""AppTest: honest comparisons (issue 13, points 4 and 5) on the bundled demo data.

The mix/within split is recomputed here with plain Polars, the q-values with statsmodels'
Benjamini-Hochberg and the level change with statsmodels' GLM, independently of lib.audit.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
import polars as pl
import pytest
import statsmodels.api as sm
from scipy.special import expit
from statsmodels.stats.multitest import multipletests
from streamlit.testing.v1 import AppTest

from lib.audit import period_story
from lib.ingest import load_export
from lib.periods import Periods
from tests.views.data_tabs import open_routing_tab
from tests.views.test_audit import DEMO, _app, _ok


@pytest.fixture(scope="module")
def tickets() -> pl.DataFrame:
    return load_export(DEMO).tickets


def _text(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown).replace("\\", "")


def _split(demo: pl.DataFrame, by: str, mature_by=None) -> tuple[float, float, float]:
    """(change, mix, within) of the default periods (last 14 days vs the 14 before), by hand;
    with ``mature_by`` (a datetime) only tickets created by then count (the Overview's
    escalation horizon: the demo has no escalation times, so escalated is as exported)."""
    end = demo.get_column("created_at").max().date()
    if mature_by is not None:
        demo = demo.filter(pl.col("created_at") <= mature_by)
    day = pl.col("created_at").dt.date()
    cur = demo.filter(day > end - timedelta(days=14))
    prev = demo.filter((day <= end - timedelta(days=14)) & (day > end - timedelta(days=28)))
    parts = []
    for frame in (prev, cur):
        g = frame.group_by(pl.col(by).fill_null("(none)")).agg(
            (pl.len() / frame.height).alias("w"), pl.col("escalated").mean().alias("r")
        )
        parts.append({k: (w, r) for k, w, r in g.rows()})
    p0, p1 = parts
    mix = within = 0.0
    for key in set(p0) | set(p1):
        w0, r0 = p0.get(key, (0.0, None))
        w1, r1 = p1.get(key, (0.0, None))
        r0 = r1 if r0 is None else r0
        r1 = r0 if r1 is None else r1
        mix += (w1 - w0) * (r1 + r0) / 2
        within += (r1 - r0) * (w1 + w0) / 2
    change = cur["escalated"].mean() - prev["escalated"].mean()
    return change, mix, within


def test_breakdowns_explain_the_change_and_the_q_values(review_home: Path, tickets) -> None:
    at = _app()
    at.switch_page("views/breakdowns.py").run()
    _ok(at)
    text = _text(at)
    # the Breakdowns page splits the change of the tickets old enough for the horizon
    h = at.session_state["_horizon"]
    mature_by = h.as_of - timedelta(days=h.days)
    change, mix, within = _split(tickets, "category", mature_by=mature_by)
    assert mix + within == pytest.approx(change)
    assert f"Of the {100 * change:+.1f} pt" in text
    assert f"{100 * mix:+.1f} pt comes from mix (which tickets came in" in text
    assert f"{100 * within:+.1f} pt from" in text and "within each category" in text
    # the per-row tests: q-values in words and in the table
    assert "rows tested at once (chance it is noise below 5%)" in text
    table = at.dataframe[0].value
    p_col, q_col = "Chance it's noise %", "Chance it's noise, all rows tested %"
    assert {q_col, "Design effect"} <= set(table.columns)
    tested = table[table[p_col].notna()]
    # one family with the headline: Benjamini-Hochberg across every row of every dimension
    captions = " ".join(c.value for c in at.caption)
    span = re.search(r"Tickets created (\S+) to (\S+), compared with (\S+) to (\S+) ", captions)
    a, b, c, d = (date.fromisoformat(x) for x in span.groups())
    periods = Periods(review=(a, b), previous=(c, d), baseline=(c, d))
    told = period_story(tickets, periods, horizon=h)
    family = pl.concat([t.select("p_value") for t in told.tables.values() if t.height >= 2])
    q_all = multipletests(family["p_value"].drop_nulls().to_numpy(), method="fdr_bh")[1]
    assert len(q_all) == told.rows_tested
    story_q = dict(told.tables["category"].select("category", "q_value").iter_rows())
    for value, shown in zip(tested["Category"], tested[q_col].astype(float), strict=True):
        assert shown / 100 == pytest.approx(story_q[value], abs=1e-3)
        assert story_q[value] == pytest.approx(min(q for q in q_all if q >= story_q[value] - 1e-12))
    rises = next(m for m in at.metric if m.label == "Significant rises")
    assert int(rises.value) == int(((tested[q_col] < 5) & (tested["Change (pts)"] > 0)).sum())
    # the waterfall and the segment table
    assert any("mix bar" in c.value for c in at.caption)
    segments = [d.value for d in at.dataframe if "Mix part (pts)" in d.value.columns]
    assert segments and segments[0]["Mix part (pts)"].sum() == pytest.approx(100 * mix, abs=0.05)
    # another dimension: the split follows the picker
    at.segmented_control(key="bd_by").set_value("channel").run()
    _ok(at)
    change, mix, within = _split(tickets, "channel", mature_by=mature_by)
    assert f"{100 * mix:+.1f} pt comes from mix" in _text(at)


def test_overview_splits_the_change_by_the_chosen_dimension(review_home: Path, tickets) -> None:
    at = _app()
    _ok(at)
    assert "Why did the rate move: mix or performance?" in [s.value for s in at.subheader]
    for by in ("category", "customer_tier"):
        at.segmented_control(key="ov_mix_by").set_value(by).run()
        _ok(at)
        h = at.session_state["_horizon"]
        change, mix, within = _split(tickets, by, mature_by=h.as_of - timedelta(days=h.days))
        text = _text(at)
        assert f"Of the {100 * change:+.1f} pt" in text
        # the change split is the change the headline card shows
        rate = next(m for m in at.metric if m.label == "Escalation rate")
        assert rate.delta.startswith(f"{100 * change:+.1f} pts vs previous")
        assert f"{100 * mix:+.1f} pt comes from mix" in text
        assert f"{100 * within:+.1f} pt from" in text


def test_routing_before_after_shows_level_and_trend_change(review_home: Path, tickets) -> None:
    at = _app()
    at.switch_page("views/routing.py").run()
    _ok(at)
    open_routing_tab(at, "Before / after")
    labels = [m.label for m in at.metric]
    assert "Level change at the date" in labels and "Trend change per week" in labels
    when = at.date_input(key="rt_ba_date").value
    cut = datetime.combine(when, datetime.min.time(), UTC)
    daily = (
        tickets.with_columns(
            ((pl.col("created_at") - cut).dt.total_seconds() // 86400).cast(pl.Int64).alias("d")
        )
        .group_by("d")
        .agg(pl.len().alias("n"), pl.col("escalated").sum().alias("k"))
        .sort("d")
    )
    t = daily["d"].to_numpy().astype(float)
    n, k = daily["n"].to_numpy(), daily["k"].to_numpy()
    after = (t >= 0).astype(float)
    x = np.column_stack([np.ones_like(t), t, after, t * after])
    fit = sm.GLM(np.column_stack([k, n - k]), x, family=sm.families.Binomial()).fit(
        cov_type="cluster", cov_kwds={"groups": np.arange(t.size)}, use_t=True
    )
    b0, _, b2, _ = fit.params
    level = next(m for m in at.metric if m.label == "Level change at the date")
    assert level.value == f"{round(100 * (expit(b0 + b2) - expit(b0)), 1) + 0.0:+.1f} pts"
    # the verdict in words (lib.plain_words) agrees with the hand-fitted p-value
    real = fit.pvalues[2] < 0.05
    assert level.delta.startswith("unlikely to be chance" if real else ("could be", "no real"))
    assert any("segmented binomial regression" in c.value for c in at.caption)


def test_hostile_segment_names_render_literally(review_home: Path) -> None:
    from lib.demo import demo_tickets
    from tests.views.hostile import IMAGE, raw_markdown
    from ui import session

    tickets = demo_tickets(days=60, tickets_per_day=20)
    first = tickets.get_column("category").drop_nulls()[0]
    bad = IMAGE.format("segment")
    tickets = tickets.with_columns(
        pl.when(pl.col("category") == first)
        .then(pl.lit(bad))
        .otherwise("category")
        .alias("category")
    )
    session.store().register_dataset("Hostile categories", tickets)
    at = _app()
    _ok(at)
    assert raw_markdown(at) == []
    at.switch_page("views/breakdowns.py").run()
    _ok(at)
    assert raw_markdown(at) == []
    segments = next(d.value for d in at.dataframe if "Mix part (pts)" in d.value.columns)
    assert bad in set(segments["Category"])

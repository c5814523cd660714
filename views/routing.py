"""Routing & policy: do tickets reach the right people fast, and did our changes work?"""

from __future__ import annotations

import polars as pl
import streamlit as st

from lib import audit, formatting, periods
from lib.charts import breakdowns, routing, tables
from ui import aggregates, bot, layout, sidebar, tags, widgets
from ui import idle as idle_setting

layout.header(
    "Routing & policy", "Do tickets reach the right people fast, and did our changes work?"
)
data = layout.page_data()
prds = sidebar.review_periods()
dims = sidebar.dimension_filters()
rs = aggregates.aggregate(data, audit.reassignment_summary)
s = rs.summary.row(0, named=True) if rs.summary.height else {"tickets": 0}
if s["tickets"] == 0:
    layout.empty_state("No tickets match the filters.", action="Widen the date range.")
    st.stop()
first, last = periods.date_bounds(data.tickets)
now = data.tickets.select(pl.max_horizontal(pl.col("updated_at").max(), pl.col("created_at").max()))
hours = idle_setting.hours()
idle = aggregates.aggregate(data, audit.idle_tickets, where=dims, hours=hours, now=now.item())
repeat = aggregates.aggregate(data, audit.repeat_contacts)

# Headline cards: the review period against the previous one, like every other page.
card_summary, previous = s, None
if prds is not None:
    now_rs = aggregates.aggregate(
        data, audit.reassignment_summary, where=sidebar.period_filters(*prds.review)
    )
    prev_rs = aggregates.aggregate(
        data, audit.reassignment_summary, where=sidebar.period_filters(*prds.previous)
    )
    if now_rs.summary.height and now_rs.summary.item(0, "tickets"):
        card_summary = now_rs.summary.row(0, named=True)
        if prev_rs.summary.height:
            previous = prev_rs.summary.row(0, named=True)
cards = routing.routing_cards(
    card_summary,
    idle=idle.tickets.height,
    open_tickets=idle.open_tickets,
    hours=hours,
    repeat=repeat.height,
    previous=previous,
)
for col, (label, card) in zip(st.columns(len(cards)), cards, strict=True):
    col.metric(label, **card)
if prds is not None and card_summary is not s:
    st.caption(
        "Reassignment cards: tickets created in the review period "
        f"{formatting.day_range(*prds.review)}, against the previous period "
        f"{formatting.day_range(*prds.previous)}. Idle tickets: open now (the export's last "
        "activity); repeat customers and the tabs below: the sidebar's date range."
    )


def _reassignments() -> None:
    """Reassignments: how often tickets change hands, per category or channel."""
    if s["known"] == 0:
        layout.empty_state("This export has no reassignment counts (group or owner changes).")
    else:
        widgets.chart_downloads(
            routing.distribution_figure(rs.distribution),
            "reassignments",
            key="rt_dist",
            data=rs.distribution,
            caption="Share of tickets by how often they changed group or "
            "owner (0 = the first assignment was right); hover for counts.",
        )
        by = (
            st.segmented_control(
                "Reassignments by",
                ["category", "channel"],
                default="category",
                key="rt_by",
                format_func=str.capitalize,
            )
            or "category"
        )
        per = tags.with_tags(aggregates.aggregate(data, audit.reassignment_summary, by=by).summary)
        measure = widgets.bars_measure(
            "rt_measure",
            rate="Share reassigned",
            count="Tickets reassigned",
            what="the share of tickets reassigned at least once, or their number",
        )
        # the bars, and the table below them, in the order of what the bars draw
        per = breakdowns.sort_bars(per, measure, rate="share_reassigned", k="reassigned", n="known")
        fig = breakdowns.interval_bars(
            per,
            by,
            rate="share_reassigned",
            low="share_low",
            high="share_high",
            k="reassigned",
            n="known",
            what="reassigned",
            measure=measure,
        )
        drawn = (
            f"Tickets reassigned at least once per {by}, most first; beside each bar: their "
            "number and their share."
            if measure == "count"
            else f"Share of tickets reassigned at least once per {by}, highest first; whiskers: "
            "95% interval."
        )
        widgets.chart_downloads(
            fig,
            f"reassigned_by_{by}",
            key="rt_by_chart",
            data=per,
            caption=drawn + f" Faded bars: fewer than {breakdowns.FEW_TICKETS} tickets. "
            "Categories that nearly always move on may be policy-based.",
        )
        widgets.table(
            per,
            view=tables.reassign_view(by, by.capitalize()),
            key="rt_by_table",
            filename=f"reassignments_by_{by}.csv",
        )
        st.markdown(f"**Tickets that bounced 3 or more times** ({rs.bounced.height:,})")
        if rs.bounced.height == 0:
            layout.empty_state("No ticket changed hands 3 or more times in this range.")
        else:
            widgets.table(
                rs.bounced,
                view=tables.TICKET_LIST_VIEW,
                key="rt_bounced",
                filename="bounced_tickets.csv",
            )


def _response_and_escalation_time() -> None:
    """Time to the first response, weekly and per channel, and the time to escalate."""
    frt = aggregates.aggregate(data, audit.first_response_trend, every="1w")
    if frt.height == 0 or frt.get_column("responses").sum() == 0:
        layout.empty_state("This export has no first response times.")
    else:
        st.markdown("**Time to first response, weekly**")
        widgets.chart_downloads(
            routing.response_trend_figure(frt),
            "first_response_trend",
            key="rt_frt",
            data=frt,
            caption="Line: median minutes to the first reply; band: the middle half of tickets; "
            "dotted: 90% of tickets are answered within it. Hover for counts.",
        )
        st.markdown("**Time to first response, by channel**")
        fr_by = aggregates.aggregate(data, audit.first_response_by, by="channel")
        widgets.chart_downloads(
            routing.quantile_figure(fr_by, "channel", unit="minutes"),
            "first_response_by_channel",
            key="rt_fr_by",
            data=fr_by,
        )
    st.markdown("**Time to escalate, by category**")
    tte = tags.with_tags(aggregates.aggregate(data, audit.time_to_escalate, by="category"))
    if tte.height == 0 or tte.get_column("n").sum() == 0:
        layout.empty_state(
            "No escalation times: this export does not say when tickets were escalated.",
            action="Exports with an escalation timestamp, or an event log, fill this in.",
        )
    else:
        widgets.chart_downloads(
            routing.quantile_figure(tte, "category"),
            "time_to_escalate",
            key="rt_tte",
            data=tte,
            caption="Bar: the middle half of escalations; diamond: median; tick: 90th percentile.",
        )
        widgets.table(
            tte,
            view=tables.duration_view("category", "Category", "hours"),
            key="rt_tte_t",
            filename="time_to_escalate.csv",
        )


def _idle_tickets() -> None:
    """Open tickets without an update for longer than the idle setting."""
    idle_setting.control(st.columns([1, 3])[0], key="rt_idle_hours")
    st.caption(
        f"Open tickets as of {now.item():%Y-%m-%d %H:%M} UTC (the export's last activity), "
        "whatever their creation date; the sidebar's other filters apply."
    )
    if idle.tickets.height == 0:
        layout.empty_state(f"No open ticket has been idle for more than {hours:g} hours.")
    else:
        widgets.chart_downloads(
            routing.age_figure(idle.buckets), "idle_by_age", key="rt_idle", data=idle.buckets
        )
        widgets.table(
            idle.tickets, view=tables.TICKET_LIST_VIEW, key="rt_idle_t", filename="idle_tickets.csv"
        )


def _repeat_contacts_and_tiers() -> None:
    """Customers who came back 3 times in 7 days, and the escalation rate per customer tier."""
    st.markdown(f"**Customers with 3 or more tickets in 7 days** ({repeat.height:,})")
    if repeat.height == 0:
        layout.empty_state("No customer opened 3 tickets within 7 days in this range.")
    else:
        widgets.table(
            repeat, view=tables.REPEAT_VIEW, key="rt_repeat", filename="repeat_contacts.csv"
        )
    st.markdown("**Escalation rate by customer tier**")
    tiers = aggregates.aggregate(data, audit.rate_by, by="customer_tier")
    widgets.chart_downloads(
        breakdowns.interval_bars(tiers, "customer_tier"),
        "rate_by_tier",
        key="rt_tiers",
        data=tiers,
        caption="A tier far above the others, or a repeat contact from a high tier, is where a "
        "frustrated customer hides. Whiskers: 95% interval.",
    )
    widgets.table(
        tiers,
        view=tables.rate_view("customer_tier", "Tier"),
        key="rt_tier_t",
        filename="rate_by_tier.csv",
    )


def _before_after() -> None:
    """The escalation rate before and after a change date (a segmented regression)."""
    c1, c2, c3 = st.columns(3)
    default = min(max(prds.review[0], first), last) if prds else last
    when = c1.date_input("Change date", default, first, last, key="rt_ba_date")
    cats = aggregates.aggregate(data, audit.rate_by, where=dims, by="category")
    cat = c2.selectbox(
        "Category",
        [None, *cats.get_column("category").to_list()],
        key="rt_ba_cat",
        format_func=lambda c: "All categories" if c is None else tags.tag_label(c),
    )
    window = c3.number_input("Days each side (0 = all)", 0, 365, 0, step=7, key="rt_ba_window")
    ba = aggregates.aggregate(
        data,
        audit.before_after,
        where=dims,
        date=when,
        category=cat,
        window_days=int(window) or None,
    )
    cards = routing.before_after_cards(ba)
    for col, (label, card) in zip(st.columns(len(cards)), cards, strict=True):
        col.metric(label, **card)
    if ba.model is not None:
        st.caption(
            "Level and trend change: a segmented binomial regression on the daily counts (an "
            "interrupted time series: a level and a trend on each side of the date), with "
            f"errors {ba.model.covariance}, so a few bad days or a trend already under way "
            "are not taken for the change's effect."
        )
    elif ba.model_note:
        st.caption(f"No level/trend model: {ba.model_note}; the change shown is the plain "
                   "two-proportion test of the two sides.")  # fmt: skip
    if ba.test.testable:
        widgets.chart_downloads(
            routing.before_after_figure(ba.weekly, when),
            "before_after",
            key="rt_ba",
            data=ba.weekly,
            caption="Dots: weekly escalation rate (bigger = more tickets); lines: the segmented "
            "trend on each side. A jump at the dotted line is the change's effect; weeks are "
            "counted from the change date so none straddles it. All dates; sidebar filters apply.",
        )
    else:
        layout.empty_state(
            "One side of the change date has no tickets.", action="Pick another date."
        )


def _tier1_resolution() -> None:
    """Solved tickets closed at Tier 1 per category, against a target."""
    target = st.columns([1, 3])[0].number_input(
        "Tier 1 target (% of solved tickets)", 0, 100, 70, step=5, key="rt_target"
    )
    t1 = tags.with_tags(aggregates.aggregate(data, audit.tier1_resolution, target=target / 100))
    if t1.height == 0:
        layout.empty_state("No solved tickets match the filters.", action="Widen the date range.")
    else:
        below = t1.filter(~pl.col("meets_target"))
        widgets.chart_downloads(
            breakdowns.interval_bars(
                t1,
                "category",
                k="resolved_tier1",
                n="solved",
                what="resolved at Tier 1",
                reference=target / 100,
                reference_label=f"target {target}%",
            ),
            "tier1_resolution",
            key="rt_tier1",
            data=t1,
        )
        st.caption(
            f"Solved tickets closed without escalation, per category, against the {target}% target "
            f"(dashed). {below.height} of {t1.height} categories are below it."
        )
        widgets.table(t1, view=tables.TIER1_VIEW, key="rt_tier1_table", filename="tier1.csv")


def _bot_first_touch() -> None:
    """What a bot or AI agent met first, resolved and handed over."""
    bot.section(data)


#: The page's tabs, in order, with what draws each (their labels name them in its URL).
ROUTING_TABS = {
    "Reassignments": _reassignments,
    "Response and escalation time": _response_and_escalation_time,
    "Idle tickets": _idle_tickets,
    "Repeat contacts and tiers": _repeat_contacts_and_tiers,
    "Before / after": _before_after,
    "Tier 1 resolution": _tier1_resolution,
    "Bot first touch": _bot_first_touch,
}
#: The controls inside the tabs, whose values outlive a visit to another tab.
TAB_CONTROLS = (
    "rt_by",
    "rt_measure",
    "rt_ba_date",
    "rt_ba_cat",
    "rt_ba_window",
    "rt_target",
    "bot_names",
)


# Only the open tab runs (at 10 million tickets the seven tabs together take seconds); the
# open tab is in the URL (``/routing?rt_tab=Idle+tickets``), and the tabs' own controls keep
# their values while another tab is open.
widgets.keep_values(TAB_CONTROLS)
tabs = st.tabs(list(ROUTING_TABS), key="rt_tab", bind="query-params", on_change="rerun")
for tab, draw in zip(tabs, ROUTING_TABS.values(), strict=True):
    with tab:
        if tab.open:
            draw()

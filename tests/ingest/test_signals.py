"""Tests for lib.ingest.signals: the escalation signals an export holds when the default
rules mark nothing, each with its count and an example, and one step to a rule."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from lib.ingest import load_export, reapply_rules
from lib.ingest.rules import (
    STEP_TIER_LABEL,
    Rule,
    apply_rules,
    default_rules,
    escalation_signal,
)
from lib.ingest.signals import MAX_SHARE, accept_signal, suggest_signals

DATA = Path(__file__).resolve().parents[1] / "data"
GLPI = DATA / "signals_glpi_ptbr.csv"
EVENTS = DATA / "signals_eventlog.csv"
#: The event log's columns as a user maps them (the support level left unmapped, as a
#: detector that does not know the word would).
EVENT_MAPPING = {
    "ticket_id": "ticket",
    "created_at": "timestamp",
    "event_time": "timestamp",
    "status": "activity",
    "agent": "resource",
}


def _snapshot(path: Path | bytes, **kw) -> tuple[pl.DataFrame, list[Rule], dict[str, str]]:
    res = load_export(path, **kw)
    return res.tickets.join(res.extras, on="ticket_id", how="left"), res.rules, res.mapping


def test_glpi_escalonamento_groups_are_escalated_by_the_default_rules() -> None:
    frame, rules, mapping = _snapshot(GLPI)
    # Every 6th ticket from the 3rd goes to "Escalonamento - Infraestrutura" (10), every 10th
    # from the 8th to "Escalonamento - Sistemas" (6): Portuguese for escalation.
    assert int(frame.get_column("escalated").sum()) == 16
    marked = frame.filter(pl.col("escalated"))
    assert set(marked.get_column("escalation_reason").to_list()) == {"Group names a higher tier"}
    assert marked.get_column("ticket_id").sort().to_list()[0] == "3102"
    assert escalation_signal(frame, rules) is None
    found = suggest_signals(frame, rules, mapping=mapping)
    assert all(s.column != "raw:Atribuído - Grupo técnico" for s in found)


def test_glpi_group_is_the_first_signal_when_the_group_rule_is_off() -> None:
    frame, rules, mapping = _snapshot(GLPI)
    off = [Rule(**{**r.to_dict(), "enabled": r.id != "group_tier" and r.enabled}) for r in rules]
    frame, outcome = reapply_rules(frame, off, mapping=mapping)
    assert outcome.escalated == 0
    assert escalation_signal(frame, off) is not None
    top = suggest_signals(frame, off, mapping=mapping)[0]
    assert top.kind == "value"
    assert top.column == "raw:Atribuído - Grupo técnico"
    assert sorted(top.rule.value) == ["Escalonamento - Infraestrutura", "Escalonamento - Sistemas"]
    assert top.tickets == 16
    assert top.example == "3102"
    new_frame, outcome = reapply_rules(frame, accept_signal(off, top), mapping=mapping)
    assert outcome.escalated == 16
    assert escalation_signal(new_frame, accept_signal(off, top)) is None


def test_glpi_overdue_column_is_offered_as_an_sla_breach() -> None:
    frame, rules, mapping = _snapshot(GLPI)
    sla = [s for s in suggest_signals(frame, rules, mapping=mapping) if s.kind == "sla"]
    assert [(s.rule.value, s.tickets, s.example) for s in sla] == [(["Sim"], 7, "3104")]


def test_no_suggestion_for_first_line_groups_titles_or_dates() -> None:
    frame, rules, mapping = _snapshot(GLPI)
    columns = {s.column for s in suggest_signals(frame, rules, mapping=mapping)}
    # (the escalation groups are marked by the default rules already, see above)
    assert columns == {"raw:Tempo para resolver excedido"}


def test_event_log_level_left_unmapped_offers_the_last_level() -> None:
    frame, rules, mapping = _snapshot(EVENTS, mapping=EVENT_MAPPING)
    assert int(frame.get_column("escalated").sum()) == 0
    found = suggest_signals(frame, rules, mapping=mapping)
    level = next(s for s in found if s.column == "raw:level")
    # Every 5th ticket from C501 asks for an upgrade and moves to L2.
    assert (level.rule.value, level.tickets, level.example) == (["L2"], 6, "C501")


def test_event_log_tier_move_is_offered_when_no_rule_uses_it() -> None:
    frame, _, mapping = _snapshot(EVENTS, mapping={**EVENT_MAPPING, "level": "level"})
    found = suggest_signals(frame, [], mapping=mapping)
    assert found[0].kind == "tier_move"
    assert (found[0].tickets, found[0].example) == (6, "C501")
    # Switched on (the default when the level is mapped), it is not offered again.
    on = [Rule("level_move", "Moved", "level_move")]
    assert all(s.kind != "tier_move" for s in suggest_signals(frame, on, mapping=mapping))


def _frame(**cols: list) -> pl.DataFrame:
    n = len(next(iter(cols.values())))
    return pl.DataFrame({"ticket_id": [str(i) for i in range(n)], **cols})


def test_a_column_marking_all_or_no_ticket_is_never_suggested() -> None:
    n = 20
    frame = _frame(
        **{
            "raw:Escalated": ["Yes"] * n,  # every ticket: says nothing
            "raw:Tier": ["Tier 1"] * n,  # no ticket on a higher tier
            "raw:Escalation needed": ["No"] * n,  # a no-only flag
            # a link column saying "false" where filled is no link (not "filled in")
            "raw:Has linked bug": ["false", None] * (n // 2),
        }
    )
    assert suggest_signals(frame) == []
    almost = int(n * MAX_SHARE) + 1
    frame = _frame(**{"raw:Queue": ["Tier 2"] * almost + ["Tier 1"] * (n - almost)})
    assert suggest_signals(frame) == []


def test_statuses_tags_links_and_reassignments_in_many_languages() -> None:
    frame = _frame(
        **{
            "raw:Estado": ["Escalado", "Abierto", "No escalado", "Cerrado", "Abierto"],
            "raw:Sub-status": ["Waiting on engineering", "", "", "", ""],
            "raw:Linked issues": ["", "ENG-12", "", "", ""],
            "tags": [["vip"], [], ["tier2"], [], []],
            "reassignments": [0, 0, 1, 4, 0],
        }
    )
    got = {s.label: (s.tickets, s.example) for s in suggest_signals(frame, limit=20)}
    assert got == {
        'Estado is "Escalado"': (1, "0"),
        'Sub-status is "Waiting on engineering"': (1, "0"),
        'Tag contains "tier2"': (1, "2"),
        "Linked issues is filled in (a linked issue)": (1, "1"),
        "Reassigned 1 or more times": (2, "2"),
    }


def test_values_and_tags_that_deny_an_escalation_are_never_suggested() -> None:
    frame = _frame(
        **{
            "raw:Outcome": ["De-escalated", "Tier 2", "Solved", "Solved", "Solved"],
            "tags": [["not_escalated"], ["deescalation"], ["tier2"], [], ["sem_escalonamento"]],
        }
    )
    got = {s.label: s.tickets for s in suggest_signals(frame, limit=20)}
    assert got == {'Outcome is "Tier 2"': 1, 'Tag contains "tier2"': 1}


def test_ranking_puts_escalation_words_before_reassignments() -> None:
    frame = _frame(
        **{"raw:Escalated to L2": ["Sí", "No", "No", "No"], "reassignments": [0, 2, 1, 0]}
    )
    kinds = [s.kind for s in suggest_signals(frame)]
    assert kinds == ["flag", "reassigned"]


def test_signals_already_covered_by_an_active_rule_are_left_out() -> None:
    frame = _frame(group=["Tier 2", "Tier 1", "Tier 1"]).with_columns(
        tags=pl.lit([], pl.List(pl.String))
    )
    out = apply_rules(frame, default_rules(frame.columns))
    assert suggest_signals(out.frame, default_rules(frame.columns)) == []


@pytest.mark.parametrize("n_reassigned", [1, 3])
def test_accept_replaces_the_built_in_rule_of_the_same_id(n_reassigned: int) -> None:
    frame = _frame(reassignments=[0, 0, 0, 0, n_reassigned])
    rules = default_rules(frame.columns)
    sig = next(s for s in suggest_signals(frame, rules) if s.kind == "reassigned")
    new = accept_signal(rules, sig)
    assert [r.id for r in new] == [r.id for r in rules]
    assert next(r for r in new if r.id == "reassigned").enabled
    assert apply_rules(frame, new).escalated == 1


def test_import_warning_is_the_page_warning_with_the_same_threshold() -> None:
    rows = ["Id,Created at,Group"] + [f"{i},2024-03-01 10:00,Support" for i in range(60)]
    res = load_export("\n".join(rows).encode())
    page = escalation_signal(res.tickets, res.rules)
    assert page is not None and page.startswith("None of the 60 tickets is marked escalated")
    assert [w for w in res.report.warnings if "escalat" in w] == [page]
    # 1 escalated ticket of 300 (0.3%) is under the threshold: the import says so too.
    rows = ["Id,Created at,Group"] + [
        f"{i},2024-03-01 10:00,{'Tier 2' if i == 0 else 'Support'}" for i in range(300)
    ]
    res = load_export("\n".join(rows).encode())
    assert res.tickets.get_column("escalated").sum() == 1
    assert [w for w in res.report.warnings if "escalat" in w] == [
        escalation_signal(res.tickets, res.rules)
    ]


def test_import_warning_names_switched_off_rules_that_would_mark_tickets() -> None:
    rows = ["Id,Created at,Reassignments"] + [
        f"{i},2024-03-01 10:00,{5 if i < 4 else 0}" for i in range(40)
    ]
    res = load_export("\n".join(rows).encode())
    (warning,) = [w for w in res.report.warnings if "escalat" in w]
    assert "Switched off: “Reassigned 3 or more times” would mark 4." in warning


def test_a_move_away_from_the_first_group_is_offered() -> None:
    frame = _frame(
        group=["Service desk", "Network", "Service desk", None, "network "],
        first_group=["Service desk", "Service desk", "Service desk", "Service desk", "Network"],
    )
    (sig,) = suggest_signals(frame, default_rules(frame.columns))
    assert (sig.kind, sig.tickets, sig.example) == ("group_move", 1, "1")
    assert apply_rules(frame, accept_signal(default_rules(frame.columns), sig)).escalated == 1


@pytest.mark.parametrize(
    ("column", "values"),
    [
        ("raw:Customer tier", ["Tier 2", "Tier 1", "Tier 1", "Tier 1"]),  # a plan, not a level
        ("raw:SLA policy", ["Tier 2 SLA", "Standard", "Standard", "Standard"]),
        ("raw:Problem description", ["Printer jams", "", "", ""]),  # free text, not a link
        ("raw:Subject", ["Please escalate to L2", "Hello", "Invoice", "VPN"]),
    ],
)
def test_look_alike_columns_are_not_signals(column: str, values: list[str]) -> None:
    assert suggest_signals(_frame(**{column: values})) == []


def test_a_category_naming_a_team_ranks_below_a_broken_sla() -> None:
    # A real GLPI export: the category "Analysis and development" is a topic, not a tier.
    frame = _frame(
        **{
            "raw:Categoria": ["TI > Análise e Desenvolvimento", "TI > Rede", "TI > Rede", "TI"],
            "raw:Prazo excedido": ["Não", "Sim", "Não", "Não"],
        }
    )
    assert [s.kind for s in suggest_signals(frame)] == ["sla", "team"]


def test_an_event_log_step_that_asks_for_an_upgrade_escalates() -> None:
    # Without levels, the log's own "Require upgrade" step is its escalation (as in the 4TU
    # helpdesk log, whose readme names it so): the default step rule marks those tickets and
    # no suggestion offers the step again; the collapse keeps every step a ticket went through.
    mapping = {"ticket_id": "ticket", "event_time": "timestamp", "activity": "activity"}
    frame, rules, mapping = _snapshot(EVENTS, mapping=mapping)
    assert int(frame.get_column("escalated").sum()) == 6
    assert set(frame.filter(pl.col("escalated"))["escalation_reason"].to_list()) == {
        STEP_TIER_LABEL
    }
    assert frame.filter(pl.col("ticket_id") == "C501")["_steps"].to_list()[0][-1] == "Closed"
    found = suggest_signals(frame, rules, mapping=mapping)
    assert not [s for s in found if s.column == "_steps" and "upgrade" in s.label]


def test_an_event_log_step_that_hands_the_ticket_over_is_offered() -> None:
    # A hand-over is no escalation by itself: offered, not applied.
    mapping = {"ticket_id": "ticket", "event_time": "timestamp", "activity": "activity"}
    data = EVENTS.read_bytes().replace(b"Require upgrade", b"Hand over to vendor")
    frame, rules, mapping = _snapshot(data, mapping=mapping)
    assert int(frame.get_column("escalated").sum()) == 0
    step = next(s for s in suggest_signals(frame, rules, mapping=mapping) if s.column == "_steps")
    assert (step.kind, step.tickets, step.example) == ("value", 6, "C501")
    assert step.label == 'The ticket went through the step "Hand over to vendor"'
    _, outcome = reapply_rules(frame, accept_signal(rules, step), mapping=mapping)
    assert outcome.escalated == 6


def test_a_bare_upgrade_step_is_no_escalation() -> None:
    rows = ["ticket,timestamp,activity"]
    for i in range(12):
        rows += [f"T{i},2024-05-01 09:{i:02d},Open ticket", f"T{i},2024-05-01 10:{i:02d},Upgrade"]
        rows.append(f"T{i},2024-05-01 11:{i:02d},Closed")
    mapping = {"ticket_id": "ticket", "event_time": "timestamp", "activity": "activity"}
    frame, _, _ = _snapshot("\n".join(rows).encode(), mapping=mapping)
    assert int(frame.get_column("escalated").sum()) == 0


def test_a_priority_raised_after_creation_is_offered() -> None:
    rows = ["ticket,timestamp,priority"]
    for i in range(20):
        rows.append(f"T{i},2024-05-0{1 + i % 5} 09:00,Normal")
        raised = "Urgent" if i % 4 == 0 else "Low" if i % 4 == 1 else "Normal"
        rows.append(f"T{i},2024-05-0{1 + i % 5} 12:00,{raised}")
    mapping = {"ticket_id": "ticket", "event_time": "timestamp", "priority": "priority"}
    frame, rules, mapping = _snapshot("\n".join(rows).encode(), mapping=mapping)
    found = [s for s in suggest_signals(frame, rules, mapping=mapping)]
    raised = next(s for s in found if s.kind == "priority_raised")
    # raised on every 4th ticket; lowered ones (Normal -> Low) do not count
    assert (raised.tickets, raised.example) == (5, "T0")
    _, outcome = reapply_rules(frame, accept_signal(rules, raised), mapping=mapping)
    assert outcome.escalated == 5


def test_an_on_off_switch_named_for_escalation_is_no_flag() -> None:
    """ "Auto-escalation: On" is a setting, not a ticket that went up a level."""
    frame = _frame(**{"raw:Auto-escalation": ["On", "Off", "Off", "On", "Off"] * 4})
    assert [s for s in suggest_signals(frame) if s.column == "raw:Auto-escalation"] == []


def test_servicenow_escalation_levels_are_offered_without_normal() -> None:
    """ServiceNow's incident ``escalation`` (Normal, Moderate, High, Overdue) is neither a
    priority nor a yes/no flag: its levels above Normal are offered as a signal."""
    rows = ["number,opened_at,state,assignment_group,escalation"]
    levels = ["Normal", "High", "Overdue", "Normal", "Moderate", "Normal", "Normal", "Normal"]
    rows += [
        f"INC{i:04d},0{1 + i % 9}-02-2024 09:00:00,New,Service Desk,{level}"
        for i, level in enumerate(levels * 5)
    ]
    res = load_export("\n".join(rows).encode())
    assert "escalation" not in res.mapping.values()  # not the priority, not the flag
    found = suggest_signals(res.snapshot_frame(), res.rules)
    assert found, "the escalation levels should be offered"
    assert sorted(found[0].rule.value) == ["High", "Moderate", "Overdue"]
    assert found[0].tickets == 15


def test_an_urgency_scale_ranks_below_a_hand_over_and_meetings_are_no_signal() -> None:
    """ServiceNow's ``escalation`` (an SLA's alarm: Moderate, High, Overdue) is offered below
    a group that names a higher line; a sprint or a ticket name about an "Escalation Review"
    meeting is no signal at all."""
    rows = ["number,opened_at,state,assignment_group,escalation,Sprint,Ticket name"]
    levels = ["Normal", "High", "Overdue", "Normal", "Moderate", "Normal", "Normal", "Normal"]
    groups = ["Service Desk"] * 7 + ["Network L2"]
    sprints = ["Escalation Review Sprint", "Sprint 4"] * 4
    names = ["Prep for quarterly Escalation Review call", "Printer"] * 4
    rows += [
        f"INC{i:04d},0{1 + i % 9}-02-2024 09:00:00,New,{g},{lv},{sp},{nm}"
        for i, (lv, g, sp, nm) in enumerate(
            zip(levels * 5, groups * 5, sprints * 5, names * 5, strict=True)
        )
    ]
    res = load_export("\n".join(rows).encode())
    frame = res.snapshot_frame()
    frame = frame.with_columns(escalated=pl.lit(False))  # as if no rule had fired
    found = suggest_signals(frame, [])
    kinds = {s.column: s.kind for s in found}
    assert kinds.get("raw:escalation") == "sla"
    assert not any(c in kinds for c in ("raw:Sprint", "raw:Ticket name"))
    order = [s.column for s in found]
    assert order[0] == "raw:assignment_group"  # the hand-over to Network L2 first
    assert order.index("raw:escalation") > order.index("raw:assignment_group")


def test_the_event_log_fixture_loads_without_a_mapping() -> None:
    result = load_export(EVENTS)
    assert result.mapping["ticket_id"] == "ticket" and result.tickets.height == 30

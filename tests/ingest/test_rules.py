"""Tests for lib.ingest.rules: custom rules on exported values, value counts, and
escalation_signal (when pages say the rules hardly match)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from lib.ingest import load_export, reapply_rules
from lib.ingest.rules import (
    TAG_LABEL,
    Rule,
    apply_rules,
    custom_rule,
    default_rules,
    escalation_signal,
    names_escalation,
    tier_level,
    value_counts,
)

RULES = default_rules(["group"])


def _tickets(escalated: int, total: int) -> pl.DataFrame:
    return pl.DataFrame({"escalated": [True] * escalated + [False] * (total - escalated)})


def test_no_escalation_says_so_with_the_count_and_the_active_rules():
    text = escalation_signal(_tickets(0, 1200), RULES)
    assert text is not None
    assert text.startswith("None of the 1,200 tickets is marked escalated")
    assert f"({TAG_LABEL}; Group names a higher tier)" in text
    assert "Reassigned" not in text  # switched off, so not an active rule
    assert "Open Data → Escalation rules" in text
    assert "0.0%" not in text


def test_under_half_a_percent_gives_count_and_share():
    text = escalation_signal(_tickets(4, 1000), RULES)
    assert text is not None
    assert "Only 4 of 1,000 tickets (0.4%) are marked escalated" in text
    assert "Open Data → Escalation rules" in text


@pytest.mark.parametrize(("escalated", "total"), [(6, 1000), (5, 1000), (1, 2)])
def test_half_a_percent_or_more_says_nothing(escalated, total):
    assert escalation_signal(_tickets(escalated, total), RULES) is None


def test_empty_frame_says_nothing():
    assert escalation_signal(_tickets(0, 0), RULES) is None
    assert escalation_signal(pl.DataFrame(schema={"escalated": pl.Boolean}), RULES) is None


def test_tiny_share_is_not_rounded_to_zero():
    text = escalation_signal(_tickets(1, 20_000), RULES)
    assert text is not None and "(under 0.1%)" in text


def test_no_rule_switched_on_and_custom_rule_names():
    off = [Rule(**{**r.to_dict(), "enabled": False}) for r in RULES]
    text = escalation_signal(_tickets(0, 10), off)
    assert text is not None and "no escalation rule is switched on" in text
    custom = [custom_rule("raw:Queue", "equals", "Escalations")]
    text = escalation_signal(_tickets(0, 10), custom)
    assert text is not None and '(Queue equals "Escalations")' in text


WAITING = "Waiting on Third Party"


def _waiting_export(tmp_path) -> Path:
    """20 tickets, 8 of them with the vendor status "Waiting on Third Party" (normalised)."""
    rows = ["Id,Created at,Subject,Status,Group,Tags"]
    for i in range(20):
        status = WAITING if i < 8 else ("Open" if i % 2 else "Solved")
        tags = "vip billing" if i % 5 == 0 else "billing"
        rows.append(f"{i + 1},2024-03-0{1 + i % 5} 10:00,Printer,{status},Tier 1,{tags}")
    path = tmp_path / "waiting.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


@pytest.mark.parametrize(
    "value", [WAITING, "  waiting on third party ", "WAITING ON THIRD PARTY", "on_hold"]
)
def test_custom_rule_on_a_normalised_status_matches_the_exported_value(tmp_path, value):
    rule = custom_rule("status", "equals", value)
    res = load_export(_waiting_export(tmp_path), rules=[rule])
    # the normaliser turned the vendor's words into a canonical status
    assert WAITING not in res.tickets.get_column("status").to_list()
    assert res.report.rule_counts[rule.id] == 8
    assert int(res.tickets.get_column("escalated").sum()) == 8
    snapshot = res.tickets.join(res.extras, on="ticket_id")
    _, outcome = reapply_rules(snapshot, [rule], mapping=res.mapping)
    assert outcome.counts[rule.id] == 8
    assert "(as exported or normalised)" in rule.label


def test_is_in_and_contains_ignore_case_and_spaces_on_export_values(tmp_path):
    res = load_export(_waiting_export(tmp_path))
    snapshot = res.tickets.join(res.extras, on="ticket_id")
    rules = [
        custom_rule("status", "is in", [" waiting on third party", "OPEN "]),
        custom_rule("raw:Status", "contains", " third "),
        custom_rule("tags", "equals", "VIP"),  # a list column: any tag equal
    ]
    _, outcome = reapply_rules(snapshot, rules, mapping=res.mapping)
    assert [outcome.counts[r.id] for r in rules] == [8 + 6, 8, 4]


def test_value_counts_list_the_exported_values_with_ticket_counts(tmp_path):
    res = load_export(_waiting_export(tmp_path))
    snapshot = res.tickets.join(res.extras, on="ticket_id")
    assert value_counts(snapshot, "status", sources=res.mapping) == [
        (WAITING, 8),
        ("Open", 6),
        ("Solved", 6),
    ]
    # without the mapping: the canonical values
    assert value_counts(snapshot, "status")[0] == ("on_hold", 8)
    assert value_counts(snapshot, "tags") == [("billing", 20), ("vip", 4)]
    assert value_counts(snapshot, "status", sources=res.mapping, limit=1) == [(WAITING, 8)]
    assert value_counts(snapshot, "no such column") == []


def test_is_in_needs_a_value():
    with pytest.raises(ValueError, match="at least one value"):
        custom_rule("status", "is in", [" ", ""])


@pytest.mark.parametrize(
    ("tag", "escalated"),
    [
        ("escalated", True),
        ("escalado", True),  # Spanish
        ("escalade_n2", True),  # French
        ("escalonado", True),  # Portuguese
        ("eskaliert", True),  # German
        ("eskalacja", True),  # Polish
        ("escalamiento", True),  # Latin American Spanish
        ("tier2_escalated", True),
        ("autoescalado", False),  # autoscaling (Spanish), not an escalation
        ("autoescalonamento", False),
        ("deeskalation", False),  # de-escalation (German)
        ("escala_salarial", False),  # "scale", not an escalation
        ("not_escalated", False),  # an escalation denied, in every language
        ("no escalation", False),
        ("non-escalated", False),
        ("never_escalated", False),
        ("de-escalated", False),
        ("deescalation", False),
        ("de_escalation", False),
        ("unescalated", False),
        ("de-eskalation", False),
        ("nicht_eskaliert", False),
        ("sem_escalonamento", False),
        ("não escalonado", False),
        ("sin escalado", False),
        ("pas d'escalade", False),
        ("pas_d_escalade", False),
        ("ohne_eskalation", False),
        ("aucune_escalade", False),
        ("nessuna_escalation", False),
        ("bez_eskalacji", False),
        ("dont_escalate", False),
        ("escalated_no", False),  # a drop-down field's tag: the answer after the name
        ("escalation_false", False),
        ("escalonado_nao", False),
        ("escalation_not_required", False),
        ("escalation_risk", False),  # a risk, a refusal or an avoided one: no escalation
        ("at_risk_of_escalation", False),
        ("potential_escalation", False),
        ("avoided_escalation", False),
        ("riesgo_de_escalamiento", False),
        ("escalation_request_denied", False),
        ("escalation_rejected_by_l2", False),
        ("escalado_rechazado", False),
        ("escalation_cancelled", False),
        ("posible_escalamiento", False),
        ("escalatie_afgewezen", False),
        ("escalation_requested", True),
        ("escalated_high_risk", True),
        ("high_risk_escalation", True),  # the topic, not a risk of escalating
        ("avoidable_escalation", True),  # a review tag on an escalated ticket
        ("fraud_prevention_escalation", True),
        ("escalated_access_denied", True),  # a ticket about access, escalated
        ("escalated_risk_team", True),
        ("solicitud_de_escalamiento", True),  # "de" is "of" here: an escalation request
        ("tipo_de_escalation", True),
        ("keine_antwort_eskaliert", True),  # "no answer, so escalated"
        ("escalation_yes", True),
        ("pedido de escalonamento", True),
        ("node_escalation", True),
        ("escalated_to_noc", True),
        ("scale", False),
        ("vip", False),
        ("escalar_tecnico", False),  # Brazilian Portuguese: to roster a technician
        ("ore_scalate", False),  # Italian: hours deducted from a prepaid package
        ("reescalado", True),  # escalated again
        ("re-escalonado", True),
        ("geëscaleerd", True),  # Dutch
        ("geescaleerd", True),
        ("escaleren_naar_l2", True),
        ("escalation_high", True),  # ServiceNow's escalation levels above "Normal"
        ("escalera", False),  # "stairs" (Spanish), not an escalation
        ("escalabilidad", False),
        ("autoscalato", False),
        ("sin_escalar", False),
        ("no_reescalado", False),
        ("non_scalato", False),
        ("senza_scalata", False),
        ("niet_geëscaleerd", False),
        ("not_to_be_escalated", False),
        ("not_yet_escalated", False),
        ("has_not_been_escalated", False),
        ("wasnotescalated", False),  # a run-together "WasNotEscalated"
        ("escalation_normal", False),  # ServiceNow's lowest escalation: none
        ("eskalationsrisiko", False),
        ("escalationrisk", False),
        ("no_reply_escalated", True),  # "no reply, so escalated"
        ("not_resolved_escalated", True),
    ],
)
def test_the_default_tag_rule_reads_escalation_in_the_export_languages(
    tag: str, escalated: bool
) -> None:
    t = pl.DataFrame({"ticket_id": ["1"], "tags": [[tag]]})
    out = apply_rules(t, default_rules(t.columns))
    assert out.frame.get_column("escalated").to_list() == [escalated]
    assert out.counts["tag"] == int(escalated)
    # the bot's note and the signals read tags with Python's regular expressions: the same
    assert names_escalation(tag) == escalated


def test_a_tag_rule_stored_before_patterns_leaves_denied_escalations_out() -> None:
    t = pl.DataFrame(
        {"ticket_id": ["1", "2", "3"], "tags": [["escalated"], ["not_escalated"], ["x"]]}
    )
    stored = Rule("tag", "Tag contains escalat", "tag", value="escalat")
    assert apply_rules(t, [stored]).frame.get_column("escalated").to_list() == [True, False, False]
    # the default rule stored with an older pattern, too
    older = Rule("tag", "Tag says escalated", "tag", op="matches", value="escalat|escalad")
    assert apply_rules(t, [older]).frame.get_column("escalated").to_list() == [True, False, False]
    # a signal's word that names an escalation leaves the denied ones out, as the default does
    signal = Rule("tag_escalated", 'Tag contains "escalated"', "tag", value="escalated")
    assert apply_rules(t, [signal]).frame.get_column("escalated").to_list() == [True, False, False]
    # a word the user chose is taken as it is
    chosen = Rule("tag_x", 'Tag contains "not_escalated"', "tag", value="not_escalated")
    assert apply_rules(t, [chosen]).frame.get_column("escalated").to_list() == [False, True, False]


@pytest.mark.parametrize(
    ("group", "higher"),
    [
        ("Escalonamento - Sistemas", True),  # GLPI, Portuguese
        ("Escalado a desarrollo", True),
        ("Segundo nível", True),
        ("segunda línea", True),
        ("Zweite Ebene", True),
        ("Deuxième niveau", True),
        ("Secondo livello", True),
        ("Nivel 2", True),
        ("Niveau 3", True),
        ("Linha 2", True),
        ("Line 2", True),
        ("2e ligne", True),
        ("Deuxième ligne", True),
        ("2º nível", True),
        ("2do nivel", True),
        ("Tweede lijn", True),
        ("2. Level", True),
        ("Zweiter Level", True),
        ("SupportEscalations", True),
        ("Autoescalado", False),
        ("Deeskalation", False),
        ("1er niveau", False),
        ("Primeira linha", False),
        ("Primer nivel", False),
        ("Nivel 1", False),
        ("Suporte", False),
        ("Escala de turnos", False),
        ("Non-escalated incidents", False),  # a name that denies an escalation
        ("No escalation", False),
        ("Sem escalonamento", False),
        ("Tier 2 - not escalated", True),  # but names a higher tier
        ("Fraud Prevention Escalations", True),
        ("Escalations - Risk", True),
        ("Escalations - Access Denied", True),
        ("Escalation risk watch", False),
        ("Reescalados N2", True),
        ("Geëscaleerde meldingen", True),
        ("Escaleras y ascensores", False),  # stairs and lifts: facilities, not a tier
    ],
)
def test_the_default_group_rule_reads_higher_tiers_in_the_export_languages(
    group: str, higher: bool
) -> None:
    t = pl.DataFrame({"ticket_id": ["1"], "group": [group]})
    out = apply_rules(t, default_rules(t.columns))
    assert out.frame.get_column("escalated").to_list() == [higher]
    # an event log's level read from the same name: above the first line exactly when higher
    level = pl.select(tier_level(pl.lit(group))).item()
    assert (level is not None and level >= 2) == higher


def test_a_stored_tag_rule_with_one_word_still_matches_only_that_word() -> None:
    """Rule sets saved before the default read several languages keep their single word."""
    t = pl.DataFrame({"ticket_id": ["1", "2"], "tags": [["escalated"], ["escalado"]]})
    old = [Rule("tag", 'Tag contains "escalat"', "tag", value="escalat")]
    assert apply_rules(t, old).frame.get_column("escalated").to_list() == [True, False]


def test_a_status_that_names_an_escalation_counts_by_default(tmp_path) -> None:
    """Jira Service Management's and Salesforce's "Escalated" status, read from the export's
    own value (the normalised status says open); "Not escalated" does not count."""
    from lib.ingest import load_export

    rows = ["Case Number,Status,Date/Time Opened,Case Owner"]
    statuses = ["Escalated", "Working", "New", "Closed", "Not escalated", "Tier 2 review"]
    # a request, a review or a prevention is no escalation yet; a level refused is none
    statuses += ["Pending Escalation", "Awaiting escalation approval", "Escalation Prevention"]
    statuses += ["L2 declined", "Closed - no L2 needed", "In Escalation", "Eskalerad"]
    # a reply awaited or a product return is no move back down; a return from L2 is
    statuses += ["Escaladé - en attente de retour", "Escalated - Returns", "Returned from L2"]
    statuses += ["Retour du N2", "Devuelto por N2"]  # back from the second level: none
    rows += [f"{1000 + i},{s},1/{1 + i}/2024 9:15 AM,Ana" for i, s in enumerate(statuses)]
    res = load_export("\n".join(rows).encode())
    assert res.report.rule_counts["status_tier"] == 6
    marked = res.tickets.filter(pl.col("escalated")).get_column("ticket_id").to_list()
    assert sorted(marked) == ["1000", "1005", "1011", "1012", "1013", "1014"]

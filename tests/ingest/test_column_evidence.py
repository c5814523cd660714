"""Column choice that reads the values: the traps of real exports, rebuilt with invented rows.

Fixtures (tests/data/cols_*.csv, see tests/data/README.md): a wide Spanish Jira-like export
whose best-named date columns are empty custom fields, a GLPI-like export with an SLA due
column next to the real solve column, and a process-mining event log whose person column is
named like a source.
"""

from __future__ import annotations

import polars as pl
import pytest

from lib.ingest import load_export
from lib.ingest.columns import match_columns
from lib.ingest.inspection import inspect_sources
from lib.ingest.value_profile import _profile, _vocab
from tests.conftest import DATA

JIRA = DATA / "cols_jira_es_wide.csv"
GLPI = DATA / "cols_glpi_pt_sla.csv"
EVENTS = DATA / "cols_eventlog_person.csv"


def _read(path, **kw) -> pl.DataFrame:
    return pl.read_csv(path, infer_schema=False, **kw)


def _filled(frame: pl.DataFrame, column: str) -> bool:
    s = frame.get_column(column).drop_nulls().str.strip_chars()
    return bool((s != "").any())


def test_wide_export_takes_the_filled_created_column_over_empty_custom_dates():
    insp = inspect_sources(JIRA)
    frame = insp.tables[0].frame
    assert insp.mapping["created_at"] == "Creada"
    # no empty column is proposed for any field, however well it is named
    assert all(_filled(frame, c) for c in insp.mapping.values()), insp.mapping
    # a date column filled on one row of fourteen is not a solve time, nor is a due date
    assert insp.mapping.get("solved_at") not in ("Vista por Última Vez", "Fecha de vencimiento")
    # and the file loads: every row has its creation time
    result = load_export(JIRA)
    assert result.tickets.height == 14
    assert result.tickets.get_column("created_at").null_count() == 0


def test_empty_column_reason_names_it():
    m = match_columns(_read(JIRA))
    alts = [c.column for c in m["created_at"].alternatives]
    assert alts and "Campo personalizado (Delivery Date)" not in alts
    assert "Campo personalizado (Delivery Date)" in m["created_at"].empty


def test_sla_due_column_is_not_the_solve_time():
    insp = inspect_sources(GLPI)
    assert insp.mapping["created_at"] == "Data de abertura"
    assert insp.mapping["solved_at"] == "Data de solução"


def test_sla_due_column_alone_is_left_unmapped():
    frame = _read(GLPI, separator=";").drop("Data de solução")
    m = match_columns(frame)
    assert m["solved_at"].column is None
    assert m["created_at"].column == "Data de abertura"


def _stamps(opened: str, a: str, b: str, *, last_update: bool) -> pl.DataFrame:
    """Eight tickets, two unnamed date columns with gaps (A more often empty than B).

    Dates are ``2024-MM-DD`` prefixes plus a day offset from the row: ``"03+1"`` is
    March, row + 1.
    """

    def day(spec: str, i: int) -> str:
        month, offset = spec.split("+")
        return f"2024-{month}-{i + int(offset):02d} 10:00"

    cols = {"Key": [f"K-{i}" for i in range(8)], "Opened": [day(opened, i) for i in range(8)]}
    if last_update:
        cols["Last update"] = [day("03+2", i) for i in range(8)]
    cols["Stamp A"] = [day(a, i) if i % 3 else None for i in range(8)]
    cols["Stamp B"] = [day(b, i) if i % 4 else None for i in range(8)]
    return pl.DataFrame(cols)


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        # A comes after the last update on most rows: a deadline, not a solve time
        (_stamps("03+1", "03+9", "03+2", last_update=True), "after the last update"),
        # A comes before the creation time
        (_stamps("03+10", "02+1", "03+11", last_update=False), "before the created date"),
    ],
    ids=["after-last-update", "before-created"],
)
def test_solve_candidate_out_of_order_loses(frame: pl.DataFrame, reason: str):
    # nothing in the names tells which stamp is the solve time: the values do
    m = match_columns(frame)
    assert m["created_at"].column == "Opened"
    assert m["solved_at"].column == "Stamp B"
    a = next(c for c in m["solved_at"].alternatives if c.column == "Stamp A")
    assert reason in a.why


def test_person_column_named_like_a_source_is_not_the_channel():
    insp = inspect_sources(EVENTS)
    assert insp.mapping.get("channel") is None, insp.mapping
    assert insp.mapping["agent"] == "org:resource"
    assert "Resource" in insp.matches["channel"].ruled_out


def test_person_names_under_a_channel_name_are_not_channels(tmp_path):
    names = ["Ana Beltrán", "Rui Matos", "Bia Lacerda", "Caio Nunes", "Tomás Ibarra", "Sara Villa"]
    path = tmp_path / "people_as_channel.csv"
    pl.DataFrame(
        {
            "Id": [str(i) for i in range(12)],
            "Created": [f"2024-01-{i + 1:02d}" for i in range(12)],
            "Channel": [names[i % 6] for i in range(12)],
        }
    ).write_csv(path)
    insp = inspect_sources(path)
    assert insp.mapping.get("channel") is None, insp.mapping
    assert "people's names" in insp.matches["channel"].alternatives[0].why


def test_a_duration_is_not_a_priority():
    frame = pl.DataFrame(
        {
            "Id": [str(i) for i in range(12)],
            "Created": [f"2024-01-{i + 1:02d}" for i in range(12)],
            "Priority": ["4:00", "8:00", "24:00", "4:00"] * 3,
        }
    )
    m = match_columns(frame)
    assert m["priority"].column is None


def test_close_candidates_come_with_evidence_and_reason():
    from lib.ingest.column_evidence import close_call, close_call_note, why_won

    frame = pl.DataFrame(
        {
            "Id": [str(i) for i in range(10)],
            "Created": [f"2024-01-{i + 1:02d} 08:00" for i in range(10)],
            "Creation date": [f"2024-01-{i + 1:02d}" if i < 4 else None for i in range(10)],
        }
    )
    m = match_columns(frame)["created_at"]
    assert m.column == "Created"
    pair = close_call(m)
    assert pair is not None
    a, b = pair
    assert (a.column, b.column) == ("Created", "Creation date")
    assert (a.fill, b.fill) == (1.0, 0.4)
    assert a.parsed == 1.0 and a.parsed_as == "dates" and a.example == "2024-01-01 08:00"
    assert why_won(a, b) == "'Created' is filled on 100% of rows against 40%"
    note = close_call_note(m)
    assert note is not None and "Pick 'Creation date'" in note


def test_clear_winner_is_not_a_close_call():
    from lib.ingest.column_evidence import close_call

    m = match_columns(_read(GLPI, separator=";"))
    assert close_call(m["created_at"]) is None


def test_profile_records_people_and_an_example():
    p = _profile(pl.Series(["Ana Beltrán", "Rui Matos", "", "ops-bot"]), _vocab(None))
    assert (p.n, p.example) == (3, "Ana Beltrán")
    assert round(p.person, 2) == 0.67


def test_glpi_english_technician_group_is_the_group() -> None:
    """GLPI 10 in English names the group column "Assigned to - Technician group"."""
    rows = [
        '"ID";"Title";"Status";"Opening date";"Last update";"Assigned to - Technician";'
        '"Assigned to - Technician group";"Priority";"Requester"',
        '"1001";"VPN down";"Processing (assigned)";"2025-03-05 14:10";"2025-03-06 09:00";'
        '"ana";"Level 2 - Network";"High";"Bob"',
        '"1002";"Printer";"Closed";"2025-03-06 09:00";"2025-03-06 10:00";"joe";'
        '"Service Desk";"Medium";"Cy"',
    ]
    res = load_export("\n".join(rows).encode())
    assert res.vendor == "glpi"
    assert res.mapping["group"] == "Assigned to - Technician group"
    assert res.tickets.sort("ticket_id").get_column("escalated").to_list() == [True, False]

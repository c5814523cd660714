"""Day/month order of a whole file: decided from its values (any date column), a preset only
prefers, the user's choice settles it, and an undecided file says so plainly."""

from __future__ import annotations

from datetime import UTC, datetime

from lib.ingest import load_export
from tests.conftest import DATA

US_JIRA = DATA / "jira_us_dates.csv"


def _created(res) -> list[datetime]:
    return res.tickets.sort("ticket_id").get_column("created_at").to_list()


def test_ambiguous_us_jira_export_is_flagged_not_silently_guessed():
    res = load_export(US_JIRA)
    assert res.vendor == "jira"
    # the Jira preset prefers day first, but AM/PM after slashed dates is the United States'
    # order: 01/10/2023 is read as 10 January ...
    assert _created(res)[0] == datetime(2023, 1, 10, 9, 15, tzinfo=UTC)
    # ... and the report says the file could not tell, why, and where to change it
    text = " ".join(res.report.warnings)
    assert "dates like 01/10/2023 9:15 AM could be 1 October or 10 January" in text
    assert "read as month first because column 'Created' writes times with AM or PM" in text
    assert "change it on the mapping screen" in text


def test_a_preset_that_prefers_day_first_yields_to_am_pm_dates():
    """A ServiceNow instance set up in the United States ("11/3/2019 10:47 PM"), every day of
    the slice at most 12: month first, though the vendor's usual log is day first."""
    head = "number,incident_state,sys_mod_count,opened_at,sys_updated_at,assignment_group,"
    head += "reassignment_count,reopen_count,made_sla,caller_id,contact_type"
    rows = [head]
    for i, (opened, updated) in enumerate(
        [("11/3/2019 10:47 PM", "11/4/2019 12:46 AM"), ("11/5/2019 9:05 AM", "11/5/2019 11:30 AM")]
    ):
        rows.append(f"INC00{i},New,0,{opened},{opened},Helpdesk,0,0,TRUE,Caller {i},Phone")
        rows.append(f"INC00{i},Active,1,{opened},{updated},Helpdesk,0,0,TRUE,Caller {i},Phone")
    res = load_export("\n".join(rows).encode())
    assert res.vendor == "servicenow"
    assert _created(res) == [
        datetime(2019, 11, 3, 22, 47, tzinfo=UTC),
        datetime(2019, 11, 5, 9, 5, tzinfo=UTC),
    ]


def test_the_users_choice_reaches_the_loader_and_silences_the_warning():
    res = load_export(US_JIRA, dayfirst=False)
    assert _created(res) == [
        datetime(2023, 1, 10, 9, 15, tzinfo=UTC),
        datetime(2023, 2, 3, 10, 2, tzinfo=UTC),
        datetime(2023, 3, 7, 16, 55, tzinfo=UTC),
        datetime(2023, 4, 12, 13, 5, tzinfo=UTC),
    ]
    assert not any("could be" in w for w in res.report.warnings)
    details = [p["detail"] for p in res.report.parse if p["canonical"] == "created_at"]
    assert "because you chose month first on the mapping screen" in details[0]


def test_another_date_column_decides_for_the_ambiguous_ones():
    text = US_JIRA.read_text(encoding="utf-8").replace(
        "03/09/2023 11:20 AM,03/09/2023 11:20 AM", "03/09/2023 11:20 AM,03/29/2023 11:20 AM"
    )
    res = load_export(text.encode())
    assert _created(res)[0] == datetime(2023, 1, 10, 9, 15, tzinfo=UTC)  # 10 January
    assert not any("could be" in w for w in res.report.warnings)
    details = [p["detail"] for p in res.report.parse if p["canonical"] == "created_at"]
    assert "column 'Resolved' of the same file has 03/29/2023 11:20 AM" in details[0]


def test_a_choice_never_forces_values_that_fit_one_order_only():
    text = US_JIRA.read_text(encoding="utf-8").replace("01/10/2023 9:15 AM", "13/10/2023 9:15 AM")
    res = load_export(text.encode(), dayfirst=False)
    created = res.tickets.sort("ticket_id").get_column("created_at").to_list()
    assert created[0] == datetime(2023, 10, 13, 9, 15, tzinfo=UTC)


def test_the_quoted_example_is_clipped():
    long_tail = "01/10/2023 09:00 " + "[click](http://evil.example) " * 5
    csv = f"id,created\n1,{long_tail}\n2,02/11/2023 10:00\n".encode()
    res = load_export(csv)
    text = " ".join(res.report.warnings)
    assert "dates like 01/10/2023 09:00 [click](http:/… could be" in text
    assert "evil.example) [click]" not in text


def test_slashed_dates_with_am_pm_are_read_month_first_when_nothing_decides():
    """Salesforce and HubSpot write "1/2/2024 9:05 AM" in the United States' order; no value of
    this file proves either order, and no preset prefers one."""
    rows = ["Case Number,Subject,Opened Date"]
    rows += [f"{100 + i},Login,{1 + i}/{2 + i}/2024 9:05 AM" for i in range(5)]
    res = load_export("\n".join(rows).encode())
    assert _created(res)[0] == datetime(2024, 1, 2, 9, 5, tzinfo=UTC)
    text = " ".join(res.report.warnings)
    assert "read as month first because column 'Opened Date' writes times with AM or PM" in text
    # Latin America writes "p. m." after day-first dates: day first stays the default
    rows = ["Caso,Asunto,Fecha"]
    rows += [f"{100 + i},x,{1 + i}/{2 + i}/2024 4:51 p. m." for i in range(5)]
    latin = load_export("\n".join(rows).encode())
    assert _created(latin)[0] == datetime(2024, 2, 1, 16, 51, tzinfo=UTC)
    # Australia writes "1/03/2024 9:05 AM": a padded month after an unpadded day
    rows = ["Case,Subject,Opened"] + [f"{100 + i},x,{1 + i}/03/2024 9:05 AM" for i in range(5)]
    assert _created(load_export("\n".join(rows).encode()))[0] == datetime(
        2024, 3, 1, 9, 5, tzinfo=UTC
    )


def test_time_stamps_in_columns_named_like_times_are_read():
    """Epoch seconds or milliseconds (API exports) and Excel's serial days (a sheet saved as
    CSV) in the solve column give solve times; a number column named otherwise stays out."""
    epoch = ["id,created_at,solved_at,status,replies"]
    epoch += [
        "1,1722830000,1722900000,closed,3",
        "2,1722840000,,open,1",
        "3,1722850000,1722950000,closed,2",
    ]
    res = load_export("\n".join(epoch).encode())
    assert res.mapping["solved_at"] == "solved_at"
    t = res.tickets.sort("ticket_id")
    assert t.get_column("solved_at").to_list()[0] == datetime(2024, 8, 5, 23, 20, tzinfo=UTC)
    ms = [line.replace("000,", "000000,") for line in epoch]
    assert load_export("\n".join(ms).encode()).tickets.sort("ticket_id").get_column(
        "solved_at"
    ).to_list()[0] == datetime(2024, 8, 5, 23, 20, tzinfo=UTC)
    serial = ["Ticket,Opened,Closed,Status", "A,45541.5,45542.25,Closed", "B,45543.75,,Open"]
    serial += [f"C{i},45544.5,45545.5,Closed" for i in range(3)]
    res = load_export("\n".join(serial).encode())
    t = res.tickets.sort("ticket_id")
    assert t.get_column("created_at").to_list()[:2] == [
        datetime(2024, 9, 6, 12, tzinfo=UTC),  # day 45541 after 1899-12-30, as Excel counts
        datetime(2024, 9, 8, 18, tzinfo=UTC),
    ]
    assert t.get_column("solved_at").to_list()[0] == datetime(2024, 9, 7, 6, tzinfo=UTC)


def test_a_duration_named_like_a_time_is_no_date():
    """Whole seconds in Excel's serial range (28800 s = 8 h) are a duration, not 1978."""
    rows = ["Ticket ID,Created,Status,Resolution Time"]
    rows += [f"{100 + i},2024-03-0{1 + i} 09:00,Solved,{28800 + 7200 * i}" for i in range(6)]
    res = load_export("\n".join(rows).encode())
    assert "Resolution Time" not in {res.mapping.get(k) for k in ("solved_at", "resolved_at")}
    # whole serial days in a column named a date are dates (a sheet of dates saved as CSV)
    rows = ["Ticket ID,Created,Status,Closed Date"]
    rows += [f"{100 + i},2024-03-0{1 + i} 09:00,Closed,{45353 + i}" for i in range(6)]
    res = load_export("\n".join(rows).encode())
    assert res.tickets.sort("ticket_id").get_column("solved_at").to_list()[0] == datetime(
        2024, 3, 2, tzinfo=UTC
    )


def test_a_date_column_takes_its_time_of_day_from_the_time_column_beside_it():
    """A call centre's "Date" and "Time" (or an in-house tool's "Created Date" and "Created
    Time"): the created time is both together, not midnight; "Time" is no response time."""
    rows = ["Call Id,Agent,Date,Time,Topic", "ID1,Greg,1/22/2021,13:17:02,Streaming"]
    rows += ["ID2,Dan,1/25/2021,9:05 PM,Admin", "ID3,Jim,3/11/2021,,Streaming"]
    res = load_export("\n".join(rows).encode())
    got = res.tickets.sort("ticket_id").get_column("created_at").to_list()
    assert got == [
        datetime(2021, 1, 22, 13, 17, 2, tzinfo=UTC),
        datetime(2021, 1, 25, 21, 5, tzinfo=UTC),
        datetime(2021, 3, 11, tzinfo=UTC),
    ]
    assert "first_response_minutes" not in res.mapping
    derived = [d for d in res.report.derived if d["field"] == "created_at"]
    assert derived and derived[0]["rows"] == 2 and "'Time'" in derived[0]["detail"]
    # a date column that has its own times keeps them
    rows = ["Id,Created Date,Created Time", "1,2024-03-01 10:00,08:00", "2,2024-03-02 11:30,09:00"]
    got = load_export("\n".join(rows).encode()).tickets.sort("ticket_id")["created_at"].to_list()
    assert got == [datetime(2024, 3, 1, 10, tzinfo=UTC), datetime(2024, 3, 2, 11, 30, tzinfo=UTC)]


def test_the_time_column_is_added_on_the_business_clock():
    """Dates read in New York (midnight there is 04:00 or 05:00 UTC) take their time of day
    on New York's wall clock, across the change to summer time; "Closed Time" beside "Closed
    Date" is a clock too, not a response time; Excel's time cells ("1899-12-30 09:12:00")."""
    rows = ["Call ID,Created Date,Created Time,Closed Date,Closed Time"]
    rows += [
        "K1,2024-03-08,08:15,2024-03-09,09:00",
        "K2,2024-03-11,01:30,2024-03-11,1899-12-30 04:10:00",
    ]
    res = load_export("\n".join(rows).encode(), tz="America/New_York")
    t = res.tickets.sort("ticket_id")
    assert t.get_column("created_at").to_list() == [
        datetime(2024, 3, 8, 13, 15, tzinfo=UTC),  # EST, UTC-5
        datetime(2024, 3, 11, 5, 30, tzinfo=UTC),  # EDT, UTC-4
    ]
    assert t.get_column("solved_at").to_list() == [
        datetime(2024, 3, 9, 14, 0, tzinfo=UTC),
        datetime(2024, 3, 11, 8, 10, tzinfo=UTC),
    ]
    assert "first_response_minutes" not in res.mapping


def test_the_number_that_changes_is_the_day_when_nothing_else_decides():
    """An export of a few days (every value fits both orders): the day is the number that
    takes many values, the month one. Australia's "05/03/2024 9:05 AM" is then 5 March, not
    3 May, though AM/PM alone would say month first; the warning still asks the user."""
    days = ["01", "03", "05", "07", "09", "11", "12"]
    rows = ["Case,Subject,Opened"] + [f"{i},x,{d}/03/2024 9:05 AM" for i, d in enumerate(days)]
    res = load_export("\n".join(rows).encode())
    assert sorted(_created(res)) == [datetime(2024, 3, int(d), 9, 5, tzinfo=UTC) for d in days]
    text = " ".join(res.report.warnings)
    assert "read as day first because the first number takes 7 values and the other 1" in text
    assert "change it on the mapping screen" in text
    # the same days written month first
    rows = ["Case,Subject,Opened"] + [f"{i},x,03/{d}/2024 9:05 AM" for i, d in enumerate(days)]
    us = load_export("\n".join(rows).encode())
    assert sorted(_created(us)) == [datetime(2024, 3, int(d), 9, 5, tzinfo=UTC) for d in days]
    # two readings equally plausible: AM/PM decides as before (tested above)

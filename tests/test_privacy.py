"""Pseudonymisation: stable pseudonyms, masked free text, analytics unchanged."""

from __future__ import annotations

import polars as pl
import pytest

from lib.demo import demo_tickets
from lib.privacy import mask_report, mask_text, person_columns, pseudonym, pseudonymise


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("reach me at ann.lee+vip@example.co.uk", "reach me at [email]"),
        ("call +1 (415) 555-0100 today", "call [phone] today"),
        ("Order 12345 is late", "Order 12345 is late"),  # short numbers are not phones
        ("two: a@b.io, c@d.org", "two: [email], [email]"),
        ("no personal data", "no personal data"),
    ],
)
def test_mask_text(text: str, expected: str) -> None:
    assert pl.select(mask_text(pl.lit(text))).item() == expected


def test_pseudonyms_are_stable_keyed_and_distinct() -> None:
    assert pseudonym("Acme", key=b"a") == pseudonym("ACME", key=b"a")
    assert pseudonym("Acme", key=b"a") != pseudonym("Acme", key=b"b")
    assert pseudonym("Acme", key=b"a") != pseudonym("Globex", key=b"a")


def test_person_columns_by_name() -> None:
    cols = ["raw:Requester", "raw:Caller", "raw:Group", "raw:From Email", "raw:Company Name"]
    assert person_columns(cols) == [
        "raw:Requester",
        "raw:Caller",
        "raw:From Email",
        "raw:Company Name",
    ]


def test_analytics_unchanged_on_pseudonyms() -> None:
    t = demo_tickets(seed=5, days=60, tickets_per_day=20)
    p = pseudonymise(t, key=b"secret")
    assert p.height == t.height
    assert p.get_column("customer").n_unique() == t.get_column("customer").n_unique()
    assert not p.get_column("customer").is_in(t.get_column("customer").unique().to_list()).any()
    for col in ("escalated", "category", "agent", "created_at", "channel"):
        assert p.get_column(col).equals(t.get_column(col))
    by_cust = t.group_by("customer").len().get_column("len").sort()
    by_pseud = p.group_by("customer").len().get_column("len").sort()
    assert by_cust.equals(by_pseud)


def test_raw_columns_dates_kept_and_free_text_masked() -> None:
    f = pl.DataFrame(
        {
            "customer": ["Acme"],
            "raw:Created at": ["2024-03-01 14:03:00 +0000"],
            "raw:Description": ["Please call me back on 020 7946 0958, thanks so much"],
            "raw:Requester email": ["ann@acme.com"],
        }
    )
    out = pseudonymise(f, key=b"k").row(0, named=True)
    assert out["raw:Created at"] == "2024-03-01 14:03:00 +0000"
    assert "[phone]" in out["raw:Description"]
    assert out["raw:Requester email"].startswith("person-")


def test_every_export_column_is_scanned_in_full() -> None:
    """A short column (CC) and personal data past the first rows (Notes) are masked too."""
    n = 3_000
    f = pl.DataFrame(
        {
            "raw:CC": [f"boss{i}@people.test" for i in range(n)],
            "raw:Notes": ["ok"] * 2_500 + ["call +44 20 7946 0958"] * (n - 2_500),
            "raw:Updated at": ["2024-03-01T10:00:00Z"] * n,
            "raw:Org id": ["360001234567"] * n,
        }
    )
    out = pseudonymise(f, key=b"k")
    assert set(out.get_column("raw:CC")) == {"[email]"}
    assert out.get_column("raw:Notes").tail(1).item() == "call [phone]"
    assert out.get_column("raw:Updated at").equals(f.get_column("raw:Updated at"))
    assert out.get_column("raw:Org id").equals(f.get_column("raw:Org id"))


def test_mask_report_masks_every_string_and_keeps_numbers() -> None:
    report = {
        "rows_read": 12345678,
        "date_min": "2024-03-01T10:00:00+00:00",
        "files": [{"name": "x.csv", "notes": ["footer: 'Exported by: eve@acme.com'"]}],
        "parse": [{"column": "Solved at", "examples": [(7, "dave.created@acme.com")]}],
        "drop_reasons": {"bad id +44 20 7946 0958": 1},
    }
    out = mask_report(report)
    assert out["rows_read"] == 12345678 and out["date_min"] == report["date_min"]
    assert out["files"][0]["notes"] == ["footer: 'Exported by: [email]'"]
    assert out["parse"][0]["examples"] == [(7, "[email]")]
    assert out["drop_reasons"] == {"bad id [phone]": 1}

"""Tests for lib.ingest.readers.encoding: each encoding, and invalid UTF-8 after the sample."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from lib.errors import IngestError
from lib.ingest import load_export
from lib.ingest.readers import encoding as readers
from lib.ingest.vendors import header_fingerprint
from tests.ingest.readers.helpers import one

ENCODED = "Id;Sujet;Agent\n1;Café crème;Zoë\n2;naïve – test;Jürgen\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (ENCODED.encode("utf-8"), "utf-8"),
        (ENCODED.encode("utf-8-sig"), "utf-8-sig"),
        (ENCODED.encode("utf-16"), "utf-16"),
        (b"\xfe\xff" + ENCODED.encode("utf-16-be"), "utf-16"),
        (ENCODED.encode("utf-16-le"), "utf-16-le"),
        (ENCODED.encode("utf-16-be"), "utf-16-be"),
        (ENCODED.encode("utf-32"), "utf-32"),
        (ENCODED.encode("cp1252"), "cp1252"),
        # 0x81 is undefined in cp1252, so only latin-1 can decode this file
        (ENCODED.replace("–", "-").encode("latin-1").replace(b"Zo", b"\x81Zo", 1), "latin-1"),
    ],
    ids=[
        "utf-8",
        "utf-8-bom",
        "utf-16-le-bom",
        "utf-16-be-bom",
        "utf-16-le",
        "utf-16-be",
        "utf-32",
        "cp1252",
        "latin-1",
    ],
)
def test_encodings(data, encoding):
    t = one(data, name="t.csv")
    assert t.encoding == encoding
    assert t.delimiter == ";"
    assert t.frame.columns == ["Id", "Sujet", "Agent"]
    assert t.frame["Sujet"][0] == "Café crème"
    assert t.frame["Agent"][1] == "Jürgen"
    if encoding not in ("utf-8", "utf-8-sig"):
        assert any(n.startswith(f"decoded as {encoding}") for n in t.notes)


def test_invalid_utf8_after_the_sample_switches_to_cp1252():
    rows = b"".join(b"%d;plain text row number %d\n" % (i, i) for i in range(5000))
    data = b"id;subject\n" + rows + "9999;Café\n".encode("cp1252")
    assert len(data) > readers.SAMPLE_BYTES
    t = one(data, name="late.csv")
    assert t.encoding == "cp1252"
    assert t.frame["subject"][-1] == "Café"
    assert t.frame.height == 5001
    said = "decoded as cp1252, Windows Western (the file is not valid UTF-8 from line 5002)"
    assert said in t.notes


@pytest.mark.parametrize(
    ("delimiter", "newline"),
    [(",", "\n"), (";", "\r\n"), ("\t", "\r\n")],
    ids=["comma-lf", "semicolon-crlf", "tab-crlf"],
)
def test_bom_before_a_quoted_header_gives_the_same_names_as_without(delimiter, newline):
    """A UTF-8 BOM before ``"ID"`` must not leave the quotes in the name: the same export saved
    with and without a BOM has the same header, so its fingerprint (and a saved mapping) match."""
    rows = [['"ID"', '"Created at"', '"Agent"'], ["1", "2024-01-05", '"Zoë"'], ["2", "", "Ana"]]
    text = newline.join(delimiter.join(r) for r in rows) + newline
    plain = one(text.encode("utf-8"), name="t.csv")
    bom = one(text.encode("utf-8-sig"), name="t.csv")
    assert bom.encoding == "utf-8-sig"
    assert bom.delimiter == plain.delimiter == delimiter
    assert bom.frame.columns == plain.frame.columns == ["ID", "Created at", "Agent"]
    assert (
        bom.frame.rows() == plain.frame.rows() == [("1", "2024-01-05", "Zoë"), ("2", None, "Ana")]
    )
    assert bom.line_numbers.to_list() == [2, 3]
    assert header_fingerprint(bom.frame.columns) == header_fingerprint(
        ["ID", "Created at", "Agent"]
    )


@pytest.mark.parametrize(
    ("encoding", "text", "agent"),
    [
        (
            "cp1250",
            "Klucz;Status;Osoba przypisana;Utworzono\nPOM-1;Otwarte;Paweł Wiśniewski;2024-10-04\n"
            "POM-2;Zamknięte;Łukasz Żak;2024-10-05\n",
            "Paweł Wiśniewski",
        ),
        (
            "cp1251",
            "Ключ;Статус;Исполнитель;Создано\nA-1;Открыт;Иван Петров;2024-10-04\n"
            "A-2;Закрыт;Ольга Смирнова;2024-10-05\n",
            "Иван Петров",
        ),
        (
            "cp1252",
            "Ticket;Statut;Agent;Créé le\n1;Fermé;José Müller;2024-10-04\n"
            "2;Ouvert;Zoë Brontë;2024-10-05\n",
            "José Müller",
        ),
    ],
)
def test_a_spreadsheets_code_page_is_told_by_its_words(encoding, text, agent) -> None:
    """Excel saves CSV in the Windows code page of its language: Polish or Czech in cp1250,
    Russian in cp1251, Western languages in cp1252. The one that reads the words without
    garbling them ("Pawe³", "£ukasz") is chosen, and the report names it."""
    res = load_export(text.encode(encoding))
    assert res.tickets.sort("ticket_id").get_column("agent").to_list()[0] == agent
    assert res.report.files[0].notes[0].startswith(f"decoded as {encoding}, Windows ")


def test_a_repeated_header_line_in_the_data_is_skipped_with_a_note() -> None:
    """Two exports pasted one under the other: the second header is no ticket (no dropped
    row, no "status 'Status' unknown" warning), and the report says where it was."""
    csv = "Issue key,Status,Created,Labels,Labels\nA-1,Open,2024-01-02 10:00,x,y\n"
    csv += "A-2,Done,2024-01-03 10:00,,\nIssue key,Status,Created,Labels,Labels\n"
    csv += "B-1,Open,2024-02-02 10:00,z,\n"
    res = load_export(csv.encode())
    assert res.tickets.height == 3
    assert res.report.rows_dropped == 0
    assert not any("does not know" in w for w in res.report.warnings)
    assert (
        "skipped 1 repeated header line in the data (first on line 4"
        in res.report.files[0].notes[0]
    )


def test_a_western_file_stays_western_and_a_stray_line_is_judged_alone() -> None:
    """Spanish "¿Factura?" and "m³" are no garbling: the file stays cp1252 (ñ, not ń). In a
    UTF-8 file with one line saved in cp1252, only that line's bytes choose the code page."""
    rows = ["Id;Asunto;Agente;Creado"]
    names = ["José Núñez", "María Peña", "Ana Muñoz"]
    rows += [f"{i};¿Factura? 3 m³;{names[i % 3]};2024-03-0{1 + i % 9}" for i in range(30)]
    res = load_export("\n".join(rows).encode("cp1252"))
    assert sorted(set(res.tickets.get_column("agent").to_list())) == sorted(names)
    assert res.report.files[0].notes[0].startswith("decoded as cp1252")
    utf8 = "Id;Agente;Creado\n" + "".join(f"{i};Ann Lee;2024-03-01\n" for i in range(6000))
    data = utf8.encode("utf-8") + "9999;María Peña;2024-03-02\n".encode("cp1252")
    res = load_export(data)
    assert "María Peña" in res.tickets.get_column("agent").to_list()


def test_jiras_excel_export_an_html_page_named_xls_is_read() -> None:
    """Jira Server's "Export > Excel" saves an HTML page as ``.xls``: its issue table is
    read (not the title table above it), with a note; a page without a table is refused."""
    page = (
        '<meta http-equiv="Content-Type" content="application/vnd.ms-excel; charset=UTF-8">'
        '<table border="1"><tr><td colspan="4">Displaying 2 issues</td></tr></table>'
        '<table id="issuetable"><thead><tr><th>Key</th><th>Status</th><th>Assignee</th>'
        "<th>Created</th></tr></thead><tbody>"
        "<tr><td>OPS-2</td><td>Closed</td><td>Zoë Brontë</td><td>04/Jul/19 10:02 AM</td></tr>"
        "<tr><td>OPS-1</td><td>In Progress</td><td>Ann &amp; Bo</td>"
        "<td>03/Jul/19 9:00 AM</td></tr></tbody></table>"
    )
    with tempfile.TemporaryDirectory() as d:
        path = Path(d, "jira.xls")
        path.write_bytes(page.encode("utf-8"))
        res = load_export(path)
        assert res.tickets.sort("ticket_id").get_column("agent").to_list() == [
            "Ann & Bo",
            "Zoë Brontë",
        ]
        assert res.report.files[0].notes[0].startswith("read the table of an HTML page")
        path.write_bytes(b"<html><body>Session expired</body></html>")
        with pytest.raises(IngestError, match="is not a valid xls file"):
            load_export(path)


def test_an_html_report_with_a_table_per_group_spans_and_open_cells_is_read_whole() -> None:
    """A report page with one table per group (same header), a legend beside it, a cell
    spanning two rows and cells HTML leaves unclosed: every ticket is read."""
    head = "<tr><th>Key</th><th>Status</th><th>Created</th></tr>"
    page = (
        "<!-- report --><html><body><table><tr><td>Legend</td><td>x</td></tr>"
        + "".join(f"<tr><td>L{i}</td><td>y</td></tr>" for i in range(9))
        + "</table>"
        + f"<table>{head}<tr><td>A-1<td rowspan='2'>Open<td>2024-01-01"
        + "<tr><td>A-2<td>2024-01-02</table>"
        + f"<table>{head}<tr><td>B-1</td><td>Closed</td><td>2024-01-03</td></tr></table>"
        + "</body></html>"
    )
    with tempfile.TemporaryDirectory() as d:
        path = Path(d, "report.xls")
        path.write_bytes(page.encode("utf-8"))
        res = load_export(path)
    t = res.tickets.sort("ticket_id")
    assert t.get_column("ticket_id").to_list() == ["A-1", "A-2", "B-1"]
    assert t.get_column("status").to_list() == ["open", "open", "closed"]
    assert res.report.files[0].notes[0] == "read the table of an HTML page saved as .xls"

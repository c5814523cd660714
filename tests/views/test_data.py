"""AppTest of the Data page: upload, mapping, import, bad files, saved mappings, rules."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from streamlit.testing.v1 import AppTest

from lib.store import Store
from tests.views.data_tabs import open_data_tab
from tests.views.hostile import IMAGE, raw_markdown

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parents[1] / "data"
ZENDESK = (DATA / "zendesk_small.csv").read_bytes()


def _data_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/data.py").run()
    assert not at.exception, at.exception
    return at


def _caption_text(at: AppTest) -> str:
    """The captions as a reader sees them (Markdown escapes removed)."""
    return " ".join(c.value for c in at.caption).replace("\\", "")


def _button(at: AppTest, prefix: str):
    return next(b for b in at.button if b.label.startswith(prefix))


def test_upload_confirm_import_switches_dataset(review_home: Path) -> None:
    at = _data_page()
    assert "Demo helpdesk" in _caption_text(at)
    at.file_uploader(key="uploads").upload("zendesk_small.csv", ZENDESK, "text/csv").run()
    assert not at.exception, at.exception
    assert any("Zendesk" in s.value for s in at.success)
    # The mapping screen proposes the vendor's columns.
    assert at.selectbox(key="map_ticket_id").value == "Id"
    assert at.selectbox(key="map_created_at").value == "Created at"
    at.button(key="FormSubmitter:mapping_form-Confirm mapping and read tickets").click().run()
    assert not at.exception, at.exception
    imp = _button(at, "Import 240 tickets")
    imp.click().run()
    assert not at.exception, at.exception
    assert any("Imported 240 tickets" in s.value for s in at.success)
    at.run()
    assert "zendesk_small.csv" in _caption_text(at) and "240 tickets" in _caption_text(at)
    store = Store()
    names = store.list_datasets().get_column("name").to_list()
    assert "zendesk_small.csv" in names and "Demo helpdesk" in names


@pytest.mark.parametrize(
    ("name", "payload", "needle"),
    [
        ("empty.csv", b"", "empty.csv"),
        ("garbage.csv", bytes(range(256)) * 50, "garbage.csv"),
        ("nothing.csv", b"foo,bar\n1,2\n3,4\n", "nothing.csv"),
        # Markdown source of the message: underscores are escaped so they show literally
        (
            "wide.csv",
            b",".join(b"c%d" % i for i in range(3_000)) + b"\n1\n",
            "REVIEW\\_MAX\\_COLUMNS",
        ),
        ("keys.jsonl", b"".join(b'{"k%d": 1}\n' % i for i in range(3_000)), "keys.jsonl"),
    ],
)
def test_bad_upload_shows_message_and_keeps_dataset(
    review_home: Path, name: str, payload: bytes, needle: str
) -> None:
    at = _data_page()
    at.file_uploader(key="uploads").upload(name, payload, "text/csv").run()
    assert not at.exception, at.exception
    if at.error:
        assert needle in at.error[0].value
    else:  # no recognisable columns: the mapping screen asks; confirming gives the error
        at.button(key="FormSubmitter:mapping_form-Confirm mapping and read tickets").click().run()
        assert not at.exception, at.exception
        assert needle in at.error[0].value
    assert "Demo helpdesk" in _caption_text(at)


def test_saved_mapping_is_applied_next_time(review_home: Path) -> None:
    at = _data_page()
    at.file_uploader(key="uploads").upload("zendesk_small.csv", ZENDESK, "text/csv").run()
    at.button(key="FormSubmitter:mapping_form-Confirm mapping and read tickets").click().run()
    _button(at, "Import 240 tickets").click().run()
    # A second export with the same columns: no mapping screen, straight to import.
    at2 = _data_page()
    at2.file_uploader(key="uploads").upload("next_month.csv", ZENDESK, "text/csv").run()
    assert not at2.exception, at2.exception
    assert any("saved mapping" in i.value for i in at2.info)
    assert _button(at2, "Import 240 tickets")


def test_rules_tab_counts_match_the_loader(review_home: Path) -> None:
    from lib.ingest import load_export

    expected = load_export(ROOT / "data" / "demo_helpdesk.csv.gz")
    n = int(expected.tickets.get_column("escalated").sum())
    at = open_data_tab(_data_page(), "Escalation rules")
    line = next(m for m in at.markdown if "tickets are escalated" in m.value).value
    assert line.startswith(f"**{n:,}** of {expected.tickets.height:,} tickets")


def test_custom_rule_is_added_stored_and_counted(review_home: Path) -> None:
    import polars as pl

    from lib.ingest import load_export

    res = load_export(ROOT / "data" / "demo_helpdesk.csv.gz")
    raw = pl.read_csv(ROOT / "data" / "demo_helpdesk.csv.gz", infer_schema=False)
    urgent = set(raw.filter(pl.col("Priority") == "Urgent").get_column("Id").to_list())
    esc = set(res.tickets.filter(pl.col("escalated")).get_column("ticket_id").to_list())
    expected = len(esc | urgent)

    at = _data_page()
    # sentiment scored before the rules change (the same tickets after it: the scores hold)
    from lib.sentiment_sidecar import SENTIMENT_SIDECAR, read_sidecar, write_sidecar

    store = Store()
    scored = res.tickets.select("ticket_id", sentiment=pl.lit(0.25))
    side = store.sidecar_path(store.get_active_dataset(), SENTIMENT_SIDECAR)
    assert write_sidecar(side, scored, "scored with VADER", {"sentiment_scorer": "vader"})
    open_data_tab(at, "Escalation rules")
    at.selectbox(key="ds_rules_c").set_value("raw:Priority")
    at.selectbox(key="ds_rules_op").set_value("equals").run()
    at.selectbox(key="ds_rules_pick").set_value("Urgent")
    at.button(key="ds_rules_add").click().run()
    assert not at.exception, at.exception
    at.run()
    line = next(m for m in at.markdown if "tickets are escalated" in m.value).value
    assert line.startswith(f"**{expected:,}** of")
    stored = Store().get_active_dataset().rules
    assert stored[-1]["label"] == 'Priority equals "Urgent"' and stored[-1]["enabled"]
    assert any('priority equals "Urgent"' in c.value for c in at.caption)
    # carried beside the new snapshot: not scored again after a rules change
    new_side = store.sidecar_path(store.get_active_dataset(), SENTIMENT_SIDECAR)
    assert new_side != side and not side.exists()
    kept = read_sidecar(new_side)
    assert kept is not None and kept[0].equals(scored) and kept[1] == "scored with VADER"


WAITING = "Waiting on Third Party"


def _waiting_export() -> bytes:
    """20 tickets, 8 with the vendor status "Waiting on Third Party" (normalised to on_hold)."""
    rows = ["Id,Created at,Subject,Status,Group"]
    for i in range(20):
        status = WAITING if i < 8 else ("Open" if i % 2 else "Solved")
        rows.append(f"{i + 1},2024-03-0{1 + i % 5} 10:00,Printer,{status},Tier 1")
    return ("\n".join(rows) + "\n").encode()


def _rule_counts(at: AppTest, key: str) -> dict[str, int]:
    table = at.dataframe(key=key).value  # the data editor's frame
    return dict(zip(table["rule"], table["tickets marked"], strict=True))


def test_custom_rule_from_the_value_picker_counts_the_exported_status_and_can_be_deleted(
    review_home: Path,
) -> None:
    at = _data_page()
    at.file_uploader(key="uploads").upload("waiting.csv", _waiting_export(), "text/csv").run()
    at.button(key="FormSubmitter:mapping_form-Confirm mapping and read tickets").click().run()
    assert not at.exception, at.exception
    # The import flow shows the same editor: the picker lists the export's own values.
    at.selectbox(key="imp_rules_c").set_value("status").run()
    assert at.selectbox(key="imp_rules_pick").options[0] == f"{WAITING} (8 tickets)"
    _button(at, "Import 20 tickets").click().run()
    at.run()
    assert not at.exception, at.exception

    open_data_tab(at, "Escalation rules")
    at.selectbox(key="ds_rules_c").set_value("status").run()
    picker = at.selectbox(key="ds_rules_pick")
    assert picker.options == [f"{WAITING} (8 tickets)", "Open (6 tickets)", "Solved (6 tickets)"]
    picker.set_value(WAITING)
    at.button(key="ds_rules_add").click().run()
    assert not at.exception, at.exception
    at.run()
    label = f'status equals "{WAITING}" (as exported or normalised)'
    assert _rule_counts(at, "ds_rules_editor")[label] == 8
    line = next(m for m in at.markdown if "tickets are escalated" in m.value).value
    assert line.startswith("**8** of 20 tickets")
    assert Store().get_active_dataset().rules[-1]["label"] == label

    # Only the user's own rules can be deleted; built-in ones are switched off instead.
    assert at.selectbox(key="ds_rules_del_pick").options == [label]
    at.button(key="ds_rules_del").click().run()
    assert not at.exception, at.exception
    at.run()
    assert label not in _rule_counts(at, "ds_rules_editor")
    assert not any(r["kind"] == "custom" for r in Store().get_active_dataset().rules)
    line = next(m for m in at.markdown if "tickets are escalated" in m.value).value
    assert line.startswith("**0** of 20 tickets")
    assert "ds_rules_del_pick" not in [s.key for s in at.selectbox]


def test_a_broken_snapshot_leaves_the_data_and_meetings_pages_usable(review_home: Path) -> None:
    import os
    import time

    from ui import dataset

    with Store() as store:
        dataset._bootstrap(store)
        (demo,) = store.list_datasets().get_column("id").to_list()
        snap = store.snapshot_file(demo)
        orphans = [
            store.snapshot_dir / ".tmp-x1.parquet",
            store.snapshot_dir / "dataset-9-ab.parquet",
        ]
    snap.write_bytes(snap.read_bytes()[:100])  # truncated (a full disk, a kill)
    old = time.time() - 7200
    for path in orphans:  # left by a killed process
        path.write_bytes(b"half")
        os.utime(path, (old, old))

    at = _data_page()
    warned = " ".join(w.value for w in at.warning)
    assert "cannot be read" in warned and "Data page keep working" in warned
    (link,) = [p for p in at.get("page_link") if p.label == "Open Data → Datasets"]
    assert link.proto.query_string == "tab=Datasets"  # where it can be deleted
    assert not any(p.exists() for p in orphans)  # cleaned at start
    at.switch_page("views/meetings.py").run()
    assert not at.exception, at.exception
    assert any(s.value == "Backup and restore" for s in at.subheader)

    open_data_tab(at.switch_page("views/data.py"), "Datasets")
    at.checkbox(key="ds_confirm").check().run()
    at.button(key="ds_delete").click().run()
    assert not at.exception, at.exception
    (done,) = [s.value for s in at.success]
    assert done.startswith("Deleted “Demo helpdesk”") and str(review_home) not in done
    assert "/" not in done


def _personal_export(rows: int = 2_500) -> tuple[bytes, list[str]]:
    """A Zendesk-like export full of personal data, and every personal value in it.

    ``CC`` holds an e-mail on every row; ``Notes`` is short and harmless for its first 2,100
    rows (past any sample) and then quotes e-mails and phone numbers; one ``Solved at`` value
    is an e-mail (a value that fails to parse); the footer names a person.
    """
    head = "Id,Requester,Requester email,CC,Notes,Group,Subject,Tags,Created at,Solved at\n"
    secrets: list[str] = ["eve.footer@acme.com", "dave.created@acme.com"]
    lines = [head]
    for i in range(rows):
        name, mail = f"Zoe Quist{i:04d}", f"zoe.q{i}@people.test"
        cc = f"boss{i}@people.test"
        phone = f"+44 20 7946 {i:04d}"
        note = "ok" if i < 2_100 else f"call {phone} or mail n{i}@notes.test"
        solved = "dave.created@acme.com" if i == 7 else f"2024-03-{1 + i % 28:02d} 12:00"
        lines.append(
            f"{10_000 + i},{name},{mail},{cc},{note},Tier 1,Printer broken,tag_a,"
            f"2024-03-{1 + i % 28:02d} 10:00,{solved}\n"
        )
        secrets += [name, mail, cc] + ([phone, f"n{i}@notes.test"] if i >= 2_100 else [])
    lines.append("Exported by: eve.footer@acme.com\n")
    return "".join(lines).encode(), secrets


def test_pseudonymised_import_stores_no_personal_value(
    review_home: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level("DEBUG")
    payload, secrets = _personal_export()
    at = _data_page()
    at.file_uploader(key="uploads").upload("people.csv", payload, "text/csv").run()
    at.button(key="FormSubmitter:mapping_form-Confirm mapping and read tickets").click().run()
    assert not at.exception, at.exception
    at.checkbox(key="imp_private").check().run()
    _button(at, "Import").click().run()
    assert not at.exception, at.exception
    at.switch_page("views/anomalies.py").run()  # computes the sentiment sidecar
    assert not at.exception, at.exception
    assert list(review_home.rglob("*.sentiment.parquet"))  # the sidecar is scanned too
    needles = [s.encode() for s in secrets]
    leaks: list[str] = []
    for path in review_home.rglob("*.parquet"):
        frame = pl.read_parquet(path)
        for col, dtype in frame.schema.items():
            if dtype == pl.String:
                hit = frame.get_column(col).str.contains_any(secrets).any()
                leaks += [f"{path.name}:{col}"] if hit else []
    for path in [p for p in review_home.rglob("*") if p.is_file()]:
        data = path.read_bytes()
        leaks += [f"{path.name}: {n.decode()}" for n in needles if n in data][:3]
    logged = caplog.text + "".join(capfd.readouterr())
    leaks += [f"log: {s}" for s in secrets if s in logged][:3]
    assert not leaks, leaks[:20]
    # and the import still worked: the tickets are there, pseudonymised
    record = Store().get_active_dataset()
    assert record is not None and record.row_count == 2_500
    assert "[email]" in str(record.report)  # the failed value, pseudonymised, still reported


def test_hostile_column_names_and_footer_render_literally(review_home: Path) -> None:
    """A column name and a footer that are Markdown images must not reach Markdown raw."""
    col, footer = IMAGE.format("colname"), IMAGE.format("footer")
    rows = [f"Id,Created at,Subject,Group,{col}"]
    rows += [f"{i},2024-03-0{1 + i % 5} 10:00,Printer,Tier 1,x" for i in range(1, 30)]
    payload = ("\n".join(rows) + f"\nExported by: {footer}\n").encode()
    at = _data_page()
    at.file_uploader(key="uploads").upload(f"{IMAGE.format('file')}.csv", payload, "text/csv")
    at.run()
    at.button(key="FormSubmitter:mapping_form-Confirm mapping and read tickets").click().run()
    assert not at.exception, at.exception
    shown = " ".join(c.value for c in at.caption)
    assert "Not used" in shown and "colname" in shown and "footer" in shown
    assert not raw_markdown(at), raw_markdown(at)
    _button(at, "Import").click().run()
    at.run()
    assert not at.exception, at.exception
    assert not raw_markdown(at), raw_markdown(at)


def test_row_limit_and_list_typed_id_give_messages_not_the_error_page(
    review_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _data_page()
    monkeypatch.setenv("REVIEW_MAX_ROWS", "100")
    at.file_uploader(key="uploads").upload("zendesk_small.csv", ZENDESK, "text/csv").run()
    assert not at.exception, at.exception
    errors = " ".join(e.value for e in at.error).replace("\\", "")  # Markdown escapes dropped
    assert "zendesk_small.csv: has 240 rows" in errors and "REVIEW_MAX_ROWS" in errors
    monkeypatch.delenv("REVIEW_MAX_ROWS")
    buf = io.BytesIO()
    pq.write_table(
        pa.table({"Id": pa.array([[1, 2], [3]]), "Created at": ["2024-01-01", "2024-01-02"]}),
        buf,
    )
    # (the unreadable file is dropped: an empty upload widget, under a new key, shows again)
    at.file_uploader[0].upload("ids.parquet", buf.getvalue(), "application/x").run()
    assert not at.exception, at.exception
    at.button(key="FormSubmitter:mapping_form-Confirm mapping and read tickets").click().run()
    assert not at.exception, at.exception
    assert not at.error
    assert _button(at, "Import 2 tickets")


def test_other_signals_are_looked_for_only_when_their_expander_is_opened(
    review_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a dataset whose rules mark enough tickets, the rules tab does not read every column
    of the export for other signals until the user opens "Other escalation signals" (28 s at
    10 million tickets); opened, they are listed, and worked out once per session."""
    import ui.rules_editor
    from lib.ingest.signals import suggest_signals
    from ui.signals import SHOWN

    calls: list[int] = []

    def counted(frame, *args, **kwargs):
        calls.append(frame.height)
        return suggest_signals(frame, *args, **kwargs)

    monkeypatch.setattr(ui.rules_editor, "suggest_signals", counted)
    at = open_data_tab(_data_page(), "Escalation rules")
    box = next(e for e in at.expander if e.label == "Other escalation signals in this export")
    assert calls == [] and not any("Use this signal" in b.label for b in at.button)
    assert not any("Escalation signals in this export" in m.value for m in box.markdown)
    at.session_state["ds_sig_open"] = True
    at.run()
    assert not at.exception, at.exception
    assert len(calls) == 1
    box = next(e for e in at.expander if e.label == "Other escalation signals in this export")
    found = at.session_state["ds_signals_memo"][2]
    assert found, "the demo has signals besides its rules (its tier-2 groups' other values)"
    shown = [b for b in box.button if b.label == "Use this signal"]
    assert len(shown) == min(len(found), SHOWN)
    assert any(found[0].label in m.value.replace("\\", "") for m in box.markdown)
    at.run()  # another rerun of the page: not worked out again
    assert len(calls) == 1

"""AppTest of ui.quality: the Data quality tab never contradicts itself on an export whose
status column has a value that cannot be read and a row with no status at all."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

DATA = Path(__file__).resolve().parents[1] / "data"


def _script(path: str) -> None:
    from lib.ingest import load_export
    from ui import quality

    res = load_export(path)
    quality.quality_report(res.report.to_dict(), res.mapping)


def test_quality_tab_counts_unread_status_as_missing_and_shows_the_derived_one():
    at = AppTest.from_function(_script, args=(str(DATA / "lang_glpi_pt.csv"),), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    frames = [df.value for df in at.dataframe]
    nulls = next(f for f in frames if "missing" in f.columns)
    missing = dict(zip(nulls["field"], nulls["missing"], strict=True))
    unread = next(f for f in frames if "values not read" in f.columns)
    derived = next(f for f in frames if "rows derived" in f.columns)
    status_unread = unread[unread["column"] == "Status"]["values not read"].tolist()
    # One status not read, one of ten tickets missing a status: the two tables agree.
    assert status_unread == [1]
    assert missing["status"] == 0.1
    assert derived[["field", "export column", "rows derived"]].values.tolist() == [
        ["status", "Status", 1]
    ]
    assert any("Values derived, not read" in m.value for m in at.markdown)

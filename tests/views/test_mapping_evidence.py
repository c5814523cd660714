"""AppTest of the mapping screen's close calls: both candidates with their evidence, and the
runner-up one pick away."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]


def _close_call_export() -> bytes:
    """`Created` is filled on every row, `Creation date` (as well named) on four of ten."""
    lines = ["Id,Created,Creation date,Status"]
    for i in range(10):
        late = f"2024-01-{i + 2:02d}" if i < 4 else ""
        lines.append(f"T-{i},2024-01-{i + 1:02d} 08:00,{late},open")
    return ("\n".join(lines) + "\n").encode()


def test_close_candidates_show_their_evidence_and_the_other_can_be_picked(
    review_home: Path,
) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/data.py").run()
    at.file_uploader(key="uploads").upload("close.csv", _close_call_export(), "text/csv").run()
    assert not at.exception, at.exception

    box = at.selectbox(key="map_created_at")
    assert box.value == "Created"
    # the runner-up sits right after the chosen column
    assert box.options[1:3] == ["Created", "Creation date"]
    notes = [c.value.replace("\\", "") for c in at.caption if "Close call" in c.value]
    assert len(notes) == 1, notes
    note = notes[0]
    assert "'Created': filled on 100% of rows, 100% dates, e.g. '2024-01-01 08:00'" in note
    assert "'Creation date': filled on 40% of rows, 100% dates" in note
    assert "Chosen 'Created': 'Created' is filled on 100% of rows against 40%" in note

    box.select("Creation date")
    at.button(key="FormSubmitter:mapping_form-Confirm mapping and read tickets").click().run()
    assert not at.exception, at.exception
    assert at.session_state["imp"]["mapping"]["created_at"] == "Creation date"

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


def test_event_log_marks_event_time_required_not_created(review_home: Path) -> None:
    # an event log has no created column: a ticket is created at its first event, so the
    # mapping screen asks for the event time, not for Created
    lines = ["case:concept:name,concept:name,time:timestamp,org:resource"]
    for i in range(6):
        lines.append(f"C{i},Open ticket,2024-02-0{i + 1} 09:00:00,Ann")
        lines.append(f"C{i},Close ticket,2024-02-0{i + 1} 11:00:00,Ann")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/data.py").run()
    data = ("\n".join(lines) + "\n").encode()
    at.file_uploader(key="uploads").upload("log.csv", data, "text/csv").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="map_event_time").label.endswith(" *")
    created = at.selectbox(key="map_created_at")
    assert not created.label.endswith("*")
    assert "first event" in created.help
    assert at.selectbox(key="map_ticket_id").label.endswith(" *")

"""What a user waits for between choosing an export and the Overview (issue 18): the Data
page does not redo work on each rerun of an import, the Overview opens on the frame just
saved, and the session lets go of the import's tickets once they are saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.views.data_tabs import open_data_tab
from ui import dataset, rules_editor, signals

ROOT = Path(__file__).resolve().parents[2]
ZENDESK = (Path(__file__).resolve().parents[1] / "data" / "zendesk_small.csv").read_bytes()
CONFIRM = "FormSubmitter:mapping_form-Confirm mapping and read tickets"


def _counting(calls: list[str], name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append(name)
        return fn(*args, **kwargs)

    return counted


def test_an_import_reruns_only_its_panel_and_the_overview_opens_on_the_saved_frame(
    review_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(
        rules_editor, "rules_editor", _counting(calls, "tab", rules_editor.rules_editor)
    )
    count = _counting(calls, "signals", signals.suggest_signals)
    for module in (rules_editor, signals):  # the export's signals, worked out per snapshot
        monkeypatch.setattr(module, "suggest_signals", count, raising=False)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/data.py").run()
    at.run()
    # only the open tab runs: the rules wait until their tab is opened, and the open
    # dataset's other signals until their expander is (test_data.py)
    assert calls.count("tab") == 0 and calls.count("signals") == 0, calls
    open_data_tab(at, "Escalation rules")
    assert calls.count("tab") == 1 and calls.count("signals") == 0, calls
    open_data_tab(at, "Import")
    at.file_uploader(key="uploads").upload("zendesk_small.csv", ZENDESK, "text/csv").run()
    calls.clear()
    at.button(key=CONFIRM).click().run()
    assert not at.exception, at.exception
    # (in a browser only the import panel reruns, a fragment: AppTest reruns the page)
    assert "signals" not in calls, calls
    # the rule picker starts on a ticket field worth picking, not a date
    assert at.selectbox(key="imp_rules_c").value == "status"

    def from_disk(path: Any) -> Any:
        raise AssertionError(f"the snapshot just written was read back: {path}")

    monkeypatch.setattr(dataset, "read_canonical", from_disk)
    next(b for b in at.button if b.label.startswith("Import 240 tickets")).click().run()
    assert not at.exception, at.exception
    assert any("Imported 240 tickets" in s.value for s in at.success)
    state = at.session_state["imp"]
    assert not {"insp", "result", "frame", "applied", "prepared", "ahead"} & set(state)
    assert "imp_rules_counts" not in at.session_state  # (its memo holds the frame too)
    at.switch_page("views/overview.py").run()
    assert not at.exception, at.exception
    shown = " ".join(c.value for c in at.caption).replace("\\", "")
    assert "zendesk_small.csv" in shown and at.metric, shown  # the new dataset's numbers
    assert dataset._HANDED == {}  # taken by the cache: no second copy waits


def test_the_chosen_export_leaves_the_upload_widget_and_can_be_replaced(
    review_home: Path,
) -> None:
    """Streamlit deep-copies an upload widget's value on every run of the page (0.2 s and a
    second copy in memory for a 271 MB export): the files are taken out of the widget."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("views/data.py").run()
    at.file_uploader(key="uploads").upload("empty.csv", b"", "text/csv").run()
    assert at.error and at.file_uploader  # unreadable: the message, and the upload again
    at.file_uploader[0].upload("zendesk_small.csv", ZENDESK, "text/csv").run()
    assert not at.exception, at.exception
    assert not at.file_uploader, "the upload widget still holds the export"
    assert [f.name for f in at.session_state["imp_files"]] == ["zendesk_small.csv"]
    assert "zendesk_small.csv" in " ".join(m.value for m in at.markdown).replace("\\", "")
    at.button(key=CONFIRM).click().run()
    next(b for b in at.button if b.label.startswith("Import 240 tickets")).click().run()
    assert any("Imported 240 tickets" in s.value for s in at.success)
    # the import opens the Overview on the new dataset, with the message on top
    shown = " ".join(c.value for c in at.caption).replace("\\", "").replace("*", "")
    assert at.metric and "zendesk_small.csv (240 tickets)" in shown, shown
    at.switch_page("views/overview.py").run()  # (AppTest reruns the page it last opened)
    assert not any("Imported" in s.value for s in at.success)  # the message shows once
    held = at.session_state["imp_files"]
    assert [(f.name, f.size) for f in held] == [("zendesk_small.csv", len(ZENDESK))]
    assert not any(hasattr(f, "getvalue") for f in held)  # saved: the bytes are let go
    at.switch_page("views/data.py").run()  # back on the Data page: the import's outcome
    assert any("Imported 240 tickets" in s.value for s in at.success)
    at.button(key="imp_choose_again").click().run()
    assert not at.exception, at.exception
    assert "imp" not in at.session_state and not at.success
    at.file_uploader(key="uploads_2").upload("again.csv", ZENDESK, "text/csv").run()
    assert not at.exception, at.exception
    assert any("saved mapping" in i.value for i in at.info)  # the same columns as before
    assert next(b for b in at.button if b.label.startswith("Import 240 tickets"))

"""Browser: the mapping screen shows a close call with both columns' evidence (issue 12: the
choice reads the values, and the user sees why one column won)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import wait_idle

pytestmark = pytest.mark.e2e


def test_mapping_screen_shows_the_evidence_of_a_close_call(
    server_factory, page, tmp_path: Path
) -> None:
    lines = ["Id,Created,Creation date,Status"]  # both named like the created date
    for i in range(10):
        late = f"2024-01-{i + 2:02d}" if i < 4 else ""
        lines.append(f"T-{i},2024-01-{i + 1:02d} 08:00,{late},open")
    export = tmp_path / "close_call.csv"
    export.write_text("\n".join(lines) + "\n")
    srv = server_factory()
    page.goto(srv.url + "/data")
    wait_idle(page)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(export))
    note = page.get_by_text("Close call").first
    expect(note).to_be_visible(timeout=60_000)
    expect(note).to_contain_text("'Creation date': filled on 40% of rows")
    expect(note).to_contain_text("Chosen 'Created'")
    assert page.locator('[data-testid="stException"]').count() == 0

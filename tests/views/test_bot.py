"""AppTest: the "Bot first touch" tab of Routing & policy, on a hand-made Zendesk-like export
with bot Via values and handoff tags (tests/data/bot_zendesk_via.csv), and on an export with
no bot mark, where the tab says which column or tag would enable it instead of disappearing.
A real SQLite store and Parquet snapshot underneath (the raw Via column is read from it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.ingest import load_export
from lib.store import Store
from tests.conftest import module_home
from tests.views.data_tabs import open_routing_tab

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"

home = module_home("bot_home")


def _register(name: str, file: str) -> None:
    res = load_export(DATA / file)
    with Store(os.environ["DATABASE_URL"]) as store:
        store.register_dataset(name, res.snapshot_frame(), vendor=res.vendor, mapping=res.mapping)
        if file.startswith("bot_"):
            store.set_knowledge_coverage("incident", article_exists=True, actor=None)


def _routing() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("views/routing.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return open_routing_tab(at, "Bot first touch")


@pytest.fixture(scope="module")
def with_marks(home: Path) -> AppTest:
    _register("Bot via", "bot_zendesk_via.csv")
    return _routing()


def test_section_with_bot_marks(with_marks: AppTest) -> None:
    at = with_marks
    cards = {m.label: m for m in at.metric}
    assert cards["Bot first touch"].value == "51.6%"  # 16 of 31 tickets
    assert cards["Handed to a person"].value == "56.2%"  # 9 of 16
    assert "9 of 16" in cards["Handed to a person"].delta
    assert (cards["Handoffs escalated"].value, cards["Direct escalated"].value) == (
        "55.6%",
        "13.3%",
    )
    assert any("Bot marks found in Via “AI agent, Answer Bot" in c.value for c in at.caption)
    table = next(d.value for d in at.dataframe if "Knowledge-base candidate" in d.value.columns)
    row = table.set_index("Category").loc["incident"]
    assert (row["Handed to a person"], row["Escalated after handoff"]) == (6, 4)
    assert bool(row["Knowledge-base candidate"]) and bool(row["Article recorded"])
    assert any("**incident**" in m.value and "article recorded" in m.value for m in at.markdown)
    assert any(c.value.startswith("Per topic") and "differ in mix" in c.value for c in at.caption)


def test_section_without_bot_marks_names_what_would_enable_it(with_marks: AppTest) -> None:
    _register("No bot", "vendor_zendesk_header.csv")
    at = _routing()
    info = [i.value for i in at.info if "no mark of a bot" in i.value]
    assert info and "Via" in info[0] and "bot\\_handoff" in info[0]
    assert "Bot first touch" not in {m.label for m in at.metric}
    # Naming the team's bot turns the section on: Priya is a bot for this test.
    at.text_input(key="bot_names").input("Priya Natarajan").run()
    assert not at.exception
    assert "Bot first touch" in {m.label for m in at.metric}

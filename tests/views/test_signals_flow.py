"""AppTest of the whole flow for an export on which the default rules mark no escalation (a
GLPI-like export whose second-line groups are called "Especialistas - …"): the import screen
says so and offers the export's own signals as the next step; one click on a signal makes
the escalation rate non-zero. The same on the Data page's Escalation rules tab for a
dataset imported without a signal."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.views.data_tabs import open_data_tab

ROOT = Path(__file__).resolve().parents[2]
GLPI = (Path(__file__).resolve().parents[1] / "data" / "signals_glpi_specialists.csv").read_bytes()
CONFIRM = "FormSubmitter:mapping_form-Confirm mapping and read tickets"
GROUP = "Atribuído - Grupo técnico"


def _text(elements) -> list[str]:
    """Element texts as a reader sees them (Markdown escapes removed)."""
    return [e.value.replace("\\", "") for e in elements]


def _read_glpi() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    at.switch_page("views/data.py").run()
    at.file_uploader(key="uploads").upload("signals_glpi_specialists.csv", GLPI, "text/csv").run()
    at.button(key=CONFIRM).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _overview_rate(at: AppTest) -> str:
    at.switch_page("views/overview.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return next(m for m in at.metric if m.label == "Escalation rate").value


def test_import_offers_the_signals_before_import_and_one_click_makes_the_rate_non_zero(
    review_home: Path,
) -> None:
    at = _read_glpi()
    warning = next(w for w in _text(at.warning) if "None of the 60 tickets is marked" in w)
    assert warning.endswith("Choose one of the export's signals below.")
    # The suggestion names the column, its values, its count and an example ticket.
    line = next(m for m in _text(at.markdown) if GROUP in m)
    assert '"Especialistas - Infraestrutura" or "Especialistas - Sistemas"' in line
    assert "16 tickets (26.7%), for example ticket 3102" in line
    use = at.button(key="imp_sig_use_0")
    assert use.proto.type == "primary"
    # Import is not the primary action while nothing is escalated.
    save = at.button(key="imp_save")
    assert save.label == "Import 60 tickets without escalations"
    assert save.proto.type == "secondary"
    use.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not any("marked escalated" in w for w in _text(at.warning))
    save = at.button(key="imp_save")
    assert (save.label, save.proto.type) == ("Import 60 tickets", "primary")
    save.click().run()
    assert any("16 are escalated" in s for s in _text(at.success))
    assert _overview_rate(at) not in ("–", "0.0%")


def test_rules_tab_offers_the_signals_of_a_dataset_imported_without_one(
    review_home: Path,
) -> None:
    at = _read_glpi()
    at.button(key="imp_save").click().run()
    assert _overview_rate(at) == "–"
    open_data_tab(at.switch_page("views/data.py"), "Escalation rules")
    assert "**0** of 60 tickets are escalated." in [m.value for m in at.markdown]
    assert any(w.endswith("signals below.") for w in _text(at.warning))
    line = next(m for m in _text(at.markdown) if GROUP in m)
    assert "16 tickets" in line
    at.button(key="ds_sig_use_0").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "**16** of 60 tickets are escalated." in [m.value for m in at.markdown]
    assert _overview_rate(at) not in ("–", "0.0%")

"""AppTest: the Overview summary and the Breakdowns and Drivers headlines tell the period's one
story (issue 19) on seeded helpdesks: a planted phone effect (the phone channel's rate doubled in
the review period, all else constant) is named on every page; constant rates ending at the
export date show no significant change anywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.sim_story import helpdesk

ROOT = Path(__file__).resolve().parents[2]


def _run(home: Path, *, planted: bool, seed: int) -> dict[str, str]:
    """Overview, Breakdowns (by category, then channel) and Drivers: their Markdown and captions."""
    from ui import session

    session.store().register_dataset("Seeded", helpdesk(seed, planted=planted))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    out = {}

    def text(name: str) -> None:
        assert not at.exception, [e.value for e in at.exception]
        md = " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)
        out[name] = md.replace("\\", "")

    text("overview")
    at.switch_page("views/breakdowns.py").run()
    text("breakdowns")
    at.segmented_control(key="bd_by").set_value("channel").run()
    text("breakdowns_channel")
    at.switch_page("views/drivers.py").run()
    text("drivers")
    return out


@pytest.fixture
def planted(review_home: Path) -> dict[str, str]:
    return _run(review_home, planted=True, seed=2)


@pytest.fixture
def constant(review_home: Path) -> dict[str, str]:
    return _run(review_home, planted=False, seed=3)


def test_the_planted_phone_effect_is_on_every_page(planted) -> None:
    assert "Largest significant change: Channel phone:" in planted["overview"]
    assert "Review period 2024-02-12 to 2024-02-25, compared with" in planted["overview"]
    # Breakdowns by category: the change in another dimension is named in the headline
    assert "Largest change in any dimension: Channel phone:" in planted["breakdowns"]
    assert "Channel, significant changes: Channel phone:" in planted["breakdowns_channel"]
    assert "tested together" in planted["breakdowns_channel"]
    # Drivers: the review period's drivers, and which dates the page's rankings count
    assert "Review period 2024-02-12 to 2024-02-25" in planted["drivers"]
    assert "Top drivers in the review period:" in planted["drivers"]
    assert "The numbers below count " in planted["drivers"]
    assert "not only the review period (2024-02-12 to 2024-02-25)" in planted["drivers"]


def test_constant_rates_show_no_significant_change_anywhere(constant) -> None:
    assert "No dimension changed significantly" in constant["overview"]
    assert "no real change" in constant["overview"] or "could be chance" in constant["overview"]
    assert "No category changed significantly." in constant["breakdowns"]
    assert "No channel changed significantly." in constant["breakdowns_channel"]
    assert "Largest change in any dimension" not in constant["breakdowns_channel"]

"""AppTest: the Agents page says whom escalations are credited to, offers the choice, and marks
an agent who works on a kind of ticket nobody else handles as "not comparable" (issue 13).

The export (written here) has Tier-1 agents who escalate to Tier 2: the assignee of an escalated
ticket is the Tier-2 receiver, ``Escalated by`` names the Tier-1 agent. ``Solo`` handles every
"Legal" ticket and nothing else.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.views.test_agents import _open

ROOT = Path(__file__).resolve().parents[2]
PAGE = "views/agents.py"
TIER1 = ["Ann", "Bob", "Chen", "Dee", "Eli", "Fay"]
TIER2 = ["Rex", "Sam"]


def tiered_export(path: Path, seed: int = 3) -> Path:
    """Six months of tickets: Tier-1 agents escalate about 10% (Ann 30%) to Tier 2."""
    rng = np.random.default_rng(seed)
    rows = ["Id,Created at,Solved at,Status,Assignee,Group,Ticket type,First assignee,Escalated by"]
    start = datetime(2024, 1, 1, 9)
    for i in range(1800):
        created = start + timedelta(hours=int(rng.integers(0, 180 * 24)))
        first = TIER1[int(rng.integers(len(TIER1)))]
        category = ("Login", "Invoice", "Shipping")[int(rng.integers(3))]
        if i % 30 == 0:
            first, category = "Solo", "Legal"
        escalated = rng.random() < (0.3 if first == "Ann" else 0.1)
        owner, group, by = first, "Tier 1", ""
        if escalated:
            owner, group, by = TIER2[int(rng.integers(2))], "Tier 2", first
        solved = created + timedelta(days=1)
        rows.append(
            f"{1000 + i},{created:%Y-%m-%d %H:%M},{solved:%Y-%m-%d %H:%M},Solved,{owner},"
            f"{group},{category},{first},{by}"
        )
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tiered_home(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("tiered_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REVIEW_DATA_DIR", str(path))
        mp.setenv("DATABASE_URL", f"sqlite:///{path / 'review.sqlite'}")
        mp.setenv("REVIEW_DATA", str(tiered_export(path / "tiered.csv")))
        yield path


def _captions(at: AppTest) -> str:
    return " ".join(c.value for c in at.caption).replace("\\", "")


def _statuses(at: AppTest) -> dict[str, str]:
    frame = at.dataframe[0].value
    return dict(zip(frame["Agent"], frame["Status"], strict=True))


def test_escalations_are_credited_to_the_escalating_owner_by_default(tiered_home: Path) -> None:
    at = _open()
    owner = at.radio(key="ag_owner")
    assert owner.value == "escalating"
    assert owner.options == ["Escalating owner", "First owner", "Final owner"]
    text = _captions(at)
    assert "Credited to the escalating owner" in text
    assert "Case mix:" in text and "final values" in text
    status = _statuses(at)
    assert status["Ann"] == "Flagged high"
    assert not {"Rex", "Sam"} & set(status)  # receivers answer for no escalation
    assert status["Solo"] == "Not comparable"
    assert any("not comparable" in w.value for w in at.warning)


def test_the_final_owner_can_be_chosen_and_the_caption_says_so(tiered_home: Path) -> None:
    at = _open(ag_owner="final")
    assert "Credited to the final owner" in _captions(at)
    assert {"Rex", "Sam"} <= set(_statuses(at))  # the receivers hold every escalation
    receivers = [w.value for w in at.warning if "receive escalations" in w.value]
    assert len(receivers) == 1 and "Rex" in receivers[0] and "Sam" in receivers[0]
    assert not [w for w in _open().warning if "receive escalations" in w.value]

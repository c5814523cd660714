"""Shared fixtures: an isolated data directory and database for every test that asks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# Property tests draw the same examples on every run (a red `make test` always means a change
# broke something, never an unlucky draw); `make fuzz` sets FUZZ_RANDOM=1 to explore new ones.
settings.register_profile("repeatable", derandomize=True, database=None)
settings.register_profile("explore")
settings.load_profile("explore" if os.environ.get("FUZZ_RANDOM") == "1" else "repeatable")

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def review_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the app's database and snapshots at a temporary folder."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("REVIEW_DATA_DIR", str(home))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{home / 'review.sqlite'}")
    monkeypatch.delenv("REVIEW_DATA", raising=False)
    return home


def module_home(name: str):
    """A module-scoped data folder fixture: the demo is bootstrapped once per test module.

    ``home = module_home("agents_home")`` in a test module gives it a ``home`` fixture.
    """

    @pytest.fixture(scope="module")
    def home(tmp_path_factory: pytest.TempPathFactory):
        path = tmp_path_factory.mktemp(name)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("REVIEW_DATA_DIR", str(path))
            mp.setenv("DATABASE_URL", f"sqlite:///{path / 'review.sqlite'}")
            mp.delenv("REVIEW_DATA", raising=False)
            yield path

    return home

"""Shared fixtures: an isolated data directory and database for every test that asks."""

from __future__ import annotations

from pathlib import Path

import pytest

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

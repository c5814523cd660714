"""Fixtures for the store tests: a migrated database file per test, and a store on it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lib.store import Store


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly migrated database, copied for each test (migrating costs a few fsyncs)."""
    path = tmp_path_factory.mktemp("template") / "review.sqlite"
    Store(f"sqlite:///{path}").close()
    assert not Path(f"{path}-wal").exists()  # checkpointed: the one file is the database
    return path


@pytest.fixture
def db_url(tmp_path: Path, template_db: Path) -> str:
    shutil.copyfile(template_db, tmp_path / "review.sqlite")
    return f"sqlite:///{tmp_path / 'review.sqlite'}"


@pytest.fixture
def store(db_url: str):
    s = Store(db_url)
    yield s
    s.close()

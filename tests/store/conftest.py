"""Fixtures for the store tests: a migrated database per test, and a store on it.

Every test that asks for ``db_url``, ``store`` or ``empty_db_url`` runs on SQLite, and also on
PostgreSQL when ``REVIEW_TEST_POSTGRES_URL`` is set (``make test-postgres``): those runs are
marked ``postgres``. Tests marked ``sqlite_only`` check SQLite itself (WAL, file backups) and
run on SQLite alone.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from lib.store import Store
from tests.conftest import postgres_schema, postgres_url


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "backend" not in metafunc.fixturenames:
        return
    params = [pytest.param("sqlite", id="sqlite")]
    if postgres_url() and not metafunc.definition.get_closest_marker("sqlite_only"):
        params.append(pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres))
    metafunc.parametrize("backend", params, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """``sqlite`` or ``postgresql``: the database the test runs on."""
    return request.param


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly migrated database, copied for each test (migrating costs a few fsyncs)."""
    path = tmp_path_factory.mktemp("template") / "review.sqlite"
    Store(f"sqlite:///{path}").close()
    assert not Path(f"{path}-wal").exists()  # checkpointed: the one file is the database
    return path


@pytest.fixture(scope="module")
def pg_template() -> Iterator[str]:
    """A migrated PostgreSQL schema for this module; emptied before each test that uses it
    (``TRUNCATE`` is much faster than migrating again)."""
    url = postgres_schema(postgres_url() or "", "store")
    Store(url).close()
    yield url


def _empty_tables(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            names = [t for t in sa.inspect(conn).get_table_names() if t != "schema_version"]
            conn.exec_driver_sql(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in names) + " RESTART IDENTITY CASCADE"
            )
    finally:
        engine.dispose()


@pytest.fixture
def db_url(
    backend: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> str:
    """A migrated, empty database; its snapshots go to ``tmp_path``."""
    if backend == "postgresql":
        url = request.getfixturevalue("pg_template")
        _empty_tables(url)
        monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
        return url
    template_db = request.getfixturevalue("template_db")
    shutil.copyfile(template_db, tmp_path / "review.sqlite")
    return f"sqlite:///{tmp_path / 'review.sqlite'}"


@pytest.fixture
def empty_db_url(backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A database with no tables at all (for migration tests)."""
    if backend == "postgresql":
        monkeypatch.setenv("REVIEW_DATA_DIR", str(tmp_path))
        return postgres_schema(postgres_url() or "", "empty")
    return f"sqlite:///{tmp_path / 'empty.sqlite'}"


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    s = Store(db_url)
    yield s
    s.close()

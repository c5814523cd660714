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


# PostgreSQL (`make test-postgres` starts a throwaway cluster and sets the variable). Each test
# that asks gets its own schema of that database (``search_path`` in the URL), so tests and
# pytest-xdist workers never see each other's tables.
POSTGRES_VAR = "REVIEW_TEST_POSTGRES_URL"
_pg_schemas = iter(range(1, 1_000_000))


def postgres_url() -> str | None:
    """The test database's URL (``$REVIEW_TEST_POSTGRES_URL``), or ``None`` when unset."""
    return os.environ.get(POSTGRES_VAR) or None


def postgres_schema(base_url: str, prefix: str = "t") -> str:
    """Create a new empty schema in ``base_url``'s database; return a URL that works in it.

    The URL carries ``options=-csearch_path=<schema>``: every connection made from it (this
    process, a Streamlit server, a helper) creates and finds its tables there.
    """
    import sqlalchemy as sa

    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw")
    name = f"{prefix}_{worker}_{os.getpid()}_{next(_pg_schemas)}".lower()
    engine = sa.create_engine(base_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    finally:
        engine.dispose()
    url = sa.engine.make_url(base_url).update_query_dict({"options": f"-csearch_path={name}"})
    return url.render_as_string(hide_password=False)


@pytest.fixture
def pg_url() -> str:
    """A URL of a new empty PostgreSQL schema (skips when REVIEW_TEST_POSTGRES_URL is unset)."""
    base = postgres_url()
    if base is None:
        pytest.skip(f"set {POSTGRES_VAR} to an empty PostgreSQL test database")
    return postgres_schema(base)


# The local SMTP server and webhook receiver (tests/notify/servers.py), for every test package.
from tests.notify.servers import smtp_server, tls_files, webhook_receiver  # noqa: E402, F401

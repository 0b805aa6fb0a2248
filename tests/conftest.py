"""Shared fixtures: a warehouse URL on each backend the project supports.

PostgreSQL comes from ``SMARTCITY_TEST_POSTGRES_URL`` (``.ci/postgres.sh`` starts a
throwaway server and prints it); each test gets a fresh database, dropped afterwards. Without
the variable the PostgreSQL cases are skipped, unless ``SMARTCITY_REQUIRE_POSTGRES=1`` (set
by CI), which makes them fail instead, so CI cannot skip them silently.
"""

import os
import uuid
from collections.abc import Callable, Iterator

import pytest
import sqlalchemy as sa

POSTGRES_ENV = "SMARTCITY_TEST_POSTGRES_URL"
REQUIRE_ENV = "SMARTCITY_REQUIRE_POSTGRES"


def postgres_server_url() -> str:
    """The test server's URL, or skip (fail when PostgreSQL is required)."""
    url = os.environ.get(POSTGRES_ENV, "").strip()
    if not url:
        if os.environ.get(REQUIRE_ENV, "").strip() not in ("", "0"):
            pytest.fail(f"{REQUIRE_ENV}=1 but {POSTGRES_ENV} is unset: start a server with "
                        ".ci/postgres.sh", pytrace=False)
        pytest.skip(f"{POSTGRES_ENV} is unset (.ci/postgres.sh starts a server)")
    return url


@pytest.fixture
def new_postgres_database() -> Iterator[Callable[[], str]]:
    """Makes fresh, empty databases on the test server, returning each one's URL; every one
    is dropped after the test."""
    server = sa.make_url(postgres_server_url())
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT", poolclass=sa.NullPool)
    names: list[str] = []

    def create() -> str:
        name = f"t_{uuid.uuid4().hex[:16]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        names.append(name)
        return server.set(database=name).render_as_string(hide_password=False)

    try:
        yield create
    finally:
        with admin.connect() as conn:  # FORCE: engines the test left open are disconnected
            for name in names:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def postgres_url(new_postgres_database: Callable[[], str]) -> str:
    """A fresh, empty PostgreSQL database for this test; dropped afterwards."""
    return new_postgres_database()


@pytest.fixture(params=["sqlite", "postgres"])
def warehouse_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """A warehouse URL: an SQLite file under tmp_path, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/warehouse.db"
    return request.getfixturevalue("postgres_url")


@pytest.fixture(autouse=True)
def _no_dagster_state_storage_leak():
    """Dagster keeps the defs-state storage of an instance used as a context manager in a
    process-wide ContextVar, and a context that entered an instance but was never exited
    (a sensor or schedule context built in a test) leaves it there after the instance is
    gone: the next use fails with "Attempted to resolve undefined DagsterInstance weakref".
    Every test starts and ends with none set; nothing here needs one across tests."""
    from dagster._core.storage.defs_state.base import _current_storage

    _current_storage.set(None)
    yield
    _current_storage.set(None)

"""Dagster's own storage on PostgreSQL: deploy/dagster-postgres.yaml against the test server.

Runs only where dagster-postgres (and psycopg2) is installed: the `postgres` extra.
"""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from dagster import AssetKey, DagsterInstance, DagsterRunStatus, materialize

from pipelines import warehouse
from pipelines.assets import reference
from pipelines.resources import WarehouseResource

DEPLOY_CONFIG = Path(__file__).resolve().parents[1] / "deploy" / "dagster-postgres.yaml"


def test_runs_are_stored_in_postgres(new_postgres_database, tmp_path, monkeypatch):
    dagster_url = sa.make_url(new_postgres_database())
    warehouse_url = new_postgres_database()
    pytest.importorskip("dagster_postgres", reason="dagster-postgres is not installed "
                        "(pip install -e '.[postgres]')")
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(DEPLOY_CONFIG, home / "dagster.yaml")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    for var, value in {"DAGSTER_PG_HOST": dagster_url.host, "DAGSTER_PG_PORT": dagster_url.port,
                       "DAGSTER_PG_DB": dagster_url.database,
                       "DAGSTER_PG_USERNAME": dagster_url.username,
                       "DAGSTER_PG_PASSWORD": dagster_url.password or ""}.items():
        monkeypatch.setenv(var, str(value))

    instance = DagsterInstance.from_config(str(home))
    try:
        assert type(instance.run_storage).__name__ == "PostgresRunStorage"
        assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
        assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
        result = materialize([reference.region], instance=instance,
                             resources={"warehouse_db": WarehouseResource(url=warehouse_url)})
        assert result.success
        run_id = result.run_id
    finally:
        instance.dispose()

    # the run, its materialisation and the warehouse rows are all in PostgreSQL
    engine = sa.create_engine(dagster_url.set(drivername="postgresql+psycopg"))
    with engine.connect() as conn:
        runs = conn.execute(sa.text("SELECT run_id, status FROM runs")).all()
        materialised = conn.execute(sa.text(
            "SELECT count(*) FROM event_logs WHERE run_id = :r AND asset_key LIKE '%region%' "
            "AND dagster_event_type = 'ASSET_MATERIALIZATION'"), {"r": run_id}).scalar()
    engine.dispose()
    assert runs == [(run_id, "SUCCESS")]
    assert materialised == 1

    again = DagsterInstance.from_config(str(home))  # a new process would see the same
    try:
        run = again.get_run_by_id(run_id)
        assert run is not None and run.status == DagsterRunStatus.SUCCESS
        assert again.get_latest_materialization_event(AssetKey("region")) is not None
    finally:
        again.dispose()
    wh_engine = warehouse.engine_for(warehouse_url)
    assert len(warehouse.read_table(wh_engine, "region")) == 514
    wh_engine.dispose()
    assert list(home.iterdir()) != [] and not (home / "history").exists()  # no SQLite storage

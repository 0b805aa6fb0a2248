"""Two cohorts ingested at the same time by two processes, on SQLite and on PostgreSQL.

Both ``smartcity ingest`` processes share the warehouse and a brand-new Dagster home (as a
manual backfill started beside the nightly schedule would): both succeed, neither reports
"database is locked" or a duplicate key, and the warehouse ends exactly as one sequential run
leaves it. The runner creates the Dagster home under a file lock; PostgreSQL replacements are
serialised by an advisory lock.
"""

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from dagster import DagsterInstance, DagsterRunStatus

from builders import evaluation, masterplan, programme
from pipelines import runner, warehouse

SMARTCITY = Path(sys.executable).with_name("smartcity")


def all_hashes(engine: sa.Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {t.name: hashlib.sha256("\n".join(sorted(map(repr, conn.execute(
            sa.select(t)).all()))).encode()).hexdigest() for t in warehouse.metadata.sorted_tables}


def test_two_cohorts_ingested_concurrently(tmp_path, warehouse_url):
    raw, url, home = tmp_path / "raw", warehouse_url, tmp_path / "dagster"
    for year, region, code, province in ((2022, "Kota Jambi", "15.71", "Jambi"),
                                         (2023, "Kota Bandung", "32.73", "Jawa Barat")):
        rows = [programme(), programme("SE-02", "Pasar", "Smart Economy", "Industri")]
        masterplan(raw / str(year) / "plan.xlsx", rows=rows, region=region, code=code,
                   province=province)
        evaluation(raw / str(year) / "eval.xlsx",
                   [["SG-01", None, "Operasional", 80, None, None, None, None]],
                   region=region, code=code, province=province)

    env = {**os.environ, "RAW_DIR": str(raw), "WAREHOUSE_URL": url, "DAGSTER_HOME": str(home)}
    procs = [subprocess.Popen([str(SMARTCITY), "ingest", "--cohort", str(year)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for year in (2022, 2023)]
    outputs = [p.communicate(timeout=180)[0] for p in procs]
    for proc, out in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, out[-3000:]
        assert "locked" not in out.lower(), out[-3000:]

    shared = DagsterInstance.from_config(str(home))
    runs = shared.get_runs()
    assert len(runs) == 2  # reference and one cohort in one run, twice
    assert {r.status for r in runs} == {DagsterRunStatus.SUCCESS}
    engine = warehouse.engine_for(url)
    subs = warehouse.read_table(engine, "submission")
    assert sorted(subs["cohort_year"].dropna().astype(int)) == [2022, 2022, 2023, 2023]
    concurrent = all_hashes(engine)
    assert runner.ingest([2022, 2023], str(raw), url, dagster=DagsterInstance.ephemeral())
    assert all_hashes(engine) == concurrent  # what one sequential run leaves

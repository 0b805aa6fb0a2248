"""Materialising the assets through Dagster from plain Python (used by ``smartcity ingest``).

Runs go to the Dagster instance in ``$DAGSTER_HOME`` when it is set, else to ``./.dagster``,
so the runs, materialisations and check results show in the UI started from the same folder.
"""

import fcntl
import os
import time
import warnings
from collections.abc import Callable, Iterable
from pathlib import Path

from dagster import DagsterInstance, materialize

from pipelines.assets import reconciliation, reference, submissions, summaries
from pipelines.partitions import cohort_years
from pipelines.resources import RawStoreResource, WarehouseResource

DEFAULT_DAGSTER_HOME = ".dagster"


def instance() -> DagsterInstance:
    """The Dagster instance in ``$DAGSTER_HOME`` (default ``./.dagster``), created on first use
    under a file lock, so two runs starting at once do not both create its storage."""
    home = Path(os.environ.get("DAGSTER_HOME") or DEFAULT_DAGSTER_HOME).resolve()
    home.mkdir(parents=True, exist_ok=True)
    with open(home / ".create.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        config = home / "dagster.yaml"
        if not config.exists():
            config.write_text("telemetry:\n  enabled: false\nrun_retries:\n  enabled: true\n")
        dagster = DagsterInstance.from_config(str(home))
        fcntl.flock(lock, fcntl.LOCK_UN)
    return dagster


def resources(raw_dir: str = "", warehouse_url: str = "") -> dict:
    return {"raw_store": RawStoreResource(raw_dir=raw_dir),
            "warehouse_db": WarehouseResource(url=warehouse_url)}


def ingest(cohorts: Iterable[int] | None = None, raw_dir: str = "", warehouse_url: str = "",
           dagster: DagsterInstance | None = None,
           progress: Callable[[str, float], None] | None = None,
           log_level: str = "WARNING") -> bool:
    """Reference data, then each cohort partition; True when every run succeeded."""
    dagster = dagster or instance()
    res = resources(raw_dir, warehouse_url)
    ok = True
    steps: list[tuple[str, list, str | None]] = [
        ("reference", [reference.region, reference.reference_tables,
                       reference.raw_reference_workbooks], None)]
    cohort_assets = [submissions.cohort_submissions, reconciliation.cohort_reconciliation,
                     summaries.cohort_summaries]
    steps += [(str(y), [*cohort_assets, submissions.raw_cohort_files, reference.region,
                        reference.reference_tables], str(y))
              for y in (cohorts or cohort_years())]
    for label, assets, partition in steps:
        start = time.perf_counter()
        selection = (cohort_assets if partition else
                     [reference.region, reference.reference_tables])
        with warnings.catch_warnings():
            # one run per cohort: the summaries' single-run backfill policy does not apply
            warnings.filterwarnings("ignore", message=".*varying BackfillPolicies.*")
            result = materialize(assets, selection=selection, partition_key=partition,
                                 instance=dagster, resources=res, raise_on_error=False,
                                 run_config={"loggers": {"console": {"config": {
                                     "log_level": log_level}}}})
        ok &= result.success
        if progress:
            progress(label if result.success else f"{label} FAILED",
                     time.perf_counter() - start)
    return ok

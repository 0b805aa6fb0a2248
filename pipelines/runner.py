"""Materialising the assets through Dagster from plain Python (used by ``smartcity ingest``).

Runs go to the Dagster instance in ``$DAGSTER_HOME`` when it is set, else to ``./.dagster``,
so the runs, materialisations and check results show in the UI started from the same folder.
"""

import fcntl
import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from dagster import AssetsDefinition, AssetSpec, DagsterInstance, materialize

from pipelines.assets import reconciliation, reference, submissions, summaries
from pipelines.partitions import cohort_partitions, cohort_years
from pipelines.pool import prestart
from pipelines.resources import RawStoreResource, WarehouseResource

DEFAULT_DAGSTER_HOME = ".dagster"
# The run tags by which a run materialises a range of partitions (as a single-run backfill)
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"


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


def ranges(years: Iterable[int]) -> list[tuple[str, str]]:
    """``years`` as runs of consecutive cohort partitions (first, last): 2017-2019 and
    2021-2024 are one range, since 2020 is no partition."""
    keys = cohort_partitions.get_partition_keys()
    wanted = sorted({keys.index(str(y)) for y in years})
    out: list[tuple[str, str]] = []
    for i in wanted:
        if out and keys.index(out[-1][1]) == i - 1:
            out[-1] = (out[-1][0], keys[i])
        else:
            out.append((keys[i], keys[i]))
    return out


def ingest(cohorts: Iterable[int] | None = None, raw_dir: str = "", warehouse_url: str = "",
           dagster: DagsterInstance | None = None,
           progress: Callable[[str, float], None] | None = None,
           log_level: str = "WARNING") -> bool:
    """Reference data and the cohorts (default: all) in one Dagster run per range of
    consecutive cohort partitions, as a single-run backfill: every cohort of the range is
    its own partition materialisation, written in its own transaction. True when every run
    succeeded."""
    prestart()  # the reader workers start while Dagster loads its instance
    dagster = dagster or instance()
    res = resources(raw_dir, warehouse_url)
    cohort_assets: list[AssetsDefinition] = [
        submissions.cohort_submissions, reconciliation.cohort_reconciliation,
        summaries.cohort_summaries]
    reference_assets: list[AssetsDefinition] = [reference.region, reference.reference_tables]
    assets: list[AssetsDefinition | AssetSpec] = [
        *reference_assets, *cohort_assets, submissions.raw_cohort_files,
        reference.raw_reference_workbooks]
    runs: list[tuple[str, str] | None] = [
        *ranges(cohort_years() if cohorts is None else cohorts)] or [None]
    ok = True
    for i, span in enumerate(runs):
        start = time.perf_counter()
        selection = [*(reference_assets if i == 0 else []), *(cohort_assets if span else [])]
        tags = {RANGE_START: span[0],
                RANGE_END: span[1]} if span else None
        result = materialize(assets, selection=selection, instance=dagster, resources=res,
                             raise_on_error=False, tags=tags,
                             run_config={"loggers": {"console": {"config": {
                                 "log_level": log_level}}}})
        ok &= result.success
        if progress:
            label = " ".join([*(["reference"] if i == 0 else []),
                              *([span[0] if span[0] == span[1] else f"{span[0]}-{span[1]}"]
                                if span else [])])
            progress(label if result.success else f"{label} FAILED",
                     time.perf_counter() - start)
    return ok

"""Cohort submissions: master plans and evaluations, one partition per cohort year."""

from pathlib import Path
from typing import Any

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetSpec,
    BackfillPolicy,
    DagsterInvariantViolationError,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from pipelines import warehouse
from pipelines.assets.metadata import preview, rejects_check, table_metadata, table_spec
from pipelines.cohort import conservation
from pipelines.ingest import ingest_cohorts
from pipelines.limits import applied
from pipelines.partitions import cohort_partitions
from pipelines.resources import RawStoreResource, WarehouseResource

GROUP = "submissions"
CACHE_FOLDER = "smartcity-cache"  # under $DAGSTER_HOME: see pipelines.readcache

raw_cohort_files = AssetSpec(
    "raw_cohort_files", group_name="raw", kinds={"excel"}, partitions_def=cohort_partitions,
    description="Spreadsheets sent by regions of a cohort, under RAW_DIR/<cohort year>/ "
                "(.xlsx, .xlsm, .xls, .ods, in any sub-folder). Read, never modified.",
)

_DESCRIPTIONS = {
    "submission": "One row per raw file of the cohort: path, sha256, kind, region, status "
                  "(loaded, rejected, superseded), reason, and rows in/clean/rejected.",
    "masterplan_program": "One row per programme of the current master plan of each region "
                          "of the cohort, with its lineage (submission, sheet, row).",
    "evaluation_result": "One row per (region, evaluation year, programme) of the cohort's "
                         "current evaluations, with lineage.",
    "evaluation_score": "One row per index component or dimension score of an evaluation "
                        "(0-5 scale), with lineage.",
    "rejected_row": "One row per refused input row or cell: file, sheet, row, column, check, "
                    "value and a message the regional officer can act on.",
    "officer_contact": "One row per submission with contact details in its identity sheet "
                       "(name, e-mail, phone): the only table that holds them.",
}


@multi_asset(
    specs=[table_spec(name, GROUP, ["raw_cohort_files", "region"], description)
           for name, description in _DESCRIPTIONS.items()],
    partitions_def=cohort_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    check_specs=[
        AssetCheckSpec("row_conservation", asset="submission",
                       description="Every data row read is either clean or rejected."),
        AssetCheckSpec("files_accepted", asset="submission",
                       description="Every file of the cohort could be read and placed."),
        AssetCheckSpec("masterplan_rows_valid", asset="masterplan_program",
                       description="pandera validation and parsing of programme rows."),
        AssetCheckSpec("evaluation_rows_valid", asset="evaluation_result",
                       description="pandera validation and parsing of evaluation rows, "
                                   "scores, and their match to the master plan."),
    ],
)
def cohort_submissions(context: AssetExecutionContext, raw_store: RawStoreResource,
                       warehouse_db: WarehouseResource):
    """Reads every file of each cohort in the run, validates it, and replaces the cohort's
    rows of all six tables in one transaction per cohort (re-running the same files changes
    nothing). A backfill of several cohorts is one run: the reader workers go from one
    cohort's files to the next while the previous cohort is validated and written."""
    engine = warehouse_db.engine()
    years = [int(k) for k in context.partition_keys]
    gaps, subs, rejects = [], [], []
    clean = {"masterplan_program": 0, "evaluation": 0}
    with applied(raw_store.file_limits()) as limits:  # every file is read within these limits
        for year, tables in ingest_cohorts(raw_store.path(), years, raw_store.workers or None,
                                           limits, _cache_dir(context)):
            counts = warehouse.replace_cohort(engine, year, tables)
            for name in _DESCRIPTIONS:
                context.add_asset_metadata(_table_meta(name, tables, counts), asset_key=name,
                                           partition_key=str(year))
            gaps.append(conservation(tables).assign(cohort_year=year))
            subs.append(tables["submission"])
            rejects.append(tables["rejected_row"])
            clean["masterplan_program"] += len(tables.get("masterplan_program", []))
            clean["evaluation"] += (len(tables.get("evaluation_result", []))
                                    + len(tables.get("evaluation_score", [])))
    for name in _DESCRIPTIONS:
        yield MaterializeResult(asset_key=name)
    yield from _checks(_concat(gaps), _concat(subs), _concat(rejects), clean)


def _cache_dir(context: AssetExecutionContext) -> Path | None:
    """Where the results of reading each file are kept between runs: the Dagster instance's
    folder (none for an instance without one, e.g. an ephemeral one in tests)."""
    try:
        root = context.instance.root_directory
    except DagsterInvariantViolationError:
        return None
    return Path(root) / CACHE_FOLDER if root else None


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if not f.empty]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _table_meta(name: str, tables: dict[str, pd.DataFrame], counts: dict[str, int]) -> dict:
    """One cohort's metadata for one table (row count, preview, statuses)."""
    frame = tables.get(name, pd.DataFrame())
    if name == "officer_contact":  # never preview contact details
        return {"dagster/row_count": counts[name]}
    meta: dict[str, Any] = table_metadata(frame)
    if name == "submission" and not frame.empty:
        meta["by_status"] = MetadataValue.json(
            {k: int(v) for k, v in frame.groupby("status").size().items()})
    return meta


def _by_cohort(frame: pd.DataFrame) -> MetadataValue:
    counts = frame.groupby("cohort_year").size() if not frame.empty else pd.Series()
    return MetadataValue.json({str(k): int(v) for k, v in counts.items()})


def _checks(gaps: pd.DataFrame, subs: pd.DataFrame, rejects: pd.DataFrame,
            clean: dict[str, int]):
    """The checks over every cohort of the run (counts per cohort in the metadata)."""
    lost = gaps[gaps["gap"] != 0] if not gaps.empty else gaps
    yield AssetCheckResult(
        asset_key="submission", check_name="row_conservation", passed=lost.empty,
        severity=AssetCheckSeverity.ERROR,
        metadata={"files": len(gaps),
                  "rows_in": int(gaps["rows_total"].sum()) if not gaps.empty else 0,
                  "rows_clean": int(gaps["clean"].sum()) if not gaps.empty else 0,
                  "rows_rejected": int(gaps["rejected"].sum()) if not gaps.empty else 0,
                  "files_with_gap": preview(lost)},
    )
    bad = subs[subs["status"] == "rejected"] if not subs.empty else subs
    yield AssetCheckResult(
        asset_key="submission", check_name="files_accepted", passed=bad.empty,
        severity=AssetCheckSeverity.WARN,
        metadata={"files": len(subs), "rejected_files": len(bad),
                  "rejected_by_cohort": _by_cohort(bad),
                  "rejected_sample": preview(bad.reindex(columns=["source_path", "reason"])
                                             if not bad.empty else bad, 20)},
    )
    file_level = rejects[rejects["row_number"].isna()] if not rejects.empty else rejects
    row_level = rejects.drop(file_level.index) if not rejects.empty else rejects
    yield rejects_check("masterplan_program", "masterplan_rows_valid", row_level,
                        clean["masterplan_program"], ("masterplan",))
    yield rejects_check("evaluation_result", "evaluation_rows_valid", row_level,
                        clean["evaluation"], ("evaluation",))

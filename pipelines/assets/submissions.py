"""Cohort submissions: master plans and evaluations, one partition per cohort year."""

from typing import Any

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetSpec,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from pipelines import warehouse
from pipelines.assets.metadata import preview, rejects_check, table_metadata, table_spec
from pipelines.cohort import conservation
from pipelines.ingest import ingest_cohort
from pipelines.limits import applied
from pipelines.partitions import cohort_partitions
from pipelines.resources import RawStoreResource, WarehouseResource

GROUP = "submissions"

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
    """Reads every file of the cohort, validates it, and replaces the cohort's rows of all
    six tables in one transaction (re-running the same files changes nothing)."""
    year = int(context.partition_key)
    with applied(raw_store.file_limits()):  # every file is read within these limits
        tables = ingest_cohort(raw_store.path(), year, raw_store.workers or None)
    counts = warehouse.replace_cohort(warehouse_db.engine(), year, tables)
    subs, rejects = tables["submission"], tables["rejected_row"]
    for name in _DESCRIPTIONS:
        frame = tables.get(name, pd.DataFrame())
        meta: dict[str, Any]
        if name == "officer_contact":  # never preview contact details
            meta = {"dagster/row_count": counts[name]}
        else:
            meta = table_metadata(frame)
        if name == "submission" and not subs.empty:
            meta["by_status"] = MetadataValue.json(
                {k: int(v) for k, v in subs.groupby("status").size().items()})
        yield MaterializeResult(asset_key=name, metadata=meta)

    gaps = conservation(tables)
    lost = gaps[gaps["gap"] != 0]
    yield AssetCheckResult(
        asset_key="submission", check_name="row_conservation", passed=lost.empty,
        severity=AssetCheckSeverity.ERROR,
        metadata={"files": len(gaps), "rows_in": int(gaps["rows_total"].sum()),
                  "rows_clean": int(gaps["clean"].sum()),
                  "rows_rejected": int(gaps["rejected"].sum()),
                  "files_with_gap": preview(lost)},
    )
    bad = subs[subs["status"] == "rejected"] if not subs.empty else subs
    yield AssetCheckResult(
        asset_key="submission", check_name="files_accepted", passed=bad.empty,
        severity=AssetCheckSeverity.WARN,
        metadata={"files": len(subs), "rejected_files": len(bad),
                  "rejected_sample": preview(bad.reindex(columns=["source_path", "reason"])
                                             if not bad.empty else bad, 20)},
    )
    clean_plans = len(tables.get("masterplan_program", []))
    clean_evals = len(tables.get("evaluation_result", [])) + len(tables.get("evaluation_score",
                                                                           []))
    file_level = rejects[rejects["row_number"].isna()] if not rejects.empty else rejects
    row_level = rejects.drop(file_level.index) if not rejects.empty else rejects
    yield rejects_check("masterplan_program", "masterplan_rows_valid", row_level, clean_plans,
                        ("masterplan",))
    yield rejects_check("evaluation_result", "evaluation_rows_valid", row_level, clean_evals,
                        ("evaluation",))

"""Metadata and check results shared by the asset modules (thin: formatting only)."""

import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue

PREVIEW_ROWS = 10


def preview(frame: pd.DataFrame, rows: int = PREVIEW_ROWS) -> MetadataValue:
    if frame.empty:
        return MetadataValue.md("_no rows_")
    return MetadataValue.md(frame.head(rows).to_markdown(index=False))


def table_metadata(frame: pd.DataFrame) -> dict:
    return {"dagster/row_count": len(frame), "preview": preview(frame)}


def rejects_check(asset_key: str, name: str, rejects: pd.DataFrame, rows_clean: int,
                  kinds: tuple[str, ...] | None = None) -> AssetCheckResult:
    """A warning check: passes when no row of this table was rejected; counts and samples."""
    subset = rejects
    if kinds is not None and not rejects.empty:
        subset = rejects[rejects["kind"].isin(kinds)]
    by_check = subset.groupby("check_name").size().to_dict() if not subset.empty else {}
    sample_cols = ["source_path", "sheet", "row_number", "column_name", "check_name", "value",
                   "message"]
    return AssetCheckResult(
        asset_key=asset_key, check_name=name, passed=subset.empty,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "rows_clean": rows_clean,
            "cells_rejected": len(subset),
            "rows_rejected": int(subset.drop_duplicates(
                ["submission_id", "sheet", "row_number"]).shape[0]) if not subset.empty else 0,
            "failures_by_check": MetadataValue.json({str(k): int(v) for k, v in
                                                      by_check.items()}),
            "failure_sample": preview(subset.reindex(columns=sample_cols)
                                      if not subset.empty else subset, 20),
        },
    )


def column_schema(table: str) -> dict:
    """``dagster/column_schema`` metadata for a warehouse table, from its SQLAlchemy
    declaration (the one place tables are declared), so the UI shows each column's type."""
    from dagster import TableColumn, TableColumnConstraints, TableSchema

    from pipelines import warehouse

    columns = [
        TableColumn(col.name, str(col.type).lower(),
                    constraints=TableColumnConstraints(nullable=bool(col.nullable),
                                                       unique=bool(col.primary_key and len(
                                                           col.table.primary_key) == 1)))
        for col in warehouse.metadata.tables[table].columns
    ]
    return {"dagster/column_schema": TableSchema(columns=columns)}


def table_spec(name: str, group: str, deps: list[str], description: str):
    """The AssetSpec of a cohort-partitioned warehouse table: one group per domain, the
    domain as tag, SQL kind, the owning team, its column schema and its grain."""
    from dagster import AssetSpec

    from pipelines.partitions import cohort_partitions

    return AssetSpec(name, group_name=group, kinds={"sql"}, deps=deps,
                     partitions_def=cohort_partitions, description=description,
                     owners=["team:data-engineering"], tags={"domain": group},
                     metadata=column_schema(name))

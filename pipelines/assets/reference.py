"""Reference data: the region registry and the programme office's reference workbooks."""

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetSpec,
    MaterializeResult,
    asset,
    multi_asset,
)

from pipelines import warehouse
from pipelines.assets.metadata import column_schema, rejects_check, table_metadata
from pipelines.cohort import conservation
from pipelines.reference import build_reference
from pipelines.regions import registry
from pipelines.resources import RawStoreResource, WarehouseResource

GROUP = "reference"

raw_reference_workbooks = AssetSpec(
    "raw_reference_workbooks", group_name="raw", kinds={"excel"},
    description="The programme office's workbooks under RAW_DIR/reference/: cohort "
                "memberships and RPJMD/RPD periods. Maintained by hand; read, never modified.",
)


@asset(group_name=GROUP, kinds={"sql"}, owners=["team:data-engineering"],
       tags={"domain": "reference"}, metadata=column_schema("region"))
def region(context: AssetExecutionContext, warehouse_db: WarehouseResource) -> MaterializeResult:
    """One row per kabupaten/kota (514): code NN.NN, province, official name, kind, BPS code,
    pre-2022 code. Source: Kepmendagri 2025 codes and the BPS 2020 crosswalk shipped in
    ``pipelines/reference_data`` (see its SOURCES.md)."""
    frame = registry().regions
    warehouse.replace_regions(warehouse_db.engine(), frame)
    return MaterializeResult(metadata=table_metadata(frame))


@multi_asset(
    specs=[
        AssetSpec("cohort_membership", group_name=GROUP, kinds={"sql"},
                  tags={"domain": "reference"},
                  metadata=column_schema("cohort_membership"),
                  deps=["raw_reference_workbooks", "region"], owners=["team:data-engineering"],
                  description="One row per (cohort year, region), from the cohort workbook "
                              "under RAW_DIR/reference/. Rows naming an unknown region go to "
                              "rejected_row."),
        AssetSpec("rpjmd_period", group_name=GROUP, kinds={"sql"}, tags={"domain": "reference"},
                  metadata=column_schema("rpjmd_period"),
                  deps=["raw_reference_workbooks", "region"], owners=["team:data-engineering"],
                  description="One row per plan document of a region (RPJMD or RPD, start and "
                              "end year, legal basis), from the periods workbook under "
                              "RAW_DIR/reference/."),
    ],
    check_specs=[
        AssetCheckSpec("reference_rows_valid", asset="cohort_membership",
                       description="Every reference row resolved and passed validation."),
        AssetCheckSpec("reference_row_conservation", asset="cohort_membership",
                       description="Rows read = clean rows + rejected rows, per file."),
    ],
)
def reference_tables(context: AssetExecutionContext, raw_store: RawStoreResource,
                     warehouse_db: WarehouseResource):
    """Reads every reference workbook, resolves regions, validates, and replaces the
    reference tables (and the reference files' ``submission``/``rejected_row`` rows) in one
    transaction."""
    tables = build_reference(raw_store.path())
    warehouse.replace_reference(warehouse_db.engine(), tables)
    rejects = tables["rejected_row"]
    for name in ("cohort_membership", "rpjmd_period"):
        yield MaterializeResult(asset_key=name, metadata=table_metadata(
            tables.get(name, pd.DataFrame())))
    clean = sum(len(tables.get(n, [])) for n in ("cohort_membership", "rpjmd_period"))
    yield rejects_check("cohort_membership", "reference_rows_valid", rejects, clean)
    gaps = conservation(tables)
    yield AssetCheckResult(
        asset_key="cohort_membership", check_name="reference_row_conservation",
        passed=bool((gaps["gap"] == 0).all()), severity=AssetCheckSeverity.ERROR,
        metadata={"files": len(gaps), "rows_lost": int(gaps["gap"].abs().sum())},
    )

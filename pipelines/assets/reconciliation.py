"""Reconciliation: programmes against RPJMD/RPD timelines and their evaluations."""

from typing import Any

import pandas as pd
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    BackfillPolicy,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)

from pipelines import warehouse
from pipelines.assets.metadata import preview, table_metadata, table_spec
from pipelines.partitions import cohort_partitions
from pipelines.reconcile import reconcile
from pipelines.resources import WarehouseResource

GROUP = "reconciliation"
_DEPS = ["masterplan_program", "evaluation_result", "rpjmd_period"]


def _counts(frame: pd.DataFrame, column: str) -> MetadataValue:
    counts = frame[column].value_counts().to_dict() if not frame.empty else {}
    return MetadataValue.json({str(k): int(v) for k, v in counts.items()})


def _finding_check(asset: str, name: str, findings: pd.DataFrame,
                   kinds: tuple[str, ...]) -> AssetCheckResult:
    hits = findings[findings["finding"].isin(kinds)] if not findings.empty else findings
    return AssetCheckResult(
        asset_key=asset, check_name=name, passed=hits.empty,
        severity=AssetCheckSeverity.WARN,
        metadata={"findings": len(hits), "by_finding": _counts(hits, "finding"),
                  "examples": preview(hits.reindex(columns=[
                      "cohort_year", "region_code", "program_code", "finding", "severity",
                      "message"])
                      if not hits.empty else hits, 20)},
    )


@multi_asset(
    specs=[
        table_spec("program_alignment", GROUP, _DEPS,
                   "One row per programme of each current master plan of the cohort: the "
                   "RPJMD/RPD documents covering its years, its timeline status (within, "
                   "crosses_boundary, beyond_last_period, no_plan_for_years), its evaluations "
                   "and delivery (overdue, unreported, ...), severity and an actionable message."),
        table_spec("reconciliation_finding", GROUP, _DEPS,
                   "One row per reconciliation finding, with severity and a sentence a planner "
                   "can act on, and the programme's lineage."),
    ],
    partitions_def=cohort_partitions,
    backfill_policy=BackfillPolicy.single_run(),
    check_specs=[
        AssetCheckSpec("timeline_alignment", asset="program_alignment",
                       description="Programmes outside one RPJMD/RPD period (warning)."),
        AssetCheckSpec("delivery_on_schedule", asset="program_alignment",
                       description="Programmes past their end year unfinished or unreported."),
        AssetCheckSpec("evaluations_consistent", asset="program_alignment",
                       description="Evaluations outside a programme's years; progress going "
                                   "backwards."),
    ],
)
def cohort_reconciliation(context: AssetExecutionContext, warehouse_db: WarehouseResource):
    """Reads each cohort's clean programmes and evaluations and the regions' plan periods,
    reconciles them, and replaces the cohort's alignment rows and findings in one
    transaction per cohort (a backfill of several cohorts is one run)."""
    engine = warehouse_db.engine()
    periods = warehouse.read_table(engine, "rpjmd_period")
    every: list[pd.DataFrame] = []
    for key in context.partition_keys:
        year = int(key)
        where, params = "cohort_year = :y", {"y": year}
        programs = warehouse.read_table(engine, "masterplan_program", where, params)
        results = warehouse.read_table(engine, "evaluation_result", where, params)
        alignment, findings = reconcile(programs, periods, results)
        warehouse.replace_cohort(engine, year, {"program_alignment": alignment,
                                                "reconciliation_finding": findings},
                                 warehouse.RECONCILIATION_TABLES)
        meta: dict[str, Any] = table_metadata(alignment)
        meta["by_status"] = _counts(alignment, "status")
        meta["by_delivery"] = _counts(alignment, "delivery")
        context.add_asset_metadata(meta, asset_key="program_alignment", partition_key=key)
        fmeta: dict[str, Any] = table_metadata(findings)
        fmeta["by_finding"] = _counts(findings, "finding")
        context.add_asset_metadata(fmeta, asset_key="reconciliation_finding", partition_key=key)
        if not findings.empty:
            every.append(findings)
    findings = pd.concat(every, ignore_index=True) if every else pd.DataFrame()
    yield MaterializeResult(asset_key="program_alignment")
    yield MaterializeResult(asset_key="reconciliation_finding")
    yield _finding_check("program_alignment", "timeline_alignment", findings,
                         ("crosses_boundary", "beyond_last_period", "no_plan_for_years",
                          "quick_win_outside_period"))
    yield _finding_check("program_alignment", "delivery_on_schedule", findings,
                         ("overdue", "unreported"))
    yield _finding_check("program_alignment", "evaluations_consistent", findings,
                         ("evaluated_outside_span", "progress_backwards"))

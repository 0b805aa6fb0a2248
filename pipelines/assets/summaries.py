"""Cohort summaries: completeness, per-region scorecards and the one-row cohort summary."""

from datetime import date

from dagster import (
    AssetExecutionContext,
    BackfillPolicy,
    Config,
    MaterializeResult,
    MetadataValue,
    multi_asset,
)
from pydantic import Field

from pipelines import scorecard, warehouse
from pipelines.assets.metadata import table_metadata, table_spec
from pipelines.partitions import cohort_partitions
from pipelines.resources import WarehouseResource

GROUP = "summaries"
_DEPS = ["cohort_membership", "region", "submission", "masterplan_program",
         "evaluation_result", "evaluation_score", "program_alignment"]


class DeadlineConfig(Config):
    """Submission deadlines: evaluation year -> ISO date (default: 31 December of the year)."""

    evaluation_deadlines: dict[str, str] = Field(default_factory=dict)

    def parsed(self) -> dict[int, date]:
        return {int(y): date.fromisoformat(d) for y, d in self.evaluation_deadlines.items()}


@multi_asset(
    specs=[
        table_spec("evaluation_completeness", GROUP, _DEPS,
                   "One row per (cohort year, evaluation year): member regions expected to "
                   "report, evaluations received, received on time."),
        table_spec("region_scorecard", GROUP, _DEPS,
                   "One row per region of the cohort: plan and evaluations received, "
                   "programmes, alignment, progress, budgets, index."),
        table_spec("cohort_summary", GROUP, _DEPS,
                   "One row per cohort year, built from the region scorecards: members, plans, "
                   "completeness, programmes by dimension, share within plan period, progress, "
                   "overdue/unreported, budgets, mean index and its change."),
    ],
    partitions_def=cohort_partitions,
    backfill_policy=BackfillPolicy.single_run(),
)
def cohort_summaries(context: AssetExecutionContext, config: DeadlineConfig,
                     warehouse_db: WarehouseResource):
    """Recomputes the summaries of every cohort in the run (a backfill of several cohorts is
    one run) from the warehouse, each cohort replaced in one transaction."""
    engine = warehouse_db.engine()
    regions = warehouse.read_table(engine, "region")
    all_members = warehouse.read_table(engine, "cohort_membership")
    for key in context.partition_keys:
        year = int(key)
        where, params = "cohort_year = :y", {"y": year}
        t = {name: warehouse.read_table(engine, name, where, params) for name in (
            "submission", "masterplan_program", "evaluation_result", "evaluation_score",
            "program_alignment")}
        members = all_members[all_members["cohort_year"] == year]
        comp = scorecard.completeness(year, members, t["submission"], config.parsed())
        cards = scorecard.scorecards(year, members, regions, t["submission"],
                                     t["masterplan_program"], t["evaluation_result"],
                                     t["evaluation_score"], t["program_alignment"],
                                     config.parsed())
        summary = scorecard.cohort_summary(year, cards, comp, t["masterplan_program"],
                                           t["evaluation_result"], t["program_alignment"],
                                           t["evaluation_score"])
        tables = {"evaluation_completeness": comp, "region_scorecard": cards,
                  "cohort_summary": summary}
        warehouse.replace_cohort(engine, year, tables, warehouse.SUMMARY_TABLES)
        for name, frame in tables.items():
            context.add_asset_metadata(table_metadata(frame), asset_key=name, partition_key=key)
    from pipelines.report import map_summary  # plotly and Pillow: loaded only by this run

    maps = map_summary(engine)  # the static maps, drawn once from the warehouse just written
    (context.log.warning if maps.gaps else context.log.info)(f"maps: {maps.coverage}")
    # the same map (of every cohort) on each partition: the UI shows it on whichever it opens
    context.add_asset_metadata({"map": MetadataValue.md(maps.markdown),
                                "map_coverage": maps.coverage}, asset_key="cohort_summary")
    for name in ("evaluation_completeness", "region_scorecard", "cohort_summary"):
        yield MaterializeResult(asset_key=name)

"""The one place the Dagster Definitions are built; project-wide policy is applied here.

Policy: the in-process executor (steps are few and small; the multiprocess executor costs
seconds per step, and file parsing already runs in worker processes), resources with working
local defaults, nothing read from the environment at import time. Jobs, schedules and sensors
(what runs when, and retries) are wired in :mod:`pipelines.automation`.
"""

from dagster import (
    Definitions,
    in_process_executor,
    load_asset_checks_from_modules,
    with_source_code_references,
)

from pipelines import automation
from pipelines.assets import reconciliation, reference, submissions, summaries
from pipelines.resources import RawStoreResource, WarehouseResource

defs = Definitions(
    # code references: each asset links to its source file and line in the UI
    assets=with_source_code_references([
        reference.raw_reference_workbooks,
        reference.region,
        reference.reference_tables,
        submissions.raw_cohort_files,
        submissions.cohort_submissions,
        reconciliation.cohort_reconciliation,
        summaries.cohort_summaries,
    ]),
    asset_checks=load_asset_checks_from_modules([reference, submissions, reconciliation]),
    jobs=[automation.cohort_job, automation.reference_job, automation.cohort_derived_job],
    schedules=[automation.nightly_ingestion, automation.nightly_reference],
    sensors=[automation.raw_files_sensor, automation.reference_followup,
             automation.run_failure_recorder],
    resources={"raw_store": RawStoreResource(), "warehouse_db": WarehouseResource()},
    executor=in_process_executor,
)

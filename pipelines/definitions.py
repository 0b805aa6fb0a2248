"""The one place the Dagster Definitions are built; project-wide policy is applied here.

Policy: the in-process executor (steps are few and small; the multiprocess executor costs
seconds per step, and file parsing already runs in worker processes), resources with working
local defaults, nothing read from the environment at import time.
"""

from dagster import Definitions, in_process_executor, load_asset_checks_from_modules

from pipelines.assets import reference, submissions
from pipelines.resources import RawStoreResource, WarehouseResource

defs = Definitions(
    assets=[
        reference.raw_reference_workbooks,
        reference.region,
        reference.reference_tables,
        submissions.raw_cohort_files,
        submissions.cohort_submissions,
    ],
    asset_checks=load_asset_checks_from_modules([reference, submissions]),
    resources={"raw_store": RawStoreResource(), "warehouse_db": WarehouseResource()},
    executor=in_process_executor,
)

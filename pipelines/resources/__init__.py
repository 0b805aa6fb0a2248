"""Dagster resources: where raw files are read from and where the warehouse is.

Both read their environment variable when a run starts, never at import time, and fall back
to working local defaults: ``RAW_DIR`` (``./raw``) and ``WAREHOUSE_URL``
(``sqlite:///warehouse/warehouse.db``). Dagster's ``EnvVar`` has no default (an unset
variable fails the run), so an empty field means "the variable, else the default". Tests set
the fields directly: swap the resource, never the asset.
"""

import os
import time
from pathlib import Path

import sqlalchemy as sa
from dagster import ConfigurableResource
from pydantic import Field

from pipelines import warehouse
from pipelines.limits import Limits

DEFAULT_RAW_DIR = "raw"
DEFAULT_WAREHOUSE_URL = "sqlite:///warehouse/warehouse.db"


class RawStoreResource(ConfigurableResource):
    """The folder of raw submissions: ``reference/`` and one folder per cohort year."""

    raw_dir: str = Field(default="", description="Empty: $RAW_DIR, else ./raw")
    workers: int = Field(default=0, description="Worker processes reading files; 0: auto")
    limits: dict[str, float] = Field(
        default_factory=dict,
        description="Overrides of the per-file limits (pipelines.limits.Limits), e.g. "
                    "{'file_timeout_s': 60, 'max_rows': 200000}; empty: the defaults")

    def path(self) -> Path:
        return Path(self.raw_dir or os.environ.get("RAW_DIR") or DEFAULT_RAW_DIR)

    def file_limits(self) -> Limits:
        """The limits every file of a run is held to (unknown names raise ValueError)."""
        return Limits.with_overrides(self.limits)


class WarehouseResource(ConfigurableResource):
    """The warehouse database (SQLAlchemy URL): SQLite by default, PostgreSQL in production."""

    url: str = Field(default="", description="Empty: $WAREHOUSE_URL, else the SQLite file")

    def resolved_url(self) -> str:
        return self.url or os.environ.get("WAREHOUSE_URL") or DEFAULT_WAREHOUSE_URL

    def engine(self) -> sa.Engine:
        """An engine with every table created (creating is idempotent).

        Two runs starting at once on a new warehouse both see a table missing and both
        create it; the loser's "already exists" error is retried, which then finds it.
        """
        engine = warehouse.engine_for(self.resolved_url())
        for attempt in range(5):
            try:
                warehouse.create_all(engine)
                break
            except sa.exc.DBAPIError:  # (sqlite) table ... already exists, (postgres) dup
                if attempt == 4:
                    raise
                time.sleep(0.2 * (attempt + 1))
        return engine

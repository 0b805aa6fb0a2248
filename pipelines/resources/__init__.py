"""Dagster resources: where raw files are read from and where the warehouse is.

Both read their environment variable when a run starts, never at import time, and fall back
to working local defaults: ``RAW_DIR`` (``./raw``) and ``WAREHOUSE_URL``
(``sqlite:///warehouse/warehouse.db``). Dagster's ``EnvVar`` has no default (an unset
variable fails the run), so an empty field means "the variable, else the default". Tests set
the fields directly: swap the resource, never the asset.
"""

import os
from pathlib import Path

import sqlalchemy as sa
from dagster import ConfigurableResource
from pydantic import Field

from pipelines import warehouse

DEFAULT_RAW_DIR = "raw"
DEFAULT_WAREHOUSE_URL = "sqlite:///warehouse/warehouse.db"


class RawStoreResource(ConfigurableResource):
    """The folder of raw submissions: ``reference/`` and one folder per cohort year."""

    raw_dir: str = Field(default="", description="Empty: $RAW_DIR, else ./raw")
    workers: int = Field(default=0, description="Worker processes reading files; 0: auto")

    def path(self) -> Path:
        return Path(self.raw_dir or os.environ.get("RAW_DIR") or DEFAULT_RAW_DIR)


class WarehouseResource(ConfigurableResource):
    """The warehouse database (SQLAlchemy URL): SQLite by default, PostgreSQL in production."""

    url: str = Field(default="", description="Empty: $WAREHOUSE_URL, else the SQLite file")

    def resolved_url(self) -> str:
        return self.url or os.environ.get("WAREHOUSE_URL") or DEFAULT_WAREHOUSE_URL

    def engine(self) -> sa.Engine:
        """An engine with every table created (creating is idempotent)."""
        engine = warehouse.engine_for(self.resolved_url())
        warehouse.create_all(engine)
        return engine

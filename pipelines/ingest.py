"""Ingesting one cohort's raw files into its warehouse tables (pure: no Dagster).

:func:`ingest_cohort` lists the cohort's files, processes them in worker processes, applies
the cross-file rules and validation of :mod:`pipelines.cohort`, and returns the tables to
write. Contact details from identity sheets go to ``officer_contact`` only.
"""

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from pipelines import cohort
from pipelines.discovery import cohort_files
from pipelines.intake import FileResult
from pipelines.pool import process_files


def ingest_cohort(raw_dir: Path, cohort_year: int, workers: int | None = None,
                  on_file: Callable[[FileResult], None] | None = None) -> dict[str, pd.DataFrame]:
    """The warehouse tables of ``cohort_year`` from the files under ``raw_dir/<year>/``."""
    paths = cohort_files(raw_dir, cohort_year)
    results = process_files(paths, raw_dir, cohort_year, workers, on_file)
    tables = cohort.build_tables(results, cohort_year)
    contacts = [{**res.contact, "cohort_year": cohort_year,
                 "region_code": res.submission.get("region_code")}
                for res in results if res.contact and any(
                    res.contact.get(k) for k in ("name", "email", "phone"))]
    tables["officer_contact"] = pd.DataFrame(contacts)
    return tables

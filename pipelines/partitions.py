"""Cohort-year partitions: one per year in which the programme took in regions.

The years come from the shipped per-year cohort counts (``reference_data/cohort_counts.csv``);
2020 took in none, so it has no partition.
"""

import csv
from importlib import resources

from dagster import StaticPartitionsDefinition


def cohort_years() -> list[int]:
    text = resources.files("pipelines").joinpath("reference_data/cohort_counts.csv").read_text()
    rows = csv.DictReader(text.splitlines())
    return [int(r["cohort_year"]) for r in rows if int(r["new_regions"] or 0) > 0]


cohort_partitions = StaticPartitionsDefinition([str(y) for y in cohort_years()])

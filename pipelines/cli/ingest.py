"""``smartcity ingest`` and ``smartcity summary``."""

import click


@click.command()
@click.option("--cohort", "cohorts", type=int, multiple=True, metavar="YEAR",
              help="Cohort year to ingest (repeatable). Default: all cohorts.")
@click.option("--raw-dir", default="", help="Raw folder (default: $RAW_DIR, else ./raw).")
@click.option("--warehouse-url", default="",
              help="SQLAlchemy URL (default: $WAREHOUSE_URL, else sqlite:///warehouse/"
                   "warehouse.db).")
def ingest(cohorts: tuple[int, ...], raw_dir: str, warehouse_url: str) -> None:
    """Ingest raw files into the warehouse through Dagster.

    Reads RAW_DIR/reference/ (cohort memberships, RPJMD/RPD periods) and each cohort's
    RAW_DIR/<year>/ files, validates them and replaces each cohort's warehouse rows in one
    transaction. Re-running changes nothing. Runs are recorded in $DAGSTER_HOME (default
    ./.dagster) and show in the Dagster UI.

    \b
    Examples:
      smartcity ingest                  # every cohort
      smartcity ingest --cohort 2023    # one cohort (a backfill of that partition)
    """
    from pipelines.pool import prestart

    prestart()  # the reader workers start while Dagster is imported and its instance loaded
    from pipelines import runner
    from pipelines.partitions import cohort_years
    from pipelines.resources import WarehouseResource

    unknown = sorted(set(cohorts) - set(cohort_years()))
    if unknown:
        raise click.BadParameter(f"no such cohort year {unknown}; cohorts are "
                                 f"{cohort_years()}", param_hint="--cohort")

    def progress(label: str, seconds: float) -> None:
        click.echo(f"  {label:<12} {seconds:6.1f} s")

    click.echo("Ingesting (reference data, then cohorts):")
    ok = runner.ingest(list(cohorts) or None, raw_dir, warehouse_url, progress=progress)
    url = WarehouseResource(url=warehouse_url).resolved_url()
    _print_summary(url, list(cohorts) or None)
    if not ok:
        raise click.ClickException("a run failed: see the Dagster UI or the log above")


@click.command()
@click.option("--warehouse-url", default="", help="SQLAlchemy URL (default: $WAREHOUSE_URL).")
def summary(warehouse_url: str) -> None:
    """Print per cohort: regions, plans, evaluations, programmes, rejected files and rows."""
    from pipelines.resources import WarehouseResource

    _print_summary(WarehouseResource(url=warehouse_url).resolved_url(), None)


def _print_summary(url: str, cohorts: list[int] | None) -> None:
    from pipelines import warehouse
    from pipelines.summary import cohort_overview

    engine = warehouse.engine_for(url)
    warehouse.create_all(engine)
    table = cohort_overview(engine)
    if cohorts:
        table = table.loc[[c for c in table.index if c in cohorts]]
    click.echo(f"\nWarehouse {url}:")
    click.echo(table.to_string() if not table.empty else "  (empty: run smartcity ingest)")

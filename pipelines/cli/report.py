"""``smartcity report``: the cohort summaries as a workbook and a self-contained HTML page."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write cohort_report.xlsx and cohort_report.html to (created).")
@click.option("--warehouse-url", default="",
              help="SQLAlchemy URL (default: $WAREHOUSE_URL, else sqlite:///warehouse/"
                   "warehouse.db).")
def report(out: Path, warehouse_url: str) -> None:
    """Write the cohort report: an Excel workbook and an HTML page with charts and maps.

    \b
    OUT/cohort_report.xlsx   one sheet per table: cohort summary (with a static map),
                             completeness, region scorecards, alignment status, findings
    OUT/cohort_report.html   charts, interactive maps of Indonesia (cohorts, alignment,
                             completeness per year, progress) and the summary table;
                             opens from disk, no network

    Reads the warehouse that `smartcity ingest` filled; existing report files are replaced.
    """
    import sqlalchemy as sa

    from pipelines import warehouse
    from pipelines.report import write_report
    from pipelines.resources import WarehouseResource

    url = WarehouseResource(url=warehouse_url).resolved_url()
    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:") \
            and not Path(parsed.database).exists():
        raise click.ClickException(f"no warehouse at {parsed.database}: run smartcity ingest "
                                   "first, or pass --warehouse-url")
    files = write_report(warehouse.engine_for(url), out)
    for path in (files.workbook, files.page):
        click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")

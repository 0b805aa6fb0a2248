"""``smartcity template``, ``smartcity feedback`` and ``smartcity status``: closing the loop
with regional officers."""

from pathlib import Path

import click

_URL_HELP = "SQLAlchemy URL (default: $WAREHOUSE_URL, else sqlite:///warehouse/warehouse.db)."


def _engine(warehouse_url: str):
    from pipelines import warehouse
    from pipelines.resources import WarehouseResource

    engine = warehouse.engine_for(WarehouseResource(url=warehouse_url).resolved_url())
    warehouse.create_all(engine)
    return engine


def _region_code(code: str | None) -> str | None:
    """``15.71`` or ``1571`` -> ``15.71``, checked against the registry."""
    if code is None:
        return None
    from pipelines import values
    from pipelines.regions import registry

    try:
        parsed = values.parse_region_code(code)
    except values.ValueParseError as exc:
        raise click.BadParameter(str(exc), param_hint="--region") from exc
    if parsed is None or registry().official_name(parsed) is None:
        raise click.BadParameter(f"no kabupaten/kota has the code {code!r}; look it up with "
                                 "`smartcity region NAME`", param_hint="--region")
    return parsed


@click.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the workbooks to (created if needed).")
@click.option("--region", metavar="CODE",
              help="Pre-fill for this kabupaten/kota (Kemendagri code, e.g. 15.71): identity "
                   "from the region table, and the evaluation lists the programmes of its "
                   "current master plan in the warehouse.")
@click.option("--year", type=int, metavar="YEAR",
              help="Evaluation year to pre-fill (with --region).")
@click.option("--warehouse-url", default="", help=_URL_HELP)
def template(out_dir: Path, region: str | None, year: int | None, warehouse_url: str) -> None:
    """Write the canonical submission templates (master plan, evaluation), in Indonesian.

    Each has an instruction sheet, the identity sheet, the data sheet(s) with drop-down lists
    (sub-dimension depends on dimension, kabupaten/kota on province), number formats, a help
    message on every header, and locked header rows. A template filled in as published
    passes validation without a reject.

    \b
    Examples:
      smartcity template --out templates
      smartcity template --out templates --region 15.71 --year 2024
    """
    from pipelines.officers import template as tpl
    from pipelines.officers.feedback import slug

    code = _region_code(region)
    if year is not None and code is None:
        raise click.UsageError("--year pre-fills an evaluation: give --region too")
    for kind, label in (("masterplan", "masterplan"), ("evaluation", "evaluasi")):
        prefill = None
        name = f"template-{label}.xlsx"
        if code is not None:
            prefill = tpl.prefill_from_warehouse(_engine(warehouse_url), code, kind, year)
            suffix = f"_{year}" if kind == "evaluation" and year else ""
            name = (f"template-{label}_{code}_{slug(prefill.identity['region_name'])}"
                    f"{suffix}.xlsx")
            if kind == "evaluation" and not prefill.programmes:
                click.echo(f"  note: no master plan of {code} in the warehouse: the evaluation "
                           "template lists no programmes", err=True)
        path = tpl.write(kind, out_dir / name, prefill)
        listed = f" ({len(prefill.programmes)} programmes listed)" if prefill and \
            kind == "evaluation" and prefill.programmes else ""
        click.echo(f"wrote {path}{listed}")


@click.command()
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the feedback workbooks to (created if needed).")
@click.option("--cohort", type=int, metavar="YEAR", help="Only this cohort's submissions.")
@click.option("--region", metavar="CODE", help="Only this kabupaten/kota's submissions.")
@click.option("--raw-dir", default="", help="Raw folder (default: $RAW_DIR, else ./raw).")
@click.option("--warehouse-url", default="", help=_URL_HELP)
def feedback(out_dir: Path, cohort: int | None, region: str | None, raw_dir: str,
             warehouse_url: str) -> None:
    """Write one feedback workbook per submission, in Indonesian, for the regional officer.

    Each says what was received (file, sha256, date), its status and reason, lists every
    rejected row and cell with what was expected and how to fix it, reproduces the
    officer's rows with the bad cells highlighted, and adds programme-alignment findings
    when the warehouse has them. Files go to OUT/<cohort>/<region>/; OUT/umpan-balik.csv
    indexes them and OUT/baris-ditolak.csv lists every rejected row. Contact details are
    never copied.

    \b
    Examples:
      smartcity feedback --out feedback
      smartcity feedback --out feedback --cohort 2023 --region 15.71
    """
    from pipelines.officers.feedback import INDEX_CSV, REJECTS_CSV, write_feedback
    from pipelines.resources import RawStoreResource

    code = _region_code(region)
    raw = RawStoreResource(raw_dir=raw_dir).path()
    written = write_feedback(_engine(warehouse_url), raw, out_dir, cohort, code)
    with_rejects = sum(1 for w in written if w.rejects)
    click.echo(f"wrote {len(written)} feedback workbooks to {out_dir} ({with_rejects} with "
               f"rejected rows); index {out_dir / INDEX_CSV}, rejects {out_dir / REJECTS_CSV}")
    if not written:
        click.echo("  no submissions match: run smartcity ingest, or check --cohort/--region",
                   err=True)


@click.command()
@click.option("--cohort", type=int, metavar="YEAR", help="Only this cohort.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the status as a workbook (.xlsx) or a CSV file (.csv).")
@click.option("--warehouse-url", default="", help=_URL_HELP)
def status(cohort: int | None, out_file: Path | None, warehouse_url: str) -> None:
    """Print, per region of each cohort, what was received and what is still missing.

    Members come from cohort_membership: master plan and evaluations per year with their
    document date, status and rejected rows, then what is missing (no loaded master plan;
    evaluation years, from the cohort year to the latest one seen in the cohort, with no
    loaded evaluation).

    \b
    Examples:
      smartcity status
      smartcity status --cohort 2023 --out status-2023.xlsx
    """
    from pipelines.officers import status as st

    subs, members, regions = st.load(_engine(warehouse_url))
    table = st.all_status(subs, members, regions, cohort)
    click.echo(st.render_text(table))
    if out_file is None:
        return
    if out_file.suffix.lower() == ".csv":
        st.write_csv(out_file, table)
    else:
        st.write_workbook(out_file, table, st.files_table(subs, regions, cohort))
    click.echo(f"wrote {out_file}")

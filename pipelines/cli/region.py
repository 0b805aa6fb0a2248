"""``smartcity region``: look up kabupaten/kota names and codes from the command line."""

import csv
import sys
from collections.abc import Iterable, Iterator
from typing import IO

import click

from pipelines.regions import Match, registry

OUTPUT_COLUMNS = ["input", "code", "official_name", "status", "score", "candidates"]


def _csv_rows(stream: IO[str]) -> Iterator[dict[str, str | None]]:
    """Rows of a CSV with a ``name`` column and optional ``province``, ``kind``, ``code``."""
    reader = csv.DictReader(stream)
    fields = {(f or "").strip().casefold(): f for f in reader.fieldnames or []}
    if "name" not in fields and "code" not in fields:
        raise click.UsageError(
            "the CSV needs a 'name' column (optional: province, kind, code); "
            f"found: {', '.join(reader.fieldnames or []) or 'no header'}"
        )
    for row in reader:
        yield {
            col: (row.get(fields[col]) if col in fields else None)
            for col in ("name", "province", "kind", "code")
        }


def _write(matches: Iterable[Match], explain: bool, out: IO[str]) -> None:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(OUTPUT_COLUMNS + (["reason"] if explain else []))
    for m in matches:
        row = m.as_row()
        writer.writerow([row[c] for c in OUTPUT_COLUMNS] + ([m.reason] if explain else []))


@click.command("region")
@click.argument("names", nargs=-1)
@click.option("--province", "-p", help="Province of the NAMEs (any common form: Jabar, DIY).")
@click.option(
    "--kind",
    "-k",
    type=click.Choice(["kabupaten", "kota"], case_sensitive=False),
    help="Kind of the NAMEs.",
)
@click.option("--code", "-c", help="Kemendagri code given with the NAME (checked against it).")
@click.option(
    "--csv",
    "csv_file",
    type=click.File("r", encoding="utf-8-sig"),
    help="Read rows from a CSV file ('-' for stdin) with a 'name' column and optional "
    "'province', 'kind' and 'code' columns.",
)
@click.option("--explain", "-e", is_flag=True, help="Add a 'reason' column explaining each row.")
def region(
    names: tuple[str, ...],
    province: str | None,
    kind: str | None,
    code: str | None,
    csv_file: IO[str] | None,
    explain: bool,
) -> None:
    """Resolve kabupaten/kota NAMEs to their Kemendagri codes.

    Prints CSV on stdout, one line per input, in order:
    input,code,official_name,status,score,candidates. Status is exact, fuzzy
    (a close spelling), ambiguous (e.g. Bandung is both a kabupaten and a kota),
    unknown, or suspicious (invisible or non-Latin characters). Candidates are
    listed as 'code name; code name'. Nothing is ever guessed.

    \b
    Examples:
      smartcity region "Kab. Bandung" "Kota Adm. Jakarta Selatan" "Pematang Siantar"
      smartcity region Bandung --kind kota
      smartcity region Bogor --province Jabar --kind kabupaten
      smartcity region "Boven Digoel" --code 91.16      # pre-2022 Papua code
      smartcity region --csv regions.csv --explain
      cut -d, -f1 names.csv | smartcity region --csv -
    """
    if csv_file is not None and names:
        raise click.UsageError("give NAMEs or --csv, not both")
    if csv_file is None and not names:
        if code:
            names = ("",)
        else:
            raise click.UsageError("give one or more NAMEs, or --csv FILE (see --help)")
    reg = registry()
    if csv_file is not None:
        if province or kind or code:
            raise click.UsageError("--province/--kind/--code apply to NAMEs; use CSV columns")
        rows: Iterable[dict[str, str | None]] = _csv_rows(csv_file)
    else:
        rows = ({"name": n, "province": province, "kind": kind, "code": code} for n in names)
    matches = (
        reg.resolve(r.get("name"), r.get("province"), r.get("kind"), r.get("code")) for r in rows
    )
    _write(matches, explain, sys.stdout)

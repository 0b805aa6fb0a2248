"""Reference workbooks of the programme office: cohort memberships and RPJMD/RPD periods.

Each row names a region (code, name, province); the region is resolved against the registry
like any submission's, and a row whose region is unknown or ambiguous is rejected with the
candidates in its message. A row repeating an earlier (cohort, region) or (region, document,
start year) is rejected as a duplicate. Everything else is validated by the pandera schemas.
"""

from pathlib import Path

import pandas as pd

from pipelines import cohort
from pipelines.intake import FileResult, process_file
from pipelines.normalise import Reject, show
from pipelines.regions import registry

_KEY = {"cohort": ("cohort_year", "region_code"),
        "period": ("region_code", "document_type", "start_year")}


def reference_files(raw_dir: Path) -> list[Path]:
    from pipelines.discovery import spreadsheet_files

    return spreadsheet_files(raw_dir / "reference")


def resolve_rows(result: FileResult) -> None:
    """Give each reference row its region code, or reject the row."""
    reg = registry()
    for kind, rows in result.rows.items():
        seen: dict[tuple, int] = {}
        for rec in rows:
            match = reg.resolve(rec.get("region_name") or "", province=rec.get("province"),
                                code=rec.get("region_code"))
            if match.status not in ("exact", "fuzzy"):
                result.rejects.append(Reject(
                    rec["sheet"], rec["row_number"], "region_name",
                    f"{match.status}_region" if match.status != "unknown" else "unknown_region",
                    show(rec.get("region_name")), match.reason))
                rec["region_code"] = None
                continue
            rec["region_code"] = match.code
            key = tuple(rec.get(k) for k in _KEY[kind])
            if None not in key and key in seen:
                result.rejects.append(Reject(
                    rec["sheet"], rec["row_number"], "region_name", "duplicate_row",
                    show(rec.get("region_name")),
                    f"this row repeats row {seen[key]}; list each one once"))
            elif None not in key:
                seen[key] = rec["row_number"]


def build_reference(raw_dir: Path) -> dict[str, pd.DataFrame]:
    """The reference tables and the reference files' submission and rejected rows."""
    results = []
    for path in reference_files(raw_dir):
        res = process_file(path, raw_dir, None, reference=True)
        if res.submission["status"] == "loaded":
            resolve_rows(res)
        results.append(res)
    return cohort.build_tables(results, None)

"""Who sent what, and what is still missing: the list the programme office chases regions with.

Per cohort, one row per member region (``cohort_membership``, names from ``region``): its
master plan and its evaluation of each year (status, document date, rejected rows), and what
is still missing: a member with no *loaded* master plan, and every evaluation year with no
loaded evaluation, from the cohort year to the latest evaluation year seen in that cohort.
Regions that sent files without being recorded as members are listed too (``Anggota``:
``Tidak``), so a missing membership is noticed rather than hidden; ``Berkas Ditolak`` names a
region's refused files (an evaluation refused for want of a year counts for no year). Files
whose region could not be recognised are listed in the ``Berkas`` table, which has one row
per submission.
"""

from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from openpyxl import Workbook

from pipelines import warehouse
from pipelines.officers import book, safe, texts
from pipelines.regions import registry

MISSING = "Belum diterima"
NOTHING_MISSING = "-"
FILE_COLUMNS = ["Angkatan", "Kode Wilayah", "Kabupaten/Kota", "Jenis", "Tahun Evaluasi",
                "Berkas", "Tanggal Dokumen", "Versi", "Status", "Alasan", "Baris Dibaca",
                "Baris Diterima", "Baris Ditolak"]


def load(engine: sa.Engine) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The submissions (reference files excluded), memberships and regions of the warehouse."""
    subs = warehouse.read_table(engine, "submission", "(kind IS NULL OR kind != 'reference')")
    members = warehouse.read_table(engine, "cohort_membership")
    regions = warehouse.read_table(engine, "region")
    if regions.empty:
        regions = registry().regions
    return subs, members, regions


def _date(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


def _int(value: Any) -> int | None:
    return None if value is None or pd.isna(value) else int(value)


def _received(files: pd.DataFrame) -> tuple[str, Any, str, bool]:
    """(status text, document date, file, loaded?) of one region's files of one kind/year."""
    if files.empty:
        return MISSING, None, "", False
    loaded = files[files["status"] == "loaded"]
    pick = loaded if not loaded.empty else files[files["status"] == "rejected"]
    if pick.empty:
        pick = files
    row = pick.sort_values(["version", "document_date", "source_path"],
                           na_position="first").iloc[-1]
    if row["status"] == "loaded":
        rejected = int(row["rows_rejected"] or 0)
        text = f"Diterima {_date(row['document_date'])}".strip()
        if rejected:
            text += f" ({rejected} baris ditolak)"
    else:
        text = f"{texts.status_label(row['status'])}: {row['reason'] or ''}".strip(": ")
    return text, row["document_date"], row["source_path"], row["status"] == "loaded"


def evaluation_years(cohort: int, subs: pd.DataFrame) -> list[int]:
    """The cohort year to the latest evaluation year seen in the cohort (none seen: [])."""
    seen = subs.loc[(subs["cohort_year"] == cohort) & (subs["kind"] == "evaluation"),
                    "evaluation_year"].dropna()
    return list(range(cohort, int(seen.max()) + 1)) if not seen.empty else []


def cohort_status(subs: pd.DataFrame, members: pd.DataFrame, regions: pd.DataFrame,
                  cohort: int) -> pd.DataFrame:
    """One row per member (or submitting) region of ``cohort``; see the module docstring."""
    mine = subs[subs["cohort_year"] == cohort]
    member_codes = set(members.loc[members["cohort_year"] == cohort, "region_code"])
    codes = sorted(member_codes | set(mine["region_code"].dropna()))
    info = regions.set_index("region_code")
    years = evaluation_years(cohort, subs)
    rows = []
    for code in codes:
        files = mine[mine["region_code"] == code]
        plan_text, _, plan_file, plan_ok = _received(files[files["kind"] == "masterplan"])
        row: dict[str, Any] = {
            "Kode Wilayah": code,
            "Provinsi": info["province_name"].get(code, ""),
            "Kabupaten/Kota": info["name"].get(code, ""),
            "Anggota": "Ya" if code in member_codes else "Tidak",
            "Masterplan": plan_text, "Berkas Masterplan": plan_file,
        }
        missing = [] if plan_ok else ["Masterplan"]
        evals = files[files["kind"] == "evaluation"]
        for year in years:
            text, _, _, ok = _received(evals[evals["evaluation_year"] == year])
            row[f"Evaluasi {year}"] = text
            if not ok:
                missing.append(f"Evaluasi {year}")
        row["Belum Diterima"] = ", ".join(missing) or NOTHING_MISSING
        refused = files.loc[files["status"] == "rejected", "source_path"]
        row["Berkas Ditolak"] = "; ".join(sorted(refused)) or NOTHING_MISSING
        rows.append(row)
    columns = ["Kode Wilayah", "Provinsi", "Kabupaten/Kota", "Anggota", "Masterplan",
               "Berkas Masterplan", *[f"Evaluasi {y}" for y in years], "Belum Diterima",
               "Berkas Ditolak"]
    return pd.DataFrame(rows, columns=columns)


def all_status(subs: pd.DataFrame, members: pd.DataFrame, regions: pd.DataFrame,
               cohort: int | None = None) -> dict[int, pd.DataFrame]:
    cohorts = sorted({int(c) for c in members["cohort_year"].dropna()}
                     | {int(c) for c in subs["cohort_year"].dropna()})
    return {c: cohort_status(subs, members, regions, c) for c in cohorts
            if cohort is None or c == cohort}


def files_table(subs: pd.DataFrame, regions: pd.DataFrame,
                cohort: int | None = None) -> pd.DataFrame:
    """One row per submission: what arrived, from whom, when, and what became of it."""
    if cohort is not None:
        subs = subs[subs["cohort_year"] == cohort]
    names = dict(zip(regions["region_code"], regions["name"], strict=True))
    rows = [[_int(s["cohort_year"]), s["region_code"] or "",
             names.get(s["region_code"]) or f"{s['region_name_given'] or '-'} (tidak dikenali)",
             texts.kind_label(s["kind"]), _int(s["evaluation_year"]), s["source_path"],
             _date(s["document_date"]), _int(s["version"]), texts.status_label(s["status"]),
             s["reason"] or "", _int(s["rows_total"]), _int(s["rows_clean"]),
             _int(s["rows_rejected"])]
            for s in subs.astype(object).where(subs.notna(), None).to_dict("records")]
    frame = pd.DataFrame(rows, columns=FILE_COLUMNS, dtype=object)
    return frame.sort_values(["Angkatan", "Kode Wilayah", "Berkas"]).reset_index(drop=True)


def render_text(status: dict[int, pd.DataFrame]) -> str:
    """The per-cohort tables as plain text, for the terminal."""
    if not status:
        return "No submissions or cohort memberships in the warehouse: run smartcity ingest."
    out = []
    for cohort, frame in status.items():
        members = frame[frame["Anggota"] == "Ya"]
        plans = (~members["Belum Diterima"].str.contains("Masterplan")).sum()
        eval_cols = [c for c in frame.columns if c.startswith("Evaluasi ")]
        evals = ", ".join(f"{c.lower()} {(members[c].str.startswith('Diterima')).sum()}"
                          for c in eval_cols)
        complete = (members["Belum Diterima"] == NOTHING_MISSING).sum()
        out.append(f"Angkatan {cohort}: {len(members)} anggota, masterplan {plans}"
                   + (f", {evals}" if evals else "") + f", lengkap {complete}")
        shown = frame.drop(columns=["Provinsi", "Berkas Masterplan", "Berkas Ditolak"])
        out.append(shown.to_string(index=False, max_colwidth=70) if not shown.empty
                   else "  (tidak ada anggota atau berkas)")
        out.append("")
    return "\n".join(out)


def write_workbook(path: Path, status: dict[int, pd.DataFrame], files: pd.DataFrame) -> Path:
    """``Status <cohort>`` sheets (received cells green, refused red, missing yellow) and
    the ``Berkas`` sheet. Every value is written as data."""
    wb = Workbook()
    wb.remove(wb.active)
    for cohort, frame in status.items():
        ws = wb.create_sheet(f"Status {cohort}")
        last = book.table(ws, list(frame.columns), frame.itertuples(index=False))
        for row in ws.iter_rows(min_row=2, max_row=last):
            for cell in row:
                text = str(cell.value or "")
                header = ws.cell(1, cell.column).value
                if header == "Masterplan" or str(header).startswith("Evaluasi "):
                    cell.fill = (book.OK_FILL if text.startswith("Diterima") else
                                 book.ROW_FILL if text == MISSING else book.BAD_FILL)
        book.printable(ws)
    ws = wb.create_sheet("Berkas")
    book.table(ws, FILE_COLUMNS, files.itertuples(index=False))
    book.printable(ws)
    if not wb.worksheets:
        wb.create_sheet("Status")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv(path: Path, status: dict[int, pd.DataFrame]) -> Path:
    """All cohorts in one CSV (an ``Angkatan`` column first), values safe from formulas."""
    frames = [frame.assign(Angkatan=cohort) for cohort, frame in status.items()]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=["Angkatan"])
    table = table[["Angkatan", *[c for c in table.columns if c != "Angkatan"]]]
    table = table.astype(object).where(table.notna(), None)
    path.parent.mkdir(parents=True, exist_ok=True)
    return safe.write_csv(path, list(table.columns), table.itertuples(index=False))

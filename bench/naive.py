"""The naive baseline: what a competent analyst writes first (issue 7, measure 2).

    .venv/bin/python -m bench.naive RAW_DIR WAREHOUSE.db

Per file, one at a time: ``pandas.read_excel`` of every sheet (openpyxl for .xlsx/.xlsm, odf
for .ods, pandas' own choice for .xls: xlrd when installed; it is not here, and pandas 3 then
uses python-calamine for them: 3% of the files), then per sheet:

- header detection kept simple but honest: the first of the top 30 rows in which at least
  three cells (two for the two-column score sheet) are known column names, Indonesian as in
  the template or English, compared lower-cased with spaces collapsed; the sheet's kind
  (master plan, evaluation, score, cohort, period) is the one whose names match most; a sheet
  with no such row (the identity sheet, renamed headers) is skipped;
- the rows under it, blank rows dropped, renamed to canonical column names;
  numeric columns through ``pd.to_numeric(errors="coerce")`` (so ``Rp 1.500.000`` becomes
  empty, as an analyst's first version does);
- one pandera validation per sheet (lazy, ``drop_invalid_rows=True``): required values,
  ranges and vocabularies; invalid rows are dropped and counted;
- ``DataFrame.to_sql(..., if_exists="append")`` through a SQLAlchemy engine.

The region is not read from the identity sheet: rows carry their file, sheet, row number and
the cohort year of their folder. No supersession, no reconciliation, no rejects table.
Prints one JSON line of counts at the end.
"""

from __future__ import annotations

import json
import re
import sys
import time
import warnings
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import sqlalchemy as sa

DIMENSIONS = ["Smart Governance", "Smart Branding", "Smart Economy", "Smart Living",
              "Smart Society", "Smart Environment"]
HORIZONS = ["Quick Win", "Jangka Pendek", "Jangka Menengah", "Jangka Panjang"]
STAGES = ["Belum Dimulai", "Perencanaan", "Pengadaan", "Implementasi", "Uji Coba",
          "Operasional", "Selesai"]
COMPONENTS = ["Baseline", "Output", "Outcome", "Impact", "Quick Win", "Indeks", *DIMENSIONS]

# canonical column -> the header names the analyst knows (template, and its English version)
HEADERS: dict[str, dict[str, tuple[str, ...]]] = {
    "masterplan": {
        "program_code": ("Kode Program", "Program Code"),
        "dimension": ("Dimensi", "Dimension"),
        "sub_dimension": ("Sub Dimensi", "Sub Dimension"),
        "program_name": ("Nama Program", "Program Name"),
        "description": ("Deskripsi", "Description"),
        "horizon": ("Horizon", "Time Horizon"),
        "start_year": ("Tahun Mulai", "Start Year"),
        "end_year": ("Tahun Selesai", "End Year"),
        "agency": ("OPD Penanggung Jawab", "Responsible Agency"),
        "funding_source": ("Sumber Dana", "Funding Source"),
        "indicative_budget": ("Anggaran Indikatif (Rp)", "Indicative Budget (IDR)"),
        "indicator": ("Indikator", "Indicator"),
        "target": ("Target",),
        "unit": ("Satuan", "Unit"),
    },
    "evaluation": {
        "program_code": ("Kode Program", "Program Code"),
        "program_name": ("Nama Program", "Program Name"),
        "stage": ("Tahapan Implementasi", "Implementation Stage"),
        "progress_pct": ("Progres (%)", "Progress (%)"),
        "budget_realised": ("Realisasi Anggaran (Rp)", "Budget Realised"),
        "benefits": ("Manfaat bagi Masyarakat", "Benefits to the Public"),
        "challenges": ("Kendala", "Challenges"),
        "follow_up": ("Tindak Lanjut", "Follow-up"),
    },
    "score": {"component": ("Komponen", "Component"), "score": ("Nilai", "Score")},
    "cohort": {
        "cohort_year": ("Tahun Angkatan",), "region_code": ("Kode Wilayah",),
        "region_name": ("Kabupaten/Kota",), "province": ("Provinsi",), "source": ("Sumber",),
    },
    "period": {
        "region_code": ("Kode Wilayah",), "region_name": ("Kabupaten/Kota",),
        "province": ("Provinsi",), "document_type": ("Jenis Dokumen",),
        "start_year": ("Tahun Mulai",), "end_year": ("Tahun Selesai",),
        "legal_basis": ("Dasar Hukum",), "source": ("Sumber",),
    },
}
TABLES = {"masterplan": "masterplan_program", "evaluation": "evaluation_result",
          "score": "evaluation_score", "cohort": "cohort_membership", "period": "rpjmd_period"}
NUMERIC = {"start_year", "end_year", "indicative_budget", "progress_pct", "budget_realised",
           "score", "cohort_year"}
MIN_MATCHES = {"score": 2}


def _norm(value: object) -> str:
    return re.sub(r"\s+", " ", str(value)).strip().lower()


_LOOKUP = {kind: {_norm(h): col for col, names in cols.items() for h in names}
           for kind, cols in HEADERS.items()}


def _text(required: bool = False, isin: list[str] | None = None) -> pa.Column:
    return pa.Column(checks=[pa.Check.isin(isin)] if isin else [], nullable=not required,
                     required=required)


def _num(low: float, high: float | None = None, required: bool = False) -> pa.Column:
    check = pa.Check.in_range(low, high) if high is not None else pa.Check.ge(low)
    return pa.Column("float64", check, nullable=not required, required=required)


SCHEMAS = {
    "masterplan": pa.DataFrameSchema({
        "program_code": _text(), "dimension": _text(True, DIMENSIONS),
        "program_name": _text(True), "horizon": _text(True, HORIZONS),
        "start_year": _num(2015, 2045, True), "end_year": _num(2015, 2045, True),
        "indicative_budget": _num(0)}, drop_invalid_rows=True),
    "evaluation": pa.DataFrameSchema({
        "program_code": _text(), "stage": _text(False, STAGES),
        "progress_pct": _num(0, 100, True), "budget_realised": _num(0)},
        drop_invalid_rows=True),
    "score": pa.DataFrameSchema({"component": _text(True, COMPONENTS),
                                 "score": _num(0, 5, True)}, drop_invalid_rows=True),
    "cohort": pa.DataFrameSchema({"cohort_year": _num(2017, 2035, True),
                                  "region_name": _text(True)}, drop_invalid_rows=True),
    "period": pa.DataFrameSchema({"region_name": _text(True),
                                  "document_type": _text(True, ["RPJMD", "RPD"]),
                                  "start_year": _num(2000, 2045, True),
                                  "end_year": _num(2000, 2045, True)}, drop_invalid_rows=True),
}


def find_header(frame: pd.DataFrame) -> tuple[str, int, dict[int, str]] | None:
    """(kind, header row index, {column position: canonical name}) or None."""
    best = None
    for i in range(min(30, len(frame))):
        cells = [_norm(v) for v in frame.iloc[i].tolist()]
        for kind, lookup in _LOOKUP.items():
            found = {j: lookup[c] for j, c in enumerate(cells) if c in lookup}
            if len(found) >= MIN_MATCHES.get(kind, 3) and (best is None
                                                            or len(found) > len(best[2])):
                best = (kind, i, found)
        if best is not None:
            return best
    return None


def read_file(path: Path) -> dict[str, pd.DataFrame]:
    suffix = path.suffix.lower()
    engine = {".ods": "odf", ".xls": None}.get(suffix, "openpyxl")  # None: pandas picks
    return pd.read_excel(path, sheet_name=None, header=None, engine=engine)


def main(raw_dir: str, db: str) -> None:
    raw = Path(raw_dir)
    files = sorted(p for p in raw.rglob("*") if p.is_file() and not p.name.startswith((".", "~$")))
    engine = sa.create_engine(f"sqlite:///{db}")
    counts = {"files": len(files), "unreadable": 0, "sheets_loaded": 0, "sheets_skipped": 0,
              "sheets_invalid": 0, "rows_read": 0, "rows_loaded": 0, "rows_dropped": 0}
    start = time.perf_counter()
    warnings.simplefilter("ignore")
    for path in files:
        rel = path.relative_to(raw).as_posix()
        cohort = rel.split("/")[0]
        try:
            sheets = read_file(path)
        except Exception:  # noqa: BLE001 - not a workbook, or no reader for it
            counts["unreadable"] += 1
            continue
        for name, frame in sheets.items():
            found = find_header(frame)
            if found is None:
                counts["sheets_skipped"] += 1
                continue
            kind, row, columns = found
            data = frame.iloc[row + 1:, list(columns)].dropna(how="all")
            data.columns = [columns[j] for j in columns]
            data = data.loc[:, ~data.columns.duplicated()]
            data = data.reindex(columns=list(HEADERS[kind]))
            for col in NUMERIC & set(data.columns):
                data[col] = pd.to_numeric(data[col], errors="coerce").astype("float64")
            counts["rows_read"] += len(data)
            try:
                valid = SCHEMAS[kind].validate(data, lazy=True)
            except (pa.errors.SchemaErrors, pa.errors.SchemaError):
                counts["sheets_invalid"] += 1
                counts["rows_dropped"] += len(data)
                continue
            counts["rows_dropped"] += len(data) - len(valid)
            valid.insert(0, "row_number", [i + 1 for i in valid.index])
            valid.insert(0, "sheet", name)
            valid.insert(0, "cohort", int(cohort) if cohort.isdigit() else None)
            valid.insert(0, "source_path", rel)
            valid.to_sql(TABLES[kind], engine, if_exists="append", index=False)
            counts["rows_loaded"] += len(valid)
            counts["sheets_loaded"] += 1
    counts["seconds"] = round(time.perf_counter() - start, 3)
    print(json.dumps(counts))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

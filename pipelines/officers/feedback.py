"""Feedback workbooks for regional officers, one per submission, from the warehouse.

:func:`write_feedback` reads ``submission`` (master plans and evaluations, never the
programme office's reference files), ``rejected_row``, ``region`` and, when another part of
the pipeline has built it, ``program_alignment``; re-reads each raw file from ``RAW_DIR``
(``submission.source_path`` is relative to it) to show the officer's own rows; and writes
``<out>/<cohort>/<region>/umpan-balik_<file>_<sha>.xlsx`` per submission, plus two CSV
exports for the programme office: ``umpan-balik.csv`` (one line per workbook) and
``baris-ditolak.csv`` (every rejected row or cell, explained).

Bad input: a raw file that is gone, changed since it was ingested, or unreadable is not
reproduced, and the workbook says so; an unreadable file still gets a workbook saying why and
what to send instead. ``officer_contact`` is read only to blank out contact details wherever
they would otherwise be copied.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from pipelines import warehouse
from pipelines.officers import texts
from pipelines.officers.feedback_book import Feedback, build, scrub, where
from pipelines.officers.safe import write_csv
from pipelines.reading import UnreadableFile, read_workbook, sha256_of
from pipelines.regions import registry

ALIGNMENT_TABLE = "program_alignment"
INDEX_CSV, REJECTS_CSV = "umpan-balik.csv", "baris-ditolak.csv"
_CONTACT_MIN_CHARS = 4  # shorter values ("-", "0") would blank out ordinary cells


@dataclass(frozen=True)
class Written:
    submission_id: str
    path: Path
    rejects: int


def slug(text: Any, limit: int = 60) -> str:
    """File-name-safe ASCII: ``Kota Jambi`` -> ``Kota_Jambi``."""
    cleaned = re.sub(r"[^A-Za-z0-9.-]+", "_", str(text or "")).strip("_.")
    return cleaned[:limit] or "berkas"


def _select(engine: sa.Engine, cohort: int | None, region: str | None) -> pd.DataFrame:
    where = ["(kind IS NULL OR kind != 'reference')"]
    params: dict[str, Any] = {}
    if cohort is not None:
        where.append("cohort_year = :cohort")
        params["cohort"] = cohort
    if region is not None:
        where.append("region_code = :region")
        params["region"] = region
    subs = warehouse.read_table(engine, "submission", " AND ".join(where), params)
    return subs.sort_values(["cohort_year", "region_code", "source_path"], na_position="last")


def _region_names(engine: sa.Engine) -> dict[str, str]:
    regions = warehouse.read_table(engine, "region")
    if regions.empty:
        regions = registry().regions
    return dict(zip(regions["region_code"], regions["name"], strict=True))


def _contacts(engine: sa.Engine) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for rec in warehouse.read_table(engine, "officer_contact").to_dict("records"):
        out[rec["submission_id"]] = {str(rec[k]).strip() for k in ("name", "email", "phone")
                                     if isinstance(rec.get(k), str)
                                     and len(rec[k].strip()) >= _CONTACT_MIN_CHARS}
    return out


def alignment_findings(engine: sa.Engine) -> pd.DataFrame | None:
    """``program_alignment`` as a frame, or None when the table does not exist (yet)."""
    if not sa.inspect(engine).has_table(ALIGNMENT_TABLE):
        return None
    table = sa.Table(ALIGNMENT_TABLE, sa.MetaData(), autoload_with=engine)
    with engine.connect() as conn:
        frame = pd.read_sql(sa.select(table), conn)
    return frame if "region_code" in frame.columns else None


def _findings_for(findings: pd.DataFrame | None, sub: dict) -> pd.DataFrame | None:
    if findings is None or not sub.get("region_code") or sub.get("status") != "loaded":
        return None
    part = findings[findings["region_code"] == sub["region_code"]]
    if "cohort_year" in part.columns and sub.get("cohort_year") is not None:
        part = part[part["cohort_year"] == sub["cohort_year"]]
    if "severity" in part.columns:  # what needs attention, errors first
        part = part[part["severity"].fillna("") != "ok"]
        part = part.assign(_rank=part["severity"].map({"error": 0, "warning": 1}).fillna(2))
        part = part.sort_values(["_rank", *[c for c in ("program_code",) if c in part]])
        part = part.drop(columns="_rank")
    return part


def _raw_sheets(raw_dir: Path, sub: dict, needed: bool) -> tuple[list | None, str | None]:
    """The raw file's sheets, or None and why they are not shown."""
    if not needed:
        return None, None
    path = raw_dir / str(sub["source_path"])
    if not path.is_file():
        return None, ("Berkas asli tidak ditemukan di folder data; baris Anda tidak dapat "
                      "ditampilkan ulang.")
    if sha256_of(path) != sub.get("sha256"):
        return None, ("Berkas di folder data sudah berubah sejak diperiksa; baris Anda tidak "
                      "ditampilkan ulang. Jalankan pemeriksaan (ingest) lagi.")
    try:
        return read_workbook(path).sheets, None
    except UnreadableFile:
        return None, None


def feedback_path(out_dir: Path, sub: dict, region_name: str | None) -> Path:
    cohort = "tanpa-angkatan" if pd.isna(sub.get("cohort_year")) else str(int(sub["cohort_year"]))
    region = (f"{sub['region_code']}_{slug(region_name)}" if sub.get("region_code")
              else "daerah-tidak-dikenali")
    stem = slug(Path(str(sub["source_path"])).stem)
    return out_dir / cohort / region / f"umpan-balik_{stem}_{str(sub['sha256'])[:8]}.xlsx"


def write_feedback(engine: sa.Engine, raw_dir: Path, out_dir: Path, cohort: int | None = None,
                   region: str | None = None, today: date | None = None) -> list[Written]:
    """One feedback workbook per submission of the selection, and the two CSV exports."""
    subs = _select(engine, cohort, region)
    rejected = warehouse.read_table(engine, "rejected_row")
    by_sub = {k: g.to_dict("records") for k, g in rejected.groupby("submission_id")} \
        if not rejected.empty else {}
    names, contacts = _region_names(engine), _contacts(engine)
    findings = alignment_findings(engine)
    written: list[Written] = []
    index_rows, reject_rows = [], []
    for sub in subs.to_dict("records"):
        sub = {k: (None if _na(v) else v) for k, v in sub.items()}
        rejects = by_sub.get(sub["submission_id"], [])
        rejects = [{k: (None if _na(v) else v) for k, v in r.items()} for r in rejects]
        name = names.get(sub.get("region_code") or "")
        needed = any(r.get("row_number") is not None for r in rejects)
        sheets, note = _raw_sheets(raw_dir, sub, needed)
        redact = contacts.get(sub["submission_id"], set())
        fb = Feedback(sub, rejects, name, sheets, note, _findings_for(findings, sub), redact,
                      today or date.today())
        path = feedback_path(out_dir, sub, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        build(fb).save(path)
        written.append(Written(sub["submission_id"], path, len(rejects)))
        index_rows.append([sub.get("cohort_year"), sub.get("region_code"), name,
                           sub["source_path"], texts.kind_label(sub.get("kind")),
                           texts.status_label(sub.get("status")), sub.get("rows_rejected"),
                           len(rejects), path.relative_to(out_dir).as_posix()])
        for rej in rejects:
            h = texts.help_for(rej.get("check_name"))
            reject_rows.append([sub.get("cohort_year"), sub.get("region_code"),
                                sub["source_path"], *where(rej), rej.get("check_name"),
                                scrub(rej.get("value"), redact), h.title, h.fix,
                                scrub(rej.get("message"), redact)])
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(out_dir / INDEX_CSV, ["angkatan", "kode_wilayah", "daerah", "berkas", "jenis",
                                    "status", "baris_ditolak", "catatan_penolakan",
                                    "umpan_balik"], index_rows)
    write_csv(out_dir / REJECTS_CSV, ["angkatan", "kode_wilayah", "berkas", "lembar", "baris",
                                      "kolom", "pemeriksaan", "nilai", "masalah",
                                      "cara_memperbaiki", "pesan"], reject_rows)
    return written


def _na(value: Any) -> bool:
    return value is None or (not isinstance(value, str | list | dict) and bool(pd.isna(value)))

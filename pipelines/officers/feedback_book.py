"""One feedback workbook for one submission, in Indonesian, for the officer who sent it.

Sheets: ``Ringkasan`` (the file received, its status, reason and counts, what to do next),
``Baris Ditolak`` (every row of ``rejected_row`` for the file, with the template header of the
column, the value sent, what was expected, how to fix it and the English message),
``Data - <sheet>`` (the officer's own rows, re-read from the raw file, at their original row
and column so row numbers match, refused cells filled red with a comment, rows refused as a
whole filled yellow), and ``Temuan Rekonsiliasi`` when programme-alignment findings exist.

Everything copied from the submission is written as data (:mod:`pipelines.officers.safe`);
officer contact details are never copied: cells holding them are replaced by
:data:`REDACTED`.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import PurePosixPath
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from pipelines import spec
from pipelines.officers import book, safe, texts
from pipelines.officers.reproduce import reproduce
from pipelines.officers.safe import is_missing, put, safe_text, scrub
from pipelines.reading import Sheet

REDACTED = safe.REDACTED
SUMMARY, REJECTS, FINDINGS = "Ringkasan", "Baris Ditolak", "Temuan Rekonsiliasi"
REJECT_HEADERS = ["No", "Lembar", "Baris", "Kolom", "Nilai yang dikirim", "Masalah",
                  "Yang diharapkan", "Cara memperbaiki", "Pemeriksaan", "Pesan sistem (EN)"]
LINK_FONT = Font(color="0563C1", underline="single")
WHOLE_ROW, WHOLE_FILE = "(seluruh baris)", "(seluruh berkas)"


@dataclass
class Feedback:
    """What one workbook is made of (rows of the warehouse tables, as dicts)."""

    submission: dict[str, Any]
    rejects: list[dict[str, Any]]
    region_name: str | None = None
    sheets: list[Sheet] | None = None  # the raw file re-read, None when unavailable
    raw_note: str | None = None  # why the raw file is not reproduced
    findings: pd.DataFrame | None = None
    redact: set[str] = field(default_factory=set)
    today: date = field(default_factory=date.today)


def where(rej: dict[str, Any]) -> tuple[str, int | str, str]:
    """(sheet, row, column) of a reject as the officer reads them: the template header of the
    column, ``(seluruh baris)`` for a whole row, ``(seluruh berkas)`` for the whole file."""
    row: Any = rej.get("row_number")
    if is_missing(row):
        return rej.get("sheet") or WHOLE_FILE, WHOLE_FILE, WHOLE_FILE
    column = rej.get("column_name")
    return (rej.get("sheet") or WHOLE_FILE, int(row),
            spec.header_of(column) if column else WHOLE_ROW)


def reject_rows(fb: Feedback) -> list[list[Any]]:
    """The ``Baris Ditolak`` rows, in sheet, row and column order."""
    out = []
    for i, rej in enumerate(_ordered(fb.rejects), start=1):
        h = texts.help_for(rej.get("check_name"))
        out.append([i, *where(rej), scrub(rej.get("value"), fb.redact), h.title, h.expected,
                    h.fix, rej.get("check_name"), scrub(rej.get("message"), fb.redact)])
    return out


def build(fb: Feedback) -> Workbook:
    wb = Workbook()
    _summary(wb.active, fb)
    links = reproduce(wb, fb.sheets, fb.rejects, fb.redact) if fb.sheets else {}
    ws = wb.create_sheet(REJECTS)
    rows = reject_rows(fb)
    book.table(ws, REJECT_HEADERS, rows or [["", "Tidak ada baris yang ditolak."]],
               widths=(5, 14, 7, 20, 22, 24, 30, 40, 17, 48))
    for r, rej in enumerate(_ordered(fb.rejects), start=2):
        ws.cell(r, 1).alignment = ws.cell(r, 3).alignment = book.CENTER
        target = links.get((rej.get("sheet"), rej.get("row_number"), rej.get("column_name")))
        if target:
            ws.cell(r, 3).hyperlink = Hyperlink(ref=ws.cell(r, 3).coordinate, location=target)
            ws.cell(r, 3).font = LINK_FONT
    ws.sheet_properties.tabColor = "C00000" if rows else "00B050"
    if fb.findings is not None and not fb.findings.empty:
        _findings(wb.create_sheet(FINDINGS), fb.findings)
    wb.move_sheet(REJECTS, offset=1 - wb.sheetnames.index(REJECTS))
    for sheet in wb.worksheets:
        book.printable(sheet)
    wb.active = 0
    return wb


# --------------------------------------------------------------------------- summary


def _summary(ws: Worksheet, fb: Feedback) -> None:
    ws.title = SUMMARY
    sub = fb.submission
    status, check = sub.get("status"), _file_check(fb.rejects)
    row = book.title(ws, "UMPAN BALIK PENGIRIMAN DATA SMART CITY",
                     subtitle="Gerakan Menuju Smart City - hasil pemeriksaan berkas Anda")
    region = " ".join(str(x) for x in (sub.get("region_code"), fb.region_name) if x) or \
        f"{sub.get('region_name_given') or '-'} (tidak dikenali)"
    counts = (f"{_int(sub.get('rows_total'))} dibaca, {_int(sub.get('rows_clean'))} diterima, "
              f"{_int(sub.get('rows_rejected'))} ditolak")
    pairs: list[tuple[str, Any]] = [
        ("Berkas yang diterima", PurePosixPath(str(sub.get("source_path"))).name),
        ("Lokasi berkas", sub.get("source_path")),
        ("SHA-256 (singkat)", str(sub.get("sha256") or "")[:12]),
        ("Jenis dokumen", texts.kind_label(sub.get("kind"))),
        ("Daerah", region),
        ("Angkatan", _int(sub.get("cohort_year"))),
    ]
    if sub.get("kind") == "evaluation":
        pairs.append(("Tahun evaluasi", _int(sub.get("evaluation_year")) or "-"))
    pairs += [
        ("Tanggal dokumen", _date(sub.get("document_date"))),
        ("Versi", _int(sub.get("version")) or "-"),
        ("Status", f"{texts.status_label(status)} ({status})" if status != "loaded" or
         not fb.rejects else f"Diterima sebagian: {len(fb.rejects)} sel/baris ditolak ({status})"),
        ("Alasan", _reason(sub, check)),
        ("Jumlah baris", counts),
        ("Catatan penolakan", f"{len(fb.rejects)} sel/baris (lihat lembar '{REJECTS}')"),
        ("Apa yang perlu dilakukan", _next_step(fb, check)),
        ("Tanggal umpan balik", _date(fb.today)),
    ]
    if fb.raw_note:
        pairs.append(("Catatan", fb.raw_note))
    top, row = row, book.key_values(ws, pairs, row)
    ok = status == "loaded" and not fb.rejects
    ws.cell(top + [p[0] for p in pairs].index("Status"), 2).fill = (
        book.OK_FILL if ok else book.ROW_FILL if status == "superseded" else book.BAD_FILL)
    by_check: dict[str, int] = defaultdict(int)
    for rej in fb.rejects:
        by_check[rej.get("check_name") or "-"] += 1
    if by_check:
        put(ws.cell(row, 1), "Ringkasan masalah").font = book.LABEL_FONT
        for r, (check_name, n) in enumerate(sorted(by_check.items()), start=row + 1):
            put(ws.cell(r, 1), texts.help_for(check_name).title).alignment = book.WRAP
            put(ws.cell(r, 2), f"{n} x  -  {texts.help_for(check_name).fix}").alignment = \
                book.WRAP
        row += len(by_check) + 2
    if fb.sheets and any(not is_missing(r.get("row_number")) for r in fb.rejects):
        put(ws.cell(row, 1), "Warna di lembar Data").font = book.LABEL_FONT
        put(ws.cell(row + 1, 1), "Merah").fill = book.BAD_FILL
        put(ws.cell(row + 1, 2), "sel yang ditolak (arahkan kursor untuk komentar)")
        put(ws.cell(row + 2, 1), "Kuning").fill = book.ROW_FILL
        put(ws.cell(row + 2, 2), "seluruh baris ditolak")
    ws.sheet_view.showGridLines = False
    book.fit_heights(ws)


def _file_check(rejects: list[dict]) -> str | None:
    return next((r["check_name"] for r in rejects if r.get("check_name") in texts.FILE_CHECKS),
                None)


def _reason(sub: dict, check: str | None) -> str:
    reason = safe_text(sub.get("reason"))
    if sub.get("status") == "superseded":
        return f"Digantikan oleh berkas yang lebih baru. ({reason})"
    if not reason:
        return "-"
    title = texts.help_for(check).title if check else "Berkas ditolak"
    return f"{title}. (EN: {reason})"


def _next_step(fb: Feedback, check: str | None) -> str:
    sub = fb.submission
    if sub.get("status") == "superseded":
        return "Tidak ada: berkas ini sudah diganti oleh versi yang lebih baru."
    if sub.get("status") == "rejected":
        if check == "unreadable":
            return texts.unreadable_advice(sub.get("reason"))
        return texts.help_for(check).fix
    if not fb.rejects:
        return "Tidak ada yang perlu diperbaiki. Terima kasih."
    bump = ("naikkan Versi di lembar Identitas" if sub.get("kind") == "masterplan" else
            "perbarui Tanggal Dokumen di lembar Identitas")
    return (f"Baris yang tidak ditolak sudah diterima. Perbaiki yang tercantum di lembar "
            f"'{REJECTS}', lalu kirim ulang SELURUH berkas ({bump}).")


def _findings(ws: Worksheet, findings: pd.DataFrame) -> None:
    """Programme-alignment findings: the known columns, labelled and explained, first."""
    known = [c for c in texts.ALIGNMENT_COLUMNS if c in findings.columns]
    cols = known if len(known) >= 3 else [str(c) for c in findings.columns
                                          if c != "region_code"]
    rows = [[texts.alignment_value(v) for v in row]
            for row in findings[cols].itertuples(index=False)]
    book.table(ws, [texts.ALIGNMENT_COLUMNS.get(c, c) for c in cols], rows)


# --------------------------------------------------------------------------- helpers


def _ordered(rejects: Iterable[dict]) -> list[dict]:
    def key(r: dict) -> tuple:
        row: Any = r.get("row_number")
        return (r.get("sheet") or "", -1 if is_missing(row) else int(row),
                r.get("column_name") or "", r.get("check_name") or "")
    return sorted(rejects, key=key)


def _int(value: Any) -> int | str:
    return "" if is_missing(value) else int(value)


def _date(value: Any) -> str:
    if is_missing(value):
        return "-"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)

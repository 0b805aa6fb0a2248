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
from pipelines.intake import INDEX
from pipelines.layout import read_table
from pipelines.officers import book, texts
from pipelines.officers.safe import put, safe_text
from pipelines.reading import Sheet

REDACTED = "(disembunyikan)"
SUMMARY, REJECTS, FINDINGS = "Ringkasan", "Baris Ditolak", "Temuan Rekonsiliasi"
REJECT_HEADERS = ["No", "Lembar", "Baris", "Kolom", "Nilai yang dikirim", "Masalah",
                  "Yang diharapkan", "Cara memperbaiki", "Pemeriksaan", "Pesan sistem (EN)"]
LINK_FONT = Font(color="0563C1", underline="single")
WHOLE_ROW, WHOLE_FILE = "(seluruh baris)", "(seluruh berkas)"
_FINDING_LABELS = {"program_code": "Kode Program", "program_name": "Nama Program",
                   "status": "Status", "severity": "Tingkat", "message": "Keterangan (EN)"}


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
    if _missing(row):
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
    links = _reproduce(wb, fb) if fb.sheets else {}
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


# --------------------------------------------------------------------------- the officer's rows


def _reproduce(wb: Workbook, fb: Feedback) -> dict[tuple, str]:
    """Copy each sheet the rejects name, highlight refused cells; returns link targets."""
    by_sheet: dict[str, list[dict]] = defaultdict(list)
    for rej in fb.rejects:
        if rej.get("sheet") and not _missing(rej.get("row_number")):
            by_sheet[rej["sheet"]].append(rej)
    links: dict[tuple, str] = {}
    raw = {s.name: s for s in fb.sheets or []}
    for name, rejects in by_sheet.items():
        sheet = raw.get(name)
        if sheet is None:
            continue
        ws = wb.create_sheet(book.safe_sheet_title(f"Data - {name}", wb.sheetnames))
        width = _copy(ws, sheet, fb.redact)
        columns, header_row = _columns_of(sheet, {r.get("column_name") for r in rejects})
        comments: dict[tuple[int, int], list[str]] = defaultdict(list)
        for rej in rejects:
            row = int(rej["row_number"])
            col = columns.get(rej.get("column_name") or "")
            h = texts.help_for(rej.get("check_name"))
            text = f"{h.title}: {h.fix} ({scrub(rej.get('message'), fb.redact)})"
            if col is None:
                for c in range(1, width + 1):
                    cell = ws.cell(row, c)
                    if cell.fill != book.BAD_FILL:
                        cell.fill = book.ROW_FILL
                col = 1
            else:
                ws.cell(row, col).fill = book.BAD_FILL
            comments[(row, col)].append(text)
            links[(name, rej["row_number"], rej.get("column_name"))] = \
                f"'{ws.title}'!{ws.cell(row, col).coordinate}"
        for (row, col), notes in comments.items():
            ws.cell(row, col).comment = book.note("\n".join(dict.fromkeys(notes)))
        if header_row:
            for c in range(1, width + 1):
                ws.cell(header_row, c).font = book.LABEL_FONT
            ws.freeze_panes = ws.cell(header_row + 1, 1)
            _number_formats(ws, columns, header_row)
        book.fit_widths(ws, low=8, high=40)
        book.fit_heights(ws, max_lines=4)
    return links


def _number_formats(ws: Worksheet, columns: dict[str, int], header_row: int) -> None:
    """Rupiah with thousands separators; fractions in a progress column as the percent the
    pipeline read them as (0.8 is 80%)."""
    for name, col in columns.items():
        for (cell,) in ws.iter_rows(min_row=header_row + 1, min_col=col, max_col=col):
            value = cell.value
            if isinstance(value, bool) or not isinstance(value, int | float):
                continue
            if name in ("indicative_budget", "budget_realised"):
                cell.number_format = "#,##0"
            elif name == "progress_pct" and 0 <= value <= 1:
                cell.number_format = "0%"


def _copy(ws: Worksheet, sheet: Sheet, redact: set[str]) -> int:
    """The raw cells at their own positions (as data, contacts redacted); returns the width."""
    width = 0
    for r, values in enumerate(sheet.rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is None or value == "":
                continue
            cell = put(ws.cell(r, c), scrub(value, redact) if isinstance(value, str) else value)
            cell.alignment = book.WRAP
            width = max(width, c)
    return width


def _columns_of(sheet: Sheet, wanted: set[str | None]) -> tuple[dict[str, int], int | None]:
    """Canonical column -> 1-based column index of the table read the way intake reads it."""
    best: tuple[int, int, dict[str, int], int] | None = None
    for index in INDEX.values():
        table = read_table(sheet, index)
        if table is None:
            continue
        hits = len(wanted & set(table.columns))
        if best is None or (hits, len(table.columns)) > best[:2]:
            best = (hits, len(table.columns), table.columns, table.header_row)
    if best is None:
        return {}, None
    return {name: c + 1 for name, c in best[2].items()}, best[3]


def _findings(ws: Worksheet, findings: pd.DataFrame) -> None:
    first = [c for c in _FINDING_LABELS if c in findings.columns]
    rest = [str(c) for c in findings.columns if c not in first and c != "region_code"]
    cols = first + rest
    book.table(ws, [_FINDING_LABELS.get(c, c) for c in cols],
               findings[cols].itertuples(index=False))


# --------------------------------------------------------------------------- helpers


def _ordered(rejects: Iterable[dict]) -> list[dict]:
    def key(r: dict) -> tuple:
        row: Any = r.get("row_number")
        return (r.get("sheet") or "", -1 if _missing(row) else int(row),
                r.get("column_name") or "", r.get("check_name") or "")
    return sorted(rejects, key=key)


def _missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _int(value: Any) -> int | str:
    return "" if _missing(value) else int(value)


def _date(value: Any) -> str:
    if _missing(value):
        return "-"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def scrub(value: Any, redact: set[str]) -> Any:
    """``value`` with any officer contact detail in it replaced by :data:`REDACTED`."""
    if not isinstance(value, str) or not redact:
        return value
    return REDACTED if any(secret in value for secret in redact) else value

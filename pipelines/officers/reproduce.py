"""The officer's own rows, copied into a feedback workbook with the refused cells marked.

Each sheet named by a reject is copied from the raw file at its original rows and columns
(so the row numbers of ``rejected_row`` point at the same rows), as data only, with contact
details blanked. A refused cell is filled red and carries a comment (the Indonesian fix and
the English message); a row refused as a whole is filled yellow, its comment on column A. The
columns are found the way intake found them (:func:`pipelines.layout.read_table`); a column
that cannot be found marks the whole row instead.
"""

from collections import defaultdict
from typing import Any

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.intake import INDEX
from pipelines.layout import read_table
from pipelines.officers import book, texts
from pipelines.officers.safe import is_missing, put, scrub
from pipelines.reading import Sheet


def reproduce(wb: Workbook, sheets: list[Sheet], rejects: list[dict[str, Any]],
              redact: set[str]) -> dict[tuple, str]:
    """Copy each sheet the rejects name, highlight refused cells; returns link targets."""
    by_sheet: dict[str, list[dict]] = defaultdict(list)
    for rej in rejects:
        if rej.get("sheet") and not is_missing(rej.get("row_number")):
            by_sheet[rej["sheet"]].append(rej)
    links: dict[tuple, str] = {}
    raw = {s.name: s for s in sheets}
    for name, mine in by_sheet.items():
        sheet = raw.get(name)
        if sheet is None:
            continue
        ws = wb.create_sheet(book.safe_sheet_title(f"Data - {name}", wb.sheetnames))
        width = _copy(ws, sheet, redact)
        columns, header_row = _columns_of(sheet, {r.get("column_name") for r in mine})
        comments: dict[tuple[int, int], list[str]] = defaultdict(list)
        for rej in mine:
            row = int(rej["row_number"])
            col = columns.get(rej.get("column_name") or "")
            h = texts.help_for(rej.get("check_name"))
            text = f"{h.title}: {h.fix} ({scrub(rej.get('message'), redact)})"
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

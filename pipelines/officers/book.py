"""The look of the workbooks sent to officers: bold headers, frozen panes, widths, wrapping.

Every value goes through :func:`pipelines.officers.safe.put`, so these helpers can be handed
submission data as it is.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.officers.safe import put, safe_text

AUTHOR = "Sekretariat Smart City"
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TITLE_FONT = Font(bold=True, size=14, color="1F4E78")
LABEL_FONT = Font(bold=True)
BAD_FILL = PatternFill("solid", fgColor="FFC7CE")  # a refused cell
ROW_FILL = PatternFill("solid", fgColor="FFEB9C")  # a row refused as a whole
OK_FILL = PatternFill("solid", fgColor="C6EFCE")
INPUT_FILL = PatternFill("solid", fgColor="FFF9E5")  # where the officer types
WRAP = Alignment(wrap_text=True, vertical="top")
LEFT_WRAP = Alignment(horizontal="left", vertical="top", wrap_text=True)
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_THIN = Side(style="thin", color="BFBFBF")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def title(ws: Worksheet, text: str, row: int = 1, subtitle: str | None = None) -> int:
    """A title (and an optional subtitle) at ``row``; returns the next free row."""
    put(ws.cell(row, 1), text).font = TITLE_FONT
    if subtitle:
        cell = put(ws.cell(row + 1, 1), subtitle)
        cell.font = Font(italic=True, color="595959")
        return row + 3
    return row + 2


def header(ws: Worksheet, row: int, labels: Sequence[str], first_col: int = 1) -> None:
    for i, label in enumerate(labels):
        cell = put(ws.cell(row, first_col + i), label)
        cell.font, cell.fill, cell.alignment, cell.border = (HEADER_FONT, HEADER_FILL, CENTER,
                                                             BORDER)
    ws.row_dimensions[row].height = 32


def table(ws: Worksheet, labels: Sequence[str], rows: Iterable[Sequence[Any]], top: int = 1,
          widths: Sequence[float] | None = None, freeze: bool = True) -> int:
    """A header at ``top`` and ``rows`` under it, wrapped, bordered, filterable, with the
    header frozen. Returns the Excel row number of the last data row (``top`` if none)."""
    header(ws, top, labels)
    last = top
    for r, values in enumerate(rows, start=top + 1):
        for c, value in enumerate(values, start=1):
            cell = put(ws.cell(r, c), value)
            cell.alignment, cell.border = WRAP, BORDER
        last = r
    if freeze:
        ws.freeze_panes = ws.cell(top + 1, 1)
    ws.auto_filter.ref = f"A{top}:{get_column_letter(len(labels))}{max(last, top + 1)}"
    if widths:
        set_widths(ws, widths)
    else:
        fit_widths(ws, top)
    fit_heights(ws, top + 1)
    return last


def key_values(ws: Worksheet, pairs: Iterable[tuple[str, Any]], top: int,
               widths: tuple[float, float] = (30, 90)) -> int:
    """Label/value rows (bold label, wrapped value) from ``top``; returns the next free row."""
    row = top
    for label, value in pairs:
        put(ws.cell(row, 1), label).font = LABEL_FONT
        ws.cell(row, 1).alignment = WRAP
        put(ws.cell(row, 2), value).alignment = LEFT_WRAP
        row += 1
    set_widths(ws, widths)
    fit_heights(ws, top, row - 1)
    return row + 1


def set_widths(ws: Worksheet, widths: Sequence[float]) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def fit_widths(ws: Worksheet, from_row: int = 1, low: float = 8, high: float = 50) -> None:
    """Column widths from the longest text of each column (capped; long text wraps)."""
    longest: dict[int, int] = {}
    for row in ws.iter_rows(min_row=from_row):
        for cell in row:
            if cell.value is not None:
                size = max(len(line) for line in str(cell.value).splitlines() or [""])
                longest[cell.column] = max(longest.get(cell.column, 0), size)
    for col, size in longest.items():
        ws.column_dimensions[get_column_letter(col)].width = max(low, min(high, size + 2))


def fit_heights(ws: Worksheet, first: int = 1, last: int | None = None,
                max_lines: int = 8) -> None:
    """Row heights for wrapped text (LibreOffice and Excel do not grow rows openpyxl wrote)."""
    widths = {}
    for row in ws.iter_rows(min_row=first, max_row=last or ws.max_row):
        lines = 1
        for cell in row:
            if cell.value is None or not (cell.alignment and cell.alignment.wrap_text):
                continue
            if cell.coordinate in ws.merged_cells:
                continue
            letter = cell.column_letter
            if letter not in widths:
                widths[letter] = ws.column_dimensions[letter].width or 13
            per_line = max(1, int(widths[letter] * 1.15))
            n = sum(-(-max(1, len(part)) // per_line) for part in str(cell.value).split("\n"))
            lines = max(lines, n)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = 15 * min(lines, max_lines)


def note(text: str, width: int = 320, height: int = 140) -> Comment:
    """A cell comment (cleaned text) signed by the programme office."""
    comment = Comment(safe_text(text)[:2000], AUTHOR)
    comment.width, comment.height = width, height
    return comment


def safe_sheet_title(text: str, taken: Iterable[str]) -> str:
    """A sheet title Excel accepts (no []:*?/\\, at most 31 chars), unique in ``taken``."""
    cleaned = "".join("_" if ch in "[]:*?/\\'" else ch for ch in safe_text(text)).strip()
    cleaned = cleaned[:31] or "Lembar"
    existing = {t.casefold() for t in taken}
    candidate, n = cleaned, 2
    while candidate.casefold() in existing:
        suffix = f" ({n})"
        candidate, n = cleaned[:31 - len(suffix)] + suffix, n + 1
    return candidate


def printable(ws: Worksheet, landscape: bool = True) -> None:
    """Print (and export to PDF) one page wide, landscape, with the header rows repeated."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    if ws.freeze_panes:
        ws.print_title_rows = f"1:{ws[ws.freeze_panes].row - 1}"

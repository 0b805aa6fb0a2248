"""Write sheet models to .xlsx/.xlsm (openpyxl), .xls (xlwt) and .ods (odfpy).

A :class:`SheetModel` is the grid exactly as the officer sees it: row 1 first, ``None`` for an
empty cell, merges as 1-based ``(first_row, first_col, last_row, last_col)``. Values are ``str``
(text cells, even when they look like numbers), ``int``/``float``, ``datetime.date`` or
:class:`Pct` (a fraction shown with a percent format).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.xml.constants import XLSM


@dataclass(frozen=True)
class Pct:
    """A fraction (0.75) written as a number cell with a percent format (75%)."""

    value: float


@dataclass
class SheetModel:
    name: str
    rows: list[list[object]]
    hidden: bool = False
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)
    bold_rows: tuple[int, ...] = ()


class _MacroWorkbook(Workbook):
    """A workbook saved with the macro-enabled content type, as Excel writes .xlsm files."""

    @property
    def mime_type(self) -> str:
        return XLSM


def write(path: Path, sheets: list[SheetModel], fmt: str, fast: bool = False) -> None:
    """Write ``sheets`` to ``path`` in ``fmt`` (xlsx, xlsm, xls, ods)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xls":
        _write_xls(path, sheets)
    elif fmt == "ods":
        _write_ods(path, sheets)
    elif fast and fmt == "xlsx" and not any(s.hidden or s.merges for s in sheets):
        _write_fast(path, sheets)
    else:
        _write_openpyxl(path, sheets, macro=fmt == "xlsm")


def _write_fast(path: Path, sheets: list[SheetModel]) -> None:
    wb = Workbook(write_only=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for i, width in enumerate(sheet.widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        for row in sheet.rows:
            ws.append(row)
    wb.save(path)


def _write_openpyxl(path: Path, sheets: list[SheetModel], macro: bool) -> None:
    wb = _MacroWorkbook() if macro else Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name)
        for r, row in enumerate(sheet.rows, 1):
            for c, value in enumerate(row, 1):
                if value is None:
                    continue
                cell = ws.cell(r, c)
                if isinstance(value, Pct):
                    cell.value, cell.number_format = value.value, "0%"
                elif isinstance(value, date):
                    cell.value, cell.number_format = value, "DD/MM/YYYY"
                else:
                    cell.value = value
                if r in sheet.bold_rows:
                    cell.font = bold
        for r1, c1, r2, c2 in sheet.merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
            ws.cell(r1, c1).alignment = Alignment(vertical="center")
        for i, width in enumerate(sheet.widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width
        if sheet.hidden:
            ws.sheet_state = "hidden"
    wb.active = next(i for i, s in enumerate(sheets) if not s.hidden)
    wb.save(path)


def _write_xls(path: Path, sheets: list[SheetModel]) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    date_style = xlwt.easyxf(num_format_str="DD/MM/YYYY")
    pct_style = xlwt.easyxf(num_format_str="0%")
    bold_style = xlwt.easyxf("font: bold on")
    for sheet in sheets:
        ws = book.add_sheet(sheet.name, cell_overwrite_ok=True)
        if sheet.hidden:
            ws.visibility = 1
        for r, row in enumerate(sheet.rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, Pct):
                    ws.write(r, c, value.value, pct_style)
                elif isinstance(value, date):
                    ws.write(r, c, value, date_style)
                elif r + 1 in sheet.bold_rows:
                    ws.write(r, c, value, bold_style)
                else:
                    ws.write(r, c, value)
        for i, width in enumerate(sheet.widths):
            ws.col(i).width = int(256 * width)
    book.save(str(path))


def _write_ods(path: Path, sheets: list[SheetModel]) -> None:
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableProperties
    from odf.table import Table, TableCell, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    hidden = Style(name="HiddenTable", family="table")
    hidden.addElement(TableProperties(display="false"))
    doc.automaticstyles.addElement(hidden)
    for sheet in sheets:
        table = Table(name=sheet.name, stylename=hidden) if sheet.hidden else Table(
            name=sheet.name)
        for row in sheet.rows:
            tr = TableRow()
            for value in row or [None]:
                if value is None:
                    cell = TableCell()
                elif isinstance(value, Pct):
                    cell = TableCell(valuetype="percentage", value=value.value)
                    cell.addElement(P(text=f"{value.value:.0%}"))
                elif isinstance(value, date):
                    cell = TableCell(valuetype="date", datevalue=value.isoformat())
                    cell.addElement(P(text=value.strftime("%d/%m/%Y")))
                elif isinstance(value, (int, float)):
                    cell = TableCell(valuetype="float", value=value)
                    cell.addElement(P(text=str(value)))
                else:
                    cell = TableCell(valuetype="string")
                    cell.addElement(P(text=str(value)))
                tr.addElement(cell)
            table.addElement(tr)
        doc.spreadsheet.addElement(table)
    doc.save(str(path))

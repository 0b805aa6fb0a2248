"""``cohort_report.xlsx``: one sheet per table, formatted numbers, frozen bold headers.

Rupiah as ``#,##0``, shares as percentages, progress (already 0-100) with a percent sign,
index scores with two decimals, dates as ``yyyy-mm-dd``. Missing values are left blank. The
static maps (cohort membership, master-plan alignment; :mod:`.static_map`) are a picture below
the cohort summary table.
"""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.drawing.image import Image
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import static_map
from .data import ReportData, fmt, label

NUMBER_FORMATS = {"int": "#,##0", "rupiah": "#,##0", "share": "0.0%", "pct": '0.0"%"',
                  "index": "0.00", "year": "0", "date": "yyyy-mm-dd"}
#: Sheets whose first columns stay in view when scrolling right (they name the row).
FROZEN = {"Region scorecards": "E2", "Findings": "D2"}
_HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
_WIDE = {"message": 70, "program_name": 40, "region_name": 28, "province_name": 24}


def _cell(value: object) -> object:
    """A DataFrame value as openpyxl takes it: missing -> None, numpy -> Python."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    if hasattr(value, "item"):
        return value.item()
    return value


def _width(column: str, values: list[object]) -> float:
    if column in _WIDE:
        return _WIDE[column]
    kind = fmt(column)
    longest = 0
    for v in values[:500]:
        if v is None:
            continue
        if kind in ("int", "rupiah") and isinstance(v, (int, float)):
            text = f"{v:,.0f}"
        elif kind in ("share", "pct", "index") and isinstance(v, (int, float)):
            text = f"{v:.2f}%"
        elif isinstance(v, (date, datetime)):
            text = "2024-12-31"
        else:
            text = str(v)
        longest = max(longest, len(text))
    header = len(label(column))
    return float(min(60, max(8, longest + 2, min(header, 22) + 2)))


MAP_WIDTH = 900  # points the picture is shown at (drawn at 1200 px, so it stays sharp)


def _add_maps(ws, data: ReportData, rows: int) -> None:
    """The static maps (cohort membership, alignment), below the table of ``ws``."""
    picture = Image(io.BytesIO(static_map.render(data.maps)))
    picture.height = round(picture.height * MAP_WIDTH / picture.width)
    picture.width = MAP_WIDTH
    ws.add_image(picture, f"A{rows + 4}")


def write_workbook(data: ReportData, path: Path) -> Path:
    """Write the report workbook to ``path`` (overwritten) and return it."""
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for name, frame in data.sheets().items():
        ws = book.create_sheet(name)
        columns = list(frame.columns)
        ws.append([label(c) for c in columns])
        for cell in ws[1]:
            cell.font, cell.fill = bold, _HEADER_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        values = {c: [_cell(v) for v in frame[c].tolist()] for c in columns}
        for i in range(len(frame)):
            ws.append([values[c][i] for c in columns])
        for j, column in enumerate(columns, 1):
            letter = get_column_letter(j)
            ws.column_dimensions[letter].width = _width(column, values[column])
            number = NUMBER_FORMATS.get(fmt(column))
            if number and len(frame):
                for (cell,) in ws.iter_rows(min_row=2, min_col=j, max_col=j):
                    cell.number_format = number
        ws.freeze_panes = FROZEN.get(name, "B2" if columns[:1] == ["cohort_year"] else "A2")
        if columns:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(frame) + 1)}"
        ws.row_dimensions[1].height = 32
    _add_maps(book["Cohort summary"], data, len(data.summary))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path

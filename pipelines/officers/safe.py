"""Writing values that came from a submission into workbooks and CSV files, safely.

Whatever a regional officer typed is data, never code: a text beginning with ``=``, ``+``,
``-`` or ``@`` (``=HYPERLINK("http://x")``, ``+62812``, ``-1``, ``@SUM(A1)``) is written as
text, never as a formula, in every workbook and CSV this package writes. Characters a
workbook cannot hold (control characters such as ``\\x07``, lone surrogates, U+FFFE/U+FFFF)
are replaced by U+FFFD instead of crashing the writer, and over-long text is cut at Excel's
cell limit. Every cell written from submission data goes through :func:`put`.
"""

import csv
import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl.cell.cell import Cell

#: What a spreadsheet program may read as the start of a formula (tab and carriage return
#: too, as OWASP's CSV-injection guidance says, for CSV files).
FORMULA_PREFIXES = ("=", "+", "-", "@")
CSV_FORMULA_PREFIXES = (*FORMULA_PREFIXES, "\t", "\r")
REPLACEMENT = "\ufffd"
REDACTED = "(disembunyikan)"
EXCEL_MAX_CHARS = 32_767

# openpyxl's ILLEGAL_CHARACTERS_RE (C0 controls but tab, newline and carriage return), plus
# what XML 1.0 or UTF-8 cannot carry at all.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """``text`` with every character a workbook cannot hold replaced, cut to 32,767 chars."""
    return _ILLEGAL.sub(REPLACEMENT, text)[:EXCEL_MAX_CHARS]


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def cell_value(value: Any) -> Any:
    """``value`` as something openpyxl writes as plain data (text, number, date or None).

    NaN, NaT and infinities become None; numbers, booleans, dates and times stay as they
    are; everything else becomes cleaned text (see :func:`clean_text`).
    """
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | Decimal):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dt.datetime | dt.date | dt.time | dt.timedelta):
        try:
            if value != value:  # pandas NaT
                return None
        except TypeError:  # pragma: no cover - exotic comparisons
            pass
        if isinstance(value, pd.Timestamp):
            value = value.to_pydatetime()
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.replace(tzinfo=None)
        return value
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        return cell_value(value.item())
    return clean_text(str(value))


def put(cell: Cell, value: Any) -> Cell:
    """Write ``value`` into ``cell`` as data: never a formula, never an error code.

    Text that looks like a formula is stored as a string and marked with Excel's quote
    prefix, so editing the cell later keeps it text. Returns the cell.
    """
    value = cell_value(value)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl took '=...' as a formula and '#N/A' as an error
        if looks_like_formula(value) or value.startswith("'"):
            cell.quotePrefix = True
    return cell


def is_missing(value: Any) -> bool:
    """None, NaN, NaT or pd.NA."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def scrub(value: Any, secrets: set[str]) -> Any:
    """``value``, or ``(disembunyikan)`` when a text holds one of ``secrets`` (an officer's
    contact details, which feedback never copies)."""
    if not isinstance(value, str) or not secrets:
        return value
    return REDACTED if any(secret in value for secret in secrets) else value


def safe_text(value: Any) -> str:
    """Any value as cleaned text for a message or a comment ('' for None)."""
    value = cell_value(value)
    return "" if value is None else clean_text(str(value))


def safe_csv_value(value: Any) -> Any:
    """A value for a CSV export: text that a spreadsheet would run as a formula gets a ``'``
    in front (``=1+1`` -> ``'=1+1``); control characters are replaced; numbers, dates and
    None are returned unchanged."""
    if value is None or value is pd.NA:
        return None
    if isinstance(value, bool | int | float | Decimal | dt.date | dt.time):
        return value
    text = _ILLEGAL.sub(REPLACEMENT, str(value))
    return "'" + text if text.startswith(CSV_FORMULA_PREFIXES) else text


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """A UTF-8 CSV (with a BOM, so Excel reads it right) whose values cannot run as formulas
    (:func:`safe_csv_value`); whole floats are written without ``.0``."""
    with open(path, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        for row in rows:
            writer.writerow([safe_csv_value(int(v) if isinstance(v, float) and v.is_integer()
                                            else v) for v in row])
    return path

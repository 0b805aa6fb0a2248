"""Parsing single cell values as people type them in Indonesian spreadsheets.

Cells arrive from python-calamine as ``None``, ``str``, ``int``, ``float``, ``bool``,
``datetime.datetime``, ``datetime.date``, ``datetime.time`` or ``datetime.timedelta``. Every
parser here takes one such raw cell and

- returns ``None`` when the cell is empty (see :func:`is_empty` and :data:`EMPTY_TOKENS`);
- returns the parsed value when the cell can be read honestly;
- raises :class:`ValueParseError` (a ``ValueError``) otherwise, with a short English message
  saying what was expected and what was found, e.g.
  ``expected a year such as 2024, got 'duapuluh'``.

The parsers never guess and never return NaN. They follow Indonesian conventions where these
differ from English ones: ``1.234`` is one thousand two hundred and thirty-four, ``12/07/2023``
is 12 July, ``M`` after an amount means *miliar* (10^9). Range checks beyond the sanity bounds
stated in each docstring belong to validation, not here.

Nothing here uses pandas: ``pd.to_numeric("1.234")`` is 1.234 and ``pd.to_datetime("12/07/2023")``
is 7 December, both wrong for these inputs.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import numbers
import re
import unicodedata
from decimal import Decimal
from typing import NoReturn

__all__ = [
    "EMPTY_TOKENS",
    "EXCEL_EPOCH",
    "EXCEL_SERIAL_MAX",
    "EXCEL_SERIAL_MIN",
    "MONTHS",
    "YEAR_MAX",
    "YEAR_MIN",
    "Cell",
    "ValueParseError",
    "is_empty",
    "parse_amount",
    "parse_date",
    "parse_int",
    "parse_percent",
    "parse_period",
    "parse_region_code",
    "parse_score",
    "parse_text",
    "parse_year",
]

#: What python-calamine hands over for one cell.
Cell = str | int | float | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None

#: Text that means "no value" (compared after whitespace clean-up, case-insensitively).
#: An empty token is *missing*, never zero: "tidak ada" in a budget column is not Rp 0.
#: Besides these, any run of hyphens/dashes only (``---``, ``——``) is empty too.
EMPTY_TOKENS: frozenset[str] = frozenset(
    {
        "",
        "-",
        "–",  # en dash
        "—",  # em dash
        "n/a",
        "n.a.",
        "n.a",
        "na",
        "#n/a",
        "null",
        "none",
        "nil",
        "nihil",
        "kosong",
        "tidak ada",
        "tdk ada",
        "belum ada",
    }
)

#: Day 0 of Excel's 1900 date system as used by every spreadsheet program in practice.
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: A number in this range (inclusive) in a date or year column is a date cell that lost its
#: format: 20000 is 1954-10-03, 80000 is 2119-01-10.
EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX = 20000, 80000
#: Sanity bounds for a year; tighter range checks belong to validation.
YEAR_MIN, YEAR_MAX = 1900, 2100


class ValueParseError(ValueError):
    """A cell that cannot be read as the expected kind of value.

    ``str(error)`` is a short English message (``expected ..., got ...``); ``value`` is the
    raw cell as received, for the rejected-row record.
    """

    def __init__(self, message: str, value: object = None) -> None:
        super().__init__(message)
        self.value = value


# --------------------------------------------------------------------------- helpers

_DASHES = "-‐‑‒–—―−"  # hyphen-minus, hyphens, figure dash, en/em dash, bar, minus sign
_DASH_RUN = re.compile(f"[{_DASHES}]+")
_TOKEN_MAX = max(map(len, EMPTY_TOKENS))
#: Floats whose integral values are all exact (|x| < 2**53): their repr is exact too.
_EXACT = 2.0**53


def _clean_text(text: str) -> str:
    """Drop format characters (zero-width space, BOM, soft hyphen...) and collapse whitespace.

    Every Unicode space (NBSP, thin space, narrow NBSP...) and line break becomes one space.
    """
    if not text.isascii():  # ASCII has no format characters: skip the per-character scan
        text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return " ".join(text.split())


def _norm(text: str) -> str:
    """Cleaned, NFKC-normalised (full-width digits, ligatures), lower-cased text for parsing."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("−", "-")  # U+2212 MINUS SIGN
    return _clean_text(text).lower()


def is_empty(cell: object) -> bool:
    """True for a cell that holds no value.

    Empty means: ``None``; a float NaN (or pandas' NaT); or text that, once whitespace,
    NBSP and zero-width characters are removed and case is ignored, is one of
    :data:`EMPTY_TOKENS` or a run of dashes only. Numbers (including 0), booleans, dates and
    any other text are not empty.
    """
    if cell is None:
        return True
    if isinstance(cell, str):
        return _empty_text(_clean_text(cell))
    try:
        return bool(cell != cell)  # NaN, NaT
    except Exception:  # pragma: no cover - exotic objects with odd comparison
        return False


def _empty_text(text: str) -> bool:
    """Whether cleaned text is an empty token or a run of dashes (casefolding never shortens
    text, and only letters change under it)."""
    return (len(text) <= _TOKEN_MAX and text.casefold() in EMPTY_TOKENS) or \
        not text.strip(_DASHES)


def _show(cell: object) -> str:
    """The cell as shown in an error message."""
    if isinstance(cell, str):
        text = cell if len(cell) <= 60 else cell[:57] + "..."
        return repr(text)
    if isinstance(cell, bool):
        return f"the boolean {'TRUE' if cell else 'FALSE'}"
    if isinstance(cell, dt.datetime):
        return f"the date-time {cell.isoformat(sep=' ')}"
    if isinstance(cell, dt.date):
        return f"the date {cell.isoformat()}"
    if isinstance(cell, dt.time):
        return f"the time {cell.isoformat()}"
    if isinstance(cell, dt.timedelta):
        return f"the duration {cell}"
    return repr(float(cell)) if isinstance(cell, float) else str(cell)


def _fail(expected: str, cell: object, why: str | None = None) -> NoReturn:
    message = f"expected {expected}, got {_show(cell)}"
    if why:
        message += f" ({why})"
    raise ValueParseError(message, cell)


def _is_number(cell: object) -> bool:
    """int, float, Decimal, numpy numbers... but not bool."""
    cls = cell.__class__
    if cls is float or cls is int:
        return True
    if cls is str or cell is None:  # most cells: skip the slow ABC check
        return False
    return not isinstance(cell, bool) and isinstance(cell, numbers.Real | Decimal)


def _to_decimal(number: object) -> Decimal:
    """An exact Decimal for a numeric cell: 0.1 becomes Decimal('0.1'), not its binary value."""
    if isinstance(number, numbers.Integral):
        return Decimal(int(number))  # type: ignore[call-overload]
    if isinstance(number, Decimal):
        return number
    return Decimal(repr(float(number)))  # type: ignore[arg-type]


def _finite(cell: object, expected: str) -> Decimal:
    value = _to_decimal(cell)
    if not value.is_finite():
        _fail(expected, cell, "not a finite number")
    return value


def _excel_serial_date(serial: Decimal) -> dt.date | None:
    """The date of an Excel serial number in the accepted range, else None."""
    if EXCEL_SERIAL_MIN <= serial <= EXCEL_SERIAL_MAX:
        return EXCEL_EPOCH + dt.timedelta(days=math.floor(serial))
    return None


# --------------------------------------------------------------------------- amounts

_AMOUNT_EXPECTED = "an amount in rupiah such as 1.500.000, Rp 1.500.000,00 or 1,5 M"

#: Multiplier words after an amount. ``M`` is *miliar* (10^9), as Indonesians write it.
_MULTIPLIERS: dict[str, int] = {
    **dict.fromkeys(("rb", "ribu", "k", "thousand"), 10**3),
    **dict.fromkeys(("jt", "jta", "juta", "mio", "million"), 10**6),
    **dict.fromkeys(("m", "miliar", "milyar", "milyard", "miliard", "b", "bn", "billion"), 10**9),
    **dict.fromkeys(("t", "tn", "triliun", "trilyun", "trillion"), 10**12),
}

_CURRENCY_PREFIX = re.compile(r"^(?:rp|idr)\s*[.:]?\s*")
_CURRENCY_SUFFIX = re.compile(r"\s*(?:rupiah|rp|idr)$")
_TRAILING_DASH = re.compile(r"\s*[.,]?\s*-+$")  # "250.000.000,-", "1.500.000,--"
_AMOUNT_TEXT = re.compile(r"^(?P<num>\d(?:[\d.,]|\s(?=\d))*)\s*(?:(?P<mult>[a-z]+)\.?)?$")


def _grouped(text: str, sep: str) -> bool:
    """Whether ``text`` is digits grouped by threes with ``sep``: ``1.500.000``."""
    return re.fullmatch(r"[1-9]\d{0,2}(?:" + re.escape(sep) + r"\d{3})+", text) is not None


def _amount_number(num: str, has_multiplier: bool, cell: object) -> Decimal:
    """The number part of an amount, per the separator rules of :func:`parse_amount`."""
    if " " in num:
        # Spaces (NBSP, thin spaces) as thousands separators: "1 500 000" or "1 500 000,00".
        m = re.fullmatch(r"(\d{1,3}(?: \d{3})+)(?:[.,](\d+))?", num)
        if not m:
            _fail(_AMOUNT_EXPECTED, cell, "unclear digit grouping")
        return Decimal(m.group(1).replace(" ", "") + "." + (m.group(2) or "0"))

    dots, commas = num.count("."), num.count(",")
    if dots and commas:
        decimal_sep = "." if num.rfind(".") > num.rfind(",") else ","
        thousands_sep = "," if decimal_sep == "." else "."
        whole, _, fraction = num.rpartition(decimal_sep)
        if decimal_sep in whole or not _grouped(whole, thousands_sep) or not fraction:
            _fail(_AMOUNT_EXPECTED, cell, "unclear thousands and decimal separators")
        return Decimal(whole.replace(thousands_sep, "") + "." + fraction)
    if not dots and not commas:
        return Decimal(num)

    sep = "." if dots else ","
    if dots + commas > 1:
        if not _grouped(num, sep):
            _fail(_AMOUNT_EXPECTED, cell, "unclear digit grouping")
        return Decimal(num.replace(sep, ""))

    whole, _, fraction = num.partition(sep)
    if not whole or not fraction:
        _fail(_AMOUNT_EXPECTED, cell, "a separator must sit between digits")
    thousands = len(fraction) == 3 and (sep == "." or not has_multiplier)
    if thousands:
        if not _grouped(num, sep):
            _fail(_AMOUNT_EXPECTED, cell, f"is {sep!r} a thousands or a decimal separator?")
        return Decimal(whole + fraction)
    if sep == "." and len(fraction) > 2:
        _fail(_AMOUNT_EXPECTED, cell, "is '.' a thousands or a decimal separator?")
    return Decimal(whole + "." + fraction)


def parse_amount(cell: Cell) -> float | None:
    """A rupiah amount as a float, ``None`` for an empty cell.

    Numeric cells are taken as they are. Text may carry ``Rp``/``Rp.``/``IDR`` before (or
    ``rupiah`` after) the number, NBSP or thin spaces, a trailing ``,-`` or ``,--``, and a
    multiplier word: ``rb``/``ribu``/``k`` (10^3), ``jt``/``juta`` (10^6),
    ``M``/``miliar``/``milyar``/``B``/``bn`` (10^9: **M is miliar**, the Indonesian usage),
    ``T``/``triliun`` (10^12). Text that is only a currency sign (``Rp``, ``Rp -``) is empty.

    Separator rules for text:

    - both ``.`` and ``,``: the last one is the decimal separator, the other groups thousands
      (``1.500.000,00`` and ``1,500,000.00``);
    - several of one separator: thousands (``1.500.000``, ``1,500,000``);
    - a single ``.`` followed by exactly 3 digits: thousands (``1.500`` is 1500, and
      ``1.500 juta`` is 1500 juta, as Indonesians write it);
    - a single ``,`` followed by exactly 3 digits with no multiplier word: thousands
      (money is never 1,5 rupiah); with a multiplier it is a decimal (``1,500 M`` is 1.5 M);
    - otherwise a single ``,`` is the decimal separator (``1,5 M``), and a single ``.``
      followed by 1-2 digits is a decimal (``1.5 M``, ``1500000.00``);
    - spaces may group thousands (``1 500 000``) if every group has 3 digits.

    Raises :class:`ValueParseError` for negative amounts (``-5.000``, ``(5.000)``), for
    booleans, dates and times, for text that is not such an amount (``sekitar 5 juta``,
    ``lima juta``), and for separators these rules cannot settle (``1.5000``, ``1.50.000``,
    ``0.500``) rather than guessing.
    """
    if cell.__class__ is float and -_EXACT < cell < _EXACT:  # NaN and inf fail the test
        if cell < 0:
            _fail("a non-negative amount in rupiah", cell)
        return cell or 0.0  # float(Decimal(repr(x))) is x; never -0.0
    if is_empty(cell):
        return None
    if _is_number(cell):
        value = _finite(cell, _AMOUNT_EXPECTED)
        if value < 0:
            _fail("a non-negative amount in rupiah", cell)
        return float(value) if value else 0.0  # never -0.0
    if not isinstance(cell, str):
        _fail(_AMOUNT_EXPECTED, cell)

    text = _TRAILING_DASH.sub("", _norm(cell))
    text = _CURRENCY_SUFFIX.sub("", _CURRENCY_PREFIX.sub("", text))
    text = _TRAILING_DASH.sub("", text).strip()
    if not text:
        return None  # "Rp", "Rp -": a currency sign with no figure
    if text.startswith("-") or (text.startswith("(") and text.endswith(")")):
        _fail("a non-negative amount in rupiah", cell)
    m = _AMOUNT_TEXT.fullmatch(text)
    if not m:
        _fail(_AMOUNT_EXPECTED, cell)
    word = m.group("mult")
    if word is not None and word not in _MULTIPLIERS:
        _fail(_AMOUNT_EXPECTED, cell, f"unknown unit {word!r}")
    number = _amount_number(m.group("num").strip(), word is not None, cell)
    return float(number * _MULTIPLIERS.get(word or "", 1))


# --------------------------------------------------------------------------- decimals

_DECIMAL_TEXT = re.compile(r"^(?P<sign>-?)\s*(?P<whole>\d*)(?:[.,](?P<fraction>\d+))?$")


def _decimal_text(text: str) -> Decimal | None:
    """``3,31``/``3.31``/``-2``/``,5`` as a Decimal; None if the text is not such a number."""
    m = _DECIMAL_TEXT.fullmatch(text)
    if not m or not (m.group("whole") or m.group("fraction")):
        return None
    value = Decimal((m.group("whole") or "0") + "." + (m.group("fraction") or "0"))
    return -value if m.group("sign") else value


_PERCENT_EXPECTED = "a percentage such as 75%, 75,5% or 0,75"
_PERCENT_SIGN = re.compile(r"\s*(?:%|persen|pct|percent)$")


@functools.lru_cache(maxsize=10_000)
def _fraction_percent(cell: float) -> float:
    """A fraction cell (0 < cell <= 1) as a percentage, exactly; such cells repeat a lot."""
    return float(_finite(cell, _PERCENT_EXPECTED) * 100)


def parse_percent(cell: Cell) -> float | None:
    """A percentage on the 0-100 scale, ``None`` for an empty cell. Not clamped.

    - Text with ``%`` (or ``persen``) is the percentage as written: ``75%``, ``75 %``,
      ``75,5%`` (decimal comma or point), ``100%`` -> 100, ``120%`` -> 120.
    - A numeric cell between 0 and 1 inclusive is a fraction, because Excel stores 75% as
      0.75: 0.75 -> 75, **1 or 1.0 -> 100**, 0 -> 0. Other numeric cells are percentages
      as they are (75 -> 75, 1.5 -> 1.5).
    - Text without ``%`` strictly between 0 and 1 is a fraction: ``0,75``/``0.75`` -> 75.
      Any other text number is a percentage as written: **text** ``1`` -> 1, ``1,0`` -> 1,
      ``0`` -> 0, ``75`` -> 75.
    - Values above 100 and negative values are returned as they are, for validation to
      reject.

    Raises :class:`ValueParseError` for text that is not a number (``selesai``, ``done``,
    ``75%%``), for numbers with thousands separators (``1.000,5%``), booleans and dates.
    """
    if cell.__class__ is float and (1 < cell < _EXACT or -_EXACT < cell < 0):
        return cell  # float(Decimal(repr(x))) is x: only fractions need the exact product
    if cell.__class__ is float and 0 < cell <= 1:
        return _fraction_percent(cell)
    if is_empty(cell):
        return None
    if _is_number(cell):
        value = _finite(cell, _PERCENT_EXPECTED)
        return float(value * 100 if 0 <= value <= 1 else value)
    if not isinstance(cell, str):
        _fail(_PERCENT_EXPECTED, cell)
    text = _norm(cell)
    has_sign = _PERCENT_SIGN.search(text) is not None
    number = _decimal_text(_PERCENT_SIGN.sub("", text))
    if number is None:
        _fail(_PERCENT_EXPECTED, cell)
    if not has_sign and 0 < number < 1:
        number *= 100
    return float(number)


_SCORE_EXPECTED = "a score such as 3,31 or 3.31"


def parse_score(cell: Cell) -> float | None:
    """A decimal score (``3,31`` or ``3.31`` -> 3.31), ``None`` for an empty cell.

    Numeric cells are taken as they are. Text may use ``,`` or ``.`` as the decimal
    separator, once; there are no thousands separators in a score. Negative and
    out-of-scale values are returned for validation to reject.

    Raises :class:`ValueParseError` for text that is not such a number (``3,3,1``,
    ``baik``), booleans and dates.
    """
    if cell.__class__ is float and -_EXACT < cell < _EXACT:
        return cell  # float(Decimal(repr(x))) is x
    if is_empty(cell):
        return None
    if _is_number(cell):
        return float(_finite(cell, _SCORE_EXPECTED))
    if not isinstance(cell, str):
        _fail(_SCORE_EXPECTED, cell)
    number = _decimal_text(_norm(cell))
    if number is None:
        _fail(_SCORE_EXPECTED, cell)
    return float(number)


_INT_EXPECTED = "a whole number such as 2 (or v2, Versi 2, Revisi 1)"
_INT_TEXT = re.compile(
    r"^(?:(?:versi|version|ver|revisi|revision|rev|v)\s*\.?\s*)?(?:ke\s*-?\s*)?"
    r"(?P<n>-?\d+)(?:[.,]0{1,2})?$"
)


def parse_int(cell: Cell) -> int | None:
    """A whole number such as a version, ``None`` for an empty cell.

    Accepts int cells, float cells with no fraction (2.0), and text ``2``, ``2.0``,
    ``2,00``, ``v2``, ``V.2``, ``Versi 2``, ``Version 2``, ``Revisi 1``, ``Revisi ke-2``,
    ``rev.3``.

    Raises :class:`ValueParseError` for a fraction (``2.5``, ``v2.1``), for text with
    thousands separators or three decimal places (``1.000`` could be 1 or 1000), other text,
    booleans and dates.
    """
    if is_empty(cell):
        return None
    if _is_number(cell):
        value = _finite(cell, _INT_EXPECTED)
        if value != value.to_integral_value():
            _fail(_INT_EXPECTED, cell, "has a fraction")
        return int(value)
    if not isinstance(cell, str):
        _fail(_INT_EXPECTED, cell)
    m = _INT_TEXT.fullmatch(_norm(cell))
    if not m:
        _fail(_INT_EXPECTED, cell)
    return int(m.group("n"))


# --------------------------------------------------------------------------- dates

#: Month names and abbreviations, Indonesian and English, lower case.
MONTHS: dict[str, int] = {
    **dict.fromkeys(("januari", "january", "jan"), 1),
    **dict.fromkeys(("februari", "pebruari", "february", "feb", "peb", "pebr", "febr"), 2),
    **dict.fromkeys(("maret", "march", "mar", "mrt"), 3),
    **dict.fromkeys(("april", "apr"), 4),
    **dict.fromkeys(("mei", "may"), 5),
    **dict.fromkeys(("juni", "june", "jun"), 6),
    **dict.fromkeys(("juli", "july", "jul"), 7),
    **dict.fromkeys(("agustus", "august", "agu", "agt", "ags", "agst", "aug"), 8),
    **dict.fromkeys(("september", "sep", "sept", "spt"), 9),
    **dict.fromkeys(("oktober", "october", "okt", "oct"), 10),
    **dict.fromkeys(("november", "nopember", "nov", "nop"), 11),
    **dict.fromkeys(("desember", "december", "des", "dec"), 12),
}

_WEEKDAY_PREFIX = re.compile(
    r"^(?:senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad|monday|tuesday|wednesday"
    r"|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)(?:\s*,\s*|\s+)"
)
_TIME_SUFFIX = re.compile(
    r"(?:\s+|t)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:wib|wita|wit|z|[+-]\d{2}:?\d{2})?$"
)
_ISO_DATE = re.compile(r"^(\d{4})([-/.])(\d{1,2})\2(\d{1,2})$")
_DMY_DATE = re.compile(r"^(\d{1,2})([-/.])(\d{1,2})\2(\d{4})$")
_D_MONTH_Y = re.compile(r"^(\d{1,2})[\s\-/.]*([a-z]+)\.?[\s\-/.,]*(\d{4})$")
_MONTH_D_Y = re.compile(r"^([a-z]+)\.?\s*(\d{1,2}),?\s+(\d{4})$")
_MONTH_Y = re.compile(r"^([a-z]+)\.?[\s\-/.,]*(\d{4})$")
_NUM_MONTH_Y = re.compile(r"^(\d{1,2})[-/.](\d{4})$")

_DATE_EXPECTED = "a date such as 12/07/2023 (day first), 2023-07-12 or 12 Juli 2023"


def _make_date(year: int, month: int, day: int, cell: object, expected: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        _fail(expected, cell, "no such date")


def _month(name: str, cell: object, expected: str) -> int:
    if name not in MONTHS:
        _fail(expected, cell, f"unknown month {name!r}")
    return MONTHS[name]


def _date_from_text(text: str, cell: object, expected: str) -> dt.date | None:
    """A date written as text (already normalised), None if no date pattern matches.

    Raises if a pattern matches but names no real date (31/02/2023, 12 Foo 2023).
    """
    text = _TIME_SUFFIX.sub("", _WEEKDAY_PREFIX.sub("", text)).strip()
    if m := _ISO_DATE.fullmatch(text):
        return _make_date(int(m[1]), int(m[3]), int(m[4]), cell, expected)
    if m := _DMY_DATE.fullmatch(text):
        return _make_date(int(m[4]), int(m[3]), int(m[1]), cell, expected)
    if m := _D_MONTH_Y.fullmatch(text):
        return _make_date(int(m[3]), _month(m[2], cell, expected), int(m[1]), cell, expected)
    if m := _MONTH_D_Y.fullmatch(text):
        return _make_date(int(m[3]), _month(m[1], cell, expected), int(m[2]), cell, expected)
    return None


def parse_date(cell: Cell) -> dt.date | None:
    """A calendar date, ``None`` for an empty cell.

    - datetime cells give their date (the time is dropped), date cells themselves;
    - numbers from 20000 to 80000 are Excel serial dates that lost their format
      (epoch 1899-12-30; a time fraction is dropped);
    - text, always **day first** when numeric: ``12/07/2023``, ``12-07-2023``,
      ``12.07.2023`` are 12 July 2023; ISO ``2023-07-12`` (or ``2023/07/12``), optionally
      with a time; a month name or abbreviation, Indonesian or English: ``12 Juli 2023``,
      ``12 Agt 2023``, ``12-Jul-2023``, ``Rabu, 12 Juli 2023``, ``July 12, 2023``.

    Raises :class:`ValueParseError` for impossible dates (``31/02/2023``, ``12/13/2023``:
    there is no month 13, the day-first reading is never swapped), two-digit years
    (``12/07/23``: the century would be a guess), month and year alone (``Juli 2023``),
    numbers outside the serial range, booleans, times, durations and other text.
    """
    if is_empty(cell):
        return None
    if isinstance(cell, dt.datetime):
        return cell.date()
    if isinstance(cell, dt.date):
        return cell
    if _is_number(cell):
        date = _excel_serial_date(_finite(cell, _DATE_EXPECTED))
        if date is None:
            _fail(_DATE_EXPECTED, cell, "a number outside the range of Excel dates")
        return date
    if not isinstance(cell, str):
        _fail(_DATE_EXPECTED, cell)
    date = _date_from_text(_norm(cell), cell, _DATE_EXPECTED)
    if date is None:
        _fail(_DATE_EXPECTED, cell)
    return date


# --------------------------------------------------------------------------- years

_YEAR_EXPECTED = "a year such as 2024"
_YEAR_PREFIX = re.compile(r"^(?:tahun\s+anggaran|tahun|thn|th|t\s*\.\s*a|ta|fy|year)\s*[.:]?\s*")


def _check_year(year: int, cell: object, expected: str = _YEAR_EXPECTED) -> int:
    if not YEAR_MIN <= year <= YEAR_MAX:
        _fail(expected, cell, f"outside {YEAR_MIN}-{YEAR_MAX}")
    return year


def parse_year(cell: Cell) -> int | None:
    """A calendar year, ``None`` for an empty cell.

    - int cells and float cells without a fraction (2024.0);
    - datetime/date cells give their year;
    - numbers from 20000 to 80000 are Excel serial dates that lost their format: the year
      of that date (serial 45474 -> 2024). Only numeric cells: text ``45474`` is an error;
    - text ``2024``, `` 2024 ``, ``2024.0``, ``Tahun 2024``, ``TA 2024``, ``T.A. 2024``,
      ``Tahun Anggaran 2024``, ``FY 2024``; a date as :func:`parse_date` reads it
      (``01/07/2024``, ``1-7-2024``, ``2024-07-01``, ``1 Juli 2024``); a month and a year
      (``Juli 2024``, ``Jul-2024``, ``07/2024``).

    Raises :class:`ValueParseError` for years outside 1900-2100 (``224``, ``3024``), a
    fraction (``2024.5``), a period (``2024-2026``), two-digit years (``24``), impossible
    dates, booleans, times, durations and other text (``duapuluh``).
    """
    if (cell.__class__ is int or cell.__class__ is float) and -_EXACT < cell < _EXACT:
        # what the Decimal of the cell's repr gives below, for plain numbers (NaN, inf and
        # huge numbers fail the test): for these, floor and comparisons agree
        if EXCEL_SERIAL_MIN <= cell <= EXCEL_SERIAL_MAX:
            return _check_year((EXCEL_EPOCH + dt.timedelta(days=math.floor(cell))).year, cell)
        if cell.__class__ is float and not cell.is_integer():  # type: ignore[union-attr]
            _fail(_YEAR_EXPECTED, cell, "has a fraction")
        year = int(cell)
        return year if YEAR_MIN <= year <= YEAR_MAX else _check_year(year, cell)
    if is_empty(cell):
        return None
    if isinstance(cell, dt.date):  # datetime included
        return _check_year(cell.year, cell)
    if _is_number(cell):
        value = _finite(cell, _YEAR_EXPECTED)
        date = _excel_serial_date(value)
        if date is not None:
            return _check_year(date.year, cell)
        if value != value.to_integral_value():
            _fail(_YEAR_EXPECTED, cell, "has a fraction")
        return _check_year(int(value), cell)
    if not isinstance(cell, str):
        _fail(_YEAR_EXPECTED, cell)

    text = _norm(cell)
    bare = _YEAR_PREFIX.sub("", text)
    if m := re.fullmatch(r"(\d{4})(?:[.,]0+)?", bare):
        return _check_year(int(m[1]), cell)
    if m := _MONTH_Y.fullmatch(bare):
        _month(m[1], cell, _YEAR_EXPECTED)
        return _check_year(int(m[2]), cell)
    if m := _NUM_MONTH_Y.fullmatch(bare):
        if not 1 <= int(m[1]) <= 12:
            _fail(_YEAR_EXPECTED, cell, "no such month")
        return _check_year(int(m[2]), cell)
    date = _date_from_text(text, cell, _YEAR_EXPECTED)
    if date is None:
        _fail(_YEAR_EXPECTED, cell)
    return _check_year(date.year, cell)


_PERIOD_EXPECTED = "a period such as 2024-2026"
_PERIOD_TEXT = re.compile(
    r"^(?:(?:periode|tahun|thn|th|ta)\s*[.:]?\s*)?(\d{4})\s*"
    r"(?:-+|–|—|~|/|s\s*\.?\s*/?\s*d\s*\.?|sampai(?:\s+dengan)?|hingga|to|until|till)"
    r"\s*(\d{4})$"
)


def parse_period(cell: Cell) -> tuple[int, int] | None:
    """A (start year, end year) period, ``None`` for an empty cell.

    Text only: ``2024-2026``, ``2024 - 2026``, ``2024 – 2026`` (en or em dash),
    ``2024 s.d. 2026``, ``2024 s/d 2026``, ``2024 sd 2026``, ``2024 sampai 2026``,
    ``2024 sampai dengan 2026``, ``2024 hingga 2026``, ``2024 to 2026``, ``2024/2026``,
    optionally after ``Periode`` or ``Tahun``. A single-year period ``2024-2024`` is allowed.

    Raises :class:`ValueParseError` when the start is after the end (``2026-2024``), for
    years outside 1900-2100, abbreviated years (``2024-26``, ``2018/19``), a single year
    (``2024``, text or number), dates and other text.
    """
    if is_empty(cell):
        return None
    if not isinstance(cell, str):
        _fail(_PERIOD_EXPECTED, cell)
    m = _PERIOD_TEXT.fullmatch(_norm(cell))
    if not m:
        _fail(_PERIOD_EXPECTED, cell)
    start = _check_year(int(m[1]), cell, _PERIOD_EXPECTED)
    end = _check_year(int(m[2]), cell, _PERIOD_EXPECTED)
    if start > end:
        _fail(_PERIOD_EXPECTED, cell, "starts after it ends")
    return start, end


# --------------------------------------------------------------------------- text and codes


def _number_text(number: object) -> str:
    """A number as text without a trailing ``.0``: 2024.0 -> '2024', 3.5 -> '3.5'."""
    value = _to_decimal(number)
    if value.is_finite() and value == value.to_integral_value():
        return str(int(value))
    if isinstance(number, Decimal):
        return str(number)
    return repr(float(number))  # type: ignore[arg-type]


def parse_text(cell: Cell) -> str | None:
    """Free text, ``None`` for an empty cell (including the :data:`EMPTY_TOKENS`).

    Text has zero-width and other format characters removed and all whitespace (NBSP,
    thin spaces, tabs, line breaks) collapsed to single spaces; nothing else changes
    (case, accents and ``m²`` are kept). Numbers lose a trailing ``.0`` (2024.0 -> ``2024``,
    3.5 -> ``3.5``); dates become ISO (``2023-07-12``; a datetime at midnight is a date,
    otherwise ``2023-07-12 10:30:00``); times ``10:30:00``; durations ``H:MM:SS`` in hours;
    booleans ``TRUE``/``FALSE`` as Excel shows them. Never raises for calamine's cell types.
    """
    if isinstance(cell, str):
        text = " ".join(cell.split()) if cell.isascii() else _clean_text(cell)
        if len(text) > _TOKEN_MAX:  # longer than any empty token: empty if only dashes
            return text if text[0] not in _DASHES or text.strip(_DASHES) else None
        return None if text.casefold() in EMPTY_TOKENS or not text.strip(_DASHES) else text
    if cell.__class__ is float and -_EXACT < cell < _EXACT:  # NaN and inf fail the test
        return str(int(cell)) if cell.is_integer() else repr(cell)
    if cell is None:
        return None
    if is_empty(cell):
        return None
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, dt.datetime):
        if cell.time() == dt.time(0) and cell.tzinfo is None:
            return cell.date().isoformat()
        return cell.isoformat(sep=" ")
    if isinstance(cell, dt.date | dt.time):
        return cell.isoformat()
    if isinstance(cell, dt.timedelta):
        seconds = int(cell.total_seconds())
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    if _is_number(cell):
        return _number_text(cell)
    return _clean_text(str(cell)) or None


_REGION_EXPECTED = "a kabupaten/kota code such as 32.04"


def _region_code(province: int, regency: int, cell: object) -> str:
    if province < 10 or regency == 0:
        _fail(_REGION_EXPECTED, cell, "not a kabupaten/kota code")
    return f"{province:02d}.{regency:02d}"


def parse_region_code(cell: Cell) -> str | None:
    """A Kemendagri kabupaten/kota code ``NN.NN`` as text, ``None`` for an empty cell.

    - text ``NN.NN`` is kept as typed (``32.04``, `` 32.04 ``); text of 4 digits gets its
      dot (``3204`` -> ``32.04``);
    - a float cell lost its trailing zero: it is formatted with 2 decimals
      (20.1 -> ``20.10``, 32.04 -> ``32.04``); an int (or whole float) cell of 4 digits is
      read like 4-digit text (3204 -> ``32.04``).

    Whether the code exists is checked elsewhere; here a code must only have the shape.
    Note that a 4-digit number could also be a BPS code, which mostly but not always
    coincides; the caller decides whether to trust it.

    Raises :class:`ValueParseError` for text in any other shape (``32.4``: text keeps what
    was typed, ``32,04``, ``32.04.01``, ``Bandung``), province codes (``32``, 32.0,
    ``32.00``), a float with more than 2 decimals, booleans and dates.
    """
    if is_empty(cell):
        return None
    if _is_number(cell):
        value = _finite(cell, _REGION_EXPECTED)
        if value == value.to_integral_value() and 1000 <= value <= 9999:
            return _region_code(int(value) // 100, int(value) % 100, cell)
        hundredths = value * 100
        if not 10 <= value < 100 or hundredths != hundredths.to_integral_value():
            _fail(_REGION_EXPECTED, cell)
        return _region_code(int(value), int(hundredths) % 100, cell)
    if not isinstance(cell, str):
        _fail(_REGION_EXPECTED, cell)
    text = _norm(cell)
    m = re.fullmatch(r"(\d{2})\.?(\d{2})", text)
    if not m:
        _fail(_REGION_EXPECTED, cell)
    return _region_code(int(m[1]), int(m[2]), cell)

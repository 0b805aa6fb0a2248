"""Turning located table rows into typed records, cell by cell.

Each canonical column has a parser (Indonesian numbers and dates, vocabularies with their
aliases). A cell that cannot be parsed becomes a :class:`Reject` naming the sheet, row, column,
the value sent and what was expected; the record keeps ``None`` there so later checks still
see the rest of the row. Parsing never guesses.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pipelines import spec, values
from pipelines.layout import Table

VALUE_MAX_CHARS = 200


@dataclass(frozen=True)
class Reject:
    """One refused row or cell. ``row_number`` is the Excel row; None means the whole file."""

    sheet: str | None
    row_number: int | None
    column_name: str | None
    check_name: str
    value: str | None
    message: str


def show(cell: Any) -> str | None:
    """A cell as the officer typed it, for messages and the rejects table."""
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, datetime | date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)[:VALUE_MAX_CHARS]


def _vocabulary(name: str) -> Callable[[Any], str | None]:
    allowed = {
        "dimension": list(spec.DIMENSIONS),
        "sub_dimension": [s for subs in spec.DIMENSIONS.values() for s in subs],
        "horizon": list(spec.HORIZONS),
        "stage": list(spec.STAGES),
    }.get(name)

    known: dict[str, str | None] = {}  # text cell -> what it parsed to (labels repeat)

    def parse(cell: Any) -> str | None:
        if cell.__class__ is str and cell in known:
            return known[cell]
        text = values.parse_text(cell)
        if text is None:
            found = None
        else:
            found = spec.canonical(name, text)
            if found is None:
                if allowed is not None:
                    raise values.ValueParseError(
                        f"'{text}' is not a known {name.replace('_', '-')}; use one of: "
                        + ", ".join(allowed))
                found = text  # open vocabulary (funding source): keep what was written
        if cell.__class__ is str and len(cell) <= 64 and len(known) < 10_000:
            known[cell] = found
        return found

    return parse


_COMPONENTS: dict[str, str] = {}  # folded label -> index component (the first one wins)
for _comp in spec.INDEX_COMPONENTS:
    _COMPONENTS.setdefault(spec.fold(_comp), _comp)
    _COMPONENTS.setdefault(spec.fold(_comp) + "s", _comp)


def _score_component(cell: Any) -> str | None:
    text = values.parse_text(cell)
    if text is None:
        return None
    key = spec.fold(text)
    if key in _COMPONENTS:
        return _COMPONENTS[key]
    if key in ("indeks", "total", "indeks total", "nilai indeks", "indeks smart city",
               "index", "nilai total", "total index"):
        return spec.INDEX_TOTAL
    dim = spec.canonical("dimension", text)
    if dim:
        return dim
    raise values.ValueParseError(
        f"'{text}' is not an index component; use one of: "
        + ", ".join([*spec.INDEX_COMPONENTS, spec.INDEX_TOTAL, *spec.DIMENSIONS]))


_CHECK_OF: dict[Callable[[Any], Any], str] = {
    values.parse_year: "parse_year",
    values.parse_amount: "parse_number",
    values.parse_percent: "parse_percent",
    values.parse_score: "parse_number",
    values.parse_text: "parse_text",
}

Parser = Callable[[Any], Any]

MASTERPLAN_PARSERS: dict[str, Parser] = {
    "program_code": values.parse_text,
    "dimension": _vocabulary("dimension"),
    "sub_dimension": _vocabulary("sub_dimension"),
    "program_name": values.parse_text,
    "description": values.parse_text,
    "horizon": _vocabulary("horizon"),
    "start_year": values.parse_year,
    "end_year": values.parse_year,
    "agency": values.parse_text,
    "funding_source": _vocabulary("funding_source"),
    "indicative_budget": values.parse_amount,
    "indicator": values.parse_text,
    "target": values.parse_text,
    "unit": values.parse_text,
}

EVALUATION_PARSERS: dict[str, Parser] = {
    "program_code": values.parse_text,
    "program_name": values.parse_text,
    "stage": _vocabulary("stage"),
    "progress_pct": values.parse_percent,
    "budget_realised": values.parse_amount,
    "benefits": values.parse_text,
    "challenges": values.parse_text,
    "follow_up": values.parse_text,
}

SCORE_PARSERS: dict[str, Parser] = {"component": _score_component, "score": values.parse_score}


def _document_type(cell: Any) -> str | None:
    text = values.parse_text(cell)
    if text is None:
        return None
    key = spec.fold(text)
    if key.startswith("rpjmd") or "jangka menengah daerah" in key:
        return "RPJMD"
    if key.startswith("rpd") or "rencana pembangunan daerah" in key:
        return "RPD"
    raise values.ValueParseError(f"'{text}' is not a plan document type; use RPJMD or RPD")


COHORT_PARSERS: dict[str, Parser] = {
    "cohort_year": values.parse_year,
    "region_code": values.parse_region_code,
    "region_name": values.parse_text,
    "province": values.parse_text,
    "source": values.parse_text,
}

PERIOD_PARSERS: dict[str, Parser] = {
    "region_code": values.parse_region_code,
    "region_name": values.parse_text,
    "province": values.parse_text,
    "document_type": _document_type,
    "start_year": values.parse_year,
    "end_year": values.parse_year,
    "legal_basis": values.parse_text,
    "source": values.parse_text,
}


def records(table: Table, parsers: dict[str, Parser]) -> tuple[list[dict], list[Reject]]:
    """One record per data row (with ``sheet`` and ``row_number``) and the cells refused."""
    out: list[dict] = []
    rejects: list[Reject] = []
    sheet, columns = table.sheet, list(parsers.items())
    for row_number, cells in table.rows:
        record: dict[str, Any] = {"sheet": sheet, "row_number": row_number}
        get = cells.get
        for column, parse in columns:
            cell = get(column)
            try:
                record[column] = parse(cell)
            except values.ValueParseError as exc:
                record[column] = None
                check = _CHECK_OF.get(parse, "vocabulary")
                if parse is values.parse_region_code:
                    check = "parse_region_code"
                rejects.append(Reject(sheet, row_number, column, check, show(cell), str(exc)))
        out.append(record)
    return out, rejects


def duplicates(rows: list[dict], what: str) -> list[Reject]:
    """Rows repeating an earlier row's programme (by code, else by name): all but the first."""
    seen: dict[str, int] = {}
    rejects = []
    for rec in rows:
        code, name = rec.get("program_code"), rec.get("program_name")
        key = f"code:{spec.fold(code)}" if code else (f"name:{spec.fold(name)}" if name else None)
        if key is None:
            continue
        if key in seen:
            column = "program_code" if code else "program_name"
            rejects.append(Reject(
                rec["sheet"], rec["row_number"], column, "duplicate_program",
                show(code or name),
                f"{what} '{code or name}' already appears in row {seen[key]}; "
                "list each programme once"))
        else:
            seen[key] = rec["row_number"]
    return rejects

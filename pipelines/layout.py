"""Finding the tables in a sheet as people lay them out.

A submission sheet may have a title block above the header row, merged cells, blank rows in
the table, notes and a signature block under it, headers in Indonesian or English in any case,
spacing or punctuation, columns in any order and extra columns. This module finds the header
row, maps each header onto a canonical column of :mod:`pipelines.spec`, and returns the data
rows with their Excel row numbers. It never drops a row silently: blank rows are skipped,
single-cell rows under the table are counted as notes, every other row is a data row.
"""

import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from pipelines.reading import Sheet
from pipelines.spec import IDENTITY_FIELDS, Column, fold

HEADER_SCAN_ROWS = 40
HEADER_FUZZY_CUTOFF = 88  # rapidfuzz ratio above which a header is taken as a known alias
_UNIT_WORDS = {"rp", "idr", "%", "persen", "rupiah", "dalam rupiah", "tahun"}
_NOTE_WORDS = {"catatan", "keterangan", "note", "notes", "sumber", "mengetahui", "nip",
               "disahkan", "dibuat", "kepala", "ket", "ttd", "nb"}


def _is_blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


@dataclass
class Table:
    """A located table: canonical column -> sheet column index, and its data rows."""

    sheet: str
    header_row: int  # Excel row number of the header
    columns: dict[str, int]
    extra_headers: list[str]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)  # (Excel row, cells)
    notes: list[str] = field(default_factory=list)


class HeaderIndex:
    """Matches header cells against the canonical columns and their aliases."""

    def __init__(self, columns: Sequence[Column]):
        self.columns = columns
        self.required = frozenset(c.name for c in columns if c.required)
        self.index: dict[str, str] = {}
        for col in columns:
            for label in (col.header, col.name, *col.aliases):
                self.index.setdefault(fold(label), col.name)
                self.index.setdefault(_strip_units(fold(label)), col.name)
        self._keys = list(self.index)
        # text -> column or None, blank text included: headers repeat a lot, across files too
        self._seen: dict[str, str | None] = {}

    def match(self, cell: Any) -> str | None:
        if not isinstance(cell, str):
            return None
        if cell in self._seen:
            return self._seen[cell]
        found = self._match(cell) if cell.strip() else None
        if len(self._seen) < 50_000:
            self._seen[cell] = found
        return found

    def _match(self, cell: str) -> str | None:
        key = fold(cell)
        if not key or len(key) > 60:
            return None
        for candidate in (key, _strip_units(key)):
            if candidate in self.index:
                return self.index[candidate]
        best = process.extractOne(_strip_units(key), self._keys, scorer=fuzz.ratio,
                                  score_cutoff=HEADER_FUZZY_CUTOFF)
        return self.index[best[0]] if best else None


_UNSEEN: Any = object()


def _strip_units(key: str) -> str:
    words = [w for w in key.split() if w not in _UNIT_WORDS]
    return " ".join(words)


def find_header(sheet: Sheet, index: HeaderIndex) -> tuple[int, dict[str, int], list[str]] | None:
    """The header row (0-based), its column mapping and its unmapped headers, or None.

    The header is the row among the first :data:`HEADER_SCAN_ROWS` that maps the most cells
    onto canonical columns, with at least two (and every required column of a two-column
    table). A column mapped twice keeps its first occurrence.
    """
    best: tuple[int, dict[str, int]] | None = None
    few = len(index.columns) <= 3
    rows = sheet.rows[:HEADER_SCAN_ROWS]
    if max(map(len, rows), default=0) < (min(3, len(index.required)) if few else 3):
        return None  # no row has cells enough for a header (an identity sheet's two columns)
    seen, match = index._seen, index.match
    for r, row in enumerate(rows):
        mapping: dict[str, int] = {}
        for c, cell in enumerate(row):
            if cell.__class__ is str:
                name = seen.get(cell, _UNSEEN)
                if name is _UNSEEN:
                    name = match(cell)
            elif isinstance(cell, str):
                name = match(cell)
            else:
                continue  # only text maps onto a column
            if name and name not in mapping:
                mapping[name] = c
        enough = len(mapping) >= 3 or (few and index.required <= set(mapping))
        if enough and (best is None or len(mapping) > len(best[1])):
            best = (r, mapping)
            if len(mapping) == len(index.columns):
                break  # every column mapped: no row below can map more
    return None if best is None else _with_extra(sheet, *best)


def _with_extra(sheet: Sheet, r: int,
                mapping: dict[str, int]) -> tuple[int, dict[str, int], list[str]]:
    """The header at row ``r`` with its unmapped, non-blank cells."""
    mapped = set(mapping.values())
    extra = [str(cell) for c, cell in enumerate(sheet.rows[r])
             if c not in mapped and not _is_blank(cell)]
    return r, mapping, extra


def _fill_merged(sheet: Sheet, start: int) -> list[list[Any]]:
    """Rows from ``start`` on, with each vertically merged range's value copied into every
    cell of the range (a Dimensi cell merged over several programmes applies to all)."""
    merged = [m for m in sheet.merged if m[2] > m[0] >= start]
    if not merged:  # nothing to fill in: the sheet's own rows (only read from)
        return sheet.rows[start:]
    rows = [list(r) for r in sheet.rows[start:]]
    for r0, c0, r1, c1 in merged:
        value = sheet.rows[r0][c0] if r0 < len(sheet.rows) and c0 < len(sheet.rows[r0]) else None
        for r in range(r0, r1 + 1):
            for c in range(c0, c1 + 1):
                i = r - start
                if 0 <= i < len(rows) and c < len(rows[i]) and _is_blank(rows[i][c]):
                    rows[i][c] = value
    return rows


def read_table(sheet: Sheet, index: HeaderIndex) -> Table | None:
    """The table of ``sheet`` whose header best matches ``index``, or None when none does."""
    found = find_header(sheet, index)
    return None if found is None else table_under(sheet, found)


def table_under(sheet: Sheet, header: tuple[int, dict[str, int], list[str]]) -> Table:
    """The table under ``header`` (what :func:`find_header` found): data rows and notes."""
    r, mapping, extra = header
    table = Table(sheet.name, r + 1, mapping, extra)
    after_gap = False
    columns = list(mapping.items())
    names, last = list(mapping), max(mapping.values(), default=-1)
    pick = operator.itemgetter(*mapping.values()) if len(mapping) > 1 else None
    for offset, row in enumerate(_fill_merged(sheet, r + 1)):
        if pick is not None and last < len(row):  # every mapped column in the row
            mapped = dict(zip(names, pick(row), strict=True))
        else:
            width = len(row)
            mapped = {name: row[c] if c < width else None for name, c in columns}
        filled = 0  # mapped cells holding something, counted up to two
        for v in mapped.values():
            if v is not None and not (isinstance(v, str) and not v.strip()):
                filled += 1
                if filled == 2:
                    break
        if filled == 0:
            after_gap = True
            cells = [c for c in row if not _is_blank(c)]
            if cells:
                table.notes.append(" ".join(str(c) for c in cells))
            continue
        if filled == 1:  # the row's only filled cell may be a note under the table
            cells = [c for c in row if not _is_blank(c)]
            if len(cells) == 1 and (after_gap or _looks_like_note(cells[0])):
                table.notes.append(str(cells[0]))
                continue
        table.rows.append((r + 2 + offset, mapped))
    return table


def _looks_like_note(cell: Any) -> bool:
    if not isinstance(cell, str):
        return False
    text = cell.strip()
    return text.startswith("*") or fold(text).split(" ")[0] in _NOTE_WORDS


# --------------------------------------------------------------------------- identity

_IDENTITY_INDEX = HeaderIndex(
    [Column(key, label, aliases) for key, (label, aliases) in IDENTITY_FIELDS.items()]
)


def read_identity(sheet: Sheet) -> dict[str, tuple[int, Any]]:
    """Label/value pairs of an identity sheet: field -> (Excel row, raw value).

    A label is the first non-empty cell of a row (a trailing colon is fine); its value is the
    next non-empty cell to the right. Unknown labels are ignored.
    """
    found: dict[str, tuple[int, Any]] = {}
    for r, row in enumerate(sheet.rows):
        label = row[0] if row else None
        if label is None or (isinstance(label, str) and not label.strip()):
            c = _first_filled(row)
            label = row[c] if c >= 0 else None
        else:
            c = 0
        if not isinstance(label, str):
            continue
        key = _IDENTITY_INDEX.match(label.rstrip(": "))  # cached by the index
        if not key or key in found:
            continue
        rest = [v for v in row[c + 1:] if not _is_blank(v)]
        if not rest:
            continue
        value = rest[0]
        if isinstance(value, str) and value.strip() == ":" and len(rest) > 1:
            value = rest[1]
        elif isinstance(value, str) and value.strip().startswith(":"):
            value = value.strip()[1:].strip()
        found[key] = (r + 1, value)
    return found


def _first_filled(row: list[Any]) -> int:
    """The index of the first cell of ``row`` that is not blank, or -1."""
    for c, cell in enumerate(row):
        if cell is not None and not (isinstance(cell, str) and not cell.strip()):
            return c
    return -1


def identity_score(sheet: Sheet) -> int:
    return len(read_identity(sheet))


def best_identity(sheets: Iterable[Sheet]) -> tuple[Sheet, dict[str, tuple[int, Any]]] | None:
    """The sheet holding the most identity fields (at least two), with its fields."""
    scored = [(len(fields), s, fields) for s in sheets if (fields := read_identity(s))]
    scored = [t for t in scored if t[0] >= 2]
    if not scored:
        return None
    scored.sort(key=lambda t: -t[0])
    return scored[0][1], scored[0][2]

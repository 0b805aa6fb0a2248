"""Finding the tables in a sheet as people lay them out.

A submission sheet may have a title block above the header row, merged cells, blank rows in
the table, notes and a signature block under it, headers in Indonesian or English in any case,
spacing or punctuation, columns in any order and extra columns. This module finds the header
row, maps each header onto a canonical column of :mod:`pipelines.spec`, and returns the data
rows with their Excel row numbers. It never drops a row silently: blank rows are skipped,
single-cell rows under the table are counted as notes, every other row is a data row.
"""

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
        self.index: dict[str, str] = {}
        for col in columns:
            for label in (col.header, col.name, *col.aliases):
                self.index.setdefault(fold(label), col.name)
                self.index.setdefault(_strip_units(fold(label)), col.name)
        self._keys = list(self.index)
        self._seen: dict[str, str | None] = {}  # header text -> column (headers repeat a lot)

    def match(self, cell: Any) -> str | None:
        if _is_blank(cell) or not isinstance(cell, str):
            return None
        if cell in self._seen:
            return self._seen[cell]
        found = self._match(cell)
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


def _strip_units(key: str) -> str:
    words = [w for w in key.split() if w not in _UNIT_WORDS]
    return " ".join(words)


def find_header(sheet: Sheet, index: HeaderIndex) -> tuple[int, dict[str, int], list[str]] | None:
    """The header row (0-based), its column mapping and its unmapped headers, or None.

    The header is the row among the first :data:`HEADER_SCAN_ROWS` that maps the most cells
    onto canonical columns, with at least two (and every required column of a two-column
    table). A column mapped twice keeps its first occurrence.
    """
    best: tuple[int, dict[str, int], list[str]] | None = None
    required = {c.name for c in index.columns if c.required}
    for r, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS]):
        mapping: dict[str, int] = {}
        extra: list[str] = []
        for c, cell in enumerate(row):
            name = index.match(cell)
            if name and name not in mapping:
                mapping[name] = c
            elif not _is_blank(cell):
                extra.append(str(cell))
        enough = len(mapping) >= 3 or (len(index.columns) <= 3 and required <= set(mapping))
        if enough and (best is None or len(mapping) > len(best[1])):
            best = (r, mapping, extra)
    return best


def _fill_merged(sheet: Sheet, start: int) -> list[list[Any]]:
    """Rows from ``start`` on, with each vertically merged range's value copied into every
    cell of the range (a Dimensi cell merged over several programmes applies to all)."""
    rows = [list(r) for r in sheet.rows[start:]]
    for r0, c0, r1, c1 in sheet.merged:
        if r1 <= r0 or r0 < start:
            continue
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
    if found is None:
        return None
    header, mapping, extra = found
    table = Table(sheet.name, header + 1, mapping, extra)
    after_gap = False
    for offset, row in enumerate(_fill_merged(sheet, header + 1)):
        excel_row = header + 2 + offset
        filled = [c for c in row if not _is_blank(c)]
        mapped = {name: row[c] if c < len(row) else None for name, c in mapping.items()}
        if not any(not _is_blank(v) for v in mapped.values()):
            after_gap = True
            if filled:
                table.notes.append(" ".join(str(c) for c in filled))
            continue
        if len(filled) == 1 and (after_gap or _looks_like_note(filled[0])):
            table.notes.append(str(filled[0]))
            continue
        table.rows.append((excel_row, mapped))
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
        cells = [(c, v) for c, v in enumerate(row) if not _is_blank(v)]
        if len(cells) < 2:
            continue
        (_, label), rest = cells[0], cells[1:]
        key = _IDENTITY_INDEX.match(str(label).rstrip(": ")) if isinstance(label, str) else None
        if key and key not in found:
            value = rest[0][1]
            if isinstance(value, str) and value.strip() == ":" and len(rest) > 1:
                value = rest[1][1]
            elif isinstance(value, str) and value.strip().startswith(":"):
                value = value.strip()[1:].strip()
            found[key] = (r + 1, value)
    return found


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

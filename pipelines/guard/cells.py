"""Scanning the XML parts of a workbook as bytes, in bounded chunks, with no XML parser.

Each part of a zip is streamed through one scanner (:meth:`Plan.scanner`) as it unpacks:

- every XML part: no ``<!DOCTYPE`` or ``<!ENTITY`` (billion laughs, external entities), and
  an ASCII-compatible encoding (:class:`~pipelines.guard.xmlscan.XmlScan`);
- .xlsx worksheets (found through ``workbook.xml`` and its relationships): each ``<row>`` and
  ``<c>`` tag, with implicit positions when ``r`` is absent, so the highest row and column
  holding a value are known exactly; empty (self-closed) cells, which readers skip, do not
  count, so a sheet merely formatted down to row 1,048,576 passes;
- the shared-strings table: its declared ``count``/``uniqueCount`` and its real entries;
- the .ods ``content.xml`` (:mod:`pipelines.guard.ods`): row and column repeats expanded
  arithmetically, so a repeated row of values counts as every row it stands for.

Worksheets written as Excel, LibreOffice and openpyxl write them (``<c r="A1" ...>``) are
scanned with a few regex passes over each piece, whose totals equal the tag-by-tag scan's;
any other shape, and any piece where a limit breaks, is scanned tag by tag, which names the
culprit.

Bad input: a value beyond ``max_rows``/``max_columns`` (or outside Excel's grid), used ranges
adding up to more than ``max_cells``, absurd shared-string counts, two sheets with the same
name or part, DTDs and entities, and tags that never end raise ``UnsafeFile`` naming the
sheet and cell. Whatever is not a worksheet, a string table or ``content.xml`` is only
checked for DTDs and encodings.
"""

import posixpath
import re
from collections.abc import Callable

from pipelines.guard.errors import UnreadableFile, UnsafeFile
from pipelines.guard.xmlscan import (
    NS,
    RESEND,
    NullScan,
    XmlScan,
    attr,
    column_letters,
    column_number,
)
from pipelines.limits import Limits

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
_CELL = re.compile(rb"<" + NS + rb"(c|row)(?=[\s/>])(?:[^>]*?\sr\s*=\s*[\"']([^\"']*)[\"'])?"
                   rb"[^>]*?(/?)>(\s*</" + NS + rb"c>)?")
_REF = re.compile(rb"([A-Za-z]{1,3})(\d{1,7})")
_SST = re.compile(rb"<" + NS + rb"sst(?=[\s>])([^>]*)>")
_SI = re.compile(rb"<" + NS + rb"si(?=[\s/>])")
_TAG = re.compile(rb"<" + NS + rb"(sheet|Relationship)(?=[\s/>])([^>]*)>")
_SHARED_STRINGS = re.compile(r"sharedstrings[^/]*\.xml$")
# The fast path of SheetScan (see SheetScan._scan_canonical): a tag _CELL could start at
# with a namespace prefix; a <row> not written as Excel, LibreOffice and openpyxl write it
# (r="..." first, no "<" inside the tag); and every <c> tag: a value's column and row, an
# empty cell, or (group 3, never empty) one not written that way or in row 0.
_PREFIXED = re.compile(rb":(?:c|row)[\s/>]")
_ODD_ROW = re.compile(rb'<row(?=[\s/>])(?! r="[0-9]+"[^<>]*>)')
_CELLS = re.compile(rb'<c(?=[\s/>])(?: r="([A-Z]{1,3})((?!0+")[0-9]{1,7})"[^<>]*(?<!/)>'
                    rb"(?!\s*</" + NS + rb'c>)| r="[A-Z]{1,3}(?!0+")[0-9]{1,7}"[^<>]*>'
                    rb"|(?=([\s\S])))")


def duplicate_names(names: list[str], hidden: set[str]) -> None:
    """Raise when two sheets have exactly the same name: readers look sheets up by name and
    silently read the first one twice (a very hidden stale copy instead of the real one)."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            note = " (one of them hidden)" if name in hidden else ""
            raise UnsafeFile(f"two sheets are both named '{name}'{note}: a reader takes one for "
                             "the other; delete or rename the extra sheet and resend")
        seen.add(name)


class Plan:
    """Which scanner each part of the archive goes through, and the workbook-wide totals."""

    def __init__(self, fmt: str, read: Callable[[str, int], bytes | None], limits: Limits):
        self.fmt, self.limits = fmt, limits
        self.cells = 0  # values seen, all sheets
        self.area = 0  # rows x columns of the finished sheets' used ranges
        self.sheets: dict[str, str] = {}  # worksheet part -> sheet name
        if fmt == "xlsx":
            self.sheets = _xlsx_sheets(lambda name: read(name, limits.max_unpacked_bytes))

    def scanner(self, part: str) -> "NullScan":
        lower = part.lower()
        if self.fmt == "xlsx":
            if part in self.sheets or (lower.startswith("xl/worksheets/") and
                                       lower.endswith(".xml")):
                return SheetScan(part, self.sheets.get(part, part), self)
            if "sharedstrings" in lower and _SHARED_STRINGS.search(lower):
                return SharedStringsScan(part, self)
        elif part == "content.xml":
            from pipelines.guard.ods import OdsScan

            return OdsScan(part, self)
        if lower.endswith((".xml", ".rels")):
            return XmlScan(part)
        return NullScan(part)

    def add_cells(self, n: int, label: str) -> None:
        self.cells += n
        if self.cells > self.limits.max_cells:
            raise UnsafeFile(f"the workbook holds more than {self.limits.max_cells:,} values "
                             f"(reached in sheet '{label}'): send only the submission's tables")

    def add_area(self, label: str, rows: int, columns: int) -> None:
        self.area += rows * columns
        if self.area > self.limits.max_cells:
            raise UnsafeFile(
                f"the sheets' used ranges add up to {self.area:,} cells (sheet '{label}' "
                f"reaches {column_letters(columns)}{rows:,}), more than the "
                f"{self.limits.max_cells:,} a submission may use: delete everything outside "
                "the tables (stray values far below or right of them) and resend")

    def value_at(self, label: str, row: int, column: int, note: str = "") -> None:
        """Check one value's position (1-based) against Excel's grid and the limits."""
        limits = self.limits
        if 0 < row <= min(EXCEL_ROWS, limits.max_rows) and \
                0 < column <= min(EXCEL_COLUMNS, limits.max_columns):
            return
        ref = f"{column_letters(column)}{row}{note}"
        if row > EXCEL_ROWS or column > EXCEL_COLUMNS or row < 1 or column < 1:
            raise UnsafeFile(f"sheet '{label}' addresses cell {ref}, outside Excel's grid: the "
                             f"file is crafted or damaged; {RESEND}")
        if row > self.limits.max_rows:
            raise UnsafeFile(f"sheet '{label}' has a value in cell {ref}, row {row:,}; a "
                             f"submission may use rows up to {self.limits.max_rows:,}: delete "
                             "everything below the table and resend")
        if column > self.limits.max_columns:
            raise UnsafeFile(f"sheet '{label}' has a value in cell {ref}, column {column:,}; "
                             f"a submission may use columns up to {self.limits.max_columns} "
                             f"({column_letters(self.limits.max_columns)}): delete everything "
                             "right of the table and resend")



def _xlsx_sheets(read: Callable[[str], bytes | None]) -> dict[str, str]:
    """Worksheet part -> sheet name, from the package and workbook relationships."""
    book = "xl/workbook.xml"
    for _, attrs in _tags(read("_rels/.rels") or b"", b"Relationship"):
        if (attr(attrs, "Type") or "").endswith("/officeDocument") and attr(attrs, "Target"):
            book = posixpath.normpath((attr(attrs, "Target") or "").lstrip("/"))
    workbook = read(book)
    if workbook is None:
        raise UnreadableFile(f"the workbook's main part ({book}) is missing: the file is "
                             f"damaged; {RESEND}")
    scan = XmlScan(book)
    scan.feed(workbook)
    scan.finish()
    sheets = [(attr(a, "name") or "", attr(a, "state") or "", attr(a, "id"))
              for _, a in _tags(workbook, b"sheet")]
    duplicate_names([n for n, _, _ in sheets], {n for n, state, _ in sheets if state})
    folder, base = posixpath.split(book)
    targets = {}
    for _, attrs in _tags(read(f"{folder}/_rels/{base}.rels") or b"", b"Relationship"):
        target = attr(attrs, "Target") or ""
        path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        targets[attr(attrs, "Id")] = posixpath.normpath(path)
    parts = {targets[rid]: name for name, _, rid in sheets if rid in targets}
    if len(parts) < len([rid for _, _, rid in sheets if rid in targets]):
        raise UnsafeFile("two sheets of the workbook point at the same part (a reader would "
                         f"read it twice over): the file is crafted or damaged; {RESEND}")
    return parts


def _tags(xml: bytes, tag: bytes) -> list[tuple[bytes, bytes]]:
    return [found for found in _TAG.findall(xml) if found[0] == tag]


class SheetScan(XmlScan):
    """An .xlsx worksheet: where its values are."""

    hold_open_cells = True

    def __init__(self, part: str, label: str, plan: Plan):
        super().__init__(part)
        self.label, self.plan = label, plan
        self.row = self.col = self.max_row = self.max_col = 0

    def scan(self, region: bytes) -> None:
        if not self._scan_canonical(region):
            self._scan_tags(region)

    def _scan_canonical(self, region: bytes) -> bool:
        """The effect of :meth:`_scan_tags` computed with a few regex passes, when every
        ``<c>``/``<row>`` tag of ``region`` starts ``<c r="A1"``/``<row r="1"`` (as Excel,
        LibreOffice and openpyxl write them) and nothing in it breaks a limit; else False,
        with nothing changed, and the tag-by-tag scan decides (and names the first culprit).

        _CELL matches at a ``<``, an optional prefix, then ``c`` or ``row`` (a candidate).
        With no prefixed candidate (_PREFIXED) and every other one a canonical tag holding no
        ``<`` (_ODD_ROW, _CELLS), _CELL matches exactly those tags, with the same ``r``, and
        _CELLS sees every ``<c>`` tag once. The running maxima only grow, so the limits and
        the area checked at the region's maxima fail exactly when a per-cell check would.
        """
        if _PREFIXED.search(region) or _ODD_ROW.search(region):
            return False
        found = _CELLS.findall(region)
        letters, numbers, odd = zip(*found, strict=True) if found else ((), (), ())
        if any(odd):
            return False
        values = len(letters) - letters.count(b"")  # empty cells capture nothing
        if values:
            rows, columns = set(numbers), set(letters)
            rows.discard(b"")
            columns.discard(b"")
            top, right = max(map(int, rows)), max(map(column_number, columns))
            limits = self.plan.limits
            if top > min(EXCEL_ROWS, limits.max_rows) or \
                    right > min(EXCEL_COLUMNS, limits.max_columns):
                return False
            max_row, max_col = max(top, self.max_row), max(right, self.max_col)
            if (max_row, max_col) != (self.max_row, self.max_col) and \
                    max_row * max_col + self.plan.area > limits.max_cells:
                return False
            self.max_row, self.max_col = max_row, max_col
            self.plan.add_cells(values, self.label)
        last_row, last_cell = region.rfind(b'<row r="'), region.rfind(b'<c r="')
        if last_row >= 0:
            self.row = int(region[last_row + 8:region.index(b'"', last_row + 8)])
        if last_row > last_cell:
            self.col = 0
        elif last_cell >= 0:
            end = last_cell + 6
            while region[end] > 0x40:  # the column letters, then the row's digits
                end += 1
            self.col = column_number(region[last_cell + 6:end])
        return True

    def _scan_tags(self, region: bytes) -> None:
        cells = 0
        for m in _CELL.finditer(region):
            kind, ref, slash, closed = m.groups()
            if kind == b"row":
                if ref is None:
                    self.row += 1
                elif ref.isdigit():
                    self.row = int(ref)
                else:
                    self._bad(ref)
                self.col = 0
                continue
            if ref is None:
                row, col = self.row, self.col + 1
            else:
                parts = _REF.fullmatch(ref)
                if parts is None:
                    self._bad(ref)
                    continue
                row, col = int(parts.group(2)), column_number(parts.group(1))
            self.col = col
            if row < 1:
                self._bad(ref or b"")
            if slash or closed:
                continue  # an empty cell (formatting only): readers skip it
            cells += 1
            if row > self.max_row or col > self.max_col:
                self.plan.value_at(self.label, row, col)
                self.max_row, self.max_col = max(row, self.max_row), max(col, self.max_col)
                if self.max_row * self.max_col + self.plan.area > self.plan.limits.max_cells:
                    self.plan.add_area(self.label, self.max_row, self.max_col)
        if cells:
            self.plan.add_cells(cells, self.label)

    def _bad(self, ref: bytes) -> None:
        raise UnsafeFile(f"sheet '{self.label}' has a malformed cell reference "
                         f"'{ref[:20].decode('ascii', 'replace')}': the file is crafted or "
                         f"damaged; {RESEND}")

    def done(self) -> None:
        self.plan.add_area(self.label, self.max_row, self.max_col)


class SharedStringsScan(XmlScan):
    """The shared-strings table: readers size it by what it declares, so that must be sane."""

    def __init__(self, part: str, plan: Plan):
        super().__init__(part)
        self.plan, self.entries, self.header = plan, 0, False

    def scan(self, region: bytes) -> None:
        limits = self.plan.limits
        if not self.header and (m := _SST.search(region)):
            self.header = True
            for name, most in (("uniqueCount", limits.max_shared_strings),
                               ("count", limits.max_cells)):
                value = attr(m.group(1), name) or "0"
                if not value.isdigit() or int(value) > most:
                    raise UnsafeFile(f"the shared-strings table declares {name}={value[:24]}, "
                                     f"more than the {most:,} a submission may hold: the file "
                                     f"is crafted or damaged; {RESEND}")
        self.entries += len(_SI.findall(region))
        if self.entries > limits.max_shared_strings:
            raise UnsafeFile(f"the shared-strings table holds more than "
                             f"{limits.max_shared_strings:,} texts: send only the submission's "
                             "tables")

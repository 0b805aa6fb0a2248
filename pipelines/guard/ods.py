"""The .ods ``content.xml``: where each sheet's values are, repeats expanded arithmetically.

LibreOffice writes runs of identical rows or cells once, with ``table:number-rows-repeated``
or ``table:number-columns-repeated``; every sheet ends with an empty row repeated to row
1,048,576, which is harmless. A repeated row or cell that holds a value stands for every
position it covers, and readers expand it: a value repeated over a million rows is a million
rows. Bad input (values beyond the limits, malformed repeat counts, two sheets with one
name) raises ``UnsafeFile`` through :class:`pipelines.guard.cells.Plan`.
"""

import re

from pipelines.guard.cells import Plan, duplicate_names
from pipelines.guard.errors import UnsafeFile
from pipelines.guard.xmlscan import NS, RESEND, XmlScan, attr

_ODS = re.compile(rb"<(/?)" + NS + rb"(table-row|table-cell|covered-table-cell|table)"
                  rb"(?=[\s/>])([^>]*?)(/?)>(\s*</" + NS + rb"(?:covered-)?table-cell>)?")
_ROWS = re.compile(rb"number-rows-repeated\s*=\s*[\"']([^\"']*)[\"']")
_COLUMNS = re.compile(rb"number-columns-repeated\s*=\s*[\"']([^\"']*)[\"']")


class OdsScan(XmlScan):
    """An .ods ``content.xml``: every sheet's values, row and column repeats expanded."""

    hold_open_cells = True

    def __init__(self, part: str, plan: Plan):
        super().__init__(part)
        self.plan = plan
        self.names: list[str] = []
        self.label = ""
        self.row = self.row_start = self.col = self.max_row = self.max_col = 0
        self.repeat = 1

    def scan(self, region: bytes) -> None:
        for m in _ODS.finditer(region):
            closing, kind, attrs, slash, closed = m.groups()
            if kind == b"table":
                self._end_sheet()
                if not closing:
                    self.label = attr(attrs, "name") or f"sheet {len(self.names) + 1}"
                    self.names.append(self.label)
                    duplicate_names(self.names, set())
            elif kind == b"table-row":
                if closing:
                    self.row = self.row_start + self.repeat
                    continue
                repeat = self._count(_ROWS, attrs)
                if slash:
                    self.row += repeat
                else:
                    self.row_start, self.repeat, self.col = self.row, repeat, 0
            elif not closing:
                columns = self._count(_COLUMNS, attrs)
                self.col += columns
                if b"value-type" in attrs or not (slash or closed):
                    row = self.row_start + self.repeat
                    if row > self.max_row or self.col > self.max_col:
                        note = "".join(f" ({what} repeated {n:,} times)" for what, n in
                                       (("a row", self.repeat), ("a cell", columns)) if n > 1)
                        self.plan.value_at(self.label, row, self.col, note)
                        self.max_row = max(row, self.max_row)
                        self.max_col = max(self.col, self.max_col)
                    self.plan.add_cells(self.repeat * columns, self.label)

    def _count(self, pattern: re.Pattern[bytes], attrs: bytes) -> int:
        found = pattern.search(attrs)
        if found is None:
            return 1
        if not found.group(1).isdigit() or not 0 < int(found.group(1)) <= 10**9:
            raise UnsafeFile(f"sheet '{self.label}' has a malformed repeat count: the file is "
                             f"crafted or damaged; {RESEND}")
        return int(found.group(1))

    def _end_sheet(self) -> None:
        if self.label:
            self.plan.add_area(self.label, self.max_row, self.max_col)
        self.row = self.row_start = self.col = self.max_row = self.max_col = 0
        self.repeat, self.label = 1, ""

    def done(self) -> None:
        self._end_sheet()

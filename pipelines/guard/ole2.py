"""OLE2 compound files (.xls, and what else Office stores that way), read as raw records.

The compound file's sector tables are followed with every index bounds-checked and every
chain bounded (a loop or a chain longer than the file is damage, not work); its directory says
what streams it holds. An encrypted Office file (``EncryptionInfo``/``EncryptedPackage``
streams, or a ``FILEPASS`` record in an .xls) is password protected; a Word or PowerPoint file
is not a workbook. The workbook stream's BIFF records are then walked (type and length only,
plus the first bytes of the few records that matter): sheet names (``BOUNDSHEET``), the
shared-strings header (``SST``) and the row and column of every value record, which bound the
used range exactly like the scans of :mod:`pipelines.guard.cells`.

Bad input: damaged structures and non-workbooks raise ``UnreadableFile``; values beyond the
limits, absurd shared-string counts and duplicate sheet names raise ``UnsafeFile``.
"""

import struct
from pathlib import Path

from pipelines.guard import cells
from pipelines.guard.errors import UnreadableFile, UnsafeFile
from pipelines.limits import Limits

_END, _FREE = 0xFFFFFFFE, 0xFFFFFFFF
_DAMAGED = ("the .xls file is damaged ({}): open it in Excel, save it as .xlsx and resend")
_PASSWORD = "the file is password protected: send it without a password"
# BIFF records holding one value at (row, column): FORMULA, LABELSST, NUMBER, LABEL, BOOLERR,
# RK, RSTRING; MULRK holds several (its last column closes the record). BLANK/MULBLANK are
# formatting only and are skipped by readers, as they are here.
_VALUE_RECORDS = {0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E, 0x00D6}
_MULRK, _BOF, _EOF, _FILEPASS, _BOUNDSHEET, _SST = 0x00BD, 0x0809, 0x000A, 0x002F, 0x0085, 0x00FC
_RECORD = struct.Struct("<HH")  # a record's type and length; a value's row and column
_COLUMN = struct.Struct("<H")


def check(path: Path, limits: Limits, data: bytes | None = None) -> None:
    """Raise unless ``path`` (whose content ``data`` may be, already read) is an unencrypted
    .xls workbook within ``limits``."""
    doc = _Compound(path.read_bytes() if data is None else data)
    names = doc.streams()
    if "EncryptedPackage" in names or "EncryptionInfo" in names:
        raise UnreadableFile(_PASSWORD)
    entry = names.get("Workbook") or names.get("Book")
    if entry is None:
        what = ("a Word document" if "WordDocument" in names else
                "a PowerPoint presentation" if "PowerPoint Document" in names else
                "an Office file that holds no workbook")
        raise UnreadableFile(f"the file is {what}, not a spreadsheet: send the Excel workbook "
                             "(.xlsx) made from the template")
    _walk(doc.read(*entry), limits)


class _Compound:
    def __init__(self, data: bytes):
        self.data = data
        if len(data) < 512:
            self._damaged("shorter than its header")
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            self._damaged("bad sector size")
        self.size = 1 << shift
        self.root = (_END, 0)  # the root entry: where the mini stream is
        (n_fat, self.dir_start, _, self.cutoff, self.minifat_start, _, difat_start,
         n_difat) = struct.unpack_from("<8L", data, 0x2C)
        self.n_sectors = (len(data) - 1) // self.size + 1
        fat_sectors = [s for s in struct.unpack_from("<109L", data, 0x4C) if s < _END]
        sector = difat_start
        for _ in range(min(n_difat, self.n_sectors)):
            if sector >= _END:
                break
            entries = struct.unpack_from(f"<{self.size // 4}L", self._sector(sector))
            fat_sectors += [s for s in entries[:-1] if s < _END]
            sector = entries[-1]
        if len(fat_sectors) < min(n_fat, 1) or len(fat_sectors) > self.n_sectors:
            self._damaged("bad sector table")
        self.fat: list[int] = []
        for s in fat_sectors:
            self.fat += struct.unpack_from(f"<{self.size // 4}L", self._sector(s))

    def _damaged(self, what: str) -> None:
        raise UnreadableFile(_DAMAGED.format(what))

    def _sector(self, n: int) -> bytes:
        if n >= self.n_sectors:
            self._damaged("a sector lies beyond the end of the file")
        start = (n + 1) * self.size
        return self.data[start:start + self.size].ljust(self.size, b"\0")

    def _chain(self, start: int, table: list[int]) -> list[int]:
        chain: list[int] = []
        while start != _END:
            if start >= len(table) or len(chain) > len(table):
                self._damaged("a broken or looping sector chain")
            chain.append(start)
            start = table[start]
        return chain

    def streams(self) -> dict[str, tuple[int, int]]:
        """Stream name -> (first sector, size), for every stream of the directory."""
        directory = b"".join(self._sector(s) for s in self._chain(self.dir_start, self.fat))
        out: dict[str, tuple[int, int]] = {}
        for off in range(0, len(directory) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", directory, off + 64)
            start, size = struct.unpack_from("<LL", directory, off + 116)
            if kind not in (1, 2, 5) or not 2 <= name_len <= 64:
                continue
            name = directory[off:off + name_len - 2].decode("utf-16-le", "replace")
            if kind == 5:
                self.root = (start, size)
            elif kind == 2:
                out.setdefault(name, (start, size))
        return out

    def read(self, start: int, size: int) -> bytes:
        if size > len(self.data):
            self._damaged("a stream is larger than the file")
        if size >= self.cutoff:
            data = b"".join(self._sector(s) for s in self._chain(start, self.fat))
        else:  # small streams live in 64-byte pieces of the root's "mini stream"
            mini = b"".join(self._sector(s) for s in self._chain(self.root[0], self.fat))
            minifat_bytes = b"".join(self._sector(s) for s in
                                     self._chain(self.minifat_start, self.fat))
            minifat = list(struct.unpack(f"<{len(minifat_bytes) // 4}L", minifat_bytes))
            data = b"".join(mini[s * 64:(s + 1) * 64] for s in self._chain(start, minifat))
        if len(data) < size:
            self._damaged("a stream is cut short")
        return data[:size]


def _walk(stream: bytes, limits: Limits) -> None:
    plan = cells.Plan("xls", lambda name, cap: None, limits)
    sheets: dict[int, str] = {}  # offset of a sheet's BOF record -> its name
    names: list[str] = []
    hidden: set[str] = set()
    label, max_row, max_col, depth, pos = "", 0, 0, 0, 0
    end, unpack, most = len(stream), _RECORD.unpack_from, limits.max_cells
    while pos + 4 <= end:
        start = pos
        kind, length = unpack(stream, pos)
        pos += 4 + length
        size = min(length, end - start - 4)  # of the record's body, which may be cut short
        if kind in _VALUE_RECORDS or kind == _MULRK:  # most records: one check each
            if size < 6:
                continue
            row, col = unpack(stream, start + 4)
            if kind == _MULRK:
                col = _COLUMN.unpack_from(stream, start + 4 + size - 2)[0]
            plan.cells += 1
            if plan.cells > most:
                plan.add_cells(0, label or "?")  # raises, naming the sheet
            if row + 1 > max_row or col + 1 > max_col:
                plan.value_at(label or "?", row + 1, col + 1)
                max_row, max_col = max(row + 1, max_row), max(col + 1, max_col)
        elif kind == _FILEPASS:
            raise UnreadableFile(_PASSWORD)
        elif kind == _BOF:
            depth += 1
            if depth == 1:
                label, max_row, max_col = sheets.get(start, ""), 0, 0
        elif kind == _EOF:
            depth = max(depth - 1, 0)
            if depth == 0 and label:
                plan.add_area(label, max_row, max_col)
                label = ""
        elif kind == _BOUNDSHEET and size >= 8:
            body = stream[start + 4:start + 4 + length]
            name = _sheet_name(body)
            names.append(name)
            offset = struct.unpack_from("<L", body)[0]
            if offset in sheets:
                raise UnsafeFile("two sheets of the workbook point at the same data (a reader "
                                 "would read it twice over): the file is crafted or damaged; "
                                 "save it again from Excel")
            sheets[offset] = name
            if body[4] & 3:
                hidden.add(name)
        elif kind == _SST and size >= 8:
            total, unique = struct.unpack_from("<LL", stream, start + 4)
            if unique > limits.max_shared_strings or total > limits.max_cells:
                raise UnsafeFile(f"the shared-strings table declares {unique:,} texts "
                                 f"({total:,} uses), more than the "
                                 f"{limits.max_shared_strings:,} a submission may hold: the "
                                 "file is crafted or damaged; save it again from Excel")
    cells.duplicate_names(names, hidden)


def _sheet_name(body: bytes) -> str:
    """A BOUNDSHEET record's name: BIFF8 (flagged Latin-1 or UTF-16) or BIFF5 (code page)."""
    n = body[6]
    if len(body) >= 8 + n and len(body) in (8 + n, 8 + 2 * n) and body[7] in (0, 1):
        raw = body[8:8 + n * (2 if body[7] & 1 else 1)]
        return raw.decode("utf-16-le" if body[7] & 1 else "latin-1", "replace")
    return body[7:7 + n].decode("cp1252", "replace")

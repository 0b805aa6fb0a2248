"""Reading spreadsheet files into plain rows of cells.

Every format a region sends (.xlsx, .xlsm, .xls, .ods) is read by python-calamine into a
:class:`Workbook`: each sheet's cells as Python values, with the sheet's visibility and merged
ranges. Before any reader sees a file, :func:`pipelines.guard.check` decides its real type
from its bytes, never its extension, and refuses what would crash or swamp the reader; the
reader is then chosen by that type (a workbook saved as ``.xls`` is read as the .xlsx it is).

Bad input: a file that is not a spreadsheet (a PDF, an HTML page or a CSV saved as ``.xls``,
a password-protected workbook, a damaged zip) raises :class:`UnreadableFile`, and one over
the limits of :class:`pipelines.limits.Limits` raises :class:`UnsafeFile` (a subclass); the
message says what was found and what to send instead. Text cells keep what the officer typed,
except NUL characters, which no database text column can hold: they become U+FFFD. Merged
ranges are clipped to the cells the sheet has. Nothing here writes to the file.
"""

import hashlib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as pc

from pipelines import guard
from pipelines.guard import UnreadableFile, UnsafeFile
from pipelines.limits import Limits, active

__all__ = ["SPREADSHEET_SUFFIXES", "Sheet", "UnreadableFile", "UnsafeFile", "Workbook",
           "read_workbook", "sha256_and_content", "sha256_of", "sniff_format"]

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
_PASSWORD = "the file is password protected: send it without a password"


@dataclass
class Sheet:
    """One sheet: ``rows[i][j]`` is the cell at Excel row ``i + 1``, column ``j + 1``."""

    name: str
    visibility: str  # "visible", "hidden" or "veryhidden"
    rows: list[list[Any]]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1

    @property
    def visible(self) -> bool:
        return self.visibility == "visible"


@dataclass
class Workbook:
    path: str
    format: str
    sheets: list[Sheet]

    def visible_sheets(self) -> list[Sheet]:
        return [s for s in self.sheets if s.visible]


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb", buffering=0) as fh:  # read straight into each chunk
        while chunk := fh.read(1 << 16):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_and_content(path: Path, most: int) -> tuple[str, bytes | None]:
    """The file's SHA-256 and, when it is at most ``most`` bytes, its content (read once for
    both, and for :func:`read_workbook`); a larger file is hashed as a stream."""
    if path.stat().st_size > most:
        return sha256_of(path), None
    data = path.read_bytes()
    return hashlib.sha256(data).hexdigest(), data


def sniff_format(path: Path, limits: Limits | None = None) -> str:
    """The file's real type, ``xlsx``, ``xls`` or ``ods``, once it passed the guard.

    Raises :class:`UnreadableFile` naming what the file really is (PDF, HTML, text, empty,
    password-protected workbook) and what to send instead, or :class:`UnsafeFile`.
    """
    return guard.check(path, limits or active())


_VISIBILITY = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryhidden"}


def read_workbook(path: Path, limits: Limits | None = None,
                  content: bytes | None = None) -> Workbook:
    """Every sheet of the file with its cells, visibility and merged ranges.

    ``content``, when given, is the file's bytes as already read (the guard then reads
    nothing again). Raises :class:`UnreadableFile` (or :class:`UnsafeFile`) when the file is
    not a readable spreadsheet within ``limits`` (default: the active limits,
    :func:`pipelines.limits.active`).
    """
    limits = limits or active()
    fmt = guard.check(path, limits, content)
    if path.suffix.lower() in _SUFFIXES_OF.get(fmt, ()):
        return Workbook(str(path), fmt, _read(path, limits))
    with tempfile.TemporaryDirectory(prefix="smartcity-read-") as tmp:
        # calamine picks its reader by extension: give it the one the guard checked
        alias = Path(tmp) / f"book.{fmt}"
        try:
            os.symlink(path.resolve(), alias)
        except OSError:
            alias = path
        sheets = _read(alias, limits)
    return Workbook(str(path), fmt, sheets)


#: File name endings calamine reads as each checked format (others go through an alias).
_SUFFIXES_OF = {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",), "ods": (".ods",)}


def _read(path: Path, limits: Limits) -> list[Sheet]:
    try:
        book = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise UnreadableFile(_PASSWORD) from exc
    except Exception as exc:  # calamine's own errors: damaged or unsupported content
        raise UnreadableFile(f"the workbook could not be opened ({type(exc).__name__}: "
                             f"{exc}); save it again from Excel and resend") from exc
    sheets: list[Sheet] = []
    cells = 0
    try:
        for index, meta in enumerate(book.sheets_metadata):
            if "Work" not in str(meta.typ):  # chart sheets, macro sheets
                continue
            sheet = book.get_sheet_by_index(index)
            rows = sheet.to_python(skip_empty_area=False)
            width = max(map(len, rows), default=0)
            cells += len(rows) * width
            if len(rows) > limits.max_rows or width > limits.max_columns or \
                    cells > limits.max_cells:  # the guard's scan missed it: never go on
                raise UnsafeFile(f"sheet '{meta.name}' uses {len(rows):,} rows and {width:,} "
                                 "columns, more than a submission may: delete everything "
                                 "outside the table and resend")
            visibility = _VISIBILITY.get(str(meta.visible).rsplit(".", 1)[-1], "visible")
            sheets.append(Sheet(_clean(meta.name), visibility, _clean_rows(rows),
                                _merged(sheet, len(rows), width, limits)))
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(f"a sheet could not be read ({type(exc).__name__}: {exc}); "
                             "save the workbook again from Excel and resend") from exc
    finally:
        book.close()
    return sheets


def _merged(sheet: Any, height: int, width: int,
            limits: Limits) -> list[tuple[int, int, int, int]]:
    """The sheet's merged ranges clipped to its cells (a merge may claim the whole grid)."""
    try:
        ranges = sheet.merged_cell_ranges or []
    except Exception:  # formats without merge information
        return []
    out, area = [], 0
    for (r0, c0), (r1, c1) in ranges:
        if r0 >= height or c0 >= width:
            continue
        r1, c1 = min(r1, height - 1), min(c1, width - 1)
        area += (r1 - r0 + 1) * (c1 - c0 + 1)
        if area > limits.max_cells:
            raise UnsafeFile("the sheet's merged cells cover more than "
                             f"{limits.max_cells:,} cells: unmerge them and resend")
        out.append((r0, c0, r1, c1))
    return out


def _clean(text: str) -> str:
    return text.replace("\x00", "\ufffd")


def _clean_rows(rows: list[list[Any]]) -> list[list[Any]]:
    for row in rows:
        for j, cell in enumerate(row):
            if isinstance(cell, str) and "\x00" in cell:
                row[j] = _clean(cell)
    return rows

"""Reading spreadsheet files into plain rows of cells.

Every format a region sends (.xlsx, .xlsm, .xls, .ods) is read by python-calamine into a
:class:`Workbook`: each sheet's cells as Python values, with the sheet's visibility and merged
ranges. The file's real type comes from its first bytes, never its extension.

Bad input: a file that is not a spreadsheet (a PDF, an HTML page or a CSV saved as ``.xls``,
a password-protected workbook, a damaged zip) raises :class:`UnreadableFile` whose message says
what was found and what to send instead. Nothing here writes to the file.
"""

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as pc

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_ODS_MIME = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"


class UnreadableFile(Exception):
    """The file is not a spreadsheet this pipeline can read; the message says why."""


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
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sniff_format(path: Path) -> str:
    """The file's real type from its first bytes: ``xlsx``, ``xls``, ``ods`` or raise.

    Raises :class:`UnreadableFile` naming what the file really is (PDF, HTML, text, empty,
    password-protected workbook) and what to send instead.
    """
    with open(path, "rb") as fh:
        head = fh.read(512)
    if not head:
        raise UnreadableFile("the file is empty: send the filled-in workbook again")
    if head.startswith(_ZIP):
        if _ODS_MIME in head[:100]:
            return "ods"
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
        except zipfile.BadZipFile as exc:
            raise UnreadableFile(f"the file is a damaged zip/xlsx ({exc}): save it again "
                                 "from Excel or LibreOffice and resend") from exc
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "content.xml" in names:
            return "ods"
        raise UnreadableFile("the file is a zip archive, not a workbook: send the .xlsx itself")
    if head.startswith(_OLE2):
        if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in \
                _read_prefix(path, 1 << 16):
            raise UnreadableFile("the file is password protected: send it without a password")
        return "xls"
    if head.startswith(b"%PDF"):
        raise UnreadableFile("the file is a PDF, not a spreadsheet: send the Excel workbook "
                             "(.xlsx) from the template")
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")):
        raise UnreadableFile("the file is a web page (HTML/XML) saved with a spreadsheet name: "
                             "open it in Excel and save it as .xlsx")
    if all(b >= 9 for b in head[:64]):
        raise UnreadableFile("the file is plain text (CSV?) saved with a spreadsheet name: "
                             "open it in Excel and save it as .xlsx")
    raise UnreadableFile("the file is not a spreadsheet format we can read "
                         "(.xlsx, .xlsm, .xls, .ods)")


def _read_prefix(path: Path, n: int) -> bytes:
    with open(path, "rb") as fh:
        return fh.read(n)


_VISIBILITY = {"Visible": "visible", "Hidden": "hidden", "VeryHidden": "veryhidden"}


def read_workbook(path: Path) -> Workbook:
    """Every sheet of the file with its cells, visibility and merged ranges.

    Raises :class:`UnreadableFile` when the file is not a readable spreadsheet.
    """
    fmt = sniff_format(path)
    try:
        book = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise UnreadableFile("the file is password protected: send it without a password") \
            from exc
    except Exception as exc:  # calamine's own errors: damaged or unsupported content
        raise UnreadableFile(f"the workbook could not be opened ({type(exc).__name__}: "
                             f"{exc}); save it again from Excel and resend") from exc
    sheets: list[Sheet] = []
    try:
        for meta in book.sheets_metadata:
            if "Work" not in str(meta.typ):  # chart sheets, macro sheets
                continue
            sheet = book.get_sheet_by_name(meta.name)
            rows = sheet.to_python(skip_empty_area=False)
            try:
                merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in
                          (sheet.merged_cell_ranges or [])]
            except Exception:  # formats without merge information
                merged = []
            visibility = _VISIBILITY.get(str(meta.visible).rsplit(".", 1)[-1], "visible")
            sheets.append(Sheet(meta.name, visibility, rows, merged))
    except Exception as exc:
        raise UnreadableFile(f"a sheet could not be read ({type(exc).__name__}: {exc}); "
                             "save the workbook again from Excel and resend") from exc
    finally:
        book.close()
    return Workbook(str(path), fmt, sheets)

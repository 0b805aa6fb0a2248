"""Checks on a submitted file before any spreadsheet reader sees it.

A crafted workbook of a few kilobytes can make a reader abort the whole process or ask for
hundreds of gigabytes (python-calamine aborts on a cell addressed at the sheet's far corner
or a shared-strings table declaring billions of entries; zip bombs unpack to gigabytes).
:func:`check` looks at the raw bytes only, with no XML parser and without trusting what the
file declares about itself:

- the real type from the first bytes, never the extension (:func:`sniff`): zip (.xlsx, .xlsm,
  .ods, or a Word file, an .xlsb, a plain archive), OLE2 (.xls, an encrypted workbook, a
  Word .doc), PDF, images, HTML, XML or CSV text saved under a spreadsheet name;
- zip containers (:mod:`.archive`): entry count, every entry really decompressed (streamed,
  with a cap) and compared with its declared size, packing ratio, duplicate or encrypted
  entries; no ``<!DOCTYPE``/``<!ENTITY`` and only ASCII-compatible encodings in any XML
  part (:mod:`.xmlscan`, which streams each part in bounded chunks cut between tags);
- the used range (:mod:`.cells`, :mod:`.ods`): every cell reference of every sheet (ODS row
  and column repeats expanded arithmetically), shared-string counts, and two sheets with
  one name or one part (a reader then silently reads one of them twice);
- .xls files (:mod:`.ole2`): the compound file's directory and the BIFF records of the
  workbook stream: encryption, sheet names, cell extents, shared-string counts.

Bad input: a file that is not a spreadsheet raises :class:`UnreadableFile`; a spreadsheet
that breaks a limit of :class:`pipelines.limits.Limits` or is built to mislead a reader
raises :class:`UnsafeFile`. Both carry a message an officer can act on. Nothing is written.
"""

from pathlib import Path

from pipelines.guard.errors import UnreadableFile, UnsafeFile
from pipelines.limits import Limits

__all__ = ["UnreadableFile", "UnsafeFile", "check", "sniff"]

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_SEND_XLSX = "open it in Excel or LibreOffice and save it as .xlsx, then resend"
_MAGIC = [  # (prefix, what the file really is)
    (b"%PDF", "a PDF"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image (a photo or scan)"),
    (b"GIF8", "a GIF image"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"{\\rtf", "an RTF document"),
    (b"MIME-Version:", "a web archive (.mht)"),
]


def sniff(head: bytes) -> str:
    """``zip``, ``ole2`` from a file's first bytes, or raise :class:`UnreadableFile`.

    The message names what the file really is (PDF, image, archive, web page, XML
    spreadsheet 2003, plain text or CSV, empty) and what to send instead.
    """
    if not head:
        raise UnreadableFile("the file is empty: send the filled-in workbook again")
    if head.startswith(_ZIP):
        return "zip"
    if head.startswith(_OLE2):
        return "ole2"
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise UnreadableFile(f"the file is {what}, not a spreadsheet: send the Excel "
                                 "workbook (.xlsx) made from the template")
    text = _as_text(head)
    if text is None:
        raise UnreadableFile("the file is not a spreadsheet format we can read (.xlsx, "
                             ".xlsm, .xls, .ods): send the workbook made from the template")
    lowered = text.lstrip().lower()
    if "urn:schemas-microsoft-com:office:spreadsheet" in lowered or \
            "progid=\"excel.sheet\"" in lowered:
        raise UnreadableFile(f"the file is an 'XML Spreadsheet 2003' export: {_SEND_XLSX}")
    if lowered.startswith(("<html", "<!doctype html", "<table", "<meta", "<head")) or \
            "<html" in lowered[:2048]:
        raise UnreadableFile("the file is a web page (HTML) saved with a spreadsheet name: "
                             + _SEND_XLSX)
    if lowered.startswith("<"):
        raise UnreadableFile(f"the file is an XML document, not a workbook: {_SEND_XLSX}")
    raise UnreadableFile(f"the file is plain text (CSV?) saved with a spreadsheet name: "
                         f"{_SEND_XLSX}")


def _as_text(head: bytes) -> str | None:
    """``head`` decoded when it looks like text in a common encoding (BOM-marked UTF-8 or
    UTF-16, else UTF-8 or Windows-1252 without control bytes), else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head.decode("utf-16", errors="replace")
    head = head.removeprefix(b"\xef\xbb\xbf")
    if any(b < 9 or 13 < b < 32 for b in head[:512]):
        return None
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # the sample cut a character in two
            return head[:exc.start].decode("utf-8")
        return head.decode("cp1252", errors="replace")  # a legacy code page


def check(path: Path, limits: Limits, data: bytes | None = None) -> str:
    """The file's format (``xlsx``, ``xls`` or ``ods``) once it passed every check.

    ``data``, when given, is the file's content (already read by the caller). Raises
    :class:`UnreadableFile` or :class:`UnsafeFile` (see the module docstring).
    """
    from pipelines.guard import archive, ole2  # they import this package's errors

    size = path.stat().st_size if data is None else len(data)
    if data is None and size <= limits.max_file_bytes:
        data = path.read_bytes()  # read once: every check below looks at all of it
    if data is None:  # too large to read whole: its first bytes still say what it is
        with open(path, "rb") as fh:
            head = fh.read(4096)
    else:
        head = data[:4096]
    kind = sniff(head)
    if size > limits.max_file_bytes:
        raise UnsafeFile(f"the file is {size / 2**20:.0f} MB, more than the "
                         f"{limits.max_file_mb:g} MB a submission may be: remove pictures and "
                         "embedded files (or split it) and resend")
    if kind == "ole2":
        ole2.check(path, limits, data)
        return "xls"
    return archive.check(path, limits, data)

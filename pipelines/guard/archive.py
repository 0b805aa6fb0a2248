"""Zip containers (.xlsx, .xlsm, .ods): what they hold, and what they really unpack to.

The central directory is only a list of claims. Every entry is located through its own local
header (whose name and method must agree with the directory), then really decompressed with
``zlib`` in bounded steps, its output counted against the limits and streamed to the scanner
of :mod:`pipelines.guard.cells` that knows the part; the CRC and the declared size are then
compared with what came out. The file itself (within ``max_file_mb``, checked before) is
read once; what it unpacks to is never held whole in memory.

Bad input: a damaged or truncated archive, a password-protected entry, or an archive that is
a Word file, an .xlsb or a zip of several workbooks raises ``UnreadableFile``; more entries,
bytes or packing than :class:`~pipelines.limits.Limits` allow, duplicate entry names, sizes
that lie, unusual compression methods raise ``UnsafeFile``.
"""

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from pipelines.guard import cells
from pipelines.guard.errors import UnreadableFile, UnsafeFile
from pipelines.limits import Limits

_LOCAL = struct.Struct("<4s5H3L2H")
_STEP = 1 << 16  # compressed bytes read per step
_OUT_STEP = 1 << 20  # most bytes one step may unpack to
_RATIO_FLOOR = 1 << 20  # entries unpacking to less are never called bombs
_EARLY_BOMB = 8 << 20  # past this, twice the ratio limit stops the unpacking at once
_ODS_TYPES = (b"application/vnd.oasis.opendocument.spreadsheet",
              b"application/vnd.oasis.opendocument.spreadsheet-template")
_DAMAGED = "save it again from Excel or LibreOffice and resend"
_SHRINK = ("remove pictures and embedded files, clear the formatting of the empty rows and "
           "columns below and right of the tables, and resend")


def check(path: Path, limits: Limits, data: bytes | None = None) -> str:
    """``xlsx`` or ``ods`` once every entry of ``path`` (whose content ``data`` may be,
    already read) passed; raises (see the module docstring)."""
    try:
        if data is None:  # within max_file_mb (checked before): read once, not per entry
            data = path.read_bytes()
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(f"the file is a damaged or incomplete zip/.xlsx ({exc}): the copy "
                             f"or download was probably cut short; {_DAMAGED}") from exc
    with zf, io.BytesIO(data) as fh:
        infos = zf.infolist()
        if len(infos) > limits.max_members:
            raise UnsafeFile(f"the workbook holds {len(infos):,} parts, more than the "
                             f"{limits.max_members:,} a submission may: remove embedded files "
                             "and pictures and resend")
        seen: set[str] = set()
        for info in infos:
            if info.filename in seen:
                raise UnsafeFile(f"the archive holds two entries named '{info.filename}': a "
                                 f"reader could take either; {_DAMAGED}")
            seen.add(info.filename)
            if info.flag_bits & 0x1:
                raise UnreadableFile("the file is password protected: send it without a "
                                     "password")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise UnsafeFile(f"entry '{info.filename}' uses compression method "
                                 f"{info.compress_type}, which Excel and LibreOffice never "
                                 f"write; {_DAMAGED}")
            if info.file_size > _RATIO_FLOOR and \
                    info.file_size > limits.max_ratio * max(info.compress_size, 1):
                _bomb(info.filename, info.file_size, info.compress_size, limits,
                      "is declared to unpack")
        declared = sum(i.file_size for i in infos)
        if declared > limits.max_unpacked_bytes:
            big = max(infos, key=lambda i: i.file_size)
            raise UnsafeFile(f"the workbook declares {declared / 2**20:,.0f} MB of content "
                             f"('{big.filename}' alone {big.file_size / 2**20:,.0f} MB), more "
                             f"than the {limits.max_unpacked_mb:g} MB a submission may unpack "
                             f"to: {_SHRINK}")

        # entries read whole to classify the archive (mimetype, workbook, relationships): the
        # pieces they unpacked to, fed to their scanner below instead of unpacking them again
        unpacked: dict[str, list[bytes]] = {}
        by_name = {i.filename: i for i in infos}  # names are unique (checked above)

        def read(name: str, cap: int) -> bytes | None:
            info = by_name.get(name)
            if info is None:
                return None
            parts: list[bytes] = []
            inflate(fh, info, cap, parts.append, limits)
            unpacked[name] = parts
            return b"".join(parts)

        fmt = _classify(seen, read)
        plan = cells.Plan(fmt, read, limits)
        total = 0
        for info in infos:
            scanner = plan.scanner(info.filename)
            cap = limits.max_unpacked_bytes - total
            parts = unpacked.pop(info.filename, None)
            size = sum(map(len, parts)) if parts is not None else 0
            if parts is not None and size <= cap:  # every check of inflate passed already
                for piece in parts:
                    scanner.feed(piece)
                total += size
            else:
                total += inflate(fh, info, cap, scanner.feed, limits)
            scanner.finish()
        return fmt


def _classify(names: set[str], read: Callable[[str, int], bytes | None]) -> str:
    """``xlsx`` or ``ods`` from the archive's entries, else raise naming what it holds."""
    mimetype = read("mimetype", 256) if "mimetype" in names else None
    if mimetype is not None:
        if mimetype.strip() in _ODS_TYPES:
            return "ods"
        if mimetype.startswith(b"application/vnd.oasis.opendocument."):
            kind = mimetype.rsplit(b".", 1)[-1].decode("ascii", "replace")
            raise UnreadableFile(f"the file is an OpenDocument {kind} file, not a spreadsheet: "
                                 "send the workbook (.xlsx or .ods) made from the template")
    if "xl/workbook.bin" in names:
        raise UnreadableFile("the file is an Excel binary workbook (.xlsb): open it in Excel "
                             "and save it as .xlsx, then resend")
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names:
        return "ods"
    if "word/document.xml" in names:
        raise UnreadableFile("the file is a Word document, not a spreadsheet: send the Excel "
                             "workbook (.xlsx) made from the template")
    if "ppt/presentation.xml" in names:
        raise UnreadableFile("the file is a PowerPoint presentation, not a spreadsheet: send "
                             "the Excel workbook (.xlsx) made from the template")
    books = sorted(n for n in names if n.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")))
    if books:
        raise UnreadableFile(f"the file is a zip archive holding {len(books)} workbook(s) "
                             f"({', '.join(books[:3])}): send each workbook itself, unzipped")
    raise UnreadableFile("the file is a zip archive, not a workbook: send the .xlsx itself")


def inflate(fh: BinaryIO, info: zipfile.ZipInfo, cap: int, sink: Callable[[bytes], object],
            limits: Limits) -> int:
    """Unpack ``info``'s data as it really is, passing it to ``sink`` in pieces of at most
    1 MB; the number of bytes it unpacked to. Raises when it exceeds ``cap``, when its
    packing ratio exceeds the limit, or when it disagrees with what the archive declares."""
    name = info.filename
    fh.seek(info.header_offset)
    header = fh.read(_LOCAL.size)
    if len(header) < _LOCAL.size or header[:4] != b"PK\x03\x04":
        raise UnreadableFile(f"the zip entry '{name}' is missing or damaged; {_DAMAGED}")
    _, _, flags, method, _, _, _, csize, usize, nlen, xlen = _LOCAL.unpack(header)
    raw_name = fh.read(nlen)  # ASCII reads the same in both codecs, and fastest as ASCII
    local_name = raw_name.decode("ascii" if raw_name.isascii() else
                                 "utf-8" if flags & 0x800 else "cp437", "replace")
    if local_name != name or method != info.compress_type:
        raise UnsafeFile(f"the zip entry '{name}' is described differently in two places of "
                         f"the archive (crafted or damaged); {_DAMAGED}")
    if not flags & 0x8 and 0xFFFFFFFF not in (csize, usize) and \
            (csize, usize) != (info.compress_size, info.file_size):
        raise UnsafeFile(f"the zip's declared sizes of '{name}' contradict each other "
                         f"(crafted or damaged); {_DAMAGED}")
    fh.seek(xlen, 1)
    left = info.compress_size
    out = crc = 0
    inflater = zlib.decompressobj(-15) if method == zipfile.ZIP_DEFLATED else None
    while inflater is None or not inflater.eof:
        if inflater is not None and inflater.unconsumed_tail:
            data = inflater.unconsumed_tail
        elif left > 0:
            data = fh.read(min(_STEP, left))
            if not data:
                raise UnreadableFile(f"the file ends inside entry '{name}': it is incomplete "
                                     f"(cut short while copying?); {_DAMAGED}")
            left -= len(data)
        elif inflater is None:
            break
        else:
            data = b""  # drain what the inflater still holds
        try:
            piece = inflater.decompress(data, _OUT_STEP) if inflater is not None else data
        except zlib.error as exc:
            raise UnreadableFile(f"the zip entry '{name}' cannot be unpacked ({exc}): the file "
                                 f"is damaged; {_DAMAGED}") from exc
        if not piece and not data:
            break
        out += len(piece)
        packed = info.compress_size - left
        if out > cap:
            raise UnsafeFile(f"the workbook unpacks to more than the "
                             f"{limits.max_unpacked_mb:g} MB a submission may (at '{name}'"
                             f"{_ratio_note(out, packed)}): {_SHRINK}")
        if out > _EARLY_BOMB and out > 2 * limits.max_ratio * max(packed, 1):
            _bomb(name, out, packed, limits)
        crc = zlib.crc32(piece, crc)
        sink(piece)
    if inflater is not None and not inflater.eof:
        raise UnreadableFile(f"the zip entry '{name}' is cut short: the file is damaged or "
                             f"incomplete; {_DAMAGED}")
    if out != info.file_size:
        raise UnsafeFile(f"the zip declares '{name}' as {info.file_size:,} bytes but it unpacks "
                         f"to {out:,} bytes: its sizes lie (crafted or damaged); {_DAMAGED}")
    if crc != info.CRC:
        raise UnreadableFile(f"the zip entry '{name}' fails its checksum: the file is damaged; "
                             f"{_DAMAGED}")
    if out > _RATIO_FLOOR and out > limits.max_ratio * max(info.compress_size, 1):
        _bomb(name, out, info.compress_size, limits)
    return out


def _bomb(name: str, out: int, packed: int, limits: Limits, how: str = "unpacks") -> None:
    raise UnsafeFile(f"the workbook is built like a zip bomb: '{name}' {how} to "
                     f"{out / 2**20:,.0f} MB{_ratio_note(out, packed)}, where a workbook packs "
                     f"at most {limits.max_ratio:g}-fold; {_DAMAGED}")


def _ratio_note(out: int, packed: int) -> str:
    return f", {out / max(packed, 1):,.0f}-fold from {packed / 1024:,.0f} KB"

"""Streaming the bytes of one XML part through a scanner, a whole tag at a time.

:class:`XmlScan` cuts the stream only between tags (a tag split across two pieces waits for
the next one; so does an open cell tag whose emptiness its closing tag decides), refuses
``<!DOCTYPE``/``<!ENTITY`` (billion laughs, external entities) and any encoding that is not
ASCII-compatible (UTF-16 would hide the tags from these byte scans), and hands each region to
:meth:`XmlScan.scan`. Bad input raises ``UnsafeFile``; a tag longer than 1 MB is bad input.
"""

import functools
import html
import re

from pipelines.guard.errors import UnsafeFile

MAX_TAG = 1 << 20
NS = rb"(?:[\w.-]+:)?"
RESEND = "save it again from Excel or LibreOffice and resend"
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']""")
_ASCII_COMPATIBLE = (b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859", b"iso8859",
                     b"windows-125", b"cp125", b"latin")
_OPEN_CELL = re.compile(rb"<" + NS + rb"(?:c|table-cell|covered-table-cell)(?:\s[^>]*)?"
                        rb"(?<!/)>\s*")


@functools.lru_cache(maxsize=64)
def _attr_pattern(name: str) -> re.Pattern[bytes]:
    return re.compile(re.escape(name.encode()) + rb"\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


_NAME_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-")


def attr(attrs: bytes, name: str) -> str | None:
    """The value of attribute ``name`` (any namespace prefix) in a tag's attribute bytes."""
    pattern, at = _attr_pattern(name), 0
    while (found := pattern.search(attrs, at)) is not None:
        at = found.start()
        if at == 0 or attrs[at - 1] not in _NAME_BYTES and (
                attrs[at - 1] != 0x3A or _after_prefix(attrs, at)):
            text = (found.group(1) or found.group(2) or b"").decode("utf-8", "replace")
            return html.unescape(text) if "&" in text else text
        at += 1
    return None


def _after_prefix(attrs: bytes, at: int) -> bool:
    """Whether the ``:`` before ``at`` ends one namespace prefix that starts an attribute:
    with the name's own test in :func:`attr`, what ``(?<![\\w:.-])(?:[\\w.-]+:)?`` before
    the name means, the name being found first by its bytes."""
    start = at - 1
    while start > 0 and attrs[start - 1] in _NAME_BYTES:
        start -= 1
    return start < at - 1 and (start == 0 or attrs[start - 1] != 0x3A)


@functools.lru_cache(maxsize=4096)
def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


class NullScan:
    """A part no reader parses (pictures, printer settings): its size is all that counts."""

    def __init__(self, part: str):
        self.part = part

    def feed(self, data: bytes) -> None:
        return None

    def finish(self) -> None:
        return None


class XmlScan(NullScan):
    """Splits the stream at tag boundaries (a tag is never cut in two) and refuses DTDs."""

    hold_open_cells = False

    def __init__(self, part: str):
        super().__init__(part)
        self.tail = b""
        self.started = False

    def feed(self, data: bytes) -> None:
        buf = self.tail + data
        if not self.started:
            if len(buf) < 64:
                self.tail = buf
                return
            self._start(buf)
        cut = len(buf)
        lt = buf.rfind(b"<")
        if lt >= 0 and buf.find(b">", lt) < 0:
            cut = lt  # an unfinished tag waits for the next piece
        if self.hold_open_cells and cut > 0:
            j = buf.rfind(b"<", 0, cut)
            if j >= 0 and _OPEN_CELL.fullmatch(buf, j, cut):
                cut = j  # is the cell empty? its closing tag is in the next piece
        self.tail = buf[cut:]
        if len(self.tail) > MAX_TAG:
            raise UnsafeFile(f"the part '{self.part}' holds a tag longer than 1 MB: the file is "
                             f"crafted or damaged; {RESEND}")
        self._check(buf[:cut])

    def finish(self) -> None:
        if not self.started:
            self._start(self.tail)
        if self.tail:  # an empty region holds nothing to check or scan
            self._check(self.tail)
        self.tail = b""
        self.done()

    def _start(self, head: bytes) -> None:
        self.started = True
        head = head.removeprefix(b"\xef\xbb\xbf")
        if head[:2] in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<") or head[:1] == b"\x00":
            raise UnsafeFile(f"the part '{self.part}' is UTF-16/32 text, which Excel and "
                             f"LibreOffice never write; {RESEND}")
        declared = _ENCODING.match(head)
        if declared and not declared.group(1).lower().startswith(_ASCII_COMPATIBLE):
            raise UnsafeFile(f"the part '{self.part}' declares the encoding "
                             f"{declared.group(1).decode('ascii', 'replace')}, which Excel and "
                             f"LibreOffice never write; {RESEND}")

    def _check(self, region: bytes) -> None:
        if _DTD.search(region):
            raise UnsafeFile(f"the part '{self.part}' declares a DTD or entities (<!DOCTYPE/"
                             "<!ENTITY>), which no real workbook has: the file is crafted to "
                             f"attack the reader; {RESEND}")
        self.scan(region)

    def scan(self, region: bytes) -> None:
        return None

    def done(self) -> None:
        return None

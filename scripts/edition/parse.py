"""Stage 1, parse: read a source file into numbered lines.

Decoding problems are reported with the file and line; nothing is guessed
silently. A UTF-8 byte-order mark is dropped, a UTF-16 file (which announces
itself by its BOM) is decoded and the fact recorded, CRLF line ends become LF.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from .model import ConversionError, Document, Line
from .profile import Profile

MAX_SOURCE_BYTES = 256 * 1024 * 1024


def parse(path: Path, profile: Profile) -> Document:
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise ConversionError(path, None, f"cannot read the file: {err.strerror}") from None
    doc = Document(id=profile.id, profile=profile, path=str(path), lines=[])
    text = decode(path, raw, doc)
    if not text.strip():
        raise ConversionError(path, None, "the file is empty: there is no text to convert")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    doc.lines = [Line(n, t) for n, t in enumerate(text.split("\n"), start=1)]
    return doc


def decode(path: Path, raw: bytes, doc: Document) -> str:
    if len(raw) > MAX_SOURCE_BYTES:
        raise ConversionError(path, None, f"the file is {len(raw)} bytes; the limit is {MAX_SOURCE_BYTES}")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        doc.warn(None, "decoded as UTF-16 (byte-order mark found)")
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as err:
            raise ConversionError(path, None, f"invalid UTF-16 at byte {err.start}") from None
    if raw.startswith(codecs.BOM_UTF8):
        doc.warn(None, "UTF-8 byte-order mark removed")
        raw = raw[len(codecs.BOM_UTF8):]
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ConversionError(path, line, "binary data (NUL byte): this is not a text file")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ConversionError(
            path,
            line,
            f"not UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start}); "
            "convert the file to UTF-8 first, e.g. `iconv -f latin1 -t utf-8`",
        ) from None

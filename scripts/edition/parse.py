"""Stage 1, parse: read a source file into numbered lines.

Decoding problems are reported with the file and line; nothing is guessed
silently. A UTF-8 byte-order mark is dropped, a UTF-16 file (which announces
itself by its BOM) is decoded and the fact recorded, CRLF line ends become LF.

Some input cannot become a TEI text at all and is refused with a message that
names the file, the line and the problem: an empty file, binary data, a file
in a legacy encoding, characters XML 1.0 cannot hold, a file far larger than
any book. Page furniture that XML cannot hold but that carries no words (form
feeds, a DOS end-of-file mark) is removed with a recorded warning.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from .model import ConversionError, Document, Line
from .profile import Profile

# The converter's stated ceiling. War and Peace is 3.3 MB of plain text and our
# longest source 1.2 MB; 12 MiB leaves room for any book, while a larger "source"
# is a corpus, a log or a mistake (16 MB of note references took 313 s and 5 GB).
# What a source may become is bounded too: its TEI must pass `edition validate`
# (validate.MAX_BYTES), or the build refuses it (build.check_output_size).
MAX_SOURCE_BYTES = 12 * 1024 * 1024

# Form feed and vertical tab: page and layout furniture from printers and OCR.
LAYOUT_CONTROLS = re.compile(r"[\x0b\x0c]")
# Everything else XML 1.0 cannot hold (Char production: no C0 controls but
# tab/LF/CR, no U+FFFE/U+FFFF); lone surrogates cannot survive UTF-8 decoding.
NOT_XML_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\ufffe\uffff]")
# Ctrl-Z: the end-of-file mark CP/M and DOS editors appended to text files.
DOS_EOF = "\x1a"


def parse(path: Path, profile: Profile) -> Document:
    path = Path(path)
    doc = Document(id=profile.id, profile=profile, path=str(path), lines=[])
    text = decode(path, read_source(path), doc)
    if not text.strip():
        raise ConversionError(path, None, "the file is empty: there is no text to convert")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = remove_controls(path, text, doc)
    doc.lines = [Line(n, t) for n, t in enumerate(text.split("\n"), start=1)]
    return doc


def read_source(path: Path) -> bytes:
    """The file's bytes; its size is checked before anything is read."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise ConversionError(path, None, "this is a folder, not a text file")
        if size > MAX_SOURCE_BYTES:
            raise ConversionError(
                path, None,
                f"the file is {size:,} bytes; a source may be at most {MAX_SOURCE_BYTES:,} bytes "
                f"({MAX_SOURCE_BYTES // 2**20} MiB): split it into several texts")
        return path.read_bytes()
    except OSError as err:
        raise ConversionError(path, None, f"cannot read the file: {err.strerror}") from None


def decode(path: Path, raw: bytes, doc: Document) -> str:
    if len(raw) > MAX_SOURCE_BYTES:
        raise ConversionError(path, None, f"the file is {len(raw):,} bytes; the limit is {MAX_SOURCE_BYTES:,}")
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
        if _looks_like_utf16(raw):
            raise ConversionError(
                path, 1,  # the whole file, not one line, is in the wrong encoding
                "NUL bytes between the letters: this looks like UTF-16 without a byte-order mark; "
                "convert it to UTF-8 first, e.g. `iconv -f utf-16le -t utf-8`")
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


def _looks_like_utf16(raw: bytes) -> bool:
    """ASCII text in UTF-16 has a NUL in every other byte; binary data does not."""
    sample = raw[:4096]
    odd, even = sample[1::2], sample[0::2]
    return len(sample) >= 4 and (odd.count(0) > 0.9 * len(odd) or even.count(0) > 0.9 * len(even))


def remove_controls(path: Path, text: str, doc: Document) -> str:
    """Drop furniture XML cannot hold (recorded); refuse any other control character."""
    stripped = text.rstrip("\n")
    if stripped.endswith(DOS_EOF):
        doc.warn(stripped.count("\n") + 1, "DOS end-of-file mark (Ctrl-Z) removed")
        text = stripped.rstrip(DOS_EOF) + text[len(stripped):]
    bad = NOT_XML_CHARS.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        raise ConversionError(
            path, line,
            f"control character U+{ord(bad.group()):04X} at column {column}: XML cannot hold it, "
            "and a text file should not contain it (is this a binary file?)")
    if LAYOUT_CONTROLS.search(text):
        lines = text.split("\n")
        for number, line in enumerate(lines, start=1):
            if LAYOUT_CONTROLS.search(line):
                doc.warn(number, "form feed or vertical tab (page furniture) removed")
                # at a line's edge it marks a page; between words it stands for a space
                lines[number - 1] = LAYOUT_CONTROLS.sub(" ", line.strip("\x0b\x0c"))
        text = "\n".join(lines)
    return text


def source_text(path: Path) -> str:
    """The source's text exactly as `parse` reads it, for comparisons (fidelity)."""
    path = Path(path)
    scratch = Document(id=path.stem, profile=None, path=str(path), lines=[])
    text = decode(path, read_source(path), scratch).replace("\r\n", "\n").replace("\r", "\n")
    return remove_controls(path, text, scratch)

"""Stage 9, validate: well-formedness, then the edition's schemas.

(The RELAX NG and Schematron layers are added with the schema work.) The
parser is safe for any file a user hands us: no DTD loading, no external
entities, no network, bounded size.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from lxml import etree

MAX_BYTES = 20 * 1024 * 1024


@dataclass
class Problem:
    file: str
    line: int
    column: int
    rule: str
    message: str
    severity: str = "error"

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: [{self.rule}] {self.message}"


def safe_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_blank_text=False)


def parse_safely(data: bytes, name: str) -> tuple[etree._ElementTree | None, list[Problem]]:
    if len(data) > MAX_BYTES:
        return None, [Problem(name, 0, 0, "size", f"the file is {len(data):,} bytes; the limit is {MAX_BYTES:,}")]
    if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data:
        return None, [Problem(name, 1, 1, "doctype", "DOCTYPE and entity declarations are refused: TEI needs neither, and they can be used to read files or exhaust memory")]
    try:
        return etree.ElementTree(etree.fromstring(data, safe_parser())), []
    except etree.XMLSyntaxError as err:
        line, col = (err.position if err.position else (0, 0))
        return None, [Problem(name, line or 0, col or 0, "well-formed", f"not well-formed XML: {err.msg}")]


def validate_bytes(data: bytes, name: str = "<input>") -> list[Problem]:
    _tree, problems = parse_safely(data, name)
    return problems


def validate_file(path: Path) -> list[Problem]:
    path = Path(path)
    return validate_bytes(path.read_bytes(), str(path))

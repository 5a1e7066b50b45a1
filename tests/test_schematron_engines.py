"""The edition's Schematron runs everywhere (issue 14.7): queryBinding xslt2, no EXSLT in the schema, the
same verdicts from an XSLT 3 implementation under Saxon as from the validator's libxslt path, on every file
of the edition and every document of tests/broken/."""

from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from edition import SCHEMA, TEI_DIR
from edition.schematron import SVRL_NS, SaxonSchematron
from edition.validate import edition_schematron, parse_safely

BROKEN = Path(__file__).parent / "broken"
SCH = SCHEMA / "edition.sch"


def _documents() -> list[Path]:
    files = sorted(TEI_DIR.glob("*.xml")) + sorted(BROKEN.glob("*.xml"))
    readable = []
    for path in files:
        tree, refusals = parse_safely(path.read_bytes(), str(path), path.parent)
        if tree is not None and tree.getroot().tag == "{http://www.tei-c.org/ns/1.0}TEI":
            readable.append(path)
    return readable


@pytest.fixture(scope="module")
def saxon():
    return SaxonSchematron(SCH)


def test_the_schema_is_xslt2_and_uses_no_exslt():
    schema = etree.parse(str(SCH)).getroot()
    assert schema.get("queryBinding") == "xslt2"
    assert "exslt.org" not in SCH.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", _documents(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_saxon_and_libxslt_give_the_same_verdict(saxon, path):
    tree, _ = parse_safely(path.read_bytes(), str(path), path.parent)
    svrl = edition_schematron()(tree).getroot()
    by_libxslt = Counter((f.get("id"), f.get("role")) for f in svrl.iter(f"{{{SVRL_NS}}}failed-assert",
                                                                         f"{{{SVRL_NS}}}successful-report"))
    by_saxon = Counter((f["id"], f["role"]) for f in saxon.validate(path))
    assert by_saxon == by_libxslt


def test_the_broken_set_is_not_all_valid_under_saxon(saxon):
    """A comparison of two empty verdicts proves nothing: the broken set must make Saxon find faults."""
    found = {f["id"] for path in _documents() if path.parent == BROKEN for f in saxon.validate(path)}
    assert {"unique-id", "pointer-resolves", "note-attached", "choice-both-readings", "language-declared",
            "header-licence"} <= found

"""The hostile inputs of issue 16, made on demand: for the tests that prove each
defect fixed and for the benchmark's siege, which replays them against a running
server. Each is small to describe and costly to a careless implementation."""

from __future__ import annotations

from . import TEI_NS

HEADER = (f'<TEI xmlns="{TEI_NS}"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt>'
          "<publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc></fileDesc>"
          "</teiHeader><text><body>")
FOOTER = "</body></text></TEI>"


def many_elements(count: int = 900_000) -> bytes:
    """`count` unknown empty elements on one line (900k: 4.5 MB)."""
    return (HEADER + "<p>" + "<zz/>" * count + "</p>" + FOOTER).encode()


def many_attributes(count: int = 60_000) -> bytes:
    """One <p> with `count` attributes (60k: about 650 KB)."""
    attributes = " ".join(f'a{i}="v"' for i in range(count))
    return (HEADER + f"<p {attributes}>x</p>" + FOOTER).encode()


def duplicate_ids(count: int = 200_000) -> bytes:
    """`count` paragraphs sharing one xml:id, one a line."""
    return (HEADER + '\n<p xml:id="same">x</p>' * count + FOOTER).encode()


UPLOADS = {"many-elements.xml": many_elements, "many-attributes.xml": many_attributes,
           "duplicate-ids.xml": duplicate_ids}

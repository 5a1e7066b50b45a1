"""The conversion pipeline of the edition.

A source text passes through the stages in order, each a module named for
what it does:

    parse -> clean -> structure -> notes -> interventions -> markup
          -> entities -> identify -> corrections -> header -> serialize -> validate

`build.build_text` runs them; `cli` is the `edition` command.
"""

from pathlib import Path

# The checkout: scripts/edition/__init__.py -> parents[2]
ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "sources"
TEI_DIR = ROOT / "tei"
DATA = ROOT / "data"
SCHEMA = ROOT / "schema"
# what an encoder needs to validate against the edition: published beside the TEI
SCHEMA_FILES = tuple(SCHEMA / name for name in ("edition.odd", "edition.rng", "edition.sch"))
XSLT = ROOT / "xslt"
BUILD = ROOT / "build"

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_NS = "http://www.w3.org/XML/1998/namespace"
# Working attributes carried through the pipeline (source line numbers, etc.)
# and stripped by `serialize` before anything is written.
ED_NS = "urn:x-edition:working"


def tei(tag: str) -> str:
    """Clark name of a TEI element: tei('p') -> '{http://www.tei-c.org/ns/1.0}p'."""
    return f"{{{TEI_NS}}}{tag}"


XML_ID = f"{{{XML_NS}}}id"
XML_LANG = f"{{{XML_NS}}}lang"
SOURCE_LINE = f"{{{ED_NS}}}line"

"""The editors' views of the names (`edition names --view ...`).

- `queue`: capitalised names no register entry claims, and what the context left undecided
  (the entities and identify stages' queue), ranked by frequency;
- `decisions`: every decision among several entries, one line each (as build/decisions.tsv);
- `homonyms`: the forms several entries claim, each mention in its context with the decision;
- `entries`: register entries with their mentions in context and the certainty of each.

The decisions come from the identify stage's report, the mentions from the built TEI: the
views print what the stages decided, they decide nothing themselves.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from . import TEI_DIR, XML_ID, tei
from .identify import DECISIONS_HEADER

NAME_TAGS = (tei("persName"), tei("placeName"), tei("orgName"), tei("title"))
REGISTER_FILES = {"persons.xml", "places.xml", "orgs.xml"}


def decision_rows(reports: dict[str, dict]) -> list[list[str]]:
    """Every decision of the texts' identify reports, as fields."""
    return [row.split("\t") for report in reports.values()
            for row in report.get("identify", {}).get("decisions", [])]


def write_decisions(reports: dict[str, dict], path: Path) -> int:
    """build/decisions.tsv: one line per decision, for editors to read and override."""
    from .serialize import write_atomic

    rows = ["\t".join(r) for r in decision_rows(reports)]
    write_atomic(path, (DECISIONS_HEADER + "\n" + "".join(f"{r}\n" for r in rows)).encode("utf-8"))
    return len(rows)


def homonyms(reports: dict[str, dict]) -> list[tuple[str, list[list[str]]]]:
    """The forms several entries claim, with each mention's decision, most frequent first."""
    forms: dict[str, list[list[str]]] = {}
    for row in decision_rows(reports):
        forms.setdefault(row[1], []).append(row)
    return sorted(forms.items(), key=lambda item: (-len(item[1]), item[0]))


def mentions_by_entry(tei_dir: Path = TEI_DIR, entry: str | None = None) -> dict[str, list[tuple[str, str, str]]]:
    """Entry id -> [(passage, certainty, context)] for every linked mention in the built texts."""
    found: dict[str, list[tuple[str, str, str]]] = {}
    for path in sorted(Path(tei_dir).glob("*.xml")):
        if path.name in REGISTER_FILES:
            continue
        root = etree.parse(str(path), etree.XMLParser(huge_tree=True)).getroot()
        for name in root.iter(*NAME_TAGS):
            ref = (name.get("ref") or "").partition("#")[2]
            if not ref or (entry and ref != entry):
                continue
            holder = next((a for a in name.iterancestors() if a.get(XML_ID)), None)
            passage = holder.get(XML_ID) if holder is not None else path.stem
            found.setdefault(ref, []).append((passage, name.get("cert") or "exact", _in_context(name, holder)))
    return found


def _in_context(name, holder) -> str:
    words = "".join(name.itertext())
    text = "".join(holder.itertext()) if holder is not None else words
    before = "".join(_text_before(name, holder))
    return " ".join(f"{before[-60:]}[{words}]{text[len(before) + len(words):][:60]}".split())


def _text_before(name, holder):
    for node in holder.xpath(".//text()") if holder is not None else []:
        if node.getparent() is name and node.is_text:
            return
        yield str(node)

"""The notes report: figures computed by the notes stage, printed by `edition notes`."""

import json
import re
import subprocess
import sys

import pytest
from lxml import etree

from edition import ROOT, SOURCES
from edition.notes import expected_differences, format_report
from f1_helpers import built

TEXTS = ["furr-struggle-for-democratic-reform", "gurdzhiyev-for-the-motherland",
         "medvedev-on-stalin-and-stalinism", "pavlova-mechanism-of-power",
         "rogovin-bolsheviks-against-stalinism"]
EDITION = [sys.executable, "-m", "edition.cli"]


def run_edition(*args):
    return subprocess.run(EDITION + list(args), capture_output=True, text=True, cwd=ROOT, timeout=120)


@pytest.mark.parametrize("text_id", TEXTS)
def test_expected_figures_are_met_or_explained(text_id):
    report = built(text_id).report["notes"]
    for figure in ("references", "bodies", "linked", "unanchored", "without_body", "duplicates"):
        assert isinstance(report[figure], int)
    # every reference is linked, unanchored... accounted for exactly once
    assert report["linked"] + report["without_body"] + report["bodies_absent_from_source"] \
        + report["duplicates"] - sum(1 for p in report["problems"] if "second body" in p) == report["references"]
    assert report["linked"] + report["unanchored"] <= report["bodies"]
    if expected_differences(report):
        assert report["expected"].get("explain"), f"{text_id}: a difference from the expected figures is unexplained"


@pytest.mark.parametrize("text_id", TEXTS)
def test_linking_notes_loses_no_source_word(text_id):
    fidelity = built(text_id).fidelity
    assert fidelity["lost"] == 0, fidelity["lost_sample"]


def test_edition_notes_prints_the_report_of_one_text():
    result = run_edition("notes", "furr")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "furr-struggle-for-democratic-reform: notes"
    figures = {line.rsplit(None, 1)[0].strip(): int(line.rsplit(None, 1)[1]) for line in lines[1:8]}
    assert figures["references (markers in the text)"] == 42
    assert figures["note bodies in the source"] == 41
    assert figures["linked pairs (reference and body)"] == 41
    assert any("note 4 (scope 2) is referred to a second time" in line for line in lines)
    # the same lines as the stage's own report, formatted: not a second implementation
    report = built("furr-struggle-for-democratic-reform").report
    assert lines == format_report("furr-struggle-for-democratic-reform", report["notes"], report["interventions"])


def test_edition_notes_json_gives_the_stage_figures():
    result = run_edition("notes", "medvedev", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == "medvedev-on-stalin-and-stalinism"
    assert (data["notes"]["bodies"], data["notes"]["unanchored"]) == (35, 17)
    # what stays in brackets is counted by class, each with its reason
    assert data["interventions"]["malformed"] == {"read": 6}
    assert data["interventions"]["gloss:title"] == 30  # 28 well formed, 2 malformed ("Voyna" War])
    assert set(data["interventions"]["left"]) == {
        "brackets mentioned: the JPRS statement names its brackets ('material enclosed in brackets [] are "
        "supplied by FBIS/JPRS')",
        "stray closing bracket: the source closes the expansion of Rostselmash twice ('[Rostov Plant] for "
        "Agricultural Machine Building]'): the first pair is encoded, the stray sign stays as printed"}


def test_edition_notes_explains_the_brackets_left_in_rogovin():
    result = run_edition("notes", "rogovin")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "    square brackets not read as interventions, by class (each with its reason): 42" in lines
    assert any(line.split()[:3] == ["41", "dual", "date:"] for line in lines)  # "9 [21] March 1883"


def test_edition_notes_refuses_an_unknown_text_without_a_traceback():
    result = run_edition("notes", "trotsky")
    assert result.returncode == 2
    assert "no text named trotsky" in result.stderr
    assert "Traceback" not in result.stderr


# the "Done when": no note reference left as text, no loose note body ------

TEI = "{http://www.tei-c.org/ns/1.0}"
# the shapes a note reference takes in the five sources, when it is not a note
REFERENCE_RESIDUE = {
    "superscript digits": r"[⁰¹²³⁴⁵⁶⁷⁸⁹]",
    "<sup> residue": r"</?sup>|\^\[|\^\{\[",
    "link marker [11](#)": r"\[\d{1,3}\]\(#\)",
    "escaped marker \\[227\\]": r"\\\[\d+\\\]",
    # 'materials."1', 'Committee.4 His': a digit glued to a closing quotation or to a sentence's end
    "digit glued to a quotation or a full stop": r"[a-z][.,;:]?[\"”]\d{1,2}\b|[a-z][.;:]\d{1,2}(?= [A-Z])",
}
# a note body's opening: "- 2. Ibid., Vol 41", "[9](#) text", "<sup>3</sup>. text"
BODY_OPENING = r"^(?:-\s*)?(?:\[\d{1,3}\.?\]\(#\)|<sup>\d{1,3}\.?</sup>)|^-?\s*\d{1,3}\.?\s+(?:Ibid|See |Op\. cit)"


def test_the_residue_patterns_find_the_sources_own_references():
    # the patterns below would see a reference the notes stage missed: each finds the received shapes
    sources = "\n".join(p.read_text(encoding="utf-8") for p in sorted(SOURCES.glob("*.txt")))
    assert all(re.search(pattern, sources) for pattern in REFERENCE_RESIDUE.values())
    assert re.search(REFERENCE_RESIDUE["digit glued to a quotation or a full stop"],
                     "the USSR Central Executive Committee.4 His older son")
    assert len(re.findall(BODY_OPENING, sources, re.M)) > 300  # Rogovin's and Furr's bodies, Medvedev's "- 2. Ibid."


def reading_text_pieces(root):
    """(element, text) for every piece of the reading text: notes and facsimile transcriptions set aside."""
    set_aside = {TEI + "teiHeader", TEI + "note", TEI + "figure"}

    def walk(element):
        if element.tag in set_aside:
            return
        if element.text:
            yield element, element.text
        for child in element:
            if isinstance(child.tag, str):
                yield from walk(child)
            if child.tail:
                yield element, child.tail
    yield from walk(root)


@pytest.mark.parametrize("text_id", TEXTS)
def test_no_note_reference_is_left_as_text(text_id):
    root = etree.fromstring(built(text_id).tei)
    found = [(name, text.strip()[:80]) for _, text in reading_text_pieces(root)
             for name, pattern in REFERENCE_RESIDUE.items() if re.search(pattern, text)]
    assert found == []


@pytest.mark.parametrize("text_id", TEXTS)
def test_no_note_body_is_left_as_a_paragraph_of_the_reading_text(text_id):
    root = etree.fromstring(built(text_id).tei)
    loose = []
    for block in root.find(TEI + "text").iter(TEI + "p", TEI + "item"):
        if any(a.tag in (TEI + "note", TEI + "figure") for a in block.iterancestors()):
            continue
        words = " ".join("".join(block.itertext()).split())
        if re.match(BODY_OPENING, words):
            loose.append(words[:80])
    assert loose == []

"""The notes and interventions stages read their rules from a text's profile: a new text needs no code."""

from pathlib import Path

import pytest
from lxml import etree

from edition import SOURCES
from edition.build import build_text
from edition.profile import ProfileError

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
FURR = SOURCES / "furr-struggle-for-democratic-reform.txt"


def furr_excerpt(tmp_path, notes_table: str, interventions_table: str = "") -> Path:
    """Two real paragraphs of Furr's Part One with their note bodies, as a new text."""
    lines = FURR.read_text(encoding="utf-8").splitlines()
    excerpt = lines[14:21] + ["", "Notes", ""] + lines[371:374]  # source lines 15-21 and 372-374
    source = tmp_path / "excerpt.txt"
    source.write_text("\n".join(excerpt) + "\n", encoding="utf-8")
    (tmp_path / "excerpt.toml").write_text(
        'id = "excerpt"\nkey = "excerpt"\nformat = "text"\n'
        '[bibl]\ntitle = "Excerpt"\n[[bibl.authors]]\nid = "author"\nname = "Grover Furr"\n'
        + notes_table + interventions_table, encoding="utf-8")
    return source


NOTES = '''
[notes]
zone_start = '^Notes$'
bodies = ['^(?P<n>\\d+)\\s+(?=\\S)']
markers = [{ pattern = '\\[(?P<n>\\d+)\\]\\(#\\)' }]
'''


def test_a_new_text_with_a_notes_table_links_its_notes(tmp_path):
    result = build_text(furr_excerpt(tmp_path, NOTES))
    root = etree.fromstring(result.tei)
    notes = root.xpath("//tei:note[@type='authorial'][not(@place='inline')]", namespaces=NS)
    assert [n.get("n") for n in notes] == ["1", "2"]
    assert "".join(notes[0].itertext()).startswith("Leon Trotsky's version of Soviet history")
    assert notes[0].getparent().tag == "{http://www.tei-c.org/ns/1.0}p"
    assert result.report["notes"]["linked"] == 2 and result.fidelity["lost"] == 0


def test_a_marker_pattern_without_the_note_number_is_refused_with_its_name(tmp_path):
    bad = NOTES.replace("\\[(?P<n>", "\\[(")
    assert bad != NOTES
    with pytest.raises(ProfileError, match=r"markers\[0\]\.pattern must name the note number"):
        build_text(furr_excerpt(tmp_path, bad))


def test_an_unknown_intervention_kind_is_refused_with_its_name(tmp_path):
    rules = '''
[interventions]
rules = [{ kind = "sic", pattern = '\\[sic\\]' }]
'''
    with pytest.raises(ProfileError, match=r"rules\[0\]: unknown kind 'sic'"):
        build_text(furr_excerpt(tmp_path, NOTES, rules))


def test_an_expansion_rule_must_name_abbreviation_and_expansion(tmp_path):
    rules = '''
[interventions]
rules = [{ kind = "expan", pattern = '(?P<abbr>[A-Z]+) \\[[^\\]]+\\]' }]
'''
    with pytest.raises(ProfileError, match=r"must name \(\?P<expan>"):
        build_text(furr_excerpt(tmp_path, NOTES, rules))


MEDVEDEV = SOURCES / "medvedev-on-stalin-and-stalinism.txt"


def medvedev_paragraph(tmp_path, line: int, interventions_table: str) -> Path:
    """One real paragraph of Medvedev's, as a new text with only the given [interventions] table."""
    text = MEDVEDEV.read_text(encoding="utf-8").splitlines()[line - 1]
    source = tmp_path / "paragraph.txt"
    source.write_text(text + "\n", encoding="utf-8")
    (tmp_path / "paragraph.toml").write_text(
        'id = "paragraph"\nkey = "paragraph"\nformat = "text"\n'
        '[bibl]\ntitle = "Paragraph"\n[[bibl.authors]]\nid = "author"\nname = "Roy Medvedev"\n'
        '[[bibl.translators]]\nid = "translator"\nname = "JPRS"\n' + interventions_table, encoding="utf-8")
    return source


GLOSS_RULE = '''
[interventions]
rules = [{ kind = "gloss", type = "translator", resp = "#translator", pattern = '\\[[^\\[\\]]+\\]' }]
'''


def test_a_bracket_closed_with_the_wrong_sign_is_read_in_any_text_with_a_note_and_a_warning(tmp_path):
    # "Lion Feykhtvanger [Feuchtwanger), who came to the USSR" (Medvedev, line 2082): no profile names it
    result = build_text(medvedev_paragraph(tmp_path, 2082, GLOSS_RULE))
    root = etree.fromstring(result.tei)
    gloss = root.xpath("//tei:gloss[@resp='#translator']", namespaces=NS)[0]
    assert "".join(gloss.itertext()) == "[Feuchtwanger)"
    assert gloss.getnext().get("type") == "editorial"
    assert any(w.endswith("paragraph.txt:1: malformed bracket \u201c[Feuchtwanger)\u201d "
                          "(opened with [ and closed with )): read as gloss:translator") for w in result.warnings)
    assert result.fidelity["lost"] == 0


def test_a_malformed_bracket_no_rule_reads_stays_as_printed_and_is_warned(tmp_path):
    only_notes = '''
[interventions]
rules = [{ kind = "note", type = "processing", pattern = '\\[Text\\]' }]
'''
    result = build_text(medvedev_paragraph(tmp_path, 2082, only_notes))
    assert "Feykhtvanger [Feuchtwanger), who" in "".join(etree.fromstring(result.tei).itertext())
    assert any("no rule reads it, left as printed" in w for w in result.warnings)
    assert result.report["interventions"]["malformed"] == {"left as printed": 1}


def test_an_unexplained_bracket_left_in_the_text_is_counted_and_warned(tmp_path):
    # "the chairman of the STO [Labor and Defense Councill and also" (line 554): without Medvedev's
    # own misreading pattern the bracket cannot be read, and the report says so
    result = build_text(medvedev_paragraph(tmp_path, 554, GLOSS_RULE))
    assert result.report["interventions"]["left"] == {"unexplained bracket signs": 1}
    assert any("paragraph.txt:1: bracket sign [ left unencoded" in w for w in result.warnings)


@pytest.mark.parametrize("table, message", [
    ("malformed = [{ pattern = '\\[(.+)\\)', fault = 'x' }]", r"malformed\[0\]\.pattern must name .*inside"),
    ("left_alone = [{ name = 'dates', pattern = '\\[\\d+\\]' }]", r"left_alone\[0\] needs a name, a pattern and a why"),
])
def test_malformed_and_left_alone_entries_are_checked(tmp_path, table, message):
    with pytest.raises(ProfileError, match=message):
        build_text(medvedev_paragraph(tmp_path, 554, GLOSS_RULE + table + "\n"))


def test_an_inferred_marker_must_say_why(tmp_path):
    inferred = NOTES.replace("markers = [", "markers = [{ pattern = ' (?P<n>\\\\d+)$', needs_body = true, cert = 'medium' }, ")
    assert inferred != NOTES
    with pytest.raises(ProfileError, match=r"markers\[0\] with a cert needs needs_body = true and a comment"):
        build_text(furr_excerpt(tmp_path, inferred))

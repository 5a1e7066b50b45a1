"""The notes and interventions stages read their rules from a text's profile: a new text needs no code."""

import shutil

import pytest
from lxml import etree

from edition import SOURCES
from edition.build import build_text
from edition.profile import ProfileError

NS = {"tei": "http://www.tei-c.org/ns/1.0"}
FURR = SOURCES / "furr-struggle-for-democratic-reform.txt"


def furr_excerpt(tmp_path, notes_table: str, interventions_table: str = "") -> "Path":
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

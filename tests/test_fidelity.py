"""Every source word of Gurdzhiyev, Furr and Medvedev is in the TEI or covered by a recorded removal."""

import copy

import pytest

from edition import SOURCES
from edition.build import convert
from edition.fidelity import check
from edition import tei
from f1_helpers import built

TEXTS = ["gurdzhiyev-for-the-motherland", "furr-struggle-for-democratic-reform", "medvedev-on-stalin-and-stalinism"]


@pytest.mark.parametrize("text_id", TEXTS)
def test_no_source_word_is_lost(text_id):
    report = built(text_id).fidelity
    assert report["lost"] == 0, (report["lost_sample"], report["lost_where"])
    assert report["source_words"] > 0


def test_removals_are_accounted_for_by_rule():
    assert built("furr-struggle-for-democratic-reform").fidelity["removed_by_rule"]["running-footer"] == 2
    medvedev = built("medvedev-on-stalin-and-stalinism").fidelity["removed_by_rule"]
    assert medvedev["jprs-issue-marker"] == 32  # four "[ZNAMYA No N, Mon 89; pp A-B]" lines
    assert medvedev["jprs-processing-indicator"] == 3  # three "[Text]" lines of their own


def test_a_dropped_paragraph_is_reported_as_lost_with_its_source_line():
    source = SOURCES / "gurdzhiyev-for-the-motherland.txt"
    doc = convert(source)
    root = copy.deepcopy(doc.tei)
    # drop "But what is more important is this." (source line 41)
    target = next(p for p in root.iter(tei("p")) if "".join(p.itertext()) == "But what is more important is this.")
    target.getparent().remove(target)
    report = check(doc, source.read_text(encoding="utf-8"), root)
    assert report.lost_total >= 1
    assert "important" in report.lost
    assert 41 in report.lost_where["important"]


def test_a_removal_without_its_record_would_be_lost():
    source = SOURCES / "furr-struggle-for-democratic-reform.txt"
    doc = convert(source)
    doc.removals = [r for r in doc.removals if r.rule != "running-footer"]
    report = check(doc, source.read_text(encoding="utf-8"), doc.tei)
    assert report.lost["furr"] >= 1 and report.lost["17"] >= 1


def test_superscript_note_digits_are_not_part_of_the_word():
    from edition.fidelity import words
    assert words("at that time⁵ -- but") == ["at", "that", "time", "5", "but"]
    # Pavlova's per-section number in superscript (`posts ^[189]¹⁸.`) is the edition's `<num>18</num>`: one word
    assert words("to the party committee ^[189]¹⁸.") == words("to the party committee 189 18")
    assert built("furr-struggle-for-democratic-reform").fidelity["added_by_edition"] == 0

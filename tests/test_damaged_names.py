"""Register names damaged in the received text (issue 12): a form glued to a word ("Russiain"),
split by a line-break hyphen left with its space ("Buryat- Mongolia") or cut at its first
letters ("a munist Academy") is no mention the names stage can find. The damaged-name detector
looks for them in every text against every register form; each is closed by a correction
(data/corrections/) or, where the reading is a real word, by a decision with its reason
(data/decisions/)."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from lxml import etree

from edition import DATA, SOURCES, TEI_DIR, tei
from edition.damaged_names import damaged_names, register_forms, repeated_words
from edition.detectors import detect, detect_edition

MEDVEDEV = "medvedev-on-stalin-and-stalinism"


@pytest.fixture(scope="module")
def reports():
    return {r.text_key: r for r in detect_edition()}


def received(text: str, words: set[str] = frozenset()) -> list[tuple[str, str, str]]:
    return [(d.kind, d.received, d.form) for d in damaged_names(text, words)]


# -- the edition ------------------------------------------------------------------

def test_no_damaged_name_is_left_in_any_text_without_a_correction_or_a_reason(reports):
    open_cases = [str(c) for r in reports.values() for c in r.open_cases() if c.detector == "damaged-name"]
    assert open_cases == []
    assert not [d for r in reports.values() for d in r.stale if d["detector"] == "damaged-name"]


def test_the_exceptions_are_real_words_recorded_with_their_reasons(reports):
    kept = [c for r in reports.values() for c in r.cases if c.detector == "damaged-name" and c.decided]
    assert kept, "the detector reads the real words too (Azerbaijanis), and a decision keeps each"
    assert all(len(c.decided.split()) >= 5 and "real word" in c.decided for c in kept)


def test_every_damaged_name_of_the_received_texts_is_corrected_or_decided():
    """The received texts, before the corrections: each damaged name the detector finds there is a
    `sic` of its text's corrections or a passage of its decisions."""
    for source in sorted(SOURCES.glob("*.txt")):
        lines = source.read_text(encoding="utf-8").splitlines()
        words = repeated_words(lines)
        found = {d.received for line in lines for d in damaged_names(line, words)}
        sics = {" ".join(c["sic"].split()) for c in _toml(DATA / "corrections" / source.name.replace(".txt", ".toml"))
                .get("correction", [])}
        decided = " ".join(k["passage"] for k in _toml(DATA / "decisions" / source.name.replace(".txt", ".toml"))
                           .get("kept", []) if k["detector"] == "damaged-name")
        assert {f for f in found if f not in sics and f not in decided} == set(), source.name
        if source.stem == MEDVEDEV:
            assert {"Russiain", "inRussian", "Buryat- Mongolia", "munist Academy", "All- Union"} <= found


def _toml(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def test_a_corrected_name_read_in_part_names_the_whole_place():
    """'Buryat- Mongolia' was read as the place Mongolia; corrected, it is Buryatia."""
    root = etree.parse(str(TEI_DIR / f"{MEDVEDEV}.xml")).getroot()
    choice = next(c for c in root.iter(tei("choice")) if c.findtext(tei("sic")) == "Buryat- Mongolia")
    assert choice.getparent().tag == tei("placeName")
    assert choice.getparent().get("ref") == "places.xml#buryatia"
    cut = next(c for c in root.iter(tei("choice")) if c.findtext(tei("sic")) == "munist Academy")
    assert cut.getparent().get("ref") == "orgs.xml#communist-academy"


# -- the detector sees each class, and no real word ----------------------------------

@pytest.mark.parametrize("text,case", [
    # medvedev line 978, as received
    ("industrial centers were created in former national districts of Russiain Central Asia",
     ("glued", "Russiain", "Russia")),
    ("in Kazakhstan, Tataria and Buryat- Mongolia. An increase occurred",
     ("split", "Buryat- Mongolia", "Buryat-Mongolia")),
    # medvedev line 1192
    ("predominantly students of a munist Academy and the Philosophy Institute",
     ("cut", "munist Academy", "Communist Academy")),
    # medvedev's contents, "18300508 Moscow ZNAMYA inRussian"
    ("Moscow ZNAMYA inRussian No 7", ("glued", "inRussian", "Russian")),
    ("a town on the Volga, Kras- noyarsk and Omsk", ("split", "Kras- noyarsk", "Krasnoyarsk")),
    ("the leaders of Central Asiaand Kazakhstan", ("glued", "Asiaand", "Central Asia")),
])
def test_the_detector_finds_a_damaged_name_of_each_class(text, case):
    assert case in received(text)


@pytest.mark.parametrize("text", [
    "the European parties and the Urals",  # Europe + an: a word made from the name
    "Sochineniya Stalina, vol. 5",  # a Russian genitive in a title
    "the discipline of our Party has weakened",  # "our" is a word the text uses, no piece of "Labour"
    "a well-known Social-Democratic Party leader",
])
def test_a_real_word_or_a_whole_name_is_no_damage(text):
    assert received(text, {"our"}) == []


def test_a_new_uncorrected_instance_fails_the_detector(tmp_path):
    path = tmp_path / "received-text.xml"  # a text with no decisions of its own
    path.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0" xml:id="medvedev"><teiHeader/><text><body>'
                    '<div xml:id="m.1"><p xml:id="m.1.p1">Tataria and Buryat- Mongolia grew.</p></div>'
                    '</body></text></TEI>', encoding="utf-8")
    report = detect(path)
    assert [(c.detector, c.where) for c in report.open_cases()] == [("damaged-name", "m.1.p1")]


def test_the_register_forms_of_every_kind_are_read():
    forms = register_forms()
    assert {"Buryat-Mongolia", "Communist Academy", "Kamenev"} <= forms.whole

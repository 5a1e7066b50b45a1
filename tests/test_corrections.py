"""Corrections as data: data/corrections/NAME.toml read by the corrections
stage into choice/sic/corr, on real passages of Medvedev's OCR'd text."""

from __future__ import annotations

import re

from pathlib import Path

import lxml.html
import pytest
from lxml import etree

from edition import DATA, SOURCE_LINE, SOURCES, tei
from edition.build import STAGES
from edition.corrections import correct, load_corrections, load_kept
from edition.fidelity import reading_words
from edition.fidelity import words as words_of
from edition.model import ConversionError
from edition.parse import parse
from edition.profile import profile_for
from edition.search import passage_text

MEDVEDEV = "medvedev-on-stalin-and-stalinism"
NS = {"t": "http://www.tei-c.org/ns/1.0"}

# Two paragraphs of Medvedev as the JPRS file prints them (source lines 129
# and 554): "Kameney" is the OCR's reading of Kamenev, twice.
PASSAGE = (
    "Already on 15 March, issue No. 9 of PRAVDA stated that Stalin, Kameney and Muranov were members "
    "of the editorial personnel.\n\n"
    "For a short time, Kameney was appointed to the post of people's commissar of foreign trade, "
    "and Stalin read the \"April Theses\" in PRAVDA.\n"
)


def corrections(doc_tei: etree._Element) -> list[tuple[str, str, str | None]]:
    return [(c.findtext("t:sic", namespaces=NS), c.findtext("t:corr", namespaces=NS),
             c.find("t:corr", NS).get("resp")) for c in doc_tei.iter(tei("choice"))
            if c.find("t:sic", NS) is not None]


@pytest.fixture()
def passage(tmp_path):
    """The passage converted by the real stages up to (not including) corrections."""
    def convert(text: str = PASSAGE):
        source = tmp_path / "medvedev-passage.txt"
        source.write_text(text, encoding="utf-8")
        doc = parse(source, profile_for(source))
        for name, stage in STAGES:
            if name == "corrections":
                break
            doc = stage(doc)
        return doc
    return convert


def write_corrections(directory: Path, body: str) -> Path:
    directory.mkdir(exist_ok=True)
    path = directory / "medvedev-passage.toml"
    path.write_text(body, encoding="utf-8")
    return path


# --- the built edition -------------------------------------------------------


def test_medvedev_kameney_is_encoded_as_sic_with_the_editors_correction(trees):
    found = corrections(trees[MEDVEDEV])
    assert found.count(("Kameney", "Kamenev", "#edition-editors")) == 4
    # the correction stands where the misreading stood: PRAVDA, 15 March 1917
    paragraph = next(p for p in trees[MEDVEDEV].iter(tei("p")) if "issue No. 9 of PRAVDA" in "".join(p.itertext()))
    assert paragraph.find(".//t:choice/t:sic", NS).text == "Kameney"


def test_a_name_with_an_ocr_form_keeps_its_persname_ref(trees):
    for sic, ref in (("Kameney", "persons.xml#kamenev-lb"), ("Medvedey", "persons.xml#medvedev-ra")):
        choices = [c for c in trees[MEDVEDEV].iter(tei("choice")) if c.findtext("t:sic", namespaces=NS) == sic]
        assert choices, sic
        for choice in choices:
            name = choice.getparent()
            assert name.tag == tei("persName") and name.get("ref") == ref


def test_a_word_the_ocr_split_with_a_tab_is_corrected_whole(trees):
    # contents page: "Attack on the Principal F\tarty and State Workers"
    choice = next(c for c in trees[MEDVEDEV].iter(tei("choice")) if c.findtext("t:corr", namespaces=NS) == "Party")
    assert choice.findtext("t:sic", namespaces=NS) == "F\tarty"


def test_other_texts_have_their_misprints_corrected(trees):
    assert ("Tblisi", "Tbilisi", "#edition-editors") in corrections(trees["furr-struggle-for-democratic-reform"])
    assert ("Kpupskaya", "Krupskaya", "#edition-editors") in corrections(trees["pavlova-mechanism-of-power"])
    assert ("Tupelov", "Tupolev", "#edition-editors") in corrections(trees["rogovin-bolsheviks-against-stalinism"])


def test_fidelity_reads_the_received_reading_and_loses_nothing(built, trees):
    for text_id, result in built.items():
        assert result.fidelity["lost"] == 0, (text_id, result.fidelity["lost_sample"])
    words = reading_words(trees[MEDVEDEV])
    # sic is the received text, counted; corr is the edition's, not
    assert words.count("kameney") == 4 and "medvedey" in words
    source = words_of((SOURCES / f"{MEDVEDEV}.txt").read_text(encoding="utf-8"))
    assert "interregations" in words and words.count("interrogations") == source.count("interrogations")


def test_every_curated_entry_matches_the_text_it_is_for(built):
    for path in sorted((DATA / "corrections").glob("*.toml")):
        result = built[path.stem]
        report = result.report["corrections"]
        assert report["entries"] == len(load_corrections(path)) and report["matched_nothing"] == 0, path.name
        assert not [w for w in result.warnings if "matched nothing" in w]
    assert built[MEDVEDEV].report["corrections"]["total"] >= 140


def test_search_indexes_the_corrected_reading(trees):
    paragraph = next(p for p in trees[MEDVEDEV].iter(tei("p")) if "issue No. 9 of PRAVDA" in "".join(p.itertext()))
    text, mentions = passage_text(paragraph)
    assert "Stalin, Kamenev and Muranov" in text and "Kameney" not in text
    assert any(m.entity == "kamenev-lb" and text[m.start:m.end] == "Kamenev" for m in mentions)


def test_reading_view_shows_the_correction_and_keeps_the_received_reading_for_the_toggle(built, tmp_path):
    from viewer.render import Renderer
    path = tmp_path / f"{MEDVEDEV}.xml"
    path.write_bytes(built[MEDVEDEV].tei)
    root = etree.fromstring(built[MEDVEDEV].tei)
    choice = next(c for c in root.iter(tei("choice")) if c.findtext("t:sic", namespaces=NS) == "Mershevik")
    division = next(a for a in choice.iterancestors(tei("div")))
    html = Renderer().render(path, view="section", section=division.get("{http://www.w3.org/XML/1998/namespace}id"),
                             pages=division.get("{http://www.w3.org/XML/1998/namespace}id"), **{"text-url": "/text/medvedev"})
    page = lxml.html.fragment_fromstring(html, create_parent="div")
    shown = [e for e in page.find_class("corr") if reading(e) == "Menshevik"]
    received = [e for e in page.find_class("sic") if reading(e) == "Mershevik"]
    # the edited reading is the one shown; the received one has the class the toggle reveals
    assert shown and "edited" in shown[0].get("class").split()
    assert received and "received" in received[0].get("class").split()


def reading(element) -> str:
    """The words a reader sees, without the viewer's own labels and markers (class "ui")."""
    copy = lxml.html.fromstring(lxml.html.tostring(element))
    for ui in copy.xpath('.//*[contains(concat(" ", @class, " "), " ui ")]'):
        ui.drop_tree()
    return copy.text_content()


# --- the stage on a real passage, with its own data ---------------------------


def test_a_correction_limited_to_a_source_line_leaves_the_same_form_elsewhere(passage, tmp_path):
    doc = passage()
    write_corrections(tmp_path / "corrections", '[[correction]]\nsic = "Kameney"\ncorr = "Kamenev"\nlines = [3]\n')
    correct(doc, tmp_path / "corrections")
    found = corrections(doc.tei)
    assert found == [("Kameney", "Kamenev", "#edition-editors")]
    choice = next(doc.tei.iter(tei("choice")))
    assert "For a short time" in "".join(next(choice.iterancestors(tei("p"))).itertext())
    assert next(choice.iterancestors(tei("p"))).get(SOURCE_LINE) == "3"


def test_a_correction_limited_by_context(passage, tmp_path):
    doc = passage()
    write_corrections(tmp_path / "corrections",
                      'correction = [{ sic = "Kameney", corr = "Kamenev", context = "Stalin, Kameney and" }]\n')
    correct(doc, tmp_path / "corrections")
    assert len(corrections(doc.tei)) == 1
    assert doc.report["corrections"]["by_entry"] == {"Kameney -> Kamenev (in \u201cStalin, Kameney and\u201d)": 1}


def test_a_lower_case_entry_also_reads_the_capitalised_word(passage, tmp_path):
    doc = passage(PASSAGE.replace("For a short time", "Tor a short time").replace("editorial", "tditorial"))
    write_corrections(tmp_path / "corrections", 'correction = [{ sic = "tor", corr = "for" }, '
                                                '{ sic = "tditorial", corr = "editorial" }]\n')
    correct(doc, tmp_path / "corrections")
    assert sorted(corrections(doc.tei)) == [("Tor", "For", "#edition-editors"),
                                            ("tditorial", "editorial", "#edition-editors")]


def test_an_entry_that_matches_nothing_warns(passage, tmp_path):
    doc = passage()
    write_corrections(tmp_path / "corrections", 'correction = [\n  { sic = "Kameney", corr = "Kamenev" },\n'
                                                '  { sic = "Zinovvev", corr = "Zinovyev" },\n]\n')
    correct(doc, tmp_path / "corrections")
    assert doc.report["corrections"]["matched_nothing"] == 1
    warning, = [w for w in doc.warnings if "matched nothing" in w]
    assert "medvedev-passage.toml:3" in warning and "Zinovvev -> Zinovyev" in warning


def test_a_text_without_a_corrections_file_is_left_alone(passage, tmp_path):
    doc = passage()
    correct(doc, tmp_path / "none")
    assert corrections(doc.tei) == [] and "total" not in doc.report["corrections"]


@pytest.mark.parametrize("body, says", [
    ('correction = [{ sic = "Kameney", corr = "Kamenev" }\n', "not valid TOML"),
    ('correction = [\n  { sic = "Kameney" },\n]\n', "correction entry 1: needs 'corr'"),
    ('correction = [{ sic = "Kameney", corr = "Kamenev", lines = "129" }]\n', "'lines' must be a list"),
    ('correction = [{ sic = "Kameney", corr = "Kamenev", context = "Zinoviev and" }]\n', "'context' must be"),
    ('correction = [{ sic = "Kameney", corr = "Kamenev", reason = "OCR" }]\n', "unknown key(s) reason"),
    ('correction = [{ sic = "Kameney", corr = "Kameney" }]\n', "sic and corr are the same"),
    ('corections = [{ sic = "Kameney", corr = "Kamenev" }]\n', "unknown key(s) corections"),
])
def test_a_bad_corrections_file_gives_a_clear_error_naming_the_file(passage, tmp_path, body, says):
    doc = passage()
    path = write_corrections(tmp_path / "corrections", body)
    with pytest.raises(ConversionError) as error:
        correct(doc, tmp_path / "corrections")
    assert str(path) in str(error.value) and says in str(error.value)


def test_a_bad_toml_error_points_at_the_line(tmp_path):
    path = write_corrections(tmp_path, 'correction = [\n  { sic = "Kameney", corr = "Kamenev" },\n  { sic = "x" corr = "y" },\n]\n')
    with pytest.raises(ConversionError) as error:
        load_corrections(path)
    assert error.value.line == 3


def test_a_line_limit_finds_a_name_that_stands_twice_in_one_paragraph(passage, tmp_path):
    # one paragraph over two source lines, the misread name on each; only the second is listed
    doc = passage(PASSAGE.replace(".\n\nFor a short time", ".\nFor a short time"))
    write_corrections(tmp_path / "corrections", 'correction = [{ sic = "Kameney", corr = "Kamenev", lines = [2] }]\n')
    correct(doc, tmp_path / "corrections")
    paragraph, = [p for p in doc.tei.iter(tei("p"))]
    received = [c.findtext("t:sic", namespaces=NS) for c in paragraph.iter(tei("choice"))]
    assert received == ["Kameney"]
    text = "".join(t for t in paragraph.itertext())
    assert text.index("Kameney") < text.index("For a short time")  # the first stays as printed
    assert text.index("KameneyKamenev") > text.index("For a short time")


# --- finding candidates --------------------------------------------------------


@pytest.fixture(scope="module")
def medvedev_candidates():
    from edition.corrections import ocr_candidates
    corpus = [p.read_text(encoding="utf-8") for p in sorted(SOURCES.glob("*.txt"))]
    text = (SOURCES / f"{MEDVEDEV}.txt").read_text(encoding="utf-8")
    return {c.form: c for c in ocr_candidates(text, corpus)}


def test_candidates_find_a_misread_name_by_its_frequent_neighbour(medvedev_candidates):
    kameney = medvedev_candidates["Kameney"]
    assert (kameney.suggestion, kameney.count) == ("Kamenev", 4) and kameney.suggestion_count > 80
    assert kameney.lines[0] == 129
    assert medvedev_candidates["naterials"].suggestion == "materials"


def test_candidates_find_two_words_run_together(medvedev_candidates):
    assert medvedev_candidates["knowthat"].suggestion == "know that"
    assert medvedev_candidates["knowthat"].kind == "two words run together"


def test_candidates_leave_english_words_and_frequent_names_alone(medvedev_candidates):
    for form in ("Kamenev", "Stalin", "arty", "materials", "NKVD"):
        assert form not in medvedev_candidates


def test_ocr_candidates_command_leaves_out_what_the_data_decided(capsys):
    from edition.cli import main
    assert main(["ocr-candidates", MEDVEDEV, "--limit", "2000"]) == 0
    out = capsys.readouterr().out
    kept = load_kept(DATA / "corrections" / f"{MEDVEDEV}.toml")
    assert "Raykov" in kept and " Raykov (" not in out  # examined and kept: not proposed again
    assert " Kameney (" not in out  # corrected
    assert out.startswith(f"{MEDVEDEV}: ")


def test_ocr_candidates_command_lists_the_register_variants_a_text_uses_and_how_each_was_decided(capsys):
    from edition.cli import main
    assert main(["ocr-candidates", "rogovin-bolsheviks-against-stalinism", "--limit", "0"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"register variants within two letters .*: \d+, 0 undecided", out)
    assert re.search(r"Tomskey -> Tomsky \(tomsky; .*\)  \[corrected in .*rogovin", out)
    assert re.search(r"Nicolaevsky -> Nikolaevsky .*\[kept in rogovin-bolsheviks-against-stalinism: Boris", out)


def test_ocr_candidates_command_refuses_an_unknown_text(capsys):
    from edition.cli import main
    assert main(["ocr-candidates", "medvedev"]) == 2
    assert "no such text: medvedev" in capsys.readouterr().err


def test_a_bad_kept_list_gives_a_clear_error(tmp_path):
    path = write_corrections(tmp_path, 'kept = [{ form = "Raykov", reason = "a naturalist" }]\n')
    with pytest.raises(ConversionError) as error:
        load_kept(path)
    assert str(path) in str(error.value) and "'kept' must be" in str(error.value)

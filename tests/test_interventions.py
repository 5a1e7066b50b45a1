"""Interventions: every interpolation by a translator, an author or the JPRS encoded and attributed."""

import pytest

from f1_helpers import NS, built, text_of, tree

FURR = "furr-struggle-for-democratic-reform"
GURDZHIYEV = "gurdzhiyev-for-the-motherland"
MEDVEDEV = "medvedev-on-stalin-and-stalinism"
PAVLOVA = "pavlova-mechanism-of-power"
ROGOVIN = "rogovin-bolsheviks-against-stalinism"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def inline_notes(root, type_):
    return [text_of(n) for n in root.xpath(f"//tei:note[@place='inline'][@type='{type_}']", namespaces=NS)]


@pytest.mark.parametrize("text_id", [FURR, GURDZHIYEV, MEDVEDEV, PAVLOVA, ROGOVIN])
def test_every_intervention_is_attributed_to_a_person_of_the_header(text_id):
    root = tree(text_id)
    ids = set(root.xpath("//tei:teiHeader//@xml:id", namespaces=NS))
    resps = root.xpath("//tei:text//@resp", namespaces=NS)
    assert resps
    assert {r.lstrip("#") for r in resps} <= ids


def test_furr_interpolations_signed_gf_are_the_authors():
    root = tree(FURR)
    notes = inline_notes(root, "authorial")
    assert "[various public archives -- GF]" in notes
    assert "[emphasis added, GF]" in notes
    assert "[the NKVD? The troika? -- GF]" in notes
    assert all(n.get("resp") == "#author"
               for n in root.xpath("//tei:note[@place='inline'][@type='authorial']", namespaces=NS))


def test_furr_transliterated_terms_in_italics_are_foreign():
    root = tree(FURR)
    terms = {text_of(f) for f in root.xpath("//tei:foreign", namespaces=NS)}
    assert {"nomenklatura", "perestroika", "lishentsy"} <= terms
    assert {f.get(XML_LANG) for f in root.xpath("//tei:foreign", namespaces=NS)} == {"ru-Latn"}
    # book titles in italics are not terms
    assert "Inoy" not in terms


def test_gurdzhiyev_gloss_in_parentheses():
    root = tree(GURDZHIYEV)
    term = root.xpath("//tei:term[. = 'druzhinniki' or .//text() = 'druzhinniki']", namespaces=NS)[0]
    assert term.get(XML_LANG) == "ru-Latn"
    gloss = term.getparent().xpath("tei:gloss", namespaces=NS)[0]
    assert text_of(gloss) == "public activists who helped the police" and gloss.get("resp") == "#author"


def test_medvedev_acronym_expansion_is_abbr_and_expan_by_the_translator():
    root = tree(MEDVEDEV)
    choice = root.xpath("//tei:choice[tei:abbr='RSDRP']", namespaces=NS)[0]
    expan = choice.find("{http://www.tei-c.org/ns/1.0}expan")
    assert expan.text == "Russian Social Democratic Workers Party" and expan.get("resp") == "#translator"
    assert root.xpath("//tei:choice[tei:abbr='NEP']/tei:expan/text()", namespaces=NS)[0] == "New Economic Policy"


def test_medvedev_title_translation_is_term_and_gloss():
    root = tree(MEDVEDEV)
    term = root.xpath("//tei:term[. = 'Ottseubiytsa']", namespaces=NS)[0]
    gloss = term.getparent().find("{http://www.tei-c.org/ns/1.0}gloss")
    assert gloss.text == "Patricide" and gloss.get("resp") == "#translator"


def test_medvedev_supplied_words_and_letters():
    root = tree(MEDVEDEV)
    supplied = root.xpath("//tei:supplied[@resp='#translator']", namespaces=NS)
    words = [s.text for s in supplied]
    assert words.count("Great") == 5  # "the [Great] Patriotic War"
    assert "olai" in words  # "Nik[olai] Skoblin"
    olai = supplied[words.index("olai")]
    before = olai.getprevious().tail if olai.getprevious() is not None else olai.getparent().text
    assert before.endswith("General Nik")
    assert "General Nikolai Skoblin" in text_of(olai.getparent())


def test_medvedev_translator_remarks_and_processing_marks():
    root = tree(MEDVEDEV)
    assert "[as published]" in inline_notes(root, "translator")
    assert "[translation unknown]" in inline_notes(root, "translator")
    assert "[Text]" in inline_notes(root, "processing")


def test_pavlova_own_remarks_signed_ip_but_not_other_ips():
    root = tree(PAVLOVA)
    notes = inline_notes(root, "authorial")
    assert "(emphasis mine - I.P.)" in notes
    assert "(Krupskaya - I.P.)" in notes
    assert built(PAVLOVA).report["interventions"]["note:authorial"] == len(notes) == 42
    # "I.P. Tovstukha", Stalin's assistant, is somebody else
    assert not any("Tovstukha" in n for n in notes)
    assert "Stalin instructed his assistant I.P. Tovstukha" in text_of(root.find("{http://www.tei-c.org/ns/1.0}text"))


def test_rogovin_translator_and_author_voices():
    root = tree(ROGOVIN)
    report = built(ROGOVIN).report["interventions"]
    assert report["author-signed (– V. R.)"] == 39  # with "–", "—" or "-", "V. R." or "V.R."
    assert report["translator-signed [– translator]"] == 2
    assert report["translator-signed endnote (translator)"] == 6
    assert "(actual leaders of the OGPU – V. R.)" in inline_notes(root, "authorial")
    translator = inline_notes(root, "translator")
    assert "[Lenin's younger sister – translator]" in translator
    # unsigned square brackets are the translator's, by his own statement
    assert "[The Technology of Power]" in translator
    # endnotes signed (translator) become the translator's notes
    signed = root.xpath("//tei:note[@type='translator'][not(@place='inline')]", namespaces=NS)
    assert len(signed) == 6 and all(n.get("resp") == "#translator" for n in signed)
    assert any(text_of(n).startswith("Syrtsov was shot on 10 September 1937") for n in signed)


def test_rogovin_facsimiles_and_old_style_dates_keep_their_brackets():
    root = tree(ROGOVIN)
    assert not root.xpath("//tei:figure[@type='facsimile']//tei:note[@place='inline']", namespaces=NS)
    translator = inline_notes(root, "translator")
    assert not any(n in ("[21]", "[4 April]") for n in translator)


def test_pavlova_remark_cut_by_a_page_break_is_one_note():
    root = tree(PAVLOVA)
    remark = root.xpath("//tei:note[@place='inline'][tei:pb]", namespaces=NS)
    assert [text_of(n) for n in remark] == ["(highlighted by me. - I.P.)"]
    assert remark[0].getparent().xpath("string(.)", namespaces=NS).find("depoliticize the national history") >= 0


def test_furr_unsigned_brackets_in_quotations_are_words_he_supplies():
    root = tree(FURR)
    supplied = root.xpath("//tei:supplied[@resp='#author']", namespaces=NS)
    words = [text_of(s) for s in supplied]  # names inside may be tagged by the entities stage
    # "When he [Beria] made his presentation", "". . . [T]oday Stalin might be numbered"
    assert "Beria" in words and "T" in words
    today = supplied[words.index("T")]
    assert "Today Stalin might be numbered" in text_of(today.getparent())
    assert "[Zhukov's emphasis]" in inline_notes(root, "authorial")


def test_rogovin_glossary_gives_the_russian_original():
    root = tree(ROGOVIN)
    originals = root.xpath("//tei:gloss[@type='original' or @xml:lang='ru']", namespaces=NS)
    assert "[исполком]" in [text_of(g) for g in originals]
    assert {g.get(XML_LANG) for g in originals} == {"ru"}

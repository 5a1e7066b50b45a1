"""Rogovin, Bolsheviks against Stalinism: front, fifty sibling chapters, back,
facsimiles as figures, captions moved out of the sentences they cut, glossary
and biographical notes as structured lists, nothing lost."""

import re

import pytest
from lxml import etree

from edition import SOURCES
from edition.clean import clean
from edition.parse import parse
from edition.profile import profile_for
from edition.structure import structure
from edition.validate import edition_relaxng

SOURCE = SOURCES / "rogovin-bolsheviks-against-stalinism.txt"
NS = {"tei": "http://www.tei-c.org/ns/1.0"}
CYRILLIC = re.compile(r"[\u0400-\u04FF]")
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@pytest.fixture(scope="module")
def result(built):
    return built[SOURCE.stem]  # converted once per session (conftest)


@pytest.fixture(scope="module")
def root(result):
    return etree.fromstring(result.tei)


@pytest.fixture(scope="module")
def structured():
    """The tree as the structure stage hands it on, before notes are linked."""
    return structure(clean(parse(SOURCE, profile_for(SOURCE)))).tei


def xp(node, path):
    return node.xpath(path, namespaces=NS)


def text_of(element):
    return " ".join("".join(element.itertext()).split())


def test_front_holds_title_page_about_edition_note_foreword_and_translator_notes(root):
    front = xp(root, "//tei:front")[0]
    assert [etree.QName(e).localname + ":" + (e.get("type") or "") for e in front] == [
        "titlePage:", "div:boilerplate", "div:about", "div:edition-note", "div:foreword", "div:translator-notes"]
    assert [text_of(h) for h in xp(front, "tei:div/tei:head")] == [
        "About the Author", "Foreword", "Notes from the Translator"]
    note = xp(front, "tei:div[@type='edition-note']/tei:p")[0]
    assert text_of(note).startswith("The Russian edition of Vadim Rogovin, Vlast' i oppozitsii, Moskva")
    assert text_of(xp(front, "tei:titlePage/tei:docAuthor")[0]) == "Vadim Z. Rogovin"


def test_body_is_introduction_fifty_chapters_and_conclusion_all_siblings(root):
    divisions = xp(root, "//tei:body/tei:div")
    assert [d.get("type") for d in divisions] == ["introduction"] + ["chapter"] * 50 + ["conclusion"]
    assert [d.get("n") for d in divisions[1:51]] == [str(n) for n in range(1, 51)]
    heads = [text_of(xp(d, "tei:head")[0]) for d in divisions]
    assert heads[0] == "Introduction" and heads[-1] == "Conclusion"
    assert heads[1] == "1. The Economic Crisis of 1927"
    assert heads[50] == "50. A Shift in Trotsky's Strategy"
    # no chapter nests inside another, whatever its markdown level
    assert not xp(root, "//tei:body/tei:div/tei:div")


def test_chapters_marked_with_two_hashes_are_siblings_of_those_with_one(root):
    # "## 2. The First Round of Emergency Measures" follows "# 1. ..."
    second = xp(root, "//tei:body/tei:div[@n='2']")[0]
    assert text_of(xp(second, "tei:head")[0]) == "2. The First Round of Emergency Measures"
    assert second.getparent().tag == f"{{{NS['tei']}}}body"


def test_chapter_eleven_second_title_line_is_a_subtitle_not_a_division(root):
    chapter = xp(root, "//tei:body/tei:div[@n='11']")[0]
    assert [text_of(h) for h in xp(chapter, "tei:head")] == [
        "11. Stalin against the “Trotskyists.”", "The “Trotskyists” against Stalin."]
    assert xp(chapter, "tei:head[2]/@type") == ["sub"]


def test_cyrillic_facsimile_headings_are_figure_text_in_russian_not_divisions(root):
    for head in xp(root, "//tei:div/tei:head"):
        assert not CYRILLIC.search(text_of(head)), text_of(head)
    for heading in ("Выписка из протокола №", "БЮЛЛЕТЕНЬ ОППОЗИЦИИ", "ИЗВЕСТИЯ ЦК КПСС",
                    "Трагедия немецкого пролетариата"):
        found = xp(root, f"//tei:figure[@type='facsimile']/tei:p[@xml:lang='ru'][normalize-space(.)='{heading}']")
        assert len(found) == 1, heading
    # the markdown heading marks went with the headings' status
    assert not xp(root, "//tei:figure/tei:p[starts-with(., '#')]")


def test_facsimile_of_the_ogpu_verdict_is_one_figure_with_its_caption(root):
    figure = xp(root, "//tei:figure[tei:p[starts-with(., 'Выписка из протокола')]]")[0]
    assert [text_of(h) for h in xp(figure, "tei:head")] == [
        "Transcript of the OGPU Collegium session on 3 November 1929, ordering Blumkin's execution. "
        "Signed by Menzhinsky, Yagoda and Trilisser."]
    assert figure.getparent().get("n") == "10"  # it closes chapter 10
    assert all(p.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru" for p in xp(figure, "tei:p"))


def test_portrait_after_a_facsimile_is_a_figure_of_its_own(root):
    # *Rakovsky's Letter to Valentinov* | *Khristian Georgievich Rakovsky*
    letter = xp(root, "//tei:figure[@type='facsimile'][tei:head[.=\"Rakovsky's Letter to Valentinov\"]]")[0]
    assert len(xp(letter, "tei:head")) == 1
    assert xp(letter, "tei:p[1]/@xml:lang") == ["ru"]
    portrait = letter.getnext()
    assert text_of(xp(portrait, "tei:head")[0]) == "Khristian Georgievich Rakovsky"
    # a caption that leaves a quotation open goes on in the next block
    pledge = xp(root, "//tei:figure[@type='facsimile'][tei:head[starts-with(., 'Nikolai Bukharin signs a pledge')]]")[0]
    assert [text_of(h) for h in xp(pledge, "tei:head")][1] == "N. Bukharin, 18 April 1928, Moscow.”"


def test_molotov_caption_is_moved_out_of_the_sentence_it_cut(root):
    # "The idea of collectivization in Stalin’s" | *Viacheslav Mikhailovich Molotov* (1890–1986) | "summary report, ..."
    paragraph = xp(root, "//tei:body/tei:div[@n='1']/tei:p[contains(., 'The idea of collectivization in Stalin')]")[0]
    assert "The idea of collectivization in Stalin’s summary report, in the reports by Rykov and Molotov" in text_of(paragraph)
    assert len(xp(paragraph, "tei:pb[@type='mended']")) == 3
    figure = paragraph.getnext()
    assert figure.tag == f"{{{NS['tei']}}}figure"
    assert text_of(xp(figure, "tei:head")[0]) == "Viacheslav Mikhailovich Molotov (1890–1986)"
    assert not xp(root, "//tei:p[contains(., 'Viacheslav Mikhailovich Molotov')]")


def test_every_portrait_caption_is_a_figure_not_a_paragraph(root):
    captions = [text_of(h) for h in xp(root, "//tei:body//tei:figure[not(@type)]/tei:head")]
    assert "Lev Borisovich Kamenev (1883–1936)" in captions
    assert "Nikolai Ivanovich Yezhov (1895–1940)" in captions
    assert len(captions) == 139
    for p in xp(root, "//tei:body//tei:p"):
        assert not re.fullmatch(r"[A-Z][\w .\[\]-]{3,60} \(\d{4}–\d{4}\)", text_of(p)), text_of(p)


def test_quotation_set_off_after_a_colon_is_a_block_quotation(root):
    # "In analyzing the reasons ... Trotsky wrote:" | "“Here, Stalin's art of maneuvers and combinations ..."
    lead_in = xp(root, "//tei:body/tei:div[@n='2']/tei:p[contains(., \"of Stalin's victory over the Left Opposition, Trotsky wrote:\")]")[0]
    quote = lead_in.getnext()
    assert etree.QName(quote).localname == "quote"
    assert text_of(quote).startswith("“Here, Stalin's art of maneuvers and combinations")
    # a paragraph after a colon that opens in the author's voice is not one
    assert not xp(root, "//tei:quote[starts-with(normalize-space(.), 'limitations in the differentiation')]")
    assert len(xp(root, "//tei:body//tei:quote[not(ancestor::tei:note)]")) >= 150


def test_glossary_is_a_gloss_list_of_labelled_terms(root):
    glossary = xp(root, "//tei:back/tei:div[@type='glossary']")[0]
    assert text_of(xp(glossary, "tei:head")[0]) == "Glossary of Abbreviations and Terms"
    gloss = xp(glossary, "tei:list[@type='gloss']")[0]
    labels = xp(gloss, "tei:label")
    assert len(labels) == len(xp(gloss, "tei:item")) == 55
    assert text_of(labels[0]) == "Artiel"
    gosplan = xp(gloss, "tei:label[.='Gosplan [Госплан]']/following-sibling::tei:item[1]")[0]
    assert text_of(gosplan) == "The State Planning Committee, responsible for economic planning in the USSR."


def test_glossary_entry_split_by_a_page_break_is_one_item(root):
    item = xp(root, "//tei:list[@type='gloss']/tei:label[starts-with(., 'Glavkontsesskom')]/following-sibling::tei:item[1]")[0]
    assert "Pyatakov became first chairman on 8 March 1923. Trotsky became chairman on 26 May 1925." in text_of(item)
    assert xp(item, "tei:pb[@type='mended']")


def test_cyrillic_in_the_english_text_is_marked_as_russian(root):
    def language_of(element):
        while element is not None:
            if element.get(XML_LANG):
                return element.get(XML_LANG)
            element = element.getparent()
        return None

    text = xp(root, "//tei:text")[0]
    cyrillic = [t for t in text.xpath(".//text()") if CYRILLIC.search(t)]
    assert len(cyrillic) > 300
    for node in cyrillic:
        holder = node.getparent() if node.is_text else node.getparent().getparent()
        assert language_of(holder) == "ru", node
    label = xp(root, "//tei:list[@type='gloss']/tei:label[starts-with(., 'БАМ')]")[0]
    assert xp(label, "tei:foreign[@xml:lang='ru']/text()")[0] == "БАМ"


def test_biographical_notes_are_93_entries_each_naming_its_person(root):
    entries = xp(root, "//tei:back/tei:div[@type='biographies']/tei:list[@type='biographies']/tei:item")
    assert len(entries) == 93
    names = [text_of(xp(e, "tei:persName[1]")[0]) for e in entries]
    assert names[0] == "AFINOGENOV, Aleksandr Nikolaevich"
    assert names[-1] == "ZINOVIEV, Grigory Evseevich"
    assert "DEBORIN [Ioffe], Abram Moiseevich" in names  # a "- " bullet in the source
    assert "BUTOV, Georgy Vasilievich" in names
    assert all(etree.QName(e[0]).localname == "persName" for e in entries)


def test_biographical_entry_continued_after_a_page_break_stays_one_entry(root):
    astrov = xp(root, "//tei:list[@type='biographies']/tei:item[tei:persName[starts-with(., 'ASTROV')]]")[0]
    assert "Finished IKP in 1926. 1924–1929, on editorial board of journal Bolshevik" in text_of(astrov)
    assert xp(astrov, "tei:pb[@type='mended']")


def test_party_congress_dates_are_three_labelled_lists(root):
    sections = xp(root, "//tei:back/tei:div[@type='chronology']/tei:div[@type='section']")
    assert [text_of(xp(s, "tei:head")[0]) for s in sections] == [
        "Party Congresses", "Party Conferences", "Congresses of the Third International (Comintern)"]
    assert [len(xp(s, "tei:list[@type='dates']/tei:label")) for s in sections] == [13, 4, 7]
    fifteenth = xp(sections[0], "tei:list/tei:label[.='Fifteenth Congress of the VKP(b)']/following-sibling::tei:item[1]")[0]
    assert text_of(fifteenth) == "2–19 December 1927"


def test_endnotes_of_chapter_three_stay_one_paragraph_per_note(structured):
    # In the source, notes 7-25 of chapter 3 stand one per line with no blank line between.
    chapter = xp(structured, "//tei:body/tei:div[@n='3']")[0]
    rule = xp(chapter, "tei:milestone")
    assert rule, "the rule before the notes is kept as a milestone"
    bodies = [text_of(p) for p in xp(rule[-1], "following-sibling::tei:p")]
    numbered = [b for b in bodies if re.match(r"(?:-\s*)?\[?\d+\.?\]?(?:\(#\))?\.?\s", b)]
    assert len(numbered) == len(bodies) == 25
    assert bodies[6].startswith("- [7.](#) Smerdiakov is one of the main characters")
    assert not xp(chapter, "tei:list")


def test_paragraph_cut_at_a_hyphen_before_a_capital_is_joined(root):
    # "...of Social-" | "Democracy. Trotsky replied..." (no space at a hyphen)
    p = xp(root, "//tei:body//tei:p[contains(., 'as a shift to the positions of Social-')]")[0]
    assert "positions of Social-Democracy. Trotsky replied" in text_of(p)
    assert xp(p, "tei:pb[@type='mended']")


def test_page_break_joins_are_counted(result):
    report = result.report["structure"]
    assert report["page_break_joins"] >= 200
    assert report["entry_joins"] >= 20


def test_no_source_word_is_lost(result):
    assert result.fidelity["lost"] == 0, result.fidelity["lost_sample"]


def test_header_carries_the_printed_book_and_its_russian_original(root):
    monogr = xp(root, "//tei:sourceDesc/tei:biblStruct/tei:monogr")[0]
    assert {(i.get("type"), i.get("subtype"), i.text) for i in xp(monogr, "tei:idno")} == {
        ("ISBN", "paperback", "9781893638815"), ("ISBN", "cloth", "9781893638822"),
        ("LCCN", "print", "2019022149"), ("LCCN", "ebook", "2019022406")}
    assert [text_of(e) for e in xp(monogr, "tei:imprint/*")] == ["Oak Park, Michigan", "Mehring Books", "2019"]
    series = xp(root, "//tei:sourceDesc/tei:biblStruct/tei:series")[0]
    assert text_of(xp(series, "tei:title")[0]) == "Was There an Alternative?"
    assert text_of(xp(series, "tei:biblScope[@unit='volume']")[0]) == "2"
    assert text_of(xp(root, "//tei:titleStmt/tei:respStmt/tei:persName[@xml:id='translator']")[0]) == "Frederick S. Choate"
    original = xp(root, "//tei:relatedItem[@type='original']//tei:monogr")[0]
    assert xp(original, "tei:title[@xml:lang='ru-Latn']/text()") == ["Vlast' i oppozitsii"]
    assert xp(original, "tei:imprint/tei:date/@when") == ["1993"]
    rights = xp(root, "//tei:availability/tei:p[@n='source-rights']")[0]
    assert "© 2019 Mehring Books. All rights reserved." in text_of(rights)
    assert xp(root, "//tei:langUsage/tei:language/@ident") == ["en", "ru", "ru-Latn", "fr"]


def test_text_is_valid_against_the_edition_schema(root):
    # the edition's RELAX NG is a subset of tei_all: valid here is valid TEI P5
    schema = edition_relaxng()
    assert schema.validate(root), [f"{e.line}: {e.message}" for e in schema.error_log][:5]

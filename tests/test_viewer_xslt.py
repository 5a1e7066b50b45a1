"""The stylesheets alone (Saxon through viewer.render): one template per
element, tried on passages from the sources encoded as the pipeline encodes
them. Each test renders one page of a one-division text."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from viewer.render import Renderer

TEI = 'xmlns="http://www.tei-c.org/ns/1.0"'


@pytest.fixture(scope="module")
def renderer():
    return Renderer()


def render(renderer: Renderer, tmp_path: Path, body: str) -> lxml.html.HtmlElement:
    path = tmp_path / "snippet.xml"
    path.write_text(f'<TEI {TEI} xml:id="pavlova"><teiHeader/><text><body><div xml:id="pavlova.1">'
                    f'<head>Chapter I</head>{body}</div></body></text></TEI>', encoding="utf-8")
    html = renderer.render(path, view="section", section="pavlova.1", pages="pavlova.1", **{"text-url": "/text/pavlova"})
    return lxml.html.fragment_fromstring(html, create_parent="div")


def test_abbreviation_shows_itself_and_keeps_its_expansion(renderer, tmp_path):
    page = render(renderer, tmp_path, '<p xml:id="pavlova.1.p1">the decree of the <choice><abbr>CC</abbr>'
                                      '<expan>Central Committee</expan></choice> of 1937</p>')
    assert page.find_class("expan")[0].text_content() == "Central Committee"
    assert page.find_class("abbr")[0].text_content() == "CC"


def test_regularised_spelling_keeps_the_original(renderer, tmp_path):
    page = render(renderer, tmp_path, '<p xml:id="pavlova.1.p1"><choice><orig>Krasnoiarsk</orig>'
                                      '<reg>Krasnoyarsk</reg></choice></p>')
    assert page.find_class("edited")[0].text_content() == "Krasnoyarsk"
    assert page.find_class("received")[0].text_content() == "Krasnoiarsk"


def test_numbered_page_break_is_shown_only_with_the_interventions(renderer, tmp_path):
    page = render(renderer, tmp_path, '<p xml:id="pavlova.1.p1">the Politburo<pb n="57"/> decided</p>')
    pb = page.find_class("pb")[0]
    assert pb.text_content() == "[p. 57]" and "ui" in pb.get("class").split()


def test_rendition_of_italic_bold_and_superscript(renderer, tmp_path):
    page = render(renderer, tmp_path, '<p xml:id="pavlova.1.p1"><hi rend="italic">Pravda</hi>, '
                                      '<hi rend="bold">secret</hi>, 20<hi rend="superscript">th</hi></p>')
    assert [e.tag for e in page.iter("i", "b", "sup")] == ["i", "b", "sup"]


def test_list_verse_table_and_block_quotation(renderer, tmp_path):
    page = render(renderer, tmp_path, """
      <list><item xml:id="pavlova.1.i1">the Orgburo</item><item xml:id="pavlova.1.i2">the Secretariat</item></list>
      <lg><l>Arise, ye workers from your slumbers</l><l>Arise, ye prisoners of want</l></lg>
      <table><row role="label"><cell>Year</cell><cell>Arrested</cell></row><row><cell>1937</cell><cell>936,750</cell></row></table>
      <quote><p>Declassification has already driven a stake into any version of the explanation.</p></quote>""")
    assert [li.get("id") for li in page.iter("li")] == ["pavlova.1.i1", "pavlova.1.i2"]
    assert len(page.find_class("l")) == 2
    assert [th.text for th in page.iter("th")] == ["Year", "Arrested"]
    assert page.find(".//blockquote/p") is not None


def test_a_second_reference_to_a_note_points_to_it(renderer, tmp_path):
    page = render(renderer, tmp_path, '<p xml:id="pavlova.1.p1">the Politburo<note n="4" xml:id="pavlova.n1-4" '
                                      'resp="#author" place="end">RGASPI, f. 17.</note> and again'
                                      '<ptr type="noteref" target="#pavlova.n1-4" n="4"/></p>')
    refs = page.find_class("note-ref")
    assert [r.get("href") for r in refs] == ["#pavlova.n1-4", "#pavlova.n1-4"]
    assert len(page.find_class("note-list")[0]) == 1


def test_external_link_and_internal_pointer(renderer, tmp_path):
    page = render(renderer, tmp_path, '<p xml:id="pavlova.1.p1">See <ref target="https://www.marxists.org/">the archive</ref> '
                                      'and <ref target="#pavlova.1.p1">above</ref>.</p>')
    hrefs = [a.get("href") for a in page.find_class("ref")]
    assert hrefs == ["https://www.marxists.org/", "/text/pavlova/at/pavlova.1.p1"]


def test_an_element_without_a_template_keeps_its_text(renderer, tmp_path):
    page = render(renderer, tmp_path, '<p xml:id="pavlova.1.p1">a <distinct>nomenklatura</distinct> post</p>')
    assert page.find_class("tei-distinct")[0].text_content() == "nomenklatura"


def test_editors_note_is_told_from_the_authors(renderer, tmp_path):
    page = render(renderer, tmp_path, '<p xml:id="pavlova.1.p1">text<note n="1" xml:id="pavlova.n1-1" resp="#author">A</note>'
                                      '<note xml:id="pavlova.1.p1.n1" type="editorial" resp="#edition-editors">B</note>'
                                      '<note n="2" xml:id="pavlova.n1-2" resp="#editor">C</note></p>')
    voices = [li.find_class("note-voice")[0].text_content() for li in page.find_class("note")]
    assert voices == ["author’s note", "note of this edition", "editor’s note"]


def test_translators_expansion_of_btsk_stands_beside_it_in_brackets(renderer, tmp_path):
    # Medvedev, chapter 1: "BTsK [Central Committee Buro]", the bracket the translator's
    page = render(renderer, tmp_path, '<p xml:id="pavlova.1.p1">a member of the <choice><abbr>BTsK</abbr>'
                                      '<expan resp="#translator"><orgName ref="orgs.xml#central-committee">Central Committee</orgName>'
                                      ' Buro</expan></choice>, but</p>')
    choice = page.find_class("abbr-expanded")[0]
    assert " ".join(choice.text_content().split()) == "BTsK [Central Committee Buro]"
    expansion = choice.find_class("expan")[0]
    assert "voice-translator" in expansion.get("class") and expansion.get("title") == "expanded by the translator"
    assert not choice.find_class("received"), "neither reading is hidden"
    assert [b.get("class") for b in choice.find_class("bracket")] == ["ui bracket", "ui bracket"]


def test_editors_expansion_is_the_edited_reading_and_the_abbreviation_the_received(renderer, tmp_path):
    page = render(renderer, tmp_path, '<p xml:id="pavlova.1.p1">the <choice><abbr>CC</abbr>'
                                      '<expan resp="#edition-editors">Central Committee</expan></choice></p>')
    assert page.find_class("edited")[0].text_content() == "Central Committee"
    assert page.find_class("received")[0].text_content() == "CC"


def test_furrs_words_supplied_in_a_quotation_keep_their_brackets(renderer, tmp_path):
    page = render(renderer, tmp_path, '<p xml:id="pavlova.1.p1">criticized <supplied resp="#author">the regional '
                                      'First Secretaries</supplied>, but at least</p>')
    supplied = page.find_class("supplied")[0]
    assert supplied.text_content() == "[the regional First Secretaries]"
    assert supplied.get("title") == "supplied by the author"
    # printed brackets, not the editors' markers the toggle reveals
    assert not supplied.find_class("marker") and len(supplied.find_class("bracket")) == 2


def test_furrs_gloss_keeps_its_brackets_and_its_language(renderer, tmp_path):
    page = render(renderer, tmp_path, '<p xml:id="pavlova.1.p1">the <gloss resp="#author" xml:lang="ru-Latn">'
                                      '[<hi rend="italic">perestroika</hi>]</gloss> of Party work</p>')
    gloss = page.find_class("gloss")[0]
    assert gloss.text_content().strip() == "[perestroika]" and gloss.get("lang") == "ru-Latn"
    assert gloss.get("title") == "gloss by the author"


def test_a_whole_name_is_one_link_and_its_parts_only_marked(renderer, tmp_path):
    """`USSR Gosplan` is one body's name holding the country's: the reader follows one link (a link
    cannot hold a link); a whole without an entry leaves its parts' links."""
    html = render(renderer, tmp_path, '<p>The <orgName ref="orgs.xml#gosplan"><placeName ref="places.xml#ussr">USSR'
                                      '</placeName> <orgName ref="orgs.xml#gosplan">Gosplan</orgName></orgName> and the'
                                      ' <orgName cert="low">Presidium of the <orgName ref="orgs.xml#ccc">CCC</orgName>'
                                      '</orgName> met.</p>')
    assert not html.xpath("//a//a")
    (whole,) = html.xpath("//a[contains(., 'USSR Gosplan')]")
    assert whole.get("data-entity") == "orgs/gosplan"
    assert [s.text for s in whole.xpath(".//span[contains(@class, 'name')]")] == ["USSR", "Gosplan"]
    (ccc,) = html.xpath("//span[contains(., 'Presidium')]//a")
    assert ccc.get("data-entity") == "orgs/ccc"

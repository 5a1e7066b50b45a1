"""Gurdzhiyev: reprinter's preface in front, 72 body paragraphs, the image credit as a figure."""

from f1_helpers import NS, built, text_of, tree

TEXT = "gurdzhiyev-for-the-motherland"


def test_reprinters_preface_stands_in_front_as_its_own_division():
    root = tree(TEXT)
    preface = root.xpath("//tei:front/tei:div[@type='preface']/tei:p", namespaces=NS)
    assert len(preface) == 1
    assert text_of(preface[0]).startswith("This publication is reprinted from The Red Phoenix.")
    assert not root.xpath("//tei:body//tei:p[starts-with(., 'This publication is reprinted')]", namespaces=NS)


def test_title_page_carries_title_subtitle_and_byline():
    root = tree(TEXT)
    page = root.xpath("//tei:front/tei:titlePage", namespaces=NS)[0]
    assert text_of(page.xpath("tei:docTitle/tei:titlePart[@type='main']", namespaces=NS)[0]) == "“For the Motherland! For Stalin!”:"
    assert text_of(page.xpath("tei:docTitle/tei:titlePart[@type='sub']", namespaces=NS)[0]) == "A History of Protests Against Revisionism in the USSR"
    assert text_of(page.xpath("tei:byline", namespaces=NS)[0]) == "By Lavrentiy Gurdzhiyev"


def test_image_credit_is_a_figure_not_a_paragraph():
    root = tree(TEXT)
    figure = root.xpath("//tei:front/tei:figure/tei:head", namespaces=NS)
    assert [text_of(h) for h in figure] == ["XX CONGRESS in USSR, 1956, copyright KEYSTONE-FRANCE. Used under fair use."]
    assert not root.xpath("//tei:p[contains(., 'KEYSTONE-FRANCE')]", namespaces=NS)


def test_body_has_72_paragraphs_after_nine_page_break_joins():
    root = tree(TEXT)
    paragraphs = root.xpath("//tei:body/tei:p | //tei:body/tei:quote", namespaces=NS)
    assert len(paragraphs) == 72
    assert built(TEXT).report["structure"]["page_break_joins"] == 9


def test_paragraph_cut_after_of_continues_with_a_capitalised_name():
    # "But then with the accession of" | "Khrushchev, lies, concealment..."
    root = tree(TEXT)
    p = root.xpath("//tei:body/tei:p[contains(., 'But then with the accession of')]", namespaces=NS)[0]
    assert p.xpath("tei:pb[@type='mended']", namespaces=NS)
    assert "with the accession of Khrushchev, lies, concealment of the truth" in text_of(p)


def test_prosecutors_report_after_colon_is_a_block_quotation():
    root = tree(TEXT)
    quote = root.xpath("//tei:body/tei:quote", namespaces=NS)
    assert len(quote) == 1
    assert text_of(quote[0]).startswith("In the city of Sumgait, it was not the first time that a portrait of Stalin")
    # "one can safely say:" introduces the author's own conclusion
    assert root.xpath("//tei:body/tei:p[starts-with(., 'During the Stalin era, it was almost impossible')]", namespaces=NS)

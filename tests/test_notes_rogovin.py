"""Rogovin's endnotes: about 900 references, numbering restarting per chapter, the known faults kept."""

import re

from f1_helpers import NS, built, text_of, tree

TEXT = "rogovin-bolsheviks-against-stalinism"
TEI = "{http://www.tei-c.org/ns/1.0}"


def chapter(root, title_start):
    return root.xpath(f"//tei:div[tei:head[starts-with(normalize-space(.), '{title_start}')]]", namespaces=NS)[0]


def notes_in(div, n):
    return div.xpath(f".//tei:note[@type='authorial' or @type='translator'][@n='{n}']", namespaces=NS)


def test_rogovin_900_references_897_bodies_restarting_per_chapter():
    report = built(TEXT).report["notes"]
    assert (report["references"], report["bodies"], report["linked"]) == (900, 897, 897)
    assert (report["without_body"], report["duplicates"], report["misnumbered"]) == (1, 2, 1)
    root = tree(TEXT)
    one = chapter(root, "1. The Economic Crisis of 1927")
    assert sorted(int(n.get("n")) for n in one.xpath(".//tei:note[@type='authorial'][not(@place='inline')]", namespaces=NS)
                  if n.getparent().tag != TEI + "div")[:3] == [1, 2, 3]
    assert text_of(notes_in(one, 2)[0]).startswith("Pravda, 17 November 1927.")


def test_rogovin_chapter_6_prints_reference_22_twice():
    root = tree(TEXT)
    six = chapter(root, "6. Bukharin")
    assert len(notes_in(six, 22)) == 1
    ptr = six.xpath(".//tei:ptr[@type='noteref'][@n='22']", namespaces=NS)
    assert len(ptr) == 1
    comment = ptr[0].getnext()
    assert comment.get("type") == "editorial" and "twice" in text_of(comment)


def test_rogovin_chapter_18_duplicated_paragraph_keeps_its_reference():
    root = tree(TEXT)
    eighteen = chapter(root, "18. The Sixteenth Congress")
    repeated = eighteen.xpath(".//tei:p[starts-with(normalize-space(.), 'Our party and the working class')"
                              " or starts-with(normalize-space(.), '“Our party and the working class')]",
                              namespaces=NS)
    assert len(repeated) == 2  # kept as the source has it
    assert repeated[0].xpath(".//tei:note[@n='22']", namespaces=NS)
    second = repeated[1].xpath(".//tei:ptr[@n='22']", namespaces=NS)
    assert second and "duplicated paragraph" in text_of(second[0].getnext())


def test_rogovin_chapter_21_body_misnumbered_2_is_note_9():
    root = tree(TEXT)
    twenty_one = chapter(root, "21. The Social and Class Meaning")
    note_9 = notes_in(twenty_one, 9)[0]
    assert text_of(note_9).startswith("I. V. Stalin, Sochineniia, vol. 7, pp. 375–376")
    comment = note_9.xpath("tei:note[@type='editorial']", namespaces=NS)[0]
    assert "numbers this note 2" in text_of(comment)
    assert text_of(note_9.getparent()).find("Fourteenth Party Congress") >= 0


def test_rogovin_chapter_30_reference_20_has_no_body():
    root = tree(TEXT)
    thirty = chapter(root, "30. The Alternative of the Left Opposition in 1932")
    note_20 = notes_in(thirty, 20)[0]
    assert note_20.get("subtype") == "body-missing"
    assert note_20.xpath("tei:gap/@reason", namespaces=NS) == ["body-missing"]
    assert "no note 20" in text_of(note_20.getnext())


def test_rogovin_two_notes_at_one_point():
    root = tree(TEXT)
    pair = root.xpath("//tei:seg[@type='note-references'][tei:note[@n='7'] and tei:note[@n='8']]", namespaces=NS)
    assert len(pair) == 1
    assert text_of(pair[0].getparent()).find("a period of defending the peasantry.") >= 0


def test_rogovin_heading_note_finds_its_body_230_lines_later():
    root = tree(TEXT)
    head = root.xpath("//tei:head[starts-with(normalize-space(.), 'Selected Biographical Notes')]",
                      namespaces=NS)[0]
    note = head.find(TEI + "note")
    assert note.get("n") == "1"
    assert text_of(note).startswith("The information in these notes comes from a variety of sources.")


def test_rogovin_facsimile_markers_belong_to_the_facsimile():
    root = tree(TEXT)
    facsimile_sup = root.xpath("//tei:figure[@type='facsimile']//tei:hi[@rend='superscript']", namespaces=NS)
    assert [h.text for h in facsimile_sup][:2] == ["1", "2"]
    assert not root.xpath("//tei:figure[@type='facsimile']//tei:note[@type='authorial'][not(@place='inline')]", namespaces=NS)
    assert built(TEXT).report["notes"]["markers_left_in_facsimiles"] == 2


def test_rogovin_no_reference_or_body_left_as_text():
    root = tree(TEXT)
    reading = root.find(TEI + "text")
    for hi in reading.iter(TEI + "hi"):
        if hi.get("rend") == "superscript" and re.fullmatch(r"[\d, .]+", hi.text or ""):
            assert any(a.tag == TEI + "figure" for a in hi.iterancestors()), text_of(hi.getparent())[:80]
    # a body is never a loose paragraph: none of the body shapes opens a paragraph outside a note
    body_shape = re.compile(r"^(\d+\.\s+(\*|Ibid|See|Cited|[A-Z]\. [A-Z]))")
    loose = [text_of(p)[:60] for p in reading.iter(TEI + "p")
             if body_shape.match(text_of(p)) and not any(a.tag in (TEI + "note", TEI + "figure")
                                                          for a in p.iterancestors())]
    assert loose == []


def test_rogovin_old_style_dates_in_brackets_are_not_notes():
    root = tree(TEXT)
    # "ANTONOV-OVSEENKO, Vladimir Aleksandrovich (9 [21] March 1883"
    entry = root.xpath("//*[starts-with(normalize-space(.), 'ANTONOV-OVSEENKO')]", namespaces=NS)[0]
    assert "(9 [21] March 1883" in text_of(entry)

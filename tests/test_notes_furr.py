"""Furr's notes: numbering restarts with each part; bodies at the end of each part."""

from f1_helpers import NS, built, text_of, tree

TEXT = "furr-struggle-for-democratic-reform"


def notes_of(root, xpath="//tei:note[@type='authorial'][not(@place='inline')]"):
    return root.xpath(xpath, namespaces=NS)


def part(root, n):
    return root.xpath(f"//tei:body/tei:div[@type='part'][{n}]", namespaces=NS)[0]


def test_furr_has_42_references_and_41_bodies():
    report = built(TEXT).report["notes"]
    assert (report["references"], report["bodies"], report["linked"]) == (42, 41, 41)
    assert report["unanchored"] == report["without_body"] == 0


def test_furr_part_two_note_4_is_referenced_twice():
    root = tree(TEXT)
    two = part(root, 2)
    note_4 = two.xpath(".//tei:note[@n='4'][@type='authorial']", namespaces=NS)
    assert len(note_4) == 1
    assert text_of(note_4[0]).startswith("According to Zhores Medvedev, Stalin's personal archive")
    # the second reference points at the one note and says why
    ptr = two.xpath(".//tei:ptr[@type='noteref']", namespaces=NS)
    assert [p.get("target") for p in ptr] == ["#" + note_4[0].get("{http://www.w3.org/XML/1998/namespace}id")]
    comment = ptr[0].getparent().xpath("tei:note[@type='editorial']", namespaces=NS)
    assert comment and comment[0].get("resp") == "#edition-editors"
    # the two references stand in two different paragraphs of the part
    assert text_of(note_4[0].getparent()).find("ranscript of this Plenum.") >= 0
    assert "for both government and party." in text_of(ptr[0].getparent().getparent())


def test_furr_numbering_restarts_in_part_two():
    root = tree(TEXT)
    one, two = (sorted(int(n.get("n")) for n in notes_of(part(root, i), ".//tei:note[@type='authorial'][not(@place='inline')]"))
                for i in (1, 2))
    assert one == list(range(1, 27))
    assert two == list(range(1, 16))


def test_furr_marker_inside_heading_becomes_a_note_in_the_head():
    root = tree(TEXT)
    head = root.xpath("//tei:head[starts-with(., 'Lavrentii Beria')]", namespaces=NS)[0]
    note = head.find("{http://www.tei-c.org/ns/1.0}note")
    # the heading's words stand before the note (names may be tagged by the entities stage)
    assert text_of(head).startswith("Lavrentii BeriaI have drawn")
    assert note.get("n") == "10" and note.get("place") == "end"
    assert text_of(note).startswith("I have drawn on the longer treatments of Beria's reforms")
    assert "[10]" not in text_of(head) and "(#)" not in text_of(head)


def test_furr_body_continues_over_the_following_paragraphs():
    root = tree(TEXT)
    note_11 = part(root, 1).xpath(".//tei:note[@n='11'][@type='authorial']", namespaces=NS)[0]
    paragraphs = note_11.xpath("tei:p", namespaces=NS)
    assert len(paragraphs) == 3
    assert text_of(paragraphs[0]).startswith("This is not widely known")
    assert text_of(paragraphs[1]).startswith("Many of the people whom he picked as his closest associates")
    assert text_of(paragraphs[2]).startswith("In 1924 Lavrenty Beria")


def test_furr_body_glued_to_the_one_before_by_a_page_join_is_cut_off_again():
    root = tree(TEXT)
    one = part(root, 1)
    note_25 = one.xpath(".//tei:note[@n='25'][@type='authorial']", namespaces=NS)[0]
    note_26 = one.xpath(".//tei:note[@n='26'][@type='authorial']", namespaces=NS)[0]
    assert "Thurston has the best discussion" not in text_of(note_25)
    assert text_of(note_26) == "Thurston has the best discussion in English of this in Life and Terror 128 ff."


def test_furr_superscript_reference_after_a_space_is_linked():
    # "September 23, 1938 ²² and in November" (part one)
    root = tree(TEXT)
    note_22 = part(root, 1).xpath(".//tei:note[@n='22'][@type='authorial']", namespaces=NS)[0]
    assert text_of(note_22).startswith("His resignation was not formally accepted until November 25, 1938")
    assert note_22.getparent().xpath("string(.)", namespaces=NS).count("²²") == 0


def test_furr_no_reference_digit_and_no_body_left_as_text():
    root = tree(TEXT)
    reading = root.find("{http://www.tei-c.org/ns/1.0}text")
    for element in reading.iter("{http://www.tei-c.org/ns/1.0}p", "{http://www.tei-c.org/ns/1.0}head"):
        own = (element.text or "") + "".join(c.tail or "" for c in element)
        assert not any(ch in own for ch in "⁰¹²³⁴⁵⁶⁷⁸⁹"), text_of(element)[:80]
    assert not root.xpath("//tei:div[tei:head='Notes']", namespaces=NS)
    # every note body paragraph sits inside its note
    assert not root.xpath("//tei:body//tei:p[starts-with(., '[9](#)') or starts-with(., '26 Thurston')]",
                          namespaces=NS)

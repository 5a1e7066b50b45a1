"""Pavlova: about 600 note markers in five shapes; the bodies were never transmitted."""

from f1_helpers import NS, built, text_of, tree

TEXT = "pavlova-mechanism-of-power"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"


def note(root, n, type_="authorial"):
    found = root.xpath(f"//tei:note[@type='{type_}'][not(@place='inline')][@n='{n}']", namespaces=NS)
    assert len(found) == 1, (n, len(found))
    return found[0]


def per_section(note_element):
    return note_element.xpath("string(tei:num[@type='per-section'])", namespaces=NS)


def before(note_element):
    previous = note_element.getprevious()
    return (previous.tail if previous is not None else note_element.getparent().text) or ""


def test_pavlova_every_marker_is_a_note_recording_its_missing_text():
    report = built(TEXT).report["notes"]
    assert report["references"] == 601 and report["bodies"] == 0
    assert report["bodies_absent_from_source"] == 601
    root = tree(TEXT)
    notes = root.xpath("//tei:note[@type='authorial'][not(@place='inline')]", namespaces=NS)
    assert len(notes) == 598
    assert all(n.xpath("tei:gap/@reason", namespaces=NS) == ["not-in-source"] for n in notes)
    # the running number is the note's identity: each occurs once, none beyond the book's 676
    numbers = [int(n.get("n")) for n in notes]
    assert len(set(numbers)) == len(numbers) and max(numbers) == 676
    assert len({n.get(XML_ID) for n in notes}) == 598


def test_pavlova_running_number_and_number_within_section():
    root = tree(TEXT)
    # 'turns into waving ~~hands~~"[175]4.'
    assert per_section(note(root, 175)) == "4"
    # '"[201]30. Not only'
    assert per_section(note(root, 201)) == "30"
    # a bare marker '[5]' has no number within its section
    assert per_section(note(root, 2)) == ""


def test_pavlova_caret_and_superscript_shape():
    root = tree(TEXT)
    # 'of [the Central Committee](#)^[269]⁹⁸. Thi'
    n269 = note(root, 269)
    assert per_section(n269) == "98"
    assert n269.tail.startswith(". Thi")


def test_pavlova_marker_inside_link_residue_keeps_the_linked_word():
    root = tree(TEXT)
    # '[press\\[227\\]56](#)': the word stays, the marker becomes note 227 (56 in its section)
    n227 = note(root, 227)
    assert per_section(n227) == "56"
    assert before(n227).endswith("press")
    # '[liters](#)[\\[381\\]](#)[30](#)': running number and section number in two links
    n381 = note(root, 381)
    assert per_section(n381) == "30"
    assert n381.tail.startswith(". But how importa")


def test_pavlova_comment_markers_are_a_series_of_their_own():
    root = tree(TEXT)
    comments = root.xpath("//tei:note[@type='comment']", namespaces=NS)
    assert [c.get("n") for c in comments] == ["1", "2", "3"]
    assert before(comments[0]).endswith("a Russified Georgian-Asian ")
    assert all(c.get(XML_ID).startswith("pavlova.nc-") for c in comments)


def test_pavlova_note_link_index_is_not_reading_text():
    root = tree(TEXT)
    reading = text_of(root.find("{http://www.tei-c.org/ns/1.0}text"))
    assert "[notes 1]" not in reading and "comments 1" not in reading
    assert "[1379]" not in reading


def test_pavlova_no_marker_left_as_text():
    root = tree(TEXT)
    text = root.find("{http://www.tei-c.org/ns/1.0}text")
    import re
    shapes = re.compile(r"\\?\[\d+\\?\]|\{\d+\}|\^\[")
    for element in text.iter():
        if not isinstance(element.tag, str):
            continue
        for piece in (element.text, element.tail):
            assert not shapes.search(piece or ""), piece

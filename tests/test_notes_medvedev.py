"""Medvedev's footnotes: five Footnotes blocks, few surviving references, the rest unanchored."""

from lxml import etree

from f1_helpers import NS, built, text_of, tree

TEXT = "medvedev-on-stalin-and-stalinism"
TEI = "{http://www.tei-c.org/ns/1.0}"


def as_printed(element) -> str:
    """The words as the source prints them: an edition's correction (choice/corr) set aside."""
    copy = etree.fromstring(etree.tostring(element))
    for corr in copy.iter(TEI + "corr"):
        corr.getparent().remove(corr)
    return text_of(copy)


def authorial(root):
    return root.xpath("//tei:note[@type='authorial'][not(@place='inline')][not(@place='inline')]", namespaces=NS)


def test_medvedev_35_bodies_18_references_17_unanchored():
    report = built(TEXT).report["notes"]
    assert (report["bodies"], report["references"], report["linked"], report["unanchored"]) == (35, 18, 18, 17)
    assert report["inferred_references"] == 3
    assert report["without_body"] == 0 and report["scopes"] == 5


def test_medvedev_unanchored_bodies_stay_at_the_end_of_their_essay_flagged():
    root = tree(TEXT)
    unanchored = root.xpath("//tei:note[@subtype='unanchored']", namespaces=NS)
    assert len(unanchored) == 17
    # never attached to a guessed place: they stand in the Footnotes division, not in a paragraph
    assert all(n.getparent().tag == TEI + "div" for n in unanchored)
    assert {text_of(n.getparent().find(TEI + "head")) for n in unanchored} == {"Footnotes"}
    assert text_of(unanchored[0]) == "Ibid., Vol 49, p 101."


def test_medvedev_glued_digit_references_are_linked():
    root = tree(TEXT)
    # 'materials."1' and 'Committee.4 His'
    first = root.xpath("//tei:note[@n='1'][@type='authorial'][not(@place='inline')][not(@subtype)]", namespaces=NS)[0]
    before = first.getprevious().tail if first.getprevious() is not None else first.getparent().text
    assert before.endswith('all the Austrian and other materials."')
    # "PSS [Complete Collected Works]" is the translator's expansion (choice/abbr/expan)
    assert first.xpath("string(.//tei:abbr)", namespaces=NS) == "PSS"
    assert text_of(first).endswith("Vol 48, p 162.")
    note_4 = root.xpath("//tei:note[@n='4'][@type='authorial'][not(@place='inline')][not(@subtype)]", namespaces=NS)
    assert len(note_4) == 1
    assert note_4[0].tail.startswith(" His older s")
    assert text_of(note_4[0]).startswith("A decision was made in December of 1922")


def test_medvedev_stranded_continuation_belongs_to_note_12():
    root = tree(TEXT)
    note_12 = root.xpath("//tei:note[@n='12'][@type='authorial'][not(@place='inline')][.//text()[contains(., 'Vol 45, p 330')]]",
                         namespaces=NS)[0]
    paragraphs = note_12.xpath("tei:p", namespaces=NS)
    assert text_of(paragraphs[1]).startswith("This letter, like the letters to Trotsky, in no way means")
    # the reference printed as ¹¹² is read as 12, and the reading is said
    comment = note_12.getnext()
    assert comment.get("type") == "editorial" and "¹¹²" in text_of(comment)


def test_medvedev_unnumbered_body_gets_its_number_from_its_place_with_lower_certainty():
    root = tree(TEXT)
    kulaks = root.xpath("//tei:note[@type='authorial'][not(@place='inline')][starts-with(normalize-space(.), 'The kulaks included')]",
                        namespaces=NS)[0]
    assert kulaks.get("n") == "2" and kulaks.get("cert") == "medium"
    assert kulaks.get("subtype") is None  # its reference survives: "aerable land.²"
    assert as_printed(kulaks.getparent()).find("possessed 40 percent of the aerable land.") >= 0
    oblast = root.xpath("//tei:note[@type='authorial'][not(@place='inline')][starts-with(normalize-space(.), 'In 1936-1937 the territory')]",
                        namespaces=NS)[0]
    assert (oblast.get("n"), oblast.get("subtype"), oblast.get("cert")) == ("5", "unanchored", "medium")


def test_medvedev_numbered_list_in_the_text_is_not_a_note_block():
    root = tree(TEXT)
    claim = root.xpath("//*[starts-with(normalize-space(.), '2. One old Bolshevik claimed')]"
                       " | //*[starts-with(normalize-space(.), 'One old Bolshevik claimed')]", namespaces=NS)
    assert claim, "the list item is in the text"
    assert not any(a.tag == TEI + "note" for c in claim for a in c.iterancestors())


def test_medvedev_no_ordinary_number_turned_into_a_note():
    root = tree(TEXT)
    # weak references count only where a body with that number exists
    assert not root.xpath("//tei:note[@type='authorial'][not(@place='inline')][tei:gap]", namespaces=NS)
    assert len(authorial(root)) == 35
    # "COPYRIGHT: Izdatelstvo..." after the last block is not a body
    assert not root.xpath("//tei:note[starts-with(normalize-space(.), 'COPYRIGHT')]", namespaces=NS)


def test_medvedev_bare_number_after_a_closing_quotation_is_read_as_its_reference_with_medium_cert():
    root = tree(TEXT)
    inferred = root.xpath("//tei:note[@type='authorial'][not(@place='inline')][@cert='medium'][not(@subtype)]"
                          "[not(starts-with(normalize-space(.), 'The kulaks'))]", namespaces=NS)
    # 'truly great-Russian nationalistic campaign." 10' (line 315), Lenin on autonomisation, Vol 45
    by_context = {(n.getprevious().tail if n.getprevious() is not None else n.getparent().text or "")[-40:]: n
                  for n in inferred}
    campaign = next(n for c, n in by_context.items() if c.endswith('great-Russian nationalistic campaign."'))
    assert (campaign.get("n"), text_of(campaign.find(TEI + "p"))) == ("10", "Ibid., Vol 45, pp 360-361.")
    # 'cast off all this rubbish of a state system." 10' (line 3051), Engels, Works Vol 22
    state = next(n for c, n in by_context.items() if c.endswith('rubbish of a state system."'))
    assert text_of(state.find(TEI + "p")) == "K. Marx and F. Engels, op. cit., Vol 22, p 201."
    assert next(n for c, n in by_context.items() if c.endswith('the cause of many tragedies."')).get("n") == "12"
    assert len(inferred) == 3
    # each reading is said in an editorial note inside the note
    for note in inferred:
        remark = note.find(TEI + "note")
        assert remark.get("type") == "editorial" and "bare number" in text_of(remark)


def test_medvedev_bare_numbers_that_are_not_references_stay_numbers():
    root = tree(TEXT)
    body = as_printed(root.find(TEI + "text"))
    # a date closing Lenin's letter and a figure in the text are not notes
    assert "With respect, Lenin. 6 March 1923." in body
    assert "possessed 40 percent of the aerable land." in body

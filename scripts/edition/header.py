"""Stage 10, header: the teiHeader, built from the profile's bibliographic facts.

Everything said in the header comes from the profile (facts of the source)
or from data/edition.toml (facts of this edition); nothing is guessed. Where
a source does not say something (Furr's journal), the profile says so and
the header states it rather than inventing it.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache

from lxml import etree

from . import DATA, XML_ID, XML_LANG, tei
from .model import Document

LANGUAGE_NAMES = {
    "en": "English",
    "ru": "Russian",
    "ru-Latn": "Russian in Latin transliteration",
    "de": "German",
    "fr": "French",
    "la": "Latin",
    "ka": "Georgian",
    "uk": "Ukrainian",
}


@lru_cache(maxsize=1)
def edition_facts() -> dict:
    return tomllib.loads((DATA / "edition.toml").read_text(encoding="utf-8"))


def E(tag: str, text: str | None = None, /, **attrs) -> etree._Element:
    names = {"xml__id": XML_ID, "xml__lang": XML_LANG}
    element = etree.Element(tei(tag), {names.get(k, k): v for k, v in attrs.items() if v})
    if text:
        element.text = text
    return element


def sub(parent: etree._Element, tag: str, text: str | None = None, /, **attrs) -> etree._Element:
    element = E(tag, text, **attrs)
    parent.append(element)
    return element


def add_header(doc: Document) -> Document:
    header = build_header(doc)
    doc.tei.insert(0, header)
    doc.tei.set(XML_LANG, "en")
    doc.tei.set(XML_ID, doc.profile.key)
    return doc


def build_header(doc: Document) -> etree._Element:
    bibl = doc.profile.table("bibl")
    header = E("teiHeader")
    file_desc = sub(header, "fileDesc")
    file_desc.append(title_stmt(doc, bibl))
    file_desc.append(edition_stmt())
    file_desc.append(publication_stmt(doc, bibl))
    notes = doc.profile.table("edition").get("notes_stmt", [])
    if notes:
        notes_stmt = sub(file_desc, "notesStmt")
        for text in notes:
            sub(notes_stmt, "note", text)
    source_desc = sub(file_desc, "sourceDesc")
    source_desc.append(source_bibl(doc, bibl))
    header.append(encoding_desc(doc))
    header.append(profile_desc(doc))
    header.append(revision_desc(doc))
    return header


def _person(person: dict, with_id: bool = True) -> etree._Element:
    tag = "orgName" if person.get("org") else "persName"
    el = E(tag, xml__id=person.get("id") if with_id else None, ref=person.get("ref"))
    if person.get("forename") and person.get("surname"):
        sub(el, "forename", person["forename"])
        el[-1].tail = " "
        sub(el, "surname", person["surname"])
    else:
        el.text = person["name"]
    return el


def title_stmt(doc: Document, bibl: dict) -> etree._Element:
    stmt = E("titleStmt")
    sub(stmt, "title", bibl.get("title", doc.id), type="main")
    if bibl.get("subtitle"):
        sub(stmt, "title", bibl["subtitle"], type="sub")
    for author in bibl.get("authors", []):
        sub(stmt, "author").append(_person(author))
    for role, people in (("translated by", bibl.get("translators", [])),
                         ("edited by", bibl.get("editors", []))):
        for person in people:
            resp = sub(stmt, "respStmt")
            sub(resp, "resp", person.get("resp", role))
            resp.append(_person(person))
    facts = edition_facts()
    resp = sub(stmt, "respStmt")
    sub(resp, "resp", facts["responsibility"])
    sub(resp, "orgName", facts["publisher"], xml__id=facts["editors_id"])
    return stmt


def edition_stmt() -> etree._Element:
    facts = edition_facts()
    stmt = E("editionStmt")
    edition = sub(stmt, "edition", f"{facts['short_title']}, digital critical edition, version {facts['version']}, ",
                  n=facts["version"])
    sub(edition, "date", facts["date"], when=facts["date"])
    return stmt


def publication_stmt(doc: Document, bibl: dict) -> etree._Element:
    facts = edition_facts()
    stmt = E("publicationStmt")
    sub(stmt, "publisher", facts["publisher"])
    sub(stmt, "pubPlace", facts["pub_place"])
    sub(stmt, "date", facts["date"], when=facts["date"])
    sub(stmt, "idno", doc.id, type="edition")
    # a source that states no rights is "unknown", not "free" (profile: availability)
    status = bibl.get("availability") or ("restricted" if bibl.get("rights_restricted") else "free")
    availability = sub(stmt, "availability", status=status)
    licence = sub(availability, "licence", target=facts["licence_url"])
    sub(licence, "p", facts["licence"])
    rights = bibl.get("rights") or "The source states no rights: none is asserted here for it."
    sub(availability, "p", f"Rights statement of the source: {rights}", n="source-rights")
    return stmt


def source_bibl(doc: Document, bibl: dict) -> etree._Element:
    struct = E("biblStruct", type=bibl.get("type"))
    if bibl.get("analytic_title"):
        analytic = sub(struct, "analytic")
        sub(analytic, "title", bibl["analytic_title"], level="a")
        for author in bibl.get("authors", []):
            sub(analytic, "author").append(_person(author, with_id=False))
    monogr = sub(struct, "monogr")
    if not bibl.get("analytic_title"):
        for author in bibl.get("authors", []):
            sub(monogr, "author").append(_person(author, with_id=False))
    sub(monogr, "title", bibl.get("host_title") or bibl.get("title", doc.id), level=bibl.get("level", "m"))
    if bibl.get("subtitle") and not bibl.get("host_title"):
        sub(monogr, "title", bibl["subtitle"], type="sub")
    # idno before the editors: TEI's order when the monogr has no author
    for idno in bibl.get("idnos", []):
        sub(monogr, "idno", idno["value"], type=idno["type"], subtype=idno.get("subtype"))
    for role, people in (("translator", bibl.get("translators", [])), ("editor", bibl.get("editors", []))):
        for person in people:
            sub(monogr, "editor", role=role).append(_person(person, with_id=False))
    imprint = sub(monogr, "imprint")
    if bibl.get("pub_place"):
        sub(imprint, "pubPlace", bibl["pub_place"])
    sub(imprint, "publisher", bibl.get("publisher") or "not named in the source")
    date = sub(imprint, "date", bibl.get("date_text") or bibl.get("date") or "not dated in the source")
    if bibl.get("date"):
        date.set("when", bibl["date"])
    for scope in bibl.get("scopes", []):
        sub(imprint, "biblScope", scope["text"], unit=scope.get("unit"))
    for series in bibl.get("series", []):
        s = sub(struct, "series")
        sub(s, "title", series["title"], level="s")
        if series.get("scope"):
            sub(s, "biblScope", series["scope"], unit=series.get("unit", "volume"))
    for note in bibl.get("notes", []):
        sub(struct, "note", note)
    for ref in bibl.get("urls", []):
        sub(struct, "ref", ref, target=ref)
    for related in bibl.get("related", []):
        # another printing of the same text (e.g. a journal reprint)
        item = sub(struct, "relatedItem", type=related.get("type", "otherEdition"))
        other = sub(item, "biblStruct")
        mon = sub(other, "monogr")
        sub(mon, "title", related["title"], level=related.get("level", "m"))
        imp = sub(mon, "imprint")
        if related.get("pub_place"):
            sub(imp, "pubPlace", related["pub_place"])
        if related.get("publisher"):
            sub(imp, "publisher", related["publisher"])
        sub(imp, "date", related.get("date_text", related.get("date", "undated")), when=related.get("date"))
        if related.get("note"):
            sub(other, "note", related["note"])
    original = doc.profile.table("original")
    if original:
        struct.append(original_item(bibl, original))
    return struct


def original_item(bibl: dict, original: dict) -> etree._Element:
    """relatedItem for the original (Russian) publication; unknown facts are said to be unknown."""
    related = E("relatedItem", type="original")
    # the original's language is said by textLang, not by xml:lang: the
    # description itself is in English and transliteration
    obs = sub(related, "biblStruct")
    if original.get("analytic_title"):
        analytic = sub(obs, "analytic")
        for author in bibl.get("authors", []):
            sub(analytic, "author").append(_person(author, with_id=False))
        sub(analytic, "title", original["analytic_title"], level="a",
            xml__lang=original.get("title_lang", "ru-Latn"))
    mon = sub(obs, "monogr")
    if not original.get("analytic_title"):
        for author in bibl.get("authors", []):
            sub(mon, "author").append(_person(author, with_id=False))
    if original.get("title"):
        sub(mon, "title", original["title"], level=original.get("level", "m"),
            xml__lang=original.get("title_lang", "ru-Latn"))
    else:
        sub(mon, "title", "Russian original: title not stated in the source", type="desc", xml__lang="en")
    if original.get("title_cyrillic"):
        sub(mon, "title", original["title_cyrillic"], level=original.get("level", "m"), xml__lang="ru")
    lang = original.get("lang", "ru")
    sub(mon, "textLang", LANGUAGE_NAMES.get(lang, lang), mainLang=lang)
    imp = sub(mon, "imprint")
    if original.get("pub_place"):
        sub(imp, "pubPlace", original["pub_place"])
    if original.get("publisher"):
        sub(imp, "publisher", original["publisher"])
    sub(imp, "date", original.get("date_text", original.get("date", "not dated in the source")),
        when=original.get("date"))
    for scope in original.get("scopes", []):
        sub(imp, "biblScope", scope["text"], unit=scope.get("unit"))
    for note in original.get("notes", []) + ([original["note"]] if original.get("note") else []):
        sub(obs, "note", note, xml__lang="en")
    return related


EDITORIAL_POLICY = {
    "correction": "Evident errors of the received text (OCR misreadings, misprints) are corrected only inside choice, with the received reading in sic and the correction in corr, attributed by @resp; the source text is never edited.",
    "normalization": "Spelling, transliteration and punctuation are those of the source. Typographic quotation marks and dashes are kept as received. Markdown and HTML residue of the received files (asterisks, escaped brackets, superscript tags, dead links) is interpreted as markup or removed, and each removal is recorded by rule in the fidelity report.",
    "hyphenation": "Words hyphenated at a line end of the received text are joined; hyphens that belong to the word are kept.",
    "quotation": "Quotation marks are kept in the text as received. Block quotations that the source sets off are encoded as quote.",
    "segmentation": "Paragraphs split by page breaks of the printed or PDF original (a paragraph ending mid-sentence, continued after a blank line, a running footer or an inserted caption) are joined; the join point is marked by pb with type mended. Running footers and page furniture are removed and recorded.",
    "interpretation": "Notes are encoded at their point of attachment as note with @n, @type and @resp; notes whose reference was lost in the received text are kept, flagged, at the end of their division. Persons, places and organisations are linked to the edition's registers by @ref; automatic decisions carry @resp and, where uncertain, @cert.",
}


def encoding_desc(doc: Document) -> etree._Element:
    encoding = E("encodingDesc")
    project = sub(encoding, "projectDesc")
    sub(project, "p", "A digital critical edition of five texts on Stalin and Stalinism written from opposed standpoints, converted from damaged plain text into TEI P5 by a deterministic pipeline from verbatim copies of the sources, per-source profiles and curated registers.")
    decl = sub(encoding, "editorialDecl")
    policy = dict(EDITORIAL_POLICY)
    policy.update(doc.profile.table("edition").get("policy", {}))
    # what the edition did to this text in particular, after the common policy
    notes = doc.profile.table("edition").get("policy_notes", {})
    for tag in ("correction", "normalization", "hyphenation", "quotation", "segmentation", "interpretation"):
        element = sub(decl, tag)
        sub(element, "p", policy[tag])
        if notes.get(tag):
            sub(element, "p", notes[tag])
        if tag == "correction" and doc.report.get("corrections", {}).get("total"):
            sub(element, "p", corrections_statement(doc))
    encoding.append(refs_decl(doc))
    return encoding


def corrections_statement(doc: Document) -> str:
    """What the corrections stage did to this text, from its figures (the list itself is data)."""
    figures = doc.stage_report("corrections")
    return (f"{figures['total']} readings of the received text ({figures['entries']} forms) are corrected from the "
            f"edition's curated list of evident misreadings (data/corrections/{doc.id}.toml in the edition's "
            "repository), each as choice with the received reading in sic and the correction in corr "
            "resp=\"#edition-editors\"; a correction that is a judgement carries @cert. Transliteration, the "
            "translation's wording and spellings used consistently are never corrected.")


# A division is cited by its @n; one without (a preface, a region of its own)
# by "d" and its place among its sibling divisions, so the two never collide.
DIVISION_USE = "concat(@n, substring(concat('d', count(preceding-sibling::div) + 1), 1, 99 * number(not(@n))))"
PARAGRAPH_USE = "concat('p', position())"


def refs_decl(doc: Document) -> etree._Element:
    """The citation tree (read by DTS): divisions as deep as the body nests them, and their paragraphs.

    References read "2.3.p4" (paragraph 4 of division 3 of division 2);
    paragraphs standing directly in the body are "p1", "p2"... Each level's
    unit is the divisions' @type when they all share one.
    """
    refs = E("refsDecl")
    body = doc.tei.find(f"{tei('text')}/{tei('body')}")
    sub(refs, "citeStructure", match="/TEI/text/body/p", use=PARAGRAPH_USE, unit="paragraph")
    level = [body] if body is not None else []
    parent, match, delim = refs, "/TEI/text/body/div", None
    while True:
        divisions = [div for element in level for div in element.findall(tei("div"))]
        if not divisions:
            break
        types = {div.get("type") for div in divisions}
        unit = types.pop() if len(types) == 1 and None not in types else "division"
        parent = sub(parent, "citeStructure", match=match, use=DIVISION_USE, unit=unit, delim=delim)
        sub(parent, "citeStructure", match="p", use=PARAGRAPH_USE, unit="paragraph", delim=".")
        level, match, delim = divisions, "div", "."
    return refs


def profile_desc(doc: Document) -> etree._Element:
    desc = E("profileDesc")
    lang_usage = sub(desc, "langUsage")
    for code in doc.profile.get("languages", ["en"]):
        sub(lang_usage, "language", LANGUAGE_NAMES.get(code, code), ident=code)
    standpoint = doc.profile.table("edition").get("standpoint")
    if standpoint:
        text_class = sub(desc, "textClass")
        keywords = sub(text_class, "keywords")
        sub(keywords, "term", standpoint, type="standpoint")
    return desc


def revision_desc(doc: Document) -> etree._Element:
    desc = E("revisionDesc")
    changes = list(edition_facts().get("revisions", [])) + list(doc.profile.rules("revisions"))
    for change in changes:
        sub(desc, "change", change["text"], when=change["when"], who=f"#{change['who']}")
    return desc

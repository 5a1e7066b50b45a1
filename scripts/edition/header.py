"""Stage 10, header: the teiHeader, built from the profile's bibliographic facts.

Everything said in the header comes from the profile (facts of the source)
or from data/edition.toml (facts of this edition); nothing is guessed. What
a source does not say (Furr's journal, Pavlova's date) is left out of the
bibliographic elements, never filled with prose: the profile's notes say
what is unknown, and a date known only as a bound is @notBefore/@notAfter.

Rights are stated per layer, for machines too: the source text's own status
as a rightsstatements.org (or Creative Commons mark) URI in one licence, the
edition's contributions (encoding, notes, registers) under its licence in
another (data/edition.toml [rights]).
"""

from __future__ import annotations

import re
import tomllib
from functools import lru_cache

from lxml import etree

from . import DATA, XML_ID, XML_LANG, tei
from .model import Document
from .tree import rewrite_text

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
    mark_foreign_script(header)
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


# A run of Cyrillic words (with the spaces and punctuation between them) in an English statement of the header.
CYRILLIC_RUN = re.compile(r"[\u0400-\u04FF]+(?:[\s.,'’-]+[\u0400-\u04FF]+)*")


def mark_foreign_script(header: etree._Element) -> int:
    """Cyrillic words quoted in the header's English prose are Russian: foreign xml:lang="ru" says so,
    so that no Russian word is declared English by the language it inherits."""
    def russian(match: re.Match, parent: etree._Element) -> etree._Element | None:
        if language_of(parent) == "ru":
            return None  # already Russian (a Cyrillic title)
        return E("foreign", match.group(0), xml__lang="ru")

    return rewrite_text(header, CYRILLIC_RUN, russian)


def language_of(element: etree._Element) -> str:
    """The xml:lang in force on an element (the TEI root's default is English)."""
    for node in (element, *element.iterancestors()):
        if node.get(XML_LANG):
            return node.get(XML_LANG)
    return "en"


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


def resource_uri(name: str) -> str:
    """The persistent URI of a text or register of the edition: BASE/id/NAME (the viewer resolves it)."""
    return edition_facts()["base_url"].rstrip("/") + "/id/" + name


def availability_status(bibl: dict) -> str:
    # a source that states no rights is "unknown", not "free" (profile: availability)
    if bibl.get("availability"):
        return bibl["availability"]
    if bibl.get("rights_restricted"):
        return "restricted"
    return "unknown"


def source_rights_uri(bibl: dict) -> str:
    """The standard statement of the source text's rights: the profile's own, else the one its status implies."""
    rights = edition_facts()["rights"]
    status = availability_status(bibl)
    uri = bibl.get("rights_uri") or rights["by_status"].get(status)
    if not uri:
        raise ValueError(f"availability {status!r} implies no rights statement: give the profile's [bibl] rights_uri")
    return uri


def publication_stmt(doc: Document, bibl: dict) -> etree._Element:
    facts = edition_facts()
    stmt = E("publicationStmt")
    sub(stmt, "publisher", facts["publisher"])
    sub(stmt, "pubPlace", facts["pub_place"])
    sub(stmt, "date", facts["date"], when=facts["date"])
    sub(stmt, "idno", doc.id, type="edition")
    sub(stmt, "idno", resource_uri(doc.id), type="URI")
    stmt.append(availability(bibl))
    return stmt


def availability(bibl: dict) -> etree._Element:
    """Two licences: the source text's rights first (the stricter), then the edition's own layer."""
    facts = edition_facts()
    element = E("availability", status=availability_status(bibl))
    uri = source_rights_uri(bibl)
    label = facts["rights"]["labels"][uri]
    text = sub(element, "licence", target=uri, n="text")
    sub(text, "p", f"The text: {label} ({uri}).")
    edition = sub(element, "licence", target=facts["licence_url"], n="edition")
    sub(edition, "p", facts["licence"])
    rights = bibl.get("rights") or "The source states no rights: none is asserted here for it."
    sub(element, "p", f"Rights statement of the source: {rights}", n="source-rights")
    return element


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
    # an article whose journal the source does not name has no monogr title (TEI allows it); its notes say so
    title = bibl.get("host_title") or (None if bibl.get("analytic_title") else bibl.get("title", doc.id))
    if title:
        sub(monogr, "title", title, level=bibl.get("level", "m"))
    if bibl.get("subtitle") and not bibl.get("host_title") and not bibl.get("analytic_title"):
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
    if bibl.get("publisher"):
        sub(imprint, "publisher", bibl["publisher"])
    imprint.append(imprint_date(bibl))
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


def imprint_date(facts: dict) -> etree._Element:
    """The date of an imprint: @when if known, @notBefore/@notAfter for a bound, and its words only
    where the source gives them (an imprint needs one part: an undated one keeps an empty date)."""
    date = E("date", facts.get("date_text") or facts.get("date"), when=facts.get("date"),
             notBefore=facts.get("date_not_before"), notAfter=facts.get("date_not_after"))
    return date


def original_item(bibl: dict, original: dict) -> etree._Element:
    """relatedItem for the original (Russian) publication: what the source says of it, nothing more."""
    related = E("relatedItem", type="original")
    notes = original.get("notes", []) + ([original["note"]] if original.get("note") else [])
    if not (original.get("title") or original.get("analytic_title")):
        related.append(_unnamed_original(bibl, original, notes))
        return related
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
    if original.get("title_cyrillic"):
        sub(mon, "title", original["title_cyrillic"], level=original.get("level", "m"), xml__lang="ru")
    lang = original.get("lang", "ru")
    sub(mon, "textLang", LANGUAGE_NAMES.get(lang, lang), mainLang=lang)
    imp = sub(mon, "imprint")
    if original.get("pub_place"):
        sub(imp, "pubPlace", original["pub_place"])
    if original.get("publisher"):
        sub(imp, "publisher", original["publisher"])
    imp.append(imprint_date(original))
    for scope in original.get("scopes", []):
        sub(imp, "biblScope", scope["text"], unit=scope.get("unit"))
    for note in notes:
        sub(obs, "note", note, xml__lang="en")
    return related


def _unnamed_original(bibl: dict, original: dict, notes: list[str]) -> etree._Element:
    """An original the source names neither by title nor by imprint: a bibl of its author and language,
    with the notes saying what is unknown (a biblStruct would need a title or a placeholder for one)."""
    described = E("bibl")
    for author in bibl.get("authors", []):
        sub(described, "author").append(_person(author, with_id=False))
    lang = original.get("lang", "ru")
    sub(described, "textLang", LANGUAGE_NAMES.get(lang, lang), mainLang=lang)
    if original.get("date"):
        described.append(imprint_date(original))
    for note in notes:
        sub(described, "note", note, xml__lang="en")
    return described


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
    """The citation tree (read by DTS): every word of the text is inside a citable unit.

    The front and back matter are units ("front", "back") with their divisions
    beneath ("front.d2", "back.d1.d3"); in the body, divisions as deep as it
    nests them and their paragraphs ("2.3.p4": paragraph 4 of division 3 of
    division 2), paragraphs standing in the body ("p1") and any other block
    standing there (a block quotation: "quote1"). Each level's unit is the
    divisions' @type when they all share one.
    """
    refs = E("refsDecl")
    text = doc.tei.find(tei("text"))
    for part in ("front", "body", "back"):
        container = text.find(tei(part)) if text is not None else None
        if container is None:
            continue
        if part == "body":
            for name in _block_names(container):
                prefix = "p" if name == "p" else name
                sub(refs, "citeStructure", match=f"/TEI/text/body/{name}", use=f"concat('{prefix}', position())",
                    unit="paragraph" if name == "p" else name)
            _division_levels(refs, [container], "/TEI/text/body/div", None)
        else:
            matter = sub(refs, "citeStructure", match=f"/TEI/text/{part}", use=f"'{part}'", unit=f"{part}-matter")
            _division_levels(matter, [container], "div", ".")
    return refs


def register_refs_decl(list_name: str, entry_name: str) -> etree._Element:
    """A register's citation tree: each entry is a unit cited by its xml:id (persons.xml#kamenev-lb is
    the unit "kamenev-lb"), so the registers are read through DTS like the texts."""
    encoding = E("encodingDesc")
    refs = sub(encoding, "refsDecl")
    sub(refs, "citeStructure", match=f"/TEI/text/body/{list_name}/{entry_name}", use="@xml:id", unit=entry_name)
    return encoding


def _block_names(container: etree._Element) -> list[str]:
    """The kinds of block standing directly in the body besides divisions (p first), in order of appearance."""
    names: list[str] = []
    for child in container:
        if isinstance(child.tag, str) and child.tag != tei("div"):
            name = etree.QName(child).localname
            if name not in names and "".join(child.itertext()).strip():
                names.append(name)
    return sorted(names, key=lambda name: name != "p")


def _division_levels(parent: etree._Element, level: list[etree._Element], match: str, delim: str | None) -> None:
    while True:
        divisions = [div for element in level for div in element.findall(tei("div"))]
        if not divisions:
            return
        types = {div.get("type") for div in divisions}
        unit = types.pop() if len(types) == 1 and None not in types else "division"
        parent = sub(parent, "citeStructure", match=match, use=DIVISION_USE, unit=unit, delim=delim)
        sub(parent, "citeStructure", match="p", use=PARAGRAPH_USE, unit="paragraph", delim=".")
        level, match, delim = divisions, "div", "."


def profile_desc(doc: Document) -> etree._Element:
    desc = E("profileDesc")
    abstract = doc.profile.table("edition").get("abstract")
    if abstract:  # what the text is about, for a catalogue (dc:description), not how it was encoded
        sub(sub(desc, "abstract"), "p", abstract)
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

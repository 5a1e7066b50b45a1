"""Stage 10, whole names: a body's name is the whole of it, its parts nested inside.

The entities stage tags each name the registers know: in `the VKP(b) Central
Committee` the party and the Committee, in `USSR Gosplan` the country and the
plan. But the text names one body there, and the edition's rule for spans is
that a name is the whole name (issue 12): a body's owner and its sub-body
belong to it. This stage wraps such runs in one `orgName`, keeping the parts
as names of their own inside it, linked as the identify stage decided:

    <orgName ref="orgs.xml#central-committee"><orgName ref="orgs.xml#party">VKP(b)</orgName>
      Central Committee</orgName>

The shapes, composed until none is left (`VKP(b) Central Committee Politburo`,
`Presidium of VSNKh of the RSFSR`, `Tomsk NKVD Administration`):

- an owner before the body, a space between: `USSR Gosplan`, `Leningrad NKVD`,
  `Comintern Secretariat`; an owner's word the registers do not tag as a name:
  `All-Union Central Executive Committee`, `Ukrainian GPU`;
- a body, `of` (`of the`), its owner: `the Central Committee of the VKP(b)`,
  `the Politburo of the Central Committee`, `VSNKh of the RSFSR`; `in` and a place
  whose own body it is (`the CC in Uzbekistan`); a body housed in another, `at`
  (`the Hoover Institution at Stanford University`), or attached to it, `under` or
  `within` (`the Institute of Marxism-Leninism under the Central Committee of the CPSU`: the institute);
- a sub-body the register does not hold, in capitals, before `of` and its body
  (`the Presidium of the CCC`, `the Special Department of the GPU`) or after it
  (`NKVD Administration`, `VKP(b) Kraykom`);
- a sub-body after its owner's possessive (`the Central Committee's Inspection
  Commission`); a body with its abbreviation in brackets before its owner (`the
  Central Control Commission (CCC) of the RCP(b)`); a body's branch in a place (`the
  Leningrad administration of the NKVD`); a state's abbreviation after a body, in the
  Russian order (`Sovnarkom RSFSR`); an institution and its patron after `imeni`
  (`... Agricultural Sciences imeni V. L. Lenin`: the patron no person mention);
- one name in both readings of a choice (`RSDRP` and the translator's expansion) is
  one name around the choice;
- a place's whole name: a state's official name (`the Republic of Cuba`, Cuba's), a
  region named for its city in lower case (`the Moscow region`, the Moscow Oblast),
  a building named for its place (`Butyrki Prison`: the prison itself; `Vladimir
  Prison` or `Barnaul City Prison`, a prison in the city, is no entry: cert="low").

The whole name points where its head points only when the owner is the one the
head's entry already implies: an all-Union owner (`USSR`, `VKP(b)`) or the
head's parent in the register (the Politburo of the Central Committee), or the
owner's own body the register holds (decisions.toml [[owner]]: `the Central
Committee of Ukraine`). Another owner makes another body (`VSNKh of the RSFSR`,
`the Secretariat of the ECCI`), one the register does not hold: the whole has no
@ref and `cert="low"`. Its head keeps its link where the head's entry names a
kind of body (`Sovnarkom`, `GPU`), not where the entry is a sub-body of some
other body (the CC's `Secretariat` is not the ECCI's). The rules are data:
data/registers/decisions.toml [whole_names].
"""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from . import tei
from .entities import ANNOTATOR, SENTENCE_WORDS_BEFORE_BODY, matcher
from .identify import rules, rules_data, unwrap
from .model import Document
from .tree import milestones_lifted

ORG, PLACE, PERSON, CHOICE, FOREIGN = tei("orgName"), tei("placeName"), tei("persName"), tei("choice"), tei("foreign")
READINGS = {tei(t) for t in ("abbr", "expan", "sic", "corr", "orig", "reg")}
PARTS = {ORG, PLACE}
SPACE = re.compile(r"^\s+$")
# a state's official name before the country: `the Republic of Cuba`, `the People's Republic of China`
STATE_BEFORE = re.compile(r"(?<![\w'’-])(?:(?:People's|Socialist|Soviet|Federal|Democratic|Federative|Islamic|Arab)\s+)*"
                          r"(?:Republic|Kingdom|Empire|Principality|Grand Duchy|Duchy)\s+of\s+(?:the\s+)?$")
LOWER_SUB_BODIES = ("presidium", "secretariat", "collegium", "bureau", "buro", "board", "ispolkom", "special sector",
                    "secret department", "cadres department", "publishing house")
# a post before a lower-case part of a body makes its wording: `chairman of the board of Sibkrayselbank`
POST_OF_BEFORE = re.compile(r"\b(?:chairman|secretary|head|director|deputy)\s+of\s+the\s+$")
# a word that makes a kind of such a sub-body (`the political secretariat of the ECCI`, `the women's
# secretariat of the Executive Committee`, `the executive board of the Tsentrosoiuz`)
LOWER_SUB_BODY_KINDS = ("political", "women's", "women’s", "executive", "organisational", "organizational", "party")
# `Southern Ukraine`, `Western Siberia`, `West Europe`: a part of a country, region or continent named by its compass side
SIDE_BEFORE = re.compile(r"(?<![\w'’-])(?:Southern|Northern|Western|Eastern|West|East|North|South)\s$")
# `CPSU (b)`, `All-Union CP (Bolshevik)`: the party's bracketed letter or word; `the RSDRP (of Mensheviks)`, the
# Mensheviks' party of the same name
PARTY_LETTER = re.compile(r"\s?\((?:b|B|[Bb]olshevik|[Bb]olsheviks|of [Bb]olsheviks"
                          r"|(?P<menshevik>[Mm]enshevik|[Mm]ensheviks|of [Mm]ensheviks))\)")
# an institution's number after its name: `Kremlin Polyclinic № 1`, `Distribution Center No. 1`
NUMBER_AFTER = re.compile(r"\s(?:№|No\.)\s?\d+(?![\w.,]\d)")
# `the Azerbaijan SSR`, `the Ukrainian Soviet Socialist Republic`: a republic named with its country
REPUBLIC_AFTER = re.compile(r"\s(?:SSR|ASSR|Soviet\s+Socialist\s+Republic|Soviet\s+Republic|Autonomous\s+Soviet\s+"
                            r"Socialist\s+Republic)(?![\w'’-])")
# `the Moscow region`, `Leningrad oblast`: a region named for its city, in lower case
REGION_AFTER = re.compile(r"\s(?:region|oblast|province)(?![\w'’-])")
REGION_WORDS = ("Oblast", "Region", "Province", "oblast", "region", "province")
# a place's type for which `X Prison` is the place itself
BUILDINGS = {"prison", "building", "camp"}
OF = re.compile(r"^\s+of\s+(?:the\s+)?$")
IN = re.compile(r"^\s+in\s+(?:the\s+)?$")
AT = re.compile(r"^\s+at\s+(?:the\s+)?$")
UNDER = re.compile(r"^\s+[Uu]nder\s+(?:the\s+)?$")  # (`Institute Under the CPSU Central Committee`, a title's capitals)
# `the Institute of World Literature within the Academy of Sciences`: an institution within another; not `the
# opposition within the Comintern`, a group within a body
WITHIN = re.compile(r"^\s+within\s+(?:the\s+)?$")
# `the CC of party in Turkmenistan`, `the Central Committee of the communist parties of Azerbaijan and Armenia`:
# the body of a republic's party, its party named in lower case before the republic
OF_THE_PARTY_OF = re.compile(r"^\s+of\s+(?:the\s+)?(?:[Cc]ommunist\s+)?part(?:y|ies)\s+(?:of|in)\s+(?:the\s+)?$")
AND = re.compile(r"^\s+and\s+(?:the\s+)?$")
POSSESSIVE = re.compile(r"^['’]s\s+$")
# a department named in lower case after its body's possessive: `the Central Committee's agitation and propaganda
# department` (one name, settled reading 32; the register's department where one of the body's is named so)
POSSESSIVE_DEPARTMENT = re.compile(r"^['’]s\s+(?P<part>(?:[a-z][a-z'’-]+\s+(?:and\s+[a-z][a-z'’-]+\s+)?){1,2}"
                                   r"department)(?![\w'’-])")
SPACED_DASH = re.compile(r"^\s[-–—]\s$")
CLOSED_BEFORE_OF = re.compile(r"^\)\s+of\s+(?:the\s+)?$")
# a sub-body's name in quotation marks before its owner: `the "Special Commission" of the NKVD`
QUOTED_BEFORE_OF = re.compile(r"^[”\"»]\s+of\s+(?:the\s+)?$")
OPENING_QUOTE_AT_END = re.compile(r"[“\"«]$")
# (`the International Secretariat of ...`: capitalised words after `the`, before a sub-body's head)
CAPITALS_BEFORE = re.compile(r"(?<=\bthe\s)(?:[A-Z][a-z][\w'’-]*\s+){1,2}$")
IMENI = re.compile(r"\s+imeni\s+")
IMENI_AFTER = re.compile(r"\s+imeni\s+(?:[A-Z][\w.'’-]*\s+){0,3}[A-Z][\w'’-]*(?![\w'’-])")
STATE_ABBREVIATION = re.compile(r"[A-Z][A-Za-z]*SR")  # USSR, RSFSR, UkSSR, BSSR
# a body's branch in a place: `the Kiev oblast department of the GPU`, `the Leningrad administration of the NKVD`
PLACE_BRANCH_OF = re.compile(r"^\s+(?:(?:oblast|regional|city|district|kray|krai|provincial|republican)\s+)?"
                             r"(?:department|administration|directorate|branch)\s+of\s+(?:the\s+)?$")
# a republic's party by its organisation: `the party organization of the Ukraine`
PARTY_ORGANIZATION_BEFORE = re.compile(r"(?<![\w'’-])party\s+organi[sz]ation\s+of\s+(?:the\s+)?$")
# a city's organisation of the party: `the Baku organization of the RSDRP`
LOCAL_ORGANIZATION = re.compile(r"\s+(?:party\s+)?organi[sz]ations?\s+of\s+(?:the\s+)?")


class WholeNames:
    def __init__(self, data: dict):
        self.all_union_owners = set(data.get("all_union_owners", []))
        heads = matcher().body_heads
        # in capitals, or one of the few sub-bodies the translations write in lower case (`the collegium of the
        # OGPU`, `the secretariat of the Central Committee`)
        self.sub_body = re.compile(
            rf"(?<![\w'’-])(?P<name>(?:[A-Z][\w'’-]*\s+){{0,3}}(?:{'|'.join(map(re.escape, heads))})"
            rf"|(?:(?<=\b[Tt]he )|(?<=\ba )|(?<=\bof ))"  # (`The secretariat of the Central Control Commission`)
            rf"(?:(?:{'|'.join(LOWER_SUB_BODY_KINDS)})\s+)?(?:{'|'.join(LOWER_SUB_BODIES)}))"
            rf"\s+of\s+(?:the\s+)?$") if heads else None
        # `NKVD Administration`, `VKP(b) Kraykom`: a sub-body's head word right after its body
        self.sub_body_after = re.compile(rf"\s(?:{'|'.join(map(re.escape, heads))})(?![\w'’-])") if heads else None
        self.parents = {e.id: e.data.get("parent", "") for e in matcher().registers.get("org", [])}
        self.owner_bodies = rules().bodies.owner_bodies
        self.all_union_marks = set(rules_data().get("bodies", {}).get("all_union_marks", []))
        owner_words = sorted({*self.owner_bodies, *self.all_union_marks}, key=len, reverse=True)
        self.owner_word_before = re.compile(
            rf"(?<![\w'’(-])(?P<word>{'|'.join(map(re.escape, owner_words))})\s$") if owner_words else None
        self.member_plurals = matcher().member_plurals
        self.party_adjectives = matcher().party_adjectives
        self.local_organizations_of = matcher().local_organizations_of
        # a body housed in another, joined by `at`: `the Hoover Institution at Stanford University`
        self.housed = set(data.get("housed", []))
        self.place_types = {e.id: e.data.get("type", "") for e in matcher().registers.get("place", [])}
        self.bare_committee_heads = matcher().bare_committee_heads
        self.sub_body_heads = set(heads)
        place_heads = rules().place_heads
        self.place_head_after = re.compile(
            # (`in Lefortovskaya Prison-he had been beaten`: a hyphen printed for a dash ends the name)
            rf"\s(?:[A-Z][\w'’-]*\s+)?(?:{'|'.join(map(re.escape, sorted(place_heads)))})(?![\w'’]|-[A-Z])") if place_heads else None

    def region_of(self, city: str) -> str | None:
        """The register's region named for `city` (`Moscow` -> `Moscow Oblast`), if it holds one."""
        automaton = matcher().automaton
        for word in REGION_WORDS:
            _form, readings = automaton.get(f"{city} {word}", (None, []))
            regions = {entry.id for entry, _ in readings if entry.kind == "place"}
            if len(regions) == 1:
                return regions.pop()
        return None

    def place_form(self, form: str) -> str | None:
        """The one place the register holds under `form`, if any."""
        _form, readings = matcher().automaton.get(form, (None, []))
        places = {entry.id for entry, _ in readings if entry.kind == "place"}
        return places.pop() if len(places) == 1 and len(readings) == 1 else None

    def part_named(self, owner: str, words: str) -> str | None:
        """The register's part of `owner` whose name or a form is `words`, in any case (`agitation and propaganda
        department`: the Central Committee's Agitation and Propaganda Department)."""
        found = {e.id for e in matcher().registers.get("org", []) if self.parents.get(e.id) == owner
                 and words.lower() in {f.lower() for f in [e.data.get("name", ""), *e.data.get("form", [])]}}
        return found.pop() if len(found) == 1 else None

    def implied(self, owner: str, head: str) -> bool:
        """Is `owner` the one `head`'s entry already implies (all-Union, or an ancestor)?"""
        if not owner or not head:
            return False
        if owner in self.all_union_owners:
            return True
        seen = set()
        while head and head not in seen:
            seen.add(head)
            head = self.parents.get(head, "")
            if head == owner:
                return True
        return False


@lru_cache(maxsize=1)
def whole_names() -> WholeNames:
    return WholeNames(rules_data().get("whole_names", {}))


def words(element) -> str:
    return " ".join("".join(element.itertext()).split())


def ref_id(element) -> str:
    return (element.get("ref") or "").partition("#")[2]


def compose(doc: Document) -> Document:
    report = doc.stage_report("whole names")
    text = doc.tei.find(tei("text")) if doc.tei is not None else None
    if text is None or doc.profile.table("entities").get("skip"):
        return doc
    rules = whole_names()
    for name in text.iter(ORG):
        _take_the_bracketed_letter(name)
        _take_the_number(name)
    hoisted = sum(_hoist_out_of_choice(choice) for choice in list(text.iter(CHOICE)))
    for name in text.iter(ORG):
        _take_the_bracketed_letter(name)  # (a name hoisted out of a choice: `RSDRP` and its translation)
    composed = linked = 0
    with milestones_lifted(text, tei("pb"), type="mended"):  # `the collegium of the <pb/>OGPU` is one name
        for parent in {name.getparent() for name in text.iter(ORG, PLACE)}:
            i = 0
            while i < len(parent):
                outer = _compose_at(parent, i, rules)
                if outer is None:
                    i += 1
                    continue
                composed += 1
                linked += bool(outer.get("ref"))
                # the whole may be the part of a longer name: look again from the name before it
                i = max(parent.index(outer) - 1, 0)
    # a reading made one whole name by the shapes above (`OGPU` and `United State Political Administration under
    # the USSR Council of Peoples Commissars`) is one mention with the other reading
    hoisted += sum(_hoist_out_of_choice(choice) for choice in list(text.iter(CHOICE)))
    report["whole_names"], report["whole_names_linked"] = composed, linked
    report["names_around_a_choice"] = hoisted
    return doc


def _take_the_number(name) -> None:
    """`Kremlin Polyclinic № 1`: an institution's number is part of its name (the guide's numbered institutions)."""
    found = NUMBER_AFTER.match(name.tail or "")
    if found and not name.get("ref"):
        _take_from_tail(name, found.end())


def _take_the_bracketed_letter(name) -> None:
    """`CPSU (b)`, `All-Union CP (Bolshevik)`: the party's bracketed word is part of its name. (Not a form in
    the register: search reads a bracket after a space as grouping.)"""
    found = PARTY_LETTER.match(name.tail or "")
    if found:
        _take_from_tail(name, found.end())
        if found.group("menshevik") and ref_id(name) == "party":
            name.set("ref", "orgs.xml#mensheviks")


def _take_from_tail(name, end: int) -> None:
    """The first `end` characters of the words after `name` become its last words."""
    last = name[-1] if len(name) else None
    if last is not None:
        last.tail = (last.tail or "") + name.tail[:end]
    else:
        name.text = (name.text or "") + name.tail[:end]
    name.tail = name.tail[end:]


def _hoist_out_of_choice(choice) -> bool:
    """`<choice><abbr>RSDRP</abbr><expan>Russian Social Democratic Workers Party</expan></choice>`: one name
    in two readings is one mention. The name found in each reading (the same entry) is taken out of them
    and put around the choice, as a correction stands inside the name it mends."""
    readings = [r for r in choice if r.tag in READINGS]
    names = [r[0] for r in readings if len(r) == 1 and r[0].tag in PARTS | {PERSON}
             and not (r.text or "").strip() and not (r[0].tail or "").strip()]
    if len(readings) < 2 or len(names) != len(readings) or len({(n.tag, n.get("ref")) for n in names}) != 1:
        return False
    outer = etree.Element(names[0].tag, {k: v for k, v in names[0].attrib.items()})
    for reading, name in zip(readings, names):
        reading.text = (reading.text or "") + (name.text or "")
        for child in name:
            reading.append(child)
        reading.remove(name)
    parent = choice.getparent()
    parent.insert(parent.index(choice), outer)
    outer.append(choice)
    outer.tail, choice.tail = choice.tail, None
    return True


def _compose_at(parent, i: int, rules: WholeNames):
    """Wrap the run of `parent`'s children from the i-th that makes one body's name, if there is one."""
    child = parent[i]
    following = parent[i + 1] if i + 1 < len(parent) else None
    if child.tag == ORG and following is not None and following.tag == ORG and SPACED_DASH.match(child.tail or "") \
            and ((len(child) and child[-1].tag == ORG and not (child[-1].tail or "").strip())
                 or (not len(child) and " of " in words(child))):
        # `the Special Department of the OGPU - NKVD`, `the Politburo of the Central Committee of the RCP (b) - VKP
        # (b)`: the owner's later name joined by a dash belongs to the whole (not `the OGPU - NKVD field fund`,
        # two bodies with no whole)
        _take_from_tail(child, len(child.tail))
        child.tail, following.tail = following.tail, None
        child.append(following)
        return child
    if following is not None and SPACE.match(child.tail or ""):
        pair = _owner_and_body(child, following, rules)
        if pair is not None:  # `USSR Gosplan`, `VKP(b) Central Committee`, `Central Committee VKP(b)`
            return _wrap(parent, child, following, *pair, rules)
    if child.tag == ORG and following is not None and following.tag == ORG and (child.tail or "") == " (" \
            and ref_id(child) and ref_id(child) == ref_id(following) and CLOSED_BEFORE_OF.match(following.tail or ""):
        # `the Central Control Commission (CCC) of the RCP(b)`: a body with its abbreviation in brackets, before
        # its owner; one name with it (its owner joins it next)
        outer = _enclose(parent, child, following)
        outer.tail, following.tail = outer.tail[1:], ")"
        _link_as(outer, child)
        return outer
    before = parent[i - 1].tail if i else parent.text
    if child.tag == ORG and following is not None and following.tag == ORG and ref_id(child) \
            and QUOTED_BEFORE_OF.match(child.tail or "") and OPENING_QUOTE_AT_END.search(before or ""):
        # `the "Special Commission" of the NKVD`, `the "Union Bureau" of Mensheviks`: a sub-body's name in quotation
        # marks and its owner, one name, the quotation marks inside it
        outer = _enclose(parent, child, following)
        if i:
            parent[i - 1].tail, quote = before[:-1], before[-1]
        else:
            parent.text, quote = before[:-1], before[-1]
        outer.text = quote + (outer.text or "")
        _link_as(outer, child)
        return outer
    if child.tag == ORG and following is not None and following.tag == ORG and POSSESSIVE.match(child.tail or "") \
            and (rules.implied(ref_id(child), ref_id(following)) or rules.parents.get(ref_id(following))) \
            and not rules.implied(ref_id(following), ref_id(child)):
        # `the Central Committee's Inspection Commission`: the sub-body named with its owner's possessive, one name
        outer = _enclose(parent, child, following)
        _link_as(outer, following)
        return outer
    department = POSSESSIVE_DEPARTMENT.match(child.tail or "") if child.tag == ORG and ref_id(child) else None
    if department:
        outer = _take_words(parent, child, i, child.tail, department.end(), "after")
        part = rules.part_named(ref_id(child), department.group("part"))
        if part:
            outer.set("ref", f"orgs.xml#{part}")
            outer.attrib.pop("cert", None)
        return outer
    if child.tag == ORG and following is not None and following.tag in PARTS and OF.match(child.tail or "") \
            and words(child) not in rules.member_plurals:  # `the Bolsheviks of Kronstadt`: people of a place
        outer = _wrap(parent, child, following, child, following, rules)  # `Gosplan of the USSR`
        return _with_capitals_before(parent, outer, rules)
    if child.tag == ORG and following is not None and IN.match(child.tail or "") \
            and ref_id(child) in rules.owner_bodies.get(words(following), {}).values():
        return _wrap(parent, child, following, child, following, rules)  # `the CC in Uzbekistan`, Uzbekistan's
    if child.tag == ORG and following is not None and following.tag == PLACE \
            and OF_THE_PARTY_OF.match(child.tail or "") and _owned_body(ref_id(child), words(following), rules):
        return _party_of_republics(parent, child, following, rules)
    if child.tag == ORG and following is not None and following.tag == ORG and AT.match(child.tail or "") \
            and words(child).split()[-1] in rules.housed:
        return _wrap(parent, child, following, child, following, rules)  # `the Hoover Institution at Stanford`
    if child.tag == ORG and following is not None and following.tag == ORG and (
            UNDER.match(child.tail or "") or (WITHIN.match(child.tail or "")
                                              and set(words(child).split()) & matcher().institution_kinds)):
        # `the Institute of Marxism-Leninism under the Central Committee of the CPSU`: the body the first names,
        # attached to the second
        outer = _enclose(parent, child, following)
        _link_as(outer, child)
        return outer
    if child.tag == PLACE and following is not None and following.tag == ORG \
            and LOCAL_ORGANIZATION.fullmatch(child.tail or "") and ref_id(following) in rules.local_organizations_of:
        # `the Baku organization of the RSDRP`: a city's organisation of the party, which the register does not hold
        outer = _enclose(parent, child, following)
        outer.set("cert", "low")
        return outer
    if child.tag == PLACE and following is not None and following.tag == ORG and PLACE_BRANCH_OF.match(child.tail or ""):
        # `the Kiev oblast department of the GPU`, `the Leningrad administration of the NKVD`: a body's branch in a
        # place, named by both, which the register does not hold
        outer = _enclose(parent, child, following)
        outer.set("cert", "low")
        return outer
    if child.tag == PLACE:
        return _compose_place(parent, child, i, rules)
    if child.tag != ORG:
        return None
    if IMENI.fullmatch(child.tail or "") and following is not None and following.tag == PERSON:
        # the patron marked as a person of his own (`imeni <persName>V. L. Lenin</persName>`): no mention, a word
        # of the institution's name, as `named after Kirov`
        unwrap(following)
    imeni = IMENI_AFTER.match(child.tail or "")
    if imeni:  # `the All-Union Academy of Agricultural Sciences imeni V. L. Lenin`: its patron is in its name
        outer = _take_words(parent, child, i, child.tail, imeni.end(), "after")
        if child.get("ref"):
            outer.set("ref", child.get("ref"))
            del outer.attrib["cert"]
        return outer
    found = rules.sub_body.search(before or "") if rules.sub_body else None
    if found and found.group("name")[:1].islower() and POST_OF_BEFORE.search(before, 0, found.start("name")):
        found = None  # `the secretary of the board of the Union of Writers`: the post's wording (settled reading 32)
    if found:  # `the Presidium of the CCC`
        start = found.start("name") + SENTENCE_WORDS_BEFORE_BODY.match(found.group("name")).end()
        return _take_words(parent, child, i, before, start, "before")
    after = rules.sub_body_after.match(child.tail or "") if rules.sub_body_after else None
    if after:  # `NKVD Administration`
        return _take_words(parent, child, i, child.tail, after.end(), "after")
    owner = rules.owner_word_before.search(before or "") if rules.owner_word_before else None
    if owner and owner.group("word").endswith(("'s", "’s")):
        # `the republic's Council of People's Commissars`: the republic's own body, its possessive outside the
        # name as any possessive's; the register's body of that owner where it holds one, else none
        owned = _owned_body(ref_id(child), owner.group("word"), rules)
        if owned:
            child.set("ref", f"orgs.xml#{owned}")
            child.attrib.pop("cert", None)
        else:
            child.attrib.pop("ref", None)
            child.set("cert", "low")
        return None
    if owner and not (owner.group("word") in rules.all_union_marks and ref_id(child) in rules.all_union_owners):
        # `All-Union Central Executive Committee`, `Ukrainian GPU`, `Armenian VKP(b)`; not `All-Union CPSU`, where
        # the word says nothing of the all-Union party itself
        outer = _take_words(parent, child, i, before, owner.start("word"), "before")
        _link_whole(outer, child, owner.group("word"), "" if owner.group("word") not in rules.all_union_marks
                    else "party", rules)
        return outer
    return None


def _owned_body(head_ref: str, owner_words: str, rules: WholeNames) -> str | None:
    """The owner's own body of the head's kind (decisions.toml [[owner]]): `Central Committee` and `Armenia`
    make the Armenian party's, whether identify linked the head to the general entry or to that body."""
    bodies = rules.owner_bodies.get(owner_words, {})
    return bodies.get(head_ref) or (head_ref if head_ref in bodies.values() else None)


def _party_of_republics(parent, head, owner, rules: WholeNames):
    """`the Central Committee of the communist parties of Azerbaijan and Armenia`: one head, two republics'
    parties. The first republic makes the whole name with the head; the next, after `and`, names its own
    body of the same kind, which the register holds (an orgName, not the republic)."""
    owned = _owned_body(ref_id(head), words(owner), rules)
    kind = next((general for general, body in rules.owner_bodies.get(words(owner), {}).items() if body == owned), None)
    outer = _wrap(parent, head, owner, head, owner, rules)
    following = outer.getnext()
    if kind and following is not None and following.tag == PLACE and AND.match(outer.tail or ""):
        body = rules.owner_bodies.get(words(following), {}).get(kind)
        if body:
            following.tag = ORG
            following.set("ref", f"orgs.xml#{body}")
            following.attrib.pop("cert", None)
    return outer


def _compose_place(parent, place, i: int, rules: WholeNames):
    """A place's whole name: `the Republic of Cuba` is Cuba; `Butyrki Prison` is the prison Butyrki, while
    `Vladimir Prison` is a prison in Vladimir, a place the register does not hold."""
    before = parent[i - 1].tail if i else parent.text
    state = STATE_BEFORE.search(before or "")
    if state and rules.place_types.get(ref_id(place)) == "country":
        outer = _take_words(parent, place, i, before, state.start(), "before", PLACE)
        outer.set("ref", place.get("ref"))
        del outer.attrib["cert"]
        return outer
    organization = PARTY_ORGANIZATION_BEFORE.search(before or "")
    if organization and rules.place_types.get(ref_id(place)) in ("country", "region"):
        # `the party organization of the Ukraine`: the republic's party (decisions.toml [[owner]]), where the register
        # holds it; the republic no mention of its own
        outer = _take_words(parent, place, i, before, organization.start(), "before", ORG)
        party = rules.owner_bodies.get(words(place), {}).get("party")
        if party:
            outer.set("ref", f"orgs.xml#{party}")
            del outer.attrib["cert"]
        return outer
    side = SIDE_BEFORE.search(before or "")
    if side and rules.place_types.get(ref_id(place)) in ("country", "region", "continent"):
        outer = _take_words(parent, place, i, before, side.start(), "before", PLACE)
        outer.set("ref", place.get("ref"))  # `Southern Ukraine` is in Ukraine: the register holds no part of it
        del outer.attrib["cert"]
        return outer
    republic = REPUBLIC_AFTER.match(place.tail or "")
    if republic and rules.place_types.get(ref_id(place)) in ("country", "region"):
        # `the Azerbaijan SSR`: the republic the register holds under its country's name
        outer = _take_words(parent, place, i, place.tail, republic.end(), "after", PLACE)
        outer.set("ref", place.get("ref"))
        del outer.attrib["cert"]
        return outer
    region_word = place.getnext()
    if SPACE.match(place.tail or "") and region_word is not None and region_word.tag == FOREIGN \
            and words(region_word) in rules.bare_committee_heads:
        # `the Krasnodar <foreign>kraikom</foreign>`: the krai's committee, a body the register does not hold,
        # its place part of its name
        outer = _with_word_after(parent, place, region_word, ORG)
        outer.set("cert", "low")
        return outer
    whole = rules.place_form(f"{words(place)} {words(region_word)}") if region_word is not None else None
    if SPACE.match(place.tail or "") and region_word is not None and region_word.tag == FOREIGN and whole:
        # `the Khopior <foreign>okrug</foreign>`: the register's own form of the place, its Russian word in italics
        outer = _with_word_after(parent, place, region_word, PLACE)
        outer.set("ref", f"places.xml#{whole}")
        return outer
    if SPACE.match(place.tail or "") and region_word is not None and region_word.tag == FOREIGN \
            and words(region_word) in REGION_WORDS and rules.region_of(words(place)):
        # `the Ivanovo <foreign>oblast</foreign>`: the region's word kept in its Russian form, italic
        outer = _with_word_after(parent, place, region_word, PLACE)
        outer.set("ref", f"places.xml#{rules.region_of(words(place))}")
        return outer
    region = REGION_AFTER.match(place.tail or "")
    entry = rules.region_of(words(place)) if region else None
    if entry:  # `the Moscow region`: the oblast the register holds, named for its city
        outer = _take_words(parent, place, i, place.tail, region.end(), "after", PLACE)
        outer.set("ref", f"places.xml#{entry}")
        del outer.attrib["cert"]
        return outer
    head = rules.place_head_after.match(place.tail or "") if rules.place_head_after else None
    if head:
        outer = _take_words(parent, place, i, place.tail, head.end(), "after", PLACE)
        kind = rules.place_types.get(ref_id(place))
        # `Butyrki Prison` is the prison the register holds; `Prinkipo Island` the island, its head word its type
        if kind in BUILDINGS or kind == head.group().split()[-1].lower():
            outer.set("ref", place.get("ref"))
            del outer.attrib["cert"]
        return outer
    return None


def _with_word_after(parent, name, word, tag: str):
    """One name around a name and the italic word after it (`the Ivanovo <foreign>oblast</foreign>`)."""
    outer = _outer(parent, name, tag)
    outer.extend([name, word])
    outer.tail, word.tail = word.tail, None
    return outer


def _with_capitals_before(parent, outer, rules: WholeNames):
    """`the International Secretariat of the Left Opposition`: the capitalised words after `the` that stand before a
    sub-body's head word in the text are its name's (a body the register does not hold: no @ref)."""
    head = outer[0]
    index = parent.index(outer)
    before = parent[index - 1].tail if index else parent.text
    words_before = CAPITALS_BEFORE.search(before or "")
    if not words_before or words(head) not in rules.sub_body_heads:
        return outer
    outer.text = before[words_before.start():] + (outer.text or "")
    if index:
        parent[index - 1].tail = before[:words_before.start()]
    else:
        parent.text = before[:words_before.start()]
    outer.attrib.pop("ref", None)
    outer.set("cert", "low")
    return outer


def _owner_and_body(first, second, rules: WholeNames):
    """(body, owner) of two names side by side that make one body's name, else None. A place owns the
    body after it (`USSR Gosplan`); of two bodies, the one the other's entry implies is the owner
    (`VKP(b) Central Committee`, in the Russian order `Central Committee VKP(b)`). Bodies side by side
    that imply nothing of each other are a list (`VChK GPU OGPU NKVD`), unless the second is a kind of
    sub-body (`Comintern Secretariat`); a place after a body is not its owner (a publisher and its town), unless
    it is a state's abbreviation in the Russian order (`Sovnarkom RSFSR`)."""
    if (first.tag, second.tag) == (PLACE, ORG):
        # `the Petrograd Bolshevik organization`: the party's adjective is the party, not a body of the city
        return None if words(second) in rules.party_adjectives else (second, first)
    if (first.tag, second.tag) == (ORG, PLACE) and STATE_ABBREVIATION.fullmatch(words(second)) \
            and rules.place_types.get(ref_id(second)) == "country":
        return first, second  # `Sovnarkom RSFSR`, `NKVD USSR`: the Russian order, the state's abbreviation after
    if (first.tag, second.tag) != (ORG, ORG):
        return None
    if rules.implied(ref_id(first), ref_id(second)):
        return second, first
    if rules.implied(ref_id(second), ref_id(first)):
        return first, second
    if rules.parents.get(ref_id(second)):
        return second, first  # `the Comintern Secretariat`: a kind of sub-body, after its owner
    return None


def _wrap(parent, first, last, head, owner, rules: WholeNames):
    outer = _enclose(parent, first, last)
    _link_whole(outer, head, words(owner), ref_id(owner), rules)
    return outer


def _link_as(outer, part) -> None:
    """The whole takes the link (and its certainty) of the part that names it."""
    for attribute in ("ref", "cert"):
        if part.get(attribute):
            outer.set(attribute, part.get(attribute))


def _enclose(parent, first, last):
    """One name around two side by side and the words between them."""
    outer = _outer(parent, first)
    for part in (first, last):
        outer.append(part)  # a part moves with its tail: the words between stay inside
    outer.tail, last.tail = last.tail, None
    return outer


def _link_whole(outer, head, owner_words: str, owner_ref: str, rules: WholeNames) -> None:
    """The whole's @ref: the head's where the owner is the one its entry implies, the owner's own body
    where the register holds it, else none (cert="low")."""
    head_ref = ref_id(head)
    # the owner's own body: the head's general entry's counterpart, or the head as identify decided it
    owned = _owned_body(head_ref, owner_words, rules)
    if head_ref and rules.implied(owner_ref, head_ref):
        outer.set("ref", head.get("ref"))
        outer.attrib.pop("cert", None)  # (the words taken in were marked uncertain until linked)
        if head.get("cert"):
            outer.set("cert", head.get("cert"))
    elif owned:  # `the Central Committee of Ukraine`: the owner's own body (decisions.toml [[owner]])
        outer.set("ref", f"orgs.xml#{owned}")
        outer.attrib.pop("cert", None)
    else:
        # another owner's body, which the register does not hold (`Sovnarkom of the RSFSR`); a head whose
        # entry is some other body's sub-body is not that one (`the Secretariat of the ECCI`)
        outer.set("cert", "low")
        if head_ref and rules.parents.get(head_ref):
            del head.attrib["ref"]
            head.set("cert", "low")


def _take_words(parent, body, index: int, slot: str, at: int, side: str, tag: str = ORG):
    """`the Presidium of the CCC`, `NKVD Administration`: the words of a sub-body or an owner that stand
    in the text beside `body` join it in a whole name (without @ref, cert="low", unless linked after)."""
    outer = _outer(parent, body, tag)
    if side == "before":
        outer.text = slot[at:]
        if index:
            parent[index - 1].tail = slot[:at]
        else:
            parent.text = slot[:at]
        outer.append(body)
        outer.tail, body.tail = body.tail, None
    else:
        outer.append(body)
        outer.tail, body.tail = slot[at:], slot[:at]
    outer.set("cert", "low")
    return outer


def _outer(parent, first, tag: str = ORG):
    outer = etree.Element(tag)
    outer.set("resp", ANNOTATOR)
    parent.insert(parent.index(first), outer)
    return outer


"""Stage 8, identify: decide who or what each name means, in its context.

The entities stage finds the names and the entries their words can name (the
claimants), narrowed by what the name itself says (initials, forename,
patronymic, a role word). Where several entries remain, or the name's own
words contradict its context, this stage decides, weighing the evidence the
text gives, in this order (the rules are data: data/registers/decisions.toml):

1. the editors' decision for this passage and form (`[[override]]`);
2. a region whose name meant other units in other years (`[[by_years]]`: the Middle
   Volga, the Volga region before 1928, the Middle Volga Krai from 1928): the
   entry of the years the sentence (else the paragraph) speaks of;
3. the kind of thing meant: the names the mention is listed with (`Leningrad,
   Kharkov, Gorky, Kiev`: a city) and the word after it (`Gorkiy Prison`);
4. the person's dates against the years the sentence (else the paragraph)
   speaks of: a person dead before every one of them, or not yet grown, is
   not meant (a veto, never a choice on its own while someone unregistered
   may bear the name);
5. a descriptor or office near the name (`the physicist`, `people's commissar
   of the Navy`, `aircraft designer`), and the calling of the people it is
   listed with (`Zoshchenko, Akhmatova, Pasternak and Platonov`: a writer);
6. the text's own fuller mention (initials, forename) of one of the
   candidates earlier in the same division; where it named several, the
   latest in the same paragraph;
7. the text's own identification (profile `[entities] prefer`), then the
   register's `default`.

A body named like an all-Union one (`Central Committee`, `Politburo`, `TsIK`)
is that body unless the text names another owner beside it (`edition.bodies`);
a party named by the words every country's shares (`the Communist Party`, `the
Social-Democracy`) is the party of the country the passage speaks of (beside it,
in the sentence or the one before, or the division's, as the editors give it).

What the evidence does not decide stays without @ref, with cert="low", and is
queued for the editors (`edition names`). Every decision among several entries
is recorded: passage, form, entry chosen (or none), certainty, evidence and the
alternatives rejected (`doc.report["identify"]["decisions"]`, written by
`edition build` to build/decisions.tsv). A decision that is not an exact
full-name match carries @cert: "high" for a name's own initials or forename,
"medium" for context.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache

from lxml import etree

from . import XML_ID, tei
from .entities import (CANDIDATES, CLAIMANTS, EVIDENCE, INITIALS_ALONE_EVIDENCE, REGISTER_FILE, UNIDENTIFIED,
                       ELEMENT_FOR_KIND, matcher)
from .model import Document
from .registers import REGISTERS, Entry, RegisterError
from .bodies import SENTENCE_END, Bodies, take_into
from .serialize import assign_ids

DECISIONS_FILE = REGISTERS / "decisions.toml"
NAMES = {tei("persName"): "person", tei("placeName"): "place", tei("orgName"): "org"}
# evidence of the name's own words: it decides, and a fuller mention is remembered
OWN_WORDS = ("full name", "initials", "forename", "abbreviated forename", "forename and patronymic",
             "forename (inverted)", "forename (transliterated)")
YEAR = re.compile(r"(?<![\d/.-])(1[89]\d\d)(?!\d)")
# a name element to be taken out, its words kept (a working tag: strip_tags removes it)
UNWRAP = "{urn:x-edition:working}unwrap"
# between two names of one list: a comma, `and`, `or`
LIST_GLUE = re.compile(r"^\s*(?:,|;|,?\s+and|,?\s+or)\s*$")
# `in` or `near` before a name that a person and a place share, alone or after another name and `and`: the place
# (`in Kuybyshev`, `in Solikamsk and Kuybyshev`); not before a possessive (`in Gorky's novels`)
IN_A_PLACE_BEFORE = re.compile(r"\b(?:in|near)\s+(?:[A-Z][\w'’-]*\s+(?:and|or)\s+)?$")
POSSESSIVE_AFTER = re.compile(r"['’]s?\b")


class DecisionsError(RegisterError):
    """decisions.toml is not valid: the build stops with the file and the fault."""


@dataclass
class Decision:
    passage: str
    form: str
    chosen: str          # an entry id, or "" for none
    kind: str
    cert: str
    evidence: str
    rejected: list[str] = field(default_factory=list)
    context: str = ""

    def row(self) -> str:
        return "\t".join([self.passage, self.form, self.chosen or "-", self.cert or "exact", self.evidence,
                          " ".join(self.rejected), self.context])


DECISIONS_HEADER = "passage\tform\tentry\tcert\tevidence\trejected\tcontext"


@dataclass
class Rules:
    overrides: dict[tuple[str, str], str]
    descriptors: dict[str, list[str]]
    callings: dict[str, list[str]]
    place_heads: set[str]
    years_min_age: int
    bodies: Bodies
    division_countries: dict[str, str]
    by_years: list[dict] = field(default_factory=list)


@lru_cache(maxsize=1)
def rules_data() -> dict:
    """decisions.toml as read, for the stages that take their rules from it."""
    try:
        return tomllib.loads(DECISIONS_FILE.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as err:
        raise DecisionsError(f"{DECISIONS_FILE}: {err}") from None


@lru_cache(maxsize=1)
def rules() -> Rules:
    data = rules_data()
    overrides = {}
    for number, item in enumerate(data.get("override", []), 1):
        if not {"passage", "form", "entry"} <= set(item):
            raise DecisionsError(f"{DECISIONS_FILE.name}: override {number} needs passage, form and entry")
        overrides[(item["passage"], item["form"])] = item["entry"]
    for number, item in enumerate(data.get("by_years", []), 1):
        if not {"form", "entry", "from", "until", "otherwise"} <= set(item):
            raise DecisionsError(f"{DECISIONS_FILE.name}: by_years {number} needs form, entry, from, until and "
                                 "otherwise")
    return Rules(overrides, data.get("descriptors", {}), data.get("callings", {}),
                 set(data.get("place_heads", [])), int(data.get("years", {}).get("min_age", 15)),
                 Bodies(data.get("bodies", {}), data.get("owner", [])),
                 {d["division"]: d["country"] for d in data.get("division_country", [])},
                 data.get("by_years", []))


# after a body: the republics' bodies of its kind (`the TsIK of the autonomous republics`, `the Central Executive
# Committee and the SNK of the republics`)
OF_THE_REPUBLICS = re.compile(r"(?:\s+and\s+(?:the\s+)?[A-Z][\w()'’-]*(?:\s+[A-Z][\w()'’-]*){0,4})?\s+of\s+the\s+"
                              r"(?:union\s+|national\s+|autonomous\s+|Union\s+)?republics\b")
# a forename and a patronymic, the Russian polite address (`Nikolai Ivanovich`, `Sergei Ivanovich`)
PATRONYMIC_ADDRESS = re.compile(r"[A-Z][a-z]+ [A-Z][a-z]+(?:ovich|evich|ich|ovna|evna|ichna)")


class Scope:
    """What the text has said so far, within one division (a chapter, a section)."""

    def __init__(self):
        self.fuller: dict[str, list[tuple[str, str]]] = {}   # bare form -> [(entry id, passage)]
        self.local: dict[tuple[str, str], str] = {}           # (passage, form) -> entry id

    def remember(self, form: str, entry_id: str, passage: str) -> None:
        self.fuller.setdefault(form, []).append((entry_id, passage))


class Identifier:
    def __init__(self, doc: Document, registers: dict[str, list[Entry]]):
        self.ids = {e.id: e for entries in registers.values() for e in entries}
        prefer = doc.profile.table("entities").get("prefer", {})
        self.prefer = {form: i for form, i in prefer.items() if i in self.ids}
        self.rules = rules()
        # keyed by the division element itself: an lxml proxy's id() may be reused once it is freed
        self.scopes: dict[object, Scope] = {}
        self.decisions: list[Decision] = []
        self.ref_change = 0
        self.overrides_used: set[tuple[str, str]] = set()
        self._block, self._block_text, self._starts = None, "", {}

    # --- where a name stands -------------------------------------------------

    def scope(self, element) -> Scope:
        """Memory per division: a name given in full in one chapter says nothing of another's."""
        division = next((a for a in element.iterancestors(tei("div"), tei("front"), tei("back"), tei("body"))), None)
        return self.scopes.setdefault(division, Scope())

    @staticmethod
    def passage(element) -> tuple[str, etree._Element]:
        for ancestor in element.iterancestors():
            if ancestor.get(XML_ID):
                return ancestor.get(XML_ID), ancestor
        return "", element

    # --- deciding --------------------------------------------------------------

    def override(self, passage: str, words: str) -> str | None:
        """The editors' decision for this passage and name (decisions.toml `override`), if any."""
        decided = self.rules.overrides.get((passage, words))
        if decided is not None:
            self.overrides_used.add((passage, words))
        return decided

    def identify(self, element) -> None:
        words = " ".join("".join(element.itertext()).split())
        passage, block = self.passage(element)
        scope = self.scope(element)
        if element.tag == tei("orgName") and self._ref_id(element) and self._of_the_republics(element, words, passage,
                                                                                               block):
            return
        if self._ref_id(element) in self.rules.bodies.all_union:
            self._whose_body(element, words, passage, block, scope)
            return
        if self.rules.bodies.national(self._ref_id(element), words):
            self._whose_party(element, words, passage, block)
            return
        if element.get(EVIDENCE) == INITIALS_ALONE_EVIDENCE:
            self._initials_alone(element, words, passage, block, scope)
            return
        claimants = (element.get(CLAIMANTS) or "").split()
        override = self.override(passage, words)
        if override is None and self._by_years(element, words, passage, block):
            return
        if len(set(claimants)) < 2 and override is None:
            # (one entry claims the name; the editors may still decide it meant another: a body the translation
            # misnamed with another's words)
            self._remember(element, words, passage, scope)
            return
        candidates = [c for c in (element.get(CANDIDATES) or "").split()]
        evidence = element.get(EVIDENCE) or ""
        chosen = self._ref_id(element)
        rejected: dict[str, str] = {}
        cert = element.get("cert")

        if override is not None:
            chosen, cert, evidence = override, ("" if override else "low"), "the editors' decision"
        elif chosen:
            # the name's own words (or a role word before it) chose: kept unless the context rules it out
            contradicted = self._contradicted(element, block, chosen, claimants, rejected)
            if contradicted:
                chosen, cert, evidence = contradicted
            else:
                cert = "" if evidence == "full name" else "high" if evidence in OWN_WORDS + ("the only entry",) else "medium"
        else:
            chosen, cert, evidence = self._from_context(element, block, passage, scope, words, candidates,
                                                        evidence, rejected)
        for other in claimants:
            if other != chosen and other not in rejected:
                rejected[other] = "not preferred" if chosen else "undecided"
        self._apply(element, chosen, cert)
        self.decisions.append(Decision(passage, words, chosen, self._kind(element), cert, evidence,
                                       [f"{i}:{why}" for i, why in rejected.items() if i != UNIDENTIFIED],
                                       _snippet(*self._context(element, block))))
        if chosen and (evidence in OWN_WORDS or evidence == "the editors' decision"):
            self._remember(element, words, passage, scope)
        elif chosen:
            scope.local[(passage, words)] = chosen

    def _by_years(self, element, words, passage, block) -> bool:
        """A region named as it was in other years (decisions.toml `by_years`): the unit of the years the sentence
        speaks of, else the paragraph's nearest; all within the rule's span, its entry; none, the other; no year or
        some of each, the name's own entry stands."""
        rule = next((r for r in self.rules.by_years if element.tag == tei(ELEMENT_FOR_KIND[self.ids[r["entry"]].kind])
                     and re.match(rf"{re.escape(r['form'])}\b", words)), None) if self.rules.by_years else None
        if rule is None:
            return False
        text, at = self._context(element, block)
        # else the year the paragraph last named before it (the narration's time), else the first after it
        before, after = YEAR.findall(text, 0, at[0]), YEAR.findall(text, at[1])
        years = self._years(text, at, block) or [int(y) for y in (before[-1:] or after[:1])]
        within = [rule["from"] <= y <= rule["until"] for y in years]
        if not years or len(set(within)) > 1:
            return False
        chosen = rule["entry"] if within[0] else rule["otherwise"]
        other = rule["otherwise"] if within[0] else rule["entry"]
        self._apply(element, chosen, "medium")
        span = f"{rule['from']}-{rule['until']}"
        self.decisions.append(Decision(passage, words, chosen, self._kind(element), "medium",
                                       f"the years the passage speaks of ({min(years)}-{max(years)})",
                                       [f"{other}:{'outside' if within[0] else 'the unit of'} {span}"],
                                       _snippet(text, at)))
        return True

    def _initials_alone(self, element, words, passage, block, scope: Scope) -> None:
        """`in the care of V.I.`, `talked with M.I.`: the one person the division has named whose forename and
        patronymic (or forename and surname) have these initials. Several, or none, and the initials are taken
        for no name: the translation's `A.I., authorized representatives` has lost the name it abbreviated."""
        override = self.override(passage, words)
        named = {entry for entry, _ in scope.fuller.get(_initials_key(words), [])}
        if override is not None:
            chosen, cert, evidence = override, ("" if override else "low"), "the editors' decision"
        elif len(named) == 1:
            chosen, cert, evidence = named.pop(), "medium", "initials of the one the division has named"
        else:
            chosen, cert, evidence = "", "low", f"initials of {len(named)} the division has named: no mention"
        self.decisions.append(Decision(passage, words, chosen, "person", cert, evidence,
                                       [f"{other}:also named with these initials" for other in sorted(named)],
                                       _snippet(*self._context(element, block))))
        if not chosen and override is None:
            unwrap(element)
            return
        self._apply(element, chosen, cert)

    def _of_the_republics(self, element, words, passage, block) -> bool:
        """`the Central Executive Committee and the SNK of the republics`: each republic's, many bodies, none of
        them one body's name, and no mention of the all-Union body: the name is taken out, the decision kept."""
        text, at = self._context(element, block)
        if not OF_THE_REPUBLICS.match(text, at[1]) or self.override(passage, words) is not None:
            return False
        general = self._ref_id(element)
        self.decisions.append(Decision(passage, words, "", "org", "low", "the bodies of the republics: many, no one body",
                                       [f"{general}:not the all-Union body"], _snippet(text, at)))
        unwrap(element)
        return True

    def _whose_body(self, element, words, passage, block, scope) -> None:
        """`the Central Committee of the Communist Party of Azerbaijan`, `the Georgian CP Central
        Committee`: another party's or a republic's body, not the all-Union one."""
        general = self._ref_id(element)
        text, at = self._context(element, block)
        entry = self.ids[general]
        owner = self.rules.bodies.owner(text, at, sorted([entry.name, *entry.data.get("form", [])], key=len, reverse=True))
        override = self.override(passage, words)
        if override is not None:
            chosen, cert, evidence = override, ("" if override else "low"), "the editors' decision"
        elif owner is None or owner[0] == "all-union":
            # the all-Union body, as the texts mean it unless they say otherwise; a bare body soon
            # after another party's is read the same way (in Pavlova's and Rogovin's pages on the
            # republics, 11 of 12 such were the all-Union CC): where it is not, the editors decide
            return
        else:
            chosen = self.rules.bodies.owner_bodies[owner[1]].get(general, "")
            cert, evidence = ("", f"owner '{owner[1]}' named {owner[0].replace('expansion', 'its expansion')}") if chosen else \
                ("low", f"a body of '{owner[1]}' the register does not hold")
            if owner[0] in ("before", "after"):
                take_into(element, owner[0], owner[2][1] - owner[2][0])
            words = " ".join("".join(element.itertext()).split())
        self._apply(element, chosen, cert)
        self.decisions.append(Decision(passage, words, chosen, "org", cert, evidence,
                                       [f"{general}:not the all-Union body"], _snippet(text, at)))

    def _whose_party(self, element, words, passage, block) -> None:
        """`the Communist Party`, `the Social-Democracy`: the party of the country the passage speaks of,
        named beside it (`the Communist Party of Azerbaijan`), in the sentence or the one before (`the Nazi
        Party received 13.7 million votes, the Communist Party 5.3 million`), or the country the editors give
        the division (decisions.toml [[division_country]]); else the register's own entry (the Soviet party,
        the movement's parties)."""
        general = self._ref_id(element)
        bodies = self.rules.bodies
        following = element.getnext()
        if following is not None and self._ref_id(following) in bodies.all_union \
                and bodies.only_party_words.match(element.tail or ""):
            # `the Turkmen Communist Party (of Bolsheviks) Central Committee`: words of the body's owner
            unwrap(element)
            return
        text, at = self._context(element, block)
        owner = bodies.owner(text, at, [])
        override = self.override(passage, words)
        if override is not None:
            chosen, cert, evidence = override, ("" if override else "low"), "the editors' decision"
        else:
            if owner is not None and owner[0] == "all-union":
                return
            country, evidence = (owner[1], f"owner '{owner[1]}' named {owner[0]}") if owner else (None, "")
            if country is None:
                country = bodies.country_near(text, at)
                evidence = f"the country the sentence names ('{country}')"
            if country is None:
                division = next((d.get(XML_ID) for d in element.iterancestors(tei("div"))
                                 if d.get(XML_ID) in self.rules.division_countries), None)
                if division is None:
                    return  # the register's own entry: no other country is spoken of
                country = self.rules.division_countries[division]
                evidence = f"the division's country ({division}: '{country}', decisions.toml)"
            chosen = bodies.owner_bodies.get(country, {}).get(general, "")
            cert = "medium" if chosen else "low"
            if not chosen:
                evidence += ", whose party the register does not hold"
            if owner is not None and owner[0] in ("before", "after"):
                take_into(element, owner[0], owner[2][1] - owner[2][0])
                words = " ".join("".join(element.itertext()).split())
        self._apply(element, chosen, cert)
        self.decisions.append(Decision(passage, words, chosen, "org", cert, evidence,
                                       [f"{general}:another country's party"] if chosen != general else [],
                                       _snippet(text, at)))

    def _from_context(self, element, block, passage, scope, form, candidates, evidence, rejected):
        if self.prefer.get(form) in candidates:
            return self.prefer[form], "medium", "the text's own identification (profile)"
        text, at = self._context(element, block)
        alive = self._kind_fits(element, text, at, candidates, rejected)
        kind_decides = len(alive) < len(candidates)
        # the dates rule out whom a descriptor or a calling might point at; they do not overrule
        # the text's own fuller mention or the default: a sentence may speak of the dead (`charged
        # with the murder of Gorky` in 1937) or cite a book of 1989
        dated: dict[str, str] = {}
        living = self._dates_fit(text, at, block, alive, dated)
        found = self._descriptor(text, at, living) or self._calling(element, living)
        if found:
            rejected.update(dated)
            return found[0], "medium", found[1]
        remembered = [e for e, _ in scope.fuller.get(form, []) if e in alive]
        if remembered and PATRONYMIC_ADDRESS.fullmatch(form):
            latest, where = next((e, p) for e, p in reversed(scope.fuller[form]) if e in alive)
            return latest, "medium", f"the last of that name and patronymic the division names ({where})"
        if len(set(remembered)) == 1:
            where = next(p for e, p in scope.fuller[form] if e == remembered[0])
            return remembered[0], "medium", f"named in full earlier in the division ({where})"
        if remembered:
            latest, where = next((e, p) for e, p in reversed(scope.fuller[form]) if e in alive)
            if where == passage:
                return latest, "medium", "named in full earlier in the paragraph"
        if scope.local.get((passage, form)) in alive:
            return scope.local[(passage, form)], "medium", "decided earlier in the paragraph"
        defaults = [i for i in alive if i in self.ids and form in self.ids[i].default_for]
        if len(defaults) == 1:
            return defaults[0], "medium", "the register's default"
        named = [i for i in alive if i != UNIDENTIFIED]
        if len(named) == 1 and UNIDENTIFIED not in alive and kind_decides:
            return named[0], "medium", f"the only {self.ids[named[0]].kind} among the candidates"
        return "", "low", "undecided" if evidence == "bare" else f"undecided ({evidence})"

    def _contradicted(self, element, block, chosen, claimants, rejected):
        """The name's own initials chose someone the context rules out (dead before the year spoken
        of) while a descriptor names another: `V. Smirnov, who was appointed people's commissar of
        the Navy in 1938` is not V. M. Smirnov (shot 1937)."""
        text, at = self._context(element, block)
        places = [c for c in claimants if c != chosen and c in self.ids and self.ids[c].kind == "place"]
        if places and self.ids[chosen].kind == "person" and self._in_a_place(text, at):
            rejected[chosen] = "a place is meant"  # `in Solikamsk and Kuybyshev`: the city of his name
            return places[0], "medium", "a place is meant (`in` before the name)"
        ruled_out: dict[str, str] = {}
        self._dates_fit(text, at, block, [chosen], ruled_out)
        if not ruled_out:
            return None
        others = [c for c in claimants if c != chosen]
        found = self._descriptor(text, at, others)
        if not found:
            return None
        rejected[chosen] = "dates: " + self._life(chosen)
        return found[0], "medium", f"{found[1]}; the initials' bearer ruled out by his dates"

    @staticmethod
    def _in_a_place(text, at) -> bool:
        """`sent to party work in Solikamsk and Kuybyshev`: the city, not the man."""
        return bool(IN_A_PLACE_BEFORE.search(text, max(0, at[0] - 40), at[0])) and not POSSESSIVE_AFTER.match(text, at[1])

    def _kind_fits(self, element, text, at, candidates, rejected) -> list[str]:
        kinds = {self.ids[c].kind for c in candidates if c in self.ids}
        if len(kinds) < 2:
            return candidates
        wanted = self._neighbour_kind(element)
        after = re.match(r"\s+([A-Z]\w+)", text[at[1]:at[1] + 30])
        if after and after.group(1) in self.rules.place_heads:
            wanted = "place"
        if self._in_a_place(text, at):
            wanted = "place"
        if not wanted:
            return candidates
        for c in candidates:
            if c in self.ids and self.ids[c].kind != wanted:
                rejected[c] = f"a {wanted} is meant"
        kept = [c for c in candidates if c not in rejected]
        return kept or candidates

    def _neighbour_kind(self, element) -> str | None:
        """The kind of the names the mention is listed with (`Leningrad, Kharkov, Gorky, Kiev`): a
        list of three names or more, the others all of one kind. A comma alone makes no list
        (`... who was in Gorki, Lenin could ...`)."""
        listed = _listed_with(element)
        kinds = {NAMES[n.tag] for n in listed}
        return kinds.pop() if len(listed) >= 2 and len(kinds) == 1 else None

    def _dates_fit(self, text, at, block, candidates, rejected) -> list[str]:
        years = self._years(text, at, block)
        if not years:
            return candidates
        kept = []
        for c in candidates:
            birth, death = self._dates(c)
            if death and death < min(years):
                rejected[c] = f"dead ({death}) before {min(years)}"
            elif birth and birth + self.rules.years_min_age > max(years):
                rejected[c] = f"born {birth}, a child in {max(years)}"
            else:
                kept.append(c)
        return kept or candidates

    def _years(self, text, at, block) -> list[int]:
        """The years the sentence around the name speaks of (a paragraph's may be those of the
        works it cites, or of a retrospect)."""
        starts = [0] + [m.end() for m in SENTENCE_END.finditer(text, 0, at[0])]
        end = SENTENCE_END.search(text, at[1])
        return [int(y) for y in YEAR.findall(text[starts[-1]:end.start() if end else len(text)])]

    def _dates(self, entry_id) -> tuple[int | None, int | None]:
        entry = self.ids.get(entry_id)
        if entry is None or entry.kind != "person":
            return None, None
        years = [re.match(r"(\d{4})", str(entry.data.get(k, ""))) for k in ("birth", "death")]
        return tuple(int(y.group(1)) if y else None for y in years)

    def _life(self, entry_id) -> str:
        birth, death = self._dates(entry_id)
        return f"{birth or '?'}-{death or ''}"

    def _descriptor(self, text, at, candidates):
        """A descriptor of one candidate within the sentence around the name."""
        window = text[max(0, at[0] - 90):at[1] + 90]
        sentence_bounds = [m.end() for m in SENTENCE_END.finditer(window)]
        offset = max(0, at[0] - 90)
        start = max([b for b in sentence_bounds if b + offset <= at[0]] or [0])
        end = min([b for b in sentence_bounds if b + offset >= at[1]] or [len(window)])
        window = window[start:end]
        found = [(c, d) for c in candidates for d in self.rules.descriptors.get(c, [])
                 if re.search(rf"\b{re.escape(d)}\b", window, re.IGNORECASE)]
        if len({c for c, _ in found}) == 1:
            return found[0][0], f"descriptor '{found[0][1]}'"
        return None

    def _calling(self, element, candidates):
        """The calling the people listed with the name share (`Zoshchenko, Akhmatova, Pasternak and
        Platonov`): the candidate of that calling, if one."""
        neighbours = [self._ref_id(n) for n in _listed_with(element) if n.tag == tei("persName")]
        callings = [self._calling_of(n) for n in neighbours if n]
        callings = [c for c in callings if c]
        if len(callings) < 2 or len(set(callings)) != 1:
            return None
        calling = callings[0]
        fitting = [c for c in candidates if self._calling_of(c) == calling]
        if len(fitting) == 1:
            return fitting[0], f"listed with others of the calling '{calling}'"
        return None

    def _calling_of(self, entry_id) -> str | None:
        entry = self.ids.get(entry_id)
        if entry is None:
            return None
        about = (entry.data.get("about") or "").lower()
        for calling, words in self.rules.callings.items():
            if any(re.search(rf"\b{re.escape(w)}", about) for w in words):
                return calling
        return None

    # --- the tree ---------------------------------------------------------------

    def _context(self, element, block) -> tuple[str, tuple[int, int]]:
        """The block's text and the name's place in it (the block's text read once for all its names)."""
        if self._block is not block:
            nodes = block.xpath(".//text()")
            self._block, self._block_text, self._starts = block, "".join(nodes), {}
            position = 0
            for node in nodes:
                # a name starts at its first text, which may be that of a name nested first in it
                # (`<placeName><placeName>Middle Volga</placeName> region</placeName>`)
                named = node.getparent() if node.is_text else None
                while named is not None and named is not block:
                    if named.tag in NAMES:
                        self._starts.setdefault(named, position)
                    named = named.getparent()
                position += len(node)
        position = self._starts.get(element, 0)
        return self._block_text, (position, position + len("".join(element.itertext())))

    @staticmethod
    def _ref_id(element) -> str:
        return (element.get("ref") or "").partition("#")[2]

    def _kind(self, element) -> str:
        return NAMES.get(element.tag, "")


    def _apply(self, element, chosen: str, cert: str) -> None:
        had = bool(element.get("ref"))
        if chosen and chosen in self.ids:
            kind = self.ids[chosen].kind
            if NAMES.get(element.tag) != kind:
                element.tag = tei(ELEMENT_FOR_KIND[kind])
            element.set("ref", f"{REGISTER_FILE[kind]}#{chosen}")
        else:
            element.attrib.pop("ref", None)
        if cert:
            element.set("cert", cert)
        else:
            element.attrib.pop("cert", None)
        self.ref_change += bool(element.get("ref")) - had

    def _remember(self, element, words: str, passage: str, scope: Scope) -> None:
        """A fuller mention (initials or forename with the surname) lends its entry to later bare
        uses of the surname in the division; a forename or alias alone (`Papuliya`) does not."""
        entry = self.ids.get(self._ref_id(element))
        if entry is None or entry.kind != "person":
            return
        # any mention of him lends his forename and patronymic, which are his name-and-patronymic address
        # (`Nikolai Ivanovich`, said of Muralov just named, not of Bukharin, the register's default)
        for forename in entry.data.get("forename", []):
            for patronymic in entry.data.get("patronymic", []):
                scope.remember(f"{forename} {patronymic}", entry.id, passage)
                scope.remember(_initials_key(f"{forename[0]}. {patronymic[0]}."), entry.id, passage)
            for surname in entry.surnames:
                scope.remember(_initials_key(f"{forename[0]}. {surname[0]}."), entry.id, passage)  # `L. D.`, `R. M.`
        if words in entry.surnames:
            return
        for surname in entry.surnames:
            if re.search(rf"\b{re.escape(surname)}\b", words):
                scope.remember(surname, entry.id, passage)


def _initials_key(initials: str) -> str:
    """`V. I.`, `V.I.` -> `initials:VI`: a key of the division's memory no name's words can be."""
    return "initials:" + "".join(ch for ch in initials if ch.isupper())


def identify(doc: Document) -> Document:
    report = doc.stage_report("identify")
    text = doc.tei.find(tei("text")) if doc.tei is not None else None
    if text is None or doc.profile.table("entities").get("skip"):
        return doc
    assign_ids(doc)  # the passages' ids, by which decisions are reported and overridden
    identifier = Identifier(doc, matcher().registers)
    for element in list(text.iter(*NAMES)):
        identifier.identify(element)
        _unwrap_if_kind_unknown(element)
    for passage, words in sorted(set(identifier.rules.overrides) - identifier.overrides_used):
        if passage.split(".")[0] == doc.profile.key:
            # a passage's id moves when the structure is mended: say so rather than decide nothing
            doc.warn(None, f"decisions.toml: the override for {words!r} in {passage} met no such name "
                           "there (stale data?)")
    entities = doc.report.get("entities", {})
    if "with_ref" in entities:
        entities["with_ref"] += identifier.ref_change
    # every person name of the text once its homonyms are decided, those an earlier stage encoded
    # included: the share of person names with @ref that `edition names` reports
    refs = [name.get("ref") for name in text.iter(tei("persName"))]
    entities["persons"], entities["persons_with_ref"] = len(refs), sum(1 for ref in refs if ref)
    decisions = identifier.decisions
    if "review_queue" in entities:
        # what the context could not decide joins the editors' queue
        queue = entities["review_queue"]
        for d in decisions:
            if not d.chosen:
                queue[d.form] = queue.get(d.form, 0) + 1
        entities["review_queue"] = dict(sorted(queue.items(), key=lambda item: (-item[1], item[0])))
        entities["review_queue_size"] = len(queue)
    report["decisions"] = [d.row() for d in decisions]
    report["decided"] = sum(1 for d in decisions if d.chosen)
    report["undecided"] = sum(1 for d in decisions if not d.chosen)
    for d in decisions:
        key = f"cert_{d.cert or 'exact'}"
        report[key] = report.get(key, 0) + 1
    return doc


def unwrap(element) -> None:
    """Take the name element out, its words and children left in place."""
    element.tag = UNWRAP
    etree.strip_tags(element.getparent(), UNWRAP)


def _unwrap_if_kind_unknown(element) -> None:
    """Not even the kind of thing could be told (a person or a city?): no name element; the queue lists it."""
    candidates = (element.get(CANDIDATES) or "").split()
    if element.get("ref") or len(candidates) < 2:
        return
    kinds = {e.kind for es in matcher().registers.values() for e in es if e.id in candidates}
    if len(kinds) > 1:
        unwrap(element)


def _snippet(text: str, at: tuple[int, int], width: int = 70) -> str:
    """The name in brackets with the words around it, for the decisions report."""
    return " ".join(f"{text[max(0, at[0] - width):at[0]]}[{text[at[0]:at[1]]}]{text[at[1]:at[1] + width]}".split())


def _listed_with(element, reach: int = 4) -> list:
    """The names listed with `element`, on either side, joined by commas, `and`, `or`."""
    return _listed_towards(element, reach, before=True) + _listed_towards(element, reach, before=False)


def _listed_towards(element, reach: int, before: bool) -> list:
    listed, node = [], element
    for _ in range(reach):
        neighbour = node.getprevious() if before else node.getnext()
        glue = (neighbour.tail if before else node.tail) if neighbour is not None else None
        if neighbour is None or neighbour.tag not in NAMES or not LIST_GLUE.match(glue or ""):
            break
        listed.append(neighbour)
        node = neighbour
    return listed

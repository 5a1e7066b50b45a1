"""Stage 7, entities: find the names of persons, places and organisations, and who they may be.

The registers (data/registers/*.toml, see `edition.registers`) give every
surface form of every entity. One Aho-Corasick automaton over all forms finds
candidate mentions in each text node; this stage settles each name's span and
its candidates (the entries its words can name), narrowed by what the name
itself says. Choosing among several candidates from the context is the next
stage's work (`edition.identify`), which reads the working attributes this one
leaves on each name (`CLAIMANTS`, `CANDIDATES`, `EVIDENCE`).

- a match must stand as a whole word: `Stalinist`, `Kirovograd` are not
  `Stalin`, `Kirov`; a possessive `'s` stays outside the element;
- a name followed by the head of an institution (`Kirov Plant`, `Moscow
  Committee`, `Stalin Constitution`) is part of that name, not a mention of
  the person or place (the organisation register may claim the whole);
- initials, a forename or a forename and patronymic before a surname (`I. N.
  Smirnov`, `Sergei Kamenev`) are taken into the element and narrow the
  candidates; an alias that is another entry's surname (`Ioffe`, Deborin's birth
  name) names no one alone; initials that fit no one leave the mention without @ref;
  initials that fit the surname's other gender form name that person (`M.I.
  Ulyanov`: Maria Ilyinichna Ulyanova);
- a forename no list knows (`Bulat Okudzhava`) belongs to the name and must fit the
  entry, across transliterations (`Iuri`/`Yuri`), or the mention gets no @ref;
- a name the received text misreads is found in its correction (data/corrections:
  `Sokolonikov` is Sokolnikov), and the correction then stands inside the name;
- names inside titles are not mentions: every quotation in a bibliography, a quotation
  after an author in a note (`P. Broué, "Party Opposition to Stalin..."`) or after a
  word for a work anywhere (`his article "Stalin and the Red Army"`); newspapers and
  journals are titles (`title level="j"`: `the newspaper "Soviet Russia"`, `Pravda`);
- a town named after a person (Kuybyshev, Ordzhonikidze) is the town only after its
  title word (`in`), the person elsewhere.
- names joined by a hyphen or a dash before the head of a thing name the thing
  (`the Moscow-Volga canal`); a place before the head of an event names the event
  (`the Moscow trials`, `the Shakhty case`), as in capitals (`the Moscow Trials`);
  a name joined to a number names an event (`Tbilisi-56`);
- a person or place named in a group's description is a mention, each name of a
  joined pair (`the Bukharin troika`, `the Riutin Platform`, `the Syrtsov-Lominadze
  opposition group`, `the Leningrad group`): rules.toml `group_heads`.

Every automatic mention carries @resp="#edition-editors" (the header declares
them); the identify stage gives @cert to every decision that is not an exact name.
"""

from __future__ import annotations

import re
from functools import lru_cache
from collections.abc import Callable
from itertools import chain
from dataclasses import dataclass, field, replace

import ahocorasick
from lxml import etree

from . import ED_NS, tei
from .dates import MONTHS
from .model import Document
from .registers import Entry, load_registers
from .tree import milestones_lifted, replace_slot

ANNOTATOR = "#edition-editors"
# Working attributes handed to the identify stage (stripped by serialize)
CLAIMANTS = f"{{{ED_NS}}}claimants"
CANDIDATES = f"{{{ED_NS}}}candidates"
EVIDENCE = f"{{{ED_NS}}}evidence"
# a surname the register's rules list as borne by people it does not hold (rules.toml unidentified_persons)
UNIDENTIFIED = "?"
ELEMENT_FOR_KIND = {"person": "persName", "place": "placeName", "org": "orgName"}
REGISTER_FILE = {"person": "persons.xml", "place": "places.xml", "org": "orgs.xml"}

# Content that is not running prose naming people: the header, bibliographic
# titles, names already encoded by an earlier stage.
SKIP = ("teiHeader", "title", "persName", "placeName", "orgName", "rs", "idno", "date")
HI = tei("hi")
NOTE = tei("note")
HEAD = tei("head")
SUPPLIED = tei("supplied")
NAME_ELEMENTS = (tei("persName"), tei("placeName"), tei("orgName"))
BIBLS = {tei("bibl"), tei("listBibl"), tei("biblStruct")}

# Initials as the sources write them: `I. N. `, `I.N.`, `Ye. A. `, `Yu.G.`, `H.K.`
INITIAL = r"(?:Shch|Sh|Ch|Kh|Zh|Ts|Ye|Yu|Ya|Yo|Iu|Ia|[A-Z])"
CONTRACTION_AFTER = re.compile(r"['’]t\b")
NUMBER_AFTER = re.compile(r"[-–]\d")
LOWER_NEXT = re.compile(r"[\"”»]?\s+([a-z]+)\b")
CLOSING_QUOTE_NEXT = re.compile(r"[,.]?[\"”»]\s+([a-z]+)\b")
PLACE_AND_PLACE_NEXT = re.compile(r"\s+and\s+[A-Z][\w'’-]*")
HYPHENED_NEXT = re.compile(r"[-–]([a-z]+)\b")
# a time named by a person's possessive is an era, as `the Stalin era`: `in Stalin's time`, `in Lenin's day`
POSSESSIVE_TIME_NEXT = re.compile(r"['’]s\s+(?:time|times|era|epoch|day|days)\b")
# A surname as the Latin alphabet writes it, accents included (`Broué`, `Kühne`)
SURNAME = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+)?"
# `Evg. Preobrazhensky`, `Konst.`: an abbreviated forename, taken only when it fits
FORENAME_ABBREVIATION = re.compile(r"\b([A-Z][a-z]{1,4})\.\s?$")
INITIALS_BEFORE = re.compile(rf"((?:\b{INITIAL}\.\s?){{1,3}})$")
INITIAL_LETTER = re.compile(rf"({INITIAL})\.")
UNKNOWN_PERSON = re.compile(
    rf"(?<![\w.])(?:{INITIAL}\.\s?){{1,3}}(?P<surname>{SURNAME})(?![\w-])")
FORENAME_SURNAME = re.compile(
    rf"(?<![\w.-])(?P<forename>[A-Z][a-z]{{3,}})\s+(?:[A-Z][a-z]+(?:ovich|evich|ich|ovna|evna|ichna)\s+)?"
    rf"(?:{INITIAL}\.\s?)?(?P<surname>{SURNAME})(?![\w-])")
# `Petr and ` before `Levan Agniashvili`: the first forename of two that share one surname
FORENAME_JOINED = re.compile(r"(?<![\w.-])(?P<forename>[A-Z][a-z]{2,})\s+and\s+$")
# `Vissarion (Beso) Lominadze`, `Papuliya (Pavel) Ordzhonikidze`: a forename and, in brackets, another
NICKNAME_BETWEEN = re.compile(r"\s+\([A-Z][a-z]+\)\s+")
FORENAME_NICKNAME = re.compile(rf"(?<![\w.-])(?P<forename>[A-Z][a-z]{{2,}}){NICKNAME_BETWEEN.pattern}$")
FORENAME_PATRONYMIC = re.compile(
    r"\b(?P<forename>[A-Z][a-z]+)\s+(?P<patronymic>[A-Z][a-z]+(?:ovich|evich|ich|ovna|evna|ichna|inichna))\s+$")
# the capitalised words after a name; a closing quotation mark may stand between (`the "Stalin" Constitution`)
# (a hyphen joins a name to the next word, `Kirov-Plant`; a dash between spaces is punctuation: `O.V. Khlevnyuk -
# People's Commissariat of Heavy Industry`, a list of who studied what)
FOLLOWING_WORDS = re.compile(r"[\"”»]?(?:(?:\s+|[-–]\s*)[A-Z][\w'’-]*){1,4}")
CAPITALISED = re.compile(r"[A-Z][\w'’-]*")
# names joined by a hyphen or, in Medvedev's translation, a dash: `the Zinovyev—Kamenev opposition`
COMPOUND_LEFT = re.compile(r"[A-Z][\w'’]*(?:[-–—][A-Z][\w'’]*)*[-–—]$")
COMPOUND_RIGHT = re.compile(r"(?:[-–—][A-Z][\w'’]*)+")
COMPOUND_HEAD = re.compile(r"(?:\s+(?:and|the|[A-Z][\w'’-]*))*\s+([a-z]+)")
CAPITAL_NEXT = re.compile(r"\s+[A-ZА-Я]")
# (a straight mark after a letter or a stop closes, never opens: the machine translation drops opening marks, and
# `... in the USSR", found in ... under the title "Organization ..."` must not pair across the stray closer)
QUOTED = re.compile(r"(?:(?<![\w.,;:!?%])\"|[“«])[^\"”»]{3,300}[\"”»]")
QUOTATION_MARKS = re.compile(r"[\"“«]")
# In a note, a quotation right after an author's name and a comma is the title of
# his article (`P. Broué, “Party Opposition to Stalin ...”`, `[L. Trotsky, “...”`)
# or after `Cf.:`; a quotation after `wrote:` or `said,` is speech and keeps its names.
# Anywhere, a quotation right after a word for a work is its title (`In his article "Stalin
# and the Red Army" Voroshilov ...`, `the novel "Darkness at Noon"`): no persons or places there.
WORKS = (r"article|articles|book|books|essay|pamphlet|brochure|play|novel|poem|story|film|opera|collection|"
         r"publication|publications|anthology|compilation|monograph|memoirs|works|collections|compilations|monographs|"
         r"pamphlets|brochures|novels|poems|films")
# (`the collection of documents "Stalin's Politburo in the 30s"`: what the work gathers may stand between)
AFTER_WORK = re.compile(rf"\b(?:(?:{WORKS})(?:\s+of\s+(?:documents|articles|essays|materials|papers|letters))?|"
                        rf"entitled|titled|headline|headed|title|topic|theme|subject)\s*,?\s*[\"“«]$")
# a person's name right after a word for a work is its title (`In his book Stalin, Trotsky stressed`)
WORK_BEFORE = re.compile(rf"\b(?:{WORKS}|biography)\s+$")
TITLE_ENDS = re.compile(r"\s*[,.;:)]")  # not `In the novel Rubin recalls`: the subject of the sentence
# or after the work's author (`in the article by T.P. Korzhikhina "The Political System in the USSR"`)
# a work and its title after a colon (`Pravda published a lead article inspired by Stalin: "The Comintern on ..."`)
AFTER_WORK_COLON = re.compile(rf"\b(?:[Aa]n?|[Tt]he|[Hh]is|[Hh]er|[Ii]ts|[Tt]heir)\s+(?:[a-z]+\s+)?(?:{WORKS})\b[^.?!\"“«:]{{0,40}}:\s*[\"“«]$")
# (`an article by the latter, "The Economic Situation in the USSR"`: the author named before)
# (`The same issue of the Bulletin published "Correspondence from Moscow,"`: what a periodical printed)
AFTER_PUBLISHED = re.compile(r"\b(?:published|printed|reprinted)\s+[\"“«]$")
AFTER_WORK_BY = re.compile(rf"\b(?:{WORKS})\s+(?:by|of)\s+(?:(?:[A-Z][\w.'’-]*\s*){{1,4}}|the\s+(?:latter|former)\s*)"
                           rf",?\s*[\"“«]$")
AFTER_AUTHOR = re.compile(r"(?:\b[A-ZÀ-Þ][\w'’-]*[a-zß-ÿ]\s*,|(?<![\w.])(?:[A-Z]\.\s*)+,|\bCf\.:?)\s*$")
# (an author may sign with his initials alone: `G. G., “Inside the Right-Centrist Bloc (A Letter from Moscow)”`)
# A document cited by its title, anywhere: a quotation opening with `On`, `About` or `Concerning` after a word
# for a document in the same clause (`the decree of the TsIK and Sovnarkom of the USSR, “On the Establishment of
# a Unified Passport System for the USSR”`), or opening with such a word itself (`the "Appeal to All Members of
# the VKP(b)"`, `"Order of the Council of People's Commissars on the Implementation of ..."`). A quotation after
# `wrote:` or a full stop is speech (`“On the tenth anniversary of the October Revolution, to present ...”`).
DOCUMENTS = (r"decrees?|resolutions?|directives?|circulars?|letters?|laws?|orders?|reports?|speech|speeches|theses|"
             r"decisions?|instructions?|declarations?|statements?|appeals?|platforms?|programm?e?s?|regulations|"
             r"statutes?|questions?|works?|texts?|meeting|conference|round table|session|agenda|item")
# (an initial's full stop ends no clause: `a report from the Commission chaired by M. Solomentsev, "About ..."`)
DOCUMENT_BEFORE = re.compile(rf"\b(?:{DOCUMENTS}|{WORKS})\b(?:[^.;:!?\"“”«»]|(?<=\b[A-Z])\.){{0,100}}$", re.IGNORECASE)
ABOUT_OPENER = re.compile(rf"[\"“«](?:On|About|Concerning|Regarding)\s+(?![0-9])(?!(?:{'|'.join(MONTHS)})\b)")
DOCUMENT_OPENER = re.compile(r"[\"“«](?:Draft\s+)?(?:Appeal|Order|Decree|Resolution|Letter|Declaration|Statement|Theses|Instruction|"
                             r"Directive|Circular|Regulations?|Statute|Address|Manifesto|Rules|Procedure|Provisions|Charter|"
                             r"Additions?|Amendments?|Supplement|Addendum|Collection|Code|Bulletin|Considerations|Proposals?|"
                             r"Report|Memorandum|Plan|Programm?e?|Decision|"
                             # (in lower case too: `not a law but a "decision of the Central Executive Committee ..."`)
                             r"decision|resolution|decree|directive|instruction|Short\s+Course)"
                             r"\s+(?:to|of|on|about|for|from|by|in)\s")
# a capitalised quotation right after a name's possessive: his work's title (`Kaganovich's "Memorial Notes"`)
AUTHORS_BEFORE = re.compile(r"\b[A-Z][\w-]*[a-z]['’]s\s+$")
# or right after its author's initials and surname, as Pavlova cites (`M. Eastman "After the death of Lenin"`)
AUTHOR_BEFORE = re.compile(r"(?<![\w.])(?:[A-Z]\.\s?){1,2}[A-Z][a-z][\w'’-]*\s+$")
# a quotation right after a word for a meeting is its title (`the round table "Stalin's model of socialism"`)
EVENT_BEFORE = re.compile(r"\b(?:round table|conference|seminar|symposium|colloquium|exhibition)(?:\s+meeting)?\s+$",
                          re.IGNORECASE)
# a quotation followed by what it names: `“Illustrated Russia,” an emigré newspaper published in Paris`
# the word for the works joined to the last title by a dash or a hyphen (`"..."-articles with such headlines`)
WORKS_JOINED_AFTER = re.compile(rf"\s*[-–—]\s*(?:{WORKS}|headlines?)\b")
NEXT_QUOTATION = re.compile(r"\s*,?\s*[\"“][^\"“”]{1,200}[\"”]")
WORK_AFTER = re.compile(rf"[,\s]*(?:an?|the)\s+(?:[\w'’-]+\s+){{0,2}}(?:{WORKS}|newspaper|journal|magazine|weekly|daily)\b")
# `Alikhanov, Sergei.`: a bibliography's inverted name, the forename after the comma
INVERTED_FORENAME = re.compile(r",\s+(?P<forename>[A-Z][a-z]+)\b(?!\s+[A-Z][a-z]+\s)")
OPEN_QUOTATION_AT_END = re.compile(r"[“«][^”»]*$")  # a quotation opened and not yet closed
LOWER_WORD = re.compile(r"\b[a-zа-яё][\w'’]*")
INITIALS_ONLY = re.compile(rf"(?:{INITIAL}\.\s?)+")
# Abbreviations that look like initials but are not: `St. Petersburg`, `Cf. Stalin`
ABBREVIATIONS = {"St", "No", "Cf", "Dr", "Mr", "Mrs", "Ms", "Vol", "Lt", "Gen", "Col", "Op", "Ed", "Tov", "Com", "See"}
WORD_BEFORE = re.compile(r"([A-Z][a-z'’]+(?:-[A-Z][a-z'’]+)?|[a-z][a-z-]+)\s+$")  # `Mir-Djafar Bagirov`
OPENING_WORD = re.compile(r"([A-Z][a-z]+)\s+")
PRESS_AFTER = re.compile(r"\s+(?:Press|P\.)")
# words before a body's name that are the sentence's, not the name's
SENTENCE_WORDS_BEFORE_BODY = re.compile(r"(?:(?:The|A|An|In|On|At|By|For|From|To|Of|And|But|With|As|His|Her|Its|Their"
                                        r"|This|That|Under|After|Before|When)\s+)*")
# the word before a party's members' plural (`the Bolsheviks`, `against Bolsheviks`, `SRs and Mensheviks`,
# `Joined Bolsheviks`): any other word before it (`Old`, `many`, `prominent`, `Georgian`, `were`, a role's `as`:
# `as Bolsheviks, they remained faithful`) makes them people, not the party
PARTY_AFTER_WORDS = {"the", "The", "of", "by", "with", "to", "against", "for", "between", "among", "and", "or", "nor",
                     "but", "from", "than", "at", "on", "in", "into", "under", "over", "about", "toward",
                     "towards", "whom", "joined", "Joined"}
KIND_OF_BEFORE = re.compile(r"\b(?:kind|sort|type)\s+of\s+(?:an?\s+)?$")
DEFINITE_BEFORE = re.compile(r"(?<![\w-])[Tt]he\s+$")
FAR_BEFORE = re.compile(r"(?<![\w-])the\s+far\s+$")
# a vote goes to a party, article or none: `voted for Communists`, `seven million for Social-Democrats`
VOTES_FOR_BEFORE = re.compile(r"\b(?:vot(?:ed|es|e|ing)|votes\s+were\s+cast|million|thousand)\s+for\s+$")
# the article of a pair of plurals covers both: `the Communists and Social-Democrats now had 221 seats`
PAIRED_AFTER_THE = re.compile(r"(?<![\w-])[Tt]he\s+(?P<first>[A-Z][\w'’-]+)\s+(?:and|or)\s+$")
NAME_GOES_ON = re.compile(r"[-–]\w|\s+[A-Z]")
WORD_BEFORE_PLURAL = re.compile(r"([\w'’]+)\s+$")
PARTYS_WORD = re.compile(r"(?:\(\s*|\(of\s+|Part(?:y|ies)\s+of\s+)$")
# members counted or quantified are people, not the party: `many of the Bolsheviks`, `a third of the Communists`
QUANTIFIED_BEFORE = re.compile(r"\b(?:[Mm]any|[Ss]ome|[Mm]ost|[Aa]ll|[Ff]ew|[Oo]ne|[Nn]one|[Ss]everal|[Ee]ach|[Bb]oth"
                               r"|[Tt]housands|[Hh]undreds|number|majority|minority|part|portion|proportion|share|half|third|quarter"
                               r"|oldest|best"
                               # what is done to persons: `the dismissal of the Mensheviks from trade unions`
                               r"|dismissal|expulsion|expulsions|arrest|arrests|execution|executions|persecution"
                               r"|release|rehabilitation)"
                               r"\s+of\s+the\s+$")
SO_CALLED_BEFORE = re.compile(r"\b[Ss]o-called\.?\s+$")
# two initials standing alone, neither before a surname nor after one (`in the care of V.I.`, `talked with M.I.`):
# a person the text has named (the identify stage finds whom); not an abbreviation (rules.toml not_initials)
INITIALS_ALONE = re.compile(r"(?<![\w.’'-])(?:[A-Z]\.\s?){2}(?![\w.])(?!\s*(?:[A-Z][a-z]|[A-Z]\.|\[|\(\s*[A-Z][a-z]))")
# a capitalised word right before a short name makes it part of another name (`Soviet Union`, `Writers' Union`)
CAPITALISED_WORD_BEFORE = re.compile(r"[A-Z][\w'’-]*[”\"»]?\s+[“\"«]?$")
# the items of a list before a plural (`socialist-revolutionaries, Bundists, `), back to the list's first
LIST_BEFORE = re.compile(r"(?:(?<![\w'’-])[\w'’-]+(?:\s+[A-Z][\w'’-]+)?,\s+)+$")
# `There is another Politburo in the Politburo`: a likeness, no body (but `one or another Central Committee member`)
ANOTHER_BEFORE = re.compile(r"(?<!\bor )\banother\s+$")
FACTION_OF_AFTER = re.compile(r"\s+fr?actions?\s+of\b")
NAME_OF_BEFORE = re.compile(r"[A-Z][\w'’-]*\s+of\s+(?:the\s+)?$")  # `the Bulletin of the Opposition`
INVERTED_BEFORE = re.compile(r"[A-Z][\w'’-]*[a-z],\s*$")  # `Nevezhin, V. A.`: a bibliography's inverted name
INITIALS_ALONE_EVIDENCE = "initials alone"
OF_AFTER = re.compile(r"\s+of\b")
# two names sharing a plural head word: `the Right and Left Oppositions`
SHARED_HEAD = re.compile(r"(?<![\w'’-])(?P<items>(?:[A-Z][\w'’-]*,\s+)*)(?P<first>[A-Z][\w'’-]*),?\s+and\s+"
                         r"(?P<second>[A-Z][\w'’-]*)\s+(?P<head>[A-Z][a-z]+)s(?![\w'’-])")
LISTED_WORD = re.compile(r"([A-Z][\w'’-]*),\s+")
OLD_BEFORE = re.compile(r"\b[Oo]ld\s+$")
OF_THE_BEFORE = re.compile(r"\b(?:of|among)\s+the\s+$")  # `the searches of the Communists`, `among the Communists`
# a group's name in quotation marks: capitalised words ending in a word for a group
QUOTED_GROUP = re.compile(r"(?<=[\"“«])(?P<name>(?:[A-Z][\w'’-]*\s+){1,4}(?:[Cc]enter|[Cc]entre|Bloc|Group)"
                          # (or in lower case, the charge's words: `the "fascist center,"`, `the “illegal Trotskyist
                          # center”`; not a plural, `"parallel" centers`, nor a description quoted whole with its
                          # article, `“an illegal all-union center”`)
                          r"|(?!(?:a|an|the|some|this|that|one)\s)(?:[a-z][\w'’-]*\s+)(?:[A-Za-z][\w'’-]*\s+){0,2}"
                          r"cent(?:er|re))"
                          r"(?=[.,]?[\"”»])")  # (the American comma or stop inside: `the "Leningrad center."`)
# a numbered unit of an army or a fleet: `the 25th Division`, `commanded the 14th Army`, `the 1st Horse Army`
NUMBERED_UNIT = re.compile(r"(?<![\w'’-])(?P<name>\d+(?:st|nd|rd|th|d)\s+(?:[A-Z][\w'’-]*\s+){0,2}"
                           r"(?:Army|Armies|Division|Corps|Regiment|Brigade|Fleet|Flotilla))(?![\w'’-])")
# a place's soviet, which the register may not hold: `deputy chairman of Kronstadt Soviet`, `the Baku Soviet
# apparatus`, `Moscow Provincial Soviet`; not the state's adjective (`Soviet Union`, `Soviet Russia`)
PLACE_SOVIET = re.compile(r"(?<![\w'’-])(?P<name>(?P<place>[A-Z][\w'’]*[a-z](?:-[A-Z][\w'’]*[a-z])?)"
                          r"(?:\s+(?:City|Provincial|Regional|Oblast|District|Town))?\s+Soviet)(?![\w'’-])(?!\s+[A-Z])")
# the place in a congress's name: `the Congress of People's Deputies of the USSR` (tests/gold/CONVENTIONS.md 28, 36)
DEPUTIES_OF_BEFORE = re.compile(r"\bPeople['’]?s\s+Deputies\s+of\s+(?:the\s+)?$")
LIKENESS_AFTER = re.compile(r"-(?:like|style|type)\b")
COUNTED_AFTER = re.compile(r"\s+(?:made up|make up|constituted|accounted for|numbered|themselves)\b")
# members of a place or singled out by a clause are people: `the Bolsheviks of Omsk`, `the Bolsheviks whose
# contributions were...`
MEMBERS_AFTER = re.compile(r"\s+(?:of\s+(?!the\b)[A-Z]|who\b|whose\b|whom\b)")
# a word for a number or a generation of people and `of` before the plural without `the` makes its members a set
# of people: `an entire generation of Bolsheviks`, `many thousands of Bolsheviks`, `the guard of Bolsheviks`
COLLECTIVE_OF_BEFORE = re.compile(r"\b(?:generations?|thousands|hundreds|dozens|tens|millions|guard|cohorts?|"
                                  r"detachments?|masses|handful|circles?|cadres|families|arrests|executions|groups?)\s+of\s+$")
# A citation's imprint: the place of publication before its publisher (`Moskva: Progress, 1993`,
# `Moscow : "Kniga i biznes"`) or its year (`, Tbilisi, 1989.`), after the title or author's comma
IMPRINT_BEFORE = re.compile(r"[,.;()\]]\s*$")
# in running text only a citation's shape says so: `(Copenhagen, 1978)`, `"Stalin's Special Departments".
# Copenhagen, 1989`
IMPRINT_IN_PROSE_BEFORE = re.compile(r"(?:\(|[\"”»’][.,]?)\s*$")
YEAR = r"(?:1[89]|20)\d\d(?!\d)"
YEAR_AFTER = re.compile(rf",\s*{YEAR}")
# a place, a colon, a publisher and a year: an imprint wherever it stands
PUBLISHER_AND_YEAR_AFTER = re.compile(rf"\s?:\s*[\"“«]?[A-ZА-Я][^.;:()]{{0,80}}?,?[\"”»']*\s*{YEAR}(?!\d)")
# (an American imprint names its state: `(New Haven, CT: Yale University Press, 2003)`)
IMPRINT_AFTER = re.compile(rf"(?:,\s*[A-Z]{{2}}(?![\w.]))?\s?:\s*[\"“«]?[A-ZА-Я]|,\s*{YEAR}(?:\s*[-–]\s*\d+)?\s*(?:[.,;)]|$)")


@dataclass
class Mention:
    start: int
    end: int
    entry: Entry | None
    kind: str
    cert: str | None
    string: str
    # every entry the words can name, those the name's own words leave possible, and what they said
    claimants: list[Entry] = field(default_factory=list)
    candidates: list[Entry] = field(default_factory=list)
    evidence: str = ""

    def group(self, n: int = 0) -> str:
        return self.string[self.start:self.end]


class Matcher:
    """All register forms in one automaton, with the rules that judge a match."""

    def __init__(self, registers: dict[str, list[Entry]], rules: dict):
        self.automaton = ahocorasick.Automaton()
        forms: dict[str, list[tuple[Entry, bool]]] = {}
        unidentified = [Entry("person", "", surname, {"surname": [surname]})
                        for surname in rules.get("unidentified_persons", [])]
        for entries in [*registers.values(), unidentified]:
            for entry in entries:
                for form, explicit in entry.surface_forms():
                    forms.setdefault(form, []).append((entry, explicit))
        self.local_organizations_of = set(rules.get("local_organizations_of", []))
        self.not_initials = {form.replace(" ", "") for form in rules.get("not_initials", [])}
        # forms that name their entry only where the words around allow it (judge): a party's adjective before a
        # word for its people, a short name right after `the`, a lower-case group's name after `so-called`
        adjectives = rules.get("party_adjectives", {})
        self.party_adjectives = set(adjectives.get("adjectives", {}))
        words = "|".join(map(re.escape, adjectives.get("nouns", [])))
        others = "|".join(map(re.escape, sorted([*self.party_adjectives, *adjectives.get("joined", [])], key=len,
                                                reverse=True)))
        self.party_people_after = re.compile(rf"(?:\s+and\s+(?:{others}))?\s+(?:{words})\b") if words else None
        entries = {entry.id: entry for kind in ("org", "place") for entry in registers.get(kind, [])}
        self.conditional_forms: dict[str, Callable[[str, int, int], str | None]] = {}
        for table, allowed in ((adjectives.get("adjectives", {}), self.names_the_party),
                               (rules.get("short_after_the", {}), _short_name_after_the),
                               (rules.get("so_called_groups", {}), _called_so),
                               (rules.get("faction_adjectives", {}), _before_a_faction_of)):
            for form, entry_id in table.items():
                forms.setdefault(form, []).append((entries[entry_id], True))
                self.conditional_forms[form] = allowed
        # a family by its surname in the plural (`the Slepkovs`, `the Kaganoviches`): the surname's readings
        for entry in registers.get("person", []):
            for surname in entry.surnames:
                for plural in _plurals(surname):
                    if plural not in forms or all(e.kind == "person" for e, _ in forms[plural]):
                        forms.setdefault(plural, []).append((entry, False))
        surnames = {form for form, readings in forms.items() if not all(explicit for _, explicit in readings)}
        for form, readings in forms.items():
            if form in surnames:
                # `Ioffe` is Deborin's birth name and the diplomat's surname: an alias that is also
                # someone's surname names no one alone
                readings = [(entry, False) for entry, _ in readings]
            self.automaton.add_word(form, (form, readings))
        self.automaton.make_automaton()
        self.institution_heads = set(rules.get("institution_heads", []))
        self.compound_heads = set(rules.get("compound_heads", []))
        self.event_heads = set(rules.get("event_heads", []))
        self.quoted_event_heads = set(rules.get("quoted_event_heads", []))
        # bare head words that refer back to a body named before them (Annotator.heads_referring_back)
        self.referring_head = _standing_alone(rules["referring_heads"]) if rules.get("referring_heads") else None
        self.group_heads = set(rules.get("group_heads", []))
        self.not_after = {w.lower() for w in rules.get("not_a_name_after", [])}
        self.reviewed_not_names = set(rules.get("reviewed_not_names", []))
        self.forenames_also_words = set(rules.get("forenames_also_words", []))
        self.role_words = set(rules.get("role_words", []))
        self.thing_heads_lower = set(rules.get("thing_heads_lower", []))
        self.member_plurals = set(rules.get("member_plurals", []))
        self.party_only_after_the = set(rules.get("party_only_after_the", []))
        self.compass_regions = set(rules.get("compass_regions", []))
        self.institution_kinds = set(rules.get("institution_kinds", []))
        institutions = "|".join(map(re.escape, sorted(self.institution_kinds, key=len, reverse=True)))
        word = r"[A-Z][\w'’.]*(?:-[A-Z][\w'’]*)*"  # `Marxism-Leninism`, not `Cataloging-in-Publication`
        self.institution = re.compile(
            rf"(?<![\w'’-])(?P<name>(?:{word}\s+){{1,3}}(?:{institutions}))(?![\w'’-])") if institutions else None
        self.institution_of = re.compile(
            # (`the Club of Food Industry Workers`: up to three words after `of`)
            rf"(?<![\w'’-])(?P<name>(?:{word}\s+){{0,3}}(?:{institutions})\s+of\s+(?:the\s+)?{word}(?:\s+{word}){{0,2}}"
            rf"(?:\s+(?:of\s+the|of|and)\s+{word}(?:\s+{word})?){{0,3}})(?![\w'’-])") if institutions else None
        # `the University imeni Sun Yatsen`, `the Pedagogical Institute imeni Gertsen`: named for its patron, whom
        # `imeni` ("named for") keeps from being a mention of his own
        self.institution_imeni = re.compile(
            rf"(?<![\w'’-])(?P<name>(?:{word}\s+){{0,3}}(?:{institutions})\s+imeni\s+(?:[A-Z][\w'’.-]*\s+){{0,2}}"
            rf"[A-Z][\w'’-]*)(?![\w'’-])") if institutions else None
        self.body_heads = sorted(rules.get("body_heads", []), key=len, reverse=True)
        self.generic_body_words = set(rules.get("generic_body_words", []))
        self.unregistered_body = re.compile(
            rf"(?<![\w'’-])[Tt]he\s+(?P<name>(?:[A-Z][\w'’-]*\s+){{1,3}}(?:{'|'.join(map(re.escape, self.body_heads))}))"
            rf"(?![\w'’-])(?!\s+of\b)") if self.body_heads else None
        lower = rules.get("institution_heads_lower", {})
        # a head after its modifiers (`regional committee`), or a Russian committee's word that needs none (`kraikom`)
        lower_head = (rf"(?:(?:\s+(?:{'|'.join(lower['modifiers'])}))+\s+(?:{'|'.join(lower['heads'])})"
                      rf"|\s+(?:{'|'.join(lower.get('bare_heads', ['(?!)']))}))") if lower else ""
        self.lower_institution = re.compile(rf"{lower_head}\b") if lower else None
        # the same with its place, as a body's name the register may not hold (`the Irkutsk provincial committee`)
        self.lower_body = re.compile(
            # (`the Azov-Black Sea regional committee`: a name of two words joined by a hyphen)
            rf"(?<![\w'’-])(?P<name>(?:[A-Z][\w'’]*-)?[A-Z][\w'’-]*[a-z][\w'’-]*(?:\s+[A-Z][\w'’-]*[a-z])?"
            rf"{lower_head})(?![\w'’-])") if lower else None
        self.bare_committee_heads = set(lower.get("bare_heads", []))
        self.forenames = {f for e in registers.get("person", []) for f in e.forenames}
        self.forenames |= set(rules.get("other_forenames", []))
        # `Ivan Kravel`: a known forename before a capitalised word names a person
        self.forenames_taken = {f for f in self.forenames
                                if len(f) > 3 and f.isalpha() and f not in rules.get("forenames_also_words", [])}
        self.forename_before = FORENAME_SURNAME

    def gender_forms(self, form: str) -> list[Entry]:
        """The persons whose surname is `form`'s other gender form (`Ulyanov`, `Ulyanova`)."""
        other = form[:-1] if form.endswith("a") else form + "a"
        readings = self.automaton.get(other, (other, []))[1]
        return [e for e, _ in readings if e.kind == "person" and other in e.surnames]

    def matches(self, text: str, misread: ahocorasick.Automaton | None = None
                ) -> list[tuple[int, int, list[tuple[Entry, bool]]]]:
        """Whole-word matches, leftmost-longest, not overlapping. `misread`: the text's misreadings of
        register forms (its corrections), which name what their correction names."""
        found = []
        hits = self.automaton.iter(text)
        if misread is not None:
            hits = chain(hits, misread.iter(text))
        for end, (form, readings) in hits:
            start = end - len(form) + 1
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
                continue
            if start > 0 and text[start - 1] == "-" and not self.joined_to_name(text, start - 1, readings) \
                    and not INITIALS_ONLY.match(form) and not _whole_person_name(form, readings):
                continue  # `Pro-Khrushchev`, `anti-Stalin`, `Austria-Hungary`; but `Syrtsov-Lominadze` joins two
                # persons, and a hyphen for a dash may stand before initials (`designers worked-V. I Aleksandrov`)
                # or a forename and surname (`members of the Politburo of the German Communist Party-Hermann Remmele`)
            if end + 1 < len(text) and text[end + 1].isalnum():
                continue
            if CONTRACTION_AFTER.match(text, end + 1) or _in_address(text, start, end + 1):
                continue  # `Don't` is no river; `.../LITERAT/Ural/` is part of a web address
            if NUMBER_AFTER.match(text, end + 1):
                continue  # `Tbilisi-56`, `Sumgait-88`: a name and a year name an event
            if LIKENESS_AFTER.match(text, end + 1):
                continue  # `Inquisition-like methods`, `Stalin-style`: a derived word, no mention
            found.append((start, end + 1, readings))
        found.sort(key=lambda m: (m[0], -m[1]))
        chosen, last_end = [], -1
        for start, end, readings in found:
            if start >= last_end:
                chosen.append((start, end, readings))
                last_end = end
        return chosen

    def names_the_party(self, text: str, start: int, end: int) -> str | None:
        """`the Bolshevik exiles`, `a Bolshevik deputy`, `Socialist-Revolutionary and Menshevik parties`: the
        adjective names the party before a word for its people or its organisation; `an old Bolshevik` is a
        person, `the Bolshevik tradition` the party's views. The evidence, or None."""
        if self.party_people_after and self.party_people_after.match(text, end) \
                and not OLD_BEFORE.search(text, max(0, start - 6), start):
            return "the party's adjective before a word for its people"
        return None

    def inside_institution(self, text: str, end: int, person: bool = False) -> bool:
        """`Kirov Plant`, `Moscow Oblast Committee`: the name belongs to a longer name.
        A person before an event's name stays a mention, in capitals as in lower case
        (`the Tukhachevskii Affair` as `the Riutin affair`); a place does not (`the Moscow Trials`)."""
        if self.lower_institution and self.lower_institution.match(text, end, end + 60):
            return True  # `the Krasnopresnensky regional committee`: a committee, written in lower case
        following = FOLLOWING_WORDS.match(text, end, end + 80)
        if not following:
            return False
        for found in CAPITALISED.finditer(following.group(0)):
            word = found.group(0)
            if word == "Party" and self.party_people_after \
                    and self.party_people_after.match(text, following.start() + found.end()):
                return False  # `Moscow Party leader Khrushchev`: the city's party people, the city a mention
            if word.lower() in self.group_heads:
                return False  # `the Riutin Platform`, `the Moscow Trotskyist Center`: a group, the name a mention
            if person and self._head_in(word.lower(), self.event_heads):
                return False
            if word.rstrip("'’s") in self.institution_heads or word in self.institution_heads:
                return True
        return False

    def joined_to_name(self, text: str, hyphen: int, readings) -> bool:
        """`Syrtsov-Lominadze`, `Riutin-Ivanov-Galkin`, `Cheka-OGPU`: the word before the hyphen is a
        person or organisation of the registers, as the word after it, or a word derived from a name
        before a person (`Trotskyist-Bukharin`). Places stay whole (`Austria-Hungary`, the film
        `Volga-Volga`); a prefix is no name (`anti-Stalin`)."""
        left = re.search(r"(?<![\w'’])[A-Z][\w'’]*$", text[max(0, hyphen - 30):hyphen])
        if left and left.group(0) not in self.automaton and _derived(left.group(0), self) \
                and any(entry.kind == "person" for entry, _ in readings):
            return True  # `the Trotskyist-Bukharin gang`: a follower's word joined to a person's name
        if not left or left.group(0) not in self.automaton:
            return False
        kinds = {entry.kind for entry, _ in self.automaton.get(left.group(0))[1]}
        return bool(kinds & {entry.kind for entry, _ in readings} & {"person", "org"})

    def quoted_event_after(self, text: str, end: int) -> bool:
        """`the "Industrial Party" trial`: the closing quotation mark and a word for a show trial."""
        following = CLOSING_QUOTE_NEXT.match(text, end, end + 30)
        return bool(following and following.group(1) in self.quoted_event_heads)

    def thing_after_person(self, text: str, end: int) -> bool:
        """`the Lenin recruitment`, `the Stalin era`, and joined by a hyphen, `Stalin-era reality`; a time by his
        possessive, `in Stalin's time`."""
        if POSSESSIVE_TIME_NEXT.match(text, end, end + 12):
            return True
        following = LOWER_NEXT.match(text, end, end + 30) or HYPHENED_NEXT.match(text, end, end + 30)
        return bool(following and following.group(1) in self.thing_heads_lower)

    def inside_compound(self, text: str, start: int, end: int, kinds: set[str]) -> bool:
        """`the Moscow-Volga canal`: names joined by a hyphen name the canal, not the places;
        `the Bukharin-Rykov trial` names the persons, `the Syrtsov-Lominadze group` too."""
        left = COMPOUND_LEFT.search(text[max(0, start - 40):start])
        right = COMPOUND_RIGHT.match(text, end, end + 40)
        if not left and not right:
            return False
        after = right.end() if right else end
        head = COMPOUND_HEAD.match(text, after, after + 80)
        if not head:
            return False
        word = head.group(1)
        return self._head_in(word, self.compound_heads) or \
            ("person" not in kinds and self._head_in(word, self.event_heads))

    @staticmethod
    def _head_in(word: str, heads: set[str]) -> bool:
        """`canal`, `trial`, and their plurals (`the Moscow trials`)."""
        return word in heads or word.removesuffix("s") in heads

    def event_after_place(self, text: str, end: int) -> bool:
        """`the Moscow trials`, `the Shakhty case`: an event named after the place, as `the Moscow
        Trials` in capitals (institution heads); `the Leningrad opposition`, `Moscow leaders`,
        `a Moscow plant` keep the place."""
        following = LOWER_NEXT.match(text, end, end + 30)
        shared = PLACE_AND_PLACE_NEXT.match(text, end, end + 60)
        if shared:  # `the Yalta and Potsdam conferences`: two events sharing one head word
            following = LOWER_NEXT.match(text, shared.end(), shared.end() + 30)
        return bool(following and (self._head_in(following.group(1), self.event_heads)
                                   or self._head_in(following.group(1), self.compound_heads)))

    def after_blocking_word(self, text: str, start: int, end: int, quoted: bool = True) -> bool:
        """`the steamship Ilyich`, `Order of Lenin`, `the "Ilyich"`: a thing named after someone."""
        before = text[max(0, start - 40):start]
        if any(before.lower().rstrip(' "“«').endswith(w) for w in self.not_after) \
                and not re.search(r"\border of\s*$", before):
            return True  # (`by order of Kamenev`: a command, where `the Order of Lenin` is a decoration)
        in_quotes = before.endswith(("the \"", "the “", "the «")) and text[end:end + 1] in "\"”»"
        return quoted and in_quotes and end < len(text)


class Annotator:
    def __init__(self, matcher: Matcher):
        self.matcher = matcher
        # surnames the text has introduced with initials or a forename (`M. S. Pogrebinsky`)
        # though the register does not know them: later bare mentions are marked too
        self.unregistered: set[str] = set()
        self.unregistered_again: ahocorasick.Automaton | None = None
        self.in_bibl: set = set()
        self.ordinary: set[str] = set()
        # the text's corrections of capitalised words (`Sokolonikov` -> `Sokolnikov`): a name is
        # found in its corrected reading, the correction then stands inside the name
        self.corrected: dict[str, str] = {}
        self.misread: ahocorasick.Automaton | None = None
        # the initials by which the text's author or translator signs an interpolation (`– V. R.`)
        self.signatures: dict[str, Entry] = {}
        self.signature: re.Pattern | None = None
        # the words the text alone uses as a name (`the Presidium` of Furr's 1952: the CC's Presidium)
        self.short_names: dict[str, Entry] = {}
        self.short_name: re.Pattern | None = None
        self.counts = {"persName": 0, "placeName": 0, "orgName": 0, "with_ref": 0,
                       "undecided": 0, "initials_unmatched": 0, "unregistered": 0}

    def learn_unregistered(self, ordinary_words: set[str]) -> None:
        """After a first pass: look for the unregistered surnames on their own."""
        surnames = sorted(s for s in self.unregistered
                          if len(s) > 3 and s.lower() not in ordinary_words and s not in NOT_NAMES)
        if surnames:
            self.unregistered_again = ahocorasick.Automaton()
            for surname in surnames:
                self.unregistered_again.add_word(surname, surname)
            self.unregistered_again.make_automaton()

    def learn_signatures(self, signatures: dict[str, str]) -> None:
        """The profile's signatures (`[entities] signatures`): `V. R.` in Rogovin's bracketed remarks within a
        quotation, `I.P.` in Pavlova's, name their authors, whom the initials alone would not tell."""
        persons = {entry.id: entry for entry in self.matcher.registers.get("person", [])}
        self.signatures = {form: persons[person] for form, person in signatures.items()}
        if self.signatures:
            forms = "|".join(map(re.escape, sorted(self.signatures, key=len, reverse=True)))
            # (not initials before a surname: `I.P. Pavlov` is the physiologist)
            self.signature = re.compile(rf"(?<![\w.])(?:{forms})(?!\w)(?![\s*]*[A-Z][a-z])")

    def learn_short_names(self, short_names: dict[str, str]) -> None:
        """The profile's short names (`[entities] short_names`): a word that names one entry in this text alone,
        standing on its own (Furr's `the Presidium` of 1952 is the Central Committee's, the Politburo renamed;
        Rogovin's quoted `“Union”` is Riutin's Union of Marxist-Leninists). Not before `of` or another capitalised
        word, nor after one: `the Presidium of the Supreme Soviet`, `the Union Bureau`, `Soviet Union`."""
        entries = {entry.id: entry for kind in self.matcher.registers.values() for entry in kind}
        self.short_names = {form: entries[entry] for form, entry in short_names.items()}
        if self.short_names:
            self.short_name = _standing_alone(self.short_names)

    def short_name_mentions(self, text: str, mentions: list[Mention], titles) -> list[Mention]:
        found = []
        for short in _words_alone(self.short_name, text, mentions, titles):
            start, end = short.span()
            entry = self.short_names[short.group()]
            found.append(Mention(start, end, entry, entry.kind, "medium", text,
                                 evidence="the text's own short name (profile)"))
        return found

    def heads_referring_back(self, text: str, mentions: list[Mention], titles) -> list[Mention]:
        """`Supported Left Opposition, 1926-1929 ... Broke with Opposition in 1929`: a bare head word (rules.toml
        `referring_heads`) refers back to the body named before it in the same passage whose name has it for its
        head (`Left Opposition`, `Library of Congress`), the nearest if several (the marking guide's settled reading
        24). Not after a capitalised word (`Left Opposition` is a name of its own) nor in a name or title that goes
        on from an `of` (`the Bulletin of the Opposition`) or into one (`the Bureau of the Central Committee`); with
        no such body before it, the word is generic."""
        found = []
        for bare in _words_alone(self.matcher.referring_head, text, mentions, titles):
            (start, end), head = bare.span(), bare.group()
            if NAME_OF_BEFORE.search(text, max(0, start - 40), start):
                continue  # `the Bulletin of the Opposition`
            named = [m for m in mentions if m.end <= start and m.kind == "org" and m.entry is not None
                     and _head_word(m.group()) == head and m.group() != head]
            if named:
                found.append(Mention(start, end, named[-1].entry, "org", "medium", text,
                                     evidence=f"refers back to `{named[-1].group()}` named before it"))
        return found

    def shared_heads(self, text: str, mentions: list[Mention], titles) -> list[Mention]:
        """`the Right and Left Oppositions`, `the Second and Third Internationals`, `the Petrograd, Western and
        Southern Fronts`: bodies sharing one plural head word are a mention each, the last with the head (the marking
        guide's "3rd" and "9th armies"), where the register holds the two joined by `and` under their word and the
        head; a listed word before them is a body the register may lack (the Petrograd Front), no longer a place."""
        found = []
        for pair in SHARED_HEAD.finditer(text):
            head = pair.group("head")
            entries = [self._one_body(f"{pair.group(word)} {head}") for word in ("first", "second")]
            if None in entries or any(a <= pair.start() and pair.end() <= b for a, b in titles):
                continue
            listed = [(w.span(1), self._one_body(f"{w.group(1)} {head}")) for w in LISTED_WORD.finditer(
                text, pair.start("items"), pair.end("items"))]
            spans = [span for span, _entry in listed] + [pair.span("first"), (pair.start("second"), pair.end())]
            # a listed word the text had taken for a place of that name is the body's
            replaced = [m for m in mentions if m.kind == "place" and (m.start, m.end) in spans[:-1]]
            if any(_overlaps(*span, [m for m in mentions if m not in replaced]) for span in spans):
                continue
            for mention in replaced:
                mentions.remove(mention)
            for (start, end), entry in zip(spans, [entry for _span, entry in listed] + entries):
                evidence = f"a head word shared with the next name ({head})"
                found.append(Mention(start, end, entry, entry.kind if entry else "org", "medium" if entry else "low",
                                     text, claimants=[entry] if entry else [], candidates=[entry] if entry else [],
                                     evidence=evidence))
        return found

    def _one_body(self, form: str) -> Entry | None:
        readings = self.matcher.automaton.get(form, (form, []))[1]
        entries = _unique(entry for entry, _ in readings)
        return entries[0] if len(entries) == 1 and entries[0].kind == "org" else None

    def unregistered_mentions(self, text: str, parent) -> list[Mention]:
        found = []
        if _in_italics(parent):
            return found
        titles = title_spans(text, parent in self.in_bibl, within_note(parent))
        for end, surname in self.unregistered_again.iter(text):
            start, end = end - len(surname) + 1, end + 1
            if start > 0 and (text[start - 1].isalnum() or text[start - 1] in ".-"):
                continue
            if end < len(text) and (text[end].isalnum() or text[end] == "-"):
                continue
            if self.matcher.inside_institution(text, end, person=True):
                continue
            if any(a <= start and end <= b for a, b in titles):
                continue
            if not found or start >= found[-1].end:
                found.append(Mention(start, end, None, "person", "low", text))
        return found

    def finditer(self, text: str, parent: etree._Element, said_before: str = "") -> list[Mention]:
        mentions = []
        # in a bibliographic reference a quoted string is the title of an article: no names there
        citing = parent in self.in_bibl or within_note(parent)
        titles = title_spans(text, parent in self.in_bibl, within_note(parent), said_before)
        matches = self.matcher.matches(text, self.misread)
        # where a registered body's name begins: a place just before it is its owner (`the USSR Central
        # Executive Committee`, `the Tomsk NKVD Administration`), a part of its whole name (edition.spans)
        bodies = {start for start, end, readings in matches if any(e.kind == "org" for e, _ in readings)
                  and text[start:end] not in self.matcher.party_adjectives}
        for start, end, readings in matches:
            if any(a <= start and end <= b for a, b in titles):
                continue
            if ANOTHER_BEFORE.search(text, max(0, start - 9), start) and all(e.kind == "org" for e, _ in readings):
                continue
            if ((citing and _imprint(text, start, end)) or _imprint_in_prose(text, start, end)) \
                    and all(e.kind == "place" for e, _ in readings):
                continue  # a citation's place of publication is its imprint, not a place the text speaks of
            before_body = (end + 1) in bodies and text[end:end + 1] == " "
            mention = self.judge(text, start, end, readings, parent in self.in_bibl, before_body)
            if mention is not None and mentions and _his_own_forename(mentions[-1], mention, text):
                # `Papuliya (Pavel) Ordzhonikidze`: his forename, a name of its own, and his surname make one name
                mention = replace(mention, start=mentions.pop().start)
            if mention is not None and (not mentions or mention.start >= mentions[-1].end):
                mentions.append(mention)
        # `V. M. Mikhaylov`, `K. M. Ots`: initials before a capitalised word name a person
        # even when the register does not know him; he is marked, without @ref
        taken = [(m.start, m.end) for m in mentions]
        unknown = [*UNKNOWN_PERSON.finditer(text)]
        unknown += (f for f in self.matcher.forename_before.finditer(text)
                    if f.group("forename") in self.matcher.forenames_taken)
        if _in_italics(parent):
            unknown = []  # italics are titles and foreign words (`Ubiystvo Stalina`): no new persons there
        for found in sorted(unknown, key=lambda f: (f.start(), -f.end())):
            surname = found.group("surname")
            if surname in NOT_NAMES or _abbreviation(INITIAL_LETTER.findall(found.group(0))):
                continue
            if any(a <= found.start() and found.end() <= b for a, b in titles):
                continue
            if any(found.start() < end and start < found.end() for start, end in taken):
                continue
            if self.matcher.inside_institution(text, found.end(), person=True) or \
                    self.matcher.after_blocking_word(text, found.start(), found.end()):
                continue  # `A. I. Putilov` is a person, the Putilov Plant (imeni Sergo...) is not
            start = found.start()
            forename = _search_before(WORD_BEFORE, text, start) if INITIALS_ONLY.match(text, start) else None
            if forename and forename.end() == start and forename.group(1) in self.matcher.forenames_taken:
                start = forename.start()  # `Lewis H. Lapham`: the forename before the initial is his
            taken.append((start, found.end()))
            self.counts["unregistered"] += 1
            self.unregistered.add(surname)
            mentions.append(Mention(start, found.end(), None, "person", "low", text))
        mentions += self.forenames_sharing_a_surname(text, mentions)
        for signed in self.signature.finditer(text) if self.signature else ():
            if not _overlaps(signed.start(), signed.end(), mentions):
                mentions.append(Mention(signed.start(), signed.end(), self.signatures[signed.group()], "person", None,
                                        text, evidence="the author's signature (profile)"))
        if not citing and not _in_italics(parent):
            mentions += self.initials_alone(text, mentions, titles)
        mentions += self.short_name_mentions(text, mentions, titles)
        mentions += self.heads_referring_back(text, mentions, titles)
        mentions += self.shared_heads(text, mentions, titles)
        if not _in_italics(parent):
            bodies = self.unregistered_bodies(text, mentions, titles)
            # a place within a body's name is part of it (`the University of Brussels`)
            mentions = [m for m in mentions if not any(b.start <= m.start and m.end <= b.end for b in bodies)]
            mentions += bodies
        return sorted(mentions, key=lambda m: m.start)

    def unregistered_bodies(self, text: str, mentions: list[Mention], titles) -> list[Mention]:
        """Bodies the register does not hold, by their own names; marked without @ref:

        - a body's proper name in capitals after `the` (`the Cipher Bureau`, `the Secret Department`), not
          a generic one (`the Regional Committee`) nor one before `of` and a body, which makes a whole
          name with it (edition.spans);
        - a group's name in quotation marks, as the show trials named the alleged ones (`the "All-Union
          Trotskyist Center"`, `the "Moscow Center"`), not a title after a word for a work;
        - a numbered unit of an army or a fleet (`the 25th Division`, `the 14th Army`);
        - a place's soviet (`Kronstadt Soviet`, `the Baku Soviet apparatus`), its place part of its name;
        - a committee named in lower case after its place (`the Irkutsk provincial committee`, rules.toml
          institution_heads_lower), its place part of its name;
        - an institution named by its place or patron (`Kazan University`, `the Lenin Institute`) or by
          what follows `of` (`the University of Brussels`, `the Library of Congress`); a place within
          is part of its name, not a mention, and a university's press is an imprint (`Yale University
          Press`)."""
        m, found = self.matcher, []
        candidates = [(b, True) for b in (m.unregistered_body.finditer(text) if m.unregistered_body else ())]
        candidates += [(i, False) for i in (m.institution_imeni.finditer(text) if m.institution_imeni else ())]
        candidates += [(i, False) for i in (m.institution_of.finditer(text) if m.institution_of else ())]
        candidates += [(i, False) for i in (m.institution.finditer(text) if m.institution else ())]
        # (`the "parallel center" trial`: the trial, named for it; settled reading 6)
        candidates += [(g, False) for g in QUOTED_GROUP.finditer(text) if not m.quoted_event_after(text, g.end())]
        candidates += [(u, False) for u in NUMBERED_UNIT.finditer(text)]
        candidates += [(s, False) for s in PLACE_SOVIET.finditer(text) if self._a_place(s.group("place"))]
        candidates += [(b, False) for b in (m.lower_body.finditer(text) if m.lower_body else ())
                       if _proper_word(b.group("name").split()[0], self.ordinary)
                       and not b.group("name").endswith("s")]  # (`the Siberian provincial committees`: several)
        for body, needs_modifier in candidates:
            start, end = body.span("name")
            start += SENTENCE_WORDS_BEFORE_BODY.match(text, start).end() - start
            opening = OPENING_WORD.match(text, start)
            if opening and opening.group(1).lower() in self.ordinary and opening.group(1) not in m.institution_kinds \
                    and SENTENCE_START.search(text[max(0, start - 4):start]):
                start = opening.end()  # `Finished Moscow University.`: the sentence's verb, not the name's
            words = text[start:end].split()
            modifiers = [w for w in words if w[:1].isupper()][:-1] if needs_modifier else words[:-1]
            if len(words) < 2 or (modifiers and all(w in m.generic_body_words for w in modifiers)) \
                    or (needs_modifier and not modifiers) or PRESS_AFTER.match(text, end):
                continue
            blocking = [x for x in mentions + found if start < x.end and x.start < end
                        and not (x.kind == "place" and start <= x.start and x.end <= end)]
            if blocking or any(a <= start and end <= b for a, b in titles):
                continue
            found.append(Mention(start, end, None, "org", "low", text))
        return found

    def _a_place(self, form: str) -> bool:
        readings = self.matcher.automaton.get(form, (form, []))[1]
        return bool(readings) and all(entry.kind == "place" for entry, _ in readings)

    def initials_alone(self, text: str, mentions: list[Mention], titles) -> list[Mention]:
        """`she told V.I. about this reprimand`: two initials alone name someone the text has named; marked
        without @ref, for the identify stage to find whom in the division (`edition.identify`)."""
        found = []
        for initials in INITIALS_ALONE.finditer(text):
            start, end = initials.span()
            if initials.group().replace(" ", "") in self.matcher.not_initials \
                    or INVERTED_BEFORE.search(text, max(0, start - 40), start) \
                    or _overlaps(start, end, mentions) \
                    or any(a <= start and end <= b for a, b in titles):
                continue
            found.append(Mention(start, end, None, "person", "low", text, evidence=INITIALS_ALONE_EVIDENCE))
        return found

    def forenames_sharing_a_surname(self, text: str, mentions: list[Mention]) -> list[Mention]:
        """`Petr and Levan Agniashvili`: a forename joined by `and` to the next person's forename
        and surname names a person of that surname too, if the register holds one of that forename."""
        found = []
        for mention in mentions:
            if mention.entry is None or mention.kind != "person":
                continue
            joined = FORENAME_JOINED.search(text, max(0, mention.start - 30), mention.start)
            words = mention.group().split()
            if not joined or len(words) < 2:
                continue
            first, surname = joined.group("forename"), words[-1]
            kin = [e for e, _ in self.matcher.automaton.get(surname, (surname, []))[1]
                   if e.kind == "person" and _spelled_as(first, e.forenames) and e is not mention.entry]
            if len(kin) == 1:
                found.append(Mention(joined.start("forename"), joined.end("forename"), kin[0], "person", "medium", text,
                                     claimants=[*kin, mention.entry], candidates=kin,
                                     evidence="forename, the surname of the next name"))
        return found

    def judge(self, text, start, end, readings, parent_is_bibl: bool = False,
              before_body: bool = False) -> Mention | None:
        """A candidate mention: its span, the entries its words can name, and what the name itself
        says (forename, patronymic, initials, a role word). Choosing among several entries from the
        context is the identify stage's work (`edition.identify`)."""
        kinds = {entry.kind for entry, _ in readings}
        if self.matcher.after_blocking_word(text, start, end, quoted=kinds != {"org"}):
            return None  # an organisation in quotation marks is still itself (`the so-called "Industrial Party"`)
        if kinds == {"org"} and self.matcher.quoted_event_after(text, end):
            return None  # `the "Industrial Party" trial`, `the "Union Bureau" case`: the trial, named for the body
        owner_of_body = before_body and kinds == {"place"}
        if "org" not in kinds and not owner_of_body and (
                self.matcher.inside_institution(text, end, person=kinds == {"person"})
                or self.matcher.inside_compound(text, start, end, kinds)):
            return None
        if kinds == {"person"} and self.matcher.thing_after_person(text, end):
            return None  # `the Lenin recruitment`, `a Stalin prize`: a thing named after him
        if kinds == {"person"} and WORK_BEFORE.search(text, max(0, start - 30), start) and TITLE_ENDS.match(text, end):
            return None  # `his book Stalin, Trotsky stressed`: a title without quotation marks
        if kinds == {"place"} and (self.matcher.event_after_place(text, end)
                                   or DEPUTIES_OF_BEFORE.search(text, max(0, start - 30), start)):
            return None  # (`the [Congress of] People's Deputies of the USSR`: a meeting, settled reading 36)
        form = text[start:end]
        if kinds == {"org"} and KIND_OF_BEFORE.search(text, max(0, start - 20), start):
            return None  # `a sort of an order of sword bearers`: a body's name used for a kind of body
        allowed = self.matcher.conditional_forms.get(form)
        if allowed is not None:
            evidence = allowed(text, start, end)
            if evidence is None:
                return None  # `Bolshevik principles`, `the Union of Marxist-Leninists`, `old and new opposition groups`
            entry = readings[0][0]
            return Mention(start, end, entry, entry.kind, "medium", text, claimants=[entry], candidates=[entry],
                           evidence=evidence)
        if form in self.matcher.compass_regions and not _compass_region(text, start, end):
            return None  # `West Siberian`, `West Germany`: part of another name
        if form in self.matcher.member_plurals and (_people_of_the_party(text, start)
                                                    or COUNTED_AFTER.match(text, end) or MEMBERS_AFTER.match(text, end)):
            return None  # `Old Bolsheviks`, `many Mensheviks`, `the Communists made up half`: people, not the party
        if form in self.matcher.party_only_after_the and (
                not _party_by_article(text, start, self.matcher.member_plurals)
                or (form in self.matcher.member_plurals and OF_THE_BEFORE.search(text, max(0, start - 11), start))):
            # `Communists were prohibited`, `an agent of Social-Democracy`: people, a movement; `the searches
            # of the Communists`: its members, where `the Bolsheviks` would be the party of old
            return None
        claimants = _unique(e for e, _ in readings)

        def named(first, entry, evidence, cert=None, among=None):
            return Mention(first, end, entry, entry.kind if entry else "person", cert, text,
                           claimants=claimants, candidates=claimants if among is None else among, evidence=evidence)

        full = _search_before(FORENAME_PATRONYMIC, text, start)
        if full and full.end() == start and any(e.kind == "person" for e, _ in readings):
            # `Vissarion Ivanovich Dzhugashvili`: forename and patronymic decide, even for an alias
            forename, patronymic = full.group("forename"), full.group("patronymic")
            fitting = [e for e, _ in readings if e.kind == "person" and _spelled_as(forename, e.forenames)
                       and (not e.patronymics or _spelled_as(patronymic, e.patronymics))]
            if len(fitting) == 1:
                return named(full.start(), fitting[0], "forename and patronymic")
            return named(full.start(), None, "forename and patronymic fit no entry", "low")
        if INITIALS_ONLY.fullmatch(form) and CAPITAL_NEXT.match(text, end, end + 4) and "person" in kinds:
            return None  # `N. I.` before a surname: the surname's match takes them (not `U.S. President`, `C.C. Plenum`)
        explicit = [e for e, is_explicit in readings if is_explicit]
        initials = _search_before(INITIALS_BEFORE, text, start)
        letters = INITIAL_LETTER.findall(initials.group(1)) if initials and initials.end() == start else []
        if letters and _abbreviation(letters) and not (
                letters == ["T"] and any(e.kind == "person" and e.forenames and e.initials_fit(letters)
                                         for e, _ in readings)):
            letters = []  # `T. Yagoda`: comrade Yagoda; but `T. Sapronov` is Timofei Sapronov
        if len(explicit) == 1:
            entry = explicit[0]
            if entry.kind == "person" and letters and INITIAL_LETTER.match(form):
                # `A.M. Gorky` where the register has `M. Gorky`: the first initial belongs too
                if entry.initials_fit(INITIAL_LETTER.findall(initials.group(1) + form)):
                    start = initials.start()
            elif entry.kind == "person" and letters and entry.initials_fit(letters):
                start = initials.start()  # `V. I. Ulyanov`: the initials are part of the name
            elif entry.kind == "person" and letters:
                # `M.I. Ulyanov`: initials that do not fit the alias's bearer; the surname's other
                # gender form may (Maria Ilyinichna Ulyanova), else nobody the register knows
                kin = [e for e in self.matcher.gender_forms(form) if e.initials_fit(letters)]
                if len(kin) == 1:
                    return Mention(initials.start(), end, kin[0], "person", "medium", text, claimants=[entry, *kin],
                                   candidates=kin, evidence="initials fit the surname's other gender form")
                return Mention(initials.start(), end, None, "person", "low", text, claimants=[entry],
                               candidates=[], evidence="initials fit no entry")
            word = _search_before(WORD_BEFORE, text, start) if entry.kind == "person" and not letters else None
            nickname = _search_before(FORENAME_NICKNAME, text, start) if entry.kind == "person" else None
            if word and word.end() == start and _spelled_as(self.corrected.get(word.group(1), word.group(1)),
                                                            entry.forenames):
                start = word.start()  # `Iosif Dzhugashvili` (received `losif`): the forename belongs to the name
            elif word and word.end() == start and entry.forenames and word.group(1) in self.matcher.forenames_taken \
                    and not FORENAME_PATRONYMIC.match(word.group(1) + " "):
                # `Louis Bonaparte`: a forename that is not the entry's names someone else of that surname
                return Mention(word.start(), end, None, "person", "low", text, claimants=claimants, candidates=[],
                               evidence="forename fits no entry")
            elif nickname and nickname.end() == start and _spelled_as(nickname.group("forename"), entry.forenames):
                start = nickname.start()  # `Vissarion (Beso) Lominadze`: forename and nickname belong too
            elif entry.kind == "person" and not letters:
                abbreviation = _search_before(FORENAME_ABBREVIATION, text, start)
                if abbreviation and abbreviation.end() == start \
                        and any(f.startswith(abbreviation.group(1)) for f in entry.forenames):
                    start = abbreviation.start()  # `Dm. Shostakovich`: the abbreviated forename belongs too
            return Mention(start, end, entry, entry.kind, None, text, claimants=claimants, candidates=[entry],
                           evidence="full name" if len(claimants) > 1 else "")
        candidates = claimants
        persons = [e for e in candidates if e.kind == "person"]

        inverted = INVERTED_FORENAME.match(text, end, end + 40) if persons else None
        if inverted and inverted.group("forename") in self.matcher.forenames and parent_is_bibl:
            fitting = [e for e in persons if inverted.group("forename") in e.forenames]
            end = inverted.end()
            if len(fitting) == 1:
                return named(start, fitting[0], "forename (inverted)")
            return named(start, None, "forename (inverted) fits no single entry", "low", among=fitting)
        # initials or a forename before the surname
        if persons and letters:
            fitting = [e for e in persons if e.initials_fit(letters)]
            start = initials.start()
            forename = _search_before(WORD_BEFORE, text, start)
            evidence = "initials"
            if not fitting and forename and forename.end() == start:
                # `Robert W. Thurston`, `Irina V. Pavlova`: a forename and a middle initial
                fitting = [e for e in persons if forename.group(1) in e.forenames]
                start, evidence = (forename.start(), "forename") if fitting else (start, evidence)
            if len(fitting) == 1:
                return named(start, fitting[0], evidence)
            self.counts["initials_unmatched" if not fitting else "undecided"] += 1
            return named(start, None, f"{evidence} fit {len(fitting)} entries", "low", among=fitting)
        if not persons and letters:
            # `Ts. Don`: initials make a place name the surname of someone the register does not know
            return Mention(initials.start(), end, None, "person", "low", text)
        abbreviation = _search_before(FORENAME_ABBREVIATION, text, start)
        if persons and abbreviation and abbreviation.end() == start:
            fitting = [e for e in persons if any(f.startswith(abbreviation.group(1)) for f in e.forenames)]
            if len(fitting) == 1:
                return named(abbreviation.start(), fitting[0], "abbreviated forename")
        nickname = _search_before(FORENAME_NICKNAME, text, start) if persons else None
        if nickname and nickname.end() == start:
            fitting = [e for e in persons if _spelled_as(nickname.group("forename"), e.forenames)]
            if len(fitting) == 1:  # `Vissarion (Beso) Lominadze`; `Papuliya (Pavel) Ordzhonikidze`, whose
                # forename is a name of its own (marked already): the surname alone is his
                own = nickname.group("forename") in self.matcher.automaton
                return named(start if own else nickname.start(), fitting[0], "forename")
        word = _search_before(WORD_BEFORE, text, start)
        if persons and word and word.end() == start:
            previous = word.group(1).rstrip("'’")  # `Avel'` is Avel
            previous = self.corrected.get(previous, previous)  # `losif Dzhugashvili`: Iosif, misread
            fitting = [e for e in persons if previous in e.forenames]
            if fitting or previous in self.matcher.forenames:
                if len(fitting) == 1:
                    return named(word.start(), fitting[0], "forename")
                return named(word.start(), None, "forename fits no single entry", "low", among=fitting)
            titled = [e for e in candidates if previous.lower() in e.titles]
            if len(titled) == 1:
                return named(start, titled[0], f"title '{previous}'")
            if not titled and self._unknown_forename(text, word.start(), previous):
                # `Bulat Okudzhava`, `Iuri Mukhin`: a forename the rules do not list; it is part of
                # the name, and it decides: a transliteration of the entry's forename, or no @ref
                fitting = [e for e in persons if _spelled_as(previous, e.forenames)]
                if len(fitting) == 1:
                    return named(word.start(), fitting[0], "forename (transliterated)")
                self.counts["undecided"] += 1
                return named(word.start(), None, "unknown forename", "low", among=fitting)

        if persons:
            # a town named after a person (Kuybyshev, Ordzhonikidze) is meant only after its
            # title word ("in Kuybyshev", taken above); elsewhere the name is the person's
            candidates = [e for e in candidates if not (e.kind == "place" and e.titles)]
        if len(candidates) == 1:
            entry = candidates[0]
            return Mention(start, end, entry, entry.kind, None, text, claimants=claimants, candidates=candidates,
                           evidence="the only entry" if len(claimants) > 1 else "")
        # several entries claim the bare form: the identify stage decides from the context
        defaults = [e for e in candidates if form in e.default_for]
        kind = (defaults or candidates)[0].kind
        return Mention(start, end, None, kind, None, text, claimants=claimants, candidates=candidates,
                       evidence="bare")

    def _unknown_forename(self, text: str, start: int, word: str) -> bool:
        """Is the capitalised word before a surname a forename, though no list knows it?

        Not when it opens a sentence, is an ordinary word the text also writes in lower
        case (`Procurator`, `Admiral`), a word of the rules or a name in the registers
        (`Rykov Tomsy`, a list), a patronymic, or too long for a forename (`Monastyrskoye`)."""
        m = self.matcher
        if not word[0].isupper() or len(word) > 10 or word.lower() in self.ordinary or word in NOT_NAMES:
            return False
        if word in m.role_words or text[start - 1:start] in ("-", "'", "’"):
            return False  # `Admiral Orlov`; `Mir-Djafar Bagirov`, whose forename the word only ends
        if word in m.institution_heads or word in m.reviewed_not_names or word in m.forenames_also_words:
            return False
        if FORENAME_PATRONYMIC.match(word + " ") or word.endswith(("ovna", "evna", "ichna", "ism", "ist", "ite")):
            return False
        if word in m.automaton or _derived(word, m):
            return False
        return not SENTENCE_START.search(text[max(0, start - 4):start]) and start > 0

    def element(self, mention: Mention) -> etree._Element:
        name = ELEMENT_FOR_KIND[mention.kind]
        element = etree.Element(tei(name))
        if mention.entry is not None and not mention.entry.id:
            mention.entry, mention.cert = None, "low"  # a surname the editors could not identify
        if mention.entry is not None:
            element.set("ref", f"{REGISTER_FILE[mention.kind]}#{mention.entry.id}")
            self.counts["with_ref"] += 1
        element.set("resp", ANNOTATOR)
        if mention.cert:
            element.set("cert", mention.cert)
        if len(mention.claimants) > 1 or mention.evidence:
            # for the identify stage, which decides in context and reports every decision
            element.set(CLAIMANTS, " ".join(e.id or UNIDENTIFIED for e in mention.claimants))
            element.set(CANDIDATES, " ".join(e.id or UNIDENTIFIED for e in mention.candidates))
            element.set(EVIDENCE, mention.evidence)
        element.text = mention.group()
        self.counts[name] += 1
        return element


class _Shifted:
    """A match found in a window, with positions in the whole text."""

    def __init__(self, match: re.Match, offset: int):
        self.match, self.offset = match, offset

    def start(self) -> int:
        return self.match.start() + self.offset

    def end(self) -> int:
        return self.match.end() + self.offset

    def group(self, n: int = 0) -> str:
        return self.match.group(n)


def _search_before(pattern: re.Pattern, text: str, end: int, width: int = 48):
    offset = max(0, end - width)
    found = pattern.search(text[offset:end])
    return _Shifted(found, offset) if found else None


def _in_address(text: str, start: int, end: int) -> bool:
    """Is the match part of a web or mail address (a token with `/`, `www.`, `@`)?"""
    left = text.rfind(" ", 0, start) + 1
    right = text.find(" ", end)
    token = text[left:right if right >= 0 else len(text)]
    return "/" in token and ("www." in token or "://" in token or token.count("/") > 1) or "@" in token


def _overlaps(start: int, end: int, mentions: list[Mention]) -> bool:
    return any(start < m.end and m.start < end for m in mentions)


def _short_name_after_the(text: str, start: int, end: int) -> str | None:
    """`the government of the Union`: right after `the`, and not the head of another name (`the Union of
    Marxist-Leninists`, `the Union Bureau`)."""
    if DEFINITE_BEFORE.search(text, max(0, start - 5), start) and not NAME_GOES_ON.match(text, end) \
            and not OF_AFTER.match(text, end):
        return "a short name after `the`"
    return None


def _called_so(text: str, start: int, end: int) -> str | None:
    """`the so-called right bias`, `the so-called. new opposition`: a group's lower-case name the text calls so."""
    if SO_CALLED_BEFORE.search(text, max(0, start - 12), start):
        return "a group's name in lower case after `so-called`"
    return None


def _standing_alone(words) -> re.Pattern:
    """The words standing on their own: not inside a longer word, nor before `of` or a capitalised word that makes
    a longer name with them (`the Presidium of the Supreme Soviet`, `the Union Bureau`)."""
    alternation = "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
    return re.compile(rf"(?<![\w'’-])(?:{alternation})(?![\w'’-])(?![”\"»]?\s+(?:of\b|[A-Z]))")


def _words_alone(pattern: re.Pattern | None, text: str, mentions: list[Mention], titles):
    """The matches of a `_standing_alone` pattern that no mention or title holds and no capitalised word precedes
    (`Soviet Union`, `Left Opposition`)."""
    for found in pattern.finditer(text) if pattern else ():
        start, end = found.span()
        if not (_overlaps(start, end, mentions) or CAPITALISED_WORD_BEFORE.search(text, max(0, start - 30), start)
                or any(a <= start and end <= b for a, b in titles)):
            yield found


def _head_word(name: str) -> str:
    """The head of a body's name: its last word before any `of` (`Library of Congress`: Library)."""
    return name.split(" of ")[0].split()[-1]


def _whole_person_name(form: str, readings) -> bool:
    """A person's form of two words or more (`Hermann Remmele`), which no prefix makes: after a hyphen it stands for
    a dash."""
    return " " in form and form[:1].isupper() and all(entry.kind == "person" for entry, _ in readings)


def _before_a_faction_of(text: str, start: int, end: int) -> str | None:
    """`the communist faction of the Congress of Soviets`: a lower-case party word before `faction of`, the party's
    members in a body of the state."""
    if FACTION_OF_AFTER.match(text, end):
        return "a party's word in lower case before `faction of`"
    return None


def _plurals(surname: str) -> list[str]:
    """`Slepkovs`, `Kaganoviches`, `Yaroslavskys`: a family's plural of a surname long enough to be no word."""
    if len(surname) < 5 or not surname[0].isupper() or not surname[-1].isalpha():
        return []
    return [surname + ("es" if surname.endswith(("ch", "sh", "s", "x", "z")) else "s")]


def _spelled_as(name: str, names: list[str]) -> bool:
    """`Iuri` is `Yuri`, `Viacheslav` `Vyacheslav`, `Semenovna` `Semyonovna`: one Russian name transliterated two ways."""
    return name in names or _transliteration_key(name) in {_transliteration_key(n) for n in names}


def _transliteration_key(name: str) -> str:
    key = name.lower().replace("ё", "e").replace("ë", "e").replace("x", "ks")
    for a, b in (("yu", "iu"), ("ya", "ia"), ("yo", "e"), ("ye", "e"), ("y", "i"), ("ii", "i"), ("'", ""), ("’", "")):
        key = key.replace(a, b)
    return key[:-1] if len(key) > 4 and key.endswith("i") else key


def _unique(entries) -> list[Entry]:
    seen, unique = set(), []
    for entry in entries:
        if id(entry) not in seen:
            seen.add(id(entry))
            unique.append(entry)
    return unique


def _abbreviation(letters: list[str]) -> bool:
    """`St.`, `Cf.`; and a lone `T.`, the translators' rendering of т., "comrade" (`T. Yagoda`)."""
    return bool(ABBREVIATIONS & set(letters)) or letters == ["T"]


# a work's title without quotation marks, between a word for the work and its imprint: `his first book, Knowledge
# and Power. The Role of Stalin's Secret Chancellery in the Soviet System of Government (Copenhagen, 1978)`
TITLES_JOINED = re.compile(r"\s*(?:,|;|,?\s+and)\s*")
UNQUOTED_TITLE = re.compile(rf"\b(?:{WORKS}),?\s+(?P<title>[A-Z][^()\"“”«»]{{10,200}}?)\s*\((?:[A-Z][\w.'’ -]+,\s*)?{YEAR}\)")


# a quotation followed by its imprint, a place of publication and a year closing a bracket, is a title
# (`("Stalin's Special Departments". Copenhagen, 1989)`)
TITLE_IMPRINT_AFTER = re.compile(rf"[.,]?\s*(?:[A-Z][\w'’.-]*\s?){{1,3}},\s*{YEAR}\s*\)")
# the Central Committee's bulletin, its title naming its owner (`the journal Izvestia of the Central Committee of the
# CPSU`, Izvestiia TsK KPSS), and a body's verbatim reports: titles, no mention of the body
PERIODICAL_OF_BODY = re.compile(r"\bIzvestii?a\s+of\s+the\s+Central\s+Committee(?:\s+of\s+the\s+(?:CPSU|RCP|VKP)\s?(?:\(b\))?)?"
                                # a body's verbatim reports, up to their number in brackets (`Verbatim Reports of the
                                # Moscow Soviet of Workers and Red Army Deputies (No. 15)`)
                                r"|\bVerbatim\s+Reports?\s+of\s+the\s+[^()]{3,120}?(?=\s*\()")


def title_spans(text: str, in_bibl: bool, in_note: bool, said_before: str = "") -> list[tuple[int, int]]:
    """Spans of quoted titles: every quotation in a bibliography, those after an author in a note,
    those after or before a word for a work anywhere, and documents cited by their titles; a periodical whose
    title names its owner."""
    unquoted = [m.span("title") for m in UNQUOTED_TITLE.finditer(text)]
    # (the title in italics ends the text before it: `*Izvestia* of the Central Committee`, said_before holding it)
    before = said_before[-20:]
    unquoted += [(max(0, m.start() - len(before)), m.end() - len(before))
                 for m in PERIODICAL_OF_BODY.finditer(before + text) if m.end() > len(before)]
    if '"' not in text and "“" not in text and "«" not in text:
        return unquoted
    quoted, last_end = [], None
    for m in QUOTED.finditer(text):
        if in_bibl or (in_note and AFTER_AUTHOR.search(text[max(0, m.start() - 60):m.start()])) \
                or AFTER_WORK.search(text[max(0, m.start() - 30):m.start() + 1]) \
                or AFTER_WORK_BY.search(text[max(0, m.start() - 80):m.start() + 1]) \
                or AFTER_WORK_COLON.search(text[max(0, m.start() - 80):m.start() + 1]) \
                or (AFTER_PUBLISHED.search(text[max(0, m.start() - 20):m.start() + 1])
                    and text[m.start() + 1:m.start() + 2].isupper()) \
                or _document_title(text, m, said_before) or TITLE_IMPRINT_AFTER.match(text, m.end()) \
                or (last_end is not None and TITLES_JOINED.fullmatch(text, last_end, m.start())
                    and text[m.start() + 1:m.start() + 2].isupper()):
            # (the last: a list of titles after the word for them, `collections of documents "Stalin's
            # Politburo in the 30s", "The Politburo of the Central Committee..."`, each capitalised: a quotation
            # in lower case after a title is quoted text, `the "Short Course ...", "he launched his attack ..."`)
            quoted.append(m.span())
            last_end = m.end()
        else:
            last_end = None
    return unquoted + quoted


def _document_title(text: str, quotation: re.Match, said_before: str = "") -> bool:
    """(`said_before`: the block's words before this text, where a name stands between them)"""
    start = quotation.start()
    if DOCUMENT_OPENER.match(text, start):
        return True
    if ABOUT_OPENER.match(text, start) and DOCUMENT_BEFORE.search((said_before + text[:start])[-110:]):
        return True
    if (AUTHORS_BEFORE.search(text, max(0, start - 40), start) or AUTHOR_BEFORE.search(text, max(0, start - 40), start)) \
            and text[start + 1:start + 2].isupper():
        # `Kaganovich's "Memorial Notes"`, `M. Eastman "After the death of Lenin"`: a work by its author
        return True
    if EVENT_BEFORE.search(text, max(0, start - 30), start):
        return True  # `a round table meeting "Stalin's model of socialism..."`: a meeting's title
    end = quotation.end()
    # a list of titles before the word for them: `"Trotskyite Sabotage in Science," "The Traces of Trotskyism in
    # the Uzbekistan Peoples Commissariat of Agriculture"-articles with such headlines`
    while (following := NEXT_QUOTATION.match(text, end)) is not None:
        end = following.end()
    return bool(WORK_AFTER.match(text, end) or WORKS_JOINED_AFTER.match(text, end))


def _compass_region(text: str, start: int, end: int) -> bool:
    # (`sent to the far North`: the region, its adjective in lower case)
    return bool(DEFINITE_BEFORE.search(text, max(0, start - 5), start) or FAR_BEFORE.search(text, max(0, start - 9), start)) \
        and not NAME_GOES_ON.match(text, end)


def _imprint_in_prose(text: str, start: int, end: int) -> bool:
    if IMPRINT_BEFORE.search(text, max(0, start - 3), start) and PUBLISHER_AND_YEAR_AFTER.match(text, end):
        return True  # `Vlast' i oppozitsii, Moskva: Tovarishestvo "Zhurnal 'Teatr,'" 1993`
    return bool(IMPRINT_IN_PROSE_BEFORE.search(text, max(0, start - 3), start) and YEAR_AFTER.match(text, end))


def _party_by_article(text: str, start: int, plurals: set[str]) -> bool:
    """`the Communists`, `voted for Communists`, `the Communists and Social-Democrats`: a movement's shared word
    that names one party."""
    if DEFINITE_BEFORE.search(text, max(0, start - 5), start) or VOTES_FOR_BEFORE.search(text, max(0, start - 30), start):
        return True
    pair = PAIRED_AFTER_THE.search(text, max(0, start - 40), start)
    return bool(pair) and pair.group("first") in plurals


def _people_of_the_party(text: str, start: int) -> bool:
    """`Old Bolsheviks`, `many Bolsheviks`, `Georgian Bolsheviks`: a word that makes the party's members a set
    of people; after an article, a preposition, a conjunction or punctuation the plural names the party."""
    listed = LIST_BEFORE.search(text, max(0, start - 160), start)
    if listed:  # `a handful of former socialist-revolutionaries, Bundists, Mensheviks`: the list's first words qualify all
        start = listed.start()
    if PARTYS_WORD.search(text, max(0, start - 30), start):
        return True  # `Communist Party (of Bolsheviks)`: a word of the party's name, not a name of its own
    if QUANTIFIED_BEFORE.search(text, max(0, start - 30), start):
        return True
    if COLLECTIVE_OF_BEFORE.search(text, max(0, start - 30), start):
        return True
    before = WORD_BEFORE_PLURAL.search(text, max(0, start - 30), start)
    return bool(before) and before.group(1) not in PARTY_AFTER_WORDS


def _imprint(text: str, start: int, end: int) -> bool:
    return bool(IMPRINT_BEFORE.search(text, max(0, start - 3), start) and IMPRINT_AFTER.match(text, end))


def within_note(element) -> bool:
    return element.tag == NOTE or any(a.tag == NOTE for a in element.iterancestors(NOTE))


def _in_italics(element) -> bool:
    """Italics within running text; headings and captions are set in italics whole, and keep their names."""
    if any(True for _ in element.iterancestors(HEAD)):
        return False
    return any(e.tag == HI and "italic" in (e.get("rend") or "") for e in (element, *element.iterancestors(HI)))


_MATCHER: Matcher | None = None


def matcher() -> Matcher:
    """One automaton per process: the registers are read once."""
    global _MATCHER
    if _MATCHER is None:
        registers, rules = load_registers()
        _MATCHER = Matcher(registers, rules)
        _MATCHER.registers = registers
        _MATCHER.rules = rules
    return _MATCHER


def annotate(doc: Document) -> Document:
    report = doc.stage_report("entities")
    settings = doc.profile.table("entities")
    text = doc.tei.find(tei("text")) if doc.tei is not None else None
    if settings.get("skip") or text is None:
        return doc
    m = matcher()
    annotator = Annotator(m)
    # words the text writes in lower case are ordinary words, not names (one scan, shared)
    ordinary = set(LOWER_WORD.findall(" ".join(text.itertext())))
    annotator.ordinary = ordinary
    annotator.corrected, annotator.misread = misreadings(doc, m)
    annotator.learn_signatures(settings.get("signatures", {}))
    annotator.learn_short_names(settings.get("short_names", {}))
    report["periodicals"] = mark_periodicals(text, m.rules)
    skip = {tei(s) for s in (*SKIP, *settings.get("skip_elements", []))}
    # a page break kept inside a mended paragraph stands between two words, not between two names
    with milestones_lifted(text, tei("pb"), type="mended"):
        visible = _visible(text, skip, annotator.in_bibl)
        for element in visible:
            # the children before any name is inserted: a new name's tail is text already read
            children = list(element)
            _annotate_slot(annotator, element, None)
            for child in children:
                _annotate_slot(annotator, element, child)
        # second pass: the surnames of people the register does not know, met on their own
        annotator.learn_unregistered(ordinary)
        if annotator.unregistered_again is not None:
            for element in _visible(text, skip):
                children = list(element)
                _annotate_slot(annotator, element, None, unregistered_only=True)
                for child in children:
                    _annotate_slot(annotator, element, child, unregistered_only=True)
    report["signatures_in_italics"] = _mark_italic_signatures(text, annotator)
    report["names_with_supplied_letters"] = _mark_names_with_supplied_letters(text, annotator)
    report["linked_existing"] = link_existing_names(text, m)
    report.update(annotator.counts)
    queue = review_queue(text, m, ordinary)
    report["review_queue_size"] = len(queue)
    report["review_queue"] = queue
    return doc


def misreadings(doc: Document, m: Matcher) -> tuple[dict[str, str], ahocorasick.Automaton | None]:
    """The text's corrections of capitalised words ({received: corrected}), and an automaton of the
    received forms whose correction is a register form, with that form's readings. The corrections
    stage runs after this one (a correction stands inside its name): without this, a misread name
    (`Sokolonikov`, `Tupelov`, `Malen-kov`) would be no mention."""
    from .corrections import corrections_file, load_corrections

    path = corrections_file(doc)
    if not path.exists():
        return {}, None
    corrected: dict[str, str] = {}
    automaton = ahocorasick.Automaton()
    for entry in load_corrections(path):
        for received, correct in entry.forms():
            if not correct[:1].isupper() or " " in received.strip():
                continue
            received, correct = _without_possessive(received), _without_possessive(correct)
            corrected[received] = correct
            if correct in m.automaton and received not in m.automaton:
                automaton.add_word(received, (received, m.automaton.get(correct)[1]))
    if not len(automaton):
        return corrected, None
    automaton.make_automaton()
    return corrected, automaton


def _without_possessive(form: str) -> str:
    return form[:-2] if form.endswith(("'s", "’s")) else form


def mark_periodicals(text_element, rules: dict) -> int:
    """Newspapers and journals as titles (`title level="j"`): those rules.toml names, anywhere, and
    a capitalised run right after a word for a periodical (`the newspaper "Soviet Russia"`, `the
    journal BOLSHEVIK`); and the works rules.toml names (`title level="m"`), which the texts cite without
    quotation marks (`the third book of The Quiet Don`). Names inside a title are no mentions: the
    entities pass skips titles."""
    pattern = _periodical_pattern(tuple(rules.get("periodicals", [])), tuple(rules.get("periodical_words", [])))
    count = _mark_titles(text_element, pattern, "j") if pattern is not None else 0
    works = _periodical_pattern(tuple(rules.get("works", [])), ())
    count += _mark_titles(text_element, works, "m") if works is not None else 0
    return count + _mark_glossed_titles(text_element)


def _mark_glossed_titles(text_element) -> int:
    """A Russian title the translator glosses, after a word for a work (`the novel "Moskva. 41-y" [Moscow,
    1941]`, `the book "Narodonaseleniye SSSR" [The Population of the USSR]`): the title and its translation
    are titles (`title level="m"` inside the term and the gloss), so no name inside them is a mention."""
    count = 0
    for seg in text_element.iter(tei("seg")):
        previous = seg.getprevious()
        before = (previous.tail if previous is not None else seg.getparent().text) or ""
        if seg.get("type") != "glossed" or not QUOTATION_MARKS.match((seg.text or "").lstrip()) \
                or not AFTER_WORK.search(before[-40:] + '"'):
            continue
        for part in seg.iter(tei("term"), tei("gloss")):
            if part.find(tei("title")) is not None or not "".join(part.itertext()).strip():
                continue
            title = etree.Element(tei("title"), level="m")
            title.text, part.text = part.text, None
            title.extend(list(part))
            part.append(title)
            count += 1
    return count


def _mark_titles(text_element, pattern: re.Pattern, level: str) -> int:
    count = 0
    for element in _visible(text_element, {tei(t) for t in PERIODICAL_SKIP}):
        for after in [None, *element]:
            text = element.text if after is None else after.tail
            if not text or not pattern.search(text):
                continue
            head, titles, pos = None, [], 0
            for found in pattern.finditer(text):
                group = next(g for g in ("quoted", "title", "named") if found.group(g))
                start = found.start(group)
                title = etree.Element(tei("title"), level=level)
                title.text = found.group(group)
                if titles:
                    titles[-1].tail = text[pos:start]
                else:
                    head = text[:start]
                titles.append(title)
                pos = start + len(title.text)
            titles[-1].tail = text[pos:]
            replace_slot(element, after, head, titles)
            count += len(titles)
    return count


# where no periodical is marked: headers, existing titles and bibliographies (which have their own)
PERIODICAL_SKIP = ("teiHeader", "title", "bibl", "listBibl", "biblStruct", "persName", "placeName", "orgName",
                   "idno", "ref")


@lru_cache(maxsize=4)
def _periodical_pattern(titles: tuple[str, ...], words: tuple[str, ...]) -> re.Pattern | None:
    if not titles and not words:
        return None
    named = "|".join(re.escape(t) for t in sorted(titles, key=len, reverse=True)) or "(?!)"
    lead = "|".join(re.escape(w) for w in words) or "(?!)"
    # after the word: a run in capitals, or capitalised words (with `of the`); quotation marks stay outside
    run = (r"[A-Z][A-Z'’-]+(?:\s+[A-Z][A-Z'’-]+)*(?![a-z])"
           r"|[A-Z][a-z][\w'’-]*(?:\s+(?:of\s+the\s+|of\s+)?[A-Z][a-z][\w'’-]*){0,4}")
    return re.compile(rf"\b(?:{lead})\s+(?:[\"“«](?P<quoted>[A-Z][^\"“”«»]{{1,60}})(?=[\"”»])|(?P<title>{run})(?![\w(-]))"
                      rf"|(?<![\w-])(?P<named>{named})(?![\w-])")


# Capitalised words that open sentences or name months, days, peoples and
# institutions generically: never a name the editors need to review.
NOT_NAMES = set("""I A The This That These Those There Then Thus In On At Of For From By With Without
As An And But Or If When While After Before Since Until It Its He She They We You His Her Their Our
My Your Who What Which Where Why How All Some Many Most No Not One Two Three Yes Mr Mrs Dr St Vol Ibid Box
January February March April May June July August September October November December Monday Tuesday
Wednesday Thursday Friday Saturday Sunday Comrade Comrades Party Committee Soviet Soviets Bolshevik
Bolsheviks Communist Communists Congress Conference Plenum Council Commissariat Commissar Commissars
People People's Peoples Secretary General Chairman Deputy Russian Soviet Union Central Executive
Supreme Court Institute University Academy State Republic Red Army Navy Marshal Colonel General
Professor Academician Opposition Left Right Government Senate Army Navy Embassy Western Eastern Northern Southern North South East West
Cf See Part Chapter Section Note Notes Introduction Conclusion Appendix Table Figure Text
First Second Third Fourth Fifth Sixth Seventh Eighth Ninth Tenth Eleventh Twelfth Thirteenth Fourteenth
Fifteenth Sixteenth Seventeenth Eighteenth Nineteenth Twentieth Firstly Secondly Thirdly
German Germans French English British American Polish Ukrainian Russian Georgian Armenian Chinese
Japanese Italian Spanish Finnish Hungarian Turkish Tatar Jewish Latvian Uzbek Kazakh Yugoslav Czech
Austrian Belgian Dutch Swiss Mexican Bashkir Buryat Yakut Turkmen Abkhaz Cossack Cossacks Nazi Nazis
Menshevik Mensheviks Bolshevism Tsarist Tsarism Thermidor Thermidorian Bonapartist Jacobin Marxist
Leninist Stalinist Trotskyist Provisional Patriotic Democrats Democrat Footnotes Furthermore Therefore
Meanwhile Moreover However Unfortunately Hence Nevertheless Characteristically
Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec Prof Izd Vyp Nos Tov Pred Ibid Op Cit Etext""".split())
# Words a sentence may open with, told apart from names: a name recurs inside sentences too.
SENTENCE_START = re.compile(r"(?:^|[.!?:;…]\s+|[.!?]\s*[\"”»’)]\s+|[\"“«(\[]\s*|\n)$")
CONTRACTION = re.compile(r"['’](?:m|t|ll|d|ve|re)$")
# group words derived from names and movements (`Sovietologists`, `Musavatists`, `Ukrainians`)
GROUP_WORD = re.compile(r"(?:ists?|ites?|ians?|isms?|ism)$")


def review_queue(text_element, m: Matcher, lower: set[str] | None = None) -> dict[str, int]:
    """Capitalised names in the text that no register entry claimed, with their counts.

    Words the text also writes in lower case are ordinary words, not names;
    derived words (`Stalinist`, `Trotskyists`) begin with a register name and
    are left out; so are abbreviations in capitals, the words of NOT_NAMES,
    the heads of institution names (`Presidium`, `Ministry`), the titles and
    words the editors have reviewed (rules.toml `reviewed_not_names`), and
    a word that opens sentences but never stands capitalised inside one
    (`Outwardly`, `Whatever`). Passages in another language (xml:lang) are
    not read: the queue is for the English reading text.
    """
    skip = {tei(t) for t in SKIP} | {tei("persName"), tei("placeName"), tei("orgName")}
    not_names = NOT_NAMES | m.institution_heads | m.reviewed_not_names
    slots: list[str] = []
    for element in _visible(text_element, skip):
        if not _english(element):
            continue
        slots.append(element.text or "")
        slots.extend(child.tail or "" for child in element)
    unlinked = [" ".join("".join(n.itertext()).split()) for n in text_element.iter(tei("persName"))
                if not n.get("ref") and n.get("cert") == "low"]
    prose = "\n".join(slots)
    if lower is None:
        lower = set(LOWER_WORD.findall(prose))
    runs = [*re.finditer(r"\b[A-ZА-ЯЁ][a-zа-яё'’]+(?:[ -][A-ZА-ЯЁ][a-zа-яё'’]+)*", prose)]
    opening = [bool(SENTENCE_START.search(prose[max(0, r.start() - 4):r.start()])) for r in runs]
    inside_sentences = {w for r, first in zip(runs, opening) for w in re.split(r"[ -]", r.group(0))[first:]}
    names: dict[str, int] = {}
    for run, first in zip(runs, opening):
        words = re.split(r"[ -]", run.group(0))
        if first and words[0] not in inside_sentences:
            words = words[1:]
        words = [w for w in words
                 if _bare(w) not in not_names and _bare(w).lower() not in lower
                 and not CONTRACTION.search(w) and not GROUP_WORD.search(w) and not _derived(w, m)]
        if not words:
            continue
        name = " ".join(words).rstrip("'’").removesuffix("'s").removesuffix("’s")
        if len(name) > 2:
            names[name] = names.get(name, 0) + 1
    for name in unlinked:
        names[name] = names.get(name, 0) + 1
    return dict(sorted(names.items(), key=lambda item: (-item[1], item[0])))


def _bare(word: str) -> str:
    """`Peasants'`, `Pravda's`: the word without its possessive."""
    return word.rstrip("'’").removesuffix("'s").removesuffix("’s")


def _english(element) -> bool:
    for e in (element, *element.iterancestors()):
        lang = e.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang:
            return lang.startswith("en")
    return True


def _derived(word: str, m: Matcher) -> bool:
    """`Stalinist`, `Khrushchevite`: a register name with a suffix is not a new name."""
    cache = m.__dict__.setdefault("derived_cache", {})
    if word not in cache:
        cache[word] = any(end - len(form) + 1 == 0 and len(form) >= 4
                          for end, (form, _readings) in m.automaton.iter(word))
    return cache[word]


def _mark_names_with_supplied_letters(text_element, annotator: Annotator) -> int:
    """`V<supplied>ladimir</supplied> I<supplied>lyich</supplied>`: a name whose letters the author supplied in
    brackets (`V[ladimir] I[lyich]`) is split by them, and no slot holds it whole. Read with its supplied
    letters, a form of one register entry only is marked around them."""
    marked = 0
    for element in [e for e in text_element.iter() if any(c.tag == SUPPLIED for c in e)]:
        if element.tag in NAME_ELEMENTS or any(a.tag in NAME_ELEMENTS for a in element.iterancestors()):
            continue
        reading, segments = _reading_with_supplied(element)
        for start, end, readings in reversed(annotator.matcher.matches(reading)):
            entries = _unique(e for e, _ in readings if e.id)
            inside = [s for s in segments if s[0] < end and start < s[1]]
            if len(entries) != 1 or not any(s[3] == "supplied" for s in inside) \
                    or inside[0][3] in ("supplied", "barrier") or inside[-1][3] == "barrier":
                continue
            name = annotator.element(Mention(start, end, entries[0], entries[0].kind, "medium", reading))
            _wrap_segments(element, name, inside, start, end)  # (its text is set there, the first piece's)
            marked += 1
    return marked


def _reading_with_supplied(element) -> tuple[str, list[tuple[int, int, object, str]]]:
    """The element's words with its supplied letters, and where each piece stands: (start, end, node, what),
    `what` being "text" (the element's), "tail" (a child's), "supplied" or "barrier" (any other child, read as
    a sign no name crosses)."""
    reading, segments = "", []

    def add(piece: str, node, what: str) -> None:
        nonlocal reading
        segments.append((len(reading), len(reading) + len(piece), node, what))
        reading += piece

    add(element.text or "", element, "text")
    for child in element:
        if child.tag == SUPPLIED and not len(child):
            add(child.text or "", child, "supplied")
        else:
            add("\x00", child, "barrier")
        add(child.tail or "", child, "tail")
    return reading, segments


def _wrap_segments(element, name, inside, start: int, end: int) -> None:
    """Put the words from `start` to `end` of the element's reading into `name`: the first piece is a text or
    a tail, the last a tail or a supplied part; the children between move in with their tails."""
    first_start, _, first_node, first_what = inside[0]
    last_start, _, last_node, last_what = inside[-1]
    head = (element.text if first_what == "text" else first_node.tail) or ""
    cut = start - first_start
    name.text = head[cut:]
    if first_what == "text":
        element.text = head[:cut]
        element.insert(0, name)
    else:
        first_node.tail = head[:cut]
        element.insert(element.index(first_node) + 1, name)
    for _, _, node, what in inside[1:]:
        if what in ("supplied", "barrier") and node.getparent() is element:
            name.append(node)  # with its tail
    if last_what == "tail":
        tail = last_node.tail or ""
        name.tail, last_node.tail = tail[end - last_start:], tail[:end - last_start]
    else:
        name.tail, last_node.tail = last_node.tail, None


def _mark_italic_signatures(text_element, annotator: Annotator) -> int:
    """`– <hi rend="italic">V. R.</hi>)`: a signature set in italics, which the passes above leave alone (italics
    in notes are titles), is its author's name."""
    marked = 0
    for hi in text_element.iter(HI):
        form = (hi.text or "").strip()
        if len(hi) or form not in annotator.signatures:
            continue
        name = annotator.element(Mention(0, len(form), annotator.signatures[form], "person", None, form))
        at = hi.text.index(form)
        name.tail, hi.text = hi.text[at + len(form):], hi.text[:at]
        hi.append(name)
        marked += 1
    return marked


def link_existing_names(text_element, m: Matcher) -> int:
    """Give @ref to the person names an earlier stage encoded without one.

    Reference lists write names inverted, `BUKHARIN, Nikolai Ivanovich`
    (Rogovin's biographical notes): read as `Nikolai Ivanovich Bukharin`, the
    name must be an explicit form of exactly one register entry.
    """
    linked = 0
    for name in text_element.iter(tei("persName")):
        if name.get("ref"):
            continue
        own = (name.text or "") + "".join(child.tail or "" for child in name)
        inverted = re.match(r"\s*([A-ZА-Я][\w'’-]+)\s*,\s*(.+?)\s*$", own)
        if not inverted:
            continue
        surname = "-".join(part.capitalize() for part in inverted.group(1).split("-"))
        form = f"{' '.join(inverted.group(2).split())} {surname}"
        readings = m.automaton.get(form, (form, []))[1]
        entries = {entry.id: entry for entry, explicit in readings if explicit and entry.id}
        if len(entries) == 1:
            name.set("ref", f"persons.xml#{next(iter(entries))}")
            name.set("resp", ANNOTATOR)
            linked += 1
    return linked


def _visible(root, skip: set[str], in_bibl: set | None = None) -> list:
    """The elements whose own text is running prose: not under a skipped element or an italic title.

    `in_bibl`, when given, receives the elements that lie inside a bibliographic reference."""
    found = []

    def walk(element, bibliographic):
        if not isinstance(element.tag, str) or element.tag in skip or _italic_title(element) \
                or is_translated_title(element):
            return
        bibliographic = bibliographic or element.tag in BIBLS
        found.append(element)
        if bibliographic and in_bibl is not None:
            in_bibl.add(element)
        for child in element:
            walk(child, bibliographic)

    walk(root, False)
    return found


def _annotate_slot(annotator: Annotator, parent, after, unregistered_only: bool = False) -> None:
    """Turn the mentions in parent.text (after=None) or after.tail into elements."""
    text = parent.text if after is None else after.tail
    if not text:
        return
    if unregistered_only:
        mentions = annotator.unregistered_mentions(text, parent)
    else:
        mentions = list(annotator.finditer(text, parent, _said_before(parent, after, text)))
    if not mentions:
        return
    head = text[:mentions[0].start]
    elements = []
    for i, mention in enumerate(mentions):
        element = annotator.element(mention)
        following = mentions[i + 1].start if i + 1 < len(mentions) else len(text)
        element.tail = text[mention.end:following]
        elements.append(element)
    replace_slot(parent, after, head, elements)


def _said_before(parent, after, text: str) -> str:
    """The words of the block before a slot that holds a quotation: a document's word may stand before a name
    that precedes its title (`a report from the Commission chaired by M. Solomentsev, "About the Case ..."`), and a
    title in italics goes on after them (`*Izvestia* of the Central Committee`)."""
    if after is None or not (QUOTATION_MARKS.search(text) or OF_AFTER.match(text)):
        return ""  # (the block's own first words: nothing stands before them)
    said = [parent.text or ""]
    for child in parent:
        said.append("".join(child.itertext()))
        if child is after:
            return "".join(said)[-110:]
        said.append(child.tail or "")
    return ""


def _proper_word(word: str, ordinary: set[str]) -> bool:
    """A word the text never writes in lower case, and no month's name (`April party conference`)."""
    return word.lower() not in ordinary and word not in MONTHS


def _his_own_forename(forename: Mention, surname: Mention, text: str) -> bool:
    return forename.kind == surname.kind == "person" and forename.entry is not None \
        and forename.entry is surname.entry and bool(NICKNAME_BETWEEN.fullmatch(text, forename.end, surname.start))


def is_translated_title(element) -> bool:
    """The translator's bracket right after a title cited in italics (`<hi rend="italic">Vtoraia mirovaia voina v
    vospominaniakh U. Cherkhillia ...</hi> [The Second World War in the Memoirs of Winston Churchill ...]`): the
    title's translation, whose names are no mentions, as the title's are not."""
    if element.tag != NOTE or element.get("type") != "translator" or (element.getparent() is None):
        return False
    previous = element.getprevious()
    if previous is not None and not (previous.tail or "").strip() and _italic_title(previous):
        return True
    # or inside a quoted title, before its closing mark (`Korsakov, “Stanovlenie Instituta filosofii ... [Founding
    # of the Institute of Philosophy ...],”`), in a note or a bibliography
    before = (previous.tail if previous is not None else element.getparent().text) or ""
    return bool(OPEN_QUOTATION_AT_END.search(before)) and any(
        a.tag in (tei("note"), tei("bibl")) for a in element.iterancestors())


def _italic_title(element) -> bool:
    """Italics in notes and bibliographies are titles: names there are not persons."""
    if element.tag != HI or "italic" not in (element.get("rend") or ""):
        return False
    return any(a.tag in (tei("note"), tei("bibl")) for a in element.iterancestors())

"""Whose body a `Central Committee` or a `Politburo` is: the all-Union one, or a republic's or a
foreign party's (`the Georgian CP Central Committee`, `the Central Committee of the Communist
Party of Azerbaijan`, `the Politburo of the German Communist Party`).

The texts mean the all-Union body unless they name an owner beside it: before it, with only
party words between (`the Uzbek VKP(b) Central Committee`), or after it (`of the Komsomol`,
`of the Communist Parties of the national republics`), or after the body's own expansion of its
abbreviation (`the TsIK Central Executive Committee of the Ukrainian Soviets`). The owners, their
bodies' register entries and the party words are data: data/registers/decisions.toml [bodies],
[[owner]]. The identify stage asks, and decides.
"""

from __future__ import annotations

import re

# the end of a sentence (the years and countries a sentence speaks of are read within it)
SENTENCE_END = re.compile(r"[.!?](?:[\"”»’)\]]*)\s+(?=[A-Z\"“«(])")


class Bodies:
    """Whose body a `Central Committee` or `Politburo` is: the all-Union one, or a republic's or a
    foreign party's (decisions.toml [bodies], [[owner]])."""

    def __init__(self, bodies: dict, owners: list[dict]):
        self.all_union = set(bodies.get("all_union", []))
        words = sorted(bodies.get("party_words", []), key=len, reverse=True)
        between = rf"(?:\s*(?:{'|'.join(re.escape(w) for w in words)}))*" if words else ""
        self.owner_bodies = {w: o.get("bodies", {}) for o in owners for w in o.get("words", [])}
        named = "|".join(re.escape(w) for w in sorted(self.owner_bodies, key=len, reverse=True)) or "(?!)"
        marks = "|".join(re.escape(m) for m in bodies.get("all_union_marks", [])) or "(?!)"
        self.before = re.compile(rf"(?<![\w-])(?P<owner>{named})(?:['’]s)?{between}\s*$")
        # after the owner, its party's name belongs to the phrase (`of the Ukrainian Communist Party`)
        trailing = [w for w in words if w[:1].isupper() or w.startswith("(")]
        trail = rf"(?:\s*(?:{'|'.join(re.escape(w) for w in trailing)}))*" if trailing else ""
        self.after = re.compile(rf"{between}\s*(?<![\w-])(?P<owner>{named})(?![\w-]){trail}")
        self.mark_before = re.compile(rf"(?:{marks})\s*$")
        self.only_party_words = re.compile(rf"^{between}\s*$")
        self.mark_after = re.compile(rf"\s*(?:of\s+)?(?:the\s+)?(?:{marks})")
        # a party every country has, by the words it shares with them (`the Communist Party`): entry -> forms
        self.national_forms = {entry: set(forms) for entry, forms in bodies.get("national_forms", {}).items()}
        # the countries whose parties the texts name without the country's name
        countries = sorted((w for o in owners if o.get("country") for w in o.get("words", [])), key=len, reverse=True)
        self.country_word = re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, countries))})(?![\w-])") \
            if countries else None

    def national(self, entry_id: str, words: str) -> bool:
        """Is this a party named by the words every country's shares (`the Communist Party`, not `VKP(b)`)?"""
        return words in self.national_forms.get(entry_id, ())

    def country_near(self, text: str, at: tuple[int, int]) -> str | None:
        """The country the sentence around the name, or the one before it, names (`the Nazi Party received
        13,750,000 votes, the Communist Party 5.3 million`): the last named before the name, else the first
        after it in the sentence."""
        if self.country_word is None:
            return None
        starts = [0] + [m.end() for m in SENTENCE_END.finditer(text, 0, at[0])]
        end = SENTENCE_END.search(text, at[1])
        before = [m.group(0) for m in self.country_word.finditer(text, starts[-2] if len(starts) > 1 else 0, at[0])]
        if before:
            return before[-1]
        after = self.country_word.search(text, at[1], end.start() if end else len(text))
        return after.group(0) if after else None

    def owner(self, text: str, at: tuple[int, int], expansions: list[str]) -> tuple[str, str, tuple[int, int]] | None:
        """('before'|'after'|'all-union', owner words, span of the owner phrase) or None.
        `expansions`: the body's own names, which may follow its abbreviation (`TsIK Central
        Executive Committee of the Ukrainian Soviets`) before the owner."""
        before = text[max(0, at[0] - 80):at[0]]
        found = self.before.search(before)
        if found:
            return "before", found.group("owner"), (at[0] - len(before) + found.start(), at[0])
        if self.mark_before.search(before) or self.mark_after.match(text, at[1]):
            return "all-union", "", at
        after = at[1]
        expanded = next((e for e in expansions if text.startswith(e, after)), None)
        found = self.after.match(text, after + len(expanded) if expanded else after, after + 120)
        if found and found.end() > after:
            return ("after" if not expanded else "after expansion"), found.group("owner"), (at[1], found.end())
        return None


def take_into(element, side: str, length: int) -> None:
    """The owner's words become part of the body's name where they stand in the one run of text
    beside it (`the [Georgian CP Central Committee]`, `the [Central Committee of the KPD]`); an
    owner that is a name of its own, or a name with markup inside, is left where it is."""
    if len(element):
        return
    if side == "after":
        tail = element.tail or ""
        if len(tail) >= length:
            element.text, element.tail = (element.text or "") + tail[:length], tail[length:]
        return
    previous, parent = element.getprevious(), element.getparent()
    slot = previous.tail if previous is not None else parent.text
    if slot is None or len(slot) < length:
        return
    element.text = slot[-length:] + (element.text or "")
    if previous is not None:
        previous.tail = slot[:-length]
    else:
        parent.text = slot[:-length]

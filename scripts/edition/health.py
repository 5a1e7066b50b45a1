"""Which files of a TEI folder can be read at all: well-formed, a TEI root, a header.

One malformed file in tei/ (a truncated copy, a bad hand edit) took the whole
site down: the search index, the library and the registers all parse every
text. Each of them asks here first and leaves out a file that cannot be read;
the viewer names it at start-up and on its pages, the build in a warning.
The check (a parse) is remembered per version of the file (mtime, size).
"""

from __future__ import annotations

import threading
from pathlib import Path

from lxml import etree

from . import TEI_NS, tei

_checked: dict[Path, tuple[tuple[int, int], str | None]] = {}
_lock = threading.Lock()


def fault(path: Path) -> str | None:
    """Why `path` cannot be read as XML ("line 185: Premature end of data..."), or None."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError as err:
        return f"cannot be read: {err.strerror}"
    version = (stat.st_mtime_ns, stat.st_size)
    with _lock:
        known = _checked.get(path)
    if known and known[0] == version:
        return known[1]
    problem = _parse_fault(path)
    with _lock:
        _checked[path] = (version, problem)
    return problem


def _parse_fault(path: Path) -> str | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, collect_ids=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as err:
        return f"not well-formed XML: {err.msg}" if err.msg else "not well-formed XML"
    except OSError as err:
        return f"cannot be read: {err}"
    if root.tag != tei("TEI"):
        return f"not a TEI document: its root is <{etree.QName(root).localname}>, not <TEI xmlns=\"{TEI_NS}\">"
    if root.find(tei("teiHeader")) is None:
        return "a TEI document without its <teiHeader>"
    return None


def sound(paths) -> list[Path]:
    """The paths that can be read, in the order given."""
    return [p for p in paths if fault(p) is None]


def unsound(folder: Path) -> dict[str, str]:
    """file name -> what is wrong, for every TEI file of the folder that cannot be read."""
    found = {}
    for path in sorted(Path(folder).glob("*.xml")):
        problem = fault(path)
        if problem:
            found[path.name] = problem
    return found

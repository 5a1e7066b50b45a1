"""TEI to HTML through the XSLT in xslt/, run by Saxon (saxonche).

The stylesheet is compiled once (again if a stylesheet file changes), each
TEI file is parsed once per version, and every rendered fragment is kept,
keyed by the file's mtime, so a page is transformed only the first time it is
asked for. Saxon is called under one lock: its processor is shared.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path
from typing import Callable

from saxonche import PySaxonProcessor

from edition import XSLT

DRIVER = "page.xsl"
MAX_FRAGMENTS = 2000


class Renderer:
    def __init__(self, xslt_dir: Path = XSLT):
        self.xslt_dir = Path(xslt_dir)
        self._processor = PySaxonProcessor(license=False)
        self._lock = threading.RLock()
        self._executable = None
        self._stylesheet_version: tuple | None = None
        self._documents: dict[Path, tuple[int, object]] = {}
        self._fragments: OrderedDict[tuple, str] = OrderedDict()

    def _stylesheet(self):
        version = tuple(sorted((p.name, p.stat().st_mtime_ns) for p in self.xslt_dir.glob("*.xsl")))
        if self._executable is None or version != self._stylesheet_version:
            compiler = self._processor.new_xslt30_processor()
            self._executable = compiler.compile_stylesheet(stylesheet_file=str(self.xslt_dir / DRIVER))
            self._stylesheet_version = version
            self._fragments.clear()
        return self._executable

    def compile(self) -> None:
        with self._lock:
            self._stylesheet()

    def _document(self, path: Path, mtime_ns: int):
        cached = self._documents.get(path)
        if cached is None or cached[0] != mtime_ns:
            node = self._processor.parse_xml(xml_file_name=str(path))
            self._documents[path] = cached = (mtime_ns, node)
        return cached[1]

    def render(self, path: Path, document: Callable[[], str] | None = None, **params: str) -> str:
        """The HTML fragment for one view of one TEI file (params: see xslt/params.xsl).
        `document`, if given, makes the part of the file the view needs (the
        file is parsed whole otherwise); the fragment is cached all the same."""
        path = Path(path)
        mtime_ns = path.stat().st_mtime_ns
        key = (path, mtime_ns, tuple(sorted(params.items())))
        with self._lock:
            executable = self._stylesheet()
            html = self._fragments.get(key)
            if html is not None:
                self._fragments.move_to_end(key)
                return html
            node = self._processor.parse_xml(xml_text=document()) if document else self._document(path, mtime_ns)
            executable.clear_parameters()
            for name, value in params.items():
                executable.set_parameter(name, self._processor.make_string_value(value))
            html = executable.transform_to_string(xdm_node=node)
            self._fragments[key] = html
            if len(self._fragments) > MAX_FRAGMENTS:
                self._fragments.popitem(last=False)
            return html

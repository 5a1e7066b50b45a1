"""The edition's Schematron (schema/edition.sch, queryBinding="xslt2") on two engines.

`to_xslt3` compiles an ISO Schematron schema into an XSLT 3.0 stylesheet that
writes SVRL, the way SchXslt and the ISO skeleton do (one mode per pattern,
one template per rule in document order, the first rule that matches a node
fires); `SaxonSchematron` runs it with Saxon (saxonche). No registry offers
SchXslt or an XSLT 2 skeleton, and a Schematron is small enough to compile
here: what the compiler does not know (abstract patterns, includes, phases,
diagnostics) it refuses rather than ignores.

`for_libxslt` is the adapter for the validator's fast path (lxml's XSLT 1
skeleton on libxslt): the schema's only XPath 2 function, tokenize(), is the
EXSLT str:tokenize there, with the same tokens for the single-space
separators the rules use. A test runs both on the edition and on
tests/broken/ and demands the same verdicts.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from lxml import etree

SCH_NS = "http://purl.oclc.org/dsdl/schematron"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
XSL_NS = "http://www.w3.org/1999/XSL/Transform"
EXSLT_STRINGS = "http://exslt.org/strings"
XPATH_ATTRIBUTES = ("test", "value", "select", "context", "use", "match")
TOKENIZE = re.compile(r"(?<![\w:.-])tokenize\(")


class SchematronError(Exception):
    """A schema this compiler cannot run faithfully."""


def _sch(tag: str) -> str:
    return f"{{{SCH_NS}}}{tag}"


def _xsl(parent: etree._Element, tag: str, **attrs: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{XSL_NS}}}{tag}", {k.rstrip("_"): v for k, v in attrs.items()})


def for_libxslt(schema: etree._ElementTree) -> etree._ElementTree:
    """The schema as lxml's XSLT 1 skeleton can run it: EXSLT binding, tokenize() as str:tokenize()."""
    adapted = copy.deepcopy(schema)
    root = adapted.getroot()
    root.set("queryBinding", "exslt")
    ns = etree.Element(_sch("ns"), prefix="str", uri=EXSLT_STRINGS)
    root.insert(next(i for i, child in enumerate(root) if child.tag == _sch("ns")), ns)
    for element in root.iter():
        if isinstance(element.tag, str):
            for name in XPATH_ATTRIBUTES:
                if element.get(name) and "tokenize(" in element.get(name):
                    element.set(name, TOKENIZE.sub("str:tokenize(", element.get(name)))
    return adapted


def to_xslt3(schema: etree._ElementTree) -> etree._ElementTree:
    """The schema as an XSLT 3.0 stylesheet whose output is an SVRL report of failed asserts and reports."""
    root = schema.getroot()
    if root.get("queryBinding") not in ("xslt2", "xslt3"):
        raise SchematronError(f"queryBinding {root.get('queryBinding')!r}: this compiler runs xslt2 and xslt3")
    for name in ("include", "extends", "phase", "diagnostics"):
        if root.find(f".//{_sch(name)}") is not None:
            raise SchematronError(f"sch:{name} is not supported by this compiler")
    if root.xpath("//sch:pattern[@abstract='true' or @is-a]", namespaces={"sch": SCH_NS}):
        raise SchematronError("abstract patterns are not supported by this compiler")
    namespaces = {ns.get("prefix"): ns.get("uri") for ns in root.iter(_sch("ns"))}
    stylesheet = etree.Element(f"{{{XSL_NS}}}stylesheet", {"version": "3.0"},
                               nsmap={"xsl": XSL_NS, "svrl": SVRL_NS, "sch": SCH_NS, **namespaces})
    for child in root:
        if isinstance(child.tag, str) and child.tag.startswith(f"{{{XSL_NS}}}"):
            stylesheet.append(copy.deepcopy(child))  # xsl:key, xsl:function: the schema's own XSLT
    for let in root.findall(_sch("let")):
        _xsl(stylesheet, "variable", name=let.get("name"), select=_readable_documents(let.get("value")))
    stylesheet.append(etree.fromstring(READABLE_DOCUMENT))
    patterns = root.findall(_sch("pattern"))
    main = _xsl(stylesheet, "template", match="/")
    report = etree.SubElement(main, f"{{{SVRL_NS}}}schematron-output")
    for number, pattern in enumerate(patterns, 1):
        mode = f"pattern-{number}"
        active = etree.SubElement(report, f"{{{SVRL_NS}}}active-pattern")
        if pattern.get("id"):
            active.set("id", pattern.get("id"))
        _xsl(report, "apply-templates", select=".", mode=mode)
        _compile_pattern(stylesheet, pattern, mode)
    return stylesheet.getroottree()


# document() of a file that cannot be read is an empty node-set in XSLT 1 (the recovery 12.1 allows, and
# libxslt takes) but an error in XSLT 2 and 3: a pointer to a missing register would stop the run instead
# of failing its assert. The compiled stylesheet reads documents through a function that keeps XSLT 1's way.
DOCUMENT_CALL = re.compile(r"(?<![\w:.-])document\(")
READABLE_DOCUMENT = f"""<xsl:function xmlns:xsl="{XSL_NS}" xmlns:sch="{SCH_NS}" name="sch:readable-document">
  <xsl:param name="uri"/>
  <xsl:param name="base"/>
  <xsl:sequence select="if (doc-available(resolve-uri(string($uri), base-uri($base))))
                        then document($uri, $base) else ()"/>
</xsl:function>"""


# Where a failure is: the element's path by names and the nearest xml:id around it ("/TEI/text/body/div/p
# @ rogovin.3"). Not path(): its positions count preceding siblings, quadratic in a body of 20,000 paragraphs.
LOCATION = ("concat(string-join(ancestor-or-self::*/name(), '/'), (if (self::attribute()) then '/@' || name() "
            "else ''), ' @ ', (ancestor-or-self::*[@xml:id][1]/@xml:id, '-')[1])")


def _readable_documents(expression: str) -> str:
    return DOCUMENT_CALL.sub("sch:readable-document(", expression)


def _compile_pattern(stylesheet: etree._Element, pattern: etree._Element, mode: str) -> None:
    rules = pattern.findall(_sch("rule"))
    for position, rule in enumerate(rules):
        # the first rule of a pattern that matches a node fires, the others do not (ISO Schematron 6.5)
        template = _xsl(stylesheet, "template", match=rule.get("context"), mode=mode,
                        priority=str(len(rules) - position + 1))
        for let in rule.findall(_sch("let")):
            _xsl(template, "variable", name=let.get("name"), select=_readable_documents(let.get("value")))
        for check in rule:
            if check.tag in (_sch("assert"), _sch("report")):
                _compile_check(template, check)
        _xsl(template, "apply-templates", select="@*|node()", mode=mode)
    # every other node: go on into its attributes and children
    fallback = _xsl(stylesheet, "template", match="document-node()|@*|node()", mode=mode, priority="-10")
    _xsl(fallback, "apply-templates", select="@*|node()", mode=mode)


def _compile_check(template: etree._Element, check: etree._Element) -> None:
    is_assert = check.tag == _sch("assert")
    kind = "failed-assert" if is_assert else "successful-report"
    test = _readable_documents(check.get("test"))
    branch = _xsl(template, "if", test=f"not({test})" if is_assert else test)
    result = etree.SubElement(branch, f"{{{SVRL_NS}}}{kind}", {"test": check.get("test")})
    for name in ("id", "role", "flag"):
        if check.get(name):
            result.set(name, check.get(name))
    location = _xsl(result, "attribute", name="location")
    _xsl(location, "value-of", select=LOCATION)
    text = etree.SubElement(result, f"{{{SVRL_NS}}}text")
    text.text = check.text
    for child in check:
        if child.tag == _sch("value-of"):
            _xsl(text, "value-of", select=child.get("select"))
        elif child.tag == _sch("name"):
            _xsl(text, "value-of", select=f"name({child.get('path') or '.'})")
        elif isinstance(child.tag, str):
            raise SchematronError(f"sch:{etree.QName(child).localname} inside an assertion is not supported")
        if child.tail:
            (text[-1] if len(text) else text).tail = child.tail


class SaxonSchematron:
    """A schema compiled once to XSLT 3 and run by Saxon on files (their base URI lets document() read
    the registers beside them)."""

    def __init__(self, schema_path: Path):
        from saxonche import PySaxonProcessor
        self._processor = PySaxonProcessor(license=False)
        stylesheet = etree.tostring(to_xslt3(etree.parse(str(schema_path))), encoding="unicode")
        compiler = self._processor.new_xslt30_processor()
        self._executable = compiler.compile_stylesheet(stylesheet_text=stylesheet)

    def validate(self, path: Path) -> list[dict]:
        """Each failed assert and successful report: {"id", "role", "location", "text"}."""
        document = self._processor.parse_xml(xml_file_name=str(Path(path).resolve()))
        self._executable.set_global_context_item(xdm_item=document)
        svrl = etree.fromstring(self._executable.apply_templates_returning_string(xdm_value=document).encode())
        return [{"id": failure.get("id"), "role": failure.get("role"), "location": failure.get("location"),
                 "text": " ".join("".join(failure.itertext()).split())}
                for failure in svrl.iter(f"{{{SVRL_NS}}}failed-assert", f"{{{SVRL_NS}}}successful-report")]

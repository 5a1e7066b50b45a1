"""The validator's problems as a reader of the validation page reads them.

The validator reports what libxml2 says ("Expecting an element , got
nothing"); for the page, those messages are said in plain words and the
encoding guide they cite is a link. Presentation only: the validator's own
reports (command line, --json) are unchanged."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# libxml2's RELAX NG and parser messages, and what they mean for a person mending the file
PLAIN_WORDS = [
    (r"Expecting an element ?(\S*) ?, got nothing",
     lambda m: f"something is missing here: the schema expects {_element(m[1]) or 'an element'} at this point, and the file has none"),
    (r"Expecting element (\S+), got (\S+)", lambda m: f"the schema expects {_element(m[1])} here, not {_element(m[2])}"),
    (r"Did not expect element (\S+) there", lambda m: f"{_element(m[1])} is not allowed at this point"),
    (r"Element (\S+) failed to validate content",
     lambda m: f"the content of {_element(m[1])} does not follow the schema (the other problems inside it say where)"),
    (r"Element (\S+) failed to validate attributes", lambda m: f"an attribute of {_element(m[1])} is not allowed or has a wrong value"),
    (r"Invalid attribute (\S+) for element (\S+)", lambda m: f"{_element(m[2])} does not take the attribute {m[1]}"),
    (r"Element (\S+) has extra content: (\S+)", lambda m: f"{_element(m[1])} holds {_element(m[2])}, which the schema does not allow there"),
    (r"Extra element (\S+) in interleave", lambda m: f"{_element(m[1])} is not allowed here, or stands here once too often"),
    (r"Expecting a namespace for element (\S+)",
     lambda m: f"{_element(m[1])} has no namespace: TEI elements are in http://www.tei-c.org/ns/1.0"),
    (r"Element (\S+) has wrong namespace: expecting (\S+)",
     lambda m: f"{_element(m[1])} is in the wrong namespace: TEI elements are in {m[2]}"),
    (r"Type (\S+) doesn't allow value '(.*)'", lambda m: f"the value “{m[2]}” is not a valid {m[1]}"),
    (r"Error validating datatype (\S+)", lambda m: f"a value is not a valid {m[1]}"),
    (r"not well-formed XML: Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)",
     lambda m: f"the file is not well-formed XML: {_element(m[1])}, opened on line {m[2]}, is closed by </{m[3]}>"),
    (r"not well-formed XML: Premature end of data in tag (\S+) line (\d+)",
     lambda m: f"the file is not well-formed XML: it ends before {_element(m[1])}, opened on line {m[2]}, is closed"),
]
_COMPILED = [(re.compile(pattern), say) for pattern, say in PLAIN_WORDS]
GUIDE = "docs/encoding.md"


def _element(name: str) -> str:
    return f"<{name}>" if name else ""


def in_plain_words(message: str) -> str:
    for pattern, say in _COMPILED:
        match = pattern.fullmatch(message.strip())
        if match:
            return say(match)
    return message


def as_html(message: str, guide_url: str) -> Markup:
    """The message in plain words, escaped, with the encoding guide it cites as a link."""
    text = escape(in_plain_words(message))
    return Markup(str(text).replace(GUIDE, f'<a href="{escape(guide_url)}">the encoding guide</a>'))

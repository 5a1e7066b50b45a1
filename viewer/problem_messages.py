"""The validator's problems as a reader of the validation page reads them.

The validator reports what libxml2 says ("Expecting an element , got
nothing"); for the page, those messages are said in plain words and the
encoding guide they cite is a link. Presentation only: the validator's own
reports (command line, --json) are unchanged."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# libxml2's RELAX NG and parser messages, and what they mean for a person mending the file;
# {1}, {2} are the message's groups ('<{1}>' an element's name)
PLAIN_WORDS = {
    r"Expecting an element ?(\S*) ?, got nothing":
        "something is missing here: the schema expects another element at this point, and the file has none",
    r"Expecting element (\S+), got (\S+)": "the schema expects <{1}> here, not <{2}>",
    r"Did not expect element (\S+) there": "<{1}> is not allowed at this point",
    r"Element (\S+) failed to validate content":
        "the content of <{1}> does not follow the schema (the other problems inside it say where)",
    r"Element (\S+) failed to validate attributes": "an attribute of <{1}> is not allowed or has a wrong value",
    r"Invalid attribute (\S+) for element (\S+)": "<{2}> does not take the attribute {1}",
    r"Element (\S+) has extra content: (\S+)": "<{1}> holds <{2}>, which the schema does not allow there",
    r"Extra element (\S+) in interleave": "<{1}> is not allowed here, or stands here once too often",
    r"Expecting a namespace for element (\S+)": "<{1}> has no namespace: TEI elements are in http://www.tei-c.org/ns/1.0",
    r"Element (\S+) has wrong namespace: expecting (\S+)": "<{1}> is in the wrong namespace: TEI elements are in {2}",
    r"Type (\S+) doesn't allow value '(.*)'": "the value “{2}” is not a valid {1}",
    r"Error validating datatype (\S+)": "a value is not a valid {1}",
    r"not well-formed XML: Opening and ending tag mismatch: (\S+) line (\d+) and (\S+)":
        "the file is not well-formed XML: <{1}>, opened on line {2}, is closed by </{3}>",
    r"not well-formed XML: Premature end of data in tag (\S+) line (\d+)":
        "the file is not well-formed XML: it ends before <{1}>, opened on line {2}, is closed",
}
_COMPILED = [(re.compile(pattern), words) for pattern, words in PLAIN_WORDS.items()]
GUIDE = "docs/encoding.md"


def in_plain_words(message: str) -> str:
    for pattern, words in _COMPILED:
        match = pattern.fullmatch(message.strip())
        if match:
            return words.format(match[0], *match.groups())
    return message


def as_html(message: str, guide_url: str) -> Markup:
    """The message in plain words, escaped, with the encoding guide it cites as a link."""
    text = escape(in_plain_words(message))
    return Markup(str(text).replace(GUIDE, f'<a href="{escape(guide_url)}">the encoding guide</a>'))

"""The reader's search language, read into an SQLite FTS5 expression.

    Kamenev Zinoviev            both words (AND is implied)
    Kamenev OR Zinoviev         either
    Trotsky NOT Lenin           the first without the second
    (Kamenev OR Zinoviev) trial grouping (unless the whole is a name a register spells so)
    "show trial"                a phrase
    kulak*                      a prefix

AND, OR and NOT are operators only in capitals; in lower case they are words.
Every other character is taken literally (a word's tokens are cut as FTS5 cuts
text), so no input reaches FTS5 as a syntax error: a query that cannot be read
raises QueryError with a sentence for the reader.

A name the registers know is widened to all its spellings (`spellings`):
"Ezhov" is searched as (Yezhov OR Ezhov OR Ежов OR Yezhos), unless the reader
turns that off. The parse keeps what was widened, to show it, and the words to
highlight where a hit lands.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .spellings import Form, key, tokens

OPERATORS = ("AND", "OR", "NOT")
# FTS5's cost grows with the number of terms (24 terms of "the": 0.4 s a page):
# a reader's query is a few words
MAX_TERMS = 12
_LEXEME = re.compile(r'"([^"]*)"?|(\()|(\))|([^\s()"]+)')


class QueryError(ValueError):
    """A search the reader typed that cannot be run (said in plain words)."""


class QueryTooLong(QueryError):
    """A search beyond the bounds every request keeps to."""


@dataclass
class Term:
    """A word, a phrase, or a name widened to its spellings (forms, the typed one first)."""
    forms: list[Form]
    prefix: bool = False
    typed: str = ""

    def fts(self) -> str:
        phrases = ['"' + " ".join(form) + '"' + ("*" if self.prefix else "") for form in self.forms]
        return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"


@dataclass
class Node:
    operator: str          # AND, OR, NOT (NOT: the first child without the others)
    children: list


@dataclass
class Query:
    tree: object
    terms: int
    widened: list[tuple[str, list[str]]] = field(default_factory=list)  # (typed, other spellings)
    highlight: list[str] = field(default_factory=list)                  # words and phrases; "word*" a prefix

    def fts(self) -> str:
        return _fts(self.tree, top=True)


def _fts(node, top: bool = False) -> str:
    if isinstance(node, Term):
        return node.fts()
    joined = f" {node.operator} ".join(_fts(child) for child in node.children)
    return joined if top else f"({joined})"


def _lexemes(text: str) -> list[tuple[str, object]]:
    found = []
    for phrase, opening, closing, word in _LEXEME.findall(text):
        if opening or closing:
            found.append((opening or closing, None))
        elif word in OPERATORS:
            found.append((word, None))
        elif word:
            prefix = word.endswith("*")
            if tokens(word):
                found.append(("term", Term([tokens(word)], prefix and len(tokens(word)) == 1, word)))
        elif tokens(phrase):
            found.append(("term", Term([tokens(phrase)], False, f'"{phrase}"')))
    return found


class _Parser:
    """Recursive descent with FTS5's precedence: NOT binds closest, then AND, then OR."""

    def __init__(self, lexemes: list[tuple[str, object]]):
        self.lexemes = lexemes
        self.at = 0

    def peek(self) -> str | None:
        return self.lexemes[self.at][0] if self.at < len(self.lexemes) else None

    def take(self) -> tuple[str, object]:
        self.at += 1
        return self.lexemes[self.at - 1]

    def any_of(self):
        children = [self.all_of()]
        while self.peek() == "OR":
            self.take()
            children.append(self.all_of())
        return children[0] if len(children) == 1 else Node("OR", children)

    def all_of(self):
        children = [self.without()]
        while self.peek() in ("AND", "term", "("):
            if self.peek() == "AND":
                self.take()
            children.append(self.without())
        return children[0] if len(children) == 1 else Node("AND", children)

    def without(self):
        node = self.operand()
        while self.peek() == "NOT":
            self.take()
            node = Node("NOT", [node, self.operand()])
        return node

    def operand(self):
        kind = self.peek()
        if kind == "term":
            return self.take()[1]
        if kind == "(":
            self.take()
            if self.peek() == ")":
                raise QueryError("a pair of brackets holds nothing")
            node = self.any_of()
            if self.peek() != ")":
                raise QueryError("a bracket is opened and not closed")
            self.take()
            return node
        if kind is None:
            raise QueryError("the search ends with an operator: AND, OR and NOT join two searches, "
                             "as in Kamenev OR Zinoviev")
        if kind == ")":
            raise QueryError("a bracket is closed that was not opened")
        raise QueryError(f"{kind} cannot stand here: AND, OR and NOT join two searches, as in Trotsky NOT Lenin "
                         f"(to search for the word, write it in lower case or in quotation marks)")


def parse(text: str, spellings: dict[Form, list[Form]] | None = None) -> Query:
    """The reader's query; `spellings` ({key: the forms of its group}) widens the names it holds."""
    if spellings and "(" in text and '"' not in text and key(tokens(text)) in spellings:
        # a name the registers spell with a bracket (`CPSU (b)`, `the republic Communist Party (of Bolsheviks)
        # Central Committee`): the name, not a grouping
        text = f'"{text}"'
    lexemes = _lexemes(text)
    terms = sum(1 for kind, _ in lexemes if kind == "term")
    if not terms:
        operators = any(kind in OPERATORS for kind, _ in lexemes)
        raise QueryError("the search has no words in it" + (": AND, OR and NOT join two searches, as in "
                                                           "Kamenev OR Zinoviev" if operators else ""))
    if terms > MAX_TERMS:
        raise QueryTooLong(f"a search may hold at most {MAX_TERMS} words or phrases; this one holds {terms}")
    parser = _Parser(lexemes)
    tree = parser.any_of()
    if parser.peek() is not None:
        raise QueryError("a bracket is closed that was not opened")
    query = Query(tree, terms)
    if spellings:
        query.tree = _widen(tree, spellings, query)
    _collect_highlight(query.tree, query.highlight)
    return query


def _widen(node, spellings: dict[Form, list[Form]], query: Query):
    if isinstance(node, Term):
        return _widened_term(node, spellings, query) if not node.prefix else node
    if node.operator == "AND":
        return Node("AND", _widen_runs(node.children, spellings, query))
    return Node(node.operator, [_widen(child, spellings, query) for child in node.children])


def _widened_term(term: Term, spellings: dict[Form, list[Form]], query: Query) -> Term:
    group = spellings.get(key(term.forms[0]))
    if not group:
        return term
    others = [form for form in group if key(form) != key(term.forms[0])]
    query.widened.append((term.typed, [" ".join(form) for form in others]))
    return Term([term.forms[0], *others], False, term.typed)


def _widen_runs(children: list, spellings: dict[Form, list[Form]], query: Query) -> list:
    """Within a run of words ("L. B. Kamenev", "Academy of Sciences"), the longest
    run that is a known form becomes that name with its spellings."""
    longest = max((len(k) for k in spellings), default=1)
    widened, i = [], 0
    while i < len(children):
        child = children[i]
        if not isinstance(child, Term) or child.prefix:
            widened.append(_widen(child, spellings, query))
            i += 1
            continue
        for j in range(min(len(children), i + longest), i, -1):
            run = children[i:j]
            if all(isinstance(c, Term) and not c.prefix for c in run):
                form = tuple(token for c in run for token in c.forms[0])
                if key(form) in spellings:
                    widened.append(_widened_term(Term([form], False, " ".join(c.typed for c in run)),
                                                 spellings, query))
                    i = j
                    break
        else:
            widened.append(child)
            i += 1
    return widened


def _collect_highlight(node, words: list[str]) -> None:
    """The words a hit holds: everything but what NOT excludes."""
    if isinstance(node, Term):
        words.extend(" ".join(form) + ("*" if node.prefix else "") for form in node.forms)
        return
    for child in node.children[:1] if node.operator == "NOT" else node.children:
        _collect_highlight(child, words)

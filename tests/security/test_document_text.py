"""The canonical query text (schema/core/document_text.py): what GraphQL ignores goes, every token
stays, strings are kept byte for byte; and the canonical text parses to the same document."""

from __future__ import annotations

import pytest
from graphql import parse, print_ast

from schema.core.document_text import canonical_text
from tests.security.test_limits import WORST_DOCUMENTS

SPELLINGS = [
    "{ me { id } }",
    "# a comment\n{ me { id } }",
    "{me{id}}",
    "{\n  me,\n  {\r\n\tid # the id\n  }\n}\n# 12345",
    "\ufeff{ me { id } }",
]


def test_every_spelling_of_a_document_has_one_canonical_text() -> None:
    assert {canonical_text(s) for s in SPELLINGS[:2] + SPELLINGS[3:]} == {"{ me { id } }"}
    assert canonical_text("{me{id}}") == "{me{id}}"  # no ignored characters to take out


@pytest.mark.parametrize("text", [
    '{ a(x: "# not a comment,  two   spaces") }',
    '{ a(x: """ block "" # still text, \\""" and more """) }',
    '{ a(x: "quote \\" inside, # and a hash") b }',
    'query Q($a: [Int] = [1,2,3]) {\n\tx(a: $a) # comment "with a quote\n}',
])
def test_strings_are_kept_and_the_document_does_not_change(text: str) -> None:
    assert print_ast(parse(canonical_text(text))) == print_ast(parse(text))


def test_texts_that_differ_in_a_string_stay_apart() -> None:
    assert canonical_text('{ a(x: "a  b") }') != canonical_text('{ a(x: "a b") }')
    assert canonical_text('{ a(x: "a#b") }') != canonical_text('{ a(x: "a") }')


@pytest.mark.parametrize("name", sorted(WORST_DOCUMENTS))
def test_the_worst_documents_behind_a_comment_share_the_plain_ones_text(name: str) -> None:
    text = WORST_DOCUMENTS[name]
    assert canonical_text(f"# {name}\n{text}") == canonical_text(text)
    assert print_ast(parse(canonical_text(text), max_tokens=4000)) == print_ast(parse(text, max_tokens=4000))

"""Anonymous catalogue searches answered again from memory until the search index changes.

A search nobody signed in to is the same for everyone who sends the same request: no coverage,
no region of their own, nothing of an account. So the API keeps the bytes of such an answer and
sends them again for a request that is the same to the byte, keyed on everything the answer can
depend on: the search index's change count (search/versions.py: every change of a listing, its
provider or its item passes through the outbox and counts the index up once Meilisearch has it),
Kazakhstan's date (caps change on a date), the negotiated media type and language, the body's
content type and the body itself.

Only what is safe to reuse is kept: a POST with no bearer token whose document is a query of
``searchListings`` (and ``__typename``) alone, answered 200 without errors, every search of it by
Meilisearch (an answer of the database fallback is not kept; neither is anything while the
change count cannot be read). The first answer went through every limit and rule; an identical
request gets the identical answer, so no check is skipped that could have said otherwise.

One store per process, bounded in bytes (least recently used out first); hits and misses are
counted for the benchmarks.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass

from graphql import FieldNode, GraphQLError, OperationType, get_operation_ast, parse

from marketplace import clock

#: The root fields an answer may be reused for: a search, and the type's name.
PUBLIC_ROOT_FIELDS = frozenset({"searchListings", "__typename"})
#: Bodies longer than this are answered afresh every time (a search document is far smaller).
MAX_KEY_BODY_BYTES = 16 * 1024


@dataclass(frozen=True)
class StoredAnswer:
    body: bytes
    content_type: str


class PublicAnswers:
    """The answers of one process, least recently used out first past ``max_bytes`` (0: none kept)."""

    def __init__(self, max_bytes: int, *, max_answer_bytes: int = 512 * 1024) -> None:
        self.max_bytes = max_bytes
        self.max_answer_bytes = max_answer_bytes
        self._answers: OrderedDict[bytes, StoredAnswer] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    def __len__(self) -> int:
        return len(self._answers)

    @staticmethod
    def key(version: int, media_type: str, language: str, content_type: str, body: bytes) -> bytes:
        digest = hashlib.blake2b(digest_size=20)
        for part in (str(version), clock.today().isoformat(), media_type, language, content_type):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\x00")
        digest.update(body)
        return digest.digest()

    def get(self, key: bytes) -> StoredAnswer | None:
        answer = self._answers.get(key)
        if answer is None:
            return None
        self._answers.move_to_end(key)
        self.hits += 1
        return answer

    def put(self, key: bytes, answer: StoredAnswer) -> None:
        """Keep a public answer just made (a miss: the hit rate is hits / (hits + misses))."""
        self.misses += 1
        size = len(answer.body) + len(key)
        if size > min(self.max_answer_bytes, self.max_bytes) or key in self._answers:
            return
        self._answers[key] = answer
        self.bytes += size
        while self.bytes > self.max_bytes:
            old_key, old = self._answers.popitem(last=False)
            self.bytes -= len(old.body) + len(old_key)

    def clear(self) -> None:
        self._answers.clear()
        self.bytes = 0


def only_public_fields(query: object, operation_name: object, max_tokens: int) -> bool:
    """Whether the document's operation is a query of PUBLIC_ROOT_FIELDS alone (fragments and
    directives at the root: no)."""
    if not isinstance(query, str) or (operation_name is not None and not isinstance(operation_name, str)):
        return False
    try:
        operation = get_operation_ast(parse(query, max_tokens=max_tokens, no_location=True), operation_name)
    except GraphQLError:
        return False
    if operation is None or operation.operation != OperationType.QUERY or operation.directives:
        return False
    return all(isinstance(s, FieldNode) and s.name.value in PUBLIC_ROOT_FIELDS and not s.directives
               for s in operation.selection_set.selections)

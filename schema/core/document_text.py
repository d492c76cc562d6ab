"""A query text with what GraphQL ignores taken out: the key under which parsed documents and
their validation are cached.

GraphQL ignores whitespace, line terminators, commas, a byte order mark and comments (``# ...``
to the end of the line) between tokens. A client that puts a new random comment in front of each
request (or spaces things differently) would make each text new, and every one would be parsed and
validated again: in the attack run, a 15 KB document refused by the validation budget cost 0.2 s
of parsing per request behind a random comment, against a dictionary lookup without one. The
canonical text keeps every token in order with one space between them, so all of those spellings
share one cache entry. Strings (``"..."`` and block strings ``\"\"\"...\"\"\"``) are kept byte for
byte, whatever they contain.

The document for a canonical text is parsed *from the canonical text*, so whatever two spellings
share an entry, each gets exactly the document its own canonical text parses to: the worst a
mistaken canonical form could do is refuse a document, never run another one. (Error positions
are those in the canonical text: one line.)
"""

from __future__ import annotations

import re
from functools import lru_cache

_TOKENS = re.compile(
    r'("""(?:\\"""|[^"]|"(?!""))*"""'  # a block string (\""" inside it is an escaped quote triple)
    r'|"(?:[^"\\\n\r]|\\.)*")'  # a string
    r"|(?:[\s,\ufeff]|#[^\n\r]*)+"  # a run of what GraphQL ignores: whitespace, commas, BOM, comments
)


_IGNORED = re.compile(r"(?:[\s,\ufeff]|#[^\n\r]*)+")


def _keep(match: re.Match[str]) -> str:
    return match.group(1) or " "


@lru_cache(maxsize=1024)
def canonical_text(text: str) -> str:
    """``"# hello\\n{ me,  { id } }"`` → ``"{ me { id } }"``; strings untouched."""
    if '"' not in text:  # no strings: one replacement with a constant (no Python call per match)
        return _IGNORED.sub(" ", text).strip()
    return _TOKENS.sub(_keep, text).strip()

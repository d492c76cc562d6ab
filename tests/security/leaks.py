"""What must never be in an answer: SQL, file paths, stack traces, driver names, secrets.

``LEAKS`` is grepped over every answer the security tests get from the app:
``conftest.grep_every_answer`` checks each response the in-process transport
carries (matrix, limits, hostile values, faults, headers, tokens), and the
hostile and error tests check their own answers again with their context.
Strings the request itself sent are scrubbed first: an input repeated back in
a refusal ("'; DROP TABLE orders; --" is not a valid Int) is not a leak.
"""

from __future__ import annotations

import json
import re
from typing import Any

LEAKS = re.compile(
    r"Traceback|sqlalchemy|asyncpg|aiosqlite|sqlite3|SELECT |INSERT |UPDATE |DELETE FROM|/work/|\.py\b|File \"|"
    r"psycopg|IntegrityError|OperationalError|ProgrammingError|line \d+, in |site-packages|/tmp/|/home/|/srv/|"
    r"/usr/|/var/lib|[A-Za-z]:\\\\|postgresql(\+\w+)?://|\$argon2|secret-key|object at 0x",
    re.IGNORECASE,
)


def strings_in(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*strings_in(k), *strings_in(v))]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


def scrub(text: str, sent: list[str]) -> str:
    """``text`` without the strings the request sent: as sent, JSON-escaped, and as graphql-core
    repeats an invalid input in its message (Python's repr, "found: {'titleKk': 'A:\\x1f'}"),
    JSON-escaped again."""
    for value in sorted(set(sent), key=len, reverse=True):
        if len(value) >= 3:
            text = text.replace(value, "").replace(value.replace('"', '\\"'), "")
            for form in (value, repr(value)[1:-1]):
                for ascii_only in (False, True):
                    text = text.replace(json.dumps(form, ensure_ascii=ascii_only)[1:-1], "")
    return text


def leak_in(text: str, sent: list[str] = ()) -> str | None:  # type: ignore[assignment]
    """The first leak in ``text`` (after scrubbing what was sent), or None."""
    found = LEAKS.search(scrub(text, list(sent)))
    return None if found is None else found.group(0)


def sent_strings(body: bytes, content_type: str) -> list[str]:
    """The strings of a JSON request body (its query text, variable values, keys)."""
    if "json" not in content_type:
        return []
    try:
        return strings_in(json.loads(body))
    except (ValueError, RecursionError):
        return [body.decode("utf-8", "replace")]

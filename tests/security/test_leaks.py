"""The leak grep itself (tests/security/leaks.py): what it scrubs, and what it still finds."""

from __future__ import annotations

import json

from tests.security.leaks import leak_in


def test_an_input_repeated_back_is_no_leak_but_a_path_is() -> None:
    """The grep scrubs what the request sent, in every form an answer repeats it: as sent,
    JSON-escaped, and in graphql-core's message, which quotes an invalid input with Python's repr
    ("found: {'titleKk': 'A:\\x1f'}" looks like a Windows path once escaped)."""
    sent = "A:\x1f"
    answer = json.dumps({"errors": [{"message": f"Expected value, found: {({'titleKk': sent})!r}."}]})
    assert leak_in(answer, [sent]) is None
    assert leak_in(answer) is not None  # without the scrub it would be taken for one
    assert leak_in(json.dumps({"errors": [{"message": "at C:\\srv\\tirek"}]}), [sent]) is not None

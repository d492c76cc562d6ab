"""The GraphQL operations the pages run, one named operation per ``.graphql`` file under
``web/operations/`` (the file ``Home.graphql`` holds ``query Home``).

Pages never reach the database or a service themselves: they execute these documents against
the schema in-process, with the visitor's viewer in the context, so the portal has exactly the
API's authorization (the one the security matrix tests).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from graphql import OperationDefinitionNode, parse

DIRECTORY = Path(__file__).resolve().parent / "operations"


def load_operations(directory: Path = DIRECTORY) -> dict[str, str]:
    """``{operation name: document}`` for every ``.graphql`` file; each file holds one named
    operation whose name is the file's."""
    found: dict[str, str] = {}
    for path in sorted(directory.glob("*.graphql")):
        document = path.read_text(encoding="utf-8")
        operations = [d for d in parse(document).definitions if isinstance(d, OperationDefinitionNode)]
        names = [o.name.value for o in operations if o.name is not None]
        if names != [path.stem]:
            raise ValueError(f"{path.name} must hold one operation named {path.stem}, not {names}")
        found[path.stem] = document
    return found


@dataclass
class Outcome:
    """What an operation answered: its data, and the errors of the query (``extensions.code``)."""

    data: dict[str, Any] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.codes

    def payload_errors(self, root: str) -> list[dict[str, Any]]:
        """A mutation payload's ``errors { field code message }``."""
        payload = self.data.get(root) or {}
        return list(payload.get("errors") or [])

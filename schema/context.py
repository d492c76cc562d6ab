"""The per-request context: database, settings, the viewer, and its DataLoaders."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any


from marketplace.accounts.access import Viewer
from marketplace.db import Database
from marketplace.settings import Settings


@dataclass
class Context:
    db: Database
    settings: Settings
    viewer: Viewer
    request: Any = None
    response: Any = None
    services: dict[str, Any] = field(default_factory=dict)
    # The payload of a websocket's connection_init (strawberry sets it when the attribute
    # exists); live subscriptions read the bearer token from it.
    connection_params: dict[str, Any] | None = None

    @cached_property
    def loaders(self) -> "Loaders":
        from schema.loaders import Loaders

        return Loaders(self.db)

"""Putting the process together: settings, database, search, and the ASGI app."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette

from marketplace.db import Database
from marketplace.settings import Settings, get_settings
from schema.app import create_app


def build_application(settings: Settings | None = None) -> Starlette:
    settings = settings or get_settings()
    db = Database(settings.database_url)
    services: dict[str, Any] = {"on_startup": [], "on_shutdown": []}
    return create_app(settings=settings, db=db, services=services)

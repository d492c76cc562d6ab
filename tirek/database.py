"""The database of a Tirek process: every one is opened here, with notifications installed, so
that a change made from the API, the command line or a background loop notifies alike."""

from __future__ import annotations

from marketplace.db import Database
from marketplace.notifications.events import install as install_notifications
from marketplace.settings import Settings


def open_database(settings: Settings, **engine_options: object) -> Database:
    """The configured database, with notifications installed."""
    return install_notifications(Database(settings.database_url, **engine_options))

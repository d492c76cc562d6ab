"""Notifications installed with the database: derived in the flush, delivered after commit.

``install(db)`` makes every session of a ``Database`` a ``NotifyingSession``: a ``before_flush``
listener looks at the new AuditEvents of each flush and adds the ``Notification`` rows their
notices call for to the same flush (``notices``), so a notification exists exactly when the
change it reports was committed, whichever path made it (the API, the CLI, a background job).

Delivery happens after commit (``after_commit``): the in-process bus wakes this process's live
subscriptions, and the delivery adapters (log by default; e-mail/SMS gateways implement
``delivery.DeliveryAdapter``) get the message in the background. After a rollback nothing is
delivered.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from marketplace.audit.models import AuditEvent
from marketplace.db import Database
from marketplace.notifications import delivery
from marketplace.notifications.delivery import OutgoingMessage
from marketplace.notifications.notices import NOTICES, PENDING, Notice, add_notifications

log = logging.getLogger("tirek.notifications")


class NotifyingSession(Session):
    """The ORM session of a ``Database`` with notifications installed (``install``)."""


def _before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    events = [o for o in session.new if isinstance(o, AuditEvent) and o.action in NOTICES]
    if not events:
        return
    events.sort(key=lambda o: inspect(o).insert_order or 0)
    notices: list[Notice] = []
    for ev in events:
        try:
            notices.extend(NOTICES[ev.action](session, ev))
        except SQLAlchemyError:
            raise  # the transaction is broken anyway: let it fail as it would have
        except Exception:  # a bug in a notice must not cost the change it reports
            log.exception("no notification for %s of %s %s", ev.action, ev.subject_type, ev.subject_id)
    add_notifications(session, notices)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    out: list[OutgoingMessage] = []
    for row, target in pending:
        state = inspect(row)
        if not state.persistent or state.identity is None:  # rolled back with a savepoint
            continue
        out.append(OutgoingMessage(
            notification_id=state.identity[0], account_id=target.account_id, kind=row.kind,
            language=target.language, title=row.title, body=row.body, email=target.email, phone=target.phone,
        ))
    delivery.bus.publish(m.account_id for m in out)
    delivery.dispatch(out)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)





for _name, _listener in (("before_flush", _before_flush), ("after_commit", _after_commit),
                         ("after_rollback", _after_rollback)):
    event.listen(NotifyingSession, _name, _listener)


def install(db: Database) -> Database:
    """Make every session ``db`` opens notify (idempotent); returns ``db``."""
    for maker in (db.sessionmaker, db.write_sessionmaker):
        maker.configure(sync_session_class=NotifyingSession)
    return db

"""An account invitation for a person the records brought in (proactive intake): the person does
nothing to be registered, and is told.

When an IRP import registers a new person, ``invite(session, person)`` opens a recipient account
for them (the username is their IIN, the password unusable until they set one) and a one-time code
valid for ``CODE_DAYS`` days; only the code's SHA-256 is kept (``AccountCode``, purpose
``invitation``). The code goes to the person's phone through the delivery adapters, in the person's
language, after the commit (``dispatch``), never into the notifications table. The person sets a
password with the code (``resetPassword(code, newPassword)``, which takes both kinds of code) and
signs in with their IIN. A person who already has an account, or has no phone, gets no invitation
(the officer's report counts the invitations sent).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from marketplace.accounts.models import Account, Person, Role
from marketplace.accounts.password_reset import code_message, grouped, open_code
from marketplace.audit.services import record as audit
from marketplace.db import utcnow
from marketplace.notifications import delivery

PURPOSE = "invitation"
#: Not an argon2 hash: no password verifies against it until the person sets one with the code.
UNUSABLE_PASSWORD = "!invited"
CODE_DAYS = 14


async def invite(session: AsyncSession, person: Person) -> delivery.OutgoingMessage | None:
    """Open the person's account and a code; the message to send after the commit, or None."""
    if person.phone is None:
        return None
    taken = (await session.execute(select(Account.id).where(
        (Account.person_id == person.id) | (Account.username == person.iin)))).first()
    if taken is not None:
        return None
    display = " ".join(part for part in (person.first_name, person.last_name) if part)
    account = Account(username=person.iin, role=Role.RECIPIENT, person_id=person.id, display_name=display,
                      language=person.language, password_hash=UNUSABLE_PASSWORD)
    session.add(account)
    await session.flush()
    code, row = await open_code(session, account.id, PURPOSE, dt.timedelta(days=CODE_DAYS), utcnow())
    audit(session, None, "account.invited", account, None, {"code_id": row.id, "person_id": person.id})
    return code_message(account.id, PURPOSE, person.language, {"code": grouped(code), "days": CODE_DAYS},
                        email=None, phone=person.phone)

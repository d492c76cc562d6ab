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

from marketplace.accounts.models import Account, AccountCode, Language, Person, Role
from marketplace.accounts.password_reset import code_hash, grouped, mint_code
from marketplace.audit.services import record as audit
from marketplace.db import utcnow
from marketplace.notifications import delivery

PURPOSE = "invitation"
#: Not an argon2 hash: no password verifies against it until the person sets one with the code.
UNUSABLE_PASSWORD = "!invited"
CODE_DAYS = 14
TEXTS = {
    Language.KK: ("Tirek: сіздің ЖОБ-ыңыз порталда. Шақыру коды {code}",
                  "Кіру үшін ЖСН-іңізді және осы кодпен қойған құпия сөзді пайдаланыңыз. Код {days} күн жарамды."),
    Language.RU: ("Tirek: ваша ИПР на портале. Код приглашения {code}",
                  "Войдите по ИИН и паролю, который зададите с этим кодом. Код действует {days} дней."),
    Language.EN: ("Tirek: your IRP is on the portal. Invitation code {code}",
                  "Sign in with your IIN and a password you set with this code. The code is valid for {days} days."),
}


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
    code = mint_code()
    now = utcnow()
    row = AccountCode(account_id=account.id, purpose=PURPOSE, code_hash=code_hash(code), created_at=now,
                      expires_at=now + dt.timedelta(days=CODE_DAYS))
    session.add(row)
    await session.flush()
    audit(session, None, "account.invited", account, None, {"code_id": row.id, "person_id": person.id})
    title, body = TEXTS[person.language]
    return delivery.OutgoingMessage(
        notification_id=0, account_id=account.id, kind=PURPOSE, language=person.language,
        title=title.format(code=grouped(code)), body=body.format(days=CODE_DAYS), email=None, phone=person.phone)

"""Notifications come with the database, not with the GraphQL layer: `tirek import-irp`, a process
that never imports schema/, tells the recipient of each IRP line it issues."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sys
from pathlib import Path

from sqlalchemy import select

from marketplace.accounts.models import Role
from marketplace.identifiers import make_iin
from marketplace.notifications.models import Notification
from marketplace.records.irp_import import COLUMNS
from tests import factories as f

# The CLI run as `tirek` runs it; at exit it says whether anything of schema/ was imported.
RUN_CLI = """
import atexit, runpy, sys
atexit.register(lambda: print("schema imported:", any(m == "schema" or m.startswith("schema.") for m in sys.modules)))
sys.argv = ["tirek", *sys.argv[1:]]
runpy.run_module("tirek.cli", run_name="__main__")
"""


async def test_the_cli_import_notifies_the_recipient_without_the_api(db, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    today = f.today()
    iin = make_iin(dt.date(1990, 3, 4), "F", 77)
    async with db.transaction() as s:
        region = await f.region(s, code="ASTANA")
        await f.classifier_item(s, code="TSR-01-001", service_life_months=None)
        officer = await f.account(s, Role.LOCAL_BODY, region_id=region.id, username="officer-cli")
        person = await f.person(s, region, iin=iin, last_name="Иванова", first_name="Анна")
        recipient = await f.account(s, Role.RECIPIENT, person_id=person.id)
    row = {
        "iin": iin, "last_name": "Иванова", "first_name": "Анна", "region_code": "ASTANA", "group": "II",
        "cause": "GENERAL_DISEASE", "nosology_code": "G80", "exam_format": "IN_ABSENTIA",
        "record_valid_from": str(today - dt.timedelta(days=10)),
        "record_valid_until": str(today + dt.timedelta(days=300)),
        "decision_number": "MSE-CLI-1", "line_number": "IRP-CLI-1", "classifier_code": "TSR-01-001",
        "quantity": "1", "valid_from": str(today), "valid_until": str(today + dt.timedelta(days=300)),
    }
    csv_file = tmp_path / "irp.csv"
    csv_file.write_text(",".join(COLUMNS) + "\n" + ",".join(row.get(c, "") for c in COLUMNS) + "\n", encoding="utf-8")

    env = {**os.environ, "TIREK_DATABASE_URL": db.url, "TIREK_SECRET_KEY": "cli-test-" + "k" * 32}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", RUN_CLI, "import-irp", str(csv_file), "--as", officer.username, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    out = (await proc.communicate())[0].decode()
    assert proc.returncode == 0 and "1 IRP lines created" in out, out
    assert "schema imported: False" in out, out

    async with db.session() as s:
        kinds = list((await s.execute(
            select(Notification.kind).where(Notification.account_id == recipient.id)
        )).scalars())
    assert kinds == ["entitlement.issued"]

"""fpdf2 (with fontTools and Pillow, some 20 MiB) is loaded by the first PDF made, not by every
API process at its start: the app is imported and built without it, and the first decision's
PDF brings it in (tests/documents/test_result_documents.py reads the PDFs themselves)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from marketplace.settings import PROJECT_ROOT

PROGRAM = """
import datetime as dt, os, sys
from decimal import Decimal
os.environ.update(TIREK_DEMO="1", TIREK_DATABASE_URL="sqlite+aiosqlite:///" + sys.argv[1])
from tirek.app import build_application
build_application()
def loaded():
    return sorted({m.split(".")[0] for m in sys.modules} & {"fpdf", "fontTools", "PIL"})
print(loaded())
from marketplace.accounts.models import Language
from marketplace.documents.rendering import DecisionFacts, render_decision
pdf = render_decision(DecisionFacts(
    subject="CLAIM", subject_number=7, decision="APPROVED", language=Language.EN, code="TRK-TEST-0007",
    issued_at=dt.datetime(2026, 12, 7, 10, 0, tzinfo=dt.UTC), region_name="Astana", person_name="Aigerim S.",
    iin="000000000000", subject_title="Wheelchair", amount=Decimal("1000.00"), reason=None,
    verify_url="http://tirek.test/documents/TRK-TEST-0007", key_id="k1"))
print(loaded(), pdf[:5])
"""


def test_the_app_starts_without_the_pdf_library(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(tmp_path / "db.sqlite3")], cwd=PROJECT_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    at_start, after_a_pdf = done.stdout.splitlines()
    assert at_start == "[]"
    assert after_a_pdf == "['PIL', 'fontTools', 'fpdf'] b'%PDF-'"

"""The database fallback folds text in SQL (``translate()`` on PostgreSQL, ``tirek_fold`` on
SQLite) exactly as ``search.wording.fold`` does in Python: every character of the fold table,
the characters its SQL form puts first, and characters of neither."""

from __future__ import annotations

import pytest
from sqlalchemy import String, literal, select

from marketplace.db import Database
from search.fallback import FOLD_TABLE, _Dialect, _register_sqlite_functions, fold
from search.wording import FOLD_FROM, FOLD_TO

EVERY_MAPPED = "".join(chr(cp) for cp in FOLD_TABLE)
TEXTS = [
    EVERY_MAPPED,
    FOLD_FROM,
    "Кресло-коляска «Ortonica» №12, ЖӨРГЕКТЕР — Ёлка; ΑΒΓ Ǆ ǅ ǆ İ ı ß ẞ 😀 中文 \u00a0tab\there",
    "Мүгедектер арбасы (электр жетегі бар): 24V, 100% — гарантия/кепілдік 12 айға.",
]


def test_the_sql_table_maps_as_the_fold_table() -> None:
    assert len(FOLD_FROM) == len(FOLD_TO) == len(set(FOLD_FROM))
    mapping = dict(zip(FOLD_FROM, FOLD_TO))
    for cp, folded in FOLD_TABLE.items():
        assert mapping[chr(cp)] == folded, chr(cp)
    assert all(mapping[c] == c for c in mapping if ord(c) not in FOLD_TABLE)


@pytest.mark.parametrize("text", TEXTS, ids=["every-mapped", "sql-table", "mixed", "kazakh"])
async def test_the_database_folds_as_python(db: Database, text: str) -> None:
    async with db.session() as session:
        dialect = _Dialect(db.dialect)
        if dialect.sqlite:
            await _register_sqlite_functions(session)
        folded = (await session.execute(select(dialect.fold(literal(text, String))))).scalar_one()
    assert folded == fold(text)

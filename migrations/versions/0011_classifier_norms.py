"""The classifier's norms as typed columns instead of a free JSON ``quota``.

``classifier_items`` gets ``quarterly_release``, ``yearly_max``, ``daily_max``, ``course_days``,
``companion_allowed`` and ``companion_variant_of_id`` (TSR-10-002 "with a companion" is paid from
a TSR-10-001 line with a companion). The values already kept in ``quota`` are carried over
(``per_quarter_release``, ``per_year``, ``per_day``, ``days``); sanatorium and invataxi items
allow a companion. ``quota`` is dropped: the norms are read from the columns only.

Revision ID: 0011_classifier_norms
Revises: 0010_form_drafts
"""

import json
from collections.abc import Sequence
from decimal import Decimal

import sqlalchemy as sa
from alembic import op

import marketplace.db

revision: str = "0011_classifier_norms"
down_revision: str | None = "0010_form_drafts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

QUANTITY = marketplace.db.ExactDecimal(precision=12, scale=2)
_NORMS = (("quarterly_release", "per_quarter_release"), ("yearly_max", "per_year"), ("daily_max", "per_day"))


def _items(with_quota: bool) -> sa.TableClause:
    columns = [sa.column("id", sa.Integer), sa.column("code", sa.String), sa.column("category", sa.String),
               *(sa.column(name, QUANTITY) for name, _ in _NORMS), sa.column("course_days", sa.Integer),
               sa.column("companion_allowed", sa.Boolean), sa.column("companion_variant_of_id", sa.Integer)]
    if with_quota:
        columns.append(sa.column("quota", sa.JSON))
    return sa.table("classifier_items", *columns)


def upgrade() -> None:
    with op.batch_alter_table("classifier_items") as batch:
        for name, _ in _NORMS:
            batch.add_column(sa.Column(name, QUANTITY, nullable=True))
        batch.add_column(sa.Column("course_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("companion_allowed", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch.add_column(sa.Column("companion_variant_of_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_classifier_items_companion_variant_of_id_classifier_items"),
                                 "classifier_items", ["companion_variant_of_id"], ["id"])
        for name in ("quarterly_release", "yearly_max", "daily_max", "course_days"):
            batch.create_check_constraint(op.f(f"ck_classifier_items_{name}_positive"), f"{name} IS NULL OR {name} > 0")

    items = _items(with_quota=True)
    bind = op.get_bind()
    rows = bind.execute(sa.select(items.c.id, items.c.code, items.c.category, items.c.quota)).all()
    ids = {code: item_id for item_id, code, _, _ in rows}
    for item_id, code, category, quota in rows:
        quota = json.loads(quota) if isinstance(quota, str) else (quota or {})
        values = {name: Decimal(quota[key]) for name, key in _NORMS if quota.get(key)}
        if quota.get("days"):
            values["course_days"] = int(quota["days"])
        if category in ("SANATORIUM", "TRANSPORT"):
            values["companion_allowed"] = True
        if code == "TSR-10-002" and "TSR-10-001" in ids:
            values["companion_variant_of_id"] = ids["TSR-10-001"]
        if values:
            bind.execute(items.update().where(items.c.id == item_id).values(**values))
    with op.batch_alter_table("classifier_items") as batch:
        batch.drop_column("quota")


def downgrade() -> None:
    with op.batch_alter_table("classifier_items") as batch:
        batch.add_column(sa.Column("quota", sa.JSON(), nullable=True))
    items = _items(with_quota=True)
    bind = op.get_bind()
    for row in bind.execute(sa.select(items)).all():
        quota = {key: int(getattr(row, name)) for name, key in _NORMS if getattr(row, name) is not None}
        if row.course_days:
            quota["days"] = row.course_days
        if quota:
            bind.execute(items.update().where(items.c.id == row.id).values(quota=quota))
    with op.batch_alter_table("classifier_items") as batch:
        for name in ("quarterly_release", "yearly_max", "daily_max", "course_days"):
            batch.drop_constraint(op.f(f"ck_classifier_items_{name}_positive"), type_="check")
        batch.drop_constraint(op.f("fk_classifier_items_companion_variant_of_id_classifier_items"),
                              type_="foreignkey")
        for name in ("companion_variant_of_id", "companion_allowed", "course_days", "daily_max", "yearly_max",
                     "quarterly_release"):
            batch.drop_column(name)

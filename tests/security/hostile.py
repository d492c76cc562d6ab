"""Hostile values for every GraphQL input type, and the database invariants that must survive them."""

from __future__ import annotations

import base64
import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLInputType, GraphQLList, GraphQLNonNull
from graphql import GraphQLScalarType
from hypothesis import strategies as st
from sqlalchemy import select

from marketplace.audit.models import AuditEvent
from marketplace.catalog.models import ClassifierItem, ItemKind, Unit
from marketplace.claims.models import ClaimKind, ClaimStatus, CompensationClaim
from marketplace.db import Database
from marketplace.orders.models import Order, OrderStatus, ServiceLog, ServiceLogStatus
from marketplace.records.models import Entitlement
from schema.core.ids import to_global_id

# How many hostile requests and faults the security tests made (reported at the end of the run).
STATS: Counter[str] = Counter()

MEGABYTE = "A" * 1_000_000
NASTY_STRINGS = [
    "", " ", "\t\n", "0", "-1", "NaN", "null", "undefined", "true", "[]", "{}",
    "'; DROP TABLE orders; --", "' OR '1'='1", '" OR ""="', "1; SELECT pg_sleep(10)", "%' AND 1=1 --",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "{{7*7}}", "${7*7}",
    "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%00", "%2e%2e%2f", "\\u0000", "a\x00b",
    "\u202e\u0644\u0627", "\u200b\u200c\u200d\ufeff", "Ａｄｍｉｎ", "ǅ", "İ", "ß" * 50, "👨‍👩‍👧‍👦" * 20, "\ud7ff\ue000",
    "Z\u0351\u0352\u0353" * 40, "\r\nSet-Cookie: x=1", "a\x1b[31mred", "\x07\x08\x0b\x0c", "\u2028\u2029",
    "Aigerim' --", "admin", "x" * 201, "x" * 5000, MEGABYTE,
]
MALFORMED_IDS = [
    "", "x", "not-an-id", "====", "T3JkZXI6", "T3JkZXI6MA", "T3JkZXI6LTE",
    base64.urlsafe_b64encode(b"Order:1 OR 1=1").decode(), base64.urlsafe_b64encode(b"Order:99999999999999999999").decode(),
    base64.urlsafe_b64encode(b"Order:1e3").decode(), base64.urlsafe_b64encode(b":1").decode(),
    base64.urlsafe_b64encode(b"\xff\xfe:1").decode(), base64.urlsafe_b64encode(b"Order:\xd9\xa3").decode(),
    to_global_id("Order", 2**62), to_global_id("Order", 2**62 + 1), to_global_id("Nope", 1),
    to_global_id("Account", 1), to_global_id("AuditEvent", 1), to_global_id("IdempotencyKey", 1),
    "T3JkZXI6MQ==", "T3JkZXI6MQ==" * 30, "x" * 201,
]
NASTY_DECIMALS = [
    "NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "inf", "1e999999", "-1e999999", "1e-999999", "1E+2", "-0", "0",
    "-1", "0.001", "0.005", "1.005", "0.1e1", "1_000", "１", "٣", "0x10", "1,5", " 1 ", "+1", "--1", "1..2", "",
    "9" * 400, "0." + "0" * 400 + "1", "99999999999999999999.99", "100000000.01", "1e2", 1, -1, 0, 2**63, 10**40,
    1.5, 0.1, True, False, [], {}, None,
]
DATES = ["0001-01-01", "9999-12-31", "1900-01-01", "2024-02-29", "2023-02-29", "2024-13-01", "2024-00-10", "", "today",
         "2024-01-01T00:00:00Z", "+002024-01-01", "2024-1-1", 20240101, None, True]
TIMES = ["00:00:00", "23:59:00", "24:00:00", "23:59:59.999999", "12:00:00+05:00", "12:00", "12", "", "noon", 720, None]
DATETIMES = ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "2024-01-01T00:00:00", "2024-01-01T25:00:00Z", "",
             "2024-01-01T00:00:00+14:00", "1e9", 1700000000, None]
INTS = [0, -1, 1, 2**31 - 1, -(2**31), 2**31, -(2**31) - 1, 2**53, 10**30, 1.5, "1", True, None, [], {}]


def json_values(depth: int = 3) -> st.SearchStrategy[Any]:
    leaves = st.one_of(st.none(), st.booleans(), st.integers(-(2**70), 2**70),
                       st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(NASTY_STRINGS[:-1]),
                       st.text(max_size=20))
    return st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                        st.dictionaries(st.text(max_size=70), inner, max_size=4)),
                        max_leaves=12)


def deep(n: int) -> Any:
    value: Any = "bottom"
    for _ in range(n):
        value = {"x": value}
    return value


def anything() -> st.SearchStrategy[Any]:
    """A value of any JSON shape (the wrong type for most arguments)."""
    return st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10), st.just([]), st.just({}),
                     st.just({"__proto__": {"admin": True}}), st.just([None] * 3))


def hostile(gtype: GraphQLInputType, id_pool: list[str]) -> st.SearchStrategy[Any]:
    """Hostile values for a GraphQL input type: edge values of the type, malformed ones, and other shapes."""
    named = gtype.of_type if isinstance(gtype, GraphQLNonNull) else gtype
    if isinstance(named, GraphQLList):
        element = hostile(named.of_type, id_pool)
        small = element.filter(lambda v: len(repr(v)) < 200)  # a thousand of them stays under 1 MB
        values = st.one_of(st.just([]), st.lists(element, min_size=1, max_size=4),
                           st.builds(lambda v: [v] * 1000, small), anything())
    elif isinstance(named, GraphQLInputObjectType):
        fields = {name: hostile(f.type, id_pool) for name, f in named.fields.items()}
        values = st.one_of(st.fixed_dictionaries({}, optional=fields), st.just({"noSuchField": 1}), anything())
    elif isinstance(named, GraphQLEnumType):
        values = st.one_of(st.sampled_from(sorted(named.values)), st.sampled_from(["", "DROP TABLE", "approve",
                                                                                   "ADMIN", 0]))
    else:
        assert isinstance(named, GraphQLScalarType), named
        values = {
            "String": st.one_of(st.sampled_from(NASTY_STRINGS), st.text(max_size=60), st.text(min_size=300, max_size=2000)),
            "ID": st.one_of(st.sampled_from(id_pool or MALFORMED_IDS), st.sampled_from(MALFORMED_IDS),
                            st.sampled_from(NASTY_STRINGS)),
            "Int": st.one_of(st.sampled_from(INTS), st.integers(-(2**31), 2**31 - 1)),
            "Float": st.one_of(st.sampled_from(INTS), st.floats(allow_nan=False, allow_infinity=False)),
            "Decimal": st.one_of(st.sampled_from(NASTY_DECIMALS),
                                 st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str),
                                 st.decimals(min_value=-(10**12), max_value=10**12, places=0).map(str),
                                 st.decimals(allow_nan=True, allow_infinity=True).map(str)),
            "Boolean": st.sampled_from([True, False, "true", 1, 0, None, []]),
            "Date": st.one_of(st.sampled_from(DATES), st.dates().map(dt.date.isoformat)),
            "Time": st.one_of(st.sampled_from(TIMES), st.times().map(dt.time.isoformat)),
            "DateTime": st.one_of(st.sampled_from(DATETIMES),
                                  st.datetimes(timezones=st.just(dt.UTC)).map(dt.datetime.isoformat)),
            "JSON": st.one_of(json_values(), st.just(deep(150)), st.just(MEGABYTE[:200_000]),
                              st.just({str(i): i for i in range(2000)})),
        }.get(named.name, anything())
    # null even where the type says non-null: that is a hostile value too.
    return st.one_of(st.none(), values)


def slots(value: Any, gtype: GraphQLInputType, path: tuple[Any, ...]) -> list[tuple[tuple[Any, ...], GraphQLInputType]]:
    """Every place in a variable's value that a hostile value can replace (absent optional fields included)."""
    found = [(path, gtype)]
    named = gtype.of_type if isinstance(gtype, GraphQLNonNull) else gtype
    if isinstance(named, GraphQLInputObjectType):
        for name, f in named.fields.items():
            found += slots(value.get(name) if isinstance(value, dict) else None, f.type, (*path, name))
    elif isinstance(named, GraphQLList) and isinstance(value, list) and value:
        found += slots(value[0], named.of_type, (*path, 0))
    return found


def put(variables: dict[str, Any], path: tuple[Any, ...], value: Any) -> None:
    target: Any = variables
    for step in path[:-1]:
        if isinstance(step, int):
            if not isinstance(target, list) or not target:
                return
            target = target[0]
        else:
            if not isinstance(target, dict):
                return
            if not isinstance(target.get(step), dict | list):
                target[step] = {}
            target = target[step]
    last = path[-1]
    if isinstance(last, int):
        if isinstance(target, list) and target:
            target[0] = value
    elif isinstance(target, dict):
        target[last] = value


# -- invariants --------------------------------------------------------------------------------
ORDER_TRAIL = {
    OrderStatus.PLACED: {"order.placed"},
    OrderStatus.ACCEPTED: {"order.placed", "order.accepted"},
    OrderStatus.DELIVERED: {"order.placed", "order.accepted", "order.delivered"},
    OrderStatus.CONFIRMED: {"order.placed", "order.accepted", "order.delivered", "order.confirmed"},
    OrderStatus.DECLINED: {"order.placed", "order.declined"},
    OrderStatus.CANCELLED: {"order.placed", "order.cancelled"},
}
CLAIM_TRAIL = {
    ClaimStatus.SUBMITTED: {"claim.submitted"},
    ClaimStatus.APPROVED: {"claim.submitted", "claim.approved"},
    ClaimStatus.REJECTED: {"claim.submitted", "claim.rejected"},
    ClaimStatus.PAID: {"claim.submitted", "claim.approved", "claim.paid"},
}
OPEN_ORDERS = (OrderStatus.PLACED, OrderStatus.ACCEPTED, OrderStatus.DELIVERED)


async def invariant_violations(db: Database) -> list[str]:
    """What is wrong with the balances and the audit trail, as sentences (empty: all holds).

    - no entitlement has reserved < 0, consumed < 0, or reserved + consumed > quantity;
    - reserved = the quantities of its open orders + of its open self-purchase claims;
    - consumed = its confirmed orders (an hourly service: its confirmed hours, at most the booking)
      + its paid self-purchase claims;
    - every order and claim has the audit events of every step to its status.
    """
    problems: list[str] = []
    async with db.session() as s:
        ents = {e.id: e for e in (await s.execute(select(Entitlement))).scalars()}
        orders = list((await s.execute(select(Order))).scalars())
        claims = list((await s.execute(select(CompensationClaim))).scalars())
        hourly = set((await s.execute(select(ClassifierItem.id).where(
            ClassifierItem.kind == ItemKind.SERVICE, ClassifierItem.unit == Unit.HOUR))).scalars())
        confirmed_minutes: Counter[int] = Counter()
        for log in (await s.execute(select(ServiceLog).where(ServiceLog.status == ServiceLogStatus.CONFIRMED))).scalars():
            confirmed_minutes[log.order_id] += (log.end_time.hour * 60 + log.end_time.minute) - (
                log.start_time.hour * 60 + log.start_time.minute)
        trails: dict[tuple[str, int], set[str]] = {}
        for subject_type, subject_id, action in (await s.execute(
                select(AuditEvent.subject_type, AuditEvent.subject_id, AuditEvent.action).where(
                    AuditEvent.subject_type.in_(["Order", "CompensationClaim"])))).all():
            trails.setdefault((subject_type, subject_id), set()).add(action)

    reserved: Counter[int] = Counter()
    consumed: Counter[int] = Counter()
    for o in orders:
        if o.status in OPEN_ORDERS:
            reserved[o.entitlement_id] += o.quantity
        elif o.status == OrderStatus.CONFIRMED:
            if o.classifier_item_id in hourly:
                consumed[o.entitlement_id] += min(o.quantity, (Decimal(confirmed_minutes[o.id]) / 60).quantize(Decimal("0.01")))
            else:
                consumed[o.entitlement_id] += o.quantity
        missing = ORDER_TRAIL[o.status] - trails.get(("Order", o.id), set())
        if missing:
            problems.append(f"order {o.id} ({o.status.value}) has no audit event {sorted(missing)}")
    for c in claims:
        if c.kind == ClaimKind.SELF_PURCHASE and c.entitlement_id is not None:
            if c.status in (ClaimStatus.SUBMITTED, ClaimStatus.APPROVED):
                reserved[c.entitlement_id] += c.quantity
            elif c.status == ClaimStatus.PAID:
                consumed[c.entitlement_id] += c.quantity
        missing = CLAIM_TRAIL[c.status] - trails.get(("CompensationClaim", c.id), set())
        if missing:
            problems.append(f"claim {c.id} ({c.status.value}) has no audit event {sorted(missing)}")
    for e in ents.values():
        if e.reserved < 0 or e.consumed < 0 or e.reserved + e.consumed > e.quantity:
            problems.append(f"entitlement {e.id}: quantity {e.quantity}, reserved {e.reserved}, consumed {e.consumed}")
        if e.reserved != reserved[e.id]:
            problems.append(f"entitlement {e.id}: reserved {e.reserved}, but its open orders and claims hold {reserved[e.id]}")
        if e.consumed != consumed[e.id]:
            problems.append(f"entitlement {e.id}: consumed {e.consumed}, but its settled orders and claims took {consumed[e.id]}")
    return problems

"""No query in a loop: the SQL statements of each hot GraphQL operation do not grow with the page.

Each operation is sent over HTTP (the real app, the test's database) twice, asking for 5 and
then for 50 items, against data with more than 50 of them, spread over many providers,
listings, classifier items and persons (so a DataLoader that failed to batch, or a resolver that
queried per item, would show). A statement counter on the engine (``before_cursor_execute``)
counts what the database sees during each request: authentication, the list itself, one
batched query per relation. The counts must be equal, and small.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from marketplace.accounts.models import Role
from marketplace.applications.models import Application, ApplicationKind, ApplicationStatus
from marketplace.claims.models import ClaimKind, ClaimStatus, CompensationClaim
from marketplace.db import Database, utcnow
from marketplace.notifications.models import Notification
from tests import factories as f
from tests.graphql_client import GraphQLClient
from tests.support.sql import sql_statements

SMALL, LARGE = 5, 50
ITEMS = LARGE + 5  # more than a large page of everything

HOME = """query Home($n: Int!) {
  me { id username displayName role person { id fullName region { name } } representedPersons { id fullName } }
  myEntitlements { id quantity reserved consumed balance validUntil classifierItem { code name unit priceCap } }
  orders(first: $n) { edges { node { id status placedAt quantity stateShare coPayment
    listing { id title } provider { id name } } } }
}"""
ORDERS = """query Orders($n: Int!) {
  orders(first: $n) { edges { node { id status quantity total
    listing { id title provider { id name } classifierItem { code } regions { code } }
    provider { id name regions { code } } classifierItem { code name } entitlement { id balance classifierItem { code } }
  } } pageInfo { hasNextPage endCursor } }
}"""
CLAIMS = """query Queue($n: Int!) {
  claims(status: SUBMITTED, first: $n) { edges { node { id kind status amountClaimed dueDate isOverdue
    provider { id name } order { id listing { id title } } classifierItem { code name } recipient { fullName }
    decisionDocument { code downloadUrl }
  } } pageInfo { hasNextPage endCursor } }
}"""
APPLICATIONS = """query Applications($n: Int!) {
  applications(first: $n) { edges { node { id kind status dueDate isOverdue workingDaysLeft
    person { id fullName region { name } } classifierItem { code name } entitlement { id }
    decisionDocument { code downloadUrl }
  } } pageInfo { hasNextPage endCursor } }
}"""
NOTIFICATIONS = """query Notifications($n: Int!) {
  unreadNotificationCount
  notifications(first: $n) { edges { node { id kind title body subjectType subjectId createdAt isRead } }
    pageInfo { hasNextPage } }
}"""
SEARCH = """query Search($n: Int!) {
  searchListings(query: "", first: $n) {
    edges { node { listing { id title unitPrice provider { id name } classifierItem { code priceCap } regions { code } }
      coverage { covered youPay reason } } }
    totalCount pageInfo { hasNextPage }
  }
}"""
ENTITLEMENTS = """{ myEntitlements { id balance classifierItem { code name } person { id fullName } } }"""


STATEMENTS: list[str] = []  # of the last request counted, for the failure message


class Portal:
    """One region with more than a large page of everything, and the accounts that list it."""

    tokens: dict[str, str]


@pytest.fixture
async def portal(db: Database, api: GraphQLClient) -> Portal:
    today = f.today()
    async with db.transaction() as s:
        region = await f.region(s)
        items = [await f.classifier_item(s) for _ in range(ITEMS)]
        providers = [await f.provider(s, [region]) for _ in range(12)]
        listings = [await f.listing(s, providers[i % len(providers)], items[i], [region]) for i in range(ITEMS)]
        few = await f.person(s, region)
        many = await f.person(s, region)
        others = [await f.person(s, region) for _ in range(10)]
        for p in (few, many, *others):
            await f.disability_record(s, p)
        few_ents = [await f.entitlement(s, few, items[i], quantity=3) for i in range(SMALL)]
        many_ents = [await f.entitlement(s, many, items[i], quantity=3) for i in range(ITEMS)]
        few_account = await f.account(s, Role.RECIPIENT, person_id=few.id)
        many_account = await f.account(s, Role.RECIPIENT, person_id=many.id)
        officer = await f.account(s, Role.LOCAL_BODY, region_id=region.id)
        orders = [await f.order(s, many, many_account, listing, many_ents[i], quantity=Decimal(1),
                                cap=items[i].price_cap)
                  for i, listing in enumerate(listings)]
        for i, order in enumerate(orders):
            s.add(CompensationClaim(
                kind=ClaimKind.PROVIDER_ORDER, person_id=others[i % len(others)].id, region_id=region.id,
                provider_id=order.provider_id, order_id=order.id, entitlement_id=order.entitlement_id,
                classifier_item_id=order.classifier_item_id, submitted_by_account_id=officer.id,
                quantity=Decimal(1), amount_claimed=order.state_share, amount_approvable=order.state_share,
                status=ClaimStatus.SUBMITTED, due_date=today + dt.timedelta(days=i % 30),
            ))
            s.add(Application(
                kind=ApplicationKind.MISSING_AID, person_id=others[i % len(others)].id, region_id=region.id,
                submitted_by_account_id=officer.id, details={"classifier_item_id": items[i].id},
                status=ApplicationStatus.SUBMITTED, due_date=today + dt.timedelta(days=i % 30),
            ))
            s.add(Notification(
                account_id=many_account.id, kind="order.accepted", title=f"Order {order.id}", body="Accepted.",
                subject_type="Order", subject_id=order.id, payload={}, created_at=utcnow(),
                read_at=utcnow() if i % 2 else None,
            ))
    assert len(few_ents) == SMALL
    portal = Portal()
    portal.tokens = {
        "few": await api.login(few_account.username), "many": await api.login(many_account.username),
        "officer": await api.login(officer.username),
    }
    return portal


async def count(api: GraphQLClient, db: Database, query: str, variables: dict[str, Any] | None,
                token: str | None) -> tuple[int, dict[str, Any]]:
    with sql_statements(db) as statements:
        data = await api.data(query, variables, token=token)
    STATEMENTS[:] = statements
    return len(statements), data


def items_in(data: dict[str, Any], field: str) -> int:
    value = data[field]
    return len(value["edges"]) if isinstance(value, dict) else len(value)


CASES = {
    # name: (document, who, the list to check for size)
    "home page": (HOME, "many", "orders"),
    "orders": (ORDERS, "many", "orders"),
    "claims queue": (CLAIMS, "officer", "claims"),
    "applications": (APPLICATIONS, "officer", "applications"),
    "notifications": (NOTIFICATIONS, "many", "notifications"),
    "searchListings, signed in": (SEARCH, "many", "searchListings"),
    "searchListings, anonymous": (SEARCH, None, "searchListings"),
}


@pytest.mark.parametrize("name", sorted(CASES))
async def test_statements_do_not_grow_with_the_page(api: GraphQLClient, db: Database, portal: Portal,
                                                    name: str) -> None:
    document, who, field = CASES[name]
    token = portal.tokens[who] if who else None
    await count(api, db, document, {"n": SMALL}, token)  # warm: the first request may read more (caches)
    small, small_data = await count(api, db, document, {"n": SMALL}, token)
    large, large_data = await count(api, db, document, {"n": LARGE}, token)
    assert items_in(small_data, field) == SMALL and items_in(large_data, field) == LARGE
    assert large == small, f"{name}: {small} SQL statements for {SMALL} items, {large} for {LARGE}"
    # Besides BEGIN (SQLite's, which asyncpg sends outside the cursor): authentication, the list,
    # one batched query per relation.
    queries = [s for s in STATEMENTS if not s.lstrip().upper().startswith("BEGIN")]
    assert len(queries) <= 12, f"{name}: {small} SQL statements:\n" + "\n".join(s[:100] for s in STATEMENTS)


async def test_my_entitlements_do_not_grow_with_their_number(api: GraphQLClient, db: Database,
                                                             portal: Portal) -> None:
    await count(api, db, ENTITLEMENTS, None, portal.tokens["few"])
    small, few = await count(api, db, ENTITLEMENTS, None, portal.tokens["few"])
    large, many = await count(api, db, ENTITLEMENTS, None, portal.tokens["many"])
    assert len(few["myEntitlements"]) == SMALL and len(many["myEntitlements"]) == ITEMS
    assert large == small, f"{small} SQL statements for {SMALL} entitlements, {large} for {ITEMS}"

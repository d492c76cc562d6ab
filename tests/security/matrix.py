"""The authorization matrix: every root field of the schema, how to call it, and what each role gets.

An entry is keyed by the field's name (``"order"``), or by ``"field/variant"``
for a second way of calling the same field. Its ``build(scene, side)`` makes
a fresh object on side "a" (region A: owned by ``recipient``, ``provider``,
``officer``) or side "b" (owned by the ``other_*`` roles) and returns the
document and variables that act on it. ``outcomes`` says what each role gets
on side A's object; on side B's object the own/other roles swap
(``scene.MIRROR``), so every scoped role is tried on an object it owns and
on one it does not.

Outcomes:
- ``ok``: success; for a list, the object is in it.
- ``hidden``: success, and the object is not in the list (scoped lists filter
  rather than refuse).
- ``null``: the field answers null (``me`` when anonymous).
- an error code (``UNAUTHENTICATED``, ``FORBIDDEN``, ``NOT_FOUND``, ...): the
  mutation payload's first ``errors[].code``, or a query's ``extensions.code``.

DOMAIN.md: "No role sees or changes anything outside its scope. A refusal is
a typed error, never a leak of whether the object exists" -- so an object
outside the caller's scope answers NOT_FOUND, exactly like a missing one,
and a role that can never do the thing answers FORBIDDEN.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from marketplace import clock
from marketplace.catalog.models import ListingStatus
from tests.security.scene import ROLES, Scene, gid, key, serial

QUERY, MUTATION, SUBSCRIPTION = "query", "mutation", "subscription"
ERR = "errors { field code message }"


@dataclass(frozen=True)
class Call:
    document: str
    variables: dict[str, Any] = field(default_factory=dict)
    target: str | None = None  # the global id a list answer should (or should not) contain


@dataclass(frozen=True)
class Entry:
    field: str
    kind: str
    outcomes: dict[str, str]
    build: Callable[[Scene, str], Awaitable[Call]]
    ids: Callable[[Any], list[str]] | None = None
    note: str = ""


MATRIX: dict[str, Entry] = {}


def expect(default: str, *, anonymous: str = "UNAUTHENTICATED", **roles: str) -> dict[str, str]:
    """Every role gets ``default`` unless named; anonymous callers UNAUTHENTICATED unless said otherwise."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    return {role: roles.get(role, anonymous if role == "anonymous" else default) for role in ROLES}


EVERYONE = expect("ok", anonymous="ok")
SIGNED_IN = expect("ok")
# A recipient's, its provider's and its region's object; the admin sees everything.
PARTIES = expect("NOT_FOUND", recipient="ok", provider="ok", officer="ok", admin="ok")
# The person's own data: the person, the region's officer, the admin; providers see no persons.
PERSON_DATA = expect("NOT_FOUND", recipient="ok", officer="ok", admin="ok")
# A scoped list: filtered, not refused.
PARTIES_LIST = expect("hidden", recipient="ok", provider="ok", officer="ok", admin="ok")
# Only the recipient (or their representative) acts.
RECIPIENT_ACTS = expect("FORBIDDEN", recipient="ok", other_recipient="NOT_FOUND")
# Only the order's provider acts.
PROVIDER_ACTS = expect("FORBIDDEN", provider="ok", other_provider="NOT_FOUND")
# Only an officer of the region acts (claims: the admin does not decide them).
OFFICER_ACTS = expect("FORBIDDEN", officer="ok", other_officer="NOT_FOUND")
# Records and IRPs: the region's officer, or the admin.
KEEPER_ACTS = expect("FORBIDDEN", officer="ok", other_officer="NOT_FOUND", admin="ok")


def entry(field_name: str, kind: str, outcomes: dict[str, str], *, variant: str | None = None,
          ids: Callable[[Any], list[str]] | None = None, note: str = "") -> Callable[[Any], Any]:
    def register(build: Callable[[Scene, str], Awaitable[Call]]) -> Callable[[Scene, str], Awaitable[Call]]:
        name = f"{field_name}/{variant}" if variant else field_name
        assert name not in MATRIX, name
        MATRIX[name] = Entry(field_name, kind, outcomes, build, ids, note)
        return build

    return register


def edges(value: Any) -> list[str]:
    return [e["node"]["id"] for e in value["edges"]]


def items(value: Any) -> list[str]:
    return [e["id"] for e in value]


Build = Callable[[Scene, str], Awaitable[Call]]
#: A fresh object on the side, made by the scene (``lambda sc, side: sc.order(side)``).
Fetch = Callable[[Scene, str], Awaitable[Any]]


def act_on(name: str, node: str, fetch: Fetch, *, arg: str, answer: str, extra: str = "",
           variables: Callable[[Scene, str], dict[str, tuple[str, Any]]] | None = None) -> Build:
    """The mutation ``name(<arg>: $id<extra>) { <answer> }`` on a fresh object of the side (``fetch``,
    its global id of type ``node``); ``variables`` (name: (type, value)) are declared for ``extra``."""
    async def build(sc: Scene, side: str) -> Call:
        obj = await fetch(sc, side)
        more = variables(sc, side) if variables else {}
        declared = "".join(f", ${k}: {t}" for k, (t, _) in more.items())
        return Call(f"mutation($id: ID!{declared}) {{ {name}({arg}: $id{extra}) {{ {answer} }} }}",
                    {"id": gid(node, obj.id), **{k: v for k, (_, v) in more.items()}})

    return build


def one_of(field_name: str, node: str, fetch: Fetch, selection: str = "id status") -> Build:
    """The query ``field_name(id: $id) { <selection> }`` of a fresh object of the side."""
    async def build(sc: Scene, side: str) -> Call:
        obj = await fetch(sc, side)
        return Call(f"query($id: ID!) {{ {field_name}(id: $id) {{ {selection} }} }}", {"id": gid(node, obj.id)})

    return build


def side_has(name: str) -> Fetch:
    """The side's own ``name`` (``sc.sides[side].<name>``), made with the scene, as a ``Fetch``."""
    async def fetch(sc: Scene, side: str) -> Any:
        return getattr(sc.sides[side], name)

    return fetch


AUDIT_TRAIL = "query($id: ID!) { auditTrail(subjectId: $id) { action } }"


def trail_of(node: str, fetch: Fetch) -> Build:
    """The audit trail of a fresh object of the side (``fetch``)."""
    async def build(sc: Scene, side: str) -> Call:
        return Call(AUDIT_TRAIL, {"id": gid(node, (await fetch(sc, side)).id)})

    return build


def page_of(field_name: str, node: str, fetch: Fetch, *, first: int = 100, args: str = "") -> Build:
    """The first page of the list ``field_name``, which should (or should not) hold a fresh object of the side."""
    async def build(sc: Scene, side: str) -> Call:
        obj = await fetch(sc, side)
        return Call(f"query($after: String) {{ {field_name}({args}first: {first}, after: $after) "
                    "{ edges { node { id } } pageInfo { hasNextPage endCursor } } }", target=gid(node, obj.id))

    return build


# == queries: accounts ====================================================================
@entry("me", QUERY, expect("ok", anonymous="null"))
async def _me(sc: Scene, side: str) -> Call:
    return Call("{ me { id username role } }")


@entry("regions", QUERY, EVERYONE, ids=items)
async def _regions(sc: Scene, side: str) -> Call:
    return Call("{ regions { id code } }", target=gid("Region", sc.sides[side].region.id))


entry("person", QUERY, PERSON_DATA)(one_of("person", "Person", side_has("person"), "id iin"))


entry("node", QUERY, PARTIES, note="node() applies the same scope as the typed query (here an order).")(
    one_of("node", "Order", lambda sc, side: sc.order(side), "id"))


entry("node", QUERY, PERSON_DATA, variant="person")(one_of("node", "Person", side_has("person"),
                                                          "id ... on Person { iin }"))


# == queries: catalogue ===================================================================
@entry("classifier", QUERY, EVERYONE, ids=items)
async def _classifier(sc: Scene, side: str) -> Call:
    return Call("{ classifier { id code } }", target=gid("ClassifierItem", sc.item.id))


entry("provider", QUERY, EVERYONE, note="A provider's profile is public.")(
    one_of("provider", "Provider", side_has("provider"), "id name"))


entry("listing", QUERY, expect("NOT_FOUND", anonymous="NOT_FOUND", provider="ok", officer="ok", admin="ok"),
      note="A draft: its owner, the officers of the regions it serves, the admin.")(
    one_of("listing", "Listing", lambda sc, side: sc.listing(side, ListingStatus.DRAFT)))


entry("listing", QUERY, EVERYONE, variant="published")(one_of("listing", "Listing", side_has("listing"), "id"))


@entry("providerListings", QUERY,
       expect("hidden", anonymous="hidden", provider="ok", officer="ok", admin="ok"), ids=edges,
       note="Drafts are listed to the owner, the region's officers and the admin; others see published ones only.")
async def _provider_listings(sc: Scene, side: str) -> Call:
    listing = await sc.listing(side, ListingStatus.DRAFT)
    return Call("query($p: ID!, $after: String) { providerListings(providerId: $p, first: 100, after: $after) "
                "{ edges { node { id } } pageInfo { hasNextPage endCursor } } }",
                {"p": gid("Provider", sc.sides[side].provider.id)}, target=gid("Listing", listing.id))


entry("moderationQueue", QUERY, expect("FORBIDDEN", officer="ok", other_officer="hidden", admin="ok"), ids=edges)(
    page_of("moderationQueue", "Listing", lambda sc, side: sc.listing(side, ListingStatus.PENDING_REVIEW)))


@entry("searchListings", QUERY, EVERYONE, ids=lambda v: [e["node"]["listing"]["id"] for e in v["edges"]],
       note="Published listings are public; the filter names the region, so the viewer's default region plays no part.")
async def _search(sc: Scene, side: str) -> Call:
    sd = sc.sides[side]
    return Call(
        "query($f: ListingFilter, $after: String) { searchListings(query: \"\", filter: $f, first: 100, after: $after) "
        "{ edges { node { listing { id } } } pageInfo { hasNextPage endCursor } } }",
        {"f": {"regionIds": [gid("Region", sd.region.id)], "providerId": gid("Provider", sd.provider.id)}},
        target=gid("Listing", sd.listing.id))


@entry("searchListings", QUERY, expect("hidden", anonymous="hidden"), variant="draft",
       ids=lambda v: [e["node"]["listing"]["id"] for e in v["edges"]],
       note="Search never shows a draft, not even to its owner or the admin.")
async def _search_draft(sc: Scene, side: str) -> Call:
    sd = sc.sides[side]
    listing = await sc.listing(side, ListingStatus.DRAFT)
    return Call(
        "query($f: ListingFilter, $after: String) { searchListings(query: \"\", filter: $f, first: 100, after: $after) "
        "{ edges { node { listing { id } } } pageInfo { hasNextPage endCursor } } }",
        {"f": {"regionIds": [gid("Region", sd.region.id)]}}, target=gid("Listing", listing.id))


@entry("searchListings", QUERY, expect("NOT_FOUND", anonymous="NOT_FOUND", recipient="ok"), variant="forPerson",
       note="Coverage for a person: only for the recipient themself or someone they represent.")
async def _search_for_person(sc: Scene, side: str) -> Call:
    return Call("query($p: ID) { searchListings(query: \"\", forPersonId: $p, first: 5) { totalCount } }",
                {"p": gid("Person", sc.sides[side].person.id)})


# == queries: records ===================================================================
@entry("myEntitlements", QUERY, expect("FORBIDDEN", recipient="ok", other_recipient="hidden"), ids=items)
async def _my_entitlements(sc: Scene, side: str) -> Call:
    return Call("{ myEntitlements { id } }", target=gid("Entitlement", sc.sides[side].entitlement.id))


@entry("entitlements", QUERY, PERSON_DATA)
async def _entitlements(sc: Scene, side: str) -> Call:
    return Call("query($p: ID!) { entitlements(personId: $p) { id } }", {"p": gid("Person", sc.sides[side].person.id)})


@entry("personByIin", QUERY, KEEPER_ACTS)
async def _person_by_iin(sc: Scene, side: str) -> Call:
    return Call("query($iin: String!) { personByIin(iin: $iin) { id iin } }", {"iin": sc.sides[side].person.iin})


@entry("disabilityRecords", QUERY, PERSON_DATA)
async def _records(sc: Scene, side: str) -> Call:
    return Call("query($p: ID!) { disabilityRecords(personId: $p) { id } }",
                {"p": gid("Person", sc.sides[side].person.id)})


# == queries: reports =====================================================================
@entry("regionReport", QUERY, KEEPER_ACTS, note="A region's figures: its officers and the admin; another "
       "region's officer is told no more than of a region that does not exist.")
async def _region_report(sc: Scene, side: str) -> Call:
    today = clock.today()
    return Call("query($r: ID!, $from: Date!, $to: Date!) { regionReport(regionId: $r, from: $from, to: $to) "
                "{ region { id } spendTotal } }",
                {"r": gid("Region", sc.sides[side].region.id), "from": (today - dt.timedelta(days=90)).isoformat(),
                 "to": today.isoformat()})


# == queries: orders and claims ===========================================================
# first: 99, not 100: see test_limits.test_first_is_capped_at_100[orders]
entry("orders", QUERY, PARTIES_LIST, ids=edges)(page_of("orders", "Order", lambda sc, side: sc.order(side), first=99))
entry("order", QUERY, PARTIES)(one_of("order", "Order", lambda sc, side: sc.order(side)))
entry("claims", QUERY, PARTIES_LIST, ids=edges)(page_of("claims", "CompensationClaim", lambda sc, side: sc.claim(side)))
entry("claim", QUERY, PARTIES)(one_of("claim", "CompensationClaim", lambda sc, side: sc.claim(side)))


entry("auditTrail", QUERY, PARTIES, note="The trail of an object is shown to whoever may see the object.")(
    trail_of("Order", lambda sc, side: sc.order(side)))
entry("auditTrail", QUERY, expect("NOT_FOUND", provider="ok", admin="ok"), variant="provider",
      note="A provider's own history: the provider and the admin only.")(trail_of("Provider", side_has("provider")))
entry("auditTrail", QUERY, expect("NOT_FOUND", provider="ok", officer="ok", admin="ok"), variant="publishedListing",
      note="A published listing is public, its history is not: its provider, the officers of its regions, the admin.")(
    trail_of("Listing", side_has("listing")))


# == mutations: accounts ================================================================
@entry("login", MUTATION, EVERYONE, note="Anyone may sign in with the right password.")
async def _login(sc: Scene, side: str) -> Call:
    from tests.factories import TEST_PASSWORD

    return Call(f"mutation($u: String!, $p: String!) {{ login(username: $u, password: $p) {{ token {ERR} }} }}",
                {"u": sc.sides[side].recipient.username, "p": TEST_PASSWORD})


@entry("changePassword", MUTATION, SIGNED_IN, note="Always one's own account; there is no object to name.")
async def _change_password(sc: Scene, side: str) -> Call:
    from tests.factories import TEST_PASSWORD

    return Call(f"mutation($o: String!, $n: String!) {{ changePassword(oldPassword: $o, newPassword: $n) {{ ok {ERR} }} }}",
                {"o": TEST_PASSWORD, "n": TEST_PASSWORD})


@entry("disableAccount", MUTATION, expect("FORBIDDEN", admin="ok"), note="The administrator only.")
async def _disable_account(sc: Scene, side: str) -> Call:
    from marketplace.accounts.models import Role
    from tests import factories as f

    async with sc.db.transaction() as s:  # a fresh provider account: the scene's own stay usable
        account = await f.account(s, Role.PROVIDER, provider_id=sc.sides[side].provider.id)
    return Call(f"mutation($id: ID!) {{ disableAccount(accountId: $id) {{ ok {ERR} }} }}",
                {"id": gid("Account", account.id)})


@entry("enableAccount", MUTATION, expect("FORBIDDEN", admin="ok"), note="The administrator only.")
async def _enable_account(sc: Scene, side: str) -> Call:
    from marketplace.accounts.models import Role
    from tests import factories as f

    async with sc.db.transaction() as s:  # a fresh disabled provider account: the scene's own stay as they are
        account = await f.account(s, Role.PROVIDER, provider_id=sc.sides[side].provider.id)
        account.is_active = False
    return Call(f"mutation($id: ID!) {{ enableAccount(accountId: $id) {{ ok {ERR} }} }}",
                {"id": gid("Account", account.id)})


# == mutations: catalogue ===============================================================
@entry("createListing", MUTATION,
       expect("FORBIDDEN", provider="ok", other_provider="REGION_NOT_SERVED", admin="REQUIRED"),
       note="A provider lists in the regions it serves (another region: REGION_NOT_SERVED); the admin must "
            "name a provider, which the GraphQL input does not carry (REQUIRED).")
async def _create_listing(sc: Scene, side: str) -> Call:
    return Call(
        f"mutation($i: CreateListingInput!) {{ createListing(input: $i) {{ listing {{ id }} {ERR} }} }}",
        {"i": {"classifierItemId": gid("ClassifierItem", sc.item.id), "unitPrice": "1000.00",
               "regionIds": [gid("Region", sc.sides[side].region.id)], "deliveryOptions": ["HOME_DELIVERY"],
               "titleRu": "Коляска"}})


def _listing_step(name: str, status: ListingStatus = ListingStatus.DRAFT, extra: str = "") -> Build:
    return act_on(name, "Listing", lambda sc, side: sc.listing(side, status), arg="listingId", extra=extra,
                  answer=f"listing {{ id }} {ERR}")


entry("updateListing", MUTATION, PROVIDER_ACTS)(_listing_step("updateListing", extra=", input: {leadTimeDays: 5}"))
entry("submitListing", MUTATION, PROVIDER_ACTS)(_listing_step("submitListing"))
entry("reviewListing", MUTATION, KEEPER_ACTS)(
    _listing_step("reviewListing", ListingStatus.PENDING_REVIEW, ", decision: APPROVE"))
entry("archiveListing", MUTATION, expect("FORBIDDEN", provider="ok", other_provider="NOT_FOUND", admin="ok"))(
    _listing_step("archiveListing"))


@entry("updateProviderProfile", MUTATION, expect("FORBIDDEN", provider="ok", other_provider="NOT_FOUND", admin="ok"))
async def _update_provider(sc: Scene, side: str) -> Call:
    return Call(f"mutation($id: ID!) {{ updateProviderProfile(providerId: $id, input: {{phone: \"+77010000000\"}}) "
                f"{{ provider {{ id }} {ERR} }} }}", {"id": gid("Provider", sc.sides[side].provider.id)})


entry("providers", QUERY, expect("FORBIDDEN", admin="ok"), ids=edges, note="The verification queue is the admin's.")(
    page_of("providers", "Provider", lambda sc, side: sc.pending_provider(side), args="verificationStatus: PENDING, "))


@entry("registerProvider", MUTATION, expect("ok", anonymous="ok"), note="Anyone may sign an organisation up; it "
       "waits PENDING for the admin.")
async def _register_provider(sc: Scene, side: str) -> Call:
    return Call(f"mutation($i: RegisterProviderInput!) {{ registerProvider(input: $i) {{ provider {{ id }} {ERR} }} }}",
                {"i": sc.sign_up(side)})


def _provider_step(name: str, fetch: Fetch, extra: str) -> Build:
    return act_on(name, "Provider", fetch, arg="providerId", extra=extra, answer=f"provider {{ id }} {ERR}")


entry("suspendProvider", MUTATION, expect("FORBIDDEN", admin="ok"))(_provider_step(
    "suspendProvider", lambda sc, side: sc.pending_provider(side), ', reason: "Жалобы"'))
entry("reinstateProvider", MUTATION, expect("FORBIDDEN", admin="ok"))(_provider_step(
    "reinstateProvider", lambda sc, side: sc.suspended_provider(side), ', reason: "Проверено"'))
entry("verifyProvider", MUTATION, expect("FORBIDDEN", admin="ok"))(_provider_step(
    "verifyProvider", lambda sc, side: sc.pending_provider(side), ", status: VERIFIED"))


# == mutations: records =================================================================
@entry("registerPerson", MUTATION, expect("FORBIDDEN", officer="ok", admin="ok"),
       note="An officer registers persons of their own region (another region: FORBIDDEN on regionId).")
async def _register_person(sc: Scene, side: str) -> Call:
    return Call(f"mutation($i: RegisterPersonInput!) {{ registerPerson(input: $i) {{ person {{ id }} {ERR} }} }}",
                {"i": {"iin": sc.iin(), "lastName": "Ахметова", "firstName": "Дана",
                       "regionId": gid("Region", sc.sides[side].region.id)}})


@entry("correctPersonFlags", MUTATION, KEEPER_ACTS,
       note="What the records say of a person (mobility, carer's allowance), corrected with a reason.")
async def _correct_person_flags(sc: Scene, side: str) -> Call:
    person = await sc.person(side)
    return Call(f"mutation($i: CorrectPersonFlagsInput!) {{ correctPersonFlags(input: $i) {{ person {{ id }} {ERR} }} }}",
                {"i": {"personId": gid("Person", person.id), "hasMobilityDifficulty": True,
                       "reason": "Письмо МСЭ"}})


@entry("registerDisability", MUTATION, KEEPER_ACTS)
async def _register_disability(sc: Scene, side: str) -> Call:
    person = await sc.person(side)
    return Call(f"mutation($i: RegisterDisabilityInput!) {{ registerDisability(input: $i) {{ record {{ id }} {ERR} }} }}",
                {"i": {"personId": gid("Person", person.id), "group": "II", "cause": "GENERAL_DISEASE",
                       "nosologyCode": "G80", "examFormat": "IN_PERSON",
                       "validFrom": (clock.today() - dt.timedelta(days=10)).isoformat(),
                       "validUntil": (clock.today() + dt.timedelta(days=300)).isoformat()}})


async def _record(sc: Scene, side: str) -> Any:
    return (await sc.person(side, record=True)).record


entry("closeDisabilityRecord", MUTATION, KEEPER_ACTS)(
    act_on("closeDisabilityRecord", "DisabilityRecord", _record, arg="recordId", answer=f"record {{ id }} {ERR}"))


@entry("extendDisabilityRecord", MUTATION, KEEPER_ACTS)
async def _extend_record(sc: Scene, side: str) -> Call:
    person = await sc.person(side, record=True)
    return Call(f"mutation($id: ID!, $u: Date) {{ extendDisabilityRecord(recordId: $id, validUntil: $u) "
                f"{{ record {{ id }} {ERR} }} }}",
                {"id": gid("DisabilityRecord", person.record.id),
                 "u": (person.record.valid_until + dt.timedelta(days=30)).isoformat()})


@entry("issueEntitlement", MUTATION, KEEPER_ACTS)
async def _issue_entitlement(sc: Scene, side: str) -> Call:
    person = await sc.person(side, record=True)
    return Call(f"mutation($i: IssueEntitlementInput!) {{ issueEntitlement(input: $i) {{ entitlement {{ id }} {ERR} }} }}",
                {"i": {"personId": gid("Person", person.id), "classifierItemId": gid("ClassifierItem", sc.item.id),
                       "quantity": "1", "validFrom": clock.today().isoformat(),
                       "validUntil": (clock.today() + dt.timedelta(days=200)).isoformat()}})


entry("closeEntitlement", MUTATION, KEEPER_ACTS)(act_on(
    "closeEntitlement", "Entitlement", lambda sc, side: sc.entitlement(side), arg="entitlementId",
    answer=f"entitlement {{ id }} {ERR}"))


# == mutations: orders ==================================================================
def _order_step(name: str, status: str, extra: str = "", hourly: bool = False) -> Build:
    return act_on(name, "Order", lambda sc, side: sc.order(side, status, hourly=hourly), arg="orderId", extra=extra,
                  answer=f"order {{ id status }} {ERR}")


@entry("placeOrder", MUTATION, RECIPIENT_ACTS, note="On one's own entitlement; another's is NOT_FOUND.")
async def _place_order(sc: Scene, side: str) -> Call:
    sd = sc.sides[side]
    return Call(f"mutation($l: ID!, $e: ID!, $k: String!) {{ placeOrder(listingId: $l, entitlementId: $e, "
                f"quantity: \"1\", idempotencyKey: $k) {{ order {{ id }} {ERR} }} }}",
                {"l": gid("Listing", sd.listing.id), "e": gid("Entitlement", sd.entitlement.id), "k": key()})


entry("cancelOrder", MUTATION, RECIPIENT_ACTS)(_order_step("cancelOrder", "PLACED"))
entry("acceptOrder", MUTATION, PROVIDER_ACTS)(_order_step("acceptOrder", "PLACED"))
entry("declineOrder", MUTATION, PROVIDER_ACTS)(_order_step("declineOrder", "PLACED", ', reason: "Нет в наличии"'))
entry("markDelivered", MUTATION, PROVIDER_ACTS)(_order_step("markDelivered", "ACCEPTED"))
entry("confirmReceipt", MUTATION, RECIPIENT_ACTS)(_order_step("confirmReceipt", "DELIVERED"))


@entry("logServiceHours", MUTATION, PROVIDER_ACTS)
async def _log_hours(sc: Scene, side: str) -> Call:
    order, day = await sc.hourly_order_since_yesterday(side)
    return Call(f"mutation($id: ID!, $w: String!, $d: Date!) {{ logServiceHours(orderId: $id, workerIin: $w, "
                f"workerName: \"Сурдопереводчик\", serviceDate: $d, startTime: \"11:00:00\", endTime: \"12:00:00\") "
                f"{{ serviceLogs {{ id }} {ERR} }} }}",
                {"id": gid("Order", order.id), "w": sc.iin(), "d": day.isoformat()})


@entry("confirmServiceHours", MUTATION, RECIPIENT_ACTS)
async def _confirm_hours(sc: Scene, side: str) -> Call:
    log = await sc.service_log(side)
    return Call(f"mutation($ids: [ID!]!) {{ confirmServiceHours(serviceLogIds: $ids) {{ serviceLogs {{ id }} {ERR} }} }}",
                {"ids": [gid("ServiceLog", log.id)]})


@entry("disputeServiceHours", MUTATION, RECIPIENT_ACTS)
async def _dispute_hours(sc: Scene, side: str) -> Call:
    log = await sc.service_log(side)
    return Call(f"mutation($id: ID!) {{ disputeServiceHours(serviceLogId: $id, note: \"Не приходил\") "
                f"{{ serviceLogs {{ id }} {ERR} }} }}", {"id": gid("ServiceLog", log.id)})


@entry("reviewOrder", MUTATION, RECIPIENT_ACTS)
async def _review_order(sc: Scene, side: str) -> Call:
    order = await sc.order(side, "CONFIRMED")
    return Call(f"mutation($id: ID!) {{ reviewOrder(orderId: $id, rating: 5, text: \"Спасибо\") {{ review {{ id }} {ERR} }} }}",
                {"id": gid("Order", order.id)})


# == mutations: claims ==================================================================
@entry("submitClaim", MUTATION, PROVIDER_ACTS, note="A provider claims for its own confirmed order.")
async def _submit_claim(sc: Scene, side: str) -> Call:
    order = await sc.order(side, "CONFIRMED")
    return Call(f"mutation($i: SubmitClaimInput!) {{ submitClaim(input: $i) {{ claim {{ id }} {ERR} }} }}",
                {"i": {"claimFor": "ORDER", "orderId": gid("Order", order.id), "idempotencyKey": key()}})


@entry("submitClaim", MUTATION, RECIPIENT_ACTS, variant="selfPurchase",
       note="A recipient claims a self-purchase for themself, with their own receipt.")
async def _submit_self_claim(sc: Scene, side: str) -> Call:
    sd = sc.sides[side]
    receipt = await sc.receipt(side)
    return Call(f"mutation($i: SubmitClaimInput!) {{ submitClaim(input: $i) {{ claim {{ id }} {ERR} }} }}",
                {"i": {"claimFor": "SELF_PURCHASE", "personId": gid("Person", sd.person.id),
                       "entitlementId": gid("Entitlement", sd.entitlement.id), "quantity": "1",
                       "amountPaid": "1000.00", "receiptId": gid("Receipt", receipt.id), "idempotencyKey": key()}})


def _claim_step(name: str, status: str = "SUBMITTED", extra: str = "",
                variables: Callable[[Scene, str], dict[str, tuple[str, Any]]] | None = None) -> Build:
    return act_on(name, "CompensationClaim", lambda sc, side: sc.claim(side, status), arg="claimId", extra=extra,
                  variables=variables, answer=f"claim {{ id }} {ERR}")


entry("approveClaim", MUTATION, OFFICER_ACTS, note="Claims are decided by the region's officer; not the admin.")(
    _claim_step("approveClaim"))
entry("rejectClaim", MUTATION, OFFICER_ACTS)(_claim_step("rejectClaim", extra=', reason: "Нет акта"'))
entry("markClaimPaid", MUTATION, OFFICER_ACTS)(_claim_step(
    "markClaimPaid", "APPROVED", ", idempotencyKey: $k", lambda sc, side: {"k": ("String!", key())}))


# == applications ==========================================================================
APPLICATION_PARTIES = expect("NOT_FOUND", recipient="ok", officer="ok", admin="ok")


@entry("applicationForm", QUERY, expect("FORBIDDEN", recipient="ok", other_recipient="NOT_FOUND"),
       note="The form is filled from the records of the recipient or a person they represent.")
async def _application_form(sc: Scene, side: str) -> Call:
    return Call("query($p: ID) { applicationForm(kind: INDIVIDUAL_ASSISTANT, personId: $p) { eligible } }",
                {"p": gid("Person", sc.sides[side].person.id)})


entry("applications", QUERY, expect("hidden", anonymous="UNAUTHENTICATED", recipient="ok", provider="FORBIDDEN",
                                    other_provider="FORBIDDEN", officer="ok", admin="ok"), ids=edges,
      note="Applications are the person's and the region's business; providers have none.")(
    page_of("applications", "Application", lambda sc, side: sc.application(side)))
entry("application", QUERY, APPLICATION_PARTIES)(
    one_of("application", "Application", lambda sc, side: sc.application(side)))


@entry("submitApplication", MUTATION, RECIPIENT_ACTS, note="For oneself or a person one represents.")
async def _submit_application(sc: Scene, side: str) -> Call:
    from tests import factories as f

    async with sc.db.transaction() as s:
        item = await f.classifier_item(s)
    return Call(f"mutation($p: ID, $d: ApplicationDetailsInput) {{ submitApplication(kind: MISSING_AID, personId: $p, "
                f"details: $d) {{ application {{ id }} {ERR} }} }}",
                {"p": gid("Person", sc.sides[side].person.id), "d": {"classifierItemId": gid("ClassifierItem", item.id)}})


def _application_step(name: str, extra: str = "") -> Build:
    return act_on(name, "Application", lambda sc, side: sc.application(side), arg="applicationId", extra=extra,
                  answer=f"application {{ id }} {ERR}")


entry("approveApplication", MUTATION, OFFICER_ACTS, note="The region's officer decides; not the admin.")(
    _application_step("approveApplication"))
entry("rejectApplication", MUTATION, OFFICER_ACTS)(_application_step("rejectApplication", ', reason: "Есть в ИПР"'))


# == transport (invataxi) ===================================================================
@entry("vehicles", QUERY, expect("hidden", anonymous="UNAUTHENTICATED", recipient="FORBIDDEN",
                                 other_recipient="FORBIDDEN", provider="ok", officer="ok", admin="ok"), ids=edges,
       note="A provider's fleet: the provider, the officers of the regions it serves, the admin.")
async def _vehicles(sc: Scene, side: str) -> Call:
    return Call("query($after: String) { vehicles(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }", target=gid("Vehicle", sc.sides[side].vehicle.id))


entry("trips", QUERY, PARTIES_LIST, ids=edges)(page_of("trips", "Trip", lambda sc, side: sc.trip(side)))
entry("trip", QUERY, PARTIES)(one_of("trip", "Trip", lambda sc, side: sc.trip(side)))


@entry("addVehicle", MUTATION, expect("FORBIDDEN", provider="ok", other_provider="REGION_NOT_SERVED"),
       note="Into the regions the provider serves.")
async def _add_vehicle(sc: Scene, side: str) -> Call:
    return Call(f"mutation($i: AddVehicleInput!) {{ addVehicle(input: $i) {{ vehicle {{ id }} {ERR} }} }}",
                {"i": {"plateNumber": sc.plate(), "model": "Hyundai H-1",
                       "serviceRegionIds": [gid("Region", sc.sides[side].region.id)]}})


entry("updateVehicle", MUTATION, PROVIDER_ACTS)(act_on(
    "updateVehicle", "Vehicle", lambda sc, side: sc.vehicle(side), arg="vehicleId", extra=", input: {seats: 5}",
    answer=f"vehicle {{ id }} {ERR}"))


@entry("bookTrip", MUTATION, RECIPIENT_ACTS, note="On one's own entitlement; another's is NOT_FOUND.")
async def _book_trip(sc: Scene, side: str) -> Call:
    sd = sc.sides[side]
    starts = sc.trip_time()
    return Call(f"mutation($i: BookTripInput!) {{ bookTrip(input: $i) {{ trip {{ id }} {ERR} }} }}",
                {"i": {"listingId": gid("Listing", sd.taxi_listing.id), "entitlementId": gid("Entitlement", sd.taxi_entitlement.id),
                       "startsAt": starts.isoformat(), "pickupAddress": "Мәңгілік Ел, 1",
                       "dropoffAddress": "Кабанбай батыра, 2", "idempotencyKey": key()}})


def _trip_step(name: str, status: str, extra: str = "",
               variables: Callable[[Scene, str], dict[str, tuple[str, Any]]] | None = None) -> Build:
    return act_on(name, "Trip", lambda sc, side: sc.trip(side, status), arg="tripId", extra=extra,
                  variables=variables, answer=f"trip {{ id status }} {ERR}")


entry("confirmTrip", MUTATION, PROVIDER_ACTS, note="On one of the provider's own vehicles.")(_trip_step(
    "confirmTrip", "REQUESTED", ", vehicleId: $v",
    lambda sc, side: {"v": ("ID!", gid("Vehicle", sc.sides[side].vehicle.id))}))
entry("proposeTripTime", MUTATION, PROVIDER_ACTS)(_trip_step(
    "proposeTripTime", "REQUESTED", ", startsAt: $t",
    lambda sc, side: {"t": ("DateTime!", (dt.datetime.now(dt.UTC) + dt.timedelta(days=59)).replace(
        second=0, microsecond=0).isoformat())}))
entry("declineTrip", MUTATION, PROVIDER_ACTS)(_trip_step("declineTrip", "REQUESTED", ', reason: "Нет машины"'))
entry("markTripDone", MUTATION, PROVIDER_ACTS)(_trip_step("markTripDone", "CONFIRMED_PAST"))
entry("acceptTripProposal", MUTATION, RECIPIENT_ACTS)(_trip_step("acceptTripProposal", "PROPOSED"))
entry("cancelTrip", MUTATION, RECIPIENT_ACTS)(_trip_step("cancelTrip", "REQUESTED"))
entry("completeTrip", MUTATION, RECIPIENT_ACTS)(_trip_step("completeTrip", "DONE"))


# == administration ===========================================================================
ADMIN_ONLY = expect("FORBIDDEN", admin="ok")


@entry("createClassifierItem", MUTATION, ADMIN_ONLY)
async def _create_classifier_item(sc: Scene, side: str) -> Call:
    return Call(f"mutation($i: CreateClassifierItemInput!) {{ createClassifierItem(input: $i) {{ classifierItem {{ id }} {ERR} }} }}",
                {"i": {"code": f"SEC-{serial():06d}", "nameKk": "Құрал", "nameRu": "Средство", "nameEn": "Aid",
                       "kind": "PRODUCT", "unit": "PIECE", "category": "MOBILITY", "priceCap": "1000"}})


entry("updateClassifierItem", MUTATION, ADMIN_ONLY)(act_on(
    "updateClassifierItem", "ClassifierItem", lambda sc, side: sc.classifier_item(), arg="classifierItemId",
    extra=', input: {nameEn: "Aid"}', answer=f"classifierItem {{ id }} {ERR}"))


@entry("createRegion", MUTATION, ADMIN_ONLY)
async def _create_region(sc: Scene, side: str) -> Call:
    return Call(f"mutation($c: String!) {{ createRegion(code: $c, nameKk: \"Аймақ\", nameRu: \"Регион\", "
                f"nameEn: \"Region\") {{ region {{ id }} {ERR} }} }}", {"c": f"SEC_{serial()}"})


@entry("updateRegion", MUTATION, ADMIN_ONLY)
async def _update_region(sc: Scene, side: str) -> Call:
    return Call(f"mutation($id: ID!) {{ updateRegion(regionId: $id, nameEn: \"Region\") {{ region {{ id }} {ERR} }} }}",
                {"id": gid("Region", sc.sides[side].region.id)})


@entry("createAccount", MUTATION, ADMIN_ONLY)
async def _create_account(sc: Scene, side: str) -> Call:
    return Call(f"mutation($u: String!, $r: ID!) {{ createAccount(username: $u, password: \"long enough password\", "
                f"role: LOCAL_BODY, regionId: $r) {{ accountId {ERR} }} }}",
                {"u": f"sec.officer.{serial()}", "r": gid("Region", sc.sides[side].region.id)})


@entry("accounts", QUERY, ADMIN_ONLY, ids=edges, note="The accounts are the admin's to keep.")
async def _accounts(sc: Scene, side: str) -> Call:
    account = sc.sides[side].recipient
    return Call("query($t: String, $after: String) { accounts(role: RECIPIENT, text: $t, first: 100, after: $after) "
                "{ edges { node { id } } pageInfo { hasNextPage endCursor } } }", {"t": account.username},
                target=gid("Account", account.id))


entry("node", QUERY, expect("NOT_FOUND", admin="ok"), variant="account",
      note="An account is the admin's to see; to anyone else none exists.")(
    one_of("node", "Account", side_has("recipient"), "id ... on Account { username isActive }"))


@entry("issuePasswordResetCode", MUTATION, ADMIN_ONLY, note="The admin hands the code over; only its hash is kept.")
async def _issue_password_reset_code(sc: Scene, side: str) -> Call:
    return Call(f"mutation($id: ID!) {{ issuePasswordResetCode(accountId: $id) {{ code {ERR} }} }}",
                {"id": gid("Account", await sc.fresh_account(side))})


@entry("requestPasswordReset", MUTATION, expect("ok", anonymous="ok"),
       note="The same answer for every caller and every login: nothing leaks.")
async def _request_password_reset(sc: Scene, side: str) -> Call:
    return Call(f"mutation($u: String!) {{ requestPasswordReset(username: $u) {{ ok {ERR} }} }}",
                {"u": sc.sides[side].recipient.username})


@entry("resetPassword", MUTATION, expect("ok", anonymous="ok"), note="Whoever holds the one-time code.")
async def _reset_password(sc: Scene, side: str) -> Call:
    return Call(f"mutation($c: String!) {{ resetPassword(code: $c, newPassword: \"a brand new password\") {{ ok {ERR} }} }}",
                {"c": await sc.reset_code(side)})


# == reviews people read ======================================================================
def _review_step(name: str, extra: str) -> Build:
    return act_on(name, "Review", lambda sc, side: sc.review(side), arg="reviewId", extra=extra,
                  answer=f"review {{ id }} {ERR}")


entry("replyToReview", MUTATION, PROVIDER_ACTS, note="The reviewed provider's one reply.")(
    _review_step("replyToReview", ', text: "Спасибо"'))
entry("hideReview", MUTATION, KEEPER_ACTS, note="The officer of the order's region, or the admin.")(
    _review_step("hideReview", ', reason: "Оскорбления"'))


# == quotes for custom items =================================================================
QUOTE_FIELDS = "quote { id status } " + ERR


entry("quotes", QUERY, PARTIES_LIST, ids=edges, note="The person's, the provider's and the region's quotes.")(
    page_of("quotes", "Quote", lambda sc, side: sc.quote(side)))
entry("quote", QUERY, PARTIES)(one_of("quote", "Quote", lambda sc, side: sc.quote(side)))


@entry("requestQuote", MUTATION, RECIPIENT_ACTS, note="On one's own entitlement; another's is NOT_FOUND.")
async def _request_quote(sc: Scene, side: str) -> Call:
    sd = sc.sides[side]
    await sc.clear_quotes(side)
    return Call(f"mutation($l: ID!, $e: ID!) {{ requestQuote(listingId: $l, entitlementId: $e, note: \"Замеры\") "
                f"{{ {QUOTE_FIELDS} }} }}",
                {"l": gid("Listing", sd.custom_listing.id), "e": gid("Entitlement", sd.custom_entitlement.id)})


def _quote_step(name: str, status: str, extra: str = "") -> Build:
    return act_on(name, "Quote", lambda sc, side: sc.quote(side, status), arg="quoteId", extra=extra,
                  answer=QUOTE_FIELDS)


entry("submitQuote", MUTATION, PROVIDER_ACTS, note="Only the listing's provider quotes.")(_quote_step(
    "submitQuote", "REQUESTED", ', unitPrice: "1400000", leadTimeDays: 30, specification: "Протез кисти"'))
entry("approveQuote", MUTATION, OFFICER_ACTS, note="The person's region's officer decides; not the admin.")(
    _quote_step("approveQuote", "QUOTED"))
entry("rejectQuote", MUTATION, OFFICER_ACTS)(_quote_step("rejectQuote", "QUOTED", ', reason: "Цена завышена"'))
entry("withdrawQuote", MUTATION, RECIPIENT_ACTS)(_quote_step("withdrawQuote", "QUOTED"))


@entry("placeOrder", MUTATION, RECIPIENT_ACTS, variant="quote", note="An approved quote, by the person only.")
async def _place_quoted_order(sc: Scene, side: str) -> Call:
    quote = await sc.quote(side, "APPROVED")
    return Call(f"mutation($q: ID!, $k: String!) {{ placeOrder(quoteId: $q, idempotencyKey: $k) "
                f"{{ order {{ id }} {ERR} }} }}", {"q": gid("Quote", quote.id), "k": key()})


# == notifications ==========================================================================
# An account's own notifications: nobody else's, whatever their role.
OWN_ACCOUNT = expect("NOT_FOUND", recipient="ok")


entry("notifications", QUERY, expect("hidden", anonymous="UNAUTHENTICATED", recipient="ok"), ids=edges)(
    page_of("notifications", "Notification", lambda sc, side: sc.notification(side)))


@entry("unreadNotificationCount", QUERY, SIGNED_IN)
async def _unread(sc: Scene, side: str) -> Call:
    return Call("{ unreadNotificationCount }")


entry("notification", QUERY, OWN_ACCOUNT)(one_of("notification", "Notification", lambda sc, side: sc.notification(side),
                                                 "id"))


@entry("markNotificationsRead", MUTATION, OWN_ACCOUNT)
async def _mark_read(sc: Scene, side: str) -> Call:
    note = await sc.notification(side)
    return Call(f"mutation($ids: [ID!]) {{ markNotificationsRead(ids: $ids) {{ updatedCount {ERR} }} }}",
                {"ids": [gid("Notification", note.id)]})


@entry("notifications", SUBSCRIPTION, expect("hidden", anonymous="UNAUTHENTICATED", recipient="ok"), variant="live",
       note="Live: only the account's own notifications arrive (run through the schema, token in connection_init).")
async def _live(sc: Scene, side: str) -> Call:
    marker = await sc.notification(side)
    note = await sc.notification(side)
    return Call("subscription($after: ID) { notifications(after: $after) { id } }",
                {"after": gid("Notification", marker.id)}, target=gid("Notification", note.id))


# == auditTrail: every subject type ====================================================
#: The subject type each auditTrail entry reads the trail of (every type of marketplace/trail.py::VISIBILITY).
AUDIT_SUBJECTS: dict[str, str] = {"auditTrail": "Order", "auditTrail/provider": "Provider",
                                  "auditTrail/publishedListing": "Listing"}


def _audit_entry(variant: str, outcomes: dict[str, str], note: str = "", *, subject: str | None = None
                 ) -> Callable[[Any], Any]:
    AUDIT_SUBJECTS[f"auditTrail/{variant}"] = subject or variant
    return entry("auditTrail", QUERY, outcomes, variant=variant, note=note)


_audit_entry("CompensationClaim", PARTIES)(trail_of("CompensationClaim", lambda sc, side: sc.claim(side)))
_audit_entry("Entitlement", PERSON_DATA)(trail_of("Entitlement", side_has("entitlement")))
_audit_entry("Person", PERSON_DATA)(trail_of("Person", side_has("person")))


@_audit_entry("DisabilityRecord", PERSON_DATA)
async def _audit_record(sc: Scene, side: str) -> Call:
    from tests import factories as f

    async with sc.db.transaction() as s:
        record = await f.disability_record(s, sc.sides[side].person)
    return Call(AUDIT_TRAIL, {"id": gid("DisabilityRecord", record.id)})


_audit_entry("DraftListing", expect("NOT_FOUND", provider="ok", officer="ok", admin="ok"), subject="Listing")(
    trail_of("Listing", lambda sc, side: sc.listing(side, ListingStatus.DRAFT)))
_audit_entry("Application", APPLICATION_PARTIES)(trail_of("Application", lambda sc, side: sc.application(side)))
_audit_entry("Trip", PARTIES)(trail_of("Trip", lambda sc, side: sc.trip(side)))
_audit_entry("Vehicle", expect("NOT_FOUND", provider="ok", officer="ok", admin="ok"),
             note="A provider's vehicle: the provider, the officers of the regions it serves, the admin.")(
    trail_of("Vehicle", side_has("vehicle")))

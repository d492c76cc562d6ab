"""How many orders per second, with many recipients ordering at once, and is any balance overspent?

    .venv/bin/python -m bench.place_order --database-url postgresql+asyncpg://.../tirek   # data of `tirek generate`
    .venv/bin/python -m bench.place_order --database postgresql --scale 0.01              # a throwaway data set

``--concurrency`` clients (50 by default) each sign in as a generated
recipient and place orders of one unit against their own IRP line (a service
bought by the hour, day or trip, from a published listing of a verified
provider serving their region, with no tracked stock; lines with room for the
whole run where the data has them, such as an assistant's hours), one after
the other, until the request count or the time limit: every tenth request
repeats the previous idempotency key (a retried click), which must return the
same order. First, a quarter of the clients race in pairs for the last units
of a line with little left (a recipient ordering in two tabs); once it is
refused as spent, each goes on with its own line.

Phases against one API process (``bench._server``) on loopback, loaded from
this process: (a) baseline ``{ __typename }`` signed in, the same clients;
(b) ``placeOrder``. Then the database is checked with SQL: no entitlement has
``reserved + consumed > quantity``, each one's ``reserved`` equals its open
orders and ``consumed`` its confirmed ones, every order the clients were told
about exists once, and no other order was written.

Prints orders placed per second, refusals by code, p50/p95/p99, ratio to the
baseline, SQL statements per request inside the API process, peak RSS.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter
from typing import Any

from bench.harness import GraphQLError, LightHTTP, PhaseResult, Resources, command_line, counter_line, graphql
from bench.harness import main_wrapper, prepare_database, print_report, run_clients, serve_and_measure, token_for

PLACE_DOCUMENT = """
mutation Place($listing: ID!, $entitlement: ID!, $quantity: Decimal!, $key: String!) {
  placeOrder(listingId: $listing, entitlementId: $entitlement, quantity: $quantity, idempotencyKey: $key) {
    order { id status quantity stateShare coPayment }
    errors { field code message }
  }
}
"""
TRIVIAL_DOCUMENT = "{ __typename }"


async def pick_lines(url: str, count: int, seed: int, shared: int = 0, big: int = 200) -> list[dict[str, Any]]:
    """IRP lines that can be ordered from today, with a listing each: (account, entitlement, listing, balance).

    The first ``shared`` have the least left (two clients race for them); the others, if the data
    has enough of them, at least ``big`` units (a whole run of orders fits)."""
    from sqlalchemy import and_, func, or_, select

    from marketplace.accounts.models import Account, Person, Role
    from marketplace.catalog.models import ClassifierItem, ItemKind, Listing, ListingRegion, ListingStatus, Provider
    from marketplace.catalog.models import ProviderRegion, VerificationStatus
    from marketplace.db import Database
    from marketplace.clock import today
    from marketplace.records.models import DisabilityRecord, Entitlement, EntitlementStatus, RecordStatus

    day = today()
    db = Database(url)
    rng = random.Random(seed)
    try:
        async with db.session() as s:
            top = int((await s.execute(select(func.max(Entitlement.id)))).scalar_one())
            chosen: list[dict[str, Any]] = []
            used_people: set[int] = set()
            for _ in range(60):
                ids = sorted({rng.randint(1, top) for _ in range(4000)})
                rows = (await s.execute(
                    select(Entitlement, Account.id, Person.region_id)
                    .join(ClassifierItem, ClassifierItem.id == Entitlement.classifier_item_id)
                    .join(Person, Person.id == Entitlement.person_id)
                    # The account that acts for the person: their own, or their representative's.
                    .join(Account, and_(Account.role == Role.RECIPIENT, or_(
                        Account.person_id == Person.id, Account.person_id == Person.legal_representative_id)))
                    .join(DisabilityRecord, and_(
                        DisabilityRecord.person_id == Person.id, DisabilityRecord.status == RecordStatus.ACTIVE,
                        DisabilityRecord.valid_from <= day,
                        or_(DisabilityRecord.valid_until.is_(None), DisabilityRecord.valid_until >= day)))
                    .where(Entitlement.id.in_(ids), Entitlement.status == EntitlementStatus.ACTIVE,
                           Entitlement.valid_from <= day, Entitlement.valid_until >= day,
                           Entitlement.quarterly_release.is_(None), ClassifierItem.kind == ItemKind.SERVICE,
                           ClassifierItem.price_cap.is_not(None),
                           ClassifierItem.unit.in_(["HOUR", "DAY", "TRIP"]))
                )).all()
                for ent, account_id, region_id in rows:
                    if ent.person_id in used_people or ent.balance < 4:
                        continue
                    listing = (await s.execute(
                        select(Listing.id)
                        .join(Provider, Provider.id == Listing.provider_id)
                        .join(ListingRegion, and_(ListingRegion.listing_id == Listing.id,
                                                  ListingRegion.region_id == region_id))
                        .join(ProviderRegion, and_(ProviderRegion.provider_id == Listing.provider_id,
                                                   ProviderRegion.region_id == region_id))
                        .where(Listing.classifier_item_id == ent.classifier_item_id,
                               Listing.status == ListingStatus.PUBLISHED, Listing.stock.is_(None),
                               Provider.verification_status == VerificationStatus.VERIFIED)
                        .order_by(Listing.id).limit(1)
                    )).scalar_one_or_none()
                    if listing is None:
                        continue
                    used_people.add(ent.person_id)
                    chosen.append({"account": account_id, "entitlement": ent.id, "listing": listing,
                                   "balance": ent.balance, "reserved": ent.reserved, "consumed": ent.consumed})
                if sum(1 for c in chosen if c["balance"] >= big) >= count - shared and len(chosen) >= count:
                    break
    finally:
        await db.dispose()
    if not chosen:
        raise SystemExit("no orderable IRP line found in the data")
    # Lines with room for a whole run (an assistant's hours), and the `shared` ones with the least left.
    chosen.sort(key=lambda c: c["balance"])
    small, rest = chosen[:shared], chosen[shared:]
    roomy = sorted(rest, key=lambda c: -c["balance"])[:count - len(small)]
    return small + roomy


async def check_database(url: str, run_tag: str, lines: list[dict[str, Any]], told: dict[str, str]) -> dict[str, int]:
    """SQL checks after the load: every count must be 0."""
    from sqlalchemy import text

    from marketplace.db import Database
    from marketplace.demo.synthetic.verification import VERIFY_QUERIES

    db = Database(url)
    out: dict[str, int] = {}
    try:
        async with db.session() as s:
            for name in ("entitlement balances differ from their orders", "entitlements overspent"):
                out[name] = int((await s.execute(text(VERIFY_QUERIES[name]))).scalar_one())
            rows = (await s.execute(text(
                "SELECT idempotency_key, id FROM orders WHERE idempotency_key LIKE :tag"), {"tag": f"{run_tag}-%"})).all()
            written = {key: str(oid) for key, oid in rows}
            ent_ids = ",".join(str(line["entitlement"]) for line in lines)
            under = (await s.execute(text(
                f"SELECT count(*) FROM entitlements WHERE id IN ({ent_ids}) AND reserved + consumed > quantity"
            ))).scalar_one()
    finally:
        await db.dispose()
    from schema.core.ids import parse_global_id

    told_ids = {key: str(parse_global_id(gid)[1]) for key, gid in told.items()}
    out["orders written that no client was told about"] = len(set(written) - set(told_ids))
    out["orders a client was told about that are missing"] = len(set(told_ids) - set(written))
    out["orders whose id differs from the one returned"] = sum(
        1 for k in set(written) & set(told_ids) if written[k] != told_ids[k])
    out["benchmark IRP lines overspent"] = int(under)
    return out


async def run(args: argparse.Namespace, res: Resources) -> None:
    print(f"tirek placeOrder benchmark: {args.concurrency} clients, at most {args.requests:,} requests or "
          f"{args.time_limit:.0f}s per phase")
    url = await prepare_database(args, res)
    shared = args.concurrency // 8  # small lines, each raced for by two clients
    t0 = time.perf_counter()
    lines = await pick_lines(url, args.concurrency + shared, args.seed, shared)
    print(f"{len(lines)} IRP lines picked in {time.perf_counter() - t0:.1f}s")
    run_tag = f"bench-{int(time.time())}"
    outcomes: Counter[str] = Counter()
    told: dict[str, str] = {}  # idempotency key -> order id returned

    async def phases(httpx_client: Any, secret: str, cpu_sample: Any) -> dict[str, PhaseResult]:
        from schema.core.ids import to_global_id

        # The load itself goes through a lighter HTTP/1.1 client (keep-alive, every answer checked).
        http = LightHTTP(httpx_client.base_url.host, httpx_client.base_url.port)

        tokens = {line["account"]: token_for(secret, line["account"]) for line in lines}
        # Client c orders from its own roomy line; clients 0..2*shared-1 first race in pairs for a small one.
        small, roomy = lines[:shared], lines[shared:]
        clients_lines = [roomy[c % len(roomy)] for c in range(args.concurrency)]
        first_lines = {c: small[c // 2] for c in range(min(2 * shared, args.concurrency)) if c // 2 < len(small)}

        def trivial(c: int) -> Any:
            token = tokens[clients_lines[c]["account"]]

            async def call(n: int) -> None:
                await graphql(http, "trivial", TRIVIAL_DOCUMENT, token=token)
            return call

        def variables_of(line: dict[str, Any], quantity: int = 1) -> tuple[str, dict[str, Any]]:
            return tokens[line["account"]], {
                "listing": to_global_id("Listing", line["listing"]),
                "entitlement": to_global_id("Entitlement", line["entitlement"]), "quantity": str(quantity)}

        def orderer(c: int, tag: str) -> Any:
            if c in first_lines:  # a sixth of what is left per order: spent within a few rounds
                current = [variables_of(first_lines[c], max(1, int(first_lines[c]["balance"]) // 6))]
            else:
                current = [variables_of(clients_lines[c])]
            last_key: list[str | None] = [None]

            async def call(n: int) -> None:
                token, variables = current[0]
                retry = n % 10 == 9 and last_key[0] is not None
                key = last_key[0] if retry else f"{run_tag}-{tag}-{c}-{n}"
                payload = await graphql(http, tag, PLACE_DOCUMENT, {**variables, "key": key}, token=token)
                result = payload["data"]["placeOrder"]
                if result["errors"]:
                    code = result["errors"][0]["code"]
                    outcomes[f"refused {code}"] += 1
                    if code not in ("INSUFFICIENT_BALANCE",):
                        raise GraphQLError(f"{code}: {result['errors'][0]['message']}")
                    current[0] = variables_of(clients_lines[c])  # spent: go on with the client's own line
                    last_key[0] = None
                    return
                order_id = result["order"]["id"]
                if retry:
                    outcomes["retry answered with the same order" if told.get(key) == order_id
                             else "retry answered with ANOTHER order"] += 1
                else:
                    outcomes["placed"] += 1
                    told[key] = order_id
                    last_key[0] = key
            return call

        results: dict[str, PhaseResult] = {}
        if args.warmup:
            await run_clients(PhaseResult("warmup-trivial", ""), [trivial(c) for c in range(args.concurrency)],
                              requests=args.warmup, time_limit=30, cpu_sample=cpu_sample)
        print("  measuring (a) `{ __typename }` ...", flush=True)
        results["trivial"] = await run_clients(
            PhaseResult("trivial", f"(a) `{{ __typename }}` over HTTP, signed in, {args.concurrency} clients"),
            [trivial(c) for c in range(args.concurrency)], requests=args.requests, time_limit=args.time_limit,
            cpu_sample=cpu_sample)
        if args.warmup:
            await run_clients(PhaseResult("warmup-place", ""), [orderer(c, "warmup") for c in range(args.concurrency)],
                              requests=args.warmup, time_limit=30, cpu_sample=cpu_sample)
        outcomes.clear()
        print("  measuring (b) placeOrder ...", flush=True)
        results["place"] = await run_clients(
            PhaseResult("place", f"(b) placeOrder over HTTP, {args.concurrency} clients"),
            [orderer(c, "place") for c in range(args.concurrency)], requests=args.requests,
            time_limit=args.time_limit, cpu_sample=cpu_sample)
        await http.aclose()
        return results

    results, peak = await serve_and_measure(args, res, url, phases)
    place = results["place"]
    t0 = time.perf_counter()
    checks = await check_database(url, run_tag, lines, told)
    check_seconds = time.perf_counter() - t0
    placed = outcomes["placed"]
    notes = [
        (f"{len(lines)} IRP lines (services by the hour, day or trip): {shared} with little left, raced for by "
         f"two clients each (orders of a sixth of it) until spent, then every client orders 1 unit at a time "
         f"from its own line; "
         f"every 10th request repeats the previous idempotency key"),
        (f"**orders placed: {placed:,} in {place.elapsed:.1f}s = {placed / place.elapsed if place.elapsed else 0:,.1f} "
         f"orders/s**; outcomes: {counter_line(outcomes)}"),
        f"checked with SQL after the load ({check_seconds:.1f}s): " + "; ".join(f"{k}: {v}" for k, v in checks.items())
        + (" — **all hold**" if not any(checks.values()) else " — **VIOLATION**"),
    ]
    print_report("placeOrder benchmark", args, url, results, "trivial", peak, notes)
    if any(checks.values()):
        raise SystemExit(2)


def main(argv: list[str] | None = None) -> int:
    parser = command_line("place_order", __doc__, requests=5000, concurrency=50)
    args = parser.parse_args(argv)
    if args.concurrency < 2:
        parser.error("--concurrency must be at least 2")
    return main_wrapper(run, args)


if __name__ == "__main__":
    sys.exit(main())


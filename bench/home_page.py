"""How fast is a recipient's home page? ``me``, entitlements with balances, the last orders.

    .venv/bin/python -m bench.home_page --database-url postgresql+asyncpg://.../tirek   # data of `tirek generate`
    .venv/bin/python -m bench.home_page --database postgresql --scale 0.01              # a throwaway data set

Phases, one after the other against one API process (``bench._server``) on
loopback, loaded from this process by closed-loop clients (``--concurrency``),
each bounded by ``--requests`` and ``--time-limit``; every request signs in as
one of ``--recipients`` generated recipients, drawn at random:

(a) baseline: ``{ __typename }`` with the same bearer token (HTTP, auth, GraphQL);
(b) the same reads straight from the database, in this process: the services
    ``my_entitlements`` and ``list_orders`` and the rows the page shows, no HTTP
    or GraphQL;
(c) the home page query over HTTP.

Prints p50/p95/p99, requests per second, ratios to (a) and (b), SQL statements
per request counted inside the API process, and the API process's peak RSS.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from typing import Any

from bench.harness import GraphQLError, PhaseResult, Resources, command_line, graphql, main_wrapper, prepare_database
from bench.harness import print_report, ratio_note, run_phases, serve_and_measure, token_for

HOME_DOCUMENT = """
query Home {
  me { id username displayName role person { id fullName region { name } } representedPersons { id fullName } }
  myEntitlements {
    id quantity reserved consumed balance validUntil quarterlyRelease
    classifierItem { code name unit priceCap }
  }
  orders(first: 5) {
    edges { node { id status placedAt quantity stateShare coPayment listing { id title } provider { id name } } }
  }
}
"""
TRIVIAL_DOCUMENT = "{ __typename }"


async def sample_recipients(url: str, count: int, seed: int) -> list[tuple[int, Any]]:
    """(account id, Viewer) of ``count`` recipients drawn at random among those with an IRP."""
    from sqlalchemy import func, select

    from marketplace.accounts.models import Account, Role
    from marketplace.accounts.services import viewer_for_account
    from marketplace.db import Database

    rng = random.Random(seed)
    db = Database(url)
    try:
        async with db.session() as s:
            top = int((await s.execute(select(func.max(Account.id)).where(Account.role == Role.RECIPIENT))).scalar_one())
            out: list[tuple[int, Any]] = []
            tries = 0
            while len(out) < count and tries < 50:
                tries += 1
                ids = sorted({rng.randint(1, top) for _ in range(count * 2)})
                rows = (await s.execute(select(Account).where(Account.id.in_(ids), Account.role == Role.RECIPIENT))).scalars()
                for account in rows:
                    viewer = await viewer_for_account(s, account)
                    out.append((account.id, viewer))
                    if len(out) >= count:
                        break
    finally:
        await db.dispose()
    rng.shuffle(out)
    return out


def direct_reads(db: Any) -> Any:
    """The home page's reads through the services, without HTTP or GraphQL."""
    from sqlalchemy import select

    from marketplace.accounts.models import Account, Person
    from marketplace.catalog.models import ClassifierItem, Listing, Provider
    from marketplace.orders.services import list_orders
    from marketplace.records.services import my_entitlements

    async def read(viewer: Any) -> int:
        async with db.session() as s:
            account = await s.get(Account, viewer.account_id)
            person = await s.get(Person, viewer.person_id)
            represented = [await s.get(Person, pid) for pid in sorted(viewer.represented_person_ids)]
            ents = await my_entitlements(s, viewer)
            orders = await list_orders(s, viewer, first=5)
            item_ids = {e.classifier_item_id for e in ents}
            items = (await s.execute(select(ClassifierItem).where(ClassifierItem.id.in_(item_ids)))).scalars().all() \
                if item_ids else []
            listing_ids = {o.listing_id for o in orders}
            provider_ids = {o.provider_id for o in orders}
            listings = (await s.execute(select(Listing).where(Listing.id.in_(listing_ids)))).scalars().all() \
                if listing_ids else []
            providers = (await s.execute(select(Provider).where(Provider.id.in_(provider_ids)))).scalars().all() \
                if provider_ids else []
            assert account is not None and person is not None
            return len(ents) + len(orders) + len(items) + len(listings) + len(providers) + len(represented)

    return read


async def run(args: argparse.Namespace, res: Resources) -> None:
    from marketplace.db import Database

    print(f"tirek home page benchmark: {args.requests:,} requests per phase, {args.concurrency} clients, "
          f"time limit {args.time_limit:.0f}s per phase")
    url = await prepare_database(args, res)
    t0 = time.perf_counter()
    recipients = await sample_recipients(url, args.recipients, args.seed)
    print(f"{len(recipients):,} recipients sampled in {time.perf_counter() - t0:.1f}s")
    db = Database(url, pool_size=args.concurrency, max_overflow=0) if not url.startswith("sqlite") else Database(url)
    read = direct_reads(db)
    sizes: list[int] = []

    async def phases(http: Any, secret: str, cpu_sample: Any) -> dict[str, PhaseResult]:
        tokens = [token_for(secret, account_id) for account_id, _ in recipients]
        viewers = [viewer for _, viewer in recipients]
        rng = random.Random(args.seed + 1)
        picks = [rng.randrange(len(recipients)) for _ in range(args.requests + args.warmup + 1000)]

        def client_for(kind: str, tag: str, offset: int) -> Any:
            async def call(n: int) -> None:
                k = picks[(offset + n * args.concurrency) % len(picks)]
                if kind == "direct":
                    sizes.append(await read(viewers[k]))
                    return
                payload = await graphql(http, tag, TRIVIAL_DOCUMENT if kind == "trivial" else HOME_DOCUMENT,
                                        token=tokens[k])
                if kind == "home" and payload["data"]["me"] is None:
                    raise GraphQLError("not signed in")
            return call

        return await run_phases(args, (("trivial", "(a) `{ __typename }` over HTTP, signed in"),
            ("direct", "(b) the same reads through the services, no HTTP/GraphQL"),
            ("home", "(c) home page query over HTTP")), client_for, cpu_sample, warmup_seed=7919)

    results, peak = await serve_and_measure(args, res, url, phases, dispose=db)
    home, direct = results["home"], results["direct"]
    notes = [(f"{len(recipients):,} recipients drawn at random; each page shows on average "
              f"{sum(sizes) / max(1, len(sizes)):.1f} rows (entitlements, orders and what they show)")]
    notes += ratio_note("home page over HTTP / the same reads without HTTP and GraphQL", home, direct)
    print_report("Recipient home page benchmark", args, url, results, "trivial", peak, notes)


def main(argv: list[str] | None = None) -> int:
    parser = command_line("home_page", __doc__, requests=3000, concurrency=8)
    parser.add_argument("--recipients", type=int, default=2000, help="recipients to sign in as")
    return main_wrapper(run, parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

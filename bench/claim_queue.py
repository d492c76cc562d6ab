"""How fast is an officer's claim queue? ``claims`` (submitted, soonest due first), next pages, overdue ones.

    .venv/bin/python -m bench.claim_queue --database-url postgresql+asyncpg://.../tirek   # data of `tirek generate`
    .venv/bin/python -m bench.claim_queue --database postgresql --scale 0.01              # a throwaway data set

The generated officers (one per region, ``officer-<region>``) open their
queue: the first page of SUBMITTED claims (70% of requests), the next page
after the one they saw last (15%), or the overdue ones (15%); 20 claims a
page, each with its provider, recipient, item, amounts and due date.

Phases against one API process (``bench._server``) on loopback, loaded from
this process by closed-loop clients: (a) baseline ``{ __typename }`` signed in
as an officer; (b) the same queue pages straight from the database through the
service ``list_claims`` (no HTTP, no GraphQL); (c) the queue over HTTP.
Prints p50/p95/p99, requests per second, ratios, SQL statements per request
inside the API process, and the API process's peak RSS.
"""

from __future__ import annotations

import argparse
import random
import sys
from typing import Any

from bench.harness import PhaseResult, Resources, command_line, graphql, main_wrapper, prepare_database, print_report
from bench.harness import ratio_note, run_phases, serve_and_measure, token_for

QUEUE_DOCUMENT = """
query Queue($status: ClaimStatus, $overdue: Boolean!, $after: String) {
  claims(status: $status, overdueOnly: $overdue, first: 20, after: $after) {
    edges {
      node {
        id kind status amountClaimed amountApprovable dueDate isOverdue submittedAt
        provider { id name } recipient { fullName } classifierItem { code name }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
TRIVIAL_DOCUMENT = "{ __typename }"


async def officers(url: str) -> list[tuple[int, Any, int]]:
    """(account id, Viewer, SUBMITTED claims of the region) of every officer."""
    from sqlalchemy import func, select

    from marketplace.accounts.models import Account, Role
    from marketplace.accounts.services import viewer_for_account
    from marketplace.claims.models import ClaimStatus, CompensationClaim
    from marketplace.db import Database

    db = Database(url)
    try:
        async with db.session() as s:
            waiting = dict((await s.execute(
                select(CompensationClaim.region_id, func.count())
                .where(CompensationClaim.status == ClaimStatus.SUBMITTED).group_by(CompensationClaim.region_id)
            )).all())
            out = []
            for account in (await s.execute(select(Account).where(Account.role == Role.LOCAL_BODY)
                                            .order_by(Account.id))).scalars():
                out.append((account.id, await viewer_for_account(s, account), int(waiting.get(account.region_id, 0))))
    finally:
        await db.dispose()
    if not out:
        raise SystemExit("no officer accounts in the data")
    return out


async def run(args: argparse.Namespace, res: Resources) -> None:
    from marketplace.claims.models import ClaimStatus
    from marketplace.claims.services import claim_cursor, list_claims
    from marketplace.db import Database

    print(f"tirek claim queue benchmark: {args.requests:,} requests per phase, {args.concurrency} clients, "
          f"time limit {args.time_limit:.0f}s per phase")
    url = await prepare_database(args, res)
    staff = await officers(url)
    db = Database(url, pool_size=args.concurrency, max_overflow=0) if not url.startswith("sqlite") else Database(url)
    rng = random.Random(args.seed)
    kinds = [rng.choices(["first", "next", "overdue"], weights=[70, 15, 15])[0]
             for _ in range(args.requests + args.warmup + 1000)]
    rows_seen: list[int] = []

    async def phases(http: Any, secret: str, cpu_sample: Any) -> dict[str, PhaseResult]:
        tokens = [token_for(secret, account_id) for account_id, _, _ in staff]

        def client_for(kind: str, tag: str, c: int) -> Any:
            cursor: dict[int, Any] = {}  # officer -> the cursor after their last page

            async def call(n: int) -> None:
                k = (c + n * args.concurrency) % len(staff)
                what = kinds[(c + n * args.concurrency) % len(kinds)]
                after = cursor.get(k) if what == "next" else None
                if kind == "trivial":
                    await graphql(http, tag, TRIVIAL_DOCUMENT, token=tokens[k])
                    return
                if kind == "direct":
                    async with db.session() as s:
                        page = await list_claims(s, staff[k][1], status=None if what == "overdue" else ClaimStatus.SUBMITTED,
                                                 overdue_only=what == "overdue", first=20, after=after)
                    rows_seen.append(len(page))
                    cursor[k] = claim_cursor(page[min(len(page), 20) - 1]) if page else None
                    return
                from schema.core.pagination import encode_cursor

                variables = {"status": None if what == "overdue" else "SUBMITTED", "overdue": what == "overdue",
                             "after": encode_cursor(after) if after else None}
                payload = await graphql(http, tag, QUEUE_DOCUMENT, variables, token=tokens[k])
                found = payload["data"]["claims"]
                if what != "overdue":
                    cursor[k] = _decode(found["pageInfo"]["endCursor"]) if found["pageInfo"]["hasNextPage"] else None
            return call

        return await run_phases(args, (("trivial", "(a) `{ __typename }` over HTTP, signed in as an officer"),
            ("direct", "(b) the same pages through the service, no HTTP/GraphQL"),
            ("queue", "(c) claim queue over HTTP")), client_for, cpu_sample, warmup_seed=7)

    results, peak = await serve_and_measure(args, res, url, phases, dispose=db)
    queue, direct = results["queue"], results["direct"]
    waiting = sorted(n for _, _, n in staff)
    notes = [(f"{len(staff)} officers; SUBMITTED claims per region: {waiting[0]:,} to {waiting[-1]:,}; "
              "70% first page, 15% next page, 15% overdue")]
    notes += ratio_note("queue over HTTP / the same pages without HTTP and GraphQL", queue, direct)
    print_report("Officer's claim queue benchmark", args, url, results, "trivial", peak, notes)


def _decode(cursor: str | None) -> Any:
    from schema.core.pagination import decode_cursor

    return decode_cursor(cursor) if cursor else None


def main(argv: list[str] | None = None) -> int:
    return main_wrapper(run, command_line("claim_queue", __doc__, requests=3000, concurrency=8).parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())

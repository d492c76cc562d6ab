"""Does search find what people mean? recall@10 and MRR over ``tests/search/relevance_queries.csv``.

    .venv/bin/python -m bench.relevance              # Meilisearch and the database fallback
    .venv/bin/python -m bench.relevance --misses     # ... and every query that misses a code

The relevance set holds realistic queries in Kazakh, Russian and English (what a person types:
everyday words, inflected forms, typos, several words) with the classifier codes each should
find. The catalogue is the national classifier of the demo (``marketplace.demo.data.CLASSIFIER``)
with two listings per item from two providers, titled and described as the demo writes them
(``marketplace.demo.listing_texts``, a fixed seed), on a fresh SQLite database and a
Meilisearch of its own (both removed at the end).

For each query the first ``K`` hits (listings) are read and mapped to their classifier codes:

* recall@K — the share of the query's codes among the codes of those hits, averaged over queries;
* MRR — the mean of 1 / the position of the first hit with one of the query's codes (0 if none);
* empty — how many queries got no hit at all.

``tests/search/test_relevance.py`` runs the same evaluation and holds a floor under the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import random
import shutil
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Final

PROJECT_ROOT: Final = Path(__file__).resolve().parents[1]
QUERIES_CSV: Final = PROJECT_ROOT / "tests" / "search" / "relevance_queries.csv"
K: Final = 10
PROVIDERS: Final = ('ТОО "Денсаулық Медтехника"', 'ТОО "Qamqor Service"')
SEED: Final = 20261201


@dataclass(frozen=True)
class RelevanceCase:
    query: str
    language: str
    codes: frozenset[str]


def load_cases(path: Path = QUERIES_CSV) -> list[RelevanceCase]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            RelevanceCase(row["query"].strip(), row["language"].strip(), frozenset(row["codes"].split()))
            for row in csv.DictReader(handle)
        ]


@dataclass
class CaseResult:
    case: RelevanceCase
    codes: list[str]  # the codes of the first K hits, in order

    @property
    def recall(self) -> float:
        return len(self.case.codes & set(self.codes)) / len(self.case.codes)

    @property
    def reciprocal_rank(self) -> float:
        return next((1 / n for n, code in enumerate(self.codes, 1) if code in self.case.codes), 0.0)


@dataclass
class RelevanceReport:
    backend: str
    results: list[CaseResult] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return sum(r.recall for r in self.results) / max(1, len(self.results))

    @property
    def mrr(self) -> float:
        return sum(r.reciprocal_rank for r in self.results) / max(1, len(self.results))

    @property
    def empty(self) -> int:
        return sum(1 for r in self.results if not r.codes)

    def by_language(self) -> dict[str, RelevanceReport]:
        out: dict[str, RelevanceReport] = {}
        for r in self.results:
            out.setdefault(r.case.language, RelevanceReport(self.backend)).results.append(r)
        return out

    def misses(self) -> list[CaseResult]:
        return [r for r in self.results if r.recall < 1]


async def build_relevance_catalogue(db: Any) -> dict[str, int]:
    """The demo's classifier with two listings per item; returns listing id -> code as {str(id): code}."""
    from marketplace.accounts.models import Region
    from marketplace.catalog.models import ClassifierItem, ItemCategory, ItemKind, Listing, ListingRegion, ListingStatus
    from marketplace.catalog.models import Provider, ProviderRegion, Unit, VerificationStatus
    from marketplace.demo import data
    from marketplace.demo.listing_texts import listing_texts
    from marketplace.identifiers import make_bin

    rng = random.Random(SEED)
    codes: dict[str, int] = {}
    async with db.transaction() as s:
        region = Region(code="REL", name_kk="Астана", name_ru="Астана", name_en="Astana")
        s.add(region)
        await s.flush()
        providers = []
        for n, name in enumerate(PROVIDERS, 1):
            provider = Provider(bin=make_bin(2016, n, 900 + n), name=name,
                                verification_status=VerificationStatus.VERIFIED)
            s.add(provider)
            await s.flush()
            s.add(ProviderRegion(provider_id=provider.id, region_id=region.id))
            providers.append(provider)
        for entry in data.CLASSIFIER:
            cap = entry.price_cap
            item = ClassifierItem(
                code=entry.code, name_kk=entry.name_kk, name_ru=entry.name_ru, name_en=entry.name_en,
                kind=ItemKind(entry.kind), unit=Unit(entry.unit), category=ItemCategory(entry.category),
                price_cap=Decimal(cap) if cap is not None else None,
            )
            s.add(item)
            await s.flush()
            for provider in providers:
                texts = listing_texts(entry, provider.name, rng)
                listing = Listing(
                    provider_id=provider.id, classifier_item_id=item.id, title_kk=texts["title_kk"],
                    title_ru=texts["title_ru"], title_en=texts["title_en"], description_kk=texts["description_kk"],
                    description_ru=texts["description_ru"], description_en=texts["description_en"],
                    unit_price=Decimal(cap) if cap is not None else Decimal("2500000"), delivery_options=["PICKUP"],
                    lead_time_days=7, attributes=texts["attributes"], status=ListingStatus.PUBLISHED,
                )
                s.add(listing)
                await s.flush()
                s.add(ListingRegion(listing_id=listing.id, region_id=region.id))
                codes[str(listing.id)] = entry.code
    return codes


async def evaluate(searcher: Any, cases: Sequence[RelevanceCase], codes_of: dict[str, int] | dict[str, str],
                   backend: str) -> RelevanceReport:
    from search.contract import ListingFilter

    report = RelevanceReport(backend)
    for case in cases:
        result = await searcher.search(case.query, ListingFilter(), None, K, 0)
        report.results.append(CaseResult(case, [str(codes_of[str(i)]) for i in result.ids[:K]]))
    return report


def print_report(reports: Sequence[RelevanceReport], cases: Sequence[RelevanceCase], *, misses: bool) -> None:
    languages = sorted({c.language for c in cases})
    print(f"## Search relevance: {len(cases)} queries ({', '.join(f'{l} {sum(c.language == l for c in cases)}' for l in languages)})")
    print()
    print(f"| backend | recall@{K} | MRR | queries with no hit | " + " | ".join(f"recall@{K} {l}" for l in languages) + " |")
    print("|---|---:|---:|---:|" + "---:|" * len(languages))
    for report in reports:
        per = report.by_language()
        cells = " | ".join(f"{per[l].recall:.1%}" if l in per else "—" for l in languages)
        print(f"| {report.backend} | {report.recall:.1%} | {report.mrr:.3f} | {report.empty} | {cells} |")
    if misses:
        for report in reports:
            print(f"\n### Misses ({report.backend})\n")
            for r in report.misses():
                found = " ".join(r.codes) or "nothing"
                print(f"- {r.case.query!r} wants {' '.join(sorted(r.case.codes))}; first {K}: {found}")


async def run(args: argparse.Namespace) -> int:
    from marketplace.db import Database
    from marketplace.migrate import upgrade
    from search.client import make_client
    from search.fallback import DatabaseListingSearch
    from search.indexer import reindex
    from search.meili import MeilisearchListingSearch
    from search.server import MeilisearchProcess, find_or_install_binary

    cases = load_cases(Path(args.queries))
    tmp = Path(tempfile.mkdtemp(prefix="tirek-relevance-"))
    meili = None
    try:
        url = f"sqlite+aiosqlite:///{tmp / 'relevance.sqlite3'}"
        await upgrade(url)
        db = Database(url)
        try:
            codes_of = await build_relevance_catalogue(db)
            reports = []
            if not args.database_only:
                meili = await asyncio.to_thread(
                    lambda: MeilisearchProcess(binary=find_or_install_binary(PROJECT_ROOT / "var"),
                                               data_dir=tmp / "meilisearch").start()
                )
                client = make_client(meili.url, meili.master_key)
                try:
                    await reindex(db, client, "relevance", progress=False)
                    reports.append(await evaluate(MeilisearchListingSearch(client, "relevance"), cases, codes_of,
                                                  "meilisearch"))
                finally:
                    await client.aclose()
            reports.append(await evaluate(DatabaseListingSearch(db), cases, codes_of, "database"))
        finally:
            await db.dispose()
        print_report(reports, cases, misses=args.misses)
    finally:
        if meili is not None:
            meili.stop(cleanup=True)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.relevance", description=__doc__.split("\n\n")[0])
    parser.add_argument("--queries", default=str(QUERIES_CSV), help="the relevance set (CSV: query,language,codes)")
    parser.add_argument("--misses", action="store_true", help="list every query that misses one of its codes")
    parser.add_argument("--database-only", action="store_true", help="the database fallback only (no Meilisearch)")
    return asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())

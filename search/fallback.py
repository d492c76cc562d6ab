"""``DatabaseListingSearch``: searchListings answered by SQL, for when Meilisearch is not there.

Same documents, same filters, same facets, same orders as the index:

* the searched set is the indexable listings (``search.documents.indexable_clause``);
* every word of the query (stop words aside) must occur in the listing's text —
  titles, descriptions, classifier code and names, provider name, attribute
  values — as its stem (``search.wording``: "сурдопереводчика" is found as
  "сурдопереводчик", "арбалар" as "арба"), or be one of the everyday words of
  the listing's classifier item or category (``search.vocabulary``); a word or
  phrase from ``search.settings.SYNONYM_GROUPS`` (matched by its stems)
  matches any member of its group, so "wheelchair" finds "Кресло-коляска" here too;
* when all the words together find nothing, the listings matching most of
  them, as Meilisearch does (never for a query with a code in it);
* facet counts come from one ``GROUP BY`` query over the hits.

No typo tolerance and no ranking beyond "most words, then title matches first": it is a fallback.

Case folding. SQLite's ``lower()`` folds ASCII only, and PostgreSQL's
depends on the database's LC_CTYPE (with ``C`` it is ASCII only as well), so
neither can be trusted with Cyrillic or Kazakh letters. Both sides therefore
fold with one explicit table (``FOLD_TABLE``: Latin, Greek and Cyrillic
capitals including Ә Ғ Қ Ң Ө Ұ Ү Һ І to small letters, ё to е, dashes to
spaces): Python applies it to the query; PostgreSQL applies the very same
table with ``translate()``; on SQLite a Python function ``tirek_fold`` is
registered on the connection. No migration, no extra column, the same result
on both databases.
"""

from __future__ import annotations

import json
import sqlite3
from functools import lru_cache
from typing import Any, Final

from sqlalchemy import ColumnElement, String, Text, and_, case, cast, Float, exists, func, literal, null, or_, select
from sqlalchemy import CTE, Select, true, union_all
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import KeyedColumnElement

from marketplace.catalog.models import ClassifierItem, ItemCategory, Listing, ListingRegion, Provider, ProviderRegion
from marketplace.catalog.models import VerificationStatus
from search.documents import flatten_attributes, indexable_clause
from search.contract import CleanListingSearch, ListingFilter, ListingSort, Page, SearchResult
from search.settings import FACETS, SYNONYM_GROUPS
from search.vocabulary import everyday_codes
from search.wording import FOLD_FROM, FOLD_TABLE, FOLD_TO, STOP_WORDS, fold, has_code, kazakh_stem, looks_kazakh, stem
from search.wording import tokens

MAX_CLAUSES: Final = 16


# -- folding (search.wording) ------------------------------------------------------------
def _sqlite_fold(value: Any) -> str | None:
    return None if value is None else fold(str(value))


def _sqlite_attributes(value: Any) -> str:
    if value is None:
        return ""
    try:
        data = json.loads(value) if isinstance(value, (str, bytes)) else value
    except ValueError:
        return fold(str(value))
    return fold(flatten_attributes(data))


# -- the query: clauses of alternatives ---------------------------------------------------
def _meaningful(words: list[str]) -> list[str]:
    return [w for w in words if w not in STOP_WORDS] or words


def _key(words: list[str]) -> tuple[str, ...]:
    return tuple(stem(w) for w in _meaningful(words))


@lru_cache(maxsize=1)
def _synonym_phrases() -> tuple[dict[tuple[str, ...], tuple[str, ...]], int]:
    """Synonym phrases keyed by their stems, so "слуховые аппараты" finds "слуховой аппарат"'s group."""
    phrases: dict[tuple[str, ...], tuple[str, ...]] = {}
    for group in SYNONYM_GROUPS:
        alternatives = tuple(dict.fromkeys(" ".join(tokens(term)) for term in group if tokens(term)))
        for alternative in alternatives:
            key = _key(alternative.split())
            merged = phrases.get(key, ())
            phrases[key] = tuple(dict.fromkeys(merged + alternatives))
    longest = max((len(k) for k in phrases), default=1)
    return phrases, longest


def query_clauses(text: str) -> list[tuple[str, ...]]:
    """The query as clauses that must all match; each clause matches if any alternative does.

    Words are folded and stop words dropped (unless nothing else is left); a run of words
    whose stems are those of a synonym phrase becomes one clause holding every member of its
    group ("слуховые аппараты" → the group of "слуховой аппарат", "hearing aid", ...).
    """
    words = _meaningful(tokens(text))
    stems = [stem(w) for w in words]
    phrases, longest = _synonym_phrases()
    clauses: list[tuple[str, ...]] = []
    i = 0
    while i < len(words):
        for length in range(min(longest, len(words) - i), 0, -1):
            key = tuple(stems[i : i + length])
            if key in phrases:
                clause = phrases[key]
                i += length
                break
        else:
            clause = (words[i],)
            i += 1
        if clause not in clauses:
            clauses.append(clause)
    return clauses[:MAX_CLAUSES]


MIN_NEEDLE: Final = 4


def needles(word: str) -> tuple[str, ...]:
    """Substrings of which one must occur in a listing's folded text for ``word`` to match there.

    The stem when it begins the word and is long enough to mean something ("сурдопереводчика"
    → "сурдопереводчик", "арбалар" → "арба"), else the word itself; a Kazakh stem whose last
    consonant changed ("жөргегі" → "жөргек") is looked for beside the word.
    """
    candidates = [stem(word)]
    if looks_kazakh(word):
        candidates.append(kazakh_stem(word))
    prefixes = [c for c in candidates if len(c) >= MIN_NEEDLE and word.startswith(c)]
    if prefixes:
        return (min(prefixes, key=len),)
    others = [c for c in candidates if len(c) >= MIN_NEEDLE and c != word]
    return tuple(dict.fromkeys([word, *others]))


# -- SQL pieces ------------------------------------------------------------------------
class _Dialect:
    def __init__(self, name: str) -> None:
        self.name = name
        self.sqlite = name == "sqlite"
        # "AS MATERIALIZED": PostgreSQL 12+, SQLite 3.35+.
        self.materialized_cte = not self.sqlite or sqlite3.sqlite_version_info >= (3, 35)

    def fold(self, expr: ColumnElement[Any]) -> ColumnElement[str]:
        if self.sqlite:
            return func.tirek_fold(expr, type_=String)
        return func.translate(expr, literal(FOLD_FROM, String), literal(FOLD_TO, String), type_=String)

    def attributes_text(self) -> ColumnElement[str]:
        if self.sqlite:
            return func.tirek_attributes(Listing.attributes, type_=String)
        # jsonb renders non-ASCII characters as they are (json keeps the \\u escapes
        # the writer may have used); keys match too, which only widens the fallback.
        return self.fold(cast(cast(Listing.attributes, postgresql.JSONB), Text))

    def contains(self, haystack: ColumnElement[str], needle: str) -> ColumnElement[bool]:
        fn = func.instr if self.sqlite else func.strpos
        return fn(haystack, literal(needle, String)) > 0

    def listings_cte(self, columns: Select[Any], source: Any, conditions: list[ColumnElement[bool]], name: str) -> CTE:
        """``columns`` of the listings in ``source``, with their provider and classifier item, where
        ``conditions`` hold: the CTE ``name``, computed once (materialised where the database can)."""
        cte = (
            columns.select_from(source)
            .join(Provider, Provider.id == Listing.provider_id)
            .join(ClassifierItem, ClassifierItem.id == Listing.classifier_item_id)
            .where(*conditions)
            .cte(name)
        )
        return cte.prefix_with("MATERIALIZED") if self.materialized_cte else cte

    def json_elements(self, column: Any) -> Any:
        if self.sqlite:
            return func.json_each(column).table_valued("value")
        return func.json_array_elements_text(column).table_valued("value")


def _alternative(d: _Dialect, haystack: ColumnElement[str], alternative: str) -> ColumnElement[bool]:
    """Every meaningful word of ``alternative`` is in the listing's text or among the everyday
    words of its classifier item or category (search.vocabulary)."""
    words = [w for w in alternative.split() if w not in STOP_WORDS] or alternative.split()
    conditions: list[ColumnElement[bool]] = []
    for word in words:
        found = [d.contains(haystack, n) for n in needles(word)]
        codes, categories = everyday_codes(stem(word))
        if codes:
            found.append(ClassifierItem.code.in_(sorted(codes)))
        if categories:
            found.append(ClassifierItem.category.in_([ItemCategory(c) for c in sorted(categories)]))
        conditions.append(or_(*found))
    return and_(*conditions)


def _joined(*parts: ColumnElement[Any]) -> ColumnElement[str]:
    text: ColumnElement[str] = func.coalesce(parts[0], "")
    for part in parts[1:]:
        text = text + literal(" ", String) + func.coalesce(part, "")
    return text


def _rating() -> ColumnElement[Any]:
    return case(
        (Listing.rating_count > 0, cast(Listing.rating_sum, Float) / Listing.rating_count),
        else_=None,
    )


def _in_stock() -> ColumnElement[bool]:
    return or_(Listing.stock.is_(None), Listing.stock > 0)


def _bool_text(condition: ColumnElement[bool]) -> ColumnElement[str]:
    return case((condition, literal("true", String)), else_=literal("false", String))


def _served_regions(listing_id: Any, provider_id: Any) -> Any:
    """Listing regions its provider still serves (the index's ``region_ids``)."""
    return (
        select(ListingRegion.region_id)
        .join(
            ProviderRegion,
            and_(ProviderRegion.region_id == ListingRegion.region_id, ProviderRegion.provider_id == provider_id),
        )
        .where(ListingRegion.listing_id == listing_id)
    )


class DatabaseListingSearch(CleanListingSearch):
    """searchListings over SQL (SQLite or PostgreSQL), without Meilisearch."""

    backend = "database"

    def __init__(self, db: Any) -> None:
        self.db = db

    async def search_page(self, page: Page, filters: ListingFilter, sort: ListingSort | None) -> SearchResult:
        async with self.db.session() as session:
            dialect = _Dialect(session.bind.dialect.name if session.bind else self.db.dialect)
            if dialect.sqlite:
                await _register_sqlite_functions(session)
            args = (session, dialect, page.query, filters, sort, page.limit, page.offset)
            result = await self._search(*args, loose=False)
            # As Meilisearch does (search.meili): when every word together finds nothing, the
            # listings that match most of the words, unless the query names a code.
            if result.total == 0 and len(query_clauses(page.query)) > 1 and not has_code(tokens(page.query)):
                result = await self._search(*args, loose=True)
            return result

    async def _search(
        self,
        session: AsyncSession,
        d: _Dialect,
        text: str,
        filters: ListingFilter,
        sort: ListingSort | None,
        limit: int,
        offset: int,
        *,
        loose: bool,
    ) -> SearchResult:
        clauses = query_clauses(text)
        conditions: list[ColumnElement[bool]] = [indexable_clause(), *self._filter_conditions(d, filters)]
        title_hit: ColumnElement[Any] = literal(0)
        matched: ColumnElement[Any] = literal(0)
        source: Any = Listing.__table__
        if clauses:
            # The folded text is computed once per candidate row, in a
            # materialised CTE, then tested against every alternative.
            texts = d.listings_cte(
                select(
                    Listing.id.label("id"),
                    _joined(
                        d.fold(
                            _joined(
                                Listing.title_kk, Listing.title_ru, Listing.title_en,
                                ClassifierItem.code, ClassifierItem.name_kk, ClassifierItem.name_ru,
                                ClassifierItem.name_en, Provider.name,
                                Listing.description_kk, Listing.description_ru, Listing.description_en,
                            )
                        ),
                        d.attributes_text(),
                    ).label("haystack"),
                    d.fold(_joined(Listing.title_kk, Listing.title_ru, Listing.title_en)).label("titles"),
                ),
                Listing, conditions, "texts",
            )
            # Joined (a hash join), not "IN (...)" plus a correlated subquery,
            # which would scan the CTE once per row.
            source = source.join(texts, texts.c.id == Listing.id)
            matches = [or_(*[_alternative(d, texts.c.haystack, alt) for alt in clause]) for clause in clauses]
            if loose:
                conditions = [or_(*matches)]
                matched = sum((case((m, 1), else_=0) for m in matches), start=literal(0))
            else:
                conditions = matches
            title_hit = case(
                (or_(*[d.contains(texts.c.titles, n) for clause in clauses for alt in clause
                       for w in alt.split() for n in needles(w)]), 0),
                else_=1,
            )
        hits = d.listings_cte(
            select(
                Listing.id.label("id"),
                Listing.provider_id.label("provider_id"),
                Listing.unit_price.label("unit_price"),
                Listing.lead_time_days.label("lead_time_days"),
                Listing.delivery_options.label("delivery_options"),
                _rating().label("rating"),
                title_hit.label("title_hit"),
                matched.label("matched"),
                cast(ClassifierItem.code, String).label("classifier_code"),
                cast(ClassifierItem.category, String).label("category"),
                cast(ClassifierItem.kind, String).label("kind"),
                _bool_text(Provider.verification_status == VerificationStatus.VERIFIED).label("provider_verified"),
                _bool_text(_in_stock()).label("in_stock"),
            ),
            source, conditions, "hits",
        )
        # One statement: the total, the page (with positions) and every facet,
        # as (facet, value, n) rows, so the hits are computed once.
        parts: list[Any] = [
            select(literal("__total__", String), cast(null(), String), func.count()).select_from(hits)
        ]
        if limit > 0:
            order = self._order(hits, sort, bool(clauses))
            page = (
                select(hits.c.id, func.row_number().over(order_by=order).label("pos"))
                .order_by(*order)
                .limit(limit)
                .offset(offset)
                .subquery("page")
            )
            parts.append(select(literal("__page__", String), cast(page.c.id, String), page.c.pos).select_from(page))
        parts += self._facet_selects(d, hits)
        total = 0
        positioned: list[tuple[int, int]] = []
        facets: dict[str, dict[str, int]] = {}
        for facet, value, n in (await session.execute(union_all(*parts))).all():
            if facet == "__total__":
                total = int(n)
            elif facet == "__page__":
                positioned.append((int(n), int(value)))
            elif value is not None and n:
                facets.setdefault(facet, {})[str(value)] = int(n)
        ids = [listing_id for _, listing_id in sorted(positioned)]
        return SearchResult(ids=ids, total=total, facets=_complete(facets), backend=self.backend)

    @staticmethod
    def _filter_conditions(d: _Dialect, f: ListingFilter) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if f.classifier_codes:
            # Meilisearch compares filter strings case-insensitively; so does this.
            out.append(d.fold(ClassifierItem.code).in_([fold(c) for c in f.classifier_codes]))
        if f.categories:
            out.append(ClassifierItem.category.in_(list(f.categories)))
        if f.kind is not None:
            out.append(ClassifierItem.kind == f.kind)
        if f.region_ids:
            out.append(
                exists(
                    _served_regions(Listing.id, Listing.provider_id).where(
                        ListingRegion.region_id.in_(list(f.region_ids))
                    )
                )
            )
        if f.price_min is not None:
            out.append(Listing.unit_price >= f.price_min)
        if f.price_max is not None:
            out.append(Listing.unit_price <= f.price_max)
        if f.provider_verified is not None:
            verified = Provider.verification_status == VerificationStatus.VERIFIED
            out.append(verified if f.provider_verified else ~verified)
        if f.delivery_options:
            options = d.json_elements(Listing.delivery_options)
            out.append(
                exists(
                    select(literal(1))
                    .select_from(options)
                    .where(options.c.value.in_([o.value for o in f.delivery_options]))
                )
            )
        if f.in_stock is not None:
            out.append(_in_stock() if f.in_stock else and_(Listing.stock.is_not(None), Listing.stock <= 0))
        if f.min_rating is not None:
            out.append(_rating() >= float(f.min_rating))
        if f.provider_id is not None:
            out.append(Listing.provider_id == f.provider_id)
        return out

    @staticmethod
    def _order(hits: Any, sort: ListingSort | None, has_query: bool) -> list[Any]:
        c = hits.c
        if sort is ListingSort.PRICE_ASC:
            return [c.unit_price.asc(), c.id.asc()]
        if sort is ListingSort.PRICE_DESC:
            return [c.unit_price.desc(), c.id.asc()]
        if sort is ListingSort.RATING_DESC:
            return [c.rating.desc().nulls_last(), c.id.asc()]
        if sort is ListingSort.LEAD_TIME_ASC:
            return [c.lead_time_days.asc(), c.id.asc()]
        if has_query:
            return [c.matched.desc(), c.title_hit.asc(), c.id.asc()]
        return [c.id.asc()]

    @staticmethod
    def _facet_selects(d: _Dialect, hits: Any) -> list[Any]:
        c = hits.c

        def plain(name: str, column: KeyedColumnElement[Any]) -> Any:
            return select(
                literal(name, String).label("facet"), cast(column, String).label("value"), func.count().label("n")
            ).group_by(column)

        regions = (
            select(
                literal("region_ids", String).label("facet"),
                cast(ListingRegion.region_id, String).label("value"),
                func.count().label("n"),
            )
            .select_from(hits)
            .join(ListingRegion, ListingRegion.listing_id == c.id)
            .join(
                ProviderRegion,
                and_(ProviderRegion.provider_id == c.provider_id, ProviderRegion.region_id == ListingRegion.region_id),
            )
            .group_by(ListingRegion.region_id)
        )
        options = d.json_elements(c.delivery_options)
        delivery = (
            select(
                literal("delivery_options", String).label("facet"),
                cast(options.c.value, String).label("value"),
                func.count(func.distinct(c.id)).label("n"),
            )
            .select_from(hits)
            .join(options, true())
            .group_by(options.c.value)
        )
        return [
            *[
                plain(name, getattr(c, name)).select_from(hits)
                for name in ("classifier_code", "category", "kind", "provider_verified", "in_stock")
            ],
            regions,
            delivery,
        ]


def _complete(facets: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
    return {name: dict(sorted(facets.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0]))) for name in FACETS}


async def _register_sqlite_functions(session: AsyncSession) -> None:
    """Register ``tirek_fold`` and ``tirek_attributes`` once per SQLite connection."""
    connection = await session.connection()

    def register(sync_connection: Any) -> None:
        fairy = sync_connection.connection  # the pooled DBAPI connection
        if fairy.info.get("tirek_search_functions"):
            return
        raw = fairy.dbapi_connection
        raw.create_function("tirek_fold", 1, _sqlite_fold, deterministic=True)
        raw.create_function("tirek_attributes", 1, _sqlite_attributes, deterministic=True)
        fairy.info["tirek_search_functions"] = True

    await connection.run_sync(register)


__all__ = ["DatabaseListingSearch", "FOLD_TABLE", "fold", "query_clauses", "tokens"]

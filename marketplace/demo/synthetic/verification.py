"""Checking the national data set: the rules it must keep, as queries that count the rows breaking them."""

from __future__ import annotations

from collections.abc import Iterable

from marketplace.demo.synthetic.sinks import SqliteSink, open_sink

VERIFY_QUERIES = {
    "entitlement balances differ from their orders": """
        SELECT count(*) FROM entitlements e LEFT JOIN (
            SELECT entitlement_id,
                   sum(CASE WHEN status IN ('PLACED', 'ACCEPTED', 'DELIVERED') THEN quantity ELSE 0 END) AS open_q,
                   sum(CASE WHEN status = 'CONFIRMED' THEN quantity ELSE 0 END) AS done_q
            FROM orders GROUP BY entitlement_id) o ON o.entitlement_id = e.id
        WHERE e.reserved <> coalesce(o.open_q, 0) OR e.consumed <> coalesce(o.done_q, 0)""",
    "entitlements overspent": "SELECT count(*) FROM entitlements WHERE reserved + consumed > quantity "
                              "OR reserved < 0 OR consumed < 0",
    "orders whose shares do not add up": "SELECT count(*) FROM orders WHERE state_share + co_payment <> total",
    "orders on another item than their entitlement": """
        SELECT count(*) FROM orders o JOIN entitlements e ON e.id = o.entitlement_id
        WHERE e.classifier_item_id <> o.classifier_item_id OR e.person_id <> o.person_id""",
    "orders in a region the listing is not offered in": """
        SELECT count(*) FROM orders o WHERE NOT EXISTS (
            SELECT 1 FROM listing_regions lr WHERE lr.listing_id = o.listing_id AND lr.region_id = o.region_id)""",
    "claims on orders that are not confirmed": """
        SELECT count(*) FROM compensation_claims c JOIN orders o ON o.id = c.order_id WHERE o.status <> 'CONFIRMED'""",
    "service-hours claims that differ from their logs": """
        SELECT count(*) FROM compensation_claims c LEFT JOIN (
            SELECT claim_id, sum(hours) AS h FROM service_logs WHERE claim_id IS NOT NULL GROUP BY claim_id
        ) l ON l.claim_id = c.id WHERE c.kind = 'PROVIDER_SERVICE_HOURS' AND coalesce(l.h, 0) <> c.quantity""",
    "service logs beyond their order's hours": """
        SELECT count(*) FROM (SELECT order_id, sum(hours) AS h FROM service_logs GROUP BY order_id) l
        JOIN orders o ON o.id = l.order_id WHERE l.h > o.quantity""",
    # The classifier's norms (marketplace/records/norms.py) on every generated line.
    "lines of a quota item without its release, or looser than the norm": """
        SELECT count(*) FROM entitlements e JOIN classifier_items c ON c.id = e.classifier_item_id
        WHERE c.quarterly_release IS NOT NULL
          AND (e.quarterly_release IS NULL OR e.quarterly_release > c.quarterly_release)
           OR c.daily_max IS NOT NULL AND (e.daily_limit IS NULL OR e.daily_limit > c.daily_max)
           OR e.with_companion AND NOT c.companion_allowed""",
    "persons over an item's yearly most": """
        SELECT count(*) FROM (
            SELECT e.person_id, e.classifier_item_id, e.valid_from FROM entitlements e
            JOIN classifier_items c ON c.id = e.classifier_item_id
            WHERE c.yearly_max IS NOT NULL AND e.quantity > c.yearly_max) over_norm""",
}


async def verify(url: str) -> dict[str, int]:
    """Counts of rows that break a rule of the data set (all zero when it is sound)."""
    sink = await open_sink(url)
    try:
        return {name: int(await sink.scalar(sql)) for name, sql in VERIFY_QUERIES.items()}
    finally:
        if isinstance(sink, SqliteSink):
            sink.conn.close()
        else:
            await sink.close()


async def table_counts(url: str, tables: Iterable[str] = (
        "persons", "accounts", "providers", "provider_regions", "listings", "listing_regions", "disability_records",
        "entitlements", "orders", "compensation_claims", "service_logs")) -> dict[str, int]:
    sink = await open_sink(url)
    try:
        return {t: int(await sink.scalar(f"SELECT count(*) FROM {t}")) for t in tables}
    finally:
        if isinstance(sink, SqliteSink):
            sink.conn.close()
        else:
            await sink.close()

"""Automatic tags and RFM segments, recomputed nightly in set-based SQL.

Every rule is one ``INSERT … SELECT`` into a temporary table of (customer, tag, reason);
then one ``DELETE`` removes the automatic memberships no rule gives any more and one
``INSERT … ON CONFLICT DO NOTHING`` adds the new ones. A membership that stays keeps its
reason and the date it was first set, so running the task twice changes nothing. Tags an
agent set by hand (``set_by`` filled) are never removed, even on an automatic tag.

RFM: each live customer with a counted order gets recency, frequency and monetary scores
1–5 from quintiles of ``PERCENT_RANK()`` (ties share the lower score, so the many one-order
customers are all F1), then one segment:

=============  ==========================
champions      R ≥ 4 and F ≥ 4
loyal          R ≥ 3 and F ≥ 3
potential      R ≥ 3 (few orders so far)
at-risk        R ≤ 2 and F ≥ 3
hibernating    R = 2
lost           R = 1
=============  ==========================
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.db import connection, transaction
from django.utils import timezone

from customers.models import Customer, CustomerTag, Order, Tag
from customers.services import tag_ensure

# Orders that count as a purchase (pending, cancelled and fully refunded ones do not).
COUNTED_ORDER_STATUSES = (Order.Status.PAID, Order.Status.FULFILLED, Order.Status.PARTIALLY_REFUNDED)
HIGH_VALUE_TOP_SHARE = 0.10  # the top 10 % of customers by spend
VIP_MIN_ORDERS = 5
VIP_MIN_SPEND = 1000
SERIAL_RETURNER_MIN_RETURNS = 3
SERIAL_RETURNER_MIN_RATE = 0.5  # returns per counted order
COMPLAINER_MIN_TICKETS = 3
COMPLAINER_WINDOW = timedelta(days=180)
COMPLAINT_INTENTS = ("not_received", "damaged_item", "wrong_item", "missing_item", "not_as_described")

RFM_SEGMENTS: dict[str, tuple[str, str]] = {
    "champions": ("Champions", "Bought recently and often (RFM R≥4, F≥4)."),
    "loyal": ("Loyal", "Buys regularly (RFM R≥3, F≥3)."),
    "potential": ("Potential", "Bought recently, few orders so far (RFM R≥3, F≤2)."),
    "at-risk": ("At risk", "Used to buy often, not lately (RFM R≤2, F≥3)."),
    "hibernating": ("Hibernating", "Few orders, long ago (RFM R=2, F≤2)."),
    "lost": ("Lost", "Least recent fifth of buyers, few orders (RFM R=1, F≤2)."),
}
RULE_TAGS: dict[str, tuple[str, str]] = {
    "high-value": ("High value", "Top 10% of customers by spend."),
    "vip": ("VIP", f"At least {VIP_MIN_ORDERS} orders and {VIP_MIN_SPEND} spent."),
    "serial-returner": (
        "Serial returner",
        f"At least {SERIAL_RETURNER_MIN_RETURNS} returns, for half or more of their orders.",
    ),
    "frequent-complainer": (
        "Frequent complainer",
        f"At least {COMPLAINER_MIN_TICKETS} complaint tickets in {COMPLAINER_WINDOW.days} days.",
    ),
    "first-time-buyer": ("First-time buyer", "Exactly one order so far."),
}
AUTO_TAGS = {**RFM_SEGMENTS, **RULE_TAGS}

_WORK_TABLE = "crm_auto_tags"


def _quintile(expression: str) -> str:
    return (
        f"CASE WHEN {expression} < 0.2 THEN 1 WHEN {expression} < 0.4 THEN 2 "
        f"WHEN {expression} < 0.6 THEN 3 WHEN {expression} < 0.8 THEN 4 ELSE 5 END"
    )


def _rule_statements(now_iso: str) -> list[tuple[str, list[Any]]]:
    customers = Customer._meta.db_table
    orders = Order._meta.db_table
    returns = apps.get_model("returns", "ReturnRequest")._meta.db_table
    tickets = apps.get_model("tickets", "Ticket")._meta.db_table
    counted = ", ".join(["%s"] * len(COUNTED_ORDER_STATUSES))
    statuses: list[Any] = [str(s) for s in COUNTED_ORDER_STATUSES]
    # Per live customer: last order, number of orders, spend; and the percentile of each.
    scored = f"""
        SELECT s.*,
               PERCENT_RANK() OVER (ORDER BY last_at) AS r_rank,
               PERCENT_RANK() OVER (ORDER BY frequency) AS f_rank,
               PERCENT_RANK() OVER (ORDER BY monetary) AS m_rank
          FROM (SELECT o.customer_id, MAX(o.placed_at) AS last_at, COUNT(*) AS frequency,
                       SUM(o.total) AS monetary
                  FROM {orders} o JOIN {customers} c ON c.id = o.customer_id
                 WHERE c.merged_into_id IS NULL AND c.erased_at IS NULL AND o.status IN ({counted})
                 GROUP BY o.customer_id) s
    """
    rfm = f"""
        INSERT INTO {_WORK_TABLE} (customer_id, slug, reason)
        SELECT customer_id,
               CASE WHEN r >= 4 AND f >= 4 THEN 'champions'
                    WHEN r >= 3 AND f >= 3 THEN 'loyal'
                    WHEN r >= 3 THEN 'potential'
                    WHEN f >= 3 THEN 'at-risk'
                    WHEN r = 2 THEN 'hibernating'
                    ELSE 'lost' END,
               'RFM ' || r || '-' || f || '-' || m || ': ' || frequency || ' orders, last on '
                   || SUBSTR(CAST(last_at AS TEXT), 1, 10) || ', spent ' || CAST(ROUND(monetary, 2) AS TEXT)
          FROM (SELECT customer_id, last_at, frequency, monetary,
                       {_quintile("r_rank")} AS r, {_quintile("f_rank")} AS f, {_quintile("m_rank")} AS m
                  FROM ({scored}) ranked) q
    """
    high_value = f"""
        INSERT INTO {_WORK_TABLE} (customer_id, slug, reason)
        SELECT customer_id, 'high-value', 'Spent ' || CAST(ROUND(monetary, 2) AS TEXT) || ' (top 10%%)'
          FROM ({scored}) ranked WHERE m_rank >= %s AND monetary > 0
    """
    vip = f"""
        INSERT INTO {_WORK_TABLE} (customer_id, slug, reason)
        SELECT o.customer_id, 'vip',
               COUNT(*) || ' orders, spent ' || CAST(ROUND(SUM(o.total), 2) AS TEXT)
          FROM {orders} o JOIN {customers} c ON c.id = o.customer_id
         WHERE c.merged_into_id IS NULL AND c.erased_at IS NULL AND o.status IN ({counted})
         GROUP BY o.customer_id HAVING COUNT(*) >= %s AND SUM(o.total) >= %s
    """
    first_time = f"""
        INSERT INTO {_WORK_TABLE} (customer_id, slug, reason)
        SELECT o.customer_id, 'first-time-buyer', 'First order on ' || SUBSTR(CAST(MAX(o.placed_at) AS TEXT), 1, 10)
          FROM {orders} o JOIN {customers} c ON c.id = o.customer_id
         WHERE c.merged_into_id IS NULL AND c.erased_at IS NULL AND o.status IN ({counted})
         GROUP BY o.customer_id HAVING COUNT(*) = 1
    """
    serial_returner = f"""
        INSERT INTO {_WORK_TABLE} (customer_id, slug, reason)
        SELECT r.customer_id, 'serial-returner', r.n || ' returns for ' || COALESCE(o.n, 0) || ' orders'
          FROM (SELECT customer_id, COUNT(*) AS n FROM {returns}
                 WHERE customer_id IS NOT NULL AND status <> 'rejected' GROUP BY customer_id) r
          JOIN {customers} c ON c.id = r.customer_id
          LEFT JOIN (SELECT customer_id, COUNT(*) AS n FROM {orders}
                      WHERE customer_id IS NOT NULL AND status IN ({counted}) GROUP BY customer_id) o
            ON o.customer_id = r.customer_id
         WHERE c.merged_into_id IS NULL AND c.erased_at IS NULL
           AND r.n >= %s AND r.n >= %s * COALESCE(o.n, 0)
    """
    intents = ", ".join(["%s"] * len(COMPLAINT_INTENTS))
    complainer = f"""
        INSERT INTO {_WORK_TABLE} (customer_id, slug, reason)
        SELECT t.customer_id, 'frequent-complainer', COUNT(*) || ' complaints in {COMPLAINER_WINDOW.days} days'
          FROM {tickets} t JOIN {customers} c ON c.id = t.customer_id
         WHERE c.merged_into_id IS NULL AND c.erased_at IS NULL AND t.created_at >= %s
           AND (t.sentiment = 'negative' OR t.intent IN ({intents}))
         GROUP BY t.customer_id HAVING COUNT(*) >= %s
    """
    return [
        (rfm, statuses),
        (high_value, [*statuses, 1 - HIGH_VALUE_TOP_SHARE]),
        (vip, [*statuses, VIP_MIN_ORDERS, VIP_MIN_SPEND]),
        (first_time, statuses),
        (serial_returner, [*statuses, SERIAL_RETURNER_MIN_RETURNS, SERIAL_RETURNER_MIN_RATE]),
        (complainer, [now_iso, *COMPLAINT_INTENTS, COMPLAINER_MIN_TICKETS]),
    ]


@dataclass
class RecomputeResult:
    added: int = 0
    removed: int = 0
    seconds: float = 0.0
    members: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def customer_tags_recompute() -> RecomputeResult:
    """Recompute every automatic tag and RFM segment for every customer (the nightly task)."""
    started = time.monotonic()
    now = timezone.now()
    tags = {
        slug: tag_ensure(slug=slug, name=name, description=why) for slug, (name, why) in AUTO_TAGS.items()
    }
    link_table = CustomerTag._meta.db_table
    tag_table = Tag._meta.db_table
    result = RecomputeResult()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_WORK_TABLE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {_WORK_TABLE} (customer_id bigint NOT NULL, slug varchar(60) NOT NULL, "
            "reason varchar(300) NOT NULL)"
        )
        for sql, params in _rule_statements((now - COMPLAINER_WINDOW).isoformat()):
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {_WORK_TABLE}")
        tag_ids = [tag.pk for tag in tags.values()]
        in_tags = ", ".join(["%s"] * len(tag_ids))
        cursor.execute(
            f"""
            DELETE FROM {link_table}
             WHERE tag_id IN ({in_tags}) AND set_by_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM {_WORK_TABLE} w JOIN {tag_table} t ON t.slug = w.slug
                                WHERE w.customer_id = {link_table}.customer_id AND t.id = {link_table}.tag_id)
            """,
            tag_ids,
        )
        result.removed = cursor.rowcount
        cursor.execute(
            f"""
            INSERT INTO {link_table} (customer_id, tag_id, reason, set_at)
            SELECT w.customer_id, t.id, w.reason, %s FROM {_WORK_TABLE} w JOIN {tag_table} t ON t.slug = w.slug
            ON CONFLICT (customer_id, tag_id) DO NOTHING
            """,
            [now],
        )
        result.added = cursor.rowcount
        cursor.execute(f"DROP TABLE {_WORK_TABLE}")
    for slug, tag in tags.items():
        result.members[slug] = CustomerTag.objects.filter(tag=tag).count()
    result.seconds = round(time.monotonic() - started, 3)
    return result

"""Repurchase reminders: a follow-up when a regular buyer's next order is due and has not come.

A customer's purchase cycle is the median gap between their counted orders (``segments.
COUNTED_ORDER_STATUSES``), known once they have at least ``MIN_ORDERS`` of them. Their next
purchase is expected one cycle after their last order. When that day has come (and no order
since, or the last order would be a newer one), the nightly step gives the owner of the last
order's store a "repurchase reminder" follow-up, due on the expected day; it shows in the
owner's inbox like every follow-up (``customers.selectors.follow_ups_due``).

One reminder per customer per cycle: none while one is open (a partial unique constraint
backs this), and none when one was made since the customer's last order, even if it is done.
A customer more than one cycle past the expected day is left to the at-risk / hibernating
segments, so that the first run on a seller's history does not flood the inbox with people
who stopped buying long ago.

Set-based: one ``INSERT … SELECT`` with window functions (``LAG`` for the gaps,
``ROW_NUMBER`` for the median), on PostgreSQL and SQLite alike; no Python loop over customers.

The owner: the store's ``follow_up_owner``, else the lead of a team that covers the store
(regular teams first). A store with neither gets no reminders.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from customers.models import Customer, FollowUp, Order, Store
from customers.segments import COUNTED_ORDER_STATUSES

MIN_ORDERS = 3
# Past this many cycles after the expected day, a reminder is no longer a reminder.
REMIND_WITHIN_CYCLES = 1


@dataclass(frozen=True)
class PurchaseCycle:
    customer_id: int
    orders: int
    cycle_days: float  # median gap between orders
    last_order_at: datetime
    last_order_number: str
    last_store_id: int


def _days_between(later: str, earlier: str) -> str:
    if connection.vendor == "postgresql":
        return f"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 86400.0)"
    return f"(julianday({later}) - julianday({earlier}))"


def _plus_days(moment: str, days: str) -> str:
    if connection.vendor == "postgresql":
        return f"({moment} + CAST({days} AS double precision) * INTERVAL '1 day')"
    return f"datetime(julianday({moment}) + {days})"


def _not_after(moment: str, now_param: str) -> str:
    if connection.vendor == "postgresql":
        return f"{moment} <= {now_param}"
    return f"julianday({moment}) <= julianday({now_param})"


def _cycles_sql(customer_filter: str = "") -> tuple[str, list[Any]]:
    """``WITH`` clauses ending in ``cycles`` (one row per customer with a cycle) and their params."""
    orders = Order._meta.db_table
    customers = Customer._meta.db_table
    counted = ", ".join(["%s"] * len(COUNTED_ORDER_STATUSES))
    sql = f"""
        WITH counted AS (
            SELECT o.id, o.customer_id, o.store_id, o.placed_at, o.external_id
              FROM {orders} o JOIN {customers} c ON c.id = o.customer_id
             WHERE c.merged_into_id IS NULL AND c.erased_at IS NULL AND o.status IN ({counted})
                   {customer_filter}
        ),
        gaps AS (
            SELECT customer_id,
                   {_days_between("placed_at", "LAG(placed_at) OVER (PARTITION BY customer_id ORDER BY placed_at, id)")}
                       AS gap
              FROM counted
        ),
        ranked AS (
            SELECT customer_id, gap,
                   ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY gap) AS rn,
                   COUNT(*) OVER (PARTITION BY customer_id) AS n
              FROM gaps WHERE gap IS NOT NULL
        ),
        medians AS (
            -- The middle gap, or the mean of the two middle ones (integer division picks them).
            SELECT customer_id, AVG(gap) AS cycle_days, MAX(n) + 1 AS orders
              FROM ranked
             WHERE rn IN ((n + 1) / 2, (n + 2) / 2)
             GROUP BY customer_id
            HAVING MAX(n) + 1 >= %s
        ),
        latest AS (
            SELECT customer_id, store_id, placed_at, external_id,
                   ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY placed_at DESC, id DESC) AS rn
              FROM counted
        ),
        cycles AS (
            SELECT m.customer_id, m.orders, m.cycle_days, l.placed_at AS last_at,
                   l.external_id AS last_number, l.store_id AS last_store_id
              FROM medians m JOIN latest l ON l.customer_id = m.customer_id AND l.rn = 1
             WHERE m.cycle_days > 0
        )
    """
    return sql, [str(status) for status in COUNTED_ORDER_STATUSES] + [MIN_ORDERS]


def purchase_cycles(*, customer_ids: list[int] | None = None) -> dict[int, PurchaseCycle]:
    """The purchase cycle of each customer who has one (of ``customer_ids``, or everyone)."""
    customer_filter, filter_params = "", []
    if customer_ids is not None:
        if not customer_ids:
            return {}
        customer_filter = "AND o.customer_id IN (" + ", ".join(["%s"] * len(customer_ids)) + ")"
        filter_params = list(customer_ids)
    sql, params = _cycles_sql(customer_filter)
    # The customer filter sits before the MIN_ORDERS parameter in the text.
    statuses, min_orders = params[:-1], params[-1:]
    query = sql + " SELECT customer_id, orders, cycle_days, last_at, last_number, last_store_id FROM cycles"
    with connection.cursor() as cursor:
        cursor.execute(query, [*statuses, *filter_params, *min_orders])
        rows = cursor.fetchall()
    cycles = {}
    for customer_id, orders, cycle_days, last_at, last_number, store_id in rows:
        if isinstance(last_at, str):  # SQLite hands back the stored text
            last_at = parse_datetime(last_at)
        if last_at is not None and timezone.is_naive(last_at):
            last_at = timezone.make_aware(last_at, dt.UTC)
        cycles[customer_id] = PurchaseCycle(
            customer_id=customer_id,
            orders=int(orders),
            cycle_days=float(cycle_days),
            last_order_at=last_at,
            last_order_number=last_number,
            last_store_id=store_id,
        )
    return cycles


@transaction.atomic
def repurchase_reminders_create(*, now: datetime | None = None) -> int:
    """Create the repurchase reminders due at ``now`` (the nightly step). Returns how many."""
    now = now or timezone.now()
    team_model = apps.get_model("tickets", "Team")
    teams = team_model._meta.db_table
    team_stores = team_model.stores.through._meta.db_table
    users = get_user_model()._meta.db_table
    stores = Store._meta.db_table
    follow_ups = FollowUp._meta.db_table
    cycles_sql, params = _cycles_sql()
    expected = _plus_days("cy.last_at", "cy.cycle_days")
    give_up = _plus_days("cy.last_at", f"cy.cycle_days * {REMIND_WITHIN_CYCLES + 1}")
    cycle_text = "CAST(CAST(ROUND(cy.cycle_days) AS INTEGER) AS TEXT)"
    sql = f"""
        INSERT INTO {follow_ups} (customer_id, owner_id, due_at, kind, note, created_at)
        {cycles_sql},
        owned AS (
            SELECT cy.*,
                   COALESCE(
                       s.follow_up_owner_id,
                       (SELECT t.lead_id FROM {teams} t JOIN {team_stores} ts ON ts.team_id = t.id
                         WHERE ts.store_id = cy.last_store_id AND t.lead_id IS NOT NULL
                         ORDER BY t.is_overflow, t.id LIMIT 1)
                   ) AS owner_id
              FROM cycles cy JOIN {stores} s ON s.id = cy.last_store_id
        )
        SELECT cy.customer_id, cy.owner_id, {expected}, %s,
               'Buys about every ' || {cycle_text} || ' days (' || CAST(cy.orders AS TEXT)
                   || ' orders); last order ' || cy.last_number || ' on '
                   || SUBSTR(CAST(cy.last_at AS TEXT), 1, 10) || ', nothing since.',
               %s
          FROM owned cy JOIN {users} u ON u.id = cy.owner_id AND u.is_active
         WHERE {_not_after(expected, "%s")}
           AND NOT {_not_after(give_up, "%s")}
           AND NOT EXISTS (
               SELECT 1 FROM {follow_ups} f
                WHERE f.customer_id = cy.customer_id AND f.kind = %s
                  AND (f.done_at IS NULL OR f.created_at >= cy.last_at))
        ON CONFLICT DO NOTHING
    """
    kind = str(FollowUp.Kind.REPURCHASE)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, kind, now, now, now, kind])
        return max(cursor.rowcount, 0)

"""Figures of the returns dashboard: return rates, reasons, refunds, compensation, outliers.

One cohort everywhere a rate is computed: the units of the orders *placed* in the period
(``Order.placed_at``, orders not pending or cancelled) and, of those same units, the ones
returned so far (return lines of requests not rejected, cancelled or expired, whenever they
were requested). Both sides of every rate therefore count the same units, so a rate is a true
proportion (never above 100 %) and a binomial confidence bound means something. The price:
the most recent orders have had less time to come back, so a period that ends today shows a
lower rate than it will in a month. Counts that are not rates (requests, refunds, offers) use
their own date (``requested_at``, ``created_at``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils import timezone

from analytics.filters import DashboardFilters
from analytics.models import OrderLineDay, ReturnLineDay, RollupState
from customers.models import Order, OrderLine, Product
from returns.models import CompensationOffer, Refund, ReturnLine, ReturnRequest
from tickets.models import Intent, Ticket

NOT_SOLD = (Order.Status.PENDING, Order.Status.CANCELLED)
NOT_A_RETURN = (ReturnRequest.Status.REJECTED, ReturnRequest.Status.CANCELLED, ReturnRequest.Status.EXPIRED)
# Complaints about the item itself (not about the parcel or the payment).
PRODUCT_COMPLAINT_INTENTS = (
    Intent.DAMAGED_ITEM,
    Intent.WRONG_ITEM,
    Intent.MISSING_ITEM,
    Intent.NOT_AS_DESCRIBED,
)
# A product is an outlier when its rate is at least this multiple of its category's …
OUTLIER_RATIO = 1.5
# … and the lower end of its 95 % Wilson interval is still above the category's rate.
WILSON_Z = 1.96
UNCATEGORISED = ""


def wilson_lower_bound(successes: int, trials: int, z: float = WILSON_Z) -> float:
    """The lower end of the Wilson score interval for ``successes`` out of ``trials`` (0 with none).

    Unlike the plain rate, it is low when few trials stand behind it: 2 of 4 gives 0.15, 50 of
    100 gives 0.40, so a handful of returns cannot make a product look like an outlier.
    """
    if trials <= 0:
        return 0.0
    successes = min(successes, trials)
    p = successes / trials
    z2 = z * z
    centre = p + z2 / (2 * trials)
    margin = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials))
    return max(0.0, (centre - margin) / (1 + z2 / trials))


def rate(part: int | None, whole: int | None) -> float | None:
    return (part or 0) / whole if whole else None


# --- the cohort -----------------------------------------------------------------------------


def sold_lines(filters: DashboardFilters) -> QuerySet[OrderLine]:
    """Order lines of the orders placed in the period (the denominators)."""
    return filters.apply(
        OrderLine.objects.exclude(order__status__in=NOT_SOLD),
        date="order__placed_at",
        store="order__store",
        country="order__shipping_country",
    )


def returned_line_rows() -> QuerySet[ReturnLine]:
    """Every return line that counts as returned: of an order sold, in a return not rejected,
    cancelled or expired (``ReturnLineDay`` holds the same, per day the order was placed)."""
    return ReturnLine.objects.exclude(order_line__order__status__in=NOT_SOLD).exclude(
        return_request__status__in=NOT_A_RETURN
    )


def returned_lines(filters: DashboardFilters) -> QuerySet[ReturnLine]:
    """Return lines of those same order lines (the numerators), whenever they were requested."""
    return filters.apply(
        returned_line_rows(),
        date="order_line__order__placed_at",
        store="order_line__order__store",
        country="order_line__order__shipping_country",
    )


def _complained(filters: DashboardFilters) -> Q:
    """The order line's order has a ticket complaining about an item.

    ``order IN (…)`` rather than ``EXISTS``: PostgreSQL hashes the complaint orders once either
    way, but prices EXISTS inside an aggregate so high that it JIT-compiles the query, which
    costs more than the query itself.
    """
    return Q(
        order_id__in=Ticket.objects.filter(
            intent__in=PRODUCT_COMPLAINT_INTENTS,
            merged_into__isnull=True,
            # Always true for an order placed in the period; lets the index on created_at skip
            # the older tickets instead of reading every complaint ever made.
            created_at__gte=filters.start_at,
            order_id__isnull=False,
        ).values("order_id")
    )


# --- return rates ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    units_sold: int
    units_returned: int

    @property
    def return_rate(self) -> float | None:
        return rate(self.units_returned, self.units_sold)


def previous_totals(filters: DashboardFilters, *, now: dt.datetime | None = None) -> Totals:
    """Units sold and returned of the previous period's orders, each given as long to come back
    as its counterpart one period later has had (returns requested before the day that is the
    period's length ago): otherwise older orders, with more time behind them, would always look
    worse."""
    previous = filters.previous_period()
    cutoff_day = timezone.localdate(now or timezone.now()) - dt.timedelta(days=filters.days)
    if order_line_rollup_fresh():
        sold = sum(row["units_sold"] or 0 for row in _sold_per_line_key(previous, rollup=True))
    else:
        sold = sold_lines(previous).aggregate(units=Sum("quantity"))["units"] or 0
    if return_line_rollup_fresh():
        returned_rows = _return_line_days(previous).filter(requested_day__lt=cutoff_day)
        returned = returned_rows.aggregate(total=Sum("units"))["total"] or 0
    else:
        cutoff = dt.datetime.combine(cutoff_day, dt.time.min, tzinfo=timezone.get_current_timezone())
        returned = (
            returned_lines(previous)
            .filter(return_request__requested_at__lt=cutoff)
            .aggregate(units=Sum("quantity"))["units"]
            or 0
        )
    return Totals(units_sold=sold, units_returned=returned)


def return_line_rollup_fresh() -> bool:
    """Whether ``ReturnLineDay`` has been counted for this ``TIME_ZONE``."""
    return RollupState.objects.filter(
        name=RollupState.RETURN_LINES, refreshed_at__isnull=False, time_zone=settings.TIME_ZONE
    ).exists()


def _return_line_days(filters: DashboardFilters) -> QuerySet[ReturnLineDay]:
    return filters.apply(
        ReturnLineDay.objects.filter(day__gte=filters.start, day__lte=filters.end),
        date=None,
        store="store_id",
        country="country",
    ).order_by()


@dataclass(frozen=True)
class ReturnRates:
    reasons: list[dict[str, Any]]
    products: list[dict[str, Any]]
    skus: list[dict[str, Any]]
    categories: list[dict[str, Any]]
    totals: Totals


def _add(into: dict[str, Any], row: dict[str, Any], fields: tuple[str, ...]) -> None:
    for name in fields:
        into[name] = into.get(name, 0) + row.get(name, 0)


def _finish(rows: list[dict[str, Any]], *, complaints: bool) -> list[dict[str, Any]]:
    for row in rows:
        row["return_rate"] = rate(row["units_returned"], row["units_sold"])
        if complaints:
            row["complaint_rate"] = rate(row["complained_orders"], row["orders"])
    rows.sort(
        key=lambda row: (-(row["return_rate"] or 0), -row["units_sold"], row.get("sku", ""), row["category"])
    )
    return rows


def order_line_rollup_fresh() -> bool:
    """Whether ``OrderLineDay`` has been counted (for this ``TIME_ZONE``); its days are days in
    ``settings.TIME_ZONE``, whatever the viewer's time zone."""
    return order_line_rollup_refreshed_at() is not None


def order_line_rollup_refreshed_at() -> dt.datetime | None:
    """When ``OrderLineDay`` and ``OrderDay`` were last refreshed for this ``TIME_ZONE``."""
    return (
        RollupState.objects.filter(
            name=RollupState.ORDER_LINES, refreshed_at__isnull=False, time_zone=settings.TIME_ZONE
        )
        .values_list("refreshed_at", flat=True)
        .first()
    )


def _sold_per_line_key(filters: DashboardFilters, *, rollup: bool) -> QuerySet[Any]:
    """Units sold, lines and lines of complained-about orders per (product id, SKU)."""
    if rollup:
        days = filters.apply(OrderLineDay.objects.all(), date=None, store="store_id", country="country")
        return (
            days.filter(day__gte=filters.start, day__lte=filters.end)
            .values("product_id", "sku")
            .order_by()
            .annotate(
                units_sold=Sum("units_sold"), orders=Sum("lines"), complained_orders=Sum("complained_lines")
            )
        )
    return (
        sold_lines(filters)
        .values("product_id", "sku")
        .order_by()
        .annotate(
            units_sold=Sum("quantity"),
            # Lines, not DISTINCT orders: an order holds a product on one line, and a plain count
            # lets PostgreSQL hash the groups instead of sorting every line of the period.
            orders=Count("id"),
            complained_orders=Count("id", filter=_complained(filters)),
        )
    )


def return_rates(filters: DashboardFilters, *, rollup: bool | None = None) -> ReturnRates:
    """Units sold, units returned and the return rate per product, SKU and category, with the
    complaint figures per product and category, and the returned units per reason, from two
    grouped queries.

    Complaints: orders containing the product (counted by order line), and those of them with a
    ticket complaining about an item (damaged, wrong, missing, not as described). A category's
    orders are summed over its products, i.e. an order with two of its products counts twice
    (once per product), the same way each product counts it. Order lines whose product record
    is gone count by SKU (and in the totals) only.
    """
    counted = ("units_sold", "units_returned", "orders", "complained_orders")
    per_line_key: dict[tuple[int | None, str], dict[str, Any]] = {}
    if rollup is None:
        rollup = order_line_rollup_fresh()
    for row in _sold_per_line_key(filters, rollup=rollup):
        # The rollup stores "no product record" as 0.
        product_id = row["product_id"] or None
        per_line_key[(product_id, row["sku"])] = {**row, "product_id": product_id, "units_returned": 0}
    # Grouped by reason too, so the reasons table comes from the same pass.
    if rollup and return_line_rollup_fresh():
        returned = [
            {**row, "product_id": row["product_id"] or None}
            for row in _return_line_days(filters)
            .values("product_id", "sku", "reason")
            .annotate(units=Sum("units"), lines=Sum("lines"))
        ]
    else:
        returned = list(
            returned_lines(filters)
            .values("reason", product_id=F("order_line__product_id"), sku=F("order_line__sku"))
            .order_by()
            .annotate(units=Sum("quantity"), lines=Count("id"))
        )
    reasons: dict[str, dict[str, Any]] = {}
    for row in returned:
        key = (row["product_id"], row["sku"])
        if key in per_line_key:
            per_line_key[key]["units_returned"] += row["units"] or 0
        reason = reasons.setdefault(row["reason"], {"reason": row["reason"], "units": 0, "lines": 0})
        _add(reason, row, ("units", "lines"))
    catalogue = {
        product["id"]: product
        for product in Product.objects.filter(
            id__in={product_id for product_id, _sku in per_line_key if product_id is not None}
        ).values("id", "sku", "title", "category")
    }
    products: dict[int, dict[str, Any]] = {}
    skus: dict[str, dict[str, Any]] = {}
    categories: dict[str, dict[str, Any]] = {}
    for (product_id, sku), row in per_line_key.items():
        skus.setdefault(sku, {"sku": sku, "category": ""})
        _add(skus[sku], row, ("units_sold", "units_returned"))
        product = catalogue.get(product_id) if product_id is not None else None
        if product is None or product_id is None:
            continue
        entry = products.setdefault(
            product_id,
            {
                "product_id": product_id,
                "sku": product["sku"],
                "title": product["title"],
                "category": product["category"] or UNCATEGORISED,
            },
        )
        _add(entry, row, counted)
        category = product["category"] or UNCATEGORISED
        _add(categories.setdefault(category, {"category": category}), row, counted)
    totals = Totals(
        units_sold=sum(row["units_sold"] for row in per_line_key.values()),
        units_returned=sum(row["units_returned"] for row in per_line_key.values()),
    )
    reason_rows = sorted(reasons.values(), key=lambda row: (-row["units"], row["reason"]))
    for row in reason_rows:
        row["share"] = rate(row["units"], totals.units_returned)
    return ReturnRates(
        reasons=reason_rows,
        products=_finish(list(products.values()), complaints=True),
        skus=_finish(list(skus.values()), complaints=False),
        categories=_finish(list(categories.values()), complaints=True),
        totals=totals,
    )


# --- products well above their category -------------------------------------------------------


def outlier_products(
    products: list[dict[str, Any]], categories: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Products whose return or complaint rate is well above their category's.

    A product is flagged for a rate when (1) the rate is at least ``OUTLIER_RATIO`` × the
    category's and (2) the lower bound of its 95 % Wilson interval is above the category's rate,
    i.e. the excess is unlikely to be chance at the product's volume. The category rate includes
    the product itself, which makes the test a little conservative.
    """
    by_category = {row["category"]: row for row in categories}
    flagged = []
    for product in products:
        category = by_category.get(product["category"])
        if category is None or product["product_id"] is None:
            continue
        checks = (
            ("returns", product["units_returned"], product["units_sold"], category["return_rate"]),
            ("complaints", product["complained_orders"], product["orders"], category["complaint_rate"]),
        )
        reasons = []
        bounds = {}
        for name, part, whole, baseline in checks:
            own = rate(part, whole)
            bound = wilson_lower_bound(part, whole)
            bounds[name] = bound
            if (
                own is not None
                and baseline is not None
                and own >= OUTLIER_RATIO * baseline
                and bound > baseline
            ):
                reasons.append(name)
        if reasons:
            flagged.append(
                {
                    **product,
                    "category_return_rate": category["return_rate"],
                    "category_complaint_rate": category["complaint_rate"],
                    "return_rate_low": bounds["returns"],
                    "complaint_rate_low": bounds["complaints"],
                    "flagged_for": ", ".join(reasons),
                }
            )
    flagged.sort(key=lambda row: (-(row["return_rate_low"] + row["complaint_rate_low"]), row["sku"]))
    return flagged


# --- decisions, refunds, compensation -----------------------------------------------------------


def return_requests(filters: DashboardFilters) -> QuerySet[ReturnRequest]:
    """Return requests of the period, filtered as the automation dashboard filters them."""
    return filters.apply(
        ReturnRequest.objects.all(),
        date="requested_at",
        store="store",
        team="ticket__team",
        language="customer_language",
        country="customer__country",
    )


def decision_paths(filters: DashboardFilters) -> dict[str, int]:
    """Return requests of the period by who decided them.

    The rules' own decision records no person (``decided_by`` empty, returns.services.requests);
    a request the rules sent to review is decided by a person, recorded as ``decided_by``.
    """
    S = ReturnRequest.Status
    by_rules = Q(decided_at__isnull=False, decided_by__isnull=True)
    by_person = Q(decided_by__isnull=False)
    rejected = Q(status=S.REJECTED)
    figures = return_requests(filters).aggregate(
        requests=Count("id"),
        auto_approved=Count("id", filter=by_rules & ~rejected),
        auto_rejected=Count("id", filter=by_rules & rejected),
        reviewed_approved=Count("id", filter=by_person & ~rejected),
        reviewed_rejected=Count("id", filter=by_person & rejected),
        pending=Count("id", filter=Q(decided_at__isnull=True) & ~Q(status__in=NOT_A_RETURN)),
    )
    return {name: value or 0 for name, value in figures.items()}


OUTSTANDING_REFUNDS = (Refund.Status.PENDING, Refund.Status.PROCESSING, Refund.Status.MANUAL)


def refund_ledger(filters: DashboardFilters) -> list[dict[str, Any]]:
    """The refund ledger of the period (``created_at``) per currency and method; never summed
    across currencies."""
    zero = Decimal("0")
    rows = list(
        filters.apply(
            Refund.objects.all(), date="created_at", store="order__store", country="order__shipping_country"
        )
        .values("currency", "method")
        .order_by()
        .annotate(
            refunds=Count("id"),
            paid=Sum("amount", filter=Q(status=Refund.Status.SUCCEEDED)),
            outstanding=Sum("amount", filter=Q(status__in=OUTSTANDING_REFUNDS)),
            failed=Sum("amount", filter=Q(status=Refund.Status.FAILED)),
            bonus=Sum("bonus_amount", filter=Q(status=Refund.Status.SUCCEEDED)),
        )
        .order_by("currency", "method")
    )
    for row in rows:
        for name in ("paid", "outstanding", "failed", "bonus"):
            row[name] = row[name] or zero
    return rows


def compensation_by_tier(filters: DashboardFilters) -> list[dict[str, Any]]:
    """Compensation offers of the period (``created_at``) per tier and currency.

    "Made" = offered to the customer (every status but a suggestion nobody sent); the
    acceptance rate is accepted / made.
    """
    S = CompensationOffer.Status
    made = ~Q(status=S.SUGGESTED)
    zero = Decimal("0")
    rows = list(
        filters.apply(
            CompensationOffer.objects.all(),
            date="created_at",
            store="order__store",
            country="order__shipping_country",
        )
        .values("tier", "currency")
        .order_by()
        .annotate(
            suggested=Count("id", filter=Q(status=S.SUGGESTED)),
            made=Count("id", filter=made),
            accepted=Count("id", filter=Q(status=S.ACCEPTED)),
            made_amount=Sum("amount", filter=made),
            accepted_amount=Sum("amount", filter=Q(status=S.ACCEPTED)),
        )
        .order_by("tier", "currency")
    )
    for row in rows:
        row["made_amount"] = row["made_amount"] or zero
        row["accepted_amount"] = row["accepted_amount"] or zero
        row["acceptance_rate"] = rate(row["accepted"], row["made"])
    return rows

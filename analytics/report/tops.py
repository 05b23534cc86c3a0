"""The season's tops: intents, problem products, lanes, refunds and compensation."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum

from analytics.filters import DashboardFilters
from analytics.report.figures import PeriodFigures, customer_tickets, duration_spreads, ratio, tickets_in
from analytics.report.windows import Window

# Rows in the top-N tables.
TOP_ROWS = 10
# Intents that are a complaint about the product itself (counted against the products of the order).
COMPLAINT_INTENTS = ("damaged_item", "wrong_item", "missing_item", "not_as_described")


@dataclass(frozen=True)
class IntentRow:
    intent: str
    label: str
    tickets: int
    per_day: float | None
    normal_per_day: float | None
    multiple: float | None  # per day vs normal weeks; None when normal weeks had none


def intent_rows(during: PeriodFigures, normal: PeriodFigures | None) -> list[IntentRow]:
    from tickets.models import Intent

    labels = dict(Intent.choices)
    rows = []
    for intent, tickets in sorted(during.intents.items(), key=lambda item: (-item[1], item[0])):
        per_day = tickets / during.days if during.days > 0 else None
        normal_per_day = None
        if normal is not None and normal.days > 0:
            normal_per_day = normal.intents.get(intent, 0) / normal.days
        rows.append(
            IntentRow(
                intent,
                str(labels.get(intent, intent)),
                tickets,
                per_day,
                normal_per_day,
                ratio(per_day, normal_per_day),
            )
        )
    return rows[:TOP_ROWS]


@dataclass(frozen=True)
class ProductRow:
    product_id: int
    sku: str
    title: str
    category: str
    complaints: int
    units_sold: int
    units_returned: int
    return_rate: float | None
    category_rate: float | None

    @property
    def rate_multiple(self) -> float | None:
        return ratio(self.return_rate, self.category_rate)


def product_rows(scope: DashboardFilters, season: Window) -> list[ProductRow]:
    """Products with the most complaints and returns among units sold in the season.

    The return rate is returned units / units sold, both of orders placed in the whole season
    (returns of them arriving any time until now); the category rate is the same over every
    product of the category, the product included.
    """
    from customers.models import OrderLine, Product
    from returns.models import ReturnLine

    lines = scope.apply(
        OrderLine.objects.filter(product__isnull=False),
        date=None,
        store="order__store",
        country="order__shipping_country",
    ).filter(season.q("order__placed_at"))
    sold = dict(
        lines.order_by().values_list("product").annotate(n=Sum("quantity")).values_list("product", "n")
    )
    returned = dict(
        ReturnLine.objects.filter(order_line__in=lines.values("pk"))
        .exclude(return_request__status="cancelled")
        .order_by()
        .values_list("order_line__product")
        .annotate(n=Sum("quantity"))
        .values_list("order_line__product", "n")
    )
    complaints = dict(
        customer_tickets(tickets_in(scope, season))
        .filter(intent__in=COMPLAINT_INTENTS, order__lines__product__isnull=False)
        .order_by()
        .values_list("order__lines__product")
        .annotate(n=Count("pk", distinct=True))
        .values_list("order__lines__product", "n")
    )
    products = {
        product.pk: product
        for product in Product.objects.filter(pk__in=set(sold) | set(returned) | set(complaints)).only(
            "pk", "sku", "title", "category"
        )
    }
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for product_id, units in sold.items():
        if product_id in products:
            by_category[products[product_id].category][0] += units or 0
    for product_id, units in returned.items():
        if product_id in products:
            by_category[products[product_id].category][1] += units or 0
    rows = []
    for product_id, product in products.items():
        units_sold, units_returned = sold.get(product_id) or 0, returned.get(product_id) or 0
        category_sold, category_returned = by_category[product.category]
        rows.append(
            ProductRow(
                product_id=product_id,
                sku=product.sku,
                title=product.title,
                category=product.category,
                complaints=complaints.get(product_id, 0),
                units_sold=units_sold,
                units_returned=units_returned,
                return_rate=ratio(units_returned, units_sold),
                category_rate=ratio(category_returned, category_sold),
            )
        )
    rows = [row for row in rows if row.complaints or row.units_returned]
    rows.sort(key=lambda row: (-(row.complaints + row.units_returned), row.sku))
    return rows[:TOP_ROWS]


@dataclass(frozen=True)
class LaneRow:
    origin: str
    destination: str
    carrier: str
    parcels: int
    median_days: float | None
    lane_median_days: float | None  # the lane's usual median (logistics LaneStatistic)

    @property
    def label(self) -> str:
        return f"{self.origin}→{self.destination}"

    @property
    def over_median(self) -> float | None:
        """How much slower than usual: 0.4 = 40 % over the lane's median."""
        times = ratio(self.median_days, self.lane_median_days)
        return None if times is None else times - 1


def lane_rows(scope: DashboardFilters, during: Window) -> list[LaneRow]:
    """Delivered parcels shipped during the peak, per lane and carrier, against the lane's usual median."""
    from logistics.models import Carrier, LaneStatistic, Shipment

    parcels = scope.apply(
        Shipment.objects.filter(direction=Shipment.Direction.OUTBOUND, carrier__isnull=False)
        .exclude(origin_country="")
        .exclude(destination_country=""),
        date=None,
        store="store",
        country="destination_country",
    ).filter(during.q("shipped_at"))
    key = ("origin_country", "destination_country", "carrier")
    spreads = duration_spreads(parcels, start="shipped_at", end="delivered_at", group_by=key)
    if not spreads:
        return []
    carriers = dict(Carrier.objects.filter(pk__in={k[2] for k in spreads}).values_list("pk", "name"))
    condition = Q(pk__in=[])
    for origin, destination, carrier_id in spreads:
        condition |= Q(origin_country=origin, destination_country=destination, carrier_id=carrier_id)
    usual = {
        (lane.origin_country, lane.destination_country, lane.carrier_id): float(lane.median_days)
        for lane in LaneStatistic.objects.filter(condition)
    }
    rows = [
        LaneRow(
            origin=origin,
            destination=destination,
            carrier=carriers.get(carrier_id, ""),
            parcels=spread.count,
            median_days=None if spread.median is None else spread.median / 86400,
            lane_median_days=usual.get((origin, destination, carrier_id)),
        )
        for (origin, destination, carrier_id), spread in spreads.items()
    ]
    rows.sort(key=lambda row: (-row.parcels, row.label, row.carrier))
    return rows[:TOP_ROWS]


@dataclass(frozen=True)
class RefundRow:
    currency: str
    refunds: int
    amount: Decimal


def refund_rows(scope: DashboardFilters, season: Window) -> list[RefundRow]:
    """Refunds recorded in the whole season (failed ones left out), per currency."""
    from returns.models import Refund

    refunds = scope.apply(
        Refund.objects.exclude(status=Refund.Status.FAILED),
        date=None,
        store="order__store",
        country="order__shipping_country",
    ).filter(season.q("created_at"))
    rows = (
        refunds.order_by()
        .values("currency")
        .annotate(n=Count("pk"), amount=Sum("amount"))
        .order_by("currency")
    )
    return [RefundRow(row["currency"], row["n"], row["amount"] or Decimal(0)) for row in rows]


@dataclass(frozen=True)
class CompensationRow:
    tier: int
    label: str
    currency: str
    offers: int
    accepted: int
    accepted_amount: Decimal


def compensation_rows(scope: DashboardFilters, season: Window) -> list[CompensationRow]:
    """Compensation offered in the whole season, per tier and currency; the value of the accepted ones."""
    from returns.models import CompensationOffer

    offers = scope.apply(
        CompensationOffer.objects.all(), date=None, store="order__store", country="order__shipping_country"
    ).filter(season.q("created_at"))
    accepted = Q(status=CompensationOffer.Status.ACCEPTED)
    rows = (
        offers.order_by()
        .values("tier", "currency")
        .annotate(
            n=Count("pk"),
            accepted=Count("pk", filter=accepted),
            amount=Sum("amount", filter=accepted),
        )
        .order_by("tier", "currency")
    )
    labels = dict(CompensationOffer.Tier.choices)
    return [
        CompensationRow(
            row["tier"],
            str(labels.get(row["tier"], row["tier"])),
            row["currency"],
            row["n"],
            row["accepted"],
            row["amount"] or Decimal(0),
        )
        for row in rows
    ]

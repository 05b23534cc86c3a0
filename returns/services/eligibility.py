"""The return rules for one order line: may it come back, until when, how many, how.

Everything here reads; nothing writes. ``order_line_eligibility`` answers the portal's first
question (may this line come back, until when, how, with photos?) with each rule evaluated and
its outcome; ``returns.services.decision.return_decide`` builds on it to decide a whole return.

Texts (rule details, reasons) are translated with the active language: callers that show
them to a customer activate the customer's language first.

Holiday extension: a seasonal rule set (``helpdesk.models.SeasonalRuleSet``) extends the
window of orders bought in its season when any of its phases' overrides has
``return_window_extension_until`` (ISO date, e.g. "2026-01-31"). Orders count as bought in
the season between ``return_extension_bought_from`` and ``return_extension_bought_until``
(ISO dates, inclusive) when the overrides give them, else from the rule set's
``prepare_from`` to its ``peak_until`` (in the rule set's time zone).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from customers.models import Customer, Order, OrderLine, Product, Store
from helpdesk.models import SeasonalRuleSet
from logistics.models import Shipment
from returns.models import Resolution, ReturnLine, ReturnPolicy, ReturnRequest

PASS, INFO, REVIEW, REJECT = "pass", "info", "review", "reject"
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
SERIAL_RETURNER_TAG = "serial-returner"
# Returns that no longer hold their items: these quantities may come back again.
RELEASED_STATUSES = (
    ReturnRequest.Status.CANCELLED,
    ReturnRequest.Status.REJECTED,
    ReturnRequest.Status.EXPIRED,
)
EXTENSION_UNTIL = "return_window_extension_until"
EXTENSION_BOUGHT_FROM = "return_extension_bought_from"
EXTENSION_BOUGHT_UNTIL = "return_extension_bought_until"


def money(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percent: Decimal) -> Decimal:
    return money(amount * percent / HUNDRED)


@dataclass
class Rule:
    """One rule evaluated: what it checked, its outcome and why, in plain words."""

    rule: str
    outcome: str
    detail: str
    line: int | None = None  # the order line it is about; None: the whole return
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.rule, "outcome": self.outcome, "detail": self.detail}
        if self.line is not None:
            data["line"] = self.line
        if self.params:
            data["params"] = self.params
        return data


@dataclass(frozen=True)
class LineEligibility:
    eligible: bool
    reason: str
    window_ends: dt.date | None
    returnable_quantity: int
    photos_required_reasons: frozenset[str]
    resolutions: list[str]
    exchange_options: list[Product]
    rules: list[dict[str, Any]]
    # Reasons for which "keep the item" is offered when it is in ``resolutions`` (empty: any).
    keep_item_reasons: frozenset[str] = frozenset()
    # Reasons that are the seller's fault: free return shipping, no restocking fee.
    seller_fault_reasons: frozenset[str] = frozenset()
    needs_review: bool = False  # eligible, but a person decides (e.g. no delivery date known)
    policy: ReturnPolicy | None = None


# --- what the rules read ---------------------------------------------------------------------


def policy_for(*, store: Store, category: str) -> ReturnPolicy | None:
    """The active policy of the product's category, else the store's default (empty category)."""
    candidates = ReturnPolicy.objects.filter(store=store, is_active=True, category__in={category, ""})
    policies = sorted(candidates, key=lambda p: (p.category != category, p.priority, p.pk))
    return policies[0] if policies else None


def order_delivered_at(*, order: Order) -> tuple[dt.datetime | None, bool]:
    """When the order's parcel was delivered (latest delivered outbound parcel), and whether
    the order has any outbound parcel at all."""
    parcels = list(
        Shipment.objects.filter(order=order, direction=Shipment.Direction.OUTBOUND).values_list(
            "delivered_at", "status"
        )
    )
    delivered = [at for at, _status in parcels if at is not None]
    return (max(delivered) if delivered else None), bool(parcels)


def _iso_date(value: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def holiday_extension(*, store: Store, placed_at: dt.datetime) -> tuple[dt.date, str] | None:
    """The latest extended return date a seasonal rule set gives an order placed at
    ``placed_at``, with the rule set's name; None when none applies."""
    rule_sets = (
        SeasonalRuleSet.objects.filter(is_enabled=True)
        .filter(Q(stores=None) | Q(stores=store.pk))
        .distinct()
        .order_by("pk")
    )
    best: tuple[dt.date, str] | None = None
    for rule_set in rule_sets:
        markets = [str(market).upper() for market in rule_set.markets or []]
        if markets and store.marketplace.upper() not in markets:
            continue
        zone = _zone(rule_set.timezone)
        bought_on = timezone.localtime(placed_at, zone).date()
        for overrides in (rule_set.overrides or {}).values():
            if not isinstance(overrides, dict):
                continue
            until = _iso_date(overrides.get(EXTENSION_UNTIL))
            if until is None:
                continue
            bought_from = _iso_date(overrides.get(EXTENSION_BOUGHT_FROM)) or (
                timezone.localtime(rule_set.prepare_from, zone).date()
            )
            bought_until = _iso_date(overrides.get(EXTENSION_BOUGHT_UNTIL)) or (
                timezone.localtime(rule_set.peak_until, zone).date()
            )
            if bought_from <= bought_on <= bought_until and (best is None or until > best[0]):
                best = (until, rule_set.name)
    return best


def _zone(name: str) -> dt.tzinfo:
    try:
        return ZoneInfo(name)
    except (ValueError, KeyError):  # a bad zone name in data must not break a return
        return dt.UTC


def already_returned_quantity(*, order_line: OrderLine) -> int:
    """Items of the line in returns that still hold them (not cancelled, rejected, expired)."""
    total = (
        ReturnLine.objects.filter(order_line=order_line)
        .exclude(return_request__status__in=RELEASED_STATUSES)
        .aggregate(total=Sum("quantity"))["total"]
    )
    return int(total or 0)


def title_stem(title: str) -> str:
    """The product name without its variant: "Oversized Hoodie, Grey" → "oversized hoodie"."""
    return re.split(r",| [-–—/|] |\(", title, maxsplit=1)[0].strip().casefold()


def sku_stem(sku: str) -> str:
    """The SKU without its last part: "HOODIE-OVERSIZE-GRY" → "HOODIE-OVERSIZE"."""
    return sku.rsplit("-", 1)[0].upper() if "-" in sku else sku.upper()


def exchange_options_for(*, product: Product | None) -> list[Product]:
    """Other variants of the product in its store: same category and the same name or SKU
    stem, at most its price (an exchange is not a way to get a dearer item for free). The
    catalogue has no stock figures, so every listed variant is offered."""
    if product is None:
        return []
    stem, sku = title_stem(product.title), sku_stem(product.sku)
    siblings = (
        Product.objects.filter(store_id=product.store_id, category=product.category, price__lte=product.price)
        .exclude(pk=product.pk)
        .order_by("sku")
    )
    return [p for p in siblings if title_stem(p.title) == stem or (sku != p.sku and sku_stem(p.sku) == sku)]


def customer_return_history(*, customer: Customer) -> tuple[int, int]:
    """(orders, orders with a return) of a customer: the larger of the counters kept on the
    customer (which include other platforms' history) and what this database holds."""
    orders = Order.objects.filter(customer=customer).count()
    returned = (
        ReturnRequest.objects.filter(customer=customer)
        .exclude(status=ReturnRequest.Status.CANCELLED)
        .values("order_id")
        .distinct()
        .count()
    )
    return max(orders, customer.orders_count), max(returned, customer.returns_count)


def high_claim_risk_tickets(*, order: Order, ticket_ids: Iterable[int] = ()) -> list[str]:
    """References of the tickets about this order (or given) flagged for claim review or scored
    at or above the claim-risk threshold."""
    from django.apps import apps

    Ticket = apps.get_model("tickets", "Ticket")  # returns does not import tickets (DESIGN.md)
    threshold = settings.CLAIM_RISK_REVIEW_THRESHOLD
    flagged = Ticket.objects.filter(Q(order=order) | Q(pk__in=list(ticket_ids))).filter(
        Q(claim_review=True) | Q(claim_risk__gte=threshold)
    )
    return list(flagged.order_by("pk").values_list("reference", flat=True))


def _date_text(value: dt.date) -> str:
    return str(formats.date_format(value, "DATE_FORMAT"))


def money_text(amount: Decimal, currency: str) -> str:
    return f"{amount:.2f} {currency}"


# --- one order line ----------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFacts:
    """What the rules need to know about an order once, for all of its lines."""

    delivered_at: dt.datetime | None
    has_outbound_parcel: bool
    extension: tuple[dt.date, str] | None


def order_facts(*, order: Order) -> OrderFacts:
    delivered_at, has_parcel = order_delivered_at(order=order)
    return OrderFacts(
        delivered_at=delivered_at,
        has_outbound_parcel=has_parcel,
        extension=holiday_extension(store=order.store, placed_at=order.placed_at),
    )


def order_line_eligibility(
    *, order_line: OrderLine, now: dt.datetime | None = None, facts: OrderFacts | None = None
) -> LineEligibility:
    """May this order line come back, until when, how many, how, and with photos?"""
    now = now or timezone.now()
    order = order_line.order
    store = order.store
    facts = facts or order_facts(order=order)
    product = order_line.product
    category = product.category if product is not None else ""
    policy = policy_for(store=store, category=category)
    rules: list[Rule] = []
    line_id = order_line.pk
    zone = _zone(store.timezone)
    today = timezone.localtime(now, zone).date()

    def add(rule: str, outcome: str, detail: str, **params: Any) -> None:
        rules.append(Rule(rule=rule, outcome=outcome, detail=detail, line=line_id, params=params))

    if policy is None:
        add("policy", REVIEW, _("This shop has no return policy yet: a person will decide."))
    else:
        add("policy", INFO, _("Policy: %(name)s.") % {"name": policy.name}, policy=policy.pk)

    if order.status in (Order.Status.CANCELLED, Order.Status.PENDING):
        add(
            "order_status", REJECT, _("The order was cancelled or never paid, so there is nothing to return.")
        )

    window_ends: dt.date | None = None
    counted_from_order_date = False
    if facts.delivered_at is not None:
        start = timezone.localtime(facts.delivered_at, zone).date()
        add(
            "delivered",
            PASS,
            _("Delivered on %(date)s.") % {"date": _date_text(start)},
            date=start.isoformat(),
        )
    elif facts.has_outbound_parcel:
        start = None
        add(
            "delivered",
            REJECT,
            _(
                "The parcel has not been delivered yet. A return can start once it arrives; "
                "if it never does, write to us and we will help."
            ),
        )
    else:
        # No tracking record: the order date is the earliest the window can start, so a
        # return inside it is inside the delivery window too; outside it a person decides.
        start = timezone.localtime(order.placed_at, zone).date()
        counted_from_order_date = True
        add(
            "delivered",
            INFO,
            _("No delivery scan on record: the window is counted from the order date, %(date)s.")
            % {"date": _date_text(start)},
            date=start.isoformat(),
        )

    if policy is not None and policy.final_sale:
        add(
            "final_sale",
            REJECT,
            _("Items of this kind (%(category)s) are final sale and cannot be returned.")
            % {"category": category or _("all products")},
        )
    elif policy is not None:
        add("final_sale", PASS, _("This kind of item can be returned."))

    if policy is not None and start is not None:
        window_ends = start + dt.timedelta(days=policy.window_days)
        if policy.honour_holiday_extension and facts.extension is not None:
            extended, season = facts.extension
            if extended > window_ends:
                window_ends = extended
                add(
                    "holiday_extension",
                    PASS,
                    _("Bought during %(season)s: returnable until %(date)s.")
                    % {"season": season, "date": _date_text(extended)},
                    until=extended.isoformat(),
                )
        if today <= window_ends:
            add(
                "window",
                PASS,
                _("Within the %(days)s-day return window (until %(date)s).")
                % {"days": policy.window_days, "date": _date_text(window_ends)},
                until=window_ends.isoformat(),
            )
        elif counted_from_order_date:
            add(
                "window",
                REVIEW,
                _("More than %(days)s days after the order and no delivery date known: a person checks.")
                % {"days": policy.window_days},
                until=window_ends.isoformat(),
            )
        else:
            add(
                "window",
                REJECT,
                _("The return window ended on %(date)s.") % {"date": _date_text(window_ends)},
                until=window_ends.isoformat(),
            )

    already = already_returned_quantity(order_line=order_line)
    returnable = max(order_line.quantity - already, 0)
    fully_refunded = order_line.total_paid > 0 and order_line.refunded_amount >= order_line.total_paid
    if fully_refunded:
        returnable = 0
        add("already_returned", REJECT, _("This item has already been refunded in full."))
    elif returnable == 0:
        add("already_returned", REJECT, _("This item has already been returned."), returned=already)
    elif already:
        add(
            "already_returned",
            INFO,
            _("%(returned)s of %(ordered)s already in another return.")
            % {"returned": already, "ordered": order_line.quantity},
            returned=already,
        )

    resolutions: list[str] = [Resolution.REFUND]
    options: list[Product] = []
    if policy is not None:
        if policy.store_credit_allowed:
            resolutions.append(Resolution.STORE_CREDIT)
        if policy.exchange_allowed:
            options = exchange_options_for(product=product)
            if options:
                resolutions.append(Resolution.EXCHANGE)
        if policy.keep_item_refund_percent > 0:
            resolutions.append(Resolution.KEEP_ITEM)

    rejecting = next((r for r in rules if r.outcome == REJECT), None)
    reviewing = next((r for r in rules if r.outcome == REVIEW), None)
    if rejecting is not None:
        reason = rejecting.detail
    elif reviewing is not None:
        reason = reviewing.detail
    elif window_ends is not None:
        reason = _("Can be returned until %(date)s.") % {"date": _date_text(window_ends)}
    else:
        reason = _("Can be returned.")
    return LineEligibility(
        eligible=rejecting is None,
        reason=reason,
        window_ends=window_ends,
        returnable_quantity=returnable if rejecting is None else 0,
        photos_required_reasons=frozenset(policy.photos_required_reasons if policy else ()),
        resolutions=[str(r) for r in resolutions] if rejecting is None else [],
        exchange_options=options if rejecting is None else [],
        rules=[rule.as_dict() for rule in rules],
        keep_item_reasons=frozenset(policy.keep_item_reasons if policy else ()),
        seller_fault_reasons=frozenset(policy.seller_pays_shipping_reasons if policy else ()),
        needs_review=reviewing is not None,
        policy=policy,
    )

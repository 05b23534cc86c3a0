"""Tiered compensation: what to offer for a bad experience, recording the offer, and the answer.

The three tiers: level 1 a coupon or loyalty points, level 2 a partial refund or a free reship,
level 3 a full refund plus a gift. ``compensation_suggest`` picks one from

* the problem: the intent (damaged, wrong, missing, not received, late…) and how many days the
  parcel is late against its promise or its lane;
* the order's value, the customer's value (lifetime spend, orders) and history (compensation
  already given, claims, returns);
* the store's ``CompensationPolicy``: amounts, and limits per tier per order and per month
  (an offer that does not fit drops to the tier below);

* the customer's tags, as the policy's tag rules say (``CompensationTagRule``: VIP one level
  up, serial returner nothing automatic until a lead reviews, at most level 1…);

and never suggests anything on a claim that is flagged or scores as high risk. The suggestion
says why in plain sentences, for the agent.

A parcel that is late and not delivered gets a choice rather than one remedy: wait with a
coupon, a reship by a faster carrier, and (level 3) a full refund. The customer picks on a
page reached by a signed link (``compensation_choice_link``); the answer is recorded once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.models import Customer, Order, Store
from helpdesk import broadcast
from helpdesk.access import ALL_STORES, visible_store_ids
from helpdesk.exceptions import ApplicationError
from helpdesk.money import MONEY_PLACES
from logistics.models import Carrier, LaneStatistic, Shipment, TrackingStatus
from returns.models import CompensationOffer, CompensationPolicy, CompensationTagRule, Refund

if TYPE_CHECKING:
    from tickets.models import Ticket

Tier = CompensationOffer.Tier
Kind = CompensationOffer.Kind
Status = CompensationOffer.Status

CENT = Decimal(1).scaleb(-MONEY_PLACES)
HUNDRED = Decimal(100)

# The options of a late parcel's choice (the same codes as the demo data).
WAIT_WITH_COUPON = "wait_with_coupon"
RESHIP_EXPRESS = "reship_express"
FULL_REFUND = "full_refund"
CHOICE_OPTIONS = (WAIT_WITH_COUPON, RESHIP_EXPRESS, FULL_REFUND)

# Intents (tickets.models.Intent), return reasons (returns.models.ReturnReason) and plain words.
INTENT_ALIASES = {
    "damaged": "damaged_item",
    "broken": "damaged_item",
    "defective": "damaged_item",
    "wrong": "wrong_item",
    "missing": "missing_item",
    "not_as_described": "not_as_described",
    "lost": "not_received",
    "arrived_late": "late",
    "delayed": "late",
}
DAMAGE_INTENTS = frozenset({"damaged_item", "not_as_described"})
RESHIP_INTENTS = frozenset({"wrong_item", "missing_item"})
CLAIM_INTENTS = DAMAGE_INTENTS | RESHIP_INTENTS | {"not_received"}
# Intents about a parcel that has not arrived (yet): they get the wait / reship / refund choice.
WAITING_INTENTS = frozenset({"not_received", "where_is_my_order", "customs_duties"})
LATE_INTENTS = WAITING_INTENTS | {"late"}

# History: what lowers a tier.
HISTORY_WINDOW = timedelta(days=365)
REPEAT_COMPENSATIONS = 2
FREQUENT_CLAIMS = 3
HIGH_RETURN_RATE = Decimal("0.5")
RETURN_RATE_MIN_ORDERS = 2
# Offers that hold money against the limits: a declined or expired offer frees it.
COMMITTED = (Status.SUGGESTED, Status.OFFERED, Status.ACCEPTED)

CHOICE_SALT = "returns.compensation.choice"
CHOICE_LINK_MAX_AGE = timedelta(days=30)


@dataclass(frozen=True)
class CompensationSuggestion:
    tier: int
    kind: str
    amount: Decimal  # what the offer may cost the store, counted against the limits
    currency: str
    reasons: list[str]
    options: tuple[str, ...] = ()
    terms: dict[str, Any] = field(default_factory=dict)
    delay_days: int = 0

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label)

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)


@dataclass(frozen=True)
class OfferAnswer:
    offer: CompensationOffer
    recorded: bool  # False: the offer had been answered already, and this answer changed nothing


# --- suggesting ------------------------------------------------------------------------------


def compensation_policy_for(*, store: Store) -> CompensationPolicy:
    """The store's policy, or the defaults (unsaved) when its managers have not set one."""
    policy = CompensationPolicy.objects.filter(store=store).select_related("reship_carrier").first()
    if policy is None:
        policy = CompensationPolicy(store=store)
        policy.clean_fields(exclude=["store", "reship_carrier"])  # the defaults as Decimals, like a saved row
    return policy


def compensation_suggest(
    *, order: Order, ticket: Ticket | None = None, intent: str = "", delay_days: int = 0
) -> CompensationSuggestion | None:
    """The tier to offer for ``order`` and why, or None when nothing should be offered.

    ``delay_days``: how late the parcel is, when the caller knows (logistics); otherwise it is
    read from the ticket's (or the order's) parcel against its promised date or its lane.
    """
    store = order.store
    policy = compensation_policy_for(store=store)
    if not policy.is_active or order.currency != store.currency:
        return None
    if compensation_blocked_by_claim_risk(order=order, ticket=ticket):
        return None
    tag_rules = _tag_rules(policy=policy, order=order)
    if any(effect == CompensationTagRule.Effect.REVIEW for _name, effect in tag_rules):
        return None
    if order.status in (Order.Status.REFUNDED, Order.Status.CANCELLED) or order.total <= 0:
        return None
    intent = _normalise_intent(intent or (ticket.intent if ticket is not None else ""))
    shipment = _parcel(order=order, ticket=ticket)
    if delay_days <= 0:
        delay_days = parcel_delay_days(shipment=shipment)
    reasons: list[str] = []

    tier = _tier_from_problem(policy=policy, intent=intent, delay_days=delay_days, reasons=reasons)
    if tier == 0:
        return None
    if intent in CLAIM_INTENTS and tier == Tier.COUPON and order.total >= policy.high_value_order > 0:
        tier = Tier.PARTIAL
        reasons.append(
            _("High-value order (%(total)s %(currency)s): a coupon would not match the loss.")
            % {"total": order.total, "currency": order.currency}
        )
    tier += _customer_adjustment(policy=policy, order=order, reasons=reasons)
    tier += _tag_adjustment(tag_rules=tag_rules, reasons=reasons)
    if tier < Tier.COUPON:
        return None
    tier = min(tier, Tier.FULL)
    cap, capped_by = _tag_cap(tag_rules=tag_rules)
    if tier > cap:
        tier = cap
        reasons.append(_("Customer tag %(tag)s: at most level %(tier)s.") % {"tag": capped_by, "tier": cap})

    waiting = intent in LATE_INTENTS and _not_delivered(intent=intent, shipment=shipment)
    carrier = (
        _faster_carrier(policy=policy, shipment=shipment) if waiting or intent in RESHIP_INTENTS else None
    )
    for candidate in range(tier, 0, -1):
        suggestion = _fit_to_limits(
            policy=policy,
            order=order,
            tier=candidate,
            intent=intent,
            waiting=waiting,
            carrier=carrier,
            delay_days=delay_days,
            reasons=list(reasons),
        )
        if suggestion is not None:
            return suggestion
        reasons.append(
            _("Level %(tier)s does not fit the store's limits for this order or this month.")
            % {"tier": candidate}
        )
    return None


def parcel_delay_days(*, shipment: Shipment | None, now: datetime | None = None) -> int:
    """Days the parcel is (or was) late: against its promised date, else its lane's p80."""
    if shipment is None:
        return 0
    expected = shipment.promised_by
    if expected is None and shipment.estimated_delivery_at is not None:
        expected = shipment.estimated_delivery_at.date()
    if expected is None and shipment.shipped_at is not None and shipment.carrier_id is not None:
        lane = LaneStatistic.objects.filter(
            origin_country=shipment.origin_country,
            destination_country=shipment.destination_country,
            carrier_id=shipment.carrier_id,
        ).first()
        if lane is not None:
            expected = (shipment.shipped_at + timedelta(days=float(lane.p80_days))).date()
    if expected is None:
        return 0
    end = shipment.delivered_at or now or timezone.now()
    return max(0, (end.date() - expected).days)


def _normalise_intent(intent: str) -> str:
    value = intent.strip().lower().replace(" ", "_").replace("-", "_")
    return INTENT_ALIASES.get(value, value)


def compensation_blocked_by_claim_risk(*, order: Order, ticket: Ticket | None) -> bool:
    """A claim flagged for review, or scoring at the review threshold, gets nothing automatic."""
    threshold = settings.CLAIM_RISK_REVIEW_THRESHOLD
    if ticket is not None and (
        ticket.claim_review or (ticket.claim_risk is not None and ticket.claim_risk >= threshold)
    ):
        return True
    return order.tickets.filter(Q(claim_review=True) | Q(claim_risk__gte=threshold)).exists()


def _parcel(*, order: Order, ticket: Ticket | None) -> Shipment | None:
    if ticket is not None and ticket.shipment_id is not None:
        return ticket.shipment
    return (
        Shipment.objects.filter(order=order, direction=Shipment.Direction.OUTBOUND)
        .select_related("carrier")
        .order_by("-shipped_at", "-id")
        .first()
    )


def _not_delivered(*, intent: str, shipment: Shipment | None) -> bool:
    if shipment is not None:
        return shipment.status != TrackingStatus.DELIVERED
    return intent in WAITING_INTENTS  # "late" without a parcel: the customer has it, late


def _tier_from_problem(
    *, policy: CompensationPolicy, intent: str, delay_days: int, reasons: list[str]
) -> int:
    tier = 0
    if intent in DAMAGE_INTENTS:
        tier = Tier.PARTIAL
        reasons.append(_("The item arrived damaged or not as described: level 2."))
    elif intent in RESHIP_INTENTS:
        tier = Tier.PARTIAL
        reasons.append(_("A wrong or missing item: level 2, the right item sent again."))
    by_delay: int
    if delay_days >= policy.severe_delay_days:
        by_delay = Tier.FULL
    elif delay_days >= policy.moderate_delay_days:
        by_delay = Tier.PARTIAL
    elif delay_days >= 1:
        by_delay = Tier.COUPON
    else:
        by_delay = 0
    if by_delay:
        reasons.append(
            _(
                "The parcel is %(days)s days late (level %(tier)s from %(moderate)s days: 2, from %(severe)s: 3)."
            )
            % {
                "days": delay_days,
                "tier": by_delay,
                "moderate": policy.moderate_delay_days,
                "severe": policy.severe_delay_days,
            }
        )
    elif intent in LATE_INTENTS:
        reasons.append(_("The parcel is not late against its promised date or its lane: nothing to offer."))
    return max(tier, by_delay)


def _customer_adjustment(*, policy: CompensationPolicy, order: Order, reasons: list[str]) -> int:
    """+1 for a valued customer, -1 for a history of compensation, claims or returns."""
    customer = order.customer
    if customer is None:
        return 0
    step = 0
    spend_counts = customer.lifetime_value_currency == order.currency
    valued_by_spend = spend_counts and customer.lifetime_value >= policy.vip_lifetime_value > 0
    valued_by_orders = customer.orders_count >= policy.vip_orders_count > 0
    if valued_by_spend or valued_by_orders:
        step += 1
        reasons.append(
            _("A valued customer (%(orders)s orders, %(spend)s %(currency)s spent): one level up.")
            % {
                "orders": customer.orders_count,
                "spend": customer.lifetime_value,
                "currency": customer.lifetime_value_currency,
            }
        )
    history = _history_reasons(customer=customer, order=order)
    if history:
        step -= 1
        reasons.extend(history)
        reasons.append(_("Because of this history: one level down."))
    return step


def _tag_rules(*, policy: CompensationPolicy, order: Order) -> list[tuple[str, str]]:
    """(tag name, effect) of the policy's tag rules whose tag the order's customer has."""
    if policy.pk is None or order.customer_id is None:
        return []
    return list(
        CompensationTagRule.objects.filter(policy=policy, tag__customer_links__customer_id=order.customer_id)
        .order_by("id")
        .values_list("tag__name", "effect")
    )


def compensation_held_by_tag(*, order: Order) -> str:
    """Why the customer's tags hold compensation for a lead's review ("" when they do not)."""
    policy = compensation_policy_for(store=order.store)
    names = [
        name
        for name, effect in _tag_rules(policy=policy, order=order)
        if effect == CompensationTagRule.Effect.REVIEW
    ]
    if not names:
        return ""
    return _("Customer tag %(tags)s: no compensation without a lead's review.") % {"tags": ", ".join(names)}


def _tag_adjustment(*, tag_rules: list[tuple[str, str]], reasons: list[str]) -> int:
    Effect = CompensationTagRule.Effect
    step = 0
    for name, effect in tag_rules:
        if effect == Effect.UP:
            step += 1
            reasons.append(_("Customer tag %(tag)s: one level up.") % {"tag": name})
        elif effect == Effect.DOWN:
            step -= 1
            reasons.append(_("Customer tag %(tag)s: one level down.") % {"tag": name})
    return step


def _tag_cap(*, tag_rules: list[tuple[str, str]]) -> tuple[int, str]:
    """The highest tier the customer's tags allow (the lowest cap wins), and the tag that sets it."""
    caps: dict[str, int] = {
        CompensationTagRule.Effect.MAX_COUPON: int(Tier.COUPON),
        CompensationTagRule.Effect.MAX_PARTIAL: int(Tier.PARTIAL),
    }
    cap, capped_by = int(Tier.FULL), ""
    for name, effect in tag_rules:
        if effect in caps and caps[effect] < cap:
            cap, capped_by = caps[effect], name
    return cap, capped_by


def _history_reasons(*, customer: Customer, order: Order) -> list[str]:
    found: list[str] = []
    since = timezone.now() - HISTORY_WINDOW
    given = (
        CompensationOffer.objects.filter(
            customer=customer, status__in=(Status.OFFERED, Status.ACCEPTED), created_at__gte=since
        )
        .exclude(order=order)
        .count()
    )
    if given >= REPEAT_COMPENSATIONS:
        found.append(_("Already compensated %(count)s times in the last 12 months.") % {"count": given})
    if customer.claims_count >= FREQUENT_CLAIMS:
        found.append(_("Filed %(count)s claims before.") % {"count": customer.claims_count})
    if customer.orders_count >= RETURN_RATE_MIN_ORDERS:
        rate = Decimal(customer.returns_count) / Decimal(customer.orders_count)
        if rate >= HIGH_RETURN_RATE:
            found.append(
                _("Returned %(returns)s of %(orders)s orders.")
                % {"returns": customer.returns_count, "orders": customer.orders_count}
            )
    return found


def _faster_carrier(*, policy: CompensationPolicy, shipment: Shipment | None) -> Carrier | None:
    """The store's express carrier, else the quickest carrier on the parcel's lane, if quicker."""
    if policy.reship_carrier is not None:
        return policy.reship_carrier
    if shipment is None or not shipment.destination_country:
        return None
    lanes = LaneStatistic.objects.filter(
        origin_country=shipment.origin_country, destination_country=shipment.destination_country
    ).select_related("carrier")
    fastest = lanes.order_by("median_days", "carrier_id").first()
    if fastest is None or fastest.carrier_id == shipment.carrier_id:
        return None
    current = lanes.filter(carrier_id=shipment.carrier_id).first() if shipment.carrier_id else None
    if current is not None and current.median_days <= fastest.median_days:
        return None
    return fastest.carrier


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _refundable(order: Order) -> Decimal:
    # As the refund ledger counts it: every refund recorded, a failed one too (it is retried).
    refunded = Refund.objects.filter(order=order).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return max(Decimal(0), order.total - refunded)


def _fit_to_limits(
    *,
    policy: CompensationPolicy,
    order: Order,
    tier: int,
    intent: str,
    waiting: bool,
    carrier: Carrier | None,
    delay_days: int,
    reasons: list[str],
) -> CompensationSuggestion | None:
    """The offer of ``tier``, shrunk to what the limits leave; None when it cannot fit."""
    room = _room(policy=policy, order=order, tier=tier)
    customer = order.customer
    coupon = _money(max(policy.coupon_value, order.total * policy.coupon_percent / HUNDRED))
    refundable = _money(_refundable(order))
    terms: dict[str, Any] = {}
    options: tuple[str, ...] = ()
    if tier == Tier.COUPON:
        repeat = customer is not None and customer.orders_count >= 2
        if policy.points > 0 and repeat:
            kind, amount = Kind.POINTS, policy.points_value
            terms["points"] = policy.points
            reason = _("Level 1: %(points)s loyalty points for a repeat customer.") % {
                "points": policy.points
            }
        else:
            kind, amount = Kind.COUPON, coupon
            reason = _("Level 1: a coupon for the next order.")
        if room is not None and amount > room and kind == Kind.COUPON:
            amount = _money(room)  # a coupon can be smaller; points are a fixed grant
            reason += " " + _("Reduced to the store's limit.")
        if amount <= 0 or (room is not None and amount > room):
            return None
        if kind == Kind.COUPON:
            terms["coupon"] = str(amount)
    elif tier == Tier.PARTIAL and waiting:
        kind, options = Kind.CHOICE, (WAIT_WITH_COUPON, RESHIP_EXPRESS)
        amount = max(coupon, order.total)
        terms.update(coupon=str(coupon), reship_value=str(order.total))
        reason = _("Level 2 for a late parcel: the customer chooses to wait with a coupon or a reship.")
    elif tier == Tier.PARTIAL and intent in RESHIP_INTENTS:
        kind, amount = Kind.RESHIP, order.total
        terms["reship_value"] = str(order.total)
        reason = _("Level 2: the item sent again, free.")
    elif tier == Tier.PARTIAL:
        kind = Kind.PARTIAL_REFUND
        amount = min(_money(order.total * policy.partial_refund_percent / HUNDRED), refundable)
        reason = _("Level 2: a partial refund of %(percent)s%% of the order.") % {
            "percent": policy.partial_refund_percent.normalize()
        }
        if room is not None and amount > room:
            amount = _money(room)
            reason += " " + _("Reduced to the store's limit.")
        if amount <= 0:
            return None
        terms["refund"] = str(amount)
    elif waiting:
        kind, options = Kind.CHOICE, CHOICE_OPTIONS
        amount = max(coupon, order.total, refundable)
        terms.update(coupon=str(coupon), reship_value=str(order.total), refund=str(refundable))
        reason = _("Level 3 for a badly late parcel: wait with a coupon, a faster reship, or a full refund.")
        if refundable <= 0:
            return None
    else:
        kind = Kind.FULL_REFUND_GIFT
        amount = refundable + policy.gift_value
        terms.update(refund=str(refundable), gift=policy.gift, gift_value=str(policy.gift_value))
        reason = _("Level 3: a full refund of what is left to refund (%(refund)s %(currency)s)") % {
            "refund": refundable,
            "currency": order.currency,
        }
        reason += (_(" and a gift: %(gift)s.") % {"gift": policy.gift}) if policy.gift else "."
        if refundable <= 0:
            return None
    if room is not None and amount > room:
        return None
    if kind in (Kind.CHOICE, Kind.RESHIP):
        terms["carrier"] = carrier.code if carrier is not None else ""
        terms["carrier_name"] = carrier.name if carrier is not None else ""
    return CompensationSuggestion(
        tier=tier,
        kind=kind,
        amount=_money(amount),
        currency=order.currency,
        reasons=[*reasons, reason],
        options=options,
        terms=terms,
        delay_days=delay_days,
    )


def _room(*, policy: CompensationPolicy, order: Order, tier: int) -> Decimal | None:
    """What the per-order and monthly limits of ``tier`` still allow; None: no limit."""
    per_order = getattr(policy, f"tier{tier}_max_per_order")
    monthly = getattr(policy, f"tier{tier}_monthly_budget")
    room: Decimal | None = None
    if per_order is not None:
        used = _committed(CompensationOffer.objects.filter(order=order, tier=tier))
        room = per_order - used
    if monthly is not None:
        used = _committed(
            CompensationOffer.objects.filter(
                order__store_id=order.store_id, tier=tier, created_at__gte=_month_start(order.store)
            )
        )
        left = monthly - used
        room = left if room is None else min(room, left)
    return room


def _committed(offers: Any) -> Decimal:
    total = offers.filter(status__in=COMMITTED).aggregate(total=Sum("amount"))["total"]
    return total or Decimal(0)


def _month_start(store: Store) -> datetime:
    """The first of this month, midnight in the store's time zone (its budget month)."""
    try:
        zone = ZoneInfo(store.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    local = timezone.localtime(timezone.now(), zone)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


# --- offering --------------------------------------------------------------------------------


@transaction.atomic
def compensation_offer_create(
    *,
    order: Order,
    ticket: Ticket | None = None,
    intent: str = "",
    delay_days: int = 0,
    actor: User | AnonymousUser | None = None,
    expected_tier: int | None = None,
) -> CompensationOffer:
    """Offer what ``compensation_suggest`` suggests now.

    One live offer per ticket (or per order, without a ticket): while one is offered or
    accepted, offering again (a double click, a second agent, logistics twice) returns it;
    after a decline another tier may be offered, and each tier at most once (a database
    constraint). The suggestion is worked out again under a lock on the store, so two agents
    at once never overrun a limit. ``expected_tier``: the tier the agent saw; if the
    suggestion has changed since, nothing is offered and the error says so.
    """
    human = _check_may_offer(actor=actor, order=order)
    if ticket is not None and ticket.order_id != order.pk:
        raise ApplicationError(_("This ticket is not about order %(order)s.") % {"order": order})
    Store.objects.select_for_update().filter(pk=order.store_id).first()
    live = compensation_live_offer(order=order, ticket=ticket)
    if live is not None:
        return live
    suggestion = compensation_suggest(order=order, ticket=ticket, intent=intent, delay_days=delay_days)
    if suggestion is None:
        raise ApplicationError(_("No compensation can be offered on this order now."))
    existing = _existing_offer(order=order, ticket=ticket, tier=suggestion.tier)
    if existing is not None:
        raise ApplicationError(
            _("%(tier)s was already offered on this order and %(status)s.")
            % {"tier": suggestion.tier_label, "status": existing.get_status_display().lower()}
        )
    if expected_tier is not None and expected_tier != suggestion.tier:
        raise ApplicationError(
            _("The suggestion changed to %(tier)s since the page was opened; check it and offer again.")
            % {"tier": suggestion.tier_label}
        )
    offer = CompensationOffer(
        order=order,
        customer=order.customer,
        ticket=ticket,
        scope_ticket_id=ticket.pk if ticket is not None else 0,
        tier=suggestion.tier,
        kind=suggestion.kind,
        amount=suggestion.amount,
        currency=suggestion.currency,
        options=list(suggestion.options),
        status=Status.OFFERED,
        reason=" ".join(suggestion.reasons)[:300],
        reasons=suggestion.reasons,
        terms={**suggestion.terms, "delay_days": suggestion.delay_days},
        offered_by=human,
        created_at=timezone.now(),
    )
    offer.full_clean()
    try:
        with transaction.atomic():
            offer.save()
    except IntegrityError:
        # Another request offered the same tier between the look and the save.
        existing = _existing_offer(order=order, ticket=ticket, tier=suggestion.tier)
        if existing is None:
            raise
        return existing
    _announce(offer)
    return offer


def compensation_live_offer(*, order: Order, ticket: Ticket | None) -> CompensationOffer | None:
    """The offer made on this ticket (or this order, without a ticket) that is still open or taken."""
    return (
        CompensationOffer.objects.filter(
            order=order, ticket=ticket, status__in=(Status.OFFERED, Status.ACCEPTED)
        )
        .order_by("-created_at", "-id")
        .first()
    )


def _existing_offer(*, order: Order, ticket: Ticket | None, tier: int) -> CompensationOffer | None:
    return CompensationOffer.objects.filter(order=order, ticket=ticket, tier=tier).first()


def _check_may_offer(*, actor: User | AnonymousUser | None, order: Order) -> User | None:
    """None for the system (logistics, rules); a person must hold the permission and see the store."""
    if actor is None:
        return None
    if not isinstance(actor, User) or not actor.is_active:
        raise ApplicationError(_("Sign in to offer compensation."))
    if not actor.has_perm("returns.add_compensationoffer"):
        raise ApplicationError(_("You may not offer compensation."))
    stores = visible_store_ids(actor)
    if stores is not ALL_STORES and order.store_id not in stores:
        raise ApplicationError(_("This order is not in your stores."))
    return actor


def _announce(offer: CompensationOffer) -> None:
    if offer.ticket_id:
        broadcast.broadcast_on_commit(
            [broadcast.ticket_group(offer.ticket_id)],
            {"kind": "compensation.changed", "offer": offer.pk, "status": offer.status},
        )


# --- the answer ------------------------------------------------------------------------------


@transaction.atomic
def compensation_offer_accept(
    *, offer: CompensationOffer, option: str = "", actor: User | AnonymousUser | None = None
) -> OfferAnswer:
    """The customer takes the offer (for a choice: ``option``). Recorded once, under a row lock:
    a second answer, from a second tab or a double click, changes nothing and gets the first.

    What follows from the answer happens here too: a refund goes through the refund ledger
    under a key derived from the offer (so exactly one refund), a reship becomes an outbound
    parcel waiting to be sent (status pending) for the agent to ship.
    """
    locked = CompensationOffer.objects.select_for_update().select_related("order__store").get(pk=offer.pk)
    if locked.status in (Status.ACCEPTED, Status.DECLINED):
        return OfferAnswer(offer=locked, recorded=False)
    if locked.status == Status.EXPIRED:
        raise ApplicationError(_("This offer has expired."))
    if locked.kind == Kind.CHOICE:
        if option not in (locked.options or []):
            raise ApplicationError(_("Choose one of the options offered."))
    else:
        option = ""
    human = actor if isinstance(actor, User) and actor.is_active else None
    now = timezone.now()
    remedy = option or locked.kind
    if remedy in (FULL_REFUND, Kind.FULL_REFUND_GIFT, Kind.PARTIAL_REFUND):
        locked.refund = _refund(offer=locked, actor=human)
        locked.amount = locked.refund.amount + (
            Decimal(str(locked.terms.get("gift_value", "0"))) if remedy == Kind.FULL_REFUND_GIFT else 0
        )
    elif remedy in (RESHIP_EXPRESS, Kind.RESHIP):
        locked.reship_shipment = _reship(offer=locked)
        locked.amount = Decimal(str(locked.terms.get("reship_value", locked.amount)))
    elif remedy == WAIT_WITH_COUPON:
        locked.amount = Decimal(str(locked.terms.get("coupon", locked.amount)))
    locked.status = Status.ACCEPTED
    locked.chosen_option = option
    locked.responded_at = now
    locked.save(
        update_fields=["status", "chosen_option", "responded_at", "amount", "refund", "reship_shipment"]
    )
    _announce(locked)
    return OfferAnswer(offer=locked, recorded=True)


@transaction.atomic
def compensation_offer_decline(
    *, offer: CompensationOffer, actor: User | AnonymousUser | None = None
) -> OfferAnswer:
    """The customer says no (or an agent records that they did); once, like an acceptance."""
    locked = CompensationOffer.objects.select_for_update().get(pk=offer.pk)
    if locked.status in (Status.ACCEPTED, Status.DECLINED, Status.EXPIRED):
        return OfferAnswer(offer=locked, recorded=False)
    locked.status = Status.DECLINED
    locked.responded_at = timezone.now()
    locked.save(update_fields=["status", "responded_at"])
    _announce(locked)
    return OfferAnswer(offer=locked, recorded=True)


def _refund(*, offer: CompensationOffer, actor: User | None) -> Refund:
    from returns.services.refunds import refund_issue

    amount = Decimal(str(offer.terms.get("refund", offer.amount)))
    if amount <= 0:
        raise ApplicationError(_("Nothing is left to refund on this order."))
    return refund_issue(
        order=offer.order,
        amount=amount,
        currency=offer.currency,
        method=Refund.Method.ORIGINAL_PAYMENT,
        idempotency_key=f"compensation-{offer.pk}-refund",
        actor=actor,
        reason=_("Compensation: %(kind)s") % {"kind": offer.get_kind_display()},
    )


def _reship(*, offer: CompensationOffer) -> Shipment:
    """The reship as an outbound parcel waiting to be sent (status pending): the agent or the
    warehouse ships it and puts the carrier's number on it. Until then its number is a
    placeholder (``RESHIP-<offer>``) that no carrier knows, and it is not shipped."""
    order = offer.order
    original = (
        Shipment.objects.filter(order=order, direction=Shipment.Direction.OUTBOUND).order_by("-id").first()
    )
    carrier = Carrier.objects.filter(code=offer.terms.get("carrier") or "").first()
    if carrier is None and original is not None:
        carrier = original.carrier
    shipment, _created = Shipment.objects.get_or_create(
        tracking_number=f"RESHIP-{offer.pk}",
        carrier=carrier,
        defaults={
            "store_id": order.store_id,
            "order": order,
            "direction": Shipment.Direction.OUTBOUND,
            "status": TrackingStatus.PENDING,
            "origin_country": original.origin_country if original is not None else "",
            "destination_country": (original.destination_country if original else "")
            or order.shipping_country,
        },
    )
    return shipment


# --- the customer's link ---------------------------------------------------------------------


def compensation_choice_link(offer: CompensationOffer) -> str:
    """The signed link (valid 30 days) to the page where the customer picks an option."""
    if offer.kind != Kind.CHOICE:
        raise ApplicationError(_("Only a choice offer has a link for the customer."))
    token = signing.dumps({"offer": offer.pk}, salt=CHOICE_SALT, compress=True)
    return settings.HELPDESK_PUBLIC_URL.rstrip("/") + reverse("compensation:choice", args=[token])


def compensation_offer_from_token(
    *, token: str, max_age: timedelta | None = CHOICE_LINK_MAX_AGE
) -> CompensationOffer:
    """The offer a link names. Raises ``signing.SignatureExpired`` (older than ``max_age``),
    ``signing.BadSignature`` (changed or made up) or ``CompensationOffer.DoesNotExist``.
    ``max_age=None`` reads an expired link, to tell its customer in their language."""
    data = signing.loads(token, salt=CHOICE_SALT, max_age=max_age)
    offer_id = data.get("offer") if isinstance(data, dict) else None
    if not isinstance(offer_id, int):
        raise signing.BadSignature("no offer in the token")
    return CompensationOffer.objects.select_related("order__store", "customer", "ticket").get(pk=offer_id)


def compensation_offer_message(*, offer: CompensationOffer, language: str) -> str:
    """What the agent sends the customer with the offer, in the customer's language."""
    with translation.override(language):
        if offer.kind == Kind.CHOICE:
            return _(
                "We are sorry that your parcel is late. Please choose what suits you best — wait for "
                "it with a coupon, have it sent again by a faster service, or a refund — on this "
                "page: %(link)s"
            ) % {"link": compensation_choice_link(offer)}
        terms = offer.terms or {}
        value = f"{offer.amount} {offer.currency}"
        refund = f"{terms.get('refund', offer.amount)} {offer.currency}"
        gift = str(terms.get("gift") or "")
        texts = {
            Kind.COUPON: _("As an apology, we would like to offer you a coupon worth %(value)s."),
            Kind.POINTS: _("As an apology, we have added %(points)s loyalty points to your account."),
            Kind.PARTIAL_REFUND: _("As an apology, we would like to refund you %(value)s."),
            Kind.RESHIP: _("We will send you the right item again, free of charge."),
            Kind.FULL_REFUND_GIFT: (
                _("We will refund your order in full (%(refund)s) and send you a gift: %(gift)s.")
                if gift
                else _("We will refund your order in full (%(refund)s).")
            ),
        }
        return texts[Kind(offer.kind)] % {
            "value": value,
            "refund": refund,
            "gift": gift,
            "points": terms.get("points", ""),
        }


def compensation_offer_record_answer(
    *, offer: CompensationOffer, accepted: bool, actor: User | AnonymousUser | None
) -> OfferAnswer:
    """An agent records the answer the customer gave in the conversation. A choice is answered
    by the customer on the page its link opens (the agent may still record a "no")."""
    if actor is None:
        raise ApplicationError(_("Sign in to offer compensation."))
    _check_may_offer(actor=actor, order=offer.order)
    if accepted and offer.kind == Kind.CHOICE:
        raise ApplicationError(_("The customer picks an option on the page the link opens."))
    if accepted:
        return compensation_offer_accept(offer=offer, actor=actor)
    return compensation_offer_decline(offer=offer, actor=actor)

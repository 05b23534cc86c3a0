"""Every non-trivial read of shipments, scoped to the stores the user may see."""

from __future__ import annotations

import datetime as dt
import hmac
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet

from customers.models import Order, Store
from helpdesk.access import Viewer, scope_to_user
from helpdesk.models import SeasonalRuleSet
from helpdesk.seasons import rule_set_phase_at
from logistics.models import (
    Carrier,
    LaneStatistic,
    Shipment,
    ShipmentAnomaly,
    TrackingEvent,
    TrackingProviderAccount,
    TrackingStatus,
)
from logistics.tracking_numbers import Candidate

# The anomaly filter value meaning "any anomaly at all".
ANY_ANOMALY = "any"


def shipment_visible_to(*, user: Viewer) -> QuerySet[Shipment]:
    return scope_to_user(Shipment.objects.all(), user)


def shipment_list(*, user: Viewer, status: str = "", anomaly: str = "") -> QuerySet[Shipment]:
    """Parcels, most recently scanned first.

    ``status`` is a tracking status; ``anomaly`` is an anomaly kind or ``"any"``.
    Unknown values are ignored rather than matching nothing.
    """
    shipments = shipment_visible_to(user=user)
    if status in TrackingStatus.values:
        shipments = shipments.filter(status=status)
    if anomaly == ANY_ANOMALY:
        shipments = shipments.exclude(anomaly=Shipment.Anomaly.NONE)
    elif anomaly and anomaly in Shipment.Anomaly.values:
        shipments = shipments.filter(anomaly=anomaly)
    return shipments.select_related("store", "carrier", "order").order_by(
        F("last_event_at").desc(nulls_last=True), "-created_at", "-id"
    )


def shipment_get_for_user(*, user: Viewer, shipment_id: int) -> Shipment:
    """A parcel the user may see, with its tracking events in time order and its anomalies.

    Raises ``Shipment.DoesNotExist`` when it is missing or not visible.
    """
    return (
        shipment_visible_to(user=user)
        .select_related("store", "carrier", "order__customer")
        .prefetch_related(
            Prefetch("events", queryset=TrackingEvent.objects.order_by("occurred_at", "id")),
            Prefetch("anomalies", queryset=ShipmentAnomaly.objects.order_by("-detected_at")),
        )
        .get(pk=shipment_id)
    )


def shipment_list_for_order(*, user: Viewer, order_id: int) -> QuerySet[Shipment]:
    """The parcels of one order (outbound and return), oldest first."""
    return (
        shipment_visible_to(user=user)
        .filter(order_id=order_id)
        .select_related("carrier")
        .order_by("created_at", "id")
    )


def shipment_list_for_customer(*, user: Viewer, customer_id: int, limit: int = 10) -> list[Shipment]:
    """A customer's most recent parcels (through their orders), each with its tracking events
    in time order, for the customer panel of a ticket."""
    return list(
        shipment_visible_to(user=user)
        .filter(order__customer_id=customer_id)
        .select_related("carrier", "order")
        .prefetch_related(Prefetch("events", queryset=TrackingEvent.objects.order_by("occurred_at", "id")))
        .order_by("-created_at", "-id")[:limit]
    )


# Lanes, expected delivery, seasonal padding, the delivery scan ---------------------------------

# Statuses after which a parcel's journey is over: no ETA, no time-based anomaly.
FINAL_STATUSES = frozenset(
    {TrackingStatus.DELIVERED, TrackingStatus.RETURNED_TO_SENDER, TrackingStatus.EXPIRED}
)
# The key of ``SeasonalRuleSet.overrides[phase]`` that pads delivery expectations: a number of
# days for every lane touching the rule set's markets, or per destination country, e.g.
# {"US": 5, "GB": 4, "*": 2} ("*": any other destination). Chinese New Year closes warehouses
# and carriers for a fortnight, so its rule set may say 10.
SEASON_PADDING_KEY = "delivery_padding_days"

LaneKey = tuple[str, str, int]


def lane_key(shipment: Shipment) -> LaneKey | None:
    if shipment.carrier_id is None or not shipment.origin_country or not shipment.destination_country:
        return None
    return (shipment.origin_country, shipment.destination_country, shipment.carrier_id)


def lane_for_shipment(shipment: Shipment) -> LaneStatistic | None:
    """The stored figures of the parcel's lane (origin → destination by its carrier), if computed."""
    key = lane_key(shipment)
    if key is None:
        return None
    origin, destination, carrier_id = key
    return LaneStatistic.objects.filter(
        origin_country=origin, destination_country=destination, carrier_id=carrier_id
    ).first()


def lanes_for_shipments(shipments: Iterable[Shipment]) -> dict[LaneKey, LaneStatistic]:
    """The stored figures of the lanes of many parcels, in one query, by lane."""
    keys = {key for key in (lane_key(shipment) for shipment in shipments) if key is not None}
    if not keys:
        return {}
    condition = Q()
    for origin, destination, carrier_id in keys:
        condition |= Q(origin_country=origin, destination_country=destination, carrier_id=carrier_id)
    return {
        (lane.origin_country, lane.destination_country, lane.carrier_id): lane
        for lane in LaneStatistic.objects.filter(condition)
    }


@dataclass(frozen=True)
class SeasonRules:
    """The enabled seasonal rule sets with their stores, read once for a batch of parcels."""

    rule_sets: tuple[tuple[SeasonalRuleSet, frozenset[int]], ...]


def season_rules() -> SeasonRules:
    rule_sets = SeasonalRuleSet.objects.filter(is_enabled=True).prefetch_related("stores").order_by("pk")
    return SeasonRules(
        tuple((rule_set, frozenset(store.pk for store in rule_set.stores.all())) for rule_set in rule_sets)
    )


def _padding_value(value: object, destination: str) -> int:
    if isinstance(value, dict):
        value = value.get(destination.upper(), value.get("*", 0))
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return 0
    try:
        return max(0, math.ceil(float(value)))
    except ValueError:
        return 0


def season_padding_days(shipment: Shipment, *, rules: SeasonRules | None = None) -> int:
    """Extra days a seasonal rule set adds to the parcel's expected transit (0 when none).

    A rule set counts when it covers the parcel's store and one of its markets is the parcel's
    origin or destination (no markets: every lane); its padding is read from the phase it was
    in when the parcel shipped and from the phase live now (a parcel shipped before the peak is
    still slowed by it), and the largest padding wins. See ``SEASON_PADDING_KEY``.
    """
    rules = rules if rules is not None else season_rules()
    countries = {shipment.origin_country.upper(), shipment.destination_country.upper()} - {""}
    padding = 0
    for rule_set, store_ids in rules.rule_sets:
        if store_ids and shipment.store_id not in store_ids:
            continue
        markets = {str(market).upper() for market in rule_set.markets or []}
        if markets and not markets & countries:
            continue
        phases = {rule_set.phase}
        if shipment.shipped_at is not None:
            phases.add(rule_set_phase_at(rule_set=rule_set, when=shipment.shipped_at))
        for phase in phases - {SeasonalRuleSet.Phase.INACTIVE}:
            overrides = (rule_set.overrides or {}).get(phase)
            if isinstance(overrides, dict):
                padding = max(
                    padding, _padding_value(overrides.get(SEASON_PADDING_KEY), shipment.destination_country)
                )
    return padding


# Anomalies that tell of a delay; the others (failed delivery, exception, returned) ask the
# customer to act or explain a loss, and go out whatever the season says.
DELAY_NOTICE_KINDS = frozenset({"stalled", "customs", "late", "early_warning"})


def season_delay_notices_off(shipment: Shipment, *, rules: SeasonRules | None = None) -> str:
    """The name of the live rule set that turns proactive delay notices off for this parcel,
    or "" when they go out (the default).

    A rule set counts as for the seasonal padding (its stores, its markets against the parcel's
    origin or destination), in the phase live now; among those that set
    ``proactive_delay_notices``, the newest decides (``true`` turns them back on).
    """
    rules = rules if rules is not None else season_rules()
    countries = {shipment.origin_country.upper(), shipment.destination_country.upper()} - {""}
    decision: tuple[bool, str] | None = None
    for rule_set, store_ids in rules.rule_sets:
        if store_ids and shipment.store_id not in store_ids:
            continue
        markets = {str(market).upper() for market in rule_set.markets or []}
        if markets and not markets & countries:
            continue
        if rule_set.phase == SeasonalRuleSet.Phase.INACTIVE:
            continue
        overrides = (rule_set.overrides or {}).get(rule_set.phase)
        if isinstance(overrides, dict) and isinstance(overrides.get("proactive_delay_notices"), bool):
            decision = (overrides["proactive_delay_notices"], rule_set.name)  # ordered by id: newest last
    if decision is None or decision[0]:
        return ""
    return decision[1]


@dataclass(frozen=True)
class EtaRange:
    """When the parcel should arrive: most parcels of its lane arrive between these two times."""

    earliest: dt.datetime  # shipped + the lane's median (+ seasonal padding)
    latest: dt.datetime  # shipped + the lane's p80 (+ seasonal padding)
    padding_days: int
    lane: LaneStatistic


def eta_range(shipment: Shipment, *, rules: SeasonRules | None = None) -> EtaRange | None:
    """The customer's ETA from the lane's history: None for a parcel not shipped yet, already
    delivered or returned, or on a lane without figures."""
    if shipment.shipped_at is None or shipment.status in FINAL_STATUSES:
        return None
    lane = lane_for_shipment(shipment)
    if lane is None:
        return None
    padding = season_padding_days(shipment, rules=rules)
    return EtaRange(
        earliest=shipment.shipped_at + dt.timedelta(days=float(lane.median_days) + padding),
        latest=shipment.shipped_at + dt.timedelta(days=float(lane.p80_days) + padding),
        padding_days=padding,
        lane=lane,
    )


def delivery_scan_for(shipment: Shipment | None) -> TrackingEvent | None:
    """The carrier's (latest) delivery scan of a parcel: when and where it says it delivered."""
    if shipment is None or shipment.pk is None:
        return None
    return (
        TrackingEvent.objects.filter(shipment_id=shipment.pk, status=TrackingStatus.DELIVERED)
        .order_by("-occurred_at", "-id")
        .first()
    )


# Tracking providers: webhook accounts and the parcels polled through them ----------------------

# A parcel whose provider is this is polled through its store's polling account (no webhook).
POLLED_PROVIDER = "carrier"


def tracking_account_for_webhook(*, provider: str, key: str) -> TrackingProviderAccount | None:
    """The active account of ``provider`` for the active store a public key names."""
    if not key or len(key) > 64:
        return None
    return (
        TrackingProviderAccount.objects.select_related("store")
        .filter(provider=provider, is_active=True, store__inbound_key=key, store__is_active=True)
        .first()
    )


def tracking_accounts_polling() -> QuerySet[TrackingProviderAccount]:
    return TrackingProviderAccount.objects.filter(poll=True, is_active=True, store__is_active=True).order_by(
        "pk"
    )


def shipments_due_for_poll(*, account: TrackingProviderAccount) -> QuerySet[Shipment]:
    """The account's store's polled parcels still under way, the longest unheard-of first."""
    return (
        Shipment.objects.filter(store_id=account.store_id, provider=POLLED_PROVIDER)
        .exclude(status__in=FINAL_STATUSES)
        .order_by(F("last_event_at").asc(nulls_first=True), "pk")
    )


# The customer tracking page (public, no login) ----------------------------------------------

# Candidates for one typed order number: the same number in several stores is rare, but
# possible; every candidate is checked the same way.
TRACKING_LOOKUP_MAX_CANDIDATES = 5


def order_find_for_tracking(*, order_number: str, email: str) -> Order | None:
    """The order with this number placed with this e-mail address, or None.

    One query whatever was typed, and every candidate compared in constant time whether an
    earlier one matched or not: an unknown number and a wrong address take the same path.
    """
    bare = order_number.strip().lstrip("#").strip()[:64] or "\x00"  # "\x00" matches nothing
    typed = email.strip().casefold().encode()
    candidates = (
        Order.objects.filter(
            Q(external_id__iexact=bare) | Q(external_id__iexact=f"#{bare}"), store__is_active=True
        )
        .select_related("customer")
        .order_by("pk")[:TRACKING_LOOKUP_MAX_CANDIDATES]
    )
    found = None
    for order in candidates:
        known = [order.email, order.customer.email if order.customer is not None else ""]
        matches = [hmac.compare_digest(typed, value.strip().casefold().encode()) for value in known if value]
        if any(matches) and found is None:
            found = order
    return found


@dataclass(frozen=True)
class TrackingParcel:
    shipment: Shipment
    events: list[TrackingEvent]  # newest first
    eta: EtaRange | None


@dataclass(frozen=True)
class TrackingPage:
    store: Store
    order: Order | None
    parcels: list[TrackingParcel]


def tracking_page_for(*, order_id: int | None = None, shipment_id: int | None = None) -> TrackingPage | None:
    """What the public tracking page shows for an order (every parcel, outbound first) or for
    one parcel; None when it does not exist or its store is inactive."""
    shipments = Shipment.objects.select_related("carrier", "store", "order").prefetch_related(
        Prefetch("events", queryset=TrackingEvent.objects.order_by("-occurred_at", "-id"))
    )
    order: Order | None = None
    if order_id is not None:
        order = Order.objects.select_related("store").filter(pk=order_id, store__is_active=True).first()
        if order is None:
            return None
        parcels = list(shipments.filter(order=order).order_by("direction", "created_at", "id"))
        store = order.store
    elif shipment_id is not None:
        parcels = list(shipments.filter(pk=shipment_id, store__is_active=True))
        if not parcels:
            return None
        store, order = parcels[0].store, parcels[0].order
    else:
        return None
    rules = season_rules() if parcels else None
    return TrackingPage(
        store=store,
        order=order,
        parcels=[
            TrackingParcel(
                shipment=parcel, events=list(parcel.events.all()), eta=eta_range(parcel, rules=rules)
            )
            for parcel in parcels
        ],
    )


def carrier_for_detection(detection: Candidate | Mapping[str, Any] | str) -> Carrier | None:
    """The Carrier row of a detector result: a ``Candidate``, a ``find_in_text`` match (its
    ``carrier`` key) or a carrier code; None for an unknown or empty code."""
    if isinstance(detection, str):
        code = detection
    elif isinstance(detection, Candidate):
        code = detection.carrier
    else:
        code = str(detection.get("carrier") or "")
    return Carrier.objects.filter(code=code).first() if code else None


def shipment_events_for_api(*, shipment: Shipment) -> QuerySet[TrackingEvent]:
    """A parcel's checkpoints (fetched through a scoped selector), without the raw payloads."""
    return TrackingEvent.objects.filter(shipment=shipment).defer("raw").order_by("id")

"""One status model for every provider: AfterShip tags/subtags, 17TRACK codes, checkpoint text.

``logistics.models.TrackingStatus`` is the status; a short sub-status (``customs_delay``,
``bad_address``, ``refused``, ``damaged``, ``lost``, ``recipient_absent``, …) says why.
A provider's code is trusted first; the checkpoint's own words override it only where they
are more specific (the provider says "InTransit", the text says "清关中": held in customs).

Also here: the shapes every provider format is read into (``ProviderEvent`` for one
checkpoint, ``ParcelUpdate`` for one parcel), and the stable id of a checkpoint for
providers that give none.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field
from typing import Any

from logistics.checkpoint_text import TextStatus, status_from_text
from logistics.models import TrackingStatus

S = TrackingStatus

AFTERSHIP = "aftership"
SEVENTEEN_TRACK = "17track"
PROVIDERS = (AFTERSHIP, SEVENTEEN_TRACK)

# A parcel in one of these has arrived somewhere for good; later routine scans do not undo it.
TERMINAL_STATUSES = frozenset({S.DELIVERED, S.RETURNED_TO_SENDER, S.EXPIRED})


@dataclass(frozen=True)
class ProviderEvent:
    """One checkpoint, normalised; ``raw`` keeps what the provider said."""

    provider: str
    provider_event_id: str
    tracking_number: str
    occurred_at: dt.datetime  # aware, UTC
    status: str
    sub_status: str = ""
    raw_status: str = ""
    description: str = ""
    location: str = ""
    country: str = ""
    local_timezone: str = ""
    carrier_slug: str = ""  # AfterShip's courier slug
    carrier_code: int | None = None  # 17TRACK's carrier key
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class ParcelUpdate:
    """What a provider says about one parcel: its identity, where it goes, its checkpoints."""

    provider: str
    tracking_number: str
    carrier_slug: str = ""
    carrier_code: int | None = None
    order_number: str = ""
    origin_country: str = ""
    destination_country: str = ""
    estimated_delivery_at: dt.datetime | None = None
    events: tuple[ProviderEvent, ...] = ()


# --- provider codes ---------------------------------------------------------------------------

AFTERSHIP_TAGS = {
    "Pending": S.PENDING,
    "InfoReceived": S.INFO_RECEIVED,
    "InTransit": S.IN_TRANSIT,
    "OutForDelivery": S.OUT_FOR_DELIVERY,
    "AttemptFail": S.FAILED_ATTEMPT,
    "Delivered": S.DELIVERED,
    "AvailableForPickup": S.AVAILABLE_FOR_PICKUP,
    "Exception": S.EXCEPTION,
    "Expired": S.EXPIRED,
}

# Subtags that change the status or say more than the tag (codes from AfterShip's docs;
# see ../shared/data/tracking_webhooks/aftership/STATUS_CODES.md).
AFTERSHIP_SUBTAGS: dict[str, tuple[str, str]] = {
    "InTransit_002": (S.IN_TRANSIT, "picked_up"),
    "InTransit_003": (S.IN_TRANSIT, "arrived_at_hub"),
    "InTransit_004": (S.IN_TRANSIT, "arrived_destination_country"),
    "InTransit_005": (S.IN_TRANSIT, "customs_cleared"),
    "InTransit_006": (S.CUSTOMS_HOLD, "customs_processing"),
    "InTransit_007": (S.IN_TRANSIT, "departed"),
    "InTransit_008": (S.IN_TRANSIT, "problem_resolved"),
    "InTransit_009": (S.IN_TRANSIT, "forwarded"),
    "OutForDelivery_002": (S.AVAILABLE_FOR_PICKUP, "at_sorting_centre"),
    "OutForDelivery_003": (S.OUT_FOR_DELIVERY, "customer_contacted"),
    "OutForDelivery_004": (S.OUT_FOR_DELIVERY, "delivery_scheduled"),
    "AttemptFail_002": (S.FAILED_ATTEMPT, "recipient_absent"),
    "AttemptFail_003": (S.FAILED_ATTEMPT, "business_closed"),
    "Delivered_002": (S.DELIVERED, "picked_up_by_customer"),
    "Delivered_003": (S.DELIVERED, "signed"),
    "Delivered_004": (S.DELIVERED, "cash_collected"),
    "Delivered_005": (S.DELIVERED, "delivered_to_neighbour"),
    "AvailableForPickup_001": (S.AVAILABLE_FOR_PICKUP, "at_pickup_point"),
    "Exception_002": (S.EXCEPTION, "customer_moved"),
    "Exception_003": (S.EXCEPTION, "refused"),
    "Exception_004": (S.CUSTOMS_HOLD, "customs_delay"),
    "Exception_005": (S.EXCEPTION, "external_delay"),
    "Exception_006": (S.EXCEPTION, "payment_pending"),
    "Exception_007": (S.EXCEPTION, "bad_address"),
    "Exception_008": (S.EXCEPTION, "not_collected"),
    "Exception_009": (S.EXCEPTION, "rejected_by_carrier"),
    "Exception_010": (S.RETURNED_TO_SENDER, "returning"),
    "Exception_011": (S.RETURNED_TO_SENDER, "returned"),
    "Exception_012": (S.EXCEPTION, "damaged"),
    "Exception_013": (S.EXCEPTION, "lost"),
    "Exception_016": (S.EXCEPTION, "processing_delay"),
    "Exception_017": (S.EXCEPTION, "weather_delay"),
    "Exception_018": (S.CUSTOMS_HOLD, "missing_documents"),
}

# 17TRACK API v2 main statuses and sub-statuses.
SEVENTEEN_TRACK_STATUSES = {
    "NotFound": S.PENDING,
    "InfoReceived": S.INFO_RECEIVED,
    "InTransit": S.IN_TRANSIT,
    "Expired": S.EXPIRED,
    "AvailableForPickup": S.AVAILABLE_FOR_PICKUP,
    "OutForDelivery": S.OUT_FOR_DELIVERY,
    "DeliveryFailure": S.FAILED_ATTEMPT,
    "Delivered": S.DELIVERED,
    "Exception": S.EXCEPTION,
}
SEVENTEEN_TRACK_SUB_STATUSES: dict[str, tuple[str, str]] = {
    "NotFound_InvalidCode": (S.PENDING, "invalid_number"),
    "InTransit_PickedUp": (S.IN_TRANSIT, "picked_up"),
    "InTransit_Departure": (S.IN_TRANSIT, "departed"),
    "InTransit_Arrival": (S.IN_TRANSIT, "arrived_at_hub"),
    "InTransit_CustomsProcessing": (S.CUSTOMS_HOLD, "customs_processing"),
    "InTransit_CustomsReleased": (S.IN_TRANSIT, "customs_cleared"),
    "InTransit_CustomsRequiringInformation": (S.CUSTOMS_HOLD, "missing_documents"),
    "DeliveryFailure_NoBody": (S.FAILED_ATTEMPT, "recipient_absent"),
    "DeliveryFailure_Security": (S.FAILED_ATTEMPT, "security_issue"),
    "DeliveryFailure_Rejected": (S.EXCEPTION, "refused"),
    "DeliveryFailure_InvalidAddress": (S.EXCEPTION, "bad_address"),
    "Exception_Returning": (S.RETURNED_TO_SENDER, "returning"),
    "Exception_Returned": (S.RETURNED_TO_SENDER, "returned"),
    "Exception_NoBody": (S.FAILED_ATTEMPT, "recipient_absent"),
    "Exception_Security": (S.CUSTOMS_HOLD, "customs_inspection"),
    "Exception_Damage": (S.EXCEPTION, "damaged"),
    "Exception_Rejected": (S.EXCEPTION, "refused"),
    "Exception_Delayed": (S.EXCEPTION, "delayed"),
    "Exception_Lost": (S.EXCEPTION, "lost"),
    "Exception_Destroyed": (S.EXCEPTION, "destroyed"),
    "Exception_Cancel": (S.EXCEPTION, "cancelled"),
}
# The "stage" (milestone) 17TRACK v2 puts on events, used when an event has no sub-status.
SEVENTEEN_TRACK_STAGES = {
    "InfoReceived": (S.INFO_RECEIVED, ""),
    "PickedUp": (S.IN_TRANSIT, "picked_up"),
    "Departure": (S.IN_TRANSIT, "departed"),
    "Arrival": (S.IN_TRANSIT, "arrived_at_hub"),
    "AvailableForPickup": (S.AVAILABLE_FOR_PICKUP, ""),
    "OutForDelivery": (S.OUT_FOR_DELIVERY, ""),
    "Delivered": (S.DELIVERED, ""),
    "Returning": (S.RETURNED_TO_SENDER, "returning"),
    "Returned": (S.RETURNED_TO_SENDER, "returned"),
}
# 17TRACK's older numeric package states (API v1 "e", the buyer API's FPackageState).
SEVENTEEN_TRACK_V1_STATES = {
    0: S.PENDING,  # not found
    10: S.IN_TRANSIT,
    20: S.EXPIRED,
    30: S.AVAILABLE_FOR_PICKUP,
    35: S.FAILED_ATTEMPT,  # undelivered
    40: S.DELIVERED,
    50: S.EXCEPTION,  # alert
}

# Provider statuses that say no more than "something is happening"; the text may say more.
GENERIC_STATUSES = frozenset({S.PENDING, S.INFO_RECEIVED, S.IN_TRANSIT})
ROUTINE_SUB_STATUSES = frozenset({"", "picked_up", "departed", "arrived_at_hub", "problem_resolved"})
# Statuses the text may put on a generic provider status. Delivered is not among them: the
# provider knows a delivery better than a phrase ("delivered to the airline") does.
TEXT_MAY_SET = frozenset(
    {
        S.CUSTOMS_HOLD,
        S.EXCEPTION,
        S.FAILED_ATTEMPT,
        S.RETURNED_TO_SENDER,
        S.AVAILABLE_FOR_PICKUP,
        S.OUT_FOR_DELIVERY,
        S.IN_TRANSIT,
    }
)

# What a generic "exception" may turn out to be, when the text says so.
EXCEPTION_DETAILS = frozenset({S.EXCEPTION, S.CUSTOMS_HOLD, S.RETURNED_TO_SENDER, S.FAILED_ATTEMPT})


def aftership_status(tag: str, subtag: str = "") -> tuple[str, str] | None:
    """(status, sub-status) for an AfterShip tag and subtag; None for an unknown tag."""
    if subtag in AFTERSHIP_SUBTAGS:
        return AFTERSHIP_SUBTAGS[subtag]
    status = AFTERSHIP_TAGS.get(tag or subtag.split("_", 1)[0])
    return (status, "") if status is not None else None


def seventeen_track_status(status: str = "", sub_status: str = "", stage: str = "") -> tuple[str, str] | None:
    """(status, sub-status) for 17TRACK v2 strings (sub-status first, then stage, then status)."""
    if sub_status in SEVENTEEN_TRACK_SUB_STATUSES:
        return SEVENTEEN_TRACK_SUB_STATUSES[sub_status]
    main = SEVENTEEN_TRACK_STATUSES.get(status) or SEVENTEEN_TRACK_STATUSES.get(sub_status.split("_", 1)[0])
    if stage in SEVENTEEN_TRACK_STAGES and main in (None, *GENERIC_STATUSES):
        return SEVENTEEN_TRACK_STAGES[stage]
    return (main, "") if main is not None else None


def seventeen_track_v1_status(code: object) -> tuple[str, str] | None:
    """(status, "") for 17TRACK's older numeric package state; None when unknown (e.g. 5000)."""
    if isinstance(code, bool) or not isinstance(code, int | str):
        return None
    try:
        status = SEVENTEEN_TRACK_V1_STATES.get(int(code))
    except ValueError:
        return None
    return (status, "") if status is not None else None


def refine_with_text(provider: tuple[str, str] | None, text: str) -> tuple[str, str]:
    """The event's status: the provider's, unless the checkpoint text is more specific.

    Without any provider status the text decides, and a scan nobody can read is in transit.
    """
    said = status_from_text(text)
    if provider is None:
        if said is None:
            return S.IN_TRANSIT, ""
        return said.status, said.sub_status
    status, sub_status = provider
    if said is None or _no_more_specific(provider, said):
        return status, sub_status
    if status == S.PENDING and said.status == S.DELIVERED:
        return said.status, said.sub_status  # the provider knows nothing; the text does
    if status in GENERIC_STATUSES and sub_status in ROUTINE_SUB_STATUSES and said.status in TEXT_MAY_SET:
        return said.status, said.sub_status
    if status == S.EXCEPTION and not sub_status and said.status in EXCEPTION_DETAILS:
        return said.status, said.sub_status  # a generic exception the text explains
    if status == said.status and not sub_status:
        return status, said.sub_status
    return status, sub_status


def _no_more_specific(provider: tuple[str, str], said: TextStatus) -> bool:
    # "In transit" from the text adds nothing unless it names a detail (customs cleared, ...).
    return said.status == S.IN_TRANSIT and not said.sub_status and provider[0] != S.PENDING


# --- identity and time ----------------------------------------------------------------------


def event_fingerprint(
    *, provider: str, carrier: str, tracking_number: str, occurred_at: dt.datetime, raw_status: str, text: str
) -> str:
    """A stable id for a checkpoint whose provider gives none: the same scan delivered again
    (by webhook or by poll) has the same id, so it is stored once."""
    parts = (
        provider,
        carrier,
        tracking_number.strip().upper(),
        occurred_at.astimezone(dt.UTC).isoformat(),
        raw_status,
        " ".join(text.split()),
    )
    return "h:" + hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:40]


def parse_aware(value: object) -> dt.datetime | None:
    """An ISO 8601 time with offset; a time without one is read as UTC (AfterShip's
    ``shipment_delivery_date``). None when missing or unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00") if value.strip().endswith("Z") else value.strip()
    try:
        parsed = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=dt.UTC)


def parse_naive(value: object) -> dt.datetime | None:
    """A local time without offset ("2018-04-23 12:02", "2019-02-26 01:05:34", "2021-03-05")."""
    if not isinstance(value, str) or not value.strip():
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%Y/%m/%d %H:%M"):
        try:
            return dt.datetime.strptime(value.strip(), pattern)  # noqa: DTZ007 - zone applied by the caller
        except ValueError:
            continue
    return None

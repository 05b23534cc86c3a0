"""Reading the tracking formats of AfterShip and 17TRACK into ``ParcelUpdate``s.

- AfterShip: the tracking object (the webhook's ``msg``, the API's ``data.tracking``) with its
  ``checkpoints``; tag/subtag per checkpoint, times with an offset, countries as alpha-3.
- 17TRACK API v2 (webhook ``data`` and ``gettrackinfo``'s ``accepted[]``): ``track_info`` with
  per-provider ``events`` (``time_iso``, ``sub_status``, ``stage``, ``address.country``).
- 17TRACK's older numeric format (API v1 ``track`` with ``e``/``z0``/``z1``/``z2``, and the
  buyer API's ``FLastEvent``/``FPackageState`` in ``../shared/data``): times without an offset,
  a package-level state that belongs to the newest event only.

Checkpoints without a readable time cannot be placed on the timeline: they are counted as
skipped, never guessed. A payload whose shape is wrong raises ``PayloadError`` with the reason.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from logistics import places
from logistics.normalise import (
    AFTERSHIP,
    SEVENTEEN_TRACK,
    ParcelUpdate,
    ProviderEvent,
    aftership_status,
    event_fingerprint,
    parse_aware,
    parse_naive,
    refine_with_text,
    seventeen_track_status,
    seventeen_track_v1_status,
)

MAX_NUMBER_LENGTH = 64


class PayloadError(ValueError):
    """The provider's payload does not have the documented shape; ``reason`` says where."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Parsed:
    update: ParcelUpdate
    skipped: int = 0  # checkpoints without a readable time


def _text(value: object, limit: int = 500) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    return " ".join(str(value).split())[:limit]


def _object(value: object, where: str) -> Mapping[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise PayloadError(f"{where} must be a JSON object.")
    return value


def _list(value: object, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PayloadError(f"{where} must be a JSON array.")
    return value


def tracking_number(value: object, where: str) -> str:
    number = "".join(str(value).split()).upper() if isinstance(value, str | int) else ""
    if not number:
        raise PayloadError(f"{where} is missing: every update names its tracking number.")
    if len(number) > MAX_NUMBER_LENGTH:
        raise PayloadError(f"{where} is longer than {MAX_NUMBER_LENGTH} characters.")
    return number


def _carrier_code(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value or None
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip()) or None
    return None


# --- AfterShip ----------------------------------------------------------------------------------

# A tracking-level tag no checkpoint carries (the tracking says Delivered, the only
# checkpoint says InfoReceived) becomes one event, so the parcel's status follows AfterShip.
AFTERSHIP_SUMMARY_TAGS = frozenset(
    {"OutForDelivery", "AttemptFail", "Delivered", "AvailableForPickup", "Exception", "Expired"}
)


def aftership_tracking(tracking: object) -> Parsed:
    """One AfterShip tracking object (webhook ``msg``, API ``data.tracking``)."""
    tracking = _object(tracking, "The tracking object")
    number = tracking_number(tracking.get("tracking_number"), "tracking_number")
    slug = _text(tracking.get("slug"), 60)
    events: list[ProviderEvent] = []
    skipped = 0
    for index, checkpoint in enumerate(_list(tracking.get("checkpoints"), "checkpoints")):
        checkpoint = _object(checkpoint, f"checkpoints[{index}]")
        event = _aftership_checkpoint(checkpoint, number=number, slug=slug)
        if event is None:
            skipped += 1
        else:
            events.append(event)
    summary = _aftership_summary(tracking, number=number, slug=slug, events=events)
    if summary is not None:
        events.append(summary)
    expected = tracking.get("expected_delivery")
    update = ParcelUpdate(
        provider=AFTERSHIP,
        tracking_number=number,
        carrier_slug=slug,
        order_number=_text(tracking.get("order_number") or tracking.get("order_id"), 64),
        origin_country=places.country_code(tracking.get("origin_country_iso3")),
        destination_country=places.country_code(
            tracking.get("destination_country_iso3") or tracking.get("courier_destination_country_iso3")
        ),
        estimated_delivery_at=parse_aware(expected)
        if isinstance(expected, str) and "T" in expected
        else None,
        events=tuple(events),
    )
    return Parsed(update, skipped)


def _scan(
    *,
    provider: str,
    carrier: str,
    number: str,
    occurred: dt.datetime,
    status: str,
    sub_status: str,
    raw_status: str,
    description: str,
    location: str,
    country: str,
    local_timezone: str,
    raw: Mapping[str, Any],
    carrier_slug: str = "",
    carrier_code: int | None = None,
    id_status: str | None = None,
) -> ProviderEvent:
    """One carrier scan. Providers give scans no id, so it is made from what the scan says
    (``id_status`` in place of ``raw_status`` when that changes between deliveries)."""
    return ProviderEvent(
        provider=provider,
        provider_event_id=event_fingerprint(
            provider=provider,
            carrier=carrier,
            tracking_number=number,
            occurred_at=occurred,
            raw_status=raw_status if id_status is None else id_status,
            text=description,
        ),
        tracking_number=number,
        occurred_at=occurred.astimezone(dt.UTC),
        status=status,
        sub_status=sub_status,
        raw_status=raw_status,
        description=description,
        location=location,
        country=country,
        local_timezone=local_timezone,
        carrier_slug=carrier_slug,
        carrier_code=carrier_code,
        raw=dict(raw),
    )


def _aftership_checkpoint(checkpoint: Mapping[str, Any], *, number: str, slug: str) -> ProviderEvent | None:
    occurred = parse_aware(checkpoint.get("checkpoint_time"))
    if occurred is None:
        return None
    tag, subtag = _text(checkpoint.get("tag"), 30), _text(checkpoint.get("subtag"), 30)
    message = _text(checkpoint.get("message"))
    status, sub_status = refine_with_text(aftership_status(tag, subtag), message)
    country = places.country_code(checkpoint.get("country_iso3") or checkpoint.get("country_region"))
    city = _text(checkpoint.get("city"), 100)
    location = _text(checkpoint.get("location"), 200) or ", ".join(
        part
        for part in (city, _text(checkpoint.get("state"), 60), _text(checkpoint.get("country_name"), 60))
        if part
    )
    carrier = _text(checkpoint.get("slug"), 60) or slug
    raw_status = subtag or tag
    return _scan(
        provider=AFTERSHIP,
        carrier=carrier,
        number=number,
        occurred=occurred,
        status=status,
        sub_status=sub_status,
        raw_status=raw_status,
        description=message,
        location=location,
        country=country,
        local_timezone=places.checkpoint_zone(at=occurred, country=country, city=city),
        raw=checkpoint,
        carrier_slug=carrier,
    )


def _aftership_summary(
    tracking: Mapping[str, Any], *, number: str, slug: str, events: list[ProviderEvent]
) -> ProviderEvent | None:
    tag, subtag = _text(tracking.get("tag"), 30), _text(tracking.get("subtag"), 30)
    mapped = aftership_status(tag, subtag)
    if tag not in AFTERSHIP_SUMMARY_TAGS or mapped is None:
        return None
    if any(event.status == mapped[0] for event in events):
        return None
    when = (
        parse_aware(tracking.get("shipment_delivery_date")) if tag == "Delivered" else None
    ) or parse_aware(tracking.get("last_updated_at") or tracking.get("updated_at"))
    if when is None:
        return None
    message = _text(tracking.get("subtag_message")) or tag
    return ProviderEvent(
        provider=AFTERSHIP,
        # Without the time: the tracking reaching this tag is one fact however often it is sent.
        provider_event_id=event_fingerprint(
            provider=AFTERSHIP,
            carrier=slug,
            tracking_number=number,
            occurred_at=dt.datetime(1970, 1, 1, tzinfo=dt.UTC),
            raw_status=f"tracking:{subtag or tag}",
            text="",
        ),
        tracking_number=number,
        occurred_at=when.astimezone(dt.UTC),
        status=mapped[0],
        sub_status=mapped[1],
        raw_status=subtag or tag,
        description=message,
        carrier_slug=slug,
        raw={key: tracking.get(key) for key in ("tag", "subtag", "subtag_message", "shipment_delivery_date")},
    )


# --- 17TRACK API v2 -----------------------------------------------------------------------------


def seventeen_track_item(item: object) -> Parsed:
    """One 17TRACK v2 tracking (webhook ``data``, ``gettrackinfo`` ``data.accepted[]``);
    an item in the older numeric format (``track`` instead of ``track_info``) is read too."""
    item = _object(item, "data")
    if "track_info" not in item and isinstance(item.get("track"), dict):
        return seventeen_track_v1_item(item)
    number = tracking_number(item.get("number"), "data.number")
    carrier = _carrier_code(item.get("carrier"))
    info = _object(item.get("track_info"), "data.track_info")
    shipping = _object(info.get("shipping_info"), "track_info.shipping_info")
    origin = _object(shipping.get("shipper_address"), "shipping_info.shipper_address")
    destination = _object(shipping.get("recipient_address"), "shipping_info.recipient_address")
    tracking = _object(info.get("tracking"), "track_info.tracking")
    events: list[ProviderEvent] = []
    skipped = 0
    for p_index, provider in enumerate(_list(tracking.get("providers"), "tracking.providers")):
        provider = _object(provider, f"tracking.providers[{p_index}]")
        for e_index, raw in enumerate(_list(provider.get("events"), f"providers[{p_index}].events")):
            raw = _object(raw, f"providers[{p_index}].events[{e_index}]")
            event = _seventeen_track_event(raw, number=number, carrier=carrier)
            if event is None:
                skipped += 1
            else:
                events.append(event)
    metrics = _object(info.get("time_metrics"), "track_info.time_metrics")
    estimate = _object(metrics.get("estimated_delivery_date"), "time_metrics.estimated_delivery_date")
    update = ParcelUpdate(
        provider=SEVENTEEN_TRACK,
        tracking_number=number,
        carrier_code=carrier,
        order_number=_text(item.get("order_no") or item.get("tag"), 64),
        origin_country=places.country_code(origin.get("country")),
        destination_country=places.country_code(destination.get("country")),
        estimated_delivery_at=parse_aware(estimate.get("to") or estimate.get("from")),
        events=tuple(events),
    )
    return Parsed(update, skipped)


def _seventeen_track_event(
    raw: Mapping[str, Any], *, number: str, carrier: int | None
) -> ProviderEvent | None:
    address = _object(raw.get("address"), "event.address")
    country = places.country_code(address.get("country"))
    city = _text(address.get("city"), 100)
    placed = _seventeen_track_time(raw, country=country, city=city)
    if placed is None:
        return None
    occurred, zone = placed
    sub_status, stage = _text(raw.get("sub_status"), 60), _text(raw.get("stage"), 40)
    description = _text(raw.get("description"))
    status, detail = refine_with_text(seventeen_track_status(sub_status=sub_status, stage=stage), description)
    raw_status = sub_status or stage
    return _scan(
        provider=SEVENTEEN_TRACK,
        carrier=str(carrier or ""),
        number=number,
        occurred=occurred,
        status=status,
        sub_status=detail,
        raw_status=raw_status,
        description=description,
        location=_text(raw.get("location"), 200) or city,
        country=country,
        local_timezone=zone,
        raw=raw,
        carrier_code=carrier,
    )


def _seventeen_track_time(
    raw: Mapping[str, Any], *, country: str, city: str
) -> tuple[dt.datetime, str] | None:
    """The event's time and local zone: ``time_iso`` (local with offset) first, then
    ``time_raw`` ({"date", "time", "timezone"}), then ``time_utc`` (the instant, zone unknown)."""
    local = parse_aware(raw.get("time_iso"))
    if local is None:
        found = raw.get("time_raw")
        time_raw: Mapping[str, Any] = found if isinstance(found, dict) else {}
        naive = parse_naive(f"{time_raw.get('date') or ''} {time_raw.get('time') or ''}".strip())
        offset = time_raw.get("timezone")
        if naive is not None and isinstance(offset, str) and offset.strip():
            local = parse_aware(naive.isoformat() + offset.strip())
        if local is None:
            utc = parse_aware(raw.get("time_utc"))
            if utc is not None:
                return utc, places.local_zone(country=country, city=city, at=None)
            if naive is not None:
                return places.localise(naive, country=country, city=city)
            return None
    return local, places.checkpoint_zone(at=local, country=country, city=city)


# --- 17TRACK's older numeric format ----------------------------------------------------------


def seventeen_track_v1_item(item: Mapping[str, Any]) -> Parsed:
    """API v1: ``{"number", "track": {"e": state, "w1": carrier, "z0": newest, "z1": [...], "z2": [...]}}``."""
    number = tracking_number(item.get("number"), "data.number")
    track = _object(item.get("track"), "data.track")
    carrier = _carrier_code(track.get("w1"))
    checkpoints = [
        _object(raw, "track.z1/z2 event")
        for raw in (*_list(track.get("z1"), "track.z1"), *_list(track.get("z2"), "track.z2"))
    ]
    newest = _object(track.get("z0"), "track.z0")
    if newest and newest not in checkpoints:
        checkpoints.append(newest)
    events, skipped = _v1_events(checkpoints, number=number, carrier=carrier, state=track.get("e"))
    return Parsed(
        ParcelUpdate(provider=SEVENTEEN_TRACK, tracking_number=number, carrier_code=carrier, events=events),
        skipped,
    )


def seventeen_track_legacy_package(package: object) -> Parsed:
    """The buyer API's package (``FTrackNo``, ``FLastEvent`` as a JSON string, ``FPackageState``)."""
    package = _object(package, "package")
    number = tracking_number(package.get("FTrackNo"), "FTrackNo")
    last = package.get("FLastEvent") or ""
    try:
        newest = json.loads(last) if isinstance(last, str) and last.strip() else {}
    except ValueError as error:
        raise PayloadError(f"FLastEvent is not valid JSON: {error}") from None
    carrier = _carrier_code(package.get("FFirstCarrier"))
    events, skipped = _v1_events(
        [_object(newest, "FLastEvent")] if newest else [],
        number=number,
        carrier=carrier,
        state=package.get("FPackageState", 0),
    )
    return Parsed(
        ParcelUpdate(provider=SEVENTEEN_TRACK, tracking_number=number, carrier_code=carrier, events=events),
        skipped,
    )


def _v1_events(
    checkpoints: list[Mapping[str, Any]], *, number: str, carrier: int | None, state: object
) -> tuple[tuple[ProviderEvent, ...], int]:
    timed: list[tuple[dt.datetime, str, str, Mapping[str, Any]]] = []
    skipped = 0
    for raw in checkpoints:
        naive = parse_naive(raw.get("a"))
        if naive is None:
            skipped += 1
            continue
        # "c" is the place, "d" often the country ("Milano", "Italy"); either may name a country,
        # and a city that names a time zone ("Paris") tells the country too.
        city = _text(raw.get("c"), 100) if not places.country_code(raw.get("c")) else ""
        country = (
            places.country_code(raw.get("d"))
            or places.country_code(raw.get("c"))
            or places.country_of_city(city)
        )
        occurred, zone = places.localise(naive, country=country, city=city)
        timed.append((occurred, zone, country, raw))
    timed.sort(key=lambda entry: entry[0])
    events = []
    for index, (occurred, zone, country, raw) in enumerate(timed):
        description = _text(raw.get("z"))
        # The package's state belongs to its newest event; older ones are read from their words.
        newest = index == len(timed) - 1
        provider_status = seventeen_track_v1_status(state) if newest else None
        status, sub_status = refine_with_text(provider_status, description)
        location = " ".join(part for part in (_text(raw.get("c"), 100), _text(raw.get("d"), 100)) if part)
        events.append(
            _scan(
                provider=SEVENTEEN_TRACK,
                carrier=str(carrier or ""),
                number=number,
                occurred=occurred,
                status=status,
                sub_status=sub_status,
                raw_status=str(state) if newest and state is not None else "",
                # No state in the id: the same scan is newest first and older later.
                id_status="",
                description=description,
                location=location[:200],
                country=country,
                local_timezone=zone,
                raw=raw,
                carrier_code=carrier,
            )
        )
    return tuple(events), skipped

"""Template helpers of the tracking timeline (``logistics/_timeline.html``) and the public page."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable

from django import template
from django.templatetags.tz import do_timezone
from django.utils.functional import Promise as StrPromise
from django.utils.translation import gettext_lazy as _

from logistics.models import TrackingEvent, TrackingStatus

register = template.Library()

# What each status means for the customer, in plain words.
PLAIN_STATUS: dict[str, StrPromise] = {
    TrackingStatus.PENDING: _("Your parcel is being prepared for shipping."),
    TrackingStatus.INFO_RECEIVED: _("The carrier has the parcel's details and is waiting to pick it up."),
    TrackingStatus.IN_TRANSIT: _("Your parcel is on its way."),
    TrackingStatus.OUT_FOR_DELIVERY: _("Your parcel is out for delivery."),
    TrackingStatus.AVAILABLE_FOR_PICKUP: _("Your parcel is waiting for you at a pick-up point."),
    TrackingStatus.DELIVERED: _("Your parcel has been delivered."),
    TrackingStatus.FAILED_ATTEMPT: _(
        "The carrier tried to deliver your parcel but could not. They usually try again or leave a notice."
    ),
    TrackingStatus.EXCEPTION: _("There is a problem with the delivery. We are looking into it."),
    TrackingStatus.CUSTOMS_HOLD: _("Your parcel is being checked by customs."),
    TrackingStatus.RETURNED_TO_SENDER: _("Your parcel is on its way back to the sender."),
    TrackingStatus.EXPIRED: _("The carrier has stopped updating this parcel's tracking."),
}


@register.filter
def plain_status(status: str) -> str:
    return str(PLAIN_STATUS.get(status, _("We have no news of this parcel yet.")))


@register.filter
def event_local_time(event: TrackingEvent) -> dt.datetime | str:
    """The event's time in its checkpoint's time zone when the provider gave one, else UTC;
    marked so that templates do not convert it again."""
    zone: dt.tzinfo = dt.UTC
    if event.local_timezone:
        try:
            zone = zoneinfo.ZoneInfo(event.local_timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            zone = dt.UTC
    return do_timezone(event.occurred_at, zone)


@register.filter
def timeline_order(events: Iterable[TrackingEvent], newest_first: object = False) -> list[TrackingEvent]:
    return sorted(events, key=lambda event: (event.occurred_at, event.pk or 0), reverse=bool(newest_first))

"""Dashboard numbers: aggregate queries only (one query per figure), scoped to the user's stores."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypedDict

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from helpdesk.access import Viewer, scope_to_user
from logistics.models import Shipment, TrackingStatus
from returns.models import ReturnRequest
from tickets.models import Channel, Intent, Ticket

OPEN_STATUSES = (Ticket.Status.NEW, Ticket.Status.OPEN, Ticket.Status.PENDING, Ticket.Status.ON_HOLD)
PERIODS = (7, 30, 90)
DEFAULT_PERIOD = 30


class Dataset(TypedDict):
    key: str
    label: str
    data: list[int]


class Series(TypedDict):
    labels: list[str]
    datasets: list[Dataset]


class Bucket(TypedDict):
    key: str
    label: str
    count: int


def _period_start(days: int) -> dt.datetime:
    """Midnight (viewer's time zone) ``days - 1`` days ago, so the period includes today."""
    first_day = timezone.localdate() - dt.timedelta(days=days - 1)
    return dt.datetime.combine(first_day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _tickets_since(*, user: Viewer, days: int) -> QuerySet[Ticket]:
    return scope_to_user(Ticket.objects.filter(created_at__gte=_period_start(days)), user)


def _buckets(rows: Iterable[dict[str, Any]], field: str, labels: dict[str, str], blank: str) -> list[Bucket]:
    buckets = [
        Bucket(
            key=str(row[field]),
            label=labels.get(row[field], str(row[field])) if row[field] not in ("", None) else blank,
            count=row["n"],
        )
        for row in rows
    ]
    return sorted(buckets, key=lambda bucket: (-bucket["count"], bucket["label"]))


def _count_by(queryset: QuerySet[Any], field: str) -> list[dict[str, Any]]:
    return list(queryset.order_by().values(field).annotate(n=Count("id")))


def tickets_per_day_by_channel(*, user: Viewer, days: int = DEFAULT_PERIOD) -> Series:
    """New tickets per day (viewer's time zone) for each channel, zero-filled, for a line chart."""
    tz = timezone.get_current_timezone()
    rows = (
        _tickets_since(user=user, days=days)
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .order_by()
        .values("day", "channel")
        .annotate(n=Count("id"))
    )
    first_day = timezone.localdate() - dt.timedelta(days=days - 1)
    day_list = [first_day + dt.timedelta(days=offset) for offset in range(days)]
    index = {day: position for position, day in enumerate(day_list)}
    per_channel: dict[str, list[int]] = {}
    for row in rows:
        position = index.get(row["day"])
        if position is None:
            continue
        per_channel.setdefault(row["channel"], [0] * days)[position] += row["n"]
    labels = dict(Channel.choices)
    datasets = [
        Dataset(key=channel, label=str(labels.get(channel, channel)), data=data)
        for channel, data in sorted(per_channel.items(), key=lambda item: -sum(item[1]))
    ]
    return Series(labels=[day.isoformat() for day in day_list], datasets=datasets)


def open_tickets_by_status(*, user: Viewer) -> list[Bucket]:
    tickets = scope_to_user(Ticket.objects.filter(status__in=OPEN_STATUSES), user)
    labels = {key: str(label) for key, label in Ticket.Status.choices}
    return _buckets(_count_by(tickets, "status"), "status", labels, blank="—")


def tickets_by_intent(*, user: Viewer, days: int = DEFAULT_PERIOD) -> list[Bucket]:
    labels = {key: str(label) for key, label in Intent.choices}
    rows = _count_by(_tickets_since(user=user, days=days), "intent")
    return _buckets(rows, "intent", labels, blank=_("Not classified"))


# Django knows Chinese by script (zh-hans / zh-hant); detectors report "zh".
_LANGUAGE_INFO_ALIASES = {"zh": "zh-hans"}


def _language_name(code: str) -> str:
    try:
        return str(get_language_info(_LANGUAGE_INFO_ALIASES.get(code, code))["name_translated"])
    except KeyError:
        return code


def tickets_by_language(*, user: Viewer, days: int = DEFAULT_PERIOD) -> list[Bucket]:
    rows = _count_by(_tickets_since(user=user, days=days), "language")
    labels = {row["language"]: _language_name(row["language"]) for row in rows if row["language"]}
    return _buckets(rows, "language", labels, blank=_("Not detected"))


def tickets_by_channel(*, user: Viewer, days: int = DEFAULT_PERIOD) -> list[Bucket]:
    labels = {key: str(label) for key, label in Channel.choices}
    return _buckets(_count_by(_tickets_since(user=user, days=days), "channel"), "channel", labels, blank="—")


def returns_by_status(*, user: Viewer) -> list[Bucket]:
    returns = scope_to_user(ReturnRequest.objects.all(), user)
    labels = {key: str(label) for key, label in ReturnRequest.Status.choices}
    return _buckets(_count_by(returns, "status"), "status", labels, blank="—")


def shipments_by_status(*, user: Viewer) -> list[Bucket]:
    shipments = scope_to_user(Shipment.objects.all(), user)
    labels = {key: str(label) for key, label in TrackingStatus.choices}
    return _buckets(_count_by(shipments, "status"), "status", labels, blank="—")


def shipments_by_anomaly(*, user: Viewer) -> list[Bucket]:
    """Parcels with an anomaly, by kind (parcels without one are left out)."""
    shipments = scope_to_user(Shipment.objects.exclude(anomaly=Shipment.Anomaly.NONE), user)
    labels = {key: str(label) for key, label in Shipment.Anomaly.choices}
    return _buckets(_count_by(shipments, "anomaly"), "anomaly", labels, blank="—")


class Overview(TypedDict):
    days: int
    tickets_per_day: Series
    tickets_by_intent: list[Bucket]
    tickets_by_language: list[Bucket]
    tickets_by_channel: list[Bucket]
    open_tickets_by_status: list[Bucket]
    returns_by_status: list[Bucket]
    shipments_by_status: list[Bucket]
    shipments_by_anomaly: list[Bucket]


def analytics_overview(*, user: Viewer, days: int = DEFAULT_PERIOD) -> Overview:
    """Every figure of the overview dashboard for the last ``days`` days."""
    return Overview(
        days=days,
        tickets_per_day=tickets_per_day_by_channel(user=user, days=days),
        tickets_by_intent=tickets_by_intent(user=user, days=days),
        tickets_by_language=tickets_by_language(user=user, days=days),
        tickets_by_channel=tickets_by_channel(user=user, days=days),
        open_tickets_by_status=open_tickets_by_status(user=user),
        returns_by_status=returns_by_status(user=user),
        shipments_by_status=shipments_by_status(user=user),
        shipments_by_anomaly=shipments_by_anomaly(user=user),
    )

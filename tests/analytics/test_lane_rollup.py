"""The lane rollup (``LaneDay``): the logistics dashboard reads the same figures from it as live."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.urls import reverse

from analytics import logistics_selectors
from analytics.filters import DashboardFilters
from analytics.lane_services import lane_rollups_refresh
from analytics.models import LaneDay
from logistics.models import Shipment, TrackingStatus
from tests.factories import CarrierFactory, ShipmentAnomalyFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 5, 31, 18, tzinfo=dt.UTC)


@pytest.fixture
def parcels(store_eu, store_us):
    """Forty parcels over May on three lanes and two stores, with transit times that are no whole
    days, every outcome and some late anomalies."""
    carriers = [CarrierFactory(name="YunExpress"), CarrierFactory(name="4PX")]
    outcomes = [TrackingStatus.DELIVERED] * 5 + [TrackingStatus.EXPIRED, TrackingStatus.RETURNED_TO_SENDER]
    for n in range(40):
        finished = dt.datetime(2026, 5, 1, tzinfo=dt.UTC) + dt.timedelta(days=n * 0.75, hours=n % 5)
        status = outcomes[n % len(outcomes)]
        delivered = status == TrackingStatus.DELIVERED
        parcel = ShipmentFactory(
            store=store_eu if n % 3 else store_us,
            carrier=carriers[n % 2],
            destination_country=("DE", "FR", "US")[n % 3],
            status=status,
            sub_status="lost" if n == 13 else "",
            shipped_at=finished - dt.timedelta(days=3 + (n * 7 % 11), minutes=n * 37),
            delivered_at=finished if delivered else None,
            last_event_at=finished,
            promised_by=(finished + dt.timedelta(days=(n % 3) - 1)).date() if n % 4 else None,
        )
        if n % 6 == 0:
            ShipmentAnomalyFactory(
                shipment=parcel, kind=Shipment.Anomaly.LATE, detected_at=finished - dt.timedelta(days=1)
            )
    return carriers


def _figures(user, **narrowing):
    filters = DashboardFilters(user=user, start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31), **narrowing)
    return dataclasses.asdict(logistics_selectors.transit_figures(filters))


def _approx(figures):
    """Percentiles from the rollup are exact to within half a tenth of a day."""
    if isinstance(figures, dict):
        return {key: _approx(value) for key, value in figures.items()}
    if isinstance(figures, list):
        return [_approx(value) for value in figures]
    if isinstance(figures, float):
        return pytest.approx(figures, abs=0.05)
    return figures


@pytest.mark.parametrize("narrowing", [{}, {"country": "FR"}, {"store_id": "eu"}])
def test_rollup_figures_equal_the_live_ones(manager, parcels, store_eu, narrowing):
    if narrowing.get("store_id"):
        narrowing = {"store_id": store_eu.pk}
    live = _figures(manager, **narrowing)
    assert live["overall"]["finished"] > 0
    lane_rollups_refresh(days=None, now=NOW)
    assert _figures(manager, **narrowing) == _approx(live)


def test_the_dashboard_reads_the_rollup_once_built(manager, parcels):
    lane_rollups_refresh(days=None, now=NOW)
    before = _figures(manager)
    # A parcel finished after the refresh shows at the next refresh, not before.
    ShipmentFactory(
        carrier=parcels[0],
        destination_country="DE",
        status=TrackingStatus.DELIVERED,
        shipped_at=NOW - dt.timedelta(days=4),
        delivered_at=NOW,
        last_event_at=NOW,
    )
    assert _figures(manager)["overall"]["finished"] == before["overall"]["finished"]
    lane_rollups_refresh(days=3, now=NOW)
    assert _figures(manager)["overall"]["finished"] == before["overall"]["finished"] + 1


def _rows():
    return sorted(
        LaneDay.objects.values_list(
            "day",
            "store_id",
            "origin_country",
            "destination_country",
            "carrier_id",
            "finished",
            "delivered",
            "promised",
            "on_time",
            "lost",
            "returned",
            "delayed",
            "transit",
        ),
        key=repr,
    )


def test_refreshing_twice_gives_the_same_rows(parcels):
    lane_rollups_refresh(days=None, now=NOW)
    first = _rows()
    assert first
    lane_rollups_refresh(days=None, now=NOW)
    assert _rows() == first
    lane_rollups_refresh(days=3, now=NOW)
    assert _rows() == first


def test_a_recent_refresh_leaves_older_days_alone(parcels):
    lane_rollups_refresh(days=None, now=NOW)
    old = LaneDay.objects.filter(day__lt=dt.date(2026, 5, 29))
    counted = old.count()
    Shipment.objects.filter(last_event_at__lt=dt.datetime(2026, 5, 29, tzinfo=dt.UTC)).delete()
    lane_rollups_refresh(days=3, now=NOW)
    assert old.count() == counted
    lane_rollups_refresh(days=None, now=NOW)
    assert old.count() == 0


def test_managers_can_open_the_lane_rollup_in_admin(client, manager, parcels):
    lane_rollups_refresh(days=None, now=NOW)
    client.force_login(manager)
    response = client.get(reverse("admin:analytics_laneday_changelist"))
    assert response.status_code == 200
    assert LaneDay.objects.first().origin_country in response.content.decode()

"""The logistics dashboard: transit times, on-time, delay and loss rates, anomalies — hand-counted."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.http import QueryDict
from django.urls import reverse

from analytics.dashboards.logistics import build
from analytics.filters import filters_from_query
from analytics.lane_services import lane_rollups_refresh
from logistics.models import Shipment, ShipmentAnomaly, TrackingStatus
from tests.factories import CarrierFactory, LaneStatisticFactory, ShipmentAnomalyFactory, ShipmentFactory

pytestmark = pytest.mark.django_db

MAY = {"start": "2026-05-01", "end": "2026-05-31"}
DELIVERED = dt.datetime(2026, 5, 20, 12, tzinfo=dt.UTC)


def _filters(user, **values):
    query = QueryDict(mutable=True)
    query.update({**MAY, **values})
    filters, form = filters_from_query(query, user=user)
    assert not form.errors, form.errors
    return filters


def _delivered(store, carrier, days, *, destination="DE", promised=None, delivered_at=DELIVERED, **extra):
    return ShipmentFactory(
        store=store,
        carrier=carrier,
        destination_country=destination,
        status=TrackingStatus.DELIVERED,
        shipped_at=delivered_at - dt.timedelta(days=days),
        delivered_at=delivered_at,
        last_event_at=delivered_at,
        promised_by=promised,
        **extra,
    )


@pytest.fixture(params=["live", "rollup"])
def parcels(request, store_eu, store_us):
    """YunExpress CN→DE: delivered in 5, 7, 9, 11 days (on time, late, on time, no promise), one lost,
    one returned; late anomalies on the late and the lost one. PostNL CN→FR: one in 3 days, on time.
    Counted live, or from the lane rollup once refreshed (the same figures either way)."""
    yun = CarrierFactory(name="YunExpress")
    postnl = CarrierFactory(name="PostNL")
    day = DELIVERED.date()
    _delivered(store_eu, yun, 5, promised=day)  # on time: delivered on the promised day
    late = _delivered(store_eu, yun, 7, promised=day - dt.timedelta(days=1))
    _delivered(store_eu, yun, 9, promised=day + dt.timedelta(days=1))
    _delivered(store_eu, yun, 11)
    lost = ShipmentFactory(
        store=store_eu, carrier=yun, status=TrackingStatus.EXPIRED, last_event_at=DELIVERED, shipped_at=None
    )
    ShipmentFactory(
        store=store_eu,
        carrier=yun,
        status=TrackingStatus.RETURNED_TO_SENDER,
        last_event_at=DELIVERED,
        shipped_at=DELIVERED - dt.timedelta(days=20),
    )
    for parcel in (late, lost):
        ShipmentAnomalyFactory(
            shipment=parcel,
            kind=Shipment.Anomaly.LATE,
            severity=ShipmentAnomaly.Severity.HIGH if parcel is lost else ShipmentAnomaly.Severity.MEDIUM,
            detected_at=DELIVERED - dt.timedelta(days=1),
        )
    _delivered(store_eu, postnl, 3, destination="FR", promised=day)
    # None of these count:
    ShipmentFactory(store=store_eu, carrier=yun, status=TrackingStatus.IN_TRANSIT, last_event_at=DELIVERED)
    _delivered(store_eu, yun, 30, delivered_at=dt.datetime(2026, 4, 25, tzinfo=dt.UTC))  # finished in April
    _delivered(store_eu, yun, 30, direction=Shipment.Direction.RETURN)  # a customer's return parcel
    _delivered(store_us, yun, 40)  # another store (only with a store filter)
    if request.param == "rollup":
        lane_rollups_refresh(days=None)
    LaneStatisticFactory(carrier=yun, median_days=Decimal("9.50"), on_time_rate=Decimal("0.8000"))
    return yun, postnl


def test_transit_times_and_rates_by_carrier_and_lane(manager, parcels, store_eu):
    page = build(_filters(manager, store=str(store_eu.pk)))
    carriers = {row["carrier"]: row for row in page.table("carriers").rows}
    yun = carriers["YunExpress"]
    assert (yun["finished"], yun["delivered"]) == (6, 4)
    assert yun["median_days"] == pytest.approx(8)  # between 7 and 9
    assert yun["p90_days"] == pytest.approx(10.4)  # 9 + 0.7 × (11 − 9)
    assert yun["on_time_rate"] == pytest.approx(2 / 3)
    assert yun["delay_rate"] == pytest.approx(2 / 6)
    assert yun["loss_rate"] == pytest.approx(1 / 6)
    assert yun["returned_rate"] == pytest.approx(1 / 6)
    postnl = carriers["PostNL"]
    assert (postnl["finished"], postnl["median_days"], postnl["on_time_rate"]) == (1, pytest.approx(3), 1)

    lanes = {(row["lane"], row["carrier"]): row for row in page.table("lanes").rows}
    cn_de = lanes[("CN → DE", "YunExpress")]
    assert cn_de["median_days"] == pytest.approx(8)
    assert (cn_de["usual_median_days"], cn_de["usual_on_time_rate"]) == (9.5, 0.8)
    assert lanes[("CN → FR", "PostNL")]["usual_median_days"] is None

    kpis = {str(kpi.label): kpi.value for kpi in page.kpis}
    assert kpis["Parcels finished"] == "7"
    assert kpis["Median transit"] == "7.0 d"  # 3, 5, 7, 9, 11
    assert kpis["p90 transit"] == "10.2 d"  # 9 + 0.6 × 2
    assert kpis["On time"] == "75.0 %"


def test_the_country_filter_narrows_to_the_destination(manager, parcels, store_eu):
    page = build(_filters(manager, store=str(store_eu.pk), country="FR"))
    assert [row["carrier"] for row in page.table("carriers").rows] == ["PostNL"]


@pytest.mark.parametrize("source", ["live", "rollup"])
def test_anomalies_by_kind_and_week(manager, store_eu, source):
    stalled_at = dt.datetime(2026, 5, 5, 8, tzinfo=dt.UTC)
    ShipmentAnomalyFactory(shipment=ShipmentFactory(store=store_eu), detected_at=stalled_at)
    ShipmentAnomalyFactory(
        shipment=ShipmentFactory(store=store_eu),
        detected_at=stalled_at,
        resolved_at=stalled_at + dt.timedelta(hours=48),
        escalated_at=stalled_at,
        severity=ShipmentAnomaly.Severity.HIGH,
    )
    ShipmentAnomalyFactory(
        shipment=ShipmentFactory(store=store_eu),
        kind=Shipment.Anomaly.LATE,
        detected_at=dt.datetime(2026, 5, 19, tzinfo=dt.UTC),
    )
    ShipmentAnomalyFactory(
        shipment=ShipmentFactory(store=store_eu),
        kind=Shipment.Anomaly.CUSTOMS,
        detected_at=dt.datetime(2026, 4, 19, tzinfo=dt.UTC),
    )  # before the period
    if source == "rollup":
        lane_rollups_refresh(days=None)
    page = build(_filters(manager))
    rows = {row["kind"]: row for row in page.table("anomalies").rows}
    assert set(rows) == {"stalled", "late"}
    stalled = rows["stalled"]
    assert (stalled["detected"], stalled["still_open"], stalled["severe"], stalled["ticketed"]) == (
        2,
        1,
        1,
        1,
    )
    assert stalled["seconds_to_resolve"] == pytest.approx(48 * 3600)
    chart = next(chart for chart in page.charts if chart.key == "anomalies")
    # Weeks starting 27 April, 4, 11, 18 and 25 May.
    assert {dataset.label: list(dataset.data) for dataset in chart.datasets} == {
        "Stalled": [0, 2, 0, 0, 0],
        "Late": [0, 0, 0, 1, 0],
    }


def test_carriers_download_as_csv(client, manager, parcels, store_eu):
    client.force_login(manager)
    url = reverse("analytics:dashboard", args=["logistics"])
    assert client.get(url, MAY).status_code == 200
    response = client.get(url, {**MAY, "store": str(store_eu.pk), "export": "carriers"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:5] == ["Carrier", "Parcels finished", "Delivered", "Median days", "p90 days"]
    assert [row[:5] for row in rows[1:]] == [
        ["YunExpress", "6", "4", "8.0", "10.4"],
        ["PostNL", "1", "1", "3.0", "3.0"],
    ]


def test_the_anomaly_rollup_follows_a_late_resolution_and_equals_the_live_count(manager, store_eu):
    from analytics.logistics_selectors import anomaly_figures
    from analytics.models import AnomalyDay, RollupState

    detected = dt.datetime(2026, 5, 5, 8, tzinfo=dt.UTC)
    anomaly = ShipmentAnomalyFactory(shipment=ShipmentFactory(store=store_eu), detected_at=detected)
    ShipmentAnomalyFactory(
        shipment=ShipmentFactory(store=store_eu, direction=Shipment.Direction.RETURN), detected_at=detected
    )  # a customer's return parcel: not counted
    lane_rollups_refresh(days=None)
    assert AnomalyDay.objects.get().still_open == 1
    RollupState.objects.filter(name=AnomalyDay.ANOMALIES).update(
        refreshed_at=dt.datetime(2026, 5, 6, tzinfo=dt.UTC)
    )

    # Resolved weeks after it was detected; the 10-minute refresh recounts the day it was detected.
    anomaly.resolved_at = detected + dt.timedelta(hours=30)
    anomaly.save()
    lane_rollups_refresh(days=3)

    rolled = AnomalyDay.objects.get()
    assert (rolled.detected, rolled.still_open, rolled.resolved, rolled.resolve_seconds) == (
        1,
        0,
        1,
        30 * 3600,
    )
    page = build(_filters(manager))
    assert {row["kind"]: row["seconds_to_resolve"] for row in page.table("anomalies").rows} == {
        "stalled": pytest.approx(30 * 3600)
    }
    figures = anomaly_figures(_filters(manager), "week")
    AnomalyDay.objects.all().delete()
    RollupState.objects.filter(name=AnomalyDay.ANOMALIES).delete()
    assert anomaly_figures(_filters(manager), "week") == figures  # the live count agrees

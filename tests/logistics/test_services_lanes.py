"""Lane statistics: exact figures on small known sets, the prior blending, SQL = Python."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest
import time_machine
from django.db import connection

from helpdesk.schedule import periodic_tasks
from logistics.models import LaneStatistic, TrackingStatus
from logistics.services.lanes import (
    PRIOR_STRENGTH,
    lane_figures_python,
    lane_figures_sql,
    lane_statistics_compute,
    percentile_cont,
    shrink,
)
from logistics.tasks import lane_statistics_compute as lane_statistics_task
from tests.factories import CarrierFactory, ShipmentFactory, StoreFactory, TrackingEventFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 1, 2, 30, tzinfo=dt.UTC)
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's")


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def store():
    return StoreFactory()


def delivered(store, carrier, days: float, *, destination="DE", origin="CN", promised=None, ago=10, **extra):
    """A parcel delivered ``ago`` days before NOW after ``days`` in transit."""
    delivered_at = NOW - dt.timedelta(days=ago)
    return ShipmentFactory(
        store=store,
        carrier=carrier,
        origin_country=origin,
        destination_country=destination,
        status=TrackingStatus.DELIVERED,
        shipped_at=delivered_at - dt.timedelta(days=days),
        delivered_at=delivered_at,
        last_event_at=delivered_at,
        promised_by=promised,
        **extra,
    )


def test_percentile_cont_interpolates_like_postgresql():
    values = [2.0, 4.0, 6.0, 8.0, 10.0]

    assert percentile_cont(values, 0.5) == 6.0
    assert percentile_cont(values, 0.8) == pytest.approx(8.4)  # position 3.2
    assert percentile_cont(values, 0.95) == pytest.approx(9.6)  # position 3.8
    assert percentile_cont([], 0.5) is None
    assert percentile_cont([7.0], 0.95) == 7.0


def test_one_lane_gets_its_exact_median_p80_and_p95(store):
    carrier = CarrierFactory()
    for days in (10, 2, 8, 4, 6):
        delivered(store, carrier, days)

    run = lane_statistics_compute()

    lane = LaneStatistic.objects.get()
    assert (lane.origin_country, lane.destination_country, lane.carrier) == ("CN", "DE", carrier)
    assert lane.sample_size == 5
    assert lane.median_days == Decimal("6.00")
    assert lane.p80_days == Decimal("8.40")
    assert lane.p95_days == Decimal("9.60")
    assert lane.computed_at == NOW
    assert run.lanes == 1
    assert run.parcels == 5


def test_rates_count_on_time_lost_and_returned_parcels(store):
    carrier = CarrierFactory()
    promised_late = (NOW - dt.timedelta(days=11)).date()  # delivered the day after the promise
    promised_ok = (NOW - dt.timedelta(days=10)).date()  # delivered on the promised day
    for promised in (promised_ok, promised_ok, promised_ok, promised_late):
        delivered(store, carrier, 5, promised=promised)
    for _ in range(4):
        delivered(store, carrier, 5)
    ShipmentFactory(
        store=store, carrier=carrier, status=TrackingStatus.EXCEPTION, sub_status="lost",
        last_event_at=NOW - dt.timedelta(days=3),
    )  # fmt: skip
    ShipmentFactory(
        store=store, carrier=carrier, status=TrackingStatus.RETURNED_TO_SENDER,
        last_event_at=NOW - dt.timedelta(days=3),
    )  # fmt: skip
    # Still under way, delivered before the window, another direction: none of them count.
    ShipmentFactory(store=store, carrier=carrier, status=TrackingStatus.IN_TRANSIT)
    delivered(store, carrier, 40, ago=120)
    delivered(store, carrier, 40, direction="return")

    lane_statistics_compute()

    lane = LaneStatistic.objects.get()
    assert lane.sample_size == 8
    assert lane.on_time_rate == Decimal("0.7500")
    assert lane.loss_rate == Decimal("0.1000")
    assert lane.returned_rate == Decimal("0.1000")
    assert lane.median_days == Decimal("5.00")


def test_the_median_gap_is_between_consecutive_scans_of_delivered_parcels(store):
    carrier = CarrierFactory()
    start = NOW - dt.timedelta(days=20)
    first = delivered(store, carrier, 5)
    for hours in (0, 10, 30):  # gaps 10 h and 20 h
        TrackingEventFactory(shipment=first, occurred_at=start + dt.timedelta(hours=hours))
    second = delivered(store, carrier, 5)
    for hours in (0, 40):  # gap 40 h
        TrackingEventFactory(shipment=second, occurred_at=start + dt.timedelta(hours=hours))

    lane_statistics_compute()

    assert LaneStatistic.objects.get().median_scan_gap_hours == Decimal("20.00")


def test_a_small_lane_is_shrunk_towards_its_destination_and_the_destination_towards_everything(store):
    small, big = CarrierFactory(), CarrierFactory()
    for _ in range(2):
        delivered(store, small, 10)  # CN→DE by the small carrier: 2 parcels, 10 days
    for _ in range(18):
        delivered(store, big, 5)  # CN→DE by the big one: 18 parcels, 5 days
    for _ in range(20):
        delivered(store, small, 12, destination="US")  # CN→US: 20 parcels, 12 days

    lane_statistics_compute()

    # Everything: 40 parcels, median between the 20th (10 days) and 21st (12 days) = 11.
    # DE on its own: median 5 from 20 parcels -> 20/40 × 5 + 20/40 × 11 = 8.
    # The small lane: 2/22 × 10 + 20/22 × 8 = 8.18; the big one: 18/38 × 5 + 20/38 × 8 = 6.58.
    figures = {
        (lane.destination_country, lane.carrier_id): lane.median_days for lane in LaneStatistic.objects.all()
    }
    assert figures[("DE", small.pk)] == Decimal("8.18")
    assert figures[("DE", big.pk)] == Decimal("6.58")
    # CN→US is all of US: 20/40 × 12 + 20/40 × 11 = 11.5 for US, then 20/40 × 12 + 20/40 × 11.5.
    assert figures[("US", small.pk)] == Decimal("11.75")
    assert LaneStatistic.objects.get(destination_country="DE", carrier=small).sample_size == 2


def test_shrinking_weighs_a_lane_by_its_parcels():
    assert shrink(10.0, 0, 4.0) == 4.0
    assert shrink(10.0, PRIOR_STRENGTH, 4.0) == pytest.approx(7.0)  # half and half at n = k
    assert shrink(10.0, 5 * PRIOR_STRENGTH, 4.0) == pytest.approx(9.0)  # 5/6 at n = 5k
    assert shrink(None, 3, 4.0) == 4.0
    assert shrink(10.0, 3, None) == 10.0


def test_computing_again_updates_the_lane_in_place(store):
    carrier = CarrierFactory()
    delivered(store, carrier, 4)
    lane_statistics_compute()
    delivered(store, carrier, 8)

    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        lane_statistics_task.delay()

    lane = LaneStatistic.objects.get()
    assert lane.sample_size == 2
    assert lane.median_days == Decimal("6.00")
    assert lane.computed_at == NOW + dt.timedelta(days=1)


def test_the_nightly_computation_is_scheduled():
    entry = next(
        entry for entry in periodic_tasks() if entry.task == "logistics.tasks.lane_statistics_compute"
    )
    assert entry.crontab == "30 2 * * *"


@on_postgresql
def test_postgresql_computes_the_same_figures_as_python(store):
    rng = random.Random(6)
    carriers = [CarrierFactory() for _ in range(3)]
    for _ in range(160):
        carrier = rng.choice(carriers)
        destination = rng.choice(["DE", "US", "FR"])
        origin = rng.choice(["CN", "HK"])
        outcome = rng.random()
        if outcome < 0.85:
            parcel = delivered(
                store,
                carrier,
                rng.uniform(2, 30),
                destination=destination,
                origin=origin,
                ago=rng.uniform(0.5, 80),
                promised=(NOW - dt.timedelta(days=rng.randint(0, 60))).date() if rng.random() < 0.6 else None,
            )
            moment = parcel.shipped_at
            for _ in range(rng.randint(0, 5)):
                moment += dt.timedelta(hours=rng.uniform(1, 90), microseconds=rng.randint(0, 999_999))
                TrackingEventFactory(shipment=parcel, occurred_at=moment)
        else:
            ShipmentFactory(
                store=store,
                carrier=carrier,
                destination_country=destination,
                origin_country=origin,
                status=rng.choice([TrackingStatus.RETURNED_TO_SENDER, TrackingStatus.EXPIRED]),
                last_event_at=NOW - dt.timedelta(days=rng.uniform(0, 80)),
            )
    since = NOW - dt.timedelta(days=90)

    in_sql = lane_figures_sql(since=since, until=NOW)
    in_python = lane_figures_python(since=since, until=NOW)

    assert in_sql.lanes.keys() == in_python.lanes.keys()
    for key, group in in_python.lanes.items():
        assert vars(in_sql.lanes[key]) == pytest.approx(vars(group), rel=1e-12), key
    for key, group in in_python.destinations.items():
        assert vars(in_sql.destinations[key]) == pytest.approx(vars(group), rel=1e-12), key
    assert vars(in_sql.overall) == pytest.approx(vars(in_python.overall), rel=1e-12)

    lane_statistics_compute(engine="sql")
    stored_by_sql = list(LaneStatistic.objects.order_by("pk").values())
    lane_statistics_compute(engine="python")
    assert list(LaneStatistic.objects.order_by("pk").values()) == stored_by_sql

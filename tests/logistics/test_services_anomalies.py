"""Anomaly rules with controlled time: each fires, stays quiet just below its threshold, and
resolves when its condition clears; severity; one anomaly per kind; the periodic scan."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from helpdesk.models import SeasonalRuleSet
from helpdesk.schedule import periodic_tasks
from logistics.models import Shipment, ShipmentAnomaly, TrackingStatus
from logistics.services.anomalies import shipment_anomalies_check, shipments_scan_anomalies
from logistics.tasks import shipment_anomalies_check as shipment_anomalies_check_task
from tests.factories import (
    LaneStatisticFactory,
    SeasonalRuleSetFactory,
    ShipmentFactory,
    TrackingEventFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
Kind = Shipment.Anomaly
Severity = ShipmentAnomaly.Severity


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def lane():
    """CN→DE: median 10 days, p80 15, p95 20, a scan every 20 hours (so stalled after 100 h)."""
    return LaneStatisticFactory(
        median_days=10, p80_days=15, p95_days=20, median_scan_gap_hours=20, computed_at=NOW - DAY
    )


def parcel(lane=None, **fields) -> Shipment:
    defaults = {"shipped_at": NOW - 2 * DAY, "last_event_at": NOW - HOUR, "status": TrackingStatus.IN_TRANSIT}
    if lane is not None:
        defaults["carrier"] = lane.carrier
    return ShipmentFactory(**{**defaults, **fields})


def check(shipment: Shipment, now: dt.datetime = NOW) -> dict[str, ShipmentAnomaly]:
    """Run the rules; the parcel's open anomalies by kind."""
    shipment_anomalies_check(shipment_id=shipment.pk, now=now)
    return {a.kind: a for a in ShipmentAnomaly.objects.filter(shipment=shipment, resolved_at__isnull=True)}


def moved(shipment: Shipment, *, status=TrackingStatus.IN_TRANSIT, at=NOW, **fields) -> Shipment:
    Shipment.objects.filter(pk=shipment.pk).update(status=status, last_event_at=at, **fields)
    return Shipment.objects.get(pk=shipment.pk)


# --- stalled ----------------------------------------------------------------------------------


def test_a_parcel_silent_for_longer_than_five_of_its_lanes_gaps_is_stalled(lane):
    quiet = parcel(lane, last_event_at=NOW - 101 * HOUR)

    found = check(quiet)

    assert found.keys() == {Kind.STALLED}
    assert found[Kind.STALLED].severity == Severity.MEDIUM
    assert found[Kind.STALLED].detail == "No scan for 4 days; this lane usually scans every 20 hours."
    assert Shipment.objects.get(pk=quiet.pk).anomaly == Kind.STALLED


def test_a_parcel_just_under_the_stall_threshold_is_not_stalled(lane):
    assert check(parcel(lane, last_event_at=NOW - 99 * HOUR)) == {}


def test_without_lane_figures_a_parcel_is_stalled_after_the_three_day_floor():
    assert check(parcel(last_event_at=NOW - 71 * HOUR)) == {}
    assert check(parcel(last_event_at=NOW - 73 * HOUR)).keys() == {Kind.STALLED}


def test_a_long_silence_makes_the_stall_severe(lane):
    assert check(parcel(lane, last_event_at=NOW - 199 * HOUR))[Kind.STALLED].severity == Severity.MEDIUM
    assert check(parcel(lane, last_event_at=NOW - 201 * HOUR))[Kind.STALLED].severity == Severity.HIGH


def test_a_stalled_parcel_that_moves_again_is_no_longer_stalled(lane):
    stuck = parcel(lane, last_event_at=NOW - 5 * DAY)
    check(stuck)

    assert check(moved(stuck, at=NOW - HOUR), now=NOW) == {}
    anomaly = ShipmentAnomaly.objects.get(shipment=stuck)
    assert anomaly.resolved_at == NOW
    assert Shipment.objects.get(pk=stuck.pk).anomaly == Kind.NONE


def test_a_parcel_never_scanned_is_stalled_counting_from_its_shipping():
    label_only = parcel(status=TrackingStatus.PENDING, shipped_at=NOW - 4 * DAY, last_event_at=None)

    assert check(label_only).keys() == {Kind.STALLED}


def test_the_seasonal_padding_gives_a_stall_more_time(lane):
    SeasonalRuleSetFactory(
        kind=SeasonalRuleSet.Kind.CHINESE_NEW_YEAR,
        markets=["CN"],
        phase=SeasonalRuleSet.Phase.DURING,
        prepare_from=NOW - 20 * DAY,
        peak_from=NOW - 10 * DAY,
        overrides={"during": {"delivery_padding_days": 3}},
    )

    assert check(parcel(lane, last_event_at=NOW - 101 * HOUR)) == {}  # 100 h + 3 days
    assert check(parcel(lane, last_event_at=NOW - 173 * HOUR)).keys() == {Kind.STALLED}


# --- customs ----------------------------------------------------------------------------------


def held(since: dt.timedelta) -> Shipment:
    shipment = parcel(status=TrackingStatus.CUSTOMS_HOLD, shipped_at=NOW - 9 * DAY, last_event_at=NOW - DAY)
    TrackingEventFactory(shipment=shipment, status=TrackingStatus.IN_TRANSIT, occurred_at=NOW - since - DAY)
    TrackingEventFactory(shipment=shipment, status=TrackingStatus.CUSTOMS_HOLD, occurred_at=NOW - since)
    TrackingEventFactory(shipment=shipment, status=TrackingStatus.CUSTOMS_HOLD, occurred_at=NOW - DAY)
    return shipment


def test_a_customs_hold_is_counted_from_its_first_scan_and_flagged_after_four_days():
    found = check(held(4 * DAY + HOUR))

    assert found.keys() == {Kind.CUSTOMS}
    assert found[Kind.CUSTOMS].severity == Severity.MEDIUM
    assert found[Kind.CUSTOMS].detail == "Held in customs for 4 days."


def test_a_customs_hold_just_under_four_days_is_not_an_anomaly():
    assert check(held(4 * DAY - HOUR)) == {}


def test_a_customs_hold_past_eight_days_is_severe():
    assert check(held(8 * DAY + HOUR))[Kind.CUSTOMS].severity == Severity.HIGH


def test_a_parcel_released_from_customs_resolves_the_hold():
    stuck = held(5 * DAY)
    check(stuck)

    assert check(moved(stuck)) == {}
    assert ShipmentAnomaly.objects.get(shipment=stuck, kind=Kind.CUSTOMS).resolved_at == NOW


# --- failed delivery, exception, returned -------------------------------------------------------


def test_a_failed_delivery_attempt_is_flagged_and_cleared_by_the_next_attempt():
    attempt = parcel(status=TrackingStatus.FAILED_ATTEMPT, sub_status="recipient_absent")

    found = check(attempt)
    assert found[Kind.FAILED_DELIVERY].severity == Severity.MEDIUM
    assert found[Kind.FAILED_DELIVERY].detail == "Delivery attempt failed: recipient absent."

    assert check(moved(attempt, status=TrackingStatus.OUT_FOR_DELIVERY)) == {}


@pytest.mark.parametrize(
    ("sub_status", "severity"),
    [
        ("lost", Severity.HIGH),
        ("damaged", Severity.HIGH),
        ("address_issue", Severity.MEDIUM),
        ("", Severity.MEDIUM),
    ],
)
def test_an_exception_is_severe_when_the_parcel_is_lost_or_damaged(sub_status, severity):
    found = check(parcel(status=TrackingStatus.EXCEPTION, sub_status=sub_status))

    assert found.keys() == {Kind.EXCEPTION}
    assert found[Kind.EXCEPTION].severity == severity


def test_a_parcel_returned_to_the_sender_is_severe_and_stays_flagged(lane):
    found = check(parcel(lane, status=TrackingStatus.RETURNED_TO_SENDER, shipped_at=NOW - 30 * DAY))

    assert found.keys() == {Kind.RETURNED}  # not also late: its journey is over
    assert found[Kind.RETURNED].severity == Severity.HIGH


# --- late and the early warning -----------------------------------------------------------------


def test_a_parcel_not_delivered_by_the_end_of_its_promised_day_is_late():
    found = check(parcel(promised_by=(NOW - DAY).date()))

    assert found.keys() == {Kind.LATE}
    assert found[Kind.LATE].detail == "Promised by 2025-03-09; 1 days late."
    assert check(parcel(promised_by=NOW.date())) == {}  # today is not over yet


def test_a_parcel_more_than_a_week_past_its_promise_is_severely_late():
    assert check(parcel(promised_by=(NOW - 7 * DAY).date()))[Kind.LATE].severity == Severity.MEDIUM
    assert check(parcel(promised_by=(NOW - 8 * DAY).date()))[Kind.LATE].severity == Severity.HIGH


def test_without_a_promise_a_parcel_is_late_after_its_lanes_p80(lane):
    found = check(parcel(lane, shipped_at=NOW - 15 * DAY - HOUR))

    assert found.keys() == {Kind.LATE}
    assert check(parcel(lane, shipped_at=NOW - 15 * DAY + HOUR)).keys() == {Kind.EARLY_WARNING}


def test_the_seasonal_padding_moves_the_lane_deadline_but_not_a_promise(lane):
    SeasonalRuleSetFactory(
        markets=["DE"],
        phase=SeasonalRuleSet.Phase.DURING,
        overrides={"during": {"delivery_padding_days": {"DE": 5, "*": 1}}},
    )

    assert Kind.LATE not in check(parcel(lane, shipped_at=NOW - 16 * DAY))  # p80 15 + 5 days
    assert Kind.LATE in check(parcel(lane, shipped_at=NOW - 21 * DAY))
    assert Kind.LATE in check(parcel(lane, promised_by=(NOW - DAY).date()))


def test_a_parcel_past_130_percent_of_its_lanes_median_gets_an_early_warning(lane):
    found = check(parcel(lane, shipped_at=NOW - 13 * DAY - HOUR))

    assert found.keys() == {Kind.EARLY_WARNING}
    assert found[Kind.EARLY_WARNING].severity == Severity.LOW
    assert (
        found[Kind.EARLY_WARNING].detail == "13 days in transit; parcels on this lane usually take 10.0 days."
    )
    assert check(parcel(lane, shipped_at=NOW - 13 * DAY + HOUR)) == {}


def test_the_early_warning_gives_way_to_late_and_both_clear_on_delivery(lane):
    slow = parcel(lane, shipped_at=NOW - 14 * DAY)
    assert check(slow).keys() == {Kind.EARLY_WARNING}

    later = NOW + 2 * DAY
    assert check(moved(slow, at=later - HOUR), now=later).keys() == {Kind.LATE}

    delivered = moved(slow, status=TrackingStatus.DELIVERED, at=later, delivered_at=later)
    assert check(delivered, now=later + HOUR) == {}
    assert Shipment.objects.get(pk=slow.pk).anomaly == Kind.NONE


# --- one per kind, the most severe shown, return parcels -----------------------------------------


def test_finding_an_anomaly_again_changes_nothing(lane):
    quiet = parcel(lane, last_event_at=NOW - 5 * DAY)
    first = check(quiet)[Kind.STALLED]

    shipment_anomalies_check_task.delay(quiet.pk)
    again = check(quiet, now=NOW + HOUR)[Kind.STALLED]

    assert ShipmentAnomaly.objects.filter(shipment=quiet).count() == 1
    assert (again.pk, again.detected_at, again.notice_due_at) == (
        first.pk,
        first.detected_at,
        first.notice_due_at,
    )


def test_an_anomaly_that_comes_back_reopens_the_same_row(lane):
    quiet = parcel(lane, last_event_at=NOW - 5 * DAY)
    first = check(quiet)[Kind.STALLED]
    check(moved(quiet, at=NOW))

    later = NOW + 6 * DAY
    back = check(quiet, now=later)[Kind.STALLED]

    assert back.pk == first.pk
    assert back.resolved_at is None
    assert back.detected_at == NOW


def test_the_parcel_shows_its_most_severe_open_anomaly(lane):
    returned = parcel(
        lane, status=TrackingStatus.EXCEPTION, sub_status="address_issue", shipped_at=NOW - 16 * DAY
    )

    found = check(returned)

    assert found.keys() == {Kind.EXCEPTION, Kind.LATE}
    assert Shipment.objects.get(pk=returned.pk).anomaly == Kind.EXCEPTION  # medium beats medium by kind
    Shipment.objects.filter(pk=returned.pk).update(shipped_at=NOW - 30 * DAY)
    check(returned)
    assert Shipment.objects.get(pk=returned.pk).anomaly == Kind.LATE  # now severely late: high


def test_return_parcels_are_not_checked(lane):
    assert check(parcel(lane, direction=Shipment.Direction.RETURN, last_event_at=NOW - 20 * DAY)) == {}


def test_a_parcel_that_is_gone_is_skipped():
    assert shipment_anomalies_check(shipment_id=987_654, now=NOW) is None


# --- the periodic scan ------------------------------------------------------------------------


def test_the_scan_checks_every_parcel_under_way_in_batches(lane):
    stalled = [parcel(lane, last_event_at=NOW - (5 + i) * DAY) for i in range(3)]
    never_scanned = parcel(
        lane, status=TrackingStatus.INFO_RECEIVED, last_event_at=None, shipped_at=NOW - 6 * DAY
    )
    fine = parcel(lane)
    done = parcel(lane, status=TrackingStatus.DELIVERED, delivered_at=NOW, last_event_at=NOW - 9 * DAY)

    outcome = shipments_scan_anomalies(now=NOW, batch_size=2)

    assert outcome.checked == 5
    assert outcome.opened == 4
    flagged = set(ShipmentAnomaly.objects.values_list("shipment_id", flat=True))
    assert flagged == {s.pk for s in [*stalled, never_scanned]}
    assert fine.pk not in flagged
    assert done.pk not in flagged


def test_the_scan_resolves_anomalies_of_parcels_that_finished_meanwhile(lane):
    quiet = parcel(lane, last_event_at=NOW - 5 * DAY)
    check(quiet)
    # Delivered, but the event task that would have checked it was lost.
    moved(quiet, status=TrackingStatus.DELIVERED, delivered_at=NOW, at=NOW)

    outcome = shipments_scan_anomalies(now=NOW + HOUR)

    assert outcome.resolved == 1
    assert Shipment.objects.get(pk=quiet.pk).anomaly == Kind.NONE


def test_the_scan_is_scheduled():
    assert any(entry.task == "logistics.tasks.shipment_anomalies_scan" for entry in periodic_tasks())

"""A parcel, a tracking checkpoint, a lane and an anomaly are each stored once."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from logistics.models import Shipment
from tests.factories import (
    CarrierFactory,
    LaneStatisticFactory,
    ShipmentAnomalyFactory,
    ShipmentFactory,
    StoreFactory,
    TrackingEventFactory,
)

pytestmark = pytest.mark.django_db


def test_a_tracking_number_is_stored_once_per_carrier():
    carrier = CarrierFactory()
    ShipmentFactory(carrier=carrier, tracking_number="YT2433821266000123")

    with pytest.raises(IntegrityError), transaction.atomic():
        ShipmentFactory(carrier=carrier, tracking_number="YT2433821266000123")


def test_two_carriers_may_use_the_same_tracking_number():
    ShipmentFactory(carrier=CarrierFactory(), tracking_number="1Z999AA10123456784")
    ShipmentFactory(carrier=CarrierFactory(), tracking_number="1Z999AA10123456784")

    assert Shipment.objects.filter(tracking_number="1Z999AA10123456784").count() == 2


def test_a_tracking_number_without_a_known_carrier_is_stored_once():
    store = StoreFactory()
    ShipmentFactory(store=store, carrier=None, tracking_number="LX123456789CN")

    with pytest.raises(IntegrityError), transaction.atomic():
        ShipmentFactory(store=store, carrier=None, tracking_number="LX123456789CN")


def test_a_parcel_cannot_be_delivered_before_it_shipped():
    shipment = ShipmentFactory()
    shipment.delivered_at = shipment.shipped_at - timedelta(hours=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        shipment.save(update_fields=["delivered_at"])


def test_a_redelivered_tracking_event_is_refused():
    event = TrackingEventFactory(provider="aftership", provider_event_id="5b0d7c1f-0001")

    with pytest.raises(IntegrityError), transaction.atomic():
        TrackingEventFactory(shipment=event.shipment, provider="aftership", provider_event_id="5b0d7c1f-0001")


def test_the_same_event_id_from_two_providers_is_two_events():
    shipment = ShipmentFactory()
    TrackingEventFactory(shipment=shipment, provider="aftership", provider_event_id="42")
    TrackingEventFactory(shipment=shipment, provider="17track", provider_event_id="42")

    assert shipment.events.count() == 2


def test_a_lane_has_one_statistic_per_carrier():
    lane = LaneStatisticFactory(origin_country="CN", destination_country="US")

    with pytest.raises(IntegrityError), transaction.atomic():
        LaneStatisticFactory(origin_country="CN", destination_country="US", carrier=lane.carrier)


def test_a_lane_p80_cannot_be_faster_than_its_median():
    with pytest.raises(IntegrityError), transaction.atomic():
        LaneStatisticFactory(
            median_days=Decimal("10.00"), p80_days=Decimal("8.00"), p95_days=Decimal("12.00")
        )


def test_a_lane_p95_cannot_be_faster_than_its_p80():
    with pytest.raises(IntegrityError), transaction.atomic():
        LaneStatisticFactory(
            median_days=Decimal("8.00"), p80_days=Decimal("12.00"), p95_days=Decimal("11.00")
        )


@pytest.mark.parametrize("field", ["on_time_rate", "loss_rate", "returned_rate"])
def test_a_lane_rate_is_a_share_between_zero_and_one(field):
    with pytest.raises(IntegrityError), transaction.atomic():
        LaneStatisticFactory(**{field: Decimal("1.5000")})


def test_an_anomaly_kind_is_recorded_once_per_parcel_so_the_customer_is_told_once():
    anomaly = ShipmentAnomalyFactory(kind=Shipment.Anomaly.CUSTOMS)
    ShipmentAnomalyFactory(shipment=anomaly.shipment, kind=Shipment.Anomaly.STALLED)

    with pytest.raises(IntegrityError), transaction.atomic():
        ShipmentAnomalyFactory(shipment=anomaly.shipment, kind=Shipment.Anomaly.CUSTOMS)


def test_an_anomaly_cannot_be_resolved_before_it_was_detected():
    detected = timezone.now()

    with pytest.raises(IntegrityError), transaction.atomic():
        ShipmentAnomalyFactory(detected_at=detected, resolved_at=detected - timedelta(minutes=5))


def test_a_carrier_code_is_unique():
    # "cainiao" and the other registry carriers already exist: the data migration made them.
    CarrierFactory(code="local-courier")

    with pytest.raises(IntegrityError), transaction.atomic():
        CarrierFactory(code="local-courier")

    with pytest.raises(IntegrityError), transaction.atomic():
        CarrierFactory(code="cainiao")

"""Recording tracking events: each checkpoint once, the parcel's state from its whole timeline
in time order (late, out of order or repeated events change nothing wrongly), and what
follows the commit: the anomaly rules, the return workflow, a live update on the ticket."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from helpdesk import broadcast
from logistics.models import Carrier, Shipment, ShipmentAnomaly, TrackingEvent, TrackingStatus
from logistics.normalise import SEVENTEEN_TRACK, ParcelUpdate, ProviderEvent
from logistics.services.events import tracking_events_record
from tests.factories import OrderFactory, ShipmentFactory, StoreFactory, TicketFactory

pytestmark = pytest.mark.django_db

S = TrackingStatus
NUMBER = "LX123456785CN"
T0 = dt.datetime(2024, 3, 1, 8, 0, tzinfo=dt.UTC)


def scan(
    hours: float, status: str, *, sub_status: str = "", text: str = "", location: str = ""
) -> ProviderEvent:
    at = T0 + dt.timedelta(hours=hours)
    return ProviderEvent(
        provider=SEVENTEEN_TRACK,
        provider_event_id=f"{NUMBER}:{at.isoformat()}:{status}",
        tracking_number=NUMBER,
        occurred_at=at,
        status=status,
        sub_status=sub_status,
        description=text or status,
        location=location,
        carrier_code=3011,
    )


def record(store, *events: ProviderEvent, order_number: str = ""):
    update = ParcelUpdate(
        provider=SEVENTEEN_TRACK,
        tracking_number=NUMBER,
        carrier_code=3011,
        order_number=order_number,
        origin_country="CN",
        destination_country="DE",
        events=events,
    )
    return tracking_events_record(store=store, update=update)


@pytest.fixture
def store():
    return StoreFactory()


JOURNEY = [
    scan(0, S.INFO_RECEIVED, text="Electronic information received"),
    scan(20, S.IN_TRANSIT, sub_status="picked_up", location="Shenzhen"),
    scan(100, S.CUSTOMS_HOLD, sub_status="customs_processing", location="Frankfurt"),
    scan(150, S.OUT_FOR_DELIVERY, location="Berlin"),
    scan(155, S.DELIVERED, location="Berlin Mitte"),
]


def test_a_new_parcel_is_created_for_the_store_with_its_carrier_and_lane(store):
    result = record(store, *JOURNEY)

    shipment = result.shipment
    assert (result.shipment_created, result.stored, result.duplicates) == (True, 5, 0)
    assert shipment.carrier == Carrier.objects.get(code="china-post")
    assert (shipment.store, shipment.provider, shipment.origin_country, shipment.destination_country) == (
        store,
        SEVENTEEN_TRACK,
        "CN",
        "DE",
    )
    assert (shipment.status, shipment.last_location) == (S.DELIVERED, "Berlin Mitte")
    assert shipment.last_event_at == T0 + dt.timedelta(hours=155)
    assert shipment.delivered_at == T0 + dt.timedelta(hours=155)
    assert shipment.shipped_at == T0 + dt.timedelta(hours=20)  # the first scan that moved it


def test_events_arriving_in_reverse_order_give_the_same_state_and_timeline(store):
    for event in reversed(JOURNEY):
        record(store, event)

    shipment = Shipment.objects.get()
    assert (shipment.status, shipment.delivered_at, shipment.last_location) == (
        S.DELIVERED,
        T0 + dt.timedelta(hours=155),
        "Berlin Mitte",
    )
    assert list(shipment.events.order_by("occurred_at").values_list("status", flat=True)) == [
        e.status for e in JOURNEY
    ]


def test_the_same_events_delivered_again_are_not_stored_twice_and_change_nothing(store):
    first = record(store, *JOURNEY)
    again = record(store, *JOURNEY, JOURNEY[0])  # and one twice within the delivery

    assert (again.stored, again.duplicates, again.shipment_created, again.status_changed) == (
        0,
        5,
        False,
        False,
    )
    assert TrackingEvent.objects.count() == 5
    assert Shipment.objects.get().updated_at == first.shipment.updated_at


def test_a_late_earlier_in_transit_scan_does_not_undo_a_delivery(store):
    record(store, *JOURNEY)

    late = record(store, scan(60, S.IN_TRANSIT, sub_status="departed", location="Hong Kong"))

    assert late.stored == 1
    assert (late.shipment.status, late.shipment.last_location) == (S.DELIVERED, "Berlin Mitte")


def test_an_in_transit_scan_dated_after_the_delivery_does_not_undo_it_either(store):
    record(store, *JOURNEY)

    result = record(store, scan(170, S.IN_TRANSIT, location="Leipzig hub"))

    assert result.shipment.status == S.DELIVERED
    assert result.shipment.last_event_at == T0 + dt.timedelta(hours=170)  # the timeline still shows it


def test_a_return_after_delivery_is_news_and_clears_the_delivery_time(store):
    record(store, *JOURNEY)

    result = record(store, scan(300, S.RETURNED_TO_SENDER, sub_status="returned"))

    assert (result.shipment.status, result.shipment.sub_status, result.shipment.delivered_at) == (
        S.RETURNED_TO_SENDER,
        "returned",
        None,
    )
    assert result.status_changed


def test_label_data_never_moves_a_moving_parcel_back(store):
    result = record(store, JOURNEY[1], JOURNEY[2], scan(120, S.INFO_RECEIVED, text="Label re-printed"))

    assert (result.shipment.status, result.shipment.sub_status) == (S.CUSTOMS_HOLD, "customs_processing")


def test_any_real_scan_ends_an_expired_tracking(store):
    record(store, scan(0, S.IN_TRANSIT), scan(800, S.EXPIRED))

    assert record(store, scan(900, S.AVAILABLE_FOR_PICKUP)).shipment.status == S.AVAILABLE_FOR_PICKUP


def test_an_existing_parcel_is_found_by_number_even_under_another_carrier_name(store):
    existing = ShipmentFactory(
        store=store, carrier=Carrier.objects.get(code="deutsche-post"), tracking_number=NUMBER
    )

    result = record(StoreFactory(), *JOURNEY[:2])

    assert result.shipment.pk == existing.pk
    assert not result.shipment_created
    assert Shipment.objects.count() == 1


def test_a_parcel_imported_without_carrier_gets_the_providers_carrier(store):
    existing = ShipmentFactory(store=store, carrier=None, tracking_number=NUMBER, order=None)

    result = record(store, JOURNEY[1])

    assert result.shipment.pk == existing.pk
    assert Shipment.objects.get().carrier.code == "china-post"


def test_the_stores_order_named_in_the_update_is_linked_with_or_without_its_hash(store):
    order = OrderFactory(store=store, external_id="#1001")
    OrderFactory(store=StoreFactory(), external_id="1001")  # another store's: never linked

    assert record(store, JOURNEY[0], order_number="1001").shipment.order == order


def test_a_ship_date_later_than_the_delivery_scan_gives_way_to_the_scan(store):
    ShipmentFactory(
        store=store,
        tracking_number=NUMBER,
        carrier=Carrier.objects.get(code="china-post"),
        shipped_at=T0 + dt.timedelta(days=30),
    )

    shipment = record(store, JOURNEY[-1]).shipment

    assert shipment.shipped_at == shipment.delivered_at == T0 + dt.timedelta(hours=155)


# --- after the commit -------------------------------------------------------------------------------


def test_new_events_run_the_anomaly_rules_after_the_commit(store, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = record(store, scan(0, S.IN_TRANSIT), scan(10, S.EXCEPTION, sub_status="lost"))

    assert callbacks  # nothing ran before the commit
    anomaly = ShipmentAnomaly.objects.get(shipment=result.shipment)
    assert anomaly.kind == Shipment.Anomaly.EXCEPTION


def test_a_redelivery_queues_nothing(store, django_capture_on_commit_callbacks):
    record(store, *JOURNEY)

    with django_capture_on_commit_callbacks() as callbacks:
        record(store, *JOURNEY)

    assert callbacks == []


def test_a_ticket_about_the_parcel_hears_that_it_moved(store, django_capture_on_commit_callbacks):
    shipment = record(store, JOURNEY[0]).shipment
    ticket = TicketFactory(store=store, shipment=shipment)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(broadcast.ticket_group(ticket.pk), channel)

    with django_capture_on_commit_callbacks(execute=True):
        record(store, JOURNEY[1])

    async def receive():
        return await asyncio.wait_for(layer.receive(channel), timeout=3)

    event = async_to_sync(receive)()["event"]
    assert event == {"kind": "shipment.changed", "shipment": shipment.pk, "status": S.IN_TRANSIT}


def test_a_return_parcel_delivered_back_to_the_shop_moves_its_return_to_received(
    store, django_capture_on_commit_callbacks
):
    from returns.models import ReturnRequest
    from tests.factories import ReturnRequestFactory

    parcel = ShipmentFactory(
        store=store,
        carrier=Carrier.objects.get(code="china-post"),
        tracking_number=NUMBER,
        direction=Shipment.Direction.RETURN,
        status=S.INFO_RECEIVED,
        shipped_at=None,
    )
    return_request = ReturnRequestFactory(
        store=store, order=parcel.order, status=ReturnRequest.Status.LABEL_ISSUED, return_shipment=parcel
    )

    with django_capture_on_commit_callbacks(execute=True):
        record(store, scan(0, S.IN_TRANSIT), scan(48, S.DELIVERED))

    return_request.refresh_from_db()
    assert return_request.status == ReturnRequest.Status.RECEIVED

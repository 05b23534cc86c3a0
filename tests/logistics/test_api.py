"""REST API v1 for shipments and tracking events, and adding a parcel to follow."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from logistics.models import Shipment
from tests.factories import CarrierFactory, OrderFactory, ShipmentFactory, TrackingEventFactory
from tests.helpdesk.api_cast import error_of, token_client

SHIPMENTS = "/api/v1/shipments/"


def test_a_shipment_comes_with_its_tracking_events_in_time_order(agent_eu, store_eu):
    shipment = ShipmentFactory(store=store_eu)
    now = timezone.now()
    later = TrackingEventFactory(shipment=shipment, occurred_at=now - dt.timedelta(hours=1))
    earlier = TrackingEventFactory(shipment=shipment, occurred_at=now - dt.timedelta(days=1))
    client = token_client(agent_eu, scopes=["shipments:read"])

    detail = client.get(f"{SHIPMENTS}{shipment.pk}/").json()
    events = client.get(f"{SHIPMENTS}{shipment.pk}/events/", {"ordering": "occurred_at"}).json()

    assert [row["id"] for row in detail["events"]] == [earlier.pk, later.pk]
    assert [row["id"] for row in events["results"]] == [earlier.pk, later.pk]


def test_shipments_are_scoped_and_filter_by_status(agent_eu, store_eu, store_us):
    moving = ShipmentFactory(store=store_eu, status="in_transit")
    ShipmentFactory(store=store_eu, status="delivered")
    ShipmentFactory(store=store_us, status="in_transit")

    body = token_client(agent_eu).get(SHIPMENTS, {"status": "in_transit"}).json()

    assert [row["id"] for row in body["results"]] == [moving.pk]


def test_another_stores_shipment_and_its_events_are_404s(agent_eu, store_us):
    shipment = ShipmentFactory(store=store_us)
    client = token_client(agent_eu)

    assert client.get(f"{SHIPMENTS}{shipment.pk}/").status_code == 404
    assert client.get(f"{SHIPMENTS}{shipment.pk}/events/").status_code == 404


def test_a_manager_adds_a_shipment_once_however_often_it_is_sent(manager, store_eu):
    carrier = CarrierFactory(code="dhl-test", name="DHL")
    order = OrderFactory(store=store_eu, shipping_country="DE")
    client = token_client(manager)
    body = {
        "store": store_eu.pk,
        "order": order.pk,
        "tracking_number": "jd 0141 2345 6789",
        "carrier": "dhl-test",
    }

    first = client.post(SHIPMENTS, body, format="json")
    again = client.post(SHIPMENTS, body, format="json")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    shipment = Shipment.objects.get()
    assert (shipment.tracking_number, shipment.carrier, shipment.order) == ("JD014123456789", carrier, order)
    assert shipment.destination_country == "DE"


def test_a_number_tracked_for_another_order_is_a_409(manager, store_eu):
    carrier = CarrierFactory(code="dhl-test", name="DHL")
    ShipmentFactory(
        store=store_eu, carrier=carrier, tracking_number="JD014123456789", order=OrderFactory(store=store_eu)
    )
    order = OrderFactory(store=store_eu)

    response = token_client(manager).post(
        SHIPMENTS,
        {"store": store_eu.pk, "order": order.pk, "tracking_number": "JD014123456789", "carrier": "dhl-test"},
        format="json",
    )

    assert response.status_code == 409
    assert error_of(response)["code"] == "already_tracked"


def test_a_tracking_number_that_is_not_one_is_refused(manager, store_eu):
    response = token_client(manager).post(
        SHIPMENTS, {"store": store_eu.pk, "tracking_number": "!!"}, format="json"
    )

    assert response.status_code == 400
    assert "not a tracking number" in error_of(response)["message"]
    assert not Shipment.objects.exists()


def test_an_order_of_another_store_is_refused(manager, store_eu, store_us):
    order = OrderFactory(store=store_us)

    response = token_client(manager).post(
        SHIPMENTS,
        {"store": store_eu.pk, "order": order.pk, "tracking_number": "JD014123456789"},
        format="json",
    )

    assert response.status_code == 400
    assert "not an order of this store" in error_of(response)["message"]


def test_agents_may_not_add_shipments(agent_eu, store_eu):
    response = token_client(agent_eu).post(
        SHIPMENTS, {"store": store_eu.pk, "tracking_number": "JD014123456789"}, format="json"
    )

    assert response.status_code == 403
    assert not Shipment.objects.exists()

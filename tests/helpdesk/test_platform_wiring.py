"""The helpdesk talks to the platforms through their connectors: agents' replies and surveys on
marketplace and shop tickets reach the buyer the platform's way (once), parcels' tracking numbers
reach the order's platform (once), and buyer messages fetched by beat become tickets (once).

The WooCommerce connector runs against the local fake shop; message fetching, which WooCommerce
does not offer, against a small connector object standing for a platform that does."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from customers.models import Platform
from helpdesk.platforms import Capability, MessagePage, RetryPolicy
from helpdesk.platforms.credentials import platform_credential_set
from helpdesk.platforms.woocommerce import WooCommerceConnector, woocommerce_connector
from helpdesk.schedule import periodic_tasks
from helpdesk.tasks import platform_messages_sync_all, platform_messages_sync_store
from logistics.models import Shipment
from logistics.normalise import ParcelUpdate, ProviderEvent
from logistics.services.events import tracking_events_record
from logistics.services.shipments import shipment_add
from logistics.tasks import shipment_tracking_push
from tests.conftest import role
from tests.factories import (
    AgentProfileFactory,
    CarrierFactory,
    OrderFactory,
    StoreFactory,
    SurveyFactory,
    TeamFactory,
    UserFactory,
)
from tests.helpdesk.fake_woocommerce import CONSUMER_KEY, CONSUMER_SECRET, FakeWooCommerce, serve, wc_order
from tickets.ingest.inbound import InboundMessage
from tickets.models import Message, Survey, Ticket
from tickets.services import message_ingest, message_reply
from tickets.services.platform_delivery import send_lock_acquire, send_lock_release
from tickets.services.surveys import surveys_send_due
from tickets.tasks import message_send

pytestmark = pytest.mark.django_db


# --- the registry's connectors, as the helpdesk builds them, with one attempt per call --------


def woocommerce_one_attempt(store: Any) -> WooCommerceConnector | None:
    """The registry's WooCommerce factory, trying each call once and never sleeping: a failure
    reaches the helpdesk's own retry (the task) at once."""
    connector = woocommerce_connector(store)
    if connector is not None:
        connector.http.policy = RetryPolicy(max_attempts=1)
        connector.http.sleep = lambda seconds: None
    return connector


class MessagingPlatform:
    """A platform with a buyer-message API (outside this machine): pages of messages after a
    cursor, the last page served again on the next call (an overlap, as real cursors have)."""

    inbox: list[InboundMessage] = []
    sent: list[dict[str, str]] = []
    fetches: list[dict[str, Any]] = []
    page_size = 2

    platform = "aliexpress"
    capabilities = frozenset({Capability.FETCH_MESSAGES, Capability.SEND_MESSAGE})

    def __init__(self, store: Any) -> None:
        self.store = store

    def fetch_messages(self, *, cursor: dict[str, Any]) -> MessagePage:
        type(self).fetches.append(dict(cursor))
        start = int(cursor.get("offset", 0))
        page = self.inbox[start : start + self.page_size]
        end = start + len(page)
        if end < len(self.inbox):
            return MessagePage(page, next_cursor={"offset": end})
        # caught up: the next run starts one message back (overlap)
        return MessagePage(page, next_cursor=None, caught_up_cursor={"offset": max(end - 1, 0)})

    def send_message(
        self, *, order_external_id: str, text: str, thread_id: str = "", buyer_id: str = ""
    ) -> str:
        type(self).sent.append(
            {"order": order_external_id, "text": text, "thread": thread_id, "buyer": buyer_id}
        )
        return f"msg-{len(self.sent)}"


def messaging_platform(store: Any) -> MessagingPlatform | None:
    return MessagingPlatform(store) if store.platform == Platform.ALIEXPRESS else None


@pytest.fixture(autouse=True)
def registry(settings):
    settings.PLATFORM_CONNECTORS = {
        "woocommerce": f"{__name__}.woocommerce_one_attempt",
        "aliexpress": f"{__name__}.messaging_platform",
    }
    MessagingPlatform.inbox, MessagingPlatform.sent, MessagingPlatform.fetches = [], [], []
    cache.clear()


@pytest.fixture
def shop():
    fake = FakeWooCommerce()
    for number in (1003, 1004):
        fake.orders[number] = wc_order(number, modified="2026-11-25T08:00:00")
    yield from serve(fake)


@pytest.fixture
def store(db, shop):
    store = StoreFactory(
        name="Maison Lin", platform=Platform.WOOCOMMERCE, external_id="maison-lin.example.fr", currency="EUR"
    )
    platform_credential_set(
        store=store,
        base_url=shop.url,
        secrets={"consumer_key": CONSUMER_KEY, "consumer_secret": CONSUMER_SECRET},
    )
    return store


@pytest.fixture
def agent(store):
    team = TeamFactory(name="FR support", slug="fr-support", stores=[store])
    user = UserFactory(username="yan.fr", groups=[role("Agent")])
    AgentProfileFactory(user=user, teams=[team])
    return user


def woo_ticket(store: Any, *, order_number: str = "1003") -> Ticket:
    """A buyer's checkout note on a WooCommerce order, as the order webhook brings it."""
    OrderFactory(store=store, external_id=order_number, platform_id=order_number, currency="EUR")
    result = message_ingest(
        inbound=InboundMessage(
            store_id=store.pk,
            channel="woocommerce",
            external_id=f"order:{order_number}:note:5e1f",
            sender_address="marie@example.fr",
            sender_name="Marie Dupont",
            thread_id=f"order:{order_number}",
            order_number=order_number,
            text="Pouvez-vous livrer avant Noël ?",
        )
    )
    assert result.ticket is not None
    assert result.ticket.order is not None
    return result.ticket


def calls_about(shop: FakeWooCommerce, order_id: int) -> list[dict[str, Any]]:
    return [request for request in shop.requests if request["path"].startswith(f"orders/{order_id}/")]


def notes_posted(shop: FakeWooCommerce, order_id: int) -> list[dict[str, Any]]:
    return [request["body"] for request in shop.requests_to("POST", f"orders/{order_id}/notes")]


# --- 1. replies ---------------------------------------------------------------------------------


def test_a_reply_on_a_woocommerce_ticket_reaches_the_buyer_once_even_when_the_task_runs_twice(
    shop, store, agent, django_capture_on_commit_callbacks
):
    ticket = woo_ticket(store)

    with django_capture_on_commit_callbacks(execute=True):
        reply = message_reply(ticket=ticket, author=agent, body="Oui, votre colis part demain.")
    message_send.apply(args=[reply.pk])  # the same task delivered again (acks_late redelivery)

    assert [note["note"] for note in shop.notes[1003]] == ["Oui, votre colis part demain."]
    assert shop.notes[1003][0]["customer_note"] is True
    assert len(notes_posted(shop, 1003)) == 1
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.SENT
    assert reply.sent_at is not None
    assert reply.raw_payload == {
        "platform": "woocommerce",
        "platform_message_id": str(shop.notes[1003][0]["id"]),
    }


def test_a_send_whose_answer_was_lost_is_retried_by_the_task_without_a_second_note(
    shop, store, agent, django_capture_on_commit_callbacks
):
    ticket = woo_ticket(store)
    # The shop stores the note but the answer is a 502: the connector gives up (one attempt).
    shop.fail_next("POST", "orders/1003/notes", 502, processed=True)

    with django_capture_on_commit_callbacks(execute=True):
        reply = message_reply(ticket=ticket, author=agent, body="Nous vérifions avec le transporteur.")
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.QUEUED  # left for the retry

    message_send.apply(args=[reply.pk], retries=1)  # the retry finds the note it sent

    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.SENT
    assert len(shop.notes[1003]) == 1
    assert len(notes_posted(shop, 1003)) == 1
    assert reply.raw_payload["platform_message_id"] == str(shop.notes[1003][0]["id"])


def test_a_final_refusal_shows_on_the_message_for_the_agent_and_is_not_retried(
    client, shop, store, agent, django_capture_on_commit_callbacks
):
    ticket = woo_ticket(store, order_number="4242")  # an order the shop does not know

    with django_capture_on_commit_callbacks(execute=True):
        reply = message_reply(ticket=ticket, author=agent, body="Votre commande est en route.")

    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.FAILED
    assert "WooCommerce refused (404)" in reply.delivery_error
    assert "Invalid ID" in reply.delivery_error
    assert len(calls_about(shop, 4242)) == 1  # one look, refused: not asked again
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[ticket.pk]))
    assert page.status_code == 200
    assert "Invalid ID" in page.content.decode()


def test_a_platform_outage_is_retried_then_the_last_reason_is_shown(
    shop, store, agent, django_capture_on_commit_callbacks
):
    ticket = woo_ticket(store)
    shop.fail_next("GET", "orders/1003/notes", 503, times=2)

    with django_capture_on_commit_callbacks(execute=True):
        reply = message_reply(ticket=ticket, author=agent, body="Un instant, s'il vous plaît.")
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.QUEUED

    message_send.apply(args=[reply.pk], retries=message_send.max_retries)

    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.FAILED
    assert "WooCommerce failed (503)" in reply.delivery_error
    assert notes_posted(shop, 1003) == []


def test_while_another_worker_sends_the_message_it_is_not_sent_again(shop, store, agent):
    ticket = woo_ticket(store)
    reply = message_reply(ticket=ticket, author=agent, body="Votre colis est parti.")
    assert send_lock_acquire(reply.pk)  # another worker is in the middle of sending it

    message_send.apply(args=[reply.pk])

    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.QUEUED  # the task will look again later
    assert notes_posted(shop, 1003) == []
    send_lock_release(reply.pk)
    message_send.apply(args=[reply.pk], retries=1)
    assert len(shop.notes[1003]) == 1


def test_a_store_without_credentials_keeps_the_clear_not_configured_failure(shop, agent):
    bare = StoreFactory(platform=Platform.WOOCOMMERCE, external_id="bare.example.fr", currency="EUR")
    ticket = woo_ticket(bare)

    reply = message_reply(ticket=ticket, author=agent, body="Bonjour")
    message_send.apply(args=[reply.pk])

    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.FAILED
    assert "not configured for this store" in reply.delivery_error
    assert shop.requests == []


def test_the_reply_carries_the_order_thread_and_buyer_id_the_platform_needs(
    agent, django_capture_on_commit_callbacks
):
    seller = StoreFactory(platform=Platform.ALIEXPRESS, external_id="cn-lumen-2291", currency="USD")
    platform_credential_set(store=seller, base_url="https://api.example.invalid", secrets={"token": "t"})
    OrderFactory(store=seller, external_id="8123456789", currency="USD")
    ticket = message_ingest(
        inbound=InboundMessage(
            store_id=seller.pk,
            channel="aliexpress",
            external_id="ae-msg-1",
            sender_address="",
            buyer_id="cn1598732",
            thread_id="ae-conv-77",
            order_number="8123456789",
            text="Where is my parcel?",
        )
    ).ticket
    assert ticket is not None

    with django_capture_on_commit_callbacks(execute=True):
        reply = message_reply(ticket=ticket, author=agent, body="It left Shenzhen yesterday.")

    assert MessagingPlatform.sent == [
        {
            "order": "8123456789",
            "text": "It left Shenzhen yesterday.",
            "thread": "ae-conv-77",
            "buyer": "cn1598732",
        }
    ]
    reply.refresh_from_db()
    assert reply.delivery_status == Message.Delivery.SENT
    assert reply.raw_payload["platform_message_id"] == "msg-1"


# --- 2. surveys ---------------------------------------------------------------------------------


def test_a_survey_on_a_woocommerce_ticket_reaches_the_buyer_as_a_note(
    shop, store, django_capture_on_commit_callbacks
):
    ticket = woo_ticket(store)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.SOLVED, solved_at=timezone.now())
    survey = SurveyFactory(ticket=ticket, scheduled_for=timezone.now() - dt.timedelta(minutes=1))

    with django_capture_on_commit_callbacks(execute=True):
        assert surveys_send_due() == 1

    survey.refresh_from_db()
    assert survey.status == Survey.Status.SENT
    [note] = shop.notes[1003]
    assert "/survey/" in note["note"]
    message = Message.objects.get(ticket=ticket, kind=Message.Kind.SURVEY)
    assert message.delivery_status == Message.Delivery.SENT


def test_a_survey_on_a_platform_ticket_without_a_connector_is_cancelled(shop):
    bare = StoreFactory(platform=Platform.WOOCOMMERCE, external_id="bare.example.fr", currency="EUR")
    ticket = woo_ticket(bare)
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.Status.SOLVED, solved_at=timezone.now())
    survey = SurveyFactory(ticket=ticket, scheduled_for=timezone.now() - dt.timedelta(minutes=1))

    assert surveys_send_due() == 0

    survey.refresh_from_db()
    assert survey.status == Survey.Status.CANCELLED
    assert not Message.objects.filter(ticket=ticket, kind=Message.Kind.SURVEY).exists()
    assert shop.requests == []


# --- 3. tracking --------------------------------------------------------------------------------


@pytest.fixture
def colissimo(db):
    return CarrierFactory(code="wiring-colissimo", name="Colissimo", aftership_slug="wiring-colissimo")


def test_a_parcel_added_for_a_woocommerce_order_is_pushed_once(
    shop, store, colissimo, django_capture_on_commit_callbacks
):
    order = OrderFactory(store=store, external_id="1004", platform_id="1004", currency="EUR")

    with django_capture_on_commit_callbacks(execute=True):
        added = shipment_add(store=store, tracking_number="6A12345678901", carrier=colissimo, order=order)
    shipment_tracking_push.apply(args=[added.shipment.pk])  # the task delivered again
    with django_capture_on_commit_callbacks(execute=True):  # the same parcel added again
        shipment_add(store=store, tracking_number="6A12345678901", carrier=colissimo, order=order)

    [note] = shop.notes[1004]
    assert "Colissimo" in note["note"]
    assert "6A12345678901" in note["note"]
    assert len(notes_posted(shop, 1004)) == 1
    shipment = Shipment.objects.get(pk=added.shipment.pk)
    assert shipment.tracking_pushed_at is not None
    assert shipment.tracking_push_reference == str(note["id"])
    assert shipment.tracking_push_error == ""


def test_a_parcel_whose_carrier_a_tracking_update_names_is_pushed_then_and_only_then(
    shop, store, colissimo, django_capture_on_commit_callbacks
):
    order = OrderFactory(store=store, external_id="1004", platform_id="1004", currency="EUR")
    with django_capture_on_commit_callbacks(execute=True):
        added = shipment_add(store=store, tracking_number="ZZ998877665", carrier=None, order=order)
    assert added.shipment.carrier_id is None
    assert shop.requests == []  # no carrier yet: nothing to tell

    def update(event_id: str) -> ParcelUpdate:
        event = ProviderEvent(
            provider="aftership",
            provider_event_id=event_id,
            tracking_number="ZZ998877665",
            occurred_at=timezone.now(),
            status="in_transit",
            description="Pris en charge",
        )
        return ParcelUpdate(
            provider="aftership",
            tracking_number="ZZ998877665",
            carrier_slug="wiring-colissimo",
            events=(event,),
        )

    with django_capture_on_commit_callbacks(execute=True):
        tracking_events_record(store=store, update=update("e1"))
    with django_capture_on_commit_callbacks(execute=True):
        tracking_events_record(store=store, update=update("e2"))

    assert len(notes_posted(shop, 1004)) == 1
    assert "ZZ998877665" in shop.notes[1004][0]["note"]
    assert Shipment.objects.get(pk=added.shipment.pk).tracking_pushed_at is not None


def test_a_tracking_push_the_platform_refuses_is_recorded_and_not_tried_again(
    shop, store, colissimo, django_capture_on_commit_callbacks
):
    order = OrderFactory(store=store, external_id="5555", platform_id="5555", currency="EUR")

    with django_capture_on_commit_callbacks(execute=True):
        added = shipment_add(store=store, tracking_number="6A55555555555", carrier=colissimo, order=order)
    shipment_tracking_push.apply(args=[added.shipment.pk])

    shipment = Shipment.objects.get(pk=added.shipment.pk)
    assert shipment.tracking_pushed_at is None
    assert "Invalid ID" in shipment.tracking_push_error
    assert len(calls_about(shop, 5555)) == 1  # the second run did not ask again


def test_a_tracking_push_during_an_outage_is_retried_and_then_pushed(
    shop, store, colissimo, django_capture_on_commit_callbacks
):
    order = OrderFactory(store=store, external_id="1004", platform_id="1004", currency="EUR")
    shop.fail_next("GET", "orders/1004/notes", 503)

    with django_capture_on_commit_callbacks(execute=True):
        added = shipment_add(store=store, tracking_number="6A44444444444", carrier=colissimo, order=order)
    assert Shipment.objects.get(pk=added.shipment.pk).tracking_pushed_at is None

    shipment_tracking_push.apply(args=[added.shipment.pk], retries=1)  # the retry

    shipment = Shipment.objects.get(pk=added.shipment.pk)
    assert shipment.tracking_pushed_at is not None
    assert shipment.tracking_push_error == ""
    assert len(shop.notes[1004]) == 1


class AdminForm(HTMLParser):
    """What a browser sends for the admin's change form (``id="<model>_form"``), as shown."""

    def __init__(self, form_id: str) -> None:
        super().__init__()
        self.form_id, self.inside, self.select = form_id, False, ""
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form" and found.get("id") == self.form_id:
            self.inside = True
        name = found.get("name", "")
        if not self.inside or (not name and tag != "option"):
            return
        if tag == "input" and found.get("type") not in ("file", "submit", "checkbox", "radio"):
            self.values[name] = found.get("value", "")
        elif tag == "input" and "checked" in found:
            self.values[name] = found.get("value", "on")
        elif tag == "select":
            self.select = name
        elif tag == "option" and self.select and ("selected" in found or self.select not in self.values):
            self.values[self.select] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = ""
        elif tag == "form":
            self.inside = False


def test_a_carrier_set_by_hand_in_admin_reaches_the_platform(
    client, manager, shop, store, colissimo, django_capture_on_commit_callbacks
):
    order = OrderFactory(store=store, external_id="1004", platform_id="1004", currency="EUR")
    added = shipment_add(store=store, tracking_number="ZZ998877665", carrier=None, order=order)
    client.force_login(manager)
    url = reverse("admin:logistics_shipment_change", args=[added.shipment.pk])
    parser = AdminForm("shipment_form")
    parser.feed(client.get(url).content.decode())
    data = {**parser.values, "carrier": str(colissimo.pk)}

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)

    assert response.status_code == 302
    assert len(notes_posted(shop, 1004)) == 1
    assert Shipment.objects.get(pk=added.shipment.pk).tracking_pushed_at is not None


def test_a_parcel_of_a_store_without_a_connector_is_not_queued(colissimo, django_capture_on_commit_callbacks):
    bare = StoreFactory(platform=Platform.WOOCOMMERCE, external_id="bare.example.fr", currency="EUR")
    order = OrderFactory(store=bare, external_id="77", currency="EUR")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        shipment_add(store=bare, tracking_number="6A77777777777", carrier=colissimo, order=order)

    assert callbacks == []
    assert Shipment.objects.get(tracking_number="6A77777777777").tracking_pushed_at is None


# --- 4. buyer messages fetched by beat ------------------------------------------------------------


def buyer_message(number: int, *, store: Any, conversation: str) -> InboundMessage:
    return InboundMessage(
        store_id=store.pk,
        channel="aliexpress",
        external_id=f"ae-{number}",
        sender_address="",
        sender_name="Wang Fang",
        buyer_id=f"buyer-{conversation}",
        thread_id=conversation,
        text=f"Message {number}: when will it arrive?",
    )


@pytest.fixture
def seller(db):
    seller = StoreFactory(
        name="Lumen AE", platform=Platform.ALIEXPRESS, external_id="cn-lumen-1", currency="USD"
    )
    platform_credential_set(store=seller, base_url="https://api.example.invalid", secrets={"token": "t"})
    return seller


def test_fetched_buyer_messages_become_tickets_once(seller, store):
    MessagingPlatform.inbox = [
        buyer_message(1, store=seller, conversation="c-1"),
        buyer_message(2, store=seller, conversation="c-2"),
        buyer_message(3, store=seller, conversation="c-1"),
    ]

    assert platform_messages_sync_all() == 1  # the WooCommerce store does not fetch messages
    assert platform_messages_sync_all() == 1  # the next beat: the overlap is fetched again

    tickets = Ticket.objects.filter(store=seller).order_by("external_thread_id")
    assert [(t.external_thread_id, t.messages.count()) for t in tickets] == [("c-1", 2), ("c-2", 1)]
    assert Message.objects.filter(store=seller).count() == 3
    assert MessagingPlatform.fetches == [{}, {"offset": 2}, {"offset": 2}]

    MessagingPlatform.inbox.append(buyer_message(4, store=seller, conversation="c-2"))
    assert platform_messages_sync_store.apply(args=[seller.pk]).get() == 1
    assert Ticket.objects.get(store=seller, external_thread_id="c-2").messages.count() == 2


def test_a_fetch_already_running_for_the_store_is_not_started_twice(seller):
    MessagingPlatform.inbox = [buyer_message(1, store=seller, conversation="c-1")]
    cache.add(f"platform-messages-sync:{seller.pk}", "running", timeout=60)

    assert platform_messages_sync_store.apply(args=[seller.pk]).get() == 0

    assert MessagingPlatform.fetches == []
    assert not Message.objects.filter(store=seller).exists()


def test_the_message_fetch_is_scheduled_every_two_minutes():
    [entry] = [item for item in periodic_tasks() if item.task == "helpdesk.tasks.platform_messages_sync_all"]
    assert entry.every_seconds == 120

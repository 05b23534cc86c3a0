"""Proactive care: the customer's notice (once, in their language, at a sensible local hour) and
the ticket for a severe anomaly (once, routed, assigned, live), from detection to the mail sent."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import threading
from urllib.parse import urlsplit

import pytest
import time_machine
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.utils import translation

from helpdesk import broadcast
from logistics.models import Shipment, ShipmentAnomaly, TrackingStatus
from logistics.services.anomalies import shipment_anomalies_check, shipments_scan_anomalies
from logistics.services.links import LinkTarget, tracking_link_for, tracking_token_read
from returns.services.compensation import compensation_suggest
from tests.factories import (
    CustomerFactory,
    CustomerIdentityFactory,
    OrderFactory,
    ReplyTemplateFactory,
    ReplyTemplateVariantFactory,
    ShipmentAnomalyFactory,
    ShipmentFactory,
)
from tickets.ingest.inbound import InboundMessage
from tickets.models import AgentProfile, Mailbox, Message, Ticket
from tickets.services import message_ingest, message_reply
from tickets.services.proactive import parcel_notice_send

NOW = dt.datetime(2025, 3, 10, 12, 0, tzinfo=dt.UTC)  # 13:00 in Berlin
HOUR, DAY = dt.timedelta(hours=1), dt.timedelta(days=1)
Kind = Shipment.Anomaly
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections")


@pytest.fixture
def mailbox(store_eu):
    return Mailbox.objects.create(store=store_eu, address="support@lumio.example")


@pytest.fixture
def customer(db):
    return CustomerFactory(display_name="Anna Schmidt", language="de", timezone="Europe/Berlin")


def parcel(store, customer, **fields) -> Shipment:
    order = OrderFactory(store=store, customer=customer, external_id="#100234")
    defaults = {
        "store": store,
        "order": order,
        "tracking_number": "LX123456785CN",
        "status": TrackingStatus.IN_TRANSIT,
        "shipped_at": NOW - 8 * DAY,
        "last_event_at": NOW - 5 * DAY,  # stalled: no lane, over the 72-hour floor
    }
    return ShipmentFactory(**{**defaults, **fields})


def detect(shipment: Shipment, capture, now: dt.datetime) -> None:
    with capture(execute=True):
        shipment_anomalies_check(shipment_id=shipment.pk, now=now)


def scan(capture, now: dt.datetime) -> None:
    with capture(execute=True):
        shipments_scan_anomalies(now=now)


@pytest.mark.django_db
def test_a_stalled_parcel_gets_one_notice_in_the_customers_language_from_the_stores_mailbox(
    store_eu, customer, mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    stuck = parcel(store_eu, customer)

    with time_machine.travel(NOW, tick=False):
        detect(stuck, django_capture_on_commit_callbacks, NOW)
        detect(stuck, django_capture_on_commit_callbacks, NOW + HOUR)
        scan(django_capture_on_commit_callbacks, NOW + 2 * HOUR)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    notice = Message.objects.get(kind=Message.Kind.PROACTIVE)
    ticket = notice.ticket
    assert mail.to == [customer.email]
    assert mail.from_email == "Lumen Home DE <support@lumio.example>"
    assert mail.subject == f"Neuigkeiten zu Ihrem Paket LX123456785CN [#{ticket.reference}]"
    assert mail.body.startswith("Hallo Anna,")
    assert "Ihr Paket LX123456785CN (Bestellung #100234) wurde seit einigen Tagen nicht mehr" in mail.body
    # The link opens our signed tracking page of this very parcel.
    [link] = re.findall(r"https?://\S+/track/\S+", mail.body)
    token = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
    with time_machine.travel(NOW, tick=False):  # the link is valid for a while from when it was sent
        assert tracking_token_read(token) == LinkTarget(shipment_id=stuck.pk)
    assert mail.extra_headers["Message-ID"] == notice.external_id
    # On the customer's history, out of the queue: a solved ticket about the parcel.
    assert (ticket.status, ticket.shipment_id, ticket.customer_id) == (
        Ticket.Status.SOLVED,
        stuck.pk,
        customer.pk,
    )
    assert notice.delivery_status == Message.Delivery.SENT
    assert ShipmentAnomaly.objects.get(shipment=stuck).customer_notified_at == NOW


@pytest.mark.django_db
def test_a_notice_found_in_the_customers_night_waits_for_nine_in_the_morning(
    store_eu, mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    new_yorker = CustomerFactory(language="en", timezone="America/New_York")
    stuck = parcel(store_eu, new_yorker)
    night = dt.datetime(2025, 3, 10, 3, 0, tzinfo=dt.UTC)  # 23:00 in New York
    nine_am = dt.datetime(2025, 3, 10, 13, 0, tzinfo=dt.UTC)

    with time_machine.travel(night, tick=False):
        detect(stuck, django_capture_on_commit_callbacks, night)
    assert mailoutbox == []
    assert ShipmentAnomaly.objects.get(shipment=stuck).notice_due_at == nine_am

    with time_machine.travel(nine_am - dt.timedelta(minutes=1), tick=False):
        scan(django_capture_on_commit_callbacks, nine_am - dt.timedelta(minutes=1))
    assert mailoutbox == []

    with time_machine.travel(nine_am, tick=False):
        scan(django_capture_on_commit_callbacks, nine_am)
        scan(django_capture_on_commit_callbacks, nine_am + HOUR)
    assert len(mailoutbox) == 1
    assert mailoutbox[0].subject.startswith("An update on your parcel LX123456785CN")


@pytest.mark.django_db
def test_a_parcel_moving_again_before_the_morning_sends_no_notice(
    store_eu, mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    stuck = parcel(store_eu, CustomerFactory(timezone="America/New_York"))
    night = dt.datetime(2025, 3, 10, 3, 0, tzinfo=dt.UTC)
    with time_machine.travel(night, tick=False):
        detect(stuck, django_capture_on_commit_callbacks, night)
    Shipment.objects.filter(pk=stuck.pk).update(last_event_at=night + HOUR)

    morning = dt.datetime(2025, 3, 10, 13, 0, tzinfo=dt.UTC)
    with time_machine.travel(morning, tick=False):
        scan(django_capture_on_commit_callbacks, morning)

    assert mailoutbox == []
    assert ShipmentAnomaly.objects.get(shipment=stuck).resolved_at is not None


@pytest.mark.django_db
def test_a_severe_anomaly_opens_one_ticket_routed_and_assigned_with_a_note_for_the_agent(
    store_eu, team_eu, agent_eu, customer, mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    AgentProfile.objects.filter(user=agent_eu).update(languages=["de", "zh"])
    team_eu.working_language = "zh-hans"  # a Chinese-speaking team serving German buyers
    team_eu.save(update_fields=["working_language"])
    late = parcel(store_eu, customer, last_event_at=NOW - HOUR, promised_by=(NOW - 10 * DAY).date())
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(broadcast.store_inbox_group(store_eu.pk), channel)

    with time_machine.travel(NOW, tick=False):
        detect(late, django_capture_on_commit_callbacks, NOW)
        detect(late, django_capture_on_commit_callbacks, NOW + HOUR)
        scan(django_capture_on_commit_callbacks, NOW + 2 * HOUR)
        ticket = Ticket.objects.get(shipment=late)
        suggestion = compensation_suggest(order=ticket.order, ticket=ticket, intent=ticket.intent)
        # Open inboxes of the store were told (the in-memory layer expires events by the clock).
        event = async_to_sync(receive)(layer, channel)["event"]
    assert (event["kind"], event["ticket"]) == ("ticket.changed", ticket.pk)

    assert ticket.team == team_eu
    assert ticket.assignee == agent_eu
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.order == late.order
    assert any(reason["code"] == "parcel_anomaly" for reason in ticket.priority_reasons)
    # The note is for the agent: in the team's working language, whatever the customer speaks.
    note = ticket.messages.get(direction=Message.Direction.INTERNAL)
    assert note.sender_name == "包裹监控"  # "Parcel watch"
    assert note.body_text.startswith("包裹 LX123456785CN（")
    assert "）：延误。" in note.body_text  # the anomaly, "Late", named in Chinese too
    assert "承诺送达 2025-02-28" in note.body_text  # "promised by"
    assert f"{customer.orders_count} 个订单" in note.body_text  # "orders"
    assert suggestion is not None
    with translation.override("zh-hans"):
        assert f"建议补偿：{suggestion.tier_label}（" in note.body_text  # "Suggested compensation"
    # The customer's notice went out once, on the same ticket.
    assert list(ticket.messages.filter(kind=Message.Kind.PROACTIVE).values_list("subject", flat=True)) == [
        f"Ihr Paket LX123456785CN verspätet sich [#{ticket.reference}]"
    ]
    assert len(mailoutbox) == 1
    assert ShipmentAnomaly.objects.get(shipment=late).escalated_at == NOW


async def receive(layer, channel):
    return await asyncio.wait_for(layer.receive(channel), timeout=3)


@pytest.mark.django_db
def test_no_notice_when_an_agent_already_wrote_to_the_customer_about_the_parcel(
    store_eu, team_eu, agent_eu, mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    new_yorker = CustomerFactory(language="en", timezone="America/New_York")
    returned = parcel(store_eu, new_yorker, status=TrackingStatus.RETURNED_TO_SENDER)
    night = dt.datetime(2025, 3, 10, 3, 0, tzinfo=dt.UTC)
    with time_machine.travel(night, tick=False):
        detect(returned, django_capture_on_commit_callbacks, night)  # the ticket opens at once
        ticket = Ticket.objects.get(shipment=returned)
    with time_machine.travel(night + HOUR, tick=False), django_capture_on_commit_callbacks(execute=True):
        message_reply(ticket=ticket, author=agent_eu, body="Your parcel is coming back; we reship today.")

    morning = dt.datetime(2025, 3, 10, 13, 0, tzinfo=dt.UTC)
    with time_machine.travel(morning, tick=False):
        scan(django_capture_on_commit_callbacks, morning)

    assert [mail.body for mail in mailoutbox] == ["Your parcel is coming back; we reship today."]
    anomaly = ShipmentAnomaly.objects.get(shipment=returned)
    assert anomaly.customer_notified_at is None
    assert anomaly.notice_note == (
        f"Not sent: an agent had already written to the customer on ticket {ticket.reference}."
    )


@pytest.mark.django_db
def test_the_managers_template_for_the_anomaly_replaces_the_built_in_text(
    store_eu, customer, mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    template = ReplyTemplateFactory(slug="parcel-notice-stalled", name="Parcel stalled")
    ReplyTemplateVariantFactory(
        template=template,
        language="de",
        subject="Paket {tracking} macht Pause",
        body="Hallo {name}, Ihr Paket {tracking} zu {order} steht kurz still: {tracking_url}\n{store}",
    )
    stuck = parcel(store_eu, customer)

    with time_machine.travel(NOW, tick=False):
        detect(stuck, django_capture_on_commit_callbacks, NOW)
        link = tracking_link_for(stuck, language="de")

    [mail] = mailoutbox
    assert mail.subject.startswith("Paket LX123456785CN macht Pause [#")
    assert (
        mail.body == f"Hallo Anna, Ihr Paket LX123456785CN zu #100234 steht kurz still: {link}\nLumen Home DE"
    )


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("zh-hans", "包裹 LX123456785CN 暂停更新"),  # the template's variant in the customer's language
        ("pl", "Parcel LX123456785CN is pausing"),  # no text in Polish anywhere: the template's English
        ("fr", "Des nouvelles de votre colis LX123456785CN"),  # built-in French beats the template's English
    ],
)
@pytest.mark.django_db
def test_a_template_is_used_in_the_customers_language_before_any_english(
    store_eu, mailbox, mailoutbox, django_capture_on_commit_callbacks, language, subject
):
    template = ReplyTemplateFactory(slug="parcel-notice-stalled", name="Parcel stalled")
    ReplyTemplateVariantFactory(
        template=template, language="zh-hans", subject="包裹 {tracking} 暂停更新", body="…"
    )
    ReplyTemplateVariantFactory(
        template=template, language="en", subject="Parcel {tracking} is pausing", body="…"
    )
    stuck = parcel(store_eu, CustomerFactory(language=language))

    with time_machine.travel(NOW, tick=False):
        detect(stuck, django_capture_on_commit_callbacks, NOW)

    [mail] = mailoutbox
    assert mail.subject.startswith(f"{subject} [#")


@pytest.mark.django_db
def test_a_customer_without_an_e_mail_address_gets_no_notice_and_the_reason_is_kept(
    store_eu, mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    stuck = parcel(store_eu, CustomerFactory(email=""))

    with time_machine.travel(NOW, tick=False):
        detect(stuck, django_capture_on_commit_callbacks, NOW)
        scan(django_capture_on_commit_callbacks, NOW + HOUR)

    assert mailoutbox == []
    assert not Ticket.objects.exists()
    anomaly = ShipmentAnomaly.objects.get(shipment=stuck)
    assert (anomaly.customer_notified_at, anomaly.notice_due_at) == (None, None)
    assert "no customer with an e-mail address" in anomaly.notice_note


@pytest.mark.django_db
def test_the_customers_answer_to_a_notice_reopens_its_ticket(
    store_eu, customer, mailbox, mailoutbox, django_capture_on_commit_callbacks
):
    CustomerIdentityFactory(customer=customer)  # known by the address the notice went to
    stuck = parcel(store_eu, customer)
    with time_machine.travel(NOW, tick=False):
        detect(stuck, django_capture_on_commit_callbacks, NOW)
    notice = Message.objects.get(kind=Message.Kind.PROACTIVE)

    answer = message_ingest(
        inbound=InboundMessage(
            store_id=store_eu.pk,
            channel="email",
            external_id="<answer-1@mail.example.de>",
            sender_address=customer.email,
            subject=f"Re: {notice.subject}",
            text="Danke! Ich brauche das Paket bis Freitag.",
            in_reply_to=notice.external_id,
        )
    )

    assert answer.ticket.pk == notice.ticket_id
    assert Ticket.objects.get(pk=notice.ticket_id).status == Ticket.Status.OPEN


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_detection_running_twice_at_the_same_moment_sends_one_notice(store_eu, customer, mailbox, mailoutbox):
    stuck = parcel(store_eu, customer)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def detect_in_a_worker() -> None:
        try:
            start.wait()
            shipment_anomalies_check(shipment_id=stuck.pk, now=NOW)
        except BaseException as error:  # surfaced below: a thread's failure must fail the test
            errors.append(error)
        finally:
            connection.close()

    with time_machine.travel(NOW, tick=False):
        workers = [threading.Thread(target=detect_in_a_worker) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()

    assert errors == []
    assert ShipmentAnomaly.objects.filter(shipment=stuck).count() == 1
    assert Message.objects.filter(kind=Message.Kind.PROACTIVE).count() == 1
    assert len(mailoutbox) == 1


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_notice_at_once_send_it_once(store_eu, customer, mailbox, mailoutbox):
    anomaly = ShipmentAnomalyFactory(shipment=parcel(store_eu, customer), detected_at=NOW, notice_due_at=NOW)
    start = threading.Barrier(2)
    sent: list[Message | None] = []

    def send_in_a_worker() -> None:
        try:
            start.wait()
            sent.append(parcel_notice_send(anomaly_id=anomaly.pk, now=NOW))
        finally:
            connection.close()

    workers = [threading.Thread(target=send_in_a_worker) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert len([message for message in sent if message is not None]) == 1
    assert Message.objects.filter(kind=Message.Kind.PROACTIVE).count() == 1
    assert len(mailoutbox) == 1

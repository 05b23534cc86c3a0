"""GDPR / CCPA: a customer's export, their erasure (nothing of them left anywhere a query
can look), and the retention purge of old message bodies and attachments."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, models
from django.urls import reverse

from customers import privacy
from customers.models import (
    Customer,
    CustomerIdentity,
    CustomerMerge,
    ErasureLog,
    FollowUp,
    IdentityMatchSuggestion,
    Order,
    Platform,
)
from customers.tasks import messages_retention_purge
from logistics.models import Shipment
from returns.models import Refund, ReturnPhoto, ReturnRequest
from tests.conftest import role
from tests.factories import (
    AttachmentFactory,
    CompensationOfferFactory,
    CustomerFactory,
    CustomerIdentityFactory,
    CustomerTagFactory,
    MessageFactory,
    OrderFactory,
    OrderLineFactory,
    RefundFactory,
    ReturnEventFactory,
    ReturnLineFactory,
    ReturnRequestFactory,
    ShipmentFactory,
    SurveyResponseFactory,
    TagFactory,
    TicketEventFactory,
    TicketFactory,
    TrackingEventFactory,
    TranslationFactory,
    UserFactory,
)
from tickets.models import Attachment, Message, Ticket, Translation

NAME = "Zofia Wiśniewska-Kowalczyk"
EMAIL = "zofia.wk@poczta.example.pl"
PHONE = "+48 601 234 567"
PHONE_E164 = "+48601234567"
STREET = "ul. Kwiatowa 17/4"
POSTCODE = "80-831"
BUYER_ID = "amzn1.buyer.ZOFIAWK9"
PERSONAL = [NAME, EMAIL, PHONE, PHONE_E164, STREET, POSTCODE, BUYER_ID, f"old.{EMAIL}"]

OTHER_NAME = "Bartosz Nowak"
OTHER_EMAIL = "bartosz.nowak@example.pl"
PHOTO_BYTES = b"\xff\xd8\xff\xe0 photo of a cracked lamp"
ATTACHMENT_BYTES = b"%PDF-1.4 invoice of Zofia"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def person(store_eu, media):
    """One customer with a row in every table that can hold them, all naming them."""
    customer = CustomerFactory(
        display_name=NAME, email=EMAIL, phone=PHONE, notes=f"VIP, call {PHONE} before noon"
    )
    CustomerIdentityFactory(customer=customer, value=EMAIL, display_name=NAME)
    CustomerIdentityFactory(
        customer=customer, platform=Platform.AMAZON, kind=CustomerIdentity.Kind.BUYER_ID, value=BUYER_ID
    )
    CustomerIdentityFactory(
        customer=customer, platform=Platform.WEB, kind=CustomerIdentity.Kind.PHONE, value=PHONE_E164
    )
    CustomerTagFactory(
        customer=customer, tag=TagFactory(slug="vip", name="VIP"), reason=f"{NAME} spends a lot"
    )
    order = OrderFactory(
        store=store_eu,
        customer=customer,
        email=EMAIL,
        shipping_name=NAME,
        shipping_postal_code=POSTCODE,
        shipping_address={"line1": STREET, "city": "Gdańsk", "postal_code": POSTCODE, "country": "PL"},
        raw={"buyer": {"name": NAME, "email": EMAIL, "phone": PHONE}},
        total=Decimal("84.70"),
    )
    line = OrderLineFactory(order=order)
    shipment = ShipmentFactory(store=store_eu, order=order)
    TrackingEventFactory(shipment=shipment, raw={"recipient": NAME, "address": STREET})
    ticket = TicketFactory(
        store=store_eu, customer=customer, order=order, subject=f"Order from {NAME}", status="solved"
    )
    translation = TranslationFactory(translated_text=f"你好，我是{NAME}，地址 {STREET}")
    message = MessageFactory(
        ticket=ticket,
        sender_name=NAME,
        sender_address=EMAIL,
        recipients=["support@lumen.example"],
        subject=f"Order from {NAME}",
        body_text=f"Hello, I am {NAME}, {STREET}, {POSTCODE} Gdańsk, phone {PHONE}.",
        body_html=f"<p>Hello, I am {NAME}</p>",
        body_display=f"Hello, I am {NAME}",
        in_reply_to=f"<abc.{EMAIL}>",
        references=f"<abc.{EMAIL}>",
        external_id=f"<CAF1.{EMAIL}>",
        raw=f"From: {NAME} <{EMAIL}>\r\n\r\nHello".encode(),
        raw_payload={"from": EMAIL},
        entities={"phone": PHONE},
        translation=translation,
    )
    attachment = AttachmentFactory(
        message=message,
        file=default_storage.save("attachments/2026/11/invoice.pdf", ContentFile(ATTACHMENT_BYTES)),
        filename=f"invoice {NAME}.pdf",
        size=len(ATTACHMENT_BYTES),
    )
    TicketEventFactory(ticket=ticket, data={"note": f"merged from {EMAIL}"})
    return_request = ReturnRequestFactory(
        store=store_eu, order=order, ticket=ticket, decision_reason=f"Approved for {NAME}"
    )
    return_line = ReturnLineFactory(
        return_request=return_request, order_line=line, comment=f"Call me on {PHONE}", inspection_notes=""
    )
    photo = ReturnPhoto.objects.create(
        return_line=return_line,
        file=default_storage.save("returns/photos/2026/11/crack.jpg", ContentFile(PHOTO_BYTES)),
        content_type="image/jpeg",
        size=len(PHOTO_BYTES),
        width=640,
        height=480,
        sha256="0" * 64,
        uploaded_at=ticket.created_at,
    )
    ReturnEventFactory(return_request=return_request, note=f"{NAME} sent it back")
    RefundFactory(order=order, order_line=line, return_request=return_request, amount=Decimal("10.00"))
    CompensationOfferFactory(order=order, customer=customer, ticket=ticket, reason=f"{NAME} waited long")
    SurveyResponseFactory(
        survey__ticket=ticket, survey__offer=f"{NAME}, take 10% off", comment=f"Thanks, {NAME}"
    )
    # The CRM's own tables: a merge keeps the merged profile, a follow-up and a suggestion quote it.
    duplicate = CustomerFactory(display_name=NAME, email=f"old.{EMAIL}", merged_into=customer)
    CustomerMerge.objects.create(
        target=customer, source=duplicate, merged_from={"email": f"old.{EMAIL}", "name": NAME, "phone": PHONE}
    )
    FollowUp.objects.create(
        customer=customer, owner=UserFactory(username="owner"), due_at=ticket.created_at, note=f"Call {PHONE}"
    )
    stranger = CustomerFactory(display_name="Someone Else", email="someone@example.pl")
    IdentityMatchSuggestion.objects.create(
        customer=min(customer, stranger, key=lambda c: c.pk),
        candidate=max(customer, stranger, key=lambda c: c.pk),
        score=0.6,
        reasons=[f"same phone {PHONE}"],
    )
    LogEntry.objects.create(
        user=UserFactory(username="old.admin"),
        content_type=ContentType.objects.get_for_model(Customer),
        object_id=str(customer.pk),
        object_repr=str(customer),
        action_flag=CHANGE,
        change_message=f"Changed e-mail to {EMAIL}",
    )
    return {"customer": customer, "order": order, "ticket": ticket, "attachment": attachment, "photo": photo}


@pytest.fixture
def other_customer(store_eu):
    customer = CustomerFactory(display_name=OTHER_NAME, email=OTHER_EMAIL)
    order = OrderFactory(store=store_eu, customer=customer, email=OTHER_EMAIL, shipping_name=OTHER_NAME)
    ticket = TicketFactory(store=store_eu, customer=customer, order=order)
    MessageFactory(
        ticket=ticket, sender_name=OTHER_NAME, sender_address=OTHER_EMAIL, body_text="Where is it?"
    )
    return customer


def _text_columns() -> list[tuple[type[models.Model], models.Field]]:
    """Every text, JSON and binary column of every model of every installed app."""
    kinds = (models.CharField, models.TextField, models.JSONField, models.BinaryField)
    return [
        (model, model_field)
        for model in apps.get_models(include_auto_created=True)
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, kinds)
    ]


def _as_text(value: object) -> str:
    if isinstance(value, bytes | memoryview):
        return bytes(value).decode("utf-8", "replace")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return "" if value is None else str(value)


def _places_holding(needles: list[str]) -> set[str]:
    """``app.model.column`` wherever any of ``needles`` is stored, in any row, any case."""
    lowered = [needle.lower() for needle in needles]
    found = set()
    for model, model_field in _text_columns():
        for value in model._default_manager.values_list(model_field.attname, flat=True).iterator():
            text = _as_text(value).lower()
            if any(needle in text for needle in lowered):
                found.add(f"{model._meta.label}.{model_field.attname}")
    if connection.vendor == "postgresql":
        # The generated full-text columns are no model field: ask PostgreSQL itself.
        with connection.cursor() as cursor:
            for table in ("tickets_ticket", "tickets_message"):
                for needle in needles:
                    cursor.execute(
                        f"SELECT count(*) FROM {table} WHERE search @@ plainto_tsquery('simple', %s)",
                        [needle],
                    )
                    if cursor.fetchone()[0]:
                        found.add(f"{table}.search")
    return found


# --- export --------------------------------------------------------------------------------


def test_export_zip_has_every_table_as_valid_json_and_the_files(person):
    buffer = io.BytesIO()
    counts = privacy.customer_export_write(customer=person["customer"], destination=buffer)

    with zipfile.ZipFile(buffer) as archive:
        names = set(archive.namelist())
        expected = {
            "profile.json",
            "identities.json",
            "customer_tags.json",
            "tags.json",
            "orders.json",
            "order_lines.json",
            "tickets.json",
            "messages.json",
            "translations.json",
            "attachments.json",
            "ticket_events.json",
            "returns.json",
            "return_lines.json",
            "return_photos.json",
            "return_events.json",
            "refunds.json",
            "shipments.json",
            "tracking_events.json",
            "surveys.json",
            "survey_responses.json",
            "compensation_offers.json",
            "manifest.json",
        }
        assert expected <= names
        tables = {name: json.loads(archive.read(name)) for name in names if name.endswith(".json")}
        attachment_name = f"attachments/{person['attachment'].pk}-invoice {NAME}.pdf"
        assert archive.read(attachment_name) == ATTACHMENT_BYTES
        assert archive.read(f"return_photos/{person['photo'].pk}-crack.jpg") == PHOTO_BYTES

    assert tables["profile.json"][0]["fields"]["email"] == EMAIL
    assert {row["fields"]["value"] for row in tables["identities.json"]} == {EMAIL, BUYER_ID, PHONE_E164}
    assert tables["orders.json"][0]["fields"]["shipping_address"]["line1"] == STREET
    assert NAME in tables["messages.json"][0]["fields"]["body_text"]
    assert tables["survey_responses.json"][0]["fields"]["comment"] == f"Thanks, {NAME}"
    assert tables["manifest.json"]["rows"]["messages"] == 1 == counts["messages"]
    assert tables["manifest.json"]["files_missing_from_storage"] == []
    for table in ("order_lines", "refunds", "shipments", "tracking_events", "compensation_offers", "surveys"):
        assert len(tables[f"{table}.json"]) == 1, table


def test_export_holds_nothing_of_another_customer(person, other_customer):
    buffer = io.BytesIO()
    privacy.customer_export_write(customer=person["customer"], destination=buffer)
    with zipfile.ZipFile(buffer) as archive:
        everything = b"".join(archive.read(name) for name in archive.namelist()).decode("utf-8", "replace")
    assert OTHER_NAME not in everything
    assert OTHER_EMAIL not in everything


# --- erasure -------------------------------------------------------------------------------


def test_the_fixture_really_stores_the_person_everywhere(person):
    # Guards the erasure test below: the search finds what the person left before erasure.
    places = _places_holding(PERSONAL)
    for place in (
        "customers.Customer.email",
        "customers.CustomerIdentity.value",
        "customers.Order.shipping_address",
        "tickets.Message.body_text",
        "tickets.Message.raw",
        "tickets.Translation.translated_text",
        "returns.ReturnLine.comment",
        "logistics.TrackingEvent.raw",
        "tickets.SurveyResponse.comment",
        "admin.LogEntry.object_repr",
        "customers.CustomerMerge.merged_from",
        "customers.FollowUp.note",
        "customers.IdentityMatchSuggestion.reasons",
    ):
        assert place in places


def test_erasure_leaves_no_personal_data_in_any_table(
    person, other_customer, manager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = privacy.customer_erase(customer=person["customer"], actor=manager)

    assert not result.already_erased
    assert _places_holding(PERSONAL) == set()
    assert not default_storage.exists(person["attachment"].file.name)
    assert not default_storage.exists(person["photo"].file.name)


def test_erasure_keeps_the_numbers_and_leaves_other_customers_alone(person, other_customer, manager):
    customer = person["customer"]
    privacy.customer_erase(customer=customer, actor=manager)

    customer.refresh_from_db()
    assert customer.erased_at is not None
    assert (customer.orders_count, customer.lifetime_value) == (2, Decimal("129.80"))
    order = Order.objects.get(pk=person["order"].pk)
    assert (order.customer_id, order.total, order.status) == (customer.pk, Decimal("84.70"), "fulfilled")
    ticket = Ticket.objects.get(pk=person["ticket"].pk)
    assert (ticket.customer_id, ticket.status, ticket.order_id) == (customer.pk, "solved", order.pk)
    assert Message.objects.filter(ticket=ticket).count() == 1
    assert ReturnRequest.objects.get(order=order).status == ReturnRequest.Status.REQUESTED
    assert Refund.objects.get(order=order).amount == Decimal("10.00")
    assert Shipment.objects.filter(order=order).count() == 1

    other_customer.refresh_from_db()
    assert (other_customer.display_name, other_customer.email, other_customer.erased_at) == (
        OTHER_NAME,
        OTHER_EMAIL,
        None,
    )
    other_message = Message.objects.get(ticket__customer=other_customer)
    assert (other_message.sender_address, other_message.body_text) == (OTHER_EMAIL, "Where is it?")
    assert Order.objects.get(customer=other_customer).shipping_name == OTHER_NAME


def test_erasure_is_logged_once_without_personal_data_and_runs_twice_safely(person, manager):
    customer = person["customer"]
    first = privacy.customer_erase(customer=customer, actor=manager)
    second = privacy.customer_erase(customer=customer, actor=manager)

    assert second.already_erased
    entry = ErasureLog.objects.get()
    assert (entry.erased_customer_id, entry.actor) == (customer.pk, manager)
    assert entry.rows == first.rows
    assert entry.rows["messages"] == 1
    assert entry.rows["identities"] == 3
    assert entry.rows["attachments"] == 1
    logged = json.dumps(entry.rows, ensure_ascii=False) + str(entry)
    assert not any(value.lower() in logged.lower() for value in PERSONAL)


def test_erasure_reaches_customers_merged_into_the_erased_one(person, manager):
    duplicate = CustomerFactory(
        display_name=NAME, email="zofia.old@example.pl", merged_into=person["customer"]
    )
    privacy.customer_erase(customer=person["customer"], actor=manager)

    duplicate.refresh_from_db()
    assert (duplicate.display_name, duplicate.email) == ("", "")
    assert duplicate.erased_at is not None


# --- manager pages and admin ---------------------------------------------------------------


def test_a_manager_downloads_the_export_as_a_zip(client, person, manager):
    client.force_login(manager)
    response = client.get(reverse("customers:export", args=[person["customer"].pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert "messages.json" in archive.namelist()


def test_an_agent_can_neither_export_nor_erase(client, person, agent_eu):
    client.force_login(agent_eu)
    customer = person["customer"]

    assert client.get(reverse("customers:export", args=[customer.pk])).status_code == 403
    assert client.post(reverse("customers:erase", args=[customer.pk])).status_code == 403
    customer.refresh_from_db()
    assert customer.email == EMAIL


def test_a_manager_erases_by_post_with_the_customer_number(client, person, manager):
    client.force_login(manager)
    url = reverse("customers:erase", args=[person["customer"].pk])
    confirmed = {"reference": str(person["customer"].pk)}

    assert client.get(url).status_code == 200  # the confirmation page; nothing erased
    assert Customer.objects.get(pk=person["customer"].pk).email == EMAIL
    response = client.post(url, confirmed)
    assert response.status_code == 302
    assert Customer.objects.get(pk=person["customer"].pk).email == ""
    assert client.post(url, confirmed).status_code == 302  # again: a message, no second log
    assert ErasureLog.objects.count() == 1


def test_erasing_an_unknown_customer_is_a_404(client, manager):
    client.force_login(manager)
    assert client.post(reverse("customers:erase", args=[999_999])).status_code == 404


def test_admin_actions_export_one_customer_and_erase_after_confirmation(client, person, manager):
    client.force_login(manager)
    url = reverse("admin:customers_customer_changelist")
    customer = person["customer"]
    selected = {"_selected_action": [str(customer.pk)]}

    export = client.post(url, {**selected, "action": "export_personal_data"})
    assert export["Content-Type"] == "application/zip"

    confirmation = client.post(url, {**selected, "action": "erase_personal_data"})
    assert confirmation.status_code == 200
    assert Customer.objects.get(pk=customer.pk).email == EMAIL  # nothing erased before "yes"

    done = client.post(url, {**selected, "action": "erase_personal_data", "confirm": "yes"})
    assert done.status_code == 302
    assert Customer.objects.get(pk=customer.pk).email == ""


def test_agents_do_not_get_the_admin_actions(client, person):
    lead = UserFactory(username="lead.staff", is_staff=True, groups=[role("Team lead")])
    client.force_login(lead)
    response = client.get(reverse("admin:customers_customer_changelist"))
    assert b"erase_personal_data" not in response.content


# --- retention -----------------------------------------------------------------------------


NOW = datetime(2026, 11, 30, 3, 45, tzinfo=UTC)


def test_retention_purges_old_bodies_and_attachments_and_keeps_tickets(
    store_eu, media, settings, django_capture_on_commit_callbacks
):
    settings.MESSAGE_RETENTION_MONTHS = 6
    ticket = TicketFactory(store=store_eu, created_at=datetime(2026, 3, 1, tzinfo=UTC))
    old = MessageFactory(ticket=ticket, created_at=datetime(2026, 5, 29, 23, 0, tzinfo=UTC))
    old.translation = TranslationFactory()
    old.save(update_fields=["translation"])
    old_file = default_storage.save("attachments/2026/05/box.jpg", ContentFile(b"jpeg"))
    AttachmentFactory(message=old, file=old_file)
    recent = MessageFactory(ticket=ticket, created_at=datetime(2026, 5, 30, 4, 0, tzinfo=UTC))
    recent_file = default_storage.save("attachments/2026/05/label.pdf", ContentFile(b"pdf"))
    AttachmentFactory(message=recent, file=recent_file)

    with time_machine.travel(NOW, tick=False), django_capture_on_commit_callbacks(execute=True):
        purged = messages_retention_purge.delay().get()

    assert purged == 1
    old.refresh_from_db()
    assert (old.body_text, old.body_html, old.body_display, old.translation_id) == ("", "", "", None)
    assert (old.sender_address, old.direction) == ("anna.schmidt@example.de", "inbound")  # metadata kept
    assert not Attachment.objects.filter(message=old).exists()
    assert not default_storage.exists(old_file)
    assert Translation.objects.count() == 0
    recent.refresh_from_db()
    assert recent.body_text.startswith("Hallo")
    assert Attachment.objects.filter(message=recent).count() == 1
    assert default_storage.exists(recent_file)
    assert Ticket.objects.filter(pk=ticket.pk).exists()

    with time_machine.travel(NOW, tick=False):
        assert messages_retention_purge.delay().get() == 0  # a second run finds nothing left


def test_retention_zero_months_keeps_everything(store_eu, settings):
    settings.MESSAGE_RETENTION_MONTHS = 0
    message = MessageFactory(
        ticket=TicketFactory(store=store_eu), created_at=datetime(2015, 1, 1, tzinfo=UTC)
    )
    assert messages_retention_purge.delay().get() == 0
    message.refresh_from_db()
    assert message.body_text


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 11, 30, tzinfo=UTC), 6, datetime(2026, 5, 30, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
    ],
)
def test_retention_cutoff_counts_calendar_months(moment, months, expected):
    assert privacy._months_before(moment, months) == expected


def test_a_manager_reads_the_erasure_log_in_admin(client, person, manager):
    privacy.customer_erase(customer=person["customer"], actor=manager)
    client.force_login(manager)

    response = client.get(reverse("admin:customers_erasurelog_changelist"))

    assert response.status_code == 200
    assert [entry.erased_customer_id for entry in response.context["cl"].result_list] == [
        person["customer"].pk
    ]


def test_retention_purges_in_batches_until_nothing_is_left(store_eu, monkeypatch):
    monkeypatch.setattr(privacy, "RETENTION_BATCH", 2)
    ticket = TicketFactory(store=store_eu, created_at=datetime(2025, 1, 1, tzinfo=UTC))
    old = MessageFactory.create_batch(5, ticket=ticket, created_at=datetime(2025, 2, 1, tzinfo=UTC))

    result = privacy.messages_retention_purge(months=3, now=NOW)

    assert (result.messages, result.cutoff) == (5, datetime(2026, 8, 30, 3, 45, tzinfo=UTC))
    assert not Message.objects.filter(pk__in=[message.pk for message in old]).exclude(body_text="").exists()

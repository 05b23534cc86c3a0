"""GDPR / CCPA: export everything about a customer, erase a customer, purge old message bodies.

Erasure anonymises in place rather than deleting rows: the tickets, orders, returns, refunds
and parcels stay (with their counts, amounts, statuses and timestamps) so the seller's numbers
still add up; what could name, reach or locate the person is blanked. The log of an erasure
holds the customer's id, the rows changed per table, who and when, and nothing else.

This module reads and writes the models of tickets, returns and logistics, against the
"customers calls nobody" rule of DESIGN.md: erasure has to reach every table that holds the
person, and the customer is where it starts.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePosixPath
from typing import IO, Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.core import serializers
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from customers.models import Customer, CustomerIdentity, CustomerTag, ErasureLog, Order, OrderLine, Tag
from logistics.models import Shipment, TrackingEvent
from returns.models import CompensationOffer, Refund, ReturnEvent, ReturnLine, ReturnPhoto, ReturnRequest
from tickets.models import Attachment, Message, Survey, SurveyResponse, Ticket, TicketEvent, Translation

# Who may export or erase a customer's data (managers), in admin, on the customer page and in the API.
PRIVACY_PERMISSION = "customers.delete_customer"

ERASED = "[erased]"
# Shorter strings (a two-letter name part, a country code) would blank unrelated words.
MIN_SCRUB_LENGTH = 3


@dataclass(frozen=True)
class CustomerRecords:
    """Every row about one customer (and the customers merged into them), table by table."""

    customers: QuerySet[Customer]
    identities: QuerySet[CustomerIdentity]
    customer_tags: QuerySet[CustomerTag]
    tags: QuerySet[Tag]
    orders: QuerySet[Order]
    order_lines: QuerySet[OrderLine]
    tickets: QuerySet[Ticket]
    messages: QuerySet[Message]
    translations: QuerySet[Translation]
    attachments: QuerySet[Attachment]
    ticket_events: QuerySet[TicketEvent]
    returns: QuerySet[ReturnRequest]
    return_lines: QuerySet[ReturnLine]
    return_photos: QuerySet[ReturnPhoto]
    return_events: QuerySet[ReturnEvent]
    refunds: QuerySet[Refund]
    shipments: QuerySet[Shipment]
    tracking_events: QuerySet[TrackingEvent]
    surveys: QuerySet[Survey]
    survey_responses: QuerySet[SurveyResponse]
    compensation_offers: QuerySet[CompensationOffer]

    def tables(self) -> dict[str, QuerySet[Any]]:
        """The named tables, then any other table that points at the customer (merge history,
        follow-ups, opt-outs, …), named ``app_label.model``, so a model added later is covered."""
        named: dict[str, QuerySet[Any]] = {name: getattr(self, name) for name in self.__dataclass_fields__}
        named.pop("customers")
        covered = {queryset.model for queryset in named.values()}
        customer_ids = self.customers.values("pk")
        linked: dict[str, QuerySet[Any]] = {}
        for relation in Customer._meta.get_fields(include_hidden=True):
            if not (relation.one_to_many or relation.one_to_one) or not relation.auto_created:
                continue
            model = relation.related_model
            if (
                not (isinstance(model, type) and issubclass(model, models.Model))
                or model in covered
                or model is Customer
            ):
                continue
            condition = Q()
            for model_field in model._meta.concrete_fields:
                if model_field.is_relation and model_field.related_model is Customer:
                    condition |= Q(**{f"{model_field.name}__in": customer_ids})
            label = f"{model._meta.app_label}.{model._meta.model_name}"
            linked[label] = model._default_manager.filter(condition).order_by("pk")
        return {"customers": self.customers, **named, **dict(sorted(linked.items()))}


def customer_records(*, customer: Customer) -> CustomerRecords:
    """The querysets of everything about ``customer``, including customers merged into them."""
    customer_ids = [customer.pk, *Customer.objects.filter(merged_into=customer).values_list("pk", flat=True)]
    customers = Customer.objects.filter(pk__in=customer_ids).order_by("pk")
    orders = Order.objects.filter(customer_id__in=customer_ids).order_by("pk")
    tickets = Ticket.objects.filter(customer_id__in=customer_ids).order_by("pk")
    messages = Message.objects.filter(ticket__in=tickets).order_by("pk")
    returns = ReturnRequest.objects.filter(
        Q(customer_id__in=customer_ids) | Q(order__in=orders) | Q(ticket__in=tickets)
    ).order_by("pk")
    return_lines = ReturnLine.objects.filter(return_request__in=returns).order_by("pk")
    shipments = Shipment.objects.filter(
        Q(order__in=orders)
        | Q(pk__in=returns.exclude(return_shipment=None).values("return_shipment"))
        | Q(pk__in=tickets.exclude(shipment=None).values("shipment"))
    ).order_by("pk")
    surveys = Survey.objects.filter(ticket__in=tickets).order_by("pk")
    customer_tags = CustomerTag.objects.filter(customer_id__in=customer_ids).order_by("pk")
    return CustomerRecords(
        customers=customers,
        identities=CustomerIdentity.objects.filter(customer_id__in=customer_ids).order_by("pk"),
        customer_tags=customer_tags,
        tags=Tag.objects.filter(
            Q(pk__in=customer_tags.values("tag")) | Q(pk__in=tickets.values("tags"))
        ).order_by("pk"),
        orders=orders,
        order_lines=OrderLine.objects.filter(order__in=orders).order_by("pk"),
        tickets=tickets,
        messages=messages,
        translations=Translation.objects.filter(
            pk__in=messages.exclude(translation=None).values("translation")
        ).order_by("pk"),
        attachments=Attachment.objects.filter(message__in=messages).order_by("pk"),
        ticket_events=TicketEvent.objects.filter(ticket__in=tickets).order_by("pk"),
        returns=returns,
        return_lines=return_lines,
        return_photos=ReturnPhoto.objects.filter(return_line__in=return_lines).order_by("pk"),
        return_events=ReturnEvent.objects.filter(return_request__in=returns).order_by("pk"),
        refunds=Refund.objects.filter(Q(order__in=orders) | Q(return_request__in=returns)).order_by("pk"),
        shipments=shipments,
        tracking_events=TrackingEvent.objects.filter(shipment__in=shipments).order_by("pk"),
        surveys=surveys,
        survey_responses=SurveyResponse.objects.filter(survey__in=surveys).order_by("pk"),
        compensation_offers=CompensationOffer.objects.filter(
            Q(customer_id__in=customer_ids) | Q(order__in=orders)
        ).order_by("pk"),
    )


# --- export --------------------------------------------------------------------------------


def _archive_name(prefix: str, row_id: int, filename: str) -> str:
    # Only the last part of a stored name, so a crafted file name cannot climb out of the folder.
    safe = PurePosixPath(filename.replace("\\", "/")).name or "file"
    return f"{prefix}/{row_id}-{safe}"


def _add_stored_file(archive: zipfile.ZipFile, *, name: str, file: models.fields.files.FieldFile) -> bool:
    """Copies a stored file into the archive; False when the storage no longer has it."""
    if not file.name or not default_storage.exists(file.name):
        return False
    with default_storage.open(file.name, "rb") as source, archive.open(name, "w") as target:
        for chunk in iter(lambda: source.read(1024 * 1024), b""):
            target.write(chunk)
    return True


EXPORT_FILE_NAMES = {"customers": "profile"}


def customer_export_write(*, customer: Customer, destination: IO[bytes]) -> dict[str, int]:
    """Writes a ZIP of everything about ``customer`` into ``destination``: one JSON file per
    table (Django's serialisation: model, pk, fields) plus the attachment and photo files.

    Returns the number of rows per table; ``manifest.json`` in the archive says the same and
    lists the files that were missing from storage.
    """
    records = customer_records(customer=customer)
    counts: dict[str, int] = {}
    missing: list[str] = []
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table, queryset in records.tables().items():
            rows = list(queryset)
            counts[table] = len(rows)
            archive.writestr(
                f"{EXPORT_FILE_NAMES.get(table, table)}.json", serializers.serialize("json", rows, indent=2)
            )
        for attachment in records.attachments:
            name = _archive_name("attachments", attachment.pk, attachment.filename or attachment.file.name)
            if not _add_stored_file(archive, name=name, file=attachment.file):
                missing.append(name)
        for photo in records.return_photos:
            name = _archive_name("return_photos", photo.pk, photo.file.name)
            if not _add_stored_file(archive, name=name, file=photo.file):
                missing.append(name)
        manifest = {
            "customer_id": customer.pk,
            "exported_at": timezone.now().isoformat(),
            "rows": counts,
            "files_missing_from_storage": missing,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return counts


def customer_export_file(*, customer: Customer) -> IO[bytes]:
    """The export as a temporary file (deleted when closed), rewound, ready to stream."""
    # Spooled in memory up to 8 MiB; larger exports (attachments) go to disk, never all in RAM.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - the caller closes it
    customer_export_write(customer=customer, destination=spool)
    spool.seek(0)
    return spool


# --- erasure -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErasureResult:
    customer_id: int
    already_erased: bool
    rows: dict[str, int] = field(default_factory=dict)


def _personal_strings(records: CustomerRecords) -> set[str]:
    """Every string that names, reaches or locates the person, to blank wherever it was copied."""
    found: set[str] = set()

    def add(value: Any) -> None:
        if isinstance(value, str):
            value = value.strip()
            if len(value) >= MIN_SCRUB_LENGTH:
                found.add(value)
        elif isinstance(value, dict):
            for item in value.values():
                add(item)
        elif isinstance(value, list):
            for item in value:
                add(item)

    for customer in records.customers:
        # The name's parts too: greetings and offers use the first name alone.
        add([customer.display_name, *customer.display_name.split(), customer.email, customer.phone])
    for identity in records.identities:
        add([identity.value, identity.display_name, *identity.display_name.split()])
    for order in records.orders:
        add([order.email, order.shipping_name, order.shipping_postal_code, order.shipping_address])
    for message in records.messages.filter(direction=Message.Direction.INBOUND):
        add([message.sender_name, message.sender_address])
    return found


def _scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, dict):
        return {key: _scrub(item, pattern) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    return value


def _text_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [
        model_field
        for model_field in model._meta.concrete_fields
        if isinstance(model_field, models.CharField | models.TextField | models.JSONField)
        and not model_field.choices
    ]


def _scrub_rows(queryset: QuerySet[Any], pattern: re.Pattern[str]) -> int:
    """Replaces the personal strings wherever they were copied into free text or JSON."""
    text_fields = _text_fields(queryset.model)
    changed = 0
    for row in queryset.only("pk", *(model_field.attname for model_field in text_fields)):
        dirty = []
        for model_field in text_fields:
            before = getattr(row, model_field.attname)
            after = _scrub(before, pattern)
            if after != before:
                setattr(row, model_field.attname, after)
                dirty.append(model_field.attname)
        if dirty:
            row.save(update_fields=dirty)
            changed += 1
    return changed


def _delete_files(files: Iterable[str]) -> None:
    names = [name for name in files if name]

    # After commit: a rolled-back erasure must not have lost the files.
    def delete() -> None:
        for name in names:
            default_storage.delete(name)

    transaction.on_commit(delete)


@transaction.atomic
def customer_erase(*, customer: Customer, actor: AbstractBaseUser) -> ErasureResult:
    """Anonymises ``customer`` (and the customers merged into them) everywhere, in one transaction.

    Running it again on an erased customer changes nothing and logs nothing.
    """
    locked = Customer.objects.select_for_update().get(pk=customer.pk)
    if locked.erased_at is not None:
        return ErasureResult(customer_id=locked.pk, already_erased=True)

    records = customer_records(customer=locked)
    strings = _personal_strings(records)
    rows: Counter[str] = Counter()
    now = timezone.now()

    rows["customers"] = records.customers.update(
        display_name="", email="", phone="", notes="", timezone="", surveys_opt_out=True, erased_at=now
    )
    rows["identities"] = records.identities.delete()[0]
    rows["orders"] = records.orders.update(
        email="", shipping_name="", shipping_postal_code="", shipping_address={}, raw={}
    )
    rows["tickets"] = records.tickets.update(subject="")
    translation_ids = list(records.translations.values_list("pk", flat=True))
    attachment_files = list(records.attachments.values_list("file", flat=True))
    rows["attachments"] = records.attachments.delete()[0]
    # The search vectors (PostgreSQL generated columns over subject and body) follow by themselves.
    for message in records.messages.only("pk", "external_id"):
        message.external_id = _erased_id(message.external_id)
        message.sender_name = message.sender_address = message.subject = ""
        message.body_text = message.body_html = message.body_display = message.original_body = ""
        message.in_reply_to = message.references = message.parse_error = ""
        message.recipients, message.warnings, message.entities = [], [], {}
        message.raw = message.raw_payload = message.translation = None
        message.save(update_fields=MESSAGE_PERSONAL_FIELDS)
        rows["messages"] += 1
    rows["translations"] = Translation.objects.filter(pk__in=translation_ids).delete()[0]
    rows["return_lines"] = records.return_lines.update(comment="")
    photo_files = list(records.return_photos.values_list("file", flat=True))
    rows["return_photos"] = records.return_photos.delete()[0]
    label_files = list(records.returns.exclude(label="").values_list("label", flat=True))
    rows["returns"] = records.returns.update(label="")
    rows["tracking_events"] = records.tracking_events.update(raw={})
    rows["survey_responses"] = records.survey_responses.update(comment="")
    _delete_files([*attachment_files, *photo_files, *label_files])

    if strings:
        # Whole words only, so a postcode inside a longer number or a name inside a word stays.
        alternatives = "|".join(re.escape(value) for value in sorted(strings, key=len, reverse=True))
        pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        for table, queryset in records.tables().items():
            if table not in ("identities", "attachments", "return_photos", "translations"):
                rows[f"{table} (copies)"] += _scrub_rows(queryset, pattern)
        rows["admin log (copies)"] = _scrub_rows(_admin_log_mentioning(strings), pattern)

    counts = {table: count for table, count in rows.items() if count}
    ErasureLog.objects.create(erased_customer_id=locked.pk, rows=counts, actor_id=actor.pk, at=now)
    return ErasureResult(customer_id=locked.pk, already_erased=False, rows=counts)


MESSAGE_PERSONAL_FIELDS = [
    "external_id",
    "sender_name",
    "sender_address",
    "subject",
    "body_text",
    "body_html",
    "body_display",
    "original_body",
    "in_reply_to",
    "references",
    "parse_error",
    "recipients",
    "warnings",
    "entities",
    "raw",
    "raw_payload",
    "translation",
]


def _erased_id(external_id: str) -> str:
    """Message-IDs often carry the sender's address; keep them unique but unreadable."""
    if not external_id or external_id.startswith("erased:"):
        return external_id
    return "erased:" + hashlib.sha256(external_id.encode()).hexdigest()


def _admin_log_mentioning(strings: set[str]) -> QuerySet[LogEntry]:
    """Admin history rows that quote the person (their name is the object's title there)."""
    condition = Q()
    for value in strings:
        condition |= Q(object_repr__icontains=value) | Q(change_message__icontains=value)
    return LogEntry.objects.filter(condition)


# --- retention -----------------------------------------------------------------------------


def _months_before(moment: datetime, months: int) -> datetime:
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    # The 31st of a shorter month becomes its last day.
    for day in range(moment.day, 27, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


@dataclass(frozen=True)
class RetentionResult:
    cutoff: datetime | None
    messages: int
    attachments: int


# Messages purged per transaction: a first run over years of mail never holds one huge lock.
RETENTION_BATCH = 500


def _messages_holding_content(cutoff: datetime) -> QuerySet[Message]:
    return Message.objects.filter(created_at__lt=cutoff).filter(
        ~Q(body_text="")
        | ~Q(body_html="")
        | ~Q(body_display="")
        | ~Q(original_body="")
        | Q(raw__isnull=False)
        | Q(raw_payload__isnull=False)
        | Q(translation__isnull=False)
        | Exists(Attachment.objects.filter(message=OuterRef("pk")))
    )


@transaction.atomic
def _messages_purge_batch(*, message_ids: list[int], cutoff: datetime) -> int:
    """Purges these messages; returns the attachments deleted."""
    attachments = Attachment.objects.filter(message_id__in=message_ids)
    _delete_files(list(attachments.values_list("file", flat=True)))
    attachments_deleted = attachments.delete()[0]
    batch = Message.objects.filter(pk__in=message_ids)
    translation_ids = list(batch.exclude(translation=None).values_list("translation", flat=True))
    batch.update(
        body_text="",
        body_html="",
        body_display="",
        original_body="",
        raw=None,
        raw_payload=None,
        translation=None,
    )
    # Translations are a cache keyed by text hash; one still used by a newer message stays.
    Translation.objects.filter(pk__in=translation_ids).exclude(
        pk__in=Message.objects.filter(created_at__gte=cutoff).exclude(translation=None).values("translation")
    ).delete()
    return attachments_deleted


def messages_retention_purge(*, months: int, now: datetime | None = None) -> RetentionResult:
    """Empties the bodies and deletes the attachments of messages older than ``months``.

    The tickets and the messages' metadata (who, when, channel, direction, language, intent)
    stay for the numbers. ``months`` 0 keeps everything. Safe to run again, or to stop half
    way: what is purged no longer matches.
    """
    if months <= 0:
        return RetentionResult(cutoff=None, messages=0, attachments=0)
    cutoff = _months_before(now or timezone.now(), months)
    messages = attachments = 0
    while message_ids := list(
        _messages_holding_content(cutoff).order_by("pk").values_list("pk", flat=True)[:RETENTION_BATCH]
    ):
        attachments += _messages_purge_batch(message_ids=message_ids, cutoff=cutoff)
        messages += len(message_ids)
    return RetentionResult(cutoff=cutoff, messages=messages, attachments=attachments)

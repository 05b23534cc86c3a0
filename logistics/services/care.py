"""Claiming the care an anomaly needs, once: its customer notice and, when severe, its ticket.

The app that acts (tickets, through ``parcel_anomaly_needs_care``) calls a claim inside its own
transaction: the claim locks the anomaly's row, checks the work is still owed and due, marks it
done (``customer_notified_at``, ``escalated_at``) and returns what the work needs. Two workers,
a redelivered task or the periodic sweep claiming the same notice get it once; if the caller's
transaction rolls back, so does the mark, and the sweep asks again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from logistics.models import Shipment, ShipmentAnomaly
from logistics.notices import notice_render
from logistics.selectors import DELAY_NOTICE_KINDS, season_delay_notices_off
from logistics.services.links import tracking_link_for


@dataclass(frozen=True)
class ParcelNotice:
    """A claimed notice: rendered in the customer's language, to be sent now."""

    anomaly_id: int
    kind: str
    severity: int
    detected_at: dt.datetime
    shipment_id: int
    store_id: int
    customer_id: int
    order_id: int | None
    recipient: str
    language: str
    subject: str
    body: str
    tracking_number: str
    tracking_url: str
    customer_name: str
    order_number: str
    store_name: str


@dataclass(frozen=True)
class AnomalyEscalation:
    """A claimed severe anomaly: a ticket is to be opened for it now."""

    anomaly_id: int
    kind: str
    severity: int
    detail: str
    detected_at: dt.datetime
    shipment_id: int
    store_id: int
    customer_id: int | None
    order_id: int | None
    language: str


def _locked(anomaly_id: int) -> ShipmentAnomaly | None:
    """The anomaly, locked after its parcel: the anomaly checks lock the parcel first too, so
    the order is the same everywhere (no deadlock), and whoever acts on the claim (opening or
    reusing the parcel's ticket) is alone with that parcel until it commits."""
    shipment_id = ShipmentAnomaly.objects.filter(pk=anomaly_id).values_list("shipment_id", flat=True).first()
    if shipment_id is None:
        return None
    list(Shipment.objects.select_for_update().filter(pk=shipment_id).values_list("pk", flat=True))
    return (
        ShipmentAnomaly.objects.select_for_update(of=("self",))
        .select_related("shipment__order__customer", "shipment__store", "shipment__carrier")
        .filter(pk=anomaly_id)
        .first()
    )


@transaction.atomic
def anomaly_notice_claim(*, anomaly_id: int, now: dt.datetime | None = None) -> ParcelNotice | None:
    """The anomaly's customer notice, if it is owed and due; marks it sent (in this transaction).

    None when it was sent already, is not due yet (the customer's night), the anomaly cleared,
    there is nobody to write to, or a live seasonal rule set turns delay notices off
    (``proactive_delay_notices: false``); in the last two the reason is kept on the anomaly
    and nothing is owed.
    """
    now = now or timezone.now()
    anomaly = _locked(anomaly_id)
    if (
        anomaly is None
        or anomaly.customer_notified_at is not None
        or anomaly.resolved_at is not None
        or anomaly.notice_due_at is None
        or now < anomaly.notice_due_at
    ):
        return None
    shipment: Shipment = anomaly.shipment
    order = shipment.order
    customer = order.customer if order is not None else None
    if customer is None or not customer.email or customer.erased_at is not None:
        _withdraw(anomaly, _("Not sent: the parcel's order has no customer with an e-mail address."))
        return None
    if anomaly.kind in DELAY_NOTICE_KINDS:
        season = season_delay_notices_off(shipment)
        if season:
            _withdraw(
                anomaly,
                _("Not sent: the live seasonal rule set “%(season)s” turns proactive delay notices off.")
                % {"season": season},
            )
            return None
    language = customer.language or shipment.store.default_language
    url = tracking_link_for(shipment, language=language)  # our signed page: timeline, ETA, branding
    rendered = notice_render(
        kind=anomaly.kind,
        language=language,
        customer_name=customer.display_name,
        tracking_number=shipment.tracking_number,
        order_number=order.external_id if order is not None else "",
        tracking_url=url,
        store_name=shipment.store.name,
    )
    anomaly.customer_notified_at = now
    anomaly.save(update_fields=["customer_notified_at"])
    return ParcelNotice(
        anomaly_id=anomaly.pk,
        kind=anomaly.kind,
        severity=anomaly.severity,
        detected_at=anomaly.detected_at,
        shipment_id=shipment.pk,
        store_id=shipment.store_id,
        customer_id=customer.pk,
        order_id=shipment.order_id,
        recipient=customer.email,
        language=rendered.language,
        subject=rendered.subject,
        body=rendered.body,
        tracking_number=shipment.tracking_number,
        tracking_url=url,
        customer_name=customer.display_name,
        order_number=order.external_id if order is not None else "",
        store_name=shipment.store.name,
    )


@transaction.atomic
def anomaly_notice_withdraw(*, anomaly_id: int, reason: str) -> None:
    """Record that the anomaly's notice will not be sent, and why (e.g. an agent wrote already)."""
    anomaly = _locked(anomaly_id)
    if anomaly is not None:
        _withdraw(anomaly, reason)


def _withdraw(anomaly: ShipmentAnomaly, reason: str) -> None:
    anomaly.customer_notified_at = None
    anomaly.notice_due_at = None
    anomaly.notice_note = reason[:300]
    anomaly.save(update_fields=["customer_notified_at", "notice_due_at", "notice_note"])


@transaction.atomic
def anomaly_escalation_claim(*, anomaly_id: int, now: dt.datetime | None = None) -> AnomalyEscalation | None:
    """A severe open anomaly that has no ticket yet; marks it escalated (in this transaction)."""
    now = now or timezone.now()
    anomaly = _locked(anomaly_id)
    if (
        anomaly is None
        or anomaly.escalated_at is not None
        or anomaly.resolved_at is not None
        or anomaly.severity < ShipmentAnomaly.Severity.HIGH
    ):
        return None
    shipment: Shipment = anomaly.shipment
    customer = shipment.order.customer if shipment.order is not None else None
    anomaly.escalated_at = now
    anomaly.save(update_fields=["escalated_at"])
    return AnomalyEscalation(
        anomaly_id=anomaly.pk,
        kind=anomaly.kind,
        severity=anomaly.severity,
        detail=anomaly.detail,
        detected_at=anomaly.detected_at,
        shipment_id=shipment.pk,
        store_id=shipment.store_id,
        customer_id=customer.pk if customer is not None else None,
        order_id=shipment.order_id,
        language=(customer.language if customer is not None else "") or shipment.store.default_language,
    )

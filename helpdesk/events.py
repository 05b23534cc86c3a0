"""Events for other systems: one call where something happens, delivered by outbound webhooks.

``emit(event_type, payload, store_id)`` records one ``WebhookDelivery`` per active
subscription that wants the event (and covers the store) in the caller's transaction, so an
event exists exactly when the change it reports was committed, and queues the sending after
the commit (Celery, ``helpdesk.tasks.webhook_deliver``): never a request waiting on a
subscriber. The payload builders below read the objects they are given; this module imports
no app's models (DESIGN: helpdesk provides services to all).
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from helpdesk.outbound.models import EventType, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)


def _subscribers(event_type: str, store_id: int | None) -> list[WebhookSubscription]:
    # Few subscriptions, and JSON list lookups differ per database: filtered here, not in SQL.
    subscriptions = WebhookSubscription.objects.filter(is_active=True).prefetch_related("stores")
    chosen = []
    for subscription in subscriptions:
        if event_type not in (subscription.event_types or []):
            continue
        stores = {store.pk for store in subscription.stores.all()}
        if stores and store_id not in stores:
            continue
        chosen.append(subscription)
    return chosen


def emit(event_type: str, payload: dict[str, Any], store_id: int | None) -> list[WebhookDelivery]:
    """Record ``event_type`` for its subscribers now, send it once the transaction commits."""
    if event_type not in EventType.values:
        raise ValueError(f"Unknown event type {event_type!r}")
    subscribers = _subscribers(event_type, store_id)
    if not subscribers:
        return []
    event_id = uuid.uuid4()
    envelope = {
        "id": str(event_id),
        "type": event_type,
        "created_at": timezone.now().isoformat(),
        "store_id": store_id,
        "data": json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
    }
    deliveries = WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(
                subscription=subscription,
                event_id=event_id,
                event_type=event_type,
                store_id=store_id,
                payload=envelope,
            )
            for subscription in subscribers
        ]
    )
    ids = [delivery.pk for delivery in deliveries if delivery.pk is not None] or list(
        WebhookDelivery.objects.filter(event_id=event_id).values_list("pk", flat=True)
    )
    transaction.on_commit(lambda: _enqueue(ids), robust=True)
    return deliveries


def _enqueue(delivery_ids: list[int]) -> None:
    from helpdesk.tasks import webhook_deliver

    for delivery_id in delivery_ids:
        # One subscriber's broken broker connection must not keep the others from their event;
        # a delivery that was never queued is picked up by the periodic retry scan.
        try:
            webhook_deliver.delay(delivery_id)
        except Exception:
            logger.exception("could not queue webhook delivery %s", delivery_id)


# --- payloads ---------------------------------------------------------------------------------


def ticket_payload(ticket: Any) -> dict[str, Any]:
    return {
        "id": ticket.pk,
        "reference": ticket.reference,
        "store_id": ticket.store_id,
        "customer_id": ticket.customer_id,
        "channel": ticket.channel,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": getattr(ticket, "priority", None),
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
        "order_id": ticket.order_id,
        "created_at": ticket.created_at,
        "solved_at": getattr(ticket, "solved_at", None),
    }


def message_payload(message: Any) -> dict[str, Any]:
    return {
        "id": message.pk,
        "ticket_id": message.ticket_id,
        "store_id": message.store_id,
        "channel": message.channel,
        "direction": message.direction,
        "sender_name": message.sender_name,
        "subject": message.subject,
        "text": message.body_display or message.body_text,
        "created_at": message.created_at,
    }


def return_payload(return_request: Any) -> dict[str, Any]:
    return {
        "id": return_request.pk,
        "rma_number": return_request.rma_number,
        "store_id": return_request.store_id,
        "order_id": return_request.order_id,
        "customer_id": return_request.customer_id,
        "status": return_request.status,
        "decision_reason": getattr(return_request, "decision_reason", ""),
        "ticket_id": return_request.ticket_id,
    }


def refund_payload(refund: Any) -> dict[str, Any]:
    return {
        "id": refund.pk,
        "order_id": refund.order_id,
        "order_line_id": refund.order_line_id,
        "return_id": refund.return_request_id,
        "amount": str(refund.amount),
        "currency": refund.currency,
        "method": refund.method,
        "status": refund.status,
        "reason": refund.reason,
        "platform_reference": refund.platform_reference,
        "created_at": refund.created_at,
    }


def anomaly_payload(anomaly: Any) -> dict[str, Any]:
    shipment = anomaly.shipment
    return {
        "id": anomaly.pk,
        "kind": anomaly.kind,
        "severity": anomaly.severity,
        "detail": anomaly.detail,
        "detected_at": anomaly.detected_at,
        "shipment": {
            "id": shipment.pk,
            "tracking_number": shipment.tracking_number,
            "carrier_id": shipment.carrier_id,
            "order_id": shipment.order_id,
            "status": shipment.status,
        },
    }


def survey_payload(response: Any) -> dict[str, Any]:
    survey = response.survey
    return {
        "survey_id": survey.pk,
        "kind": survey.kind,
        "ticket_id": survey.ticket_id,
        "score": response.score,
        "comment": response.comment,
        "agent_id": response.agent_id,
        "team_id": response.team_id,
        "responded_at": response.responded_at,
    }

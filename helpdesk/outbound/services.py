"""Sending one outbound webhook delivery, signed, and deciding when to try again.

The body is the event's envelope as compact JSON with sorted keys, so every attempt sends the
same bytes. Headers:

    X-Helpdesk-Event: ticket.created
    X-Helpdesk-Delivery: <delivery id, the same on every attempt and redelivery>
    X-Helpdesk-Timestamp: <Unix seconds of this attempt>
    X-Helpdesk-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>

A subscriber checks the signature and refuses old timestamps (replays). Any answer but 2xx,
or no answer, is retried with exponential backoff up to ``OUTBOUND_WEBHOOK_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.exceptions import ApplicationError
from helpdesk.outbound.models import EventType, WebhookDelivery, WebhookSubscription

if TYPE_CHECKING:
    from customers.models import Store

logger = logging.getLogger(__name__)
Status = WebhookDelivery.Status
LONGEST_WAIT_SECONDS = 6 * 3600
RESPONSE_EXCERPT = 1000
# A delivery left "pending" this long lost its task (broker down at commit): the scan sends it.
LOST_PENDING = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class AttemptResult:
    status: str
    retry_in: int | None = None  # seconds until the next attempt; None: no more attempts


def body_of(delivery: WebhookDelivery) -> bytes:
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the ``attempts``-th failed attempt: base, 2×base, 4×base, … at most 6 h."""
    base = settings.OUTBOUND_WEBHOOK_RETRY_SECONDS
    return int(min(base * 2 ** max(attempts - 1, 0), LONGEST_WAIT_SECONDS))


def webhook_delivery_attempt(*, delivery_id: int, now: dt.datetime | None = None) -> AttemptResult:
    """One attempt at sending a delivery. Safe to run twice: a delivered one is not sent again,
    and the attempt is claimed with a conditional update so two workers never send at once."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        Q(status__in=(Status.PENDING, Status.RETRYING)), pk=delivery_id
    ).update(attempts=F("attempts") + 1, last_attempt_at=now, next_retry_at=None)
    delivery = WebhookDelivery.objects.select_related("subscription").filter(pk=delivery_id).first()
    if delivery is None or not claimed:
        return AttemptResult(delivery.status if delivery is not None else "missing")
    subscription = delivery.subscription
    if not subscription.is_active:
        return _finish(delivery, status=Status.FAILED, error="The subscription is not active.")
    body = body_of(delivery)
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "helpdesk-webhooks/1",
        "X-Helpdesk-Event": delivery.event_type,
        "X-Helpdesk-Delivery": str(delivery.delivery_id),
        "X-Helpdesk-Timestamp": timestamp,
        "X-Helpdesk-Signature": signature(subscription.secret, timestamp, body),
    }
    try:
        response = httpx.post(
            subscription.url,
            content=body,
            headers=headers,
            timeout=settings.OUTBOUND_WEBHOOK_TIMEOUT_SECONDS,
            follow_redirects=False,
        )
    except httpx.HTTPError as error:
        return _failed(delivery, code=None, body="", error=f"{type(error).__name__}: {error}", now=now)
    excerpt = response.text[:RESPONSE_EXCERPT]
    if 200 <= response.status_code < 300:
        return _finish(
            delivery, status=Status.DELIVERED, code=response.status_code, body=excerpt, delivered_at=now
        )
    return _failed(
        delivery, code=response.status_code, body=excerpt, error=f"HTTP {response.status_code}", now=now
    )


def _failed(
    delivery: WebhookDelivery, *, code: int | None, body: str, error: str, now: dt.datetime
) -> AttemptResult:
    if delivery.attempts >= settings.OUTBOUND_WEBHOOK_MAX_ATTEMPTS:
        return _finish(delivery, status=Status.FAILED, code=code, body=body, error=error)
    wait = retry_delay(delivery.attempts)
    result = _finish(
        delivery,
        status=Status.RETRYING,
        code=code,
        body=body,
        error=error,
        next_retry_at=now + dt.timedelta(seconds=wait),
    )
    return AttemptResult(result.status, retry_in=wait)


def _finish(
    delivery: WebhookDelivery,
    *,
    status: str,
    code: int | None = None,
    body: str = "",
    error: str = "",
    delivered_at: dt.datetime | None = None,
    next_retry_at: dt.datetime | None = None,
) -> AttemptResult:
    changes: dict[str, Any] = {
        "status": status,
        "last_response_code": code,
        "last_response_body": body[:RESPONSE_EXCERPT],
        "last_error": error[:500],
        "next_retry_at": next_retry_at,
    }
    if delivered_at is not None:
        changes["delivered_at"] = delivered_at
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**changes)
    return AttemptResult(status)


@transaction.atomic
def webhook_redeliver(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (a manager's action): same delivery id, a fresh round of attempts."""
    locked = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("subscription")
        .get(pk=delivery.pk)
    )
    if not locked.subscription.is_active:
        # It would fail at once ("not active"): say so now instead of queuing a doomed attempt.
        raise ApplicationError(_("The subscription is not active; activate it, then redeliver."))
    locked.status = Status.PENDING
    locked.attempts = 0
    locked.next_retry_at = None
    locked.delivered_at = None
    locked.save(update_fields=["status", "attempts", "next_retry_at", "delivered_at"])

    def enqueue() -> None:
        from helpdesk.tasks import webhook_deliver

        # The redelivery is committed: a broker that is down must not turn it into an error for
        # whoever asked (the API answered 500 after the commit); the retry scan sends it later.
        try:
            webhook_deliver.delay(locked.pk)
        except Exception:
            logger.exception("could not queue the redelivery of webhook delivery %s", locked.pk)

    transaction.on_commit(enqueue, robust=True)
    return locked


def webhook_deliveries_due(*, now: dt.datetime | None = None, limit: int = 500) -> list[int]:
    """Deliveries whose task was lost: a retry long overdue, or pending since before ``LOST_PENDING``."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        Q(status=Status.RETRYING, next_retry_at__lte=now - LOST_PENDING)
        | Q(status=Status.PENDING, created_at__lte=now - LOST_PENDING)
    )
    return list(due.order_by("pk").values_list("pk", flat=True)[:limit])


# --- subscriptions (the API's writes; admin edits them with its own form) -------------------------


@dataclass(frozen=True)
class NewSubscription:
    subscription: WebhookSubscription
    secret: str  # returned once, when the subscription is created


def _checked_event_types(event_types: Iterable[str]) -> list[str]:
    wanted = list(dict.fromkeys(event_types))
    if not wanted:
        raise ValidationError({"event_types": [_("Choose at least one event.")]})
    unknown = [event for event in wanted if event not in EventType.values]
    if unknown:
        raise ValidationError(
            {
                "event_types": [
                    _("Unknown events: %(unknown)s. Known: %(known)s.")
                    % {"unknown": ", ".join(unknown), "known": ", ".join(EventType.values)}
                ]
            }
        )
    return wanted


def _checked_url(url: str) -> str:
    url = url.strip()
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise ValidationError({"url": [_("Use an http:// or https:// address.")]})
    return url


@transaction.atomic
def webhook_subscription_create(
    *,
    url: str,
    event_types: Iterable[str],
    name: str = "",
    is_active: bool = True,
    stores: Iterable[Store] = (),
) -> NewSubscription:
    """A new subscriber, with a new signing secret that the caller sees this once."""
    url = _checked_url(url)
    subscription = WebhookSubscription(
        name=(name.strip() or urlsplit(url).hostname or url)[:200],
        url=url,
        event_types=_checked_event_types(event_types),
        is_active=is_active,
    )
    subscription.full_clean()
    subscription.save()
    subscription.stores.set(list(stores))
    return NewSubscription(subscription=subscription, secret=subscription.secret)


@transaction.atomic
def webhook_subscription_update(
    *,
    subscription: WebhookSubscription,
    name: str | None = None,
    url: str | None = None,
    event_types: Iterable[str] | None = None,
    is_active: bool | None = None,
    stores: Iterable[Store] | None = None,
) -> WebhookSubscription:
    """Change what a subscriber gets (``None``: leave that as it is). The secret stays: deliveries
    already queued are signed with it."""
    locked = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    fields = []
    if name is not None:
        locked.name = name.strip()[:200] or locked.name
        fields.append("name")
    if url is not None:
        locked.url = _checked_url(url)
        fields.append("url")
    if event_types is not None:
        locked.event_types = _checked_event_types(event_types)
        fields.append("event_types")
    if is_active is not None:
        locked.is_active = is_active
        fields.append("is_active")
    locked.full_clean()
    if fields:
        locked.save(update_fields=fields)
    if stores is not None:
        locked.stores.set(list(stores))
    return locked


def webhook_subscription_delete(*, subscription: WebhookSubscription) -> None:
    """Remove a subscriber and its delivery log (a queued delivery then finds nothing to send)."""
    WebhookSubscription.objects.filter(pk=subscription.pk).delete()

"""Reads of outbound webhooks: subscriptions and their delivery log (for the API)."""

from __future__ import annotations

from django.db.models import QuerySet

from helpdesk.outbound.models import WebhookDelivery, WebhookSubscription


def webhook_subscriptions() -> QuerySet[WebhookSubscription]:
    """Every subscription (they configure the whole helpdesk; only managers see them)."""
    return WebhookSubscription.objects.prefetch_related("stores").order_by("-id")


def webhook_deliveries_of(*, subscription_id: int) -> QuerySet[WebhookDelivery]:
    """One subscription's delivery log, newest first; an unknown subscription is a 404."""
    subscription = WebhookSubscription.objects.get(pk=subscription_id)
    return WebhookDelivery.objects.filter(subscription=subscription).order_by("-id")

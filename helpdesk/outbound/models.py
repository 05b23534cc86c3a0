"""Outbound webhooks: who subscribes to which events, and the log of every delivery."""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class EventType(models.TextChoices):
    TICKET_CREATED = "ticket.created", _("Ticket created")
    TICKET_SOLVED = "ticket.solved", _("Ticket solved")
    MESSAGE_CREATED = "message.created", _("Message created")
    RETURN_APPROVED = "return.approved", _("Return approved")
    REFUND_ISSUED = "refund.issued", _("Refund issued")
    SHIPMENT_ANOMALY = "shipment.anomaly", _("Shipment anomaly")
    SURVEY_ANSWERED = "survey.answered", _("Survey answered")


def new_subscription_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    """Another system (ERP, CRM, BI) that wants to hear about events, signed with its secret."""

    name = models.CharField(_("name"), max_length=200)
    url = models.URLField(_("URL"), max_length=500, help_text=_("Events are POSTed here as JSON."))
    secret = models.CharField(
        _("secret"),
        max_length=200,
        default=new_subscription_secret,
        help_text=_(
            "Signs every delivery: X-Helpdesk-Signature is sha256=<hex HMAC-SHA256 of "
            "'<X-Helpdesk-Timestamp>.<body>'> keyed with this secret."
        ),
    )
    event_types = models.JSONField(
        _("events"),
        default=list,
        help_text=_('The events to send, e.g. ["ticket.created", "refund.issued"].'),
    )
    is_active = models.BooleanField(_("active"), default=True)
    stores = models.ManyToManyField(
        "customers.Store",
        verbose_name=_("stores"),
        blank=True,
        related_name="+",
        help_text=_("Only events of these stores; none selected: every store."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook subscription")
        verbose_name_plural = _("webhook subscriptions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event to one subscriber: what was sent, how often, and what the subscriber answered.

    ``delivery_id`` stays the same across retries and redeliveries, so a subscriber can drop
    what it already processed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        RETRYING = "retrying", _("Failed, will retry")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed, no more retries")

    subscription = models.ForeignKey(
        WebhookSubscription,
        verbose_name=_("subscription"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    event_id = models.UUIDField(_("event id"), db_index=True, editable=False)
    event_type = models.CharField(_("event"), max_length=40, choices=EventType.choices)
    store = models.ForeignKey(
        "customers.Store",
        verbose_name=_("store"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    payload = models.JSONField(_("payload"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_response_code = models.PositiveSmallIntegerField(_("last response code"), null=True, blank=True)
    last_response_body = models.CharField(_("last response (excerpt)"), max_length=1000, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_retry_at = models.DateTimeField(_("next retry"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at"]
        constraints = [
            # One delivery per event and subscriber, however often the event is emitted.
            models.UniqueConstraint(fields=["event_id", "subscription"], name="webhookdelivery_unique_event"),
            models.CheckConstraint(
                condition=Q(delivered_at__isnull=True) | Q(status="delivered"),
                name="webhookdelivery_delivered_has_status",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_retry_at"], name="webhookdelivery_retry_idx")]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription} ({self.get_status_display()})"

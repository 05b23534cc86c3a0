"""The log of every commerce webhook a shop sent (orders, refunds, fulfillments, customers)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CommerceWebhookDelivery(models.Model):
    """One verified delivery, kept raw: what it said, what came of it.

    Redeliveries are recognised by the platform's delivery id (``X-Shopify-Webhook-Id``,
    ``X-WC-Webhook-Delivery-ID``) or, without one, by the same topic and the same body.
    """

    class Status(models.TextChoices):
        PROCESSED = "processed", _("Processed")
        IGNORED = "ignored", _("Unknown topic (kept)")
        WAITING = "waiting", _("Waiting for its order")
        STALE = "stale", _("Older than what is stored")
        FAILED = "failed", _("Could not be applied")

    store = models.ForeignKey(
        "customers.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+"
    )
    platform = models.CharField(_("platform"), max_length=20)
    topic = models.CharField(_("topic"), max_length=100, blank=True)
    webhook_id = models.CharField(_("delivery id"), max_length=200, blank=True)
    body_sha256 = models.CharField(_("body SHA-256"), max_length=64)
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    object_id = models.CharField(
        _("platform object id"), max_length=64, blank=True, help_text=_("The order, refund, … it is about.")
    )
    order_platform_id = models.CharField(_("platform order id"), max_length=64, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    class Meta:
        verbose_name = _("commerce webhook delivery")
        verbose_name_plural = _("commerce webhook deliveries")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "webhook_id"],
                condition=~Q(webhook_id=""),
                name="commercedelivery_unique_webhook_id",
            ),
            models.UniqueConstraint(
                fields=["store", "topic", "body_sha256"], name="commercedelivery_unique_content"
            ),
        ]
        indexes = [
            models.Index(fields=["store", "status", "order_platform_id"], name="commercedelivery_waiting_idx")
        ]

    def __str__(self) -> str:
        return f"{self.platform} {self.topic} {self.object_id} ({self.get_status_display()})"

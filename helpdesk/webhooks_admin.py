"""Admin for webhooks: outbound subscriptions and their delivery log (with redeliver), and the log
of commerce webhooks shops sent in (with "apply again" for those that waited or failed)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import ReadOnlyAdminMixin, json_block, run_service_per_object
from helpdesk.commerce.models import CommerceWebhookDelivery
from helpdesk.commerce.services import commerce_delivery_apply
from helpdesk.outbound.models import EventType, WebhookDelivery, WebhookSubscription
from helpdesk.outbound.services import webhook_redeliver


class WebhookSubscriptionForm(forms.ModelForm):
    url = forms.URLField(label=_("URL"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("events"), choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ("name", "url", "secret", "event_types", "is_active", "stores")


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = WebhookSubscriptionForm
    list_display = ("name", "url", "events", "is_active", "created_at")
    list_filter = ("is_active",)
    search_fields = ("name", "url")
    filter_horizontal = ("stores",)

    @admin.display(description=_("events"))
    def events(self, subscription: WebhookSubscription) -> str:
        return ", ".join(subscription.event_types or [])

    def get_fields(self, request: HttpRequest, obj: WebhookSubscription | None = None) -> Any:
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return fields
        # Whoever may only look (an agent) must not read the signing secret.
        return [field for field in fields if field != "secret"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "event_type",
        "subscription",
        "status",
        "attempts",
        "last_response_code",
        "next_retry_at",
    )
    list_filter = ("status", "event_type", "subscription")
    list_select_related = ("subscription",)
    search_fields = ("=delivery_id", "=event_id", "subscription__name")
    date_hierarchy = "created_at"
    readonly_fields = (
        "subscription",
        "delivery_id",
        "event_id",
        "event_type",
        "store",
        "status",
        "attempts",
        "last_attempt_at",
        "last_response_code",
        "last_response_body",
        "last_error",
        "next_retry_at",
        "delivered_at",
        "created_at",
        "payload_shown",
    )
    exclude = ("payload",)
    actions = ("redeliver",)

    @admin.display(description=_("payload"))
    def payload_shown(self, delivery: WebhookDelivery) -> str:
        return json_block(delivery.payload)

    def has_redeliver_permission(self, request: HttpRequest) -> bool:
        # Managers only, as in the API: a redelivery sends customer data to another system.
        return request.user.has_perm("helpdesk.change_webhooksubscription")

    @admin.action(permissions=["redeliver"], description=_("Redeliver (same delivery id)"))
    def redeliver(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda delivery: webhook_redeliver(delivery=delivery),
            done_message=_("Deliveries queued to be sent again: %(count)d."),
        )


@admin.register(CommerceWebhookDelivery)
class CommerceWebhookDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("received_at", "store", "platform", "topic", "object_id", "status", "reason")
    list_filter = ("status", "platform", "topic", "store")
    list_select_related = ("store",)
    search_fields = ("=webhook_id", "=object_id", "=order_platform_id")
    date_hierarchy = "received_at"
    readonly_fields = (
        "store",
        "platform",
        "topic",
        "webhook_id",
        "body_sha256",
        "object_id",
        "order_platform_id",
        "status",
        "reason",
        "received_at",
        "processed_at",
        "payload_shown",
    )
    exclude = ("payload",)
    actions = ("apply_again",)

    @admin.display(description=_("payload"))
    def payload_shown(self, delivery: CommerceWebhookDelivery) -> str:
        return json_block(delivery.payload)

    def has_apply_again_permission(self, request: HttpRequest) -> bool:
        # Managers only: applying a shop's webhook again changes orders, refunds and parcels.
        return request.user.has_perm("helpdesk.change_webhooksubscription")

    @admin.action(permissions=["apply_again"], description=_("Apply again"))
    def apply_again(self, request: HttpRequest, queryset: QuerySet[CommerceWebhookDelivery]) -> None:
        def apply(delivery: Any) -> None:
            commerce_delivery_apply(delivery=delivery)

        run_service_per_object(
            self,
            request,
            queryset.select_related("store"),
            call=apply,
            done_message=_("Deliveries applied again: %(count)d."),
        )

"""Admin for carriers, parcels, tracking events, anomalies and lane statistics.

A parcel's tracking state is recomputed from its events by the logistics services, so it
is read-only here; tracking events are provider data, stored once, and only viewed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin, json_block
from logistics.models import (
    Carrier,
    LaneStatistic,
    Shipment,
    ShipmentAnomaly,
    TrackingEvent,
    TrackingProviderAccount,
)
from logistics.services.platform_tracking import shipment_tracking_push_queue


@admin.register(Carrier)
class CarrierAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "code",
        "country",
        "aftership_slug",
        "seventeen_track_code",
        "tracking_url_template",
    )
    list_filter = ("country",)
    search_fields = ("name", "code", "aftership_slug")
    prepopulated_fields = {"code": ("name",)}


class TrackingEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = TrackingEvent
    fields = (
        "occurred_at",
        "status",
        "sub_status",
        "raw_status",
        "description",
        "location",
        "country",
        "provider",
    )
    readonly_fields = fields
    ordering = ("-occurred_at",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[TrackingEvent]:
        return super().get_queryset(request).defer("raw")


class ShipmentAnomalyInline(admin.TabularInline):
    model = ShipmentAnomaly
    fields = (
        "kind",
        "severity",
        "detail",
        "detected_at",
        "resolved_at",
        "notice_due_at",
        "customer_notified_at",
        "notice_note",
        "escalated_at",
    )
    # Set by the notice and ticket claims (logistics.services.care), never by hand.
    readonly_fields = ("notice_due_at", "customer_notified_at", "notice_note", "escalated_at")
    extra = 0


@admin.register(Shipment)
class ShipmentAdmin(admin.ModelAdmin):
    list_display = (
        "tracking_number",
        "carrier",
        "store",
        "direction",
        "status",
        "anomaly",
        "lane",
        "shipped_at",
        "last_event_at",
        "delivered_at",
        "order",
    )
    list_select_related = ("carrier", "store", "order")
    list_filter = ("status", "direction", "anomaly", "carrier", "store")
    search_fields = ("=tracking_number", "=order__external_id")
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ("order",)
    # Recomputed from the tracking events by the logistics services.
    readonly_fields = (
        "status",
        "sub_status",
        "last_event_at",
        "last_location",
        "delivered_at",
        "anomaly",
        "tracking_link",
        "tracking_pushed_at",
        "tracking_push_reference",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "store",
                    "order",
                    "carrier",
                    "tracking_number",
                    "tracking_link",
                    "direction",
                    "provider",
                )
            },
        ),
        (
            _("Route and dates"),
            {
                "fields": (
                    "origin_country",
                    "destination_country",
                    "shipped_at",
                    "promised_by",
                    "estimated_delivery_at",
                )
            },
        ),
        (
            _("Tracking state"),
            {"fields": ("status", "sub_status", "last_event_at", "last_location", "delivered_at", "anomaly")},
        ),
        (
            # Clearing a refusal (or setting the carrier or order here) sends it again on save.
            _("Sales platform"),
            {"fields": ("tracking_pushed_at", "tracking_push_reference", "tracking_push_error")},
        ),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (ShipmentAnomalyInline, TrackingEventInline)

    def save_model(self, request: HttpRequest, obj: Shipment, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # A carrier, number or order set by hand reaches the order's platform too (once).
        shipment_tracking_push_queue(shipment=obj)

    @admin.display(description=_("lane"))
    def lane(self, obj: Shipment) -> str:
        return f"{obj.origin_country or '?'} → {obj.destination_country or '?'}"

    @admin.display(description=_("tracking page"))
    def tracking_link(self, obj: Shipment) -> str:
        return obj.tracking_url or "—"


@admin.register(TrackingEvent)
class TrackingEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("occurred_at", "shipment", "status", "raw_status", "description", "location", "provider")
    list_select_related = ("shipment",)
    list_filter = ("status",)
    search_fields = ("=shipment__tracking_number", "=provider_event_id")
    date_hierarchy = "occurred_at"
    show_full_result_count = False
    raw_id_fields = ("shipment",)
    fields = (
        "shipment",
        "provider",
        "provider_event_id",
        "occurred_at",
        "local_timezone",
        "status",
        "sub_status",
        "raw_status",
        "description",
        "location",
        "country",
        "received_at",
        "raw_pretty",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[TrackingEvent]:
        return super().get_queryset(request).defer("raw")

    @admin.display(description=_("provider payload"))
    def raw_pretty(self, obj: TrackingEvent) -> str:
        return json_block(obj.raw)


@admin.register(ShipmentAnomaly)
class ShipmentAnomalyAdmin(admin.ModelAdmin):
    list_display = (
        "shipment",
        "kind",
        "severity",
        "detail",
        "detected_at",
        "resolved_at",
        "customer_notified_at",
        "escalated_at",
    )
    list_select_related = ("shipment",)
    readonly_fields = ("notice_due_at", "customer_notified_at", "notice_note", "escalated_at")
    list_filter = (
        "kind",
        "severity",
        ("resolved_at", admin.EmptyFieldListFilter),
        ("customer_notified_at", admin.EmptyFieldListFilter),
    )
    search_fields = ("=shipment__tracking_number", "detail")
    date_hierarchy = "detected_at"
    show_full_result_count = False
    raw_id_fields = ("shipment",)


@admin.register(LaneStatistic)
class LaneStatisticAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Computed nightly from delivered parcels; an edit would be overwritten, so view only."""

    list_display = (
        "origin_country",
        "destination_country",
        "carrier",
        "sample_size",
        "median_days",
        "p80_days",
        "p95_days",
        "median_scan_gap_hours",
        "on_time_rate",
        "loss_rate",
        "returned_rate",
        "computed_at",
    )
    list_select_related = ("carrier",)
    list_filter = ("carrier", "origin_country", "destination_country")
    search_fields = ("origin_country", "destination_country", "carrier__name")
    date_hierarchy = "computed_at"


@admin.register(TrackingProviderAccount)
class TrackingProviderAccountAdmin(admin.ModelAdmin):
    """Where a manager connects AfterShip or 17TRACK: paste the provider's secret, copy the URL."""

    list_display = ("store", "provider", "is_active", "poll", "created_at")
    list_select_related = ("store",)
    list_filter = ("provider", "is_active", "poll")
    search_fields = ("store__name",)
    fields = ("store", "provider", "secret", "is_active", "poll", "api_url", "webhook_url", "created_at")
    readonly_fields = ("webhook_url", "created_at")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("webhook URL"))
    def webhook_url(self, obj: TrackingProviderAccount) -> str:
        if obj.pk is None:
            return _("Shown once saved.")
        name = "seventeen_track" if obj.provider == "17track" else obj.provider
        return reverse(f"tracking_webhooks:{name}", kwargs={"key": obj.store.inbound_key})

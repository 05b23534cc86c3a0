"""Rollup tables, read-only: a manager can see what the dashboards read and when it was refreshed."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from analytics.models import (
    AgentDay,
    AnomalyDay,
    IntentDay,
    LaneDay,
    OrderDay,
    OrderLineDay,
    OrderTicketDay,
    ReturnLineDay,
    RollupState,
    SegmentDay,
    TicketDay,
)
from analytics.services import rollups_refresh


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the refresh task only; editing one by hand would make the dashboards lie."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyAdmin):
    list_display = ("name", "refreshed_at", "time_zone")
    actions = ("refresh_recent_days",)

    @admin.action(description=_("Refresh the last 3 days now"), permissions=["view"])
    def refresh_recent_days(self, request: HttpRequest, queryset: QuerySet[RollupState]) -> None:
        rows = rollups_refresh(days=3)
        self.message_user(
            request,
            ngettext("%(count)d rollup row rewritten.", "%(count)d rollup rows rewritten.", rows)
            % {"count": rows},
            messages.SUCCESS,
        )


@admin.register(TicketDay)
class TicketDayAdmin(ReadOnlyAdmin):
    list_display = (
        "day",
        "store_id",
        "channel",
        "team_id",
        "language",
        "country",
        "proactive",
        "created",
        "solved",
    )
    list_filter = ("day", "channel", "proactive")
    date_hierarchy = "day"


@admin.register(IntentDay)
class IntentDayAdmin(ReadOnlyAdmin):
    list_display = ("day", "store_id", "channel", "intent", "language", "country", "created")
    list_filter = ("day", "channel", "intent")
    date_hierarchy = "day"


@admin.register(AgentDay)
class AgentDayAdmin(ReadOnlyAdmin):
    list_display = ("day", "store_id", "team_id", "agent_id", "tickets", "solved", "replies", "csat_answers")
    list_filter = ("day", "channel")
    date_hierarchy = "day"


@admin.register(OrderLineDay)
class OrderLineDayAdmin(ReadOnlyAdmin):
    list_display = ("day", "store_id", "country", "sku", "units_sold", "lines", "complained_lines")
    list_filter = ("day", "country")
    search_fields = ("sku",)
    date_hierarchy = "day"


@admin.register(LaneDay)
class LaneDayAdmin(ReadOnlyAdmin):
    list_display = (
        "day",
        "store_id",
        "origin_country",
        "destination_country",
        "carrier_id",
        "finished",
        "delivered",
        "on_time",
        "lost",
    )
    list_filter = ("day", "destination_country")
    date_hierarchy = "day"


@admin.register(OrderDay)
class OrderDayAdmin(ReadOnlyAdmin):
    list_display = ("day", "store_id", "country", "orders", "complaints", "orders_with_complaint")
    list_filter = ("day", "country")
    date_hierarchy = "day"


@admin.register(OrderTicketDay)
class OrderTicketDayAdmin(ReadOnlyAdmin):
    list_display = ("day", "store_id", "country", "previous_day", "before_previous_day", "tickets")
    list_filter = ("day", "country")
    date_hierarchy = "day"


@admin.register(ReturnLineDay)
class ReturnLineDayAdmin(ReadOnlyAdmin):
    list_display = ("day", "store_id", "country", "sku", "reason", "requested_day", "units", "lines")
    list_filter = ("day", "country", "reason")
    search_fields = ("sku",)
    date_hierarchy = "day"


@admin.register(AnomalyDay)
class AnomalyDayAdmin(ReadOnlyAdmin):
    list_display = ("day", "store_id", "country", "kind", "detected", "still_open", "severe", "resolved")
    list_filter = ("day", "kind", "country")
    date_hierarchy = "day"


@admin.register(SegmentDay)
class SegmentDayAdmin(ReadOnlyAdmin):
    list_display = ("day", "slug", "store_id", "country", "members")
    list_filter = ("day", "slug", "country")
    date_hierarchy = "day"

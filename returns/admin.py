"""Admin for return policies, returns, refunds and compensation offers.

A return moves only through the returns services (eligibility, workflow, refunds), so
its page is view-only and its decisions are admin actions that call those services.
The refund ledger is view-only for the same reason: a refund is recorded once, by the
refund service, under its idempotency key.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin, json_block, run_service_per_object
from returns.models import (
    CompensationOffer,
    CompensationPolicy,
    CompensationTagRule,
    Refund,
    ReturnEvent,
    ReturnLine,
    ReturnPhoto,
    ReturnPolicy,
    ReturnRequest,
)
from returns.services import return_approve, return_reject
from returns.services.refunds import refund_mark_done, refund_retry

REJECT_NOTE = "Rejected by a manager in admin"


@admin.register(ReturnPolicy)
class ReturnPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "store",
        "category",
        "window_days",
        "final_sale",
        "honour_holiday_extension",
        "restocking_fee_percent",
        "returnless_max_value",
        "auto_refund_on_receipt",
        "priority",
        "is_active",
    )
    list_select_related = ("store",)
    list_filter = ("is_active", "store", "final_sale", "honour_holiday_extension", "auto_refund_on_receipt")
    search_fields = ("name", "category")
    fieldsets = (
        (None, {"fields": ("name", "store", "category", "priority", "is_active")}),
        (
            _("Eligibility"),
            {
                "fields": (
                    "window_days",
                    "honour_holiday_extension",
                    "final_sale",
                    "accepted_conditions",
                    "photos_required_reasons",
                    "serial_returner_rate",
                    "serial_returner_min_orders",
                    "review_answer_hours",
                    "expire_after_days",
                )
            },
        ),
        (
            _("Costs and refunds"),
            {
                "fields": (
                    "restocking_fee_percent",
                    "seller_pays_shipping_reasons",
                    "return_shipping_cost",
                    "return_carrier",
                    "returnless_max_value",
                    "returnless_shipping_share",
                    "auto_refund_on_receipt",
                )
            },
        ),
        (
            _("What the customer may choose"),
            {
                "fields": (
                    "store_credit_allowed",
                    "store_credit_bonus_percent",
                    "exchange_allowed",
                    "keep_item_refund_percent",
                    "keep_item_reasons",
                )
            },
        ),
    )


class ReturnLineInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ReturnLine
    fields = (
        "order_line",
        "quantity",
        "reason",
        "condition",
        "comment",
        "exchange_for",
        "refund_amount",
        "restocking_fee",
        "inspection",
        "inspection_notes",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReturnLine]:
        return super().get_queryset(request).select_related("order_line", "exchange_for")


class ReturnEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = ReturnEvent
    fields = ("created_at", "from_status", "to_status", "actor", "note")
    readonly_fields = fields
    ordering = ("created_at",)
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReturnEvent]:
        return super().get_queryset(request).select_related("actor")


class RefundInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Refund
    fk_name = "return_request"
    fields = (
        "created_at",
        "amount",
        "bonus_amount",
        "currency",
        "method",
        "status",
        "failure_reason",
        "platform_reference",
        "issued_at",
    )
    readonly_fields = fields


@admin.register(ReturnRequest)
class ReturnRequestAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "rma_number",
        "store",
        "order",
        "customer",
        "status",
        "resolution",
        "source",
        "returnless",
        "requested_at",
        "decided_at",
    )
    list_select_related = ("store", "order", "customer")
    list_filter = ("status", "resolution", "source", "store", "returnless", "customer_pays_shipping")
    search_fields = ("=rma_number", "=order__external_id", "customer__email")
    date_hierarchy = "requested_at"
    show_full_result_count = False
    raw_id_fields = ("order", "customer", "ticket", "return_shipment", "decided_by")
    fieldsets = (
        (None, {"fields": ("rma_number", "store", "order", "customer", "ticket", "source")}),
        (
            _("Status"),
            {"fields": ("status", "resolution", "requested_at", "decided_at", "decided_by", "closed_at")},
        ),
        (
            _("Decision"),
            {
                "fields": (
                    "decision_reason",
                    "decision_rules_pretty",
                    "review_due_at",
                    "customer_pays_shipping",
                    "returnless",
                    "customer_language",
                )
            },
        ),
        (
            _("Money"),
            {"fields": ("currency", "refund_total", "restocking_fee_total", "return_shipping_fee")},
        ),
        (_("Return parcel"), {"fields": ("return_shipment", "label", "label_issued_at", "ship_by")}),
        (_("Record"), {"classes": ("collapse",), "fields": ("submission_key", "updated_at")}),
    )
    readonly_fields = (
        "rma_number",
        "store",
        "order",
        "customer",
        "ticket",
        "source",
        "status",
        "resolution",
        "requested_at",
        "decided_at",
        "decided_by",
        "closed_at",
        "decision_reason",
        "decision_rules_pretty",
        "customer_pays_shipping",
        "returnless",
        "return_shipment",
        "label",
        "submission_key",
        "updated_at",
        "review_due_at",
        "customer_language",
        "currency",
        "refund_total",
        "restocking_fee_total",
        "return_shipping_fee",
        "label_issued_at",
        "ship_by",
    )
    inlines = (ReturnLineInline, ReturnEventInline, RefundInline)
    actions = ("approve", "reject_not_eligible")

    def has_decide_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("returns.change_returnrequest")

    @admin.display(description=_("rules evaluated"))
    def decision_rules_pretty(self, obj: ReturnRequest) -> str:
        return json_block(obj.decision_rules)

    @admin.action(permissions=["decide"], description=_("Approve"))
    def approve(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda return_request: return_approve(return_request=return_request, actor=request.user),
            done_message=_("Returns approved: %(count)d."),
        )

    @admin.action(permissions=["decide"], description=_("Reject as not eligible"))
    def reject_not_eligible(self, request: HttpRequest, queryset: QuerySet[ReturnRequest]) -> None:
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda return_request: return_reject(
                return_request=return_request, actor=request.user, note=REJECT_NOTE
            ),
            done_message=_("Returns rejected: %(count)d."),
        )


@admin.register(ReturnLine)
class ReturnLineAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("return_request", "order_line", "quantity", "reason", "condition", "inspection")
    list_select_related = ("return_request", "order_line")
    list_filter = ("reason", "condition", "inspection")
    search_fields = ("=return_request__rma_number", "order_line__sku")
    show_full_result_count = False
    raw_id_fields = ("return_request", "order_line")


@admin.register(ReturnEvent)
class ReturnEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "return_request", "from_status", "to_status", "actor", "note")
    list_select_related = ("return_request", "actor")
    list_filter = ("to_status", "from_status")
    search_fields = ("=return_request__rma_number", "note")
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ("return_request", "actor")


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "order",
        "return_request",
        "amount",
        "currency",
        "method",
        "status",
        "failure_reason",
        "attempts",
        "next_retry_at",
        "platform_reference",
        "issued_at",
        "created_by",
    )
    list_select_related = ("order", "return_request", "created_by")
    list_filter = ("status", "method", "currency")
    search_fields = (
        "=idempotency_key",
        "=order__external_id",
        "=return_request__rma_number",
        "platform_reference",
    )
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ("order", "order_line", "return_request", "created_by", "done_by")
    actions = ("mark_done", "send_again")

    def has_delete_permission(self, request: HttpRequest, obj: Refund | None = None) -> bool:
        return False

    def has_refund_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("returns.change_refund")

    @admin.action(permissions=["refund"], description=_("Mark as refunded by hand"))
    def mark_done(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda refund: refund_mark_done(refund=refund, actor=request.user),
            done_message=_("Refunds marked as done: %(count)d."),
        )

    @admin.action(permissions=["refund"], description=_("Send failed refunds again now"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Refund]) -> None:
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda refund: refund_retry(refund=refund, actor=request.user),
            done_message=_("Refunds sent again: %(count)d."),
        )


@admin.register(ReturnPhoto)
class ReturnPhotoAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "uploaded_at",
        "return_line",
        "kind",
        "content_type",
        "width",
        "height",
        "size",
        "uploaded_by",
    )
    list_select_related = ("return_line__return_request", "return_line__order_line", "uploaded_by")
    list_filter = ("kind", "content_type")
    search_fields = ("=return_line__return_request__rma_number", "=sha256")
    date_hierarchy = "uploaded_at"
    show_full_result_count = False
    raw_id_fields = ("return_line", "uploaded_by")


@admin.register(CompensationOffer)
class CompensationOfferAdmin(admin.ModelAdmin):
    list_display = ("created_at", "order", "customer", "ticket", "tier", "kind", "amount_display", "status")
    list_select_related = ("order", "customer", "ticket")
    list_filter = ("status", "tier", "kind")
    search_fields = ("=order__external_id", "customer__email", "=ticket__reference", "reason")
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ("order", "customer", "ticket", "offered_by", "refund", "reship_shipment")

    @admin.display(description=_("value"), ordering="amount")
    def amount_display(self, obj: CompensationOffer) -> str:
        return f"{obj.amount} {obj.currency}"


class CompensationTagRuleInline(admin.TabularInline):
    """VIP one level up, serial returner nothing without review: the policy's tag rules."""

    model = CompensationTagRule
    fields = ("tag", "effect")
    autocomplete_fields = ("tag",)
    extra = 0


@admin.register(CompensationTagRule)
class CompensationTagRuleAdmin(admin.ModelAdmin):
    """Every store's tag rules in one list (each is also edited on its policy's page)."""

    list_display = ("policy", "tag", "effect")
    list_select_related = ("policy__store", "tag")
    list_filter = ("effect", "tag")
    search_fields = ("policy__store__name", "tag__name")
    autocomplete_fields = ("tag",)
    raw_id_fields = ("policy",)


@admin.register(CompensationPolicy)
class CompensationPolicyAdmin(admin.ModelAdmin):
    """Per store: what each compensation tier is worth and how much may be given."""

    inlines = (CompensationTagRuleInline,)

    list_display = (
        "store",
        "is_active",
        "coupon_value",
        "coupon_percent",
        "partial_refund_percent",
        "gift",
        "moderate_delay_days",
        "severe_delay_days",
        "updated_at",
    )
    list_select_related = ("store",)
    list_filter = ("is_active",)
    search_fields = ("store__name",)
    raw_id_fields = ("store", "reship_carrier")
    fieldsets = (
        (None, {"fields": ("store", "is_active")}),
        (
            _("What each level gives"),
            {
                "fields": (
                    "coupon_value",
                    "coupon_percent",
                    "points",
                    "points_value",
                    "partial_refund_percent",
                    "reship_carrier",
                    "gift",
                    "gift_value",
                )
            },
        ),
        (
            _("When"),
            {
                "fields": (
                    "moderate_delay_days",
                    "severe_delay_days",
                    "high_value_order",
                    "vip_lifetime_value",
                    "vip_orders_count",
                )
            },
        ),
        (
            _("Limits (empty: none; 0: never)"),
            {
                "fields": (
                    ("tier1_max_per_order", "tier1_monthly_budget"),
                    ("tier2_max_per_order", "tier2_monthly_budget"),
                    ("tier3_max_per_order", "tier3_monthly_budget"),
                )
            },
        ),
    )

"""Admin for stores, customers, products, orders and tags.

Customer and Order are big tables: no list filter on them scans for distinct values,
foreign keys to them are raw ids, and the changelist skips the full count.
"""

from __future__ import annotations

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from customers.admin_privacy import erase_personal_data, export_personal_data
from customers.models import (
    Customer,
    CustomerIdentity,
    CustomerMerge,
    CustomerTag,
    FollowUp,
    IdentityMatchSuggestion,
    Order,
    OrderLine,
    Product,
    Store,
    Tag,
)
from helpdesk.admin import json_block


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    # A logo address typed without a scheme means https (Django 6's default, stated now).
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "name",
        "platform",
        "external_id",
        "marketplace",
        "currency",
        "default_language",
        "timezone",
        "is_active",
        "created_at",
    )
    list_filter = ("platform", "is_active", "marketplace", "currency")
    search_fields = ("name", "external_id", "support_email")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("name", "platform", "external_id", "marketplace", "is_active")}),
        (_("Defaults"), {"fields": ("currency", "default_language", "timezone", "support_email")}),
        (_("Branding"), {"fields": ("brand_color", "logo_url")}),
        (_("Self-service answers"), {"fields": ("auto_answer_threshold",)}),
        (_("Follow-ups"), {"fields": ("follow_up_owner",)}),
        (
            _("Contact form, chat widget and webhooks"),
            {"fields": ("inbound_key", "webhook_secret", "allowed_origins")},
        ),
    )


class CustomerIdentityInline(admin.TabularInline):
    model = CustomerIdentity
    fields = ("platform", "kind", "value", "display_name", "verified", "created_at")
    readonly_fields = ("created_at",)
    extra = 0


class CustomerTagInline(admin.TabularInline):
    model = CustomerTag
    fields = ("tag", "reason", "set_at", "set_by")
    readonly_fields = ("set_at", "set_by")
    autocomplete_fields = ("tag",)
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[CustomerTag]:
        return super().get_queryset(request).select_related("tag", "set_by")


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "email",
        "country",
        "language",
        "orders_count",
        "returns_count",
        "claims_count",
        "lifetime_value_display",
        "merged_into",
        "erased_at",
        "created_at",
    )
    list_select_related = ("merged_into",)
    list_filter = (
        "surveys_opt_out",
        ("erased_at", admin.EmptyFieldListFilter),
        ("merged_into", admin.EmptyFieldListFilter),
        "tags",
    )
    search_fields = ("email", "display_name", "phone", "=identities__value")
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ("merged_into",)
    # Counters, value and merge/erasure state are kept by the customer services.
    readonly_fields = (
        "lifetime_value",
        "lifetime_value_currency",
        "orders_count",
        "returns_count",
        "claims_count",
        "first_seen_at",
        "merged_into",
        "erased_at",
        "created_at",
    )
    fieldsets = (
        (None, {"fields": ("display_name", "email", "phone", "country", "language", "timezone")}),
        (_("Preferences and notes"), {"fields": ("surveys_opt_out", "notes")}),
        (
            _("History"),
            {
                "fields": (
                    ("lifetime_value", "lifetime_value_currency"),
                    ("orders_count", "returns_count", "claims_count"),
                    "first_seen_at",
                    "created_at",
                )
            },
        ),
        (_("Merge and erasure"), {"fields": ("merged_into", "erased_at")}),
    )
    inlines = (CustomerIdentityInline, CustomerTagInline)
    actions = (export_personal_data, erase_personal_data)

    @admin.display(description=_("lifetime value"), ordering="lifetime_value")
    def lifetime_value_display(self, obj: Customer) -> str:
        return f"{obj.lifetime_value} {obj.lifetime_value_currency}"

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        # Record who set a tag by hand; everything else saves as usual.
        for instance in formset.save(commit=False):
            if isinstance(instance, CustomerTag) and instance.pk is None and instance.set_by_id is None:
                instance.set_by = request.user
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()


@admin.register(CustomerIdentity)
class CustomerIdentityAdmin(admin.ModelAdmin):
    list_display = ("value", "kind", "platform", "customer", "display_name", "verified", "created_at")
    list_select_related = ("customer",)
    list_filter = ("platform", "kind", "verified")
    search_fields = ("=value", "display_name", "customer__email")
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ("customer",)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ("sku", "title", "store", "category", "price", "currency", "external_id")
    list_select_related = ("store",)
    list_filter = ("store", "category")
    search_fields = ("sku", "title", "external_id")


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ("external_id", "sku", "title", "product", "quantity", "unit_price", "total_paid")
    autocomplete_fields = ("product",)
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[OrderLine]:
        return super().get_queryset(request).select_related("product")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = (
        "external_id",
        "store",
        "customer",
        "status",
        "placed_at",
        "total_display",
        "shipping_country",
        "email",
        "is_gift",
    )
    list_select_related = ("store", "customer")
    list_filter = ("status", "store", "is_gift")
    search_fields = ("external_id", "email", "shipping_name")
    date_hierarchy = "placed_at"
    show_full_result_count = False
    raw_id_fields = ("customer",)
    readonly_fields = ("raw_pretty", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("store", "external_id", "customer", "status", "placed_at", "email", "is_gift")}),
        (_("Amounts"), {"fields": ("currency", "subtotal", "shipping_total", "tax_total", "total")}),
        (
            _("Ship to"),
            {"fields": ("shipping_name", "shipping_country", "shipping_postal_code", "shipping_address")},
        ),
        (_("Platform payload"), {"classes": ("collapse",), "fields": ("raw_pretty",)}),
        (_("Record"), {"fields": ("created_at", "updated_at")}),
    )
    inlines = (OrderLineInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Order]:
        # The payload is only shown on the change page; the list never loads it.
        return super().get_queryset(request).defer("raw")

    @admin.display(description=_("total"), ordering="total")
    def total_display(self, obj: Order) -> str:
        return f"{obj.total} {obj.currency}"

    @admin.display(description=_("platform payload"))
    def raw_pretty(self, obj: Order) -> str:
        return json_block(obj.raw)


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ("order", "sku", "title", "quantity", "unit_price", "total_paid", "product")
    list_select_related = ("order", "product")
    search_fields = ("sku", "title", "=order__external_id")
    show_full_result_count = False
    raw_id_fields = ("order",)
    autocomplete_fields = ("product",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "priority_points", "color", "description")
    list_filter = ("kind",)
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(CustomerTag)
class CustomerTagAdmin(admin.ModelAdmin):
    list_display = ("customer", "tag", "reason", "set_at", "set_by")
    list_select_related = ("customer", "tag", "set_by")
    list_filter = ("tag", "tag__kind")
    search_fields = ("customer__email", "tag__name", "reason")
    date_hierarchy = "set_at"
    show_full_result_count = False
    raw_id_fields = ("customer", "set_by")
    autocomplete_fields = ("tag",)
    readonly_fields = ("set_at",)

    def save_model(self, request: HttpRequest, obj: CustomerTag, form: ModelForm, change: bool) -> None:
        if not change and obj.set_by_id is None:
            obj.set_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(IdentityMatchSuggestion)
class IdentityMatchSuggestionAdmin(admin.ModelAdmin):
    list_display = ("customer", "candidate", "score", "status", "created_at", "decided_by")
    list_select_related = ("customer", "candidate", "decided_by")
    list_filter = ("status",)
    search_fields = (
        "customer__email",
        "candidate__email",
        "customer__display_name",
        "candidate__display_name",
    )
    show_full_result_count = False
    raw_id_fields = ("customer", "candidate", "decided_by")
    # Decided in the agent UI (merge or keep apart), so the audit trail stays complete.
    readonly_fields = ("customer", "candidate", "score", "reasons", "status", "decided_by", "decided_at")


@admin.register(CustomerMerge)
class CustomerMergeAdmin(admin.ModelAdmin):
    """Read-only: merges and unmerges are made on the customer page, which keeps the audit."""

    list_display = ("source", "target", "automatic", "actor", "at", "undone_at", "undone_by")
    list_select_related = ("source", "target", "actor", "undone_by")
    list_filter = ("automatic", ("undone_at", admin.EmptyFieldListFilter))
    search_fields = ("source__email", "target__email", "reason")
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: CustomerMerge | None = None) -> bool:
        return False


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ("customer", "kind", "owner", "due_at", "done_at")
    list_select_related = ("customer", "owner")
    list_filter = ("kind", ("done_at", admin.EmptyFieldListFilter))
    search_fields = ("customer__email", "customer__display_name", "note")
    date_hierarchy = "due_at"
    show_full_result_count = False
    raw_id_fields = ("customer", "owner", "created_by")
    readonly_fields = ("created_at",)

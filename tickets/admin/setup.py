"""What managers configure: teams, agents, SLA policies, reply templates, surveys."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import ReadOnlyAdminMixin, run_service_per_object
from helpdesk.exceptions import ApplicationError
from tickets.admin.conversations import excerpt
from tickets.models import (
    AgentProfile,
    Macro,
    Mailbox,
    ReplyTemplate,
    ReplyTemplateVariant,
    RoutingRule,
    SLAPolicy,
    Survey,
    SurveyOptOut,
    SurveyResponse,
    SurveySettings,
    Team,
)
from tickets.services.mailboxes import mailbox_check_connection, mailbox_poll_now

MAX_CONNECTION_TESTS = 10  # each test may wait for a timeout: keep the page responsive


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "slug",
        "working_language",
        "languages",
        "timezone",
        "holiday_country",
        "is_overflow",
        "lead",
    )
    list_select_related = ("lead",)
    list_filter = ("is_overflow", "working_language", "stores")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("stores",)
    autocomplete_fields = ("lead",)


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "availability", "working_language", "languages", "capacity", "last_assigned_at")
    list_select_related = ("user",)
    list_filter = ("availability", "working_language", "teams")
    search_fields = ("user__username", "user__email", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)
    filter_horizontal = ("teams",)
    readonly_fields = ("last_assigned_at",)


@admin.register(SLAPolicy)
class SLAPolicyAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "store",
        "channel",
        "priority",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "business_hours_only",
        "is_active",
    )
    list_select_related = ("store",)
    list_filter = ("is_active", "channel", "priority", "business_hours_only", "store")
    search_fields = ("name",)


# --- Tickets and messages -------------------------------------------------------------------


class ReplyTemplateVariantInline(admin.StackedInline):
    model = ReplyTemplateVariant
    fields = ("language", "subject", "body")
    extra = 0


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "intent", "store", "languages", "set_status", "usage_count", "is_active")
    list_select_related = ("store",)
    list_filter = ("is_active", "intent", "store", "set_status")
    search_fields = ("name", "slug", "variants__subject", "variants__body")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("add_tags",)
    readonly_fields = ("usage_count",)
    inlines = (ReplyTemplateVariantInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReplyTemplate]:
        return super().get_queryset(request).prefetch_related("variants")

    @admin.display(description=_("languages"))
    def languages(self, obj: ReplyTemplate) -> str:
        return ", ".join(sorted(variant.language for variant in obj.variants.all())) or "—"


@admin.register(ReplyTemplateVariant)
class ReplyTemplateVariantAdmin(admin.ModelAdmin):
    list_display = ("template", "language", "subject")
    list_select_related = ("template",)
    list_filter = ("language", "template")
    search_fields = ("template__name", "subject", "body")
    autocomplete_fields = ("template",)


@admin.register(Macro)
class MacroAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "reply_template",
        "set_status",
        "assign",
        "set_priority",
        "store",
        "team",
        "usage_count",
        "is_active",
    )
    list_select_related = ("reply_template", "store", "team")
    list_filter = ("is_active", "set_status", "assign", "store", "team")
    search_fields = ("name", "description", "reply_template__name")
    autocomplete_fields = ("reply_template", "add_tags")
    readonly_fields = ("usage_count",)
    fieldsets = (
        (None, {"fields": ("name", "description", "is_active")}),
        (
            _("What it does"),
            {"fields": ("reply_template", "add_tags", "assign", "set_priority", "set_status")},
        ),
        (_("Where it is offered"), {"fields": ("store", "team")}),
        (None, {"fields": ("usage_count",)}),
    )


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "status", "scheduled_for", "sent_at", "offer")
    list_select_related = ("ticket",)
    list_filter = ("kind", "status")
    search_fields = ("=ticket__reference",)
    date_hierarchy = "scheduled_for"
    show_full_result_count = False
    raw_id_fields = ("ticket",)
    readonly_fields = ("sent_at",)


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The customer's own answer: view only."""

    list_display = ("responded_at", "survey", "score", "agent", "team", "comment_excerpt")
    list_select_related = ("survey__ticket", "agent", "team")
    list_filter = ("survey__kind", "score", "team")
    search_fields = ("=survey__ticket__reference", "comment")
    date_hierarchy = "responded_at"
    show_full_result_count = False
    raw_id_fields = ("survey", "agent")

    @admin.display(description=_("comment"))
    def comment_excerpt(self, obj: SurveyResponse) -> str:
        return excerpt(obj.comment)


@admin.register(SurveySettings)
class SurveySettingsAdmin(admin.ModelAdmin):
    """Per store: which surveys go out, and the offer added to the loyalty survey."""

    list_display = ("store", "csat_enabled", "nps_enabled", "offer")
    list_select_related = ("store",)
    list_filter = ("csat_enabled", "nps_enabled")


@admin.register(SurveyOptOut)
class SurveyOptOutAdmin(admin.ModelAdmin):
    """Customers who asked for no more surveys (from the link in every survey e-mail)."""

    list_display = ("customer", "created_at")
    list_select_related = ("customer",)
    search_fields = ("=customer__email",)
    raw_id_fields = ("customer",)
    date_hierarchy = "created_at"


class MailboxForm(forms.ModelForm):
    class Meta:
        model = Mailbox
        fields = (
            "store",
            "address",
            "is_active",
            "imap_host",
            "imap_port",
            "imap_ssl",
            "imap_user",
            "imap_password",
            "imap_folder",
            "imap_poll_seconds",
            "imap_backfill_days",
            "inbound_token",
        )
        widgets = {"imap_password": forms.PasswordInput(render_value=True)}


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = (
        "address",
        "store",
        "imap_host",
        "is_active",
        "last_polled_at",
        "imap_last_uid",
        "imap_failures",
        "last_error",
    )
    list_filter = ("is_active", "store")
    search_fields = ("address", "imap_host", "imap_user")
    list_select_related = ("store",)
    fieldsets = (
        (None, {"fields": ("store", "address", "is_active")}),
        (
            _("IMAP polling"),
            {
                "fields": (
                    "imap_host",
                    "imap_port",
                    "imap_ssl",
                    "imap_user",
                    "imap_password",
                    "imap_folder",
                    "imap_poll_seconds",
                    "imap_backfill_days",
                ),
                "description": _(
                    "Leave the host empty for a mailbox fed only by the webhook. Polling reads the "
                    "folder read-only: it never marks mail as read, moves or deletes it."
                ),
            },
        ),
        (
            _("Where polling stands"),
            {
                "fields": (
                    "last_polled_at",
                    "last_error",
                    "imap_failures",
                    "imap_next_poll_at",
                    "imap_source",
                    "imap_uidvalidity",
                    "imap_last_uid",
                    "imap_backfill_uid",
                    "imap_backfill_since",
                )
            },
        ),
        (_("Inbound webhook"), {"fields": ("inbound_token", "webhook_url")}),
    )
    readonly_fields = (
        "webhook_url",
        "last_polled_at",
        "last_error",
        "imap_failures",
        "imap_next_poll_at",
        "imap_source",
        "imap_uidvalidity",
        "imap_last_uid",
        "imap_backfill_uid",
        "imap_backfill_since",
    )
    actions = ("poll_now", "test_connection")

    @admin.action(description=_("Poll now"), permissions=["change"])
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda mailbox: mailbox_poll_now(mailbox=mailbox),
            done_message=_("Polls queued: %(count)d. Refresh this page in a moment to see the result."),
        )

    @admin.action(description=_("Test connection"), permissions=["change"])
    def test_connection(self, request: HttpRequest, queryset: QuerySet[Mailbox]) -> None:
        selected = list(queryset.order_by("address")[: MAX_CONNECTION_TESTS + 1])
        for mailbox in selected[:MAX_CONNECTION_TESTS]:
            try:
                found, level = mailbox_check_connection(mailbox=mailbox), messages.SUCCESS
            except ApplicationError as error:
                found, level = error.message, messages.ERROR
            self.message_user(
                request, _("%(mailbox)s: %(result)s") % {"mailbox": mailbox, "result": found}, level
            )
        if len(selected) > MAX_CONNECTION_TESTS:
            self.message_user(
                request,
                _("Only the first %(count)d mailboxes were tested.") % {"count": MAX_CONNECTION_TESTS},
                messages.WARNING,
            )

    @admin.display(description=_("raw-MIME webhook URL"))
    def webhook_url(self, obj: Mailbox) -> str:
        if not obj.pk:
            return "—"
        return settings.HELPDESK_PUBLIC_URL.rstrip("/") + reverse("inbound:email", args=[obj.inbound_token])


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """Dispatch rules: tried in order before the language default; the first match routes."""

    list_display = (
        "position",
        "name",
        "is_active",
        "store",
        "tag_names",
        "intents",
        "languages",
        "channels",
        "team",
    )
    list_display_links = ("name",)
    list_editable = ("position", "is_active")
    list_filter = ("is_active", "store", "team", "customer_tags")
    list_select_related = ("store", "team")
    search_fields = ("name", "team__name", "customer_tags__name")
    ordering = ("position", "id")
    filter_horizontal = ("customer_tags",)
    fieldsets = (
        (None, {"fields": ("name", "position", "is_active", "store")}),
        (
            _("When (all that are filled hold)"),
            {"fields": ("customer_tags", "intents", "languages", "channels")},
        ),
        (_("Then"), {"fields": ("team",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[RoutingRule]:
        return super().get_queryset(request).prefetch_related("customer_tags")

    @admin.display(description=_("customer tags"))
    def tag_names(self, obj: RoutingRule) -> str:
        return ", ".join(tag.name for tag in obj.customer_tags.all()) or "—"

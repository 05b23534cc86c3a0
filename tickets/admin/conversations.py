"""Tickets and what they contain: messages, attachments, events, translations. Read-only: only services change them."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from helpdesk.access import scope_to_user
from helpdesk.admin import ReadOnlyAdminMixin, ReadOnlyInlineMixin, json_block, run_service_per_object
from tickets.models import (
    Attachment,
    Message,
    Ticket,
    TicketEvent,
    Translation,
)
from tickets.selectors import ticket_search
from tickets.services import message_read_again, ticket_assign, ticket_set_status

EXCERPT_CHARS = 120
RAW_PREVIEW_CHARS = 2000
# Message columns no list or inline needs; the change page loads them on demand.
MESSAGE_HEAVY_FIELDS = ("raw", "raw_payload", "body_html", "original_body", "references")


def excerpt(text: str, chars: int = EXCERPT_CHARS) -> str:
    return Truncator(" ".join(text.split())).chars(chars)


def _sender(message: Message) -> str:
    """Who wrote a message: the agent, else the name and address it came from."""
    if message.author_id:
        return str(message.author)
    if message.sender_name and message.sender_address:
        return f"{message.sender_name} <{message.sender_address}>"
    return message.sender_name or message.sender_address or "—"


# --- Teams, agents, SLA ---------------------------------------------------------------------


class MessageInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Message
    fields = ("created_at", "direction", "kind", "sender", "subject", "excerpt")
    readonly_fields = fields
    ordering = ("created_at", "id")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        return super().get_queryset(request).select_related("author").defer(*MESSAGE_HEAVY_FIELDS)

    @admin.display(description=_("from"))
    def sender(self, obj: Message) -> str:
        return _sender(obj)

    @admin.display(description=_("text"))
    def excerpt(self, obj: Message) -> str:
        return excerpt(obj.body_display or obj.body_text)


class TicketEventInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = TicketEvent
    fields = ("created_at", "kind", "actor", "details")
    readonly_fields = fields
    ordering = ("created_at", "id")
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[TicketEvent]:
        return super().get_queryset(request).select_related("actor")

    @admin.display(description=_("details"))
    def details(self, obj: TicketEvent) -> str:
        return ", ".join(f"{key}: {value}" for key, value in sorted(obj.data.items())) or "—"


@admin.register(Ticket)
class TicketAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "reference",
        "subject",
        "store",
        "customer",
        "status",
        "priority",
        "channel",
        "team",
        "assignee",
        "sla_due_at",
        "sla_breached",
        "created_at",
    )
    list_display_links = ("reference", "subject")
    list_select_related = ("store", "customer", "team", "assignee")
    list_filter = (
        "status",
        "priority",
        "channel",
        "sla_breached",
        "angry",
        "auto_answered",
        "intent",
        "sentiment",
        "team",
        "store",
        ("assignee", admin.EmptyFieldListFilter),
    )
    # The search box runs tickets.selectors.ticket_search (full text on PostgreSQL).
    search_fields = ("reference", "subject")
    search_help_text = _("Reference, subject or any word in the conversation.")
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ("customer", "order", "shipment", "assignee", "merged_into")
    fieldsets = (
        (None, {"fields": ("reference", "subject", "store", "customer", "channel", "external_thread_id")}),
        (
            _("Handling"),
            {"fields": ("status", "priority", "priority_score", "priority_reasons", "team", "assignee")},
        ),
        (
            _("Triage"),
            {
                "fields": (
                    "language",
                    "intent",
                    "intent_confidence",
                    "sentiment",
                    "angry",
                    "claim_risk",
                    "claim_risk_reasons",
                    "tags",
                )
            },
        ),
        (_("Linked"), {"fields": ("order", "shipment", "merged_into")}),
        (
            _("SLA"),
            {
                "fields": (
                    "sla_policy",
                    "first_response_due_at",
                    "next_response_due_at",
                    "resolution_due_at",
                    "sla_due_at",
                    "sla_breached",
                )
            },
        ),
        (
            _("Timeline"),
            {
                "fields": (
                    "created_at",
                    "first_responded_at",
                    "last_customer_message_at",
                    "last_agent_message_at",
                    "solved_at",
                    "closed_at",
                    "reopened_count",
                    "auto_answered",
                    "updated_at",
                    "version",
                )
            },
        ),
    )
    inlines = (MessageInline, TicketEventInline)
    actions = ("assign_to_me", "unassign", "mark_solved", "close")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Ticket]:
        return scope_to_user(super().get_queryset(request), request.user)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Ticket], search_term: str
    ) -> tuple[QuerySet[Ticket], bool]:
        return ticket_search(queryset=queryset, query=search_term), False

    def has_assign_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("tickets.assign_ticket")

    def has_set_status_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("tickets.change_ticket")

    @admin.action(permissions=["assign"], description=_("Assign to me"))
    def assign_to_me(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda ticket: ticket_assign(ticket=ticket, assignee=request.user, actor=request.user),
            done_message=_("Tickets assigned to you: %(count)d."),
        )

    @admin.action(permissions=["assign"], description=_("Unassign"))
    def unassign(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda ticket: ticket_assign(ticket=ticket, assignee=None, actor=request.user),
            done_message=_("Tickets unassigned: %(count)d."),
        )

    @admin.action(permissions=["set_status"], description=_("Mark solved"))
    def mark_solved(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda ticket: ticket_set_status(
                ticket=ticket, status=Ticket.Status.SOLVED, actor=request.user
            ),
            done_message=_("Tickets marked solved: %(count)d."),
        )

    @admin.action(permissions=["set_status"], description=_("Close"))
    def close(self, request: HttpRequest, queryset: QuerySet[Ticket]) -> None:
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda ticket: ticket_set_status(
                ticket=ticket, status=Ticket.Status.CLOSED, actor=request.user
            ),
            done_message=_("Tickets closed: %(count)d."),
        )


def attachment_download(obj: Attachment) -> str:
    """A link through the attachment view (it checks the store), never to the raw media URL."""
    if not obj.pk:
        return "—"
    return format_html('<a href="{}">{}</a>', reverse("ticket_attachment", args=[obj.pk]), obj.filename)


class AttachmentInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Attachment
    fields = ("download", "content_type", "size", "is_inline")
    readonly_fields = fields

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        return attachment_download(obj)


@admin.register(Message)
class MessageAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = (
        "created_at",
        "ticket",
        "store",
        "channel",
        "direction",
        "kind",
        "sender",
        "subject",
        "language",
        "intent",
        "triage_status",
        "delivery_status",
    )
    list_select_related = ("ticket", "store", "author")
    list_filter = (
        "direction",
        "kind",
        "channel",
        "triage_status",
        "delivery_status",
        "sentiment",
        "angry",
        "is_auto_submitted",
        ("parse_error", admin.EmptyFieldListFilter),
        "store",
    )
    search_fields = ("=external_id", "sender_address", "subject", "=ticket__reference")
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ("ticket", "author", "translation")
    actions = ("read_again",)

    @admin.action(description=_("Read unprocessable messages again"), permissions=["view"])
    def read_again(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda message: message_read_again(message=message),
            done_message=_("Messages read again: %(count)d."),
        )

    fieldsets = (
        (None, {"fields": ("ticket", "store", "channel", "external_id", "direction", "kind", "created_at")}),
        (
            _("Sender and recipients"),
            {"fields": ("author", "sender_name", "sender_address", "recipients", "is_auto_submitted")},
        ),
        (
            _("Content"),
            {
                "fields": (
                    "subject",
                    "body_display",
                    "body_text",
                    "original_body",
                    "original_language",
                    "translation",
                )
            },
        ),
        (
            _("Triage"),
            {
                "fields": (
                    "triage_status",
                    "language",
                    "language_confidence",
                    "intent",
                    "intent_confidence",
                    "sentiment",
                    "sentiment_confidence",
                    "angry",
                    "entities",
                    "model_version",
                )
            },
        ),
        (_("Delivery"), {"fields": ("delivery_status", "delivery_error", "sent_at")}),
        (
            _("Raw"),
            {
                "classes": ("collapse",),
                "fields": ("in_reply_to", "references", "parse_error", "raw_preview", "raw_payload_pretty"),
            },
        ),
    )
    readonly_fields = ("sender", "raw_preview", "raw_payload_pretty")
    inlines = (AttachmentInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Message]:
        messages = super().get_queryset(request).defer(*MESSAGE_HEAVY_FIELDS)
        return scope_to_user(messages, request.user, store_field="store")

    @admin.display(description=_("from"))
    def sender(self, obj: Message) -> str:
        return _sender(obj)

    @admin.display(description=_("raw original"))
    def raw_preview(self, obj: Message) -> str:
        if obj.raw is None:
            return "—"
        data = bytes(obj.raw)
        # At most 4 bytes per character in UTF-8: decode only what the preview can show.
        text = data[: RAW_PREVIEW_CHARS * 4].decode("utf-8", errors="replace")[:RAW_PREVIEW_CHARS]
        return format_html(
            '<p>{}</p><pre style="white-space: pre-wrap; max-height: 40em; overflow: auto;">{}</pre>',
            _("%(size)s (%(bytes)d bytes); the first %(chars)d characters:")
            % {"size": filesizeformat(len(data)), "bytes": len(data), "chars": RAW_PREVIEW_CHARS},
            text,
        )

    @admin.display(description=_("raw platform payload"))
    def raw_payload_pretty(self, obj: Message) -> str:
        return json_block(obj.raw_payload)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("filename", "message", "content_type", "size", "is_inline")
    fields = ("message", "download", "content_type", "size", "sha256", "content_id", "is_inline")
    readonly_fields = ("download",)
    list_select_related = ("message",)
    list_filter = ("is_inline",)
    search_fields = ("filename", "=sha256")
    show_full_result_count = False
    raw_id_fields = ("message",)

    @admin.display(description=_("file"))
    def download(self, obj: Attachment) -> str:
        return attachment_download(obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Attachment]:
        attachments = (
            super()
            .get_queryset(request)
            .select_related("message")
            .defer(*(f"message__{name}" for name in MESSAGE_HEAVY_FIELDS))
        )
        return scope_to_user(attachments, request.user, store_field="message__store")


@admin.register(TicketEvent)
class TicketEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "ticket", "kind", "actor")
    list_select_related = ("ticket", "actor")
    list_filter = ("kind",)
    search_fields = ("=ticket__reference",)
    date_hierarchy = "created_at"
    show_full_result_count = False
    raw_id_fields = ("ticket", "actor")
    readonly_fields = ("data_pretty",)
    fields = ("ticket", "kind", "actor", "created_at", "data_pretty")

    def get_queryset(self, request: HttpRequest) -> QuerySet[TicketEvent]:
        return scope_to_user(super().get_queryset(request), request.user, store_field="ticket__store")

    @admin.display(description=_("details"))
    def data_pretty(self, obj: TicketEvent) -> str:
        return json_block(obj.data)


@admin.register(Translation)
class TranslationAdmin(admin.ModelAdmin):
    list_display = ("created_at", "source_language", "target_language", "pivot_language", "excerpt", "engine")
    search_fields = ("=source_hash", "engine")
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = ("source_hash", "source_language", "target_language", "pivot_language", "created_at")

    @admin.display(description=_("translation"))
    def excerpt(self, obj: Translation) -> str:
        return excerpt(obj.translated_text)


# --- Templates and surveys ------------------------------------------------------------------

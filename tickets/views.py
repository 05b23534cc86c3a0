"""The agent inbox and the ticket page: parse input, call selectors, render."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from customers.selectors import customer_360, order_lines, tag_list
from helpdesk.exceptions import ApplicationError
from logistics.selectors import delivery_scan_for, shipment_list_for_customer, shipment_list_for_order
from returns.selectors import compensation_panel, return_list_for_order
from tickets.display import reason_lines
from tickets.models import Channel, Intent, Priority, Sentiment, Ticket
from tickets.selectors import (
    INBOX_SORTS,
    InboxFilters,
    inbox_options,
    macros_for,
    mailbox_for_inbound_token,
    reply_templates_for,
    reply_templates_suggested,
    ticket_assignee_choices,
    ticket_conversation,
    ticket_get_for_agent,
    ticket_inbox_page,
    ticket_merge_candidates,
    ticket_routing_rule_name,
)
from tickets.services import ALLOWED_STATUS_CHANGES, email_ingest, message_reply
from tickets.services.claim_risk import REASON_LABELS as CLAIM_REASON_LABELS
from tickets.services.priority import REASON_LABELS as PRIORITY_REASON_LABELS
from tickets.services.translation import message_reply_translated, reply_draft_translate, reply_languages

PAGE_SIZE = 50

# The inbox views supported by ``tickets.selectors.ticket_inbox``, in tab order.
INBOX_VIEWS = [
    ("all", _("All")),
    ("open", _("All open")),
    ("mine", _("Mine")),
    ("unassigned", _("Unassigned")),
    ("my_team", _("My team")),
    ("overdue", _("Overdue")),
    ("waiting", _("Waiting on customer")),
]
DEFAULT_VIEW = "open"


# The sorts offered by ``tickets.selectors.INBOX_SORTS``, first the default.
SORT_LABELS = [("priority", _("Priority")), ("due", _("SLA due time"))]


@dataclass(frozen=True)
class InboxParams:
    """What an inbox URL asks for; anything unreadable falls back to the default."""

    view: str
    query: str
    filters: InboxFilters
    sort: str

    @classmethod
    def of(cls, request: HttpRequest) -> InboxParams:
        view = request.GET.get("view", DEFAULT_VIEW)
        sort = request.GET.get("sort", INBOX_SORTS[0])
        return cls(
            view=view if view in dict(INBOX_VIEWS) else DEFAULT_VIEW,
            query=request.GET.get("q", "").strip()[:200],
            filters=InboxFilters.from_params(request.GET),
            sort=sort if sort in INBOX_SORTS else INBOX_SORTS[0],
        )


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    params = InboxParams.of(request)
    page = ticket_inbox_page(
        user=request.user,
        view=params.view,
        query=params.query,
        filters=params.filters,
        sort=params.sort,
        after=request.GET.get("after", ""),
        size=PAGE_SIZE,
    )
    return render(
        request,
        "tickets/inbox.html",
        {
            "page": page,
            "tickets": page.tickets,
            "views": INBOX_VIEWS,
            "view": params.view,
            "query": params.query,
            "filters": params.filters,
            "sort": params.sort,
            "sorts": SORT_LABELS,
            "options": inbox_options(user=request.user),
            "choices": INBOX_CHOICES,
        },
    )


# The fixed lists of the filter bar (stores, tags and languages come from ``inbox_options``).
INBOX_CHOICES = {
    "status": Ticket.Status.choices,
    "priority": Priority.choices,
    "channel": Channel.choices,
    "intent": Intent.choices,
    "sentiment": Sentiment.choices,
}


@login_required
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    try:
        ticket = ticket_get_for_agent(user=request.user, ticket_id=ticket_id)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    order = ticket.order
    shipments = list(shipment_list_for_order(user=request.user, order_id=order.pk)) if order else []
    if ticket.shipment is not None and ticket.shipment not in shipments:
        shipments.insert(0, ticket.shipment)
    user = request.user
    customer = customer_360(user=user, customer=ticket.customer)
    next_statuses = ALLOWED_STATUS_CHANGES[ticket.status]
    context = {
        "ticket": ticket,
        "conversation": ticket_conversation(ticket=ticket),
        "order": order,
        "order_lines": order_lines(order=order) if order else [],
        "shipments": shipments,
        "returns": return_list_for_order(user=user, order_id=order.pk) if order else [],
        "tags": ticket.tags.all(),
        "reply_templates": reply_templates_for(
            ticket=ticket, agent_name=user.get_short_name() or user.get_username()
        ),
        "suggested_templates": reply_templates_suggested(
            ticket=ticket, agent_name=user.get_short_name() or user.get_username()
        ),
        # The customer panel: everything about this customer in the stores the agent may see.
        "customer": customer,
        "past_tickets": [other for other in customer.tickets if other.pk != ticket.pk],
        "customer_parcels": shipment_list_for_customer(user=user, customer_id=ticket.customer_id),
        # The controls: status, assignee, tags, macros, merge.
        "status_choices": [
            (value, label) for value, label in Ticket.Status.choices if value in next_statuses
        ],
        "assignee_choices": (
            ticket_assignee_choices(ticket=ticket) if user.has_perm("tickets.assign_ticket") else []
        ),
        # What "e" (solve / close) moves the ticket to, if anything.
        "solve_to": next((s for s in (Ticket.Status.SOLVED, Ticket.Status.CLOSED) if s in next_statuses), ""),
        "all_tags": tag_list(),
        "macros": macros_for(ticket=ticket),
        "merge_candidates": (
            ticket_merge_candidates(user=user, ticket=ticket) if user.has_perm("tickets.merge_ticket") else []
        ),
        # The triage card: why this priority, claim risk, and the one-click intent correction.
        "priority_reason_lines": reason_lines(ticket.priority_reasons, PRIORITY_REASON_LABELS),
        "claim_reason_lines": reason_lines(ticket.claim_risk_reasons, CLAIM_REASON_LABELS),
        "intent_choices": Intent.choices,
        # "Delivered but not received": where and when the carrier says it delivered.
        "delivery_scan": (
            delivery_scan_for(
                ticket.shipment or next((s for s in shipments if s.direction == "outbound"), None)
            )
            if ticket.intent == Intent.NOT_RECEIVED
            else None
        ),
        # The compensation card: the suggested tier and why, the offers made, the "Offer" button.
        "compensation": compensation_panel(user=user, ticket=ticket),
        # "Team: Priority care, by rule “VIP customers”": why the ticket went where it is.
        "routed_by_rule": ticket_routing_rule_name(ticket=ticket),
    }
    # The composer: a reply held back (or translated without scripts) comes back in it.
    draft = request.session.pop(f"draft:{ticket.pk}", None) or {}
    context["draft"], context["draft_internal"] = draft.get("body", ""), draft.get("internal", False)
    context["draft_original"] = draft.get("original", "")
    context["reply_languages"] = reply_languages(ticket=ticket, user=user)
    return render(request, "tickets/detail.html", context)


@login_required
@require_POST
def ticket_reply(request: HttpRequest, ticket_id: int) -> HttpResponse:
    try:
        ticket = ticket_get_for_agent(user=request.user, ticket_id=ticket_id)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    body = request.POST.get("body", "")
    internal = request.POST.get("internal") == "1"
    # The agent's own text when ``body`` is its (edited) translation into the customer's language.
    original = "" if internal else request.POST.get("original", "").strip()
    try:
        seen_version = int(request.POST.get("seen_version", ""))
    except ValueError:
        seen_version = None
    status_after = request.POST.get("status_after", "")
    try:
        if original:
            message_reply_translated(
                ticket=ticket,
                author=request.user,
                draft=original,
                body=body,
                seen_version=seen_version,
                status_after=status_after,
            )
        else:
            message_reply(
                ticket=ticket,
                author=request.user,
                body=body,
                internal=internal,
                seen_version=seen_version,
                status_after=status_after,
            )
    except ApplicationError as error:
        # Held, not lost: the draft comes back in the composer with the reason.
        request.session[f"draft:{ticket.pk}"] = {"body": body, "internal": internal, "original": original}
        messages.warning(request, error.message)
    else:
        messages.success(request, _("Note added.") if internal else _("Reply queued for sending."))
    return redirect("tickets:detail", ticket_id=ticket.pk)


@login_required
@require_POST
def ticket_reply_translate(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The composer's "Translate to <customer language>": the agent's text (``original`` once
    translated, else ``body``) in the customer's language, to edit before sending. Answers JSON
    to the page's script (``Accept: application/json``); without scripts, the composer comes
    back with the translation in it."""
    try:
        ticket = ticket_get_for_agent(user=request.user, ticket_id=ticket_id)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    draft = (request.POST.get("original", "").strip() or request.POST.get("body", "")).strip()
    result = reply_draft_translate(ticket=ticket, draft=draft, author=request.user)
    notice = result.notice if draft else str(_("Write your reply first, then translate it."))
    if request.headers.get("Accept", "").startswith("application/json"):
        return JsonResponse(
            {
                "ok": result.ok,
                "text": result.text if result.ok else "",
                "original": draft,
                "source": result.source,
                "target": result.target,
                "pivot": result.pivot,
                "notice": notice,
            }
        )
    held = {"body": result.text, "original": draft} if result.ok else {"body": draft}
    request.session[f"draft:{ticket.pk}"] = {**held, "internal": False}
    if notice:
        messages.warning(request, notice)
    return redirect("tickets:detail", ticket_id=ticket.pk)


# Inbound-mail providers post the raw message in one of these form fields.
RAW_MIME_FIELDS = ("email", "body-mime", "message", "mime")
MAX_RAW_EMAIL_BYTES = 50 * 1024 * 1024


@csrf_exempt
@require_POST
def inbound_email(request: HttpRequest, token: str) -> JsonResponse:
    """Raw-MIME webhook: the request body (or a form field) is one e-mail as received."""
    mailbox = mailbox_for_inbound_token(token=token)
    if mailbox is None:
        return JsonResponse({"error": "Unknown or inactive mailbox token."}, status=404)
    try:
        raw = _raw_email(request)
    except ValueError as error:
        return JsonResponse({"error": str(error)}, status=400)
    except RequestDataTooBig:
        return JsonResponse({"error": "The message is too large."}, status=413)
    if len(raw) > MAX_RAW_EMAIL_BYTES:
        return JsonResponse({"error": f"The message is larger than {MAX_RAW_EMAIL_BYTES} bytes."}, status=413)
    result = email_ingest(raw=raw, mailbox=mailbox)
    body = {
        "status": "unprocessable" if result.unprocessable else "duplicate" if result.duplicate else "stored",
        "message": result.message.pk,
        "ticket": result.ticket.reference if result.ticket else None,
    }
    if result.unprocessable:
        body["reason"] = result.message.parse_error
    # Stored (even when unreadable: kept for a manager) means the sender must not retry.
    return JsonResponse(body, status=200 if result.duplicate else 202)


def _raw_email(request: HttpRequest) -> bytes:
    content_type = request.content_type or ""
    if content_type.startswith("multipart/form-data") or content_type == "application/x-www-form-urlencoded":
        for name in RAW_MIME_FIELDS:
            if name in request.FILES:
                return request.FILES[name].read()
            if request.POST.get(name):
                return request.POST[name].encode("utf-8", "surrogateescape")
        raise ValueError(
            f"No raw message in the form: expected one of the fields {', '.join(RAW_MIME_FIELDS)}."
        )
    raw = request.body
    if not raw.strip():
        raise ValueError("The request body is empty: post the raw message (message/rfc822).")
    return raw

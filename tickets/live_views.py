"""What the live inbox and ticket page fetch after a websocket event: rendered rows and messages.

Events carry ids only; the page asks here for the HTML, rendered by the same partials the pages
use (``_inbox_row.html``, ``_message.html``) and through the same scoped selectors, so an agent
never receives a row they may not see. Every answer is JSON with a ``position`` (see
``helpdesk.broadcast.position_of``) the page resumes from after a dropped connection.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from helpdesk.broadcast import RESYNC_OVERLAP, position_of, position_to_datetime
from tickets.models import Ticket
from tickets.selectors import (
    LIVE_ROWS_MAX,
    ticket_changed_since,
    ticket_conversation_since,
    ticket_get_for_agent,
    ticket_inbox,
    ticket_inbox_rows,
)
from tickets.views import InboxParams

View = Callable[..., JsonResponse]


def json_login_required(view: View) -> View:
    """Like ``login_required``, but a script gets a 401 it can act on instead of the login page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"error": "Sign in again."}, status=401)
        return view(request, *args, **kwargs)

    return wrapper


class BadParameter(ValueError):
    pass


def _ids(request: HttpRequest, name: str) -> list[int]:
    raw = request.GET.get(name, "").strip()
    if not raw:
        return []
    parts = raw.split(",")
    if len(parts) > LIVE_ROWS_MAX:
        raise BadParameter(f"At most {LIVE_ROWS_MAX} ids in {name!r}.")
    if not all(part.strip().isascii() and part.strip().isdigit() for part in parts):
        raise BadParameter(f"{name!r} must be comma-separated ids.")
    return [int(part) for part in parts]


def _number(request: HttpRequest, name: str, *, required: bool) -> int:
    raw = request.GET.get(name, "").strip()
    if not raw and not required:
        return 0
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 20:
        raise BadParameter(f"{name!r} must be a non-negative whole number.")
    return int(raw)


def inbox_queryset(request: HttpRequest) -> QuerySet[Ticket]:
    """The inbox the page shows, read from its own query parameters the way ``views.inbox``
    reads them (view, search, filters, sort): live rows belong where the page would put them."""
    params = InboxParams.of(request)
    return ticket_inbox(
        user=request.user, view=params.view, query=params.query, filters=params.filters, sort=params.sort
    )


def _rows_answer(request: HttpRequest, ticket_ids: list[int], **extra: Any) -> JsonResponse:
    rows = ticket_inbox_rows(inbox=inbox_queryset(request), ticket_ids=ticket_ids)
    return JsonResponse(
        {
            "rows": [
                {
                    "id": ticket.pk,
                    "version": ticket.version,
                    "position": position_of(ticket.updated_at),
                    "html": render_to_string("tickets/_inbox_row.html", {"ticket": ticket}, request=request),
                }
                for ticket in rows.tickets
            ],
            "remove": rows.removed,
            **extra,
        }
    )


@require_GET
@json_login_required
def inbox_rows(request: HttpRequest) -> JsonResponse:
    """``?ids=1,2,3`` plus the page's own parameters: those rows as the page would show them;
    the ones that are not (or no longer) in the view come back under ``remove``."""
    now = position_of(timezone.now())
    try:
        ticket_ids = _ids(request, "ids")
    except BadParameter as error:
        return JsonResponse({"error": str(error)}, status=400)
    return _rows_answer(request, ticket_ids, position=now)


@require_GET
@json_login_required
def inbox_changes(request: HttpRequest) -> JsonResponse:
    """``?since=<position>`` plus the page's parameters: every row that changed since then,
    for a page whose connection dropped; ``reload`` when too much changed to patch in place."""
    now = position_of(timezone.now())
    try:
        since = position_to_datetime(_number(request, "since", required=True)) - RESYNC_OVERLAP
    except (BadParameter, OverflowError, OSError, ValueError) as error:
        return JsonResponse({"error": str(error) or "'since' is out of range."}, status=400)
    changed = ticket_changed_since(user=request.user, since=since)
    if changed is None:
        return JsonResponse({"rows": [], "remove": [], "reload": True, "position": now})
    return _rows_answer(request, changed, reload=False, position=now)


@require_GET
@json_login_required
def ticket_live(request: HttpRequest, ticket_id: int) -> JsonResponse:
    """``?after=<message id>&refresh=<ids>``: the ticket's newer messages (and those whose
    delivery status moved) rendered as on the page, with the ticket's current version."""
    try:
        ticket = ticket_get_for_agent(user=request.user, ticket_id=ticket_id)
    except Ticket.DoesNotExist:
        return JsonResponse({"error": "No such ticket."}, status=404)
    try:
        after = _number(request, "after", required=False)
        refresh = _ids(request, "refresh")
    except BadParameter as error:
        return JsonResponse({"error": str(error)}, status=400)
    messages = ticket_conversation_since(ticket=ticket, after_id=after, refresh_ids=refresh)
    return JsonResponse(
        {
            "ticket": ticket.pk,
            "version": ticket.version,
            "status": ticket.status,
            "position": position_of(ticket.updated_at),
            "sla_due": ticket.sla_due_at.isoformat() if ticket.sla_due_at else None,
            "sla_breached": ticket.sla_breached,
            "messages": [
                {
                    "id": message.pk,
                    "direction": message.direction,
                    "author": message.author_id,
                    "html": render_to_string(
                        "tickets/_message.html", {"message": message, "ticket": ticket}, request=request
                    ),
                }
                for message in messages
            ],
        }
    )

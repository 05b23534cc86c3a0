"""What agents do to tickets from the inbox (bulk) and the ticket page, and attachment downloads.

Every view has one shape: parse the form, call one service, turn an ``ApplicationError``
into a message, redirect back. Tickets are fetched through scoped selectors, so a ticket
of another team's store is a 404, the same as a missing one.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from customers.selectors import tag_get_by_slug
from helpdesk.exceptions import ApplicationError
from returns.selectors import compensation_offer_for_ticket
from returns.services.compensation import (
    compensation_offer_create,
    compensation_offer_message,
    compensation_offer_record_answer,
)
from tickets.models import Attachment, Macro, Message, Ticket
from tickets.selectors import (
    assignee_get,
    attachment_get_for_agent,
    macro_get_for_ticket,
    ticket_get_for_agent,
    ticket_message_get,
)
from tickets.services.assignment import agent_set_availability
from tickets.services.bulk import (
    MAX_BULK,
    BulkResult,
    ticket_change_status,
    ticket_reassign,
    ticket_tag,
    tickets_bulk_add_tag,
    tickets_bulk_assign,
    tickets_bulk_merge,
    tickets_bulk_set_status,
)
from tickets.services.intent import ticket_correct_intent
from tickets.services.macros import macro_apply
from tickets.services.merge import ticket_merge, ticket_split

# Shown inline (and only these): raster images a browser cannot run. Everything else,
# SVG and HTML included, is downloaded as an opaque file.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# The assignee value meaning "take the ticket away from whoever has it".
NOBODY = "nobody"


def _ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    try:
        return ticket_get_for_agent(user=request.user, ticket_id=ticket_id)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc


def _number(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 12 else None


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """Back where the form came from (the same inbox view, filters and page), if it is ours."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _display_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


# --- bulk actions from the inbox ---------------------------------------------------------------


def _report(request: HttpRequest, result: BulkResult, done: str) -> None:
    """One message: what was done, then each reason tickets were skipped for, with counts."""
    parts = [done] if result.done else []
    for reason, count in result.skipped_by_reason():
        parts.append(
            ngettext("%(count)d skipped: %(reason)s", "%(count)d skipped: %(reason)s", count)
            % {"count": count, "reason": reason}
        )
    text = "; ".join(parts) or _("Nothing to do.")
    if not result.skipped:
        messages.success(request, text)
    elif result.done:
        messages.warning(request, text)
    else:
        messages.error(request, text)


@login_required
@require_POST
def inbox_bulk(request: HttpRequest) -> HttpResponse:
    """One action on the rows ticked in the inbox: assign, set status, add a tag, merge."""
    inbox = reverse("tickets:inbox")
    raw_ids = request.POST.getlist("ticket")[: MAX_BULK + 1]
    ticket_ids = [number for number in map(_number, raw_ids) if number is not None]
    if not ticket_ids:
        messages.warning(request, _("Select one or more tickets first."))
        return _back(request, inbox)
    action = request.POST.get("action", "")
    user = request.user
    try:
        if action in ("assign_me", "assign"):
            assignee: User | None
            if action == "assign_me":
                assignee = user if isinstance(user, User) else None
            else:
                chosen = request.POST.get("assignee", "")
                assignee = None if chosen == NOBODY else assignee_get(user_id=_number(chosen) or 0)
                if chosen != NOBODY and assignee is None:
                    raise ApplicationError(_("Choose an agent to assign the tickets to."))
            result = tickets_bulk_assign(actor=user, ticket_ids=ticket_ids, assignee=assignee)
            count = len(result.done)
            if assignee is None:
                done = ngettext("%(count)d ticket unassigned", "%(count)d tickets unassigned", count)
            else:
                done = ngettext(
                    "%(count)d ticket assigned to %(name)s", "%(count)d tickets assigned to %(name)s", count
                )
            _report(
                request, result, done % {"count": count, "name": _display_name(assignee) if assignee else ""}
            )
        elif action == "status":
            status = request.POST.get("status", "")
            result = tickets_bulk_set_status(actor=user, ticket_ids=ticket_ids, status=status)
            count = len(result.done)
            label = Ticket.Status(status).label if status in Ticket.Status.values else status
            done = ngettext(
                "%(count)d ticket set to %(status)s", "%(count)d tickets set to %(status)s", count
            )
            _report(request, result, done % {"count": count, "status": label})
        elif action == "tag":
            tag = tag_get_by_slug(slug=request.POST.get("tag", ""))
            if tag is None:
                raise ApplicationError(_("Choose a tag to add."))
            result = tickets_bulk_add_tag(actor=user, ticket_ids=ticket_ids, tag=tag)
            count = len(result.done)
            done = ngettext("%(count)d ticket tagged %(tag)s", "%(count)d tickets tagged %(tag)s", count)
            _report(request, result, done % {"count": count, "tag": tag.name})
        elif action == "merge":
            target_id = _number(request.POST.get("merge_into"))
            result = tickets_bulk_merge(actor=user, ticket_ids=ticket_ids, target_id=target_id)
            count = len(result.done)
            reference = result.target.reference if result.target else ""
            done = ngettext(
                "%(count)d ticket merged into #%(reference)s",
                "%(count)d tickets merged into #%(reference)s",
                count,
            )
            _report(request, result, done % {"count": count, "reference": reference})
        else:
            raise ApplicationError(_("Unknown action."))
    except ApplicationError as error:
        messages.error(request, error.message)
    return _back(request, inbox)


# --- one ticket, from its page -----------------------------------------------------------------


@login_required
@require_POST
def ticket_status(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _ticket(request, ticket_id)
    status = request.POST.get("status", "")
    try:
        ticket = ticket_change_status(actor=request.user, ticket=ticket, status=status)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Status set to %(status)s.") % {"status": ticket.get_status_display()})
    return _back(request, reverse("tickets:detail", args=[ticket.pk]))


@login_required
@require_POST
def ticket_assign_view(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """``assignee``: "me", "nobody" or a user id."""
    ticket = _ticket(request, ticket_id)
    chosen = request.POST.get("assignee", "")
    user = request.user
    assignee: User | None
    if chosen == "me":
        assignee = user if isinstance(user, User) else None
    elif chosen == NOBODY:
        assignee = None
    else:
        assignee = assignee_get(user_id=_number(chosen) or 0)
        if assignee is None:
            messages.error(request, _("Choose an agent to assign the ticket to."))
            return redirect("tickets:detail", ticket_id=ticket.pk)
    try:
        ticket_reassign(actor=user, ticket=ticket, assignee=assignee)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if assignee is None:
            messages.success(request, _("Unassigned."))
        else:
            messages.success(request, _("Assigned to %(name)s.") % {"name": _display_name(assignee)})
    return _back(request, reverse("tickets:detail", args=[ticket.pk]))


@login_required
@require_POST
def ticket_add_tag_view(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _ticket(request, ticket_id)
    tag = tag_get_by_slug(slug=request.POST.get("tag", ""))
    if tag is None:
        messages.error(request, _("Choose a tag to add."))
        return redirect("tickets:detail", ticket_id=ticket.pk)
    try:
        added = ticket_tag(actor=request.user, ticket=ticket, tag=tag)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if added:
            messages.success(request, _("Tagged %(tag)s.") % {"tag": tag.name})
        else:
            messages.info(request, _("Already tagged %(tag)s.") % {"tag": tag.name})
    return redirect("tickets:detail", ticket_id=ticket.pk)


@login_required
@require_POST
def ticket_intent_view(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """One click: the agent's intent replaces the model's, and the team's models learn from it."""
    ticket = _ticket(request, ticket_id)
    try:
        ticket = ticket_correct_intent(
            ticket=ticket, intent=request.POST.get("intent", ""), actor=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Intent set to %(intent)s.") % {"intent": ticket.get_intent_display()})
    return redirect("tickets:detail", ticket_id=ticket.pk)


@login_required
@require_POST
def ticket_merge_view(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Merge this ticket into the one chosen in ``into`` (a ticket id)."""
    ticket = _ticket(request, ticket_id)
    target_id = _number(request.POST.get("into"))
    if target_id is None:
        messages.error(request, _("Choose the ticket to merge this one into."))
        return redirect("tickets:detail", ticket_id=ticket.pk)
    target = _ticket(request, target_id)
    try:
        target = ticket_merge(actor=request.user, source=ticket, target=target)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("tickets:detail", ticket_id=ticket.pk)
    messages.success(
        request,
        _("#%(source)s was merged into #%(target)s.")
        % {"source": ticket.reference, "target": target.reference},
    )
    return redirect("tickets:detail", ticket_id=target.pk)


@login_required
@require_POST
def ticket_split_view(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Move the message ``message`` (and, with ``following=1``, the later ones) to a new ticket."""
    ticket = _ticket(request, ticket_id)
    try:
        message = ticket_message_get(ticket=ticket, message_id=_number(request.POST.get("message")) or 0)
    except Message.DoesNotExist as exc:
        raise Http404 from exc
    try:
        new = ticket_split(
            actor=request.user,
            ticket=ticket,
            message=message,
            with_following=request.POST.get("following") == "1",
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("tickets:detail", ticket_id=ticket.pk)
    messages.success(
        request,
        _("Split into the new ticket #%(new)s (from #%(old)s).")
        % {"new": new.reference, "old": ticket.reference},
    )
    return redirect("tickets:detail", ticket_id=new.pk)


@login_required
@require_POST
def ticket_macro(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _ticket(request, ticket_id)
    try:
        macro = macro_get_for_ticket(ticket=ticket, macro_id=_number(request.POST.get("macro")) or 0)
    except Macro.DoesNotExist:
        messages.error(request, _("Choose a macro that applies to this ticket."))
        return redirect("tickets:detail", ticket_id=ticket.pk)
    try:
        reply = macro_apply(
            macro=macro,
            ticket=ticket,
            actor=request.user,
            seen_version=_number(request.POST.get("seen_version")),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if reply is not None:
            messages.success(
                request, _("Macro “%(macro)s” applied; reply queued for sending.") % {"macro": macro.name}
            )
        else:
            messages.success(request, _("Macro “%(macro)s” applied.") % {"macro": macro.name})
    return redirect("tickets:detail", ticket_id=ticket.pk)


# --- compensation ------------------------------------------------------------------------------


@login_required
@require_POST
def ticket_compensation_offer(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The "Offer" button: the suggested tier becomes an offer, and its message (with the choice
    link, for a late parcel) goes into the reply composer in the customer's language."""
    ticket = _ticket(request, ticket_id)
    if ticket.order is None:
        messages.error(request, _("Link the order before offering compensation."))
        return redirect("tickets:detail", ticket_id=ticket.pk)
    try:
        offer = compensation_offer_create(
            order=ticket.order,
            ticket=ticket,
            actor=request.user,
            expected_tier=_number(request.POST.get("expected_tier")),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("tickets:detail", ticket_id=ticket.pk)
    language = ticket.language or ticket.customer.language or ticket.store.default_language
    text = compensation_offer_message(offer=offer, language=language)
    held = request.session.get(f"draft:{ticket.pk}") or {}
    body = "\n\n".join(part for part in (held.get("body", "").strip(), text) if part)
    request.session[f"draft:{ticket.pk}"] = {"body": body, "internal": False}
    messages.success(
        request,
        _("%(tier)s offered; its message is in the reply box.") % {"tier": offer.get_tier_display()},
    )
    return redirect("tickets:detail", ticket_id=ticket.pk)


@login_required
@require_POST
def ticket_compensation_answer(request: HttpRequest, ticket_id: int, offer_id: int) -> HttpResponse:
    """The customer said yes or no in the conversation: ``answer`` is "accepted" or "declined"."""
    ticket = _ticket(request, ticket_id)
    offer = compensation_offer_for_ticket(ticket=ticket, offer_id=offer_id)
    if offer is None:
        raise Http404
    answer = request.POST.get("answer", "")
    if answer not in ("accepted", "declined"):
        messages.error(request, _("Say whether the customer accepted or declined."))
        return redirect("tickets:detail", ticket_id=ticket.pk)
    try:
        result = compensation_offer_record_answer(
            offer=offer, accepted=answer == "accepted", actor=request.user
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if result.recorded:
            messages.success(
                request, _("Recorded: %(status)s.") % {"status": result.offer.get_status_display()}
            )
        else:
            messages.info(
                request,
                _("The offer was already %(status)s.") % {"status": result.offer.get_status_display()},
            )
    return redirect("tickets:detail", ticket_id=ticket.pk)


# --- attachments -------------------------------------------------------------------------------


@login_required
@require_GET
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """An attachment, to whoever may see its message's store; otherwise 404 (as if missing).

    Raster images are shown inline (the ticket page's inline images point here); anything
    else is a download the browser must not render or sniff.
    """
    try:
        attachment = attachment_get_for_agent(user=request.user, attachment_id=attachment_id)
    except Attachment.DoesNotExist as exc:
        raise Http404 from exc
    try:
        handle = attachment.file.open("rb")
    except (OSError, ValueError) as exc:  # the file is gone from storage, or was never kept
        raise Http404 from exc
    content_type = attachment.content_type.strip().lower()
    inline = content_type in INLINE_IMAGE_TYPES
    response = FileResponse(
        handle,
        as_attachment=not inline,
        filename=attachment.filename or f"attachment-{attachment.pk}",
        content_type=content_type if inline else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_POST
def agent_availability(request: HttpRequest) -> HttpResponse:
    """Online, away or offline: only online agents are given new tickets."""
    try:
        profile = agent_set_availability(user=request.user, availability=request.POST.get("availability", ""))
    except ApplicationError as error:
        messages.warning(request, error.message)
    else:
        messages.success(
            request, _("You are now %(availability)s.") % {"availability": profile.get_availability_display()}
        )
    return _back(request, reverse("tickets:inbox"))

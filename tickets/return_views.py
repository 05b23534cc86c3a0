"""Open a return from a ticket in two clicks: the button on the ticket opens this form,
prefilled with the ticket's order lines; one submit creates the return.

Here in tickets, not in returns: tickets may call returns (DESIGN.md), not the other way.
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from customers.models import OrderLine
from helpdesk.exceptions import ApplicationError
from returns.models import ItemCondition, ReturnReason, ReturnRequest
from returns.portal.forms import ReturnItemsForm, line_prefix
from returns.services.eligibility import LineEligibility, order_facts, order_line_eligibility
from returns.services.requests import return_request_submit
from tickets.models import Ticket
from tickets.selectors import ticket_get_for_agent

OPEN_RETURN = "returns.add_returnrequest"


@login_required
@require_http_methods(["GET", "POST"])
def ticket_return_new(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """``/inbox/<id>/return/``: the ticket's order lines, ready to return; submit creates it."""
    try:
        ticket = ticket_get_for_agent(user=request.user, ticket_id=ticket_id)
    except Ticket.DoesNotExist as exc:
        raise Http404 from exc
    if not request.user.has_perm(OPEN_RETURN):
        messages.error(request, _("You may not open returns."))
        return redirect("tickets:detail", ticket_id=ticket.pk)
    order = ticket.order
    if order is None:
        messages.error(request, _("Link the ticket to an order first: a return is made of an order's items."))
        return redirect("tickets:detail", ticket_id=ticket.pk)
    # The rules' reasons read in the agent's language here; the customer's texts follow the return's.
    facts = order_facts(order=order)
    now = timezone.now()
    lines = [
        (line, order_line_eligibility(order_line=line, now=now, facts=facts)) for line in order.lines.all()
    ]
    status = 200
    if request.method == "POST":
        form = ReturnItemsForm(request.POST, request.FILES, lines=lines, photos_optional=True)
        if form.is_valid():
            key = form.cleaned_data["submission_key"]
            try:
                return_request = return_request_submit(
                    order=order,
                    lines=form.chosen,
                    resolution=form.cleaned_data["resolution"],
                    source=ReturnRequest.Source.AGENT,
                    submission_key=f"agent-{ticket.pk}-{key}"[:64],
                    actor=request.user,
                    ticket=ticket,
                    language=ticket.language or "",
                )
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Return %(rma)s opened: %(status)s.")
                    % {"rma": return_request.rma_number, "status": return_request.get_status_display()},
                )
                return redirect("returns:detail", return_id=return_request.pk)
        status = 400
    else:
        form = ReturnItemsForm(lines=lines, initial=_prefill(ticket, lines), photos_optional=True)
    return render(
        request, "tickets/return_new.html", {"ticket": ticket, "order": order, "form": form}, status=status
    )


def _prefill(ticket: Ticket, lines: list[tuple[OrderLine, LineEligibility]]) -> dict[str, object]:
    """Every line that may come back, whole, for the reason the ticket is about."""
    reason = ticket.intent if ticket.intent in ReturnReason.values else ReturnReason.NOT_AS_DESCRIBED
    initial: dict[str, object] = {"submission_key": uuid.uuid4().hex}
    for order_line, eligibility in lines:
        if not eligibility.eligible:
            continue
        prefix = line_prefix(order_line)
        initial[f"{prefix}-selected"] = True
        initial[f"{prefix}-quantity"] = eligibility.returnable_quantity
        initial[f"{prefix}-reason"] = reason
        initial[f"{prefix}-condition"] = (
            ItemCondition.DAMAGED if reason == ReturnReason.DAMAGED else ItemCondition.UNOPENED
        )
    return initial

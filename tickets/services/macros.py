"""Applying a macro: one click on the ticket page does a reply, tags, assignee, priority, status."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from helpdesk.exceptions import ApplicationError
from tickets.models import Macro, Message, Ticket
from tickets.selectors import reply_template_render
from tickets.services.permissions import check_actor, check_may_assign, check_sees
from tickets.services.replies import StaleTicket, message_reply
from tickets.services.status import ticket_add_tag, ticket_assign, ticket_set_priority, ticket_set_status


def macro_applies_to(macro: Macro, ticket: Ticket) -> bool:
    return (
        macro.is_active
        and macro.store_id in (None, ticket.store_id)
        and (macro.team_id is None or macro.team_id == ticket.team_id)
    )


@transaction.atomic
def macro_apply(
    *,
    macro: Macro,
    ticket: Ticket,
    actor: User | AnonymousUser | None,
    seen_version: int | None = None,
) -> Message | None:
    """Run every step of ``macro`` on ``ticket``, all or nothing; returns the reply, if any.

    The reply is the macro's template in the customer's language (else English) with its
    placeholders filled, and leaves after the commit like any reply. Then tags, assignee
    and priority, and the status last. If any step is refused (a closed ticket, a status
    the workflow does not allow, a page that is out of date), nothing is done or sent.
    """
    user = check_actor(actor)
    ticket = (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("customer", "order", "shipment")
        .get(pk=ticket.pk)
    )
    check_sees(user, ticket)
    if not macro_applies_to(macro, ticket):
        raise ApplicationError(
            _("The macro “%(macro)s” does not apply to this ticket.") % {"macro": macro.name}
        )
    if seen_version is not None and seen_version != ticket.version:
        raise StaleTicket(
            _(
                "Something new happened on this ticket since you opened it. Read it, then apply the macro again."
            ),
            extra={"version": ticket.version},
        )
    reply = None
    if macro.reply_template is not None:
        body = reply_template_render(
            template=macro.reply_template,
            ticket=ticket,
            agent_name=user.get_short_name() or user.get_username(),
        )
        if body is None:
            raise ApplicationError(
                _("The template “%(template)s” has no text in %(language)s or English.")
                % {"template": macro.reply_template.name, "language": ticket.language or "en"}
            )
        reply = message_reply(ticket=ticket, author=user, body=body)
    for tag in macro.add_tags.all():
        ticket_add_tag(ticket=ticket, tag=tag, actor=user)
    if macro.assign:
        ticket.refresh_from_db(fields=["assignee", "status"])
        assignee = user if macro.assign == Macro.Assign.ME else None
        check_may_assign(user, ticket, assignee, reach=None)
        ticket_assign(ticket=ticket, assignee=assignee, actor=user)
    if macro.set_priority is not None:
        ticket_set_priority(ticket=ticket, priority=macro.set_priority, actor=user)
    if macro.set_status:
        ticket_set_status(ticket=ticket, status=macro.set_status, actor=user)
    Macro.objects.filter(pk=macro.pk).update(usage_count=F("usage_count") + 1)
    return reply

"""SLA targets on tickets: which policy applies, when each answer is due, and catching breaches.

The clock arithmetic lives in `tickets.sla` (pure, no database); this module reads a
ticket's policy, team calendar and status history, and writes the due times.

What a ticket's SLA fields mean after `ticket_apply_sla`:

- `first_response_due_at`, `next_response_due_at`, `resolution_due_at` are the deadlines
  of the three targets. First response and resolution run from `created_at`; the first
  response target stops running once `first_responded_at` is set (its deadline is kept, for
  reports). The next-response target exists only while the customer has written after the
  last agent message.
- `sla_due_at` is the nearest deadline still running, and None while the ticket waits on the
  customer or is on hold (the clock is paused), and once it is solved or closed.
- Paused time (statuses PENDING and ON_HOLD, read from the ticket's STATUS events) moves the
  resolution deadline later by the business minutes spent paused, once the ticket comes back.
- `sla_breached` says the running target has been missed: the breach scan sets it, and
  re-applying the SLA clears it only when a new running target lies in the future (an answered
  ticket whose next deadline is still ahead can breach again, and is reported again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from helpdesk import broadcast
from tickets.models import Priority, SLAPolicy, Team, Ticket, TicketEvent
from tickets.sla import BusinessCalendar, add_business_minutes, business_minutes_between

logger = logging.getLogger(__name__)

# The clock runs only while the ticket is waiting on the team.
RUNNING_STATUSES = (Ticket.Status.NEW, Ticket.Status.OPEN)
PAUSED_STATUSES = (Ticket.Status.PENDING, Ticket.Status.ON_HOLD)

FIRST_RESPONSE = "first_response"
NEXT_RESPONSE = "next_response"
RESOLUTION = "resolution"
TARGET_LABELS: dict[str, Promise] = {
    FIRST_RESPONSE: pgettext_lazy("SLA target", "first response"),
    NEXT_RESPONSE: pgettext_lazy("SLA target", "next response"),
    RESOLUTION: pgettext_lazy("SLA target", "resolution"),
}

SLA_FIELDS = [
    "sla_policy",
    "first_response_due_at",
    "next_response_due_at",
    "resolution_due_at",
    "sla_due_at",
    "sla_breached",
]


def sla_policy_for(*, ticket: Ticket) -> SLAPolicy | None:
    """The most specific active policy matching the ticket's store, channel and priority.

    A policy field that is set must equal the ticket's; a blank one matches anything. The
    policy with the most set (and so matched) fields wins; among equally specific ones, the
    oldest (lowest id).
    """
    one = Value(1)
    zero = Value(0)
    return (
        SLAPolicy.objects.filter(is_active=True)
        .filter(Q(store__isnull=True) | Q(store_id=ticket.store_id))
        .filter(Q(channel="") | Q(channel=ticket.channel))
        .filter(Q(priority__isnull=True) | Q(priority=ticket.priority))
        .annotate(
            specificity=Case(When(store__isnull=False, then=one), default=zero, output_field=IntegerField())
            + Case(When(~Q(channel=""), then=one), default=zero, output_field=IntegerField())
            + Case(When(priority__isnull=False, then=one), default=zero, output_field=IntegerField())
        )
        .order_by("-specificity", "id")
        .first()
    )


@dataclass(frozen=True)
class _Deadlines:
    first_response: datetime
    next_response: datetime | None
    resolution: datetime


@transaction.atomic
def ticket_apply_sla(*, ticket: Ticket, now: datetime | None = None) -> Ticket:
    """(Re)compute the ticket's SLA policy and due times; call it after anything that moves them.

    That is: creation, a customer or agent message, a status change, a change of team,
    store, channel or priority. Never changes the status. Returns the saved ticket.
    """
    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("team").get(pk=ticket.pk)
    policy = sla_policy_for(ticket=ticket)
    ticket.sla_policy = policy
    if policy is None:
        ticket.first_response_due_at = ticket.next_response_due_at = ticket.resolution_due_at = None
        ticket.sla_due_at = None
        ticket.save(update_fields=SLA_FIELDS)
        return ticket

    deadlines = _deadlines(ticket=ticket, policy=policy)
    ticket.first_response_due_at = deadlines.first_response
    ticket.next_response_due_at = deadlines.next_response
    ticket.resolution_due_at = deadlines.resolution
    ticket.sla_due_at = _nearest_deadline(ticket) if ticket.status in RUNNING_STATUSES else None
    if ticket.sla_due_at is not None and ticket.sla_due_at > now:
        # The running target lies ahead: whatever was missed before has been answered.
        ticket.sla_breached = False
    ticket.save(update_fields=SLA_FIELDS)
    return ticket


def sla_breach_scan(*, now: datetime | None = None) -> int:
    """Mark every running ticket whose nearest deadline has passed; returns how many were marked.

    Each ticket is claimed in its own transaction with a skip-locked row lock and re-checked
    under it, so concurrent scans never handle one ticket twice and one failure does not undo
    the others. A second run marks nothing new.
    """
    now = now or timezone.now()
    due = (
        Ticket.objects.filter(sla_breached=False, sla_due_at__lt=now, status__in=RUNNING_STATUSES)
        .order_by("sla_due_at")
        .values_list("pk", flat=True)
    )
    marked = 0
    for ticket_id in list(due):
        if _ticket_mark_breached(ticket_id=ticket_id, now=now):
            marked += 1
    return marked


@transaction.atomic
def _ticket_mark_breached(*, ticket_id: int, now: datetime) -> bool:
    ticket = (
        Ticket.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("team__lead")
        .filter(pk=ticket_id, sla_breached=False, sla_due_at__lt=now, status__in=RUNNING_STATUSES)
        .first()
    )
    if ticket is None:  # another worker holds it, or it changed since the scan read it
        return False
    due_at = ticket.sla_due_at
    assert due_at is not None  # filtered on sla_due_at__lt
    target = _target_due_at(ticket, due_at)
    previous_priority = ticket.priority
    ticket.priority = min(ticket.priority + 1, Priority.URGENT)
    ticket.sla_breached = True
    ticket.updated_at = now  # moves the ticket's live position: inboxes resync it
    ticket.save(update_fields=["sla_breached", "priority", "updated_at"])
    TicketEvent.objects.create(
        ticket=ticket,
        kind=TicketEvent.Kind.SLA_BREACHED,
        actor=None,
        data={
            "target": target,
            "due_at": due_at.isoformat(),
            "policy": ticket.sla_policy_id,
            "priority": {"from": previous_priority, "to": ticket.priority},
        },
        created_at=now,
    )
    broadcast.ticket_changed(ticket_id=ticket.pk, team_id=ticket.team_id, change="sla_breached")
    _notify_lead_on_commit(ticket=ticket, target=target, due_at=due_at)
    return True


# Computing deadlines -------------------------------------------------------------------------------


def _season_sla_factor(*, ticket: Ticket) -> float:
    """Holiday mode: a live seasonal rule set's ``sla_factor`` stretches every target (1.5 =
    half as long again); with several live, the most generous one applies."""
    from customers.models import Store
    from helpdesk.seasons import season_overrides_live

    marketplace = Store.objects.filter(pk=ticket.store_id).values_list("marketplace", flat=True).first() or ""
    factors = [
        float(factor)
        for overrides in season_overrides_live(store_id=ticket.store_id, marketplace=marketplace)
        if isinstance(factor := overrides.get("sla_factor"), int | float) and factor > 0
    ]
    return max(factors, default=1.0)


def _deadlines(*, ticket: Ticket, policy: SLAPolicy) -> _Deadlines:
    calendar = _calendar(ticket=ticket, policy=policy)
    factor = _season_sla_factor(ticket=ticket)
    try:
        return _deadlines_on(ticket=ticket, policy=policy, calendar=calendar, factor=factor)
    except ValueError:
        if calendar == BusinessCalendar.around_the_clock():
            raise
        # A team calendar that is never open must not stop tickets from flowing in.
        logger.warning(
            "team %s business calendar is unusable; SLA of ticket %s runs around the clock",
            ticket.team_id,
            ticket.pk,
            exc_info=True,
        )
        return _deadlines_on(
            ticket=ticket, policy=policy, calendar=BusinessCalendar.around_the_clock(), factor=factor
        )


def _calendar(*, ticket: Ticket, policy: SLAPolicy) -> BusinessCalendar:
    team: Team | None = ticket.team
    if not policy.business_hours_only or team is None:
        return BusinessCalendar.around_the_clock()
    try:
        return BusinessCalendar.from_team(team)
    except ValueError:
        logger.warning(
            "team %s has invalid business hours; SLA of ticket %s runs around the clock",
            team.pk,
            ticket.pk,
            exc_info=True,
        )
        return BusinessCalendar.around_the_clock()


def _deadlines_on(
    *, ticket: Ticket, policy: SLAPolicy, calendar: BusinessCalendar, factor: float = 1.0
) -> _Deadlines:
    paused = sum(
        business_minutes_between(start=start, end=end, calendar=calendar)
        for start, end in _closed_pauses(ticket)
    )
    next_response = None
    customer_wrote, agent_wrote = ticket.last_customer_message_at, ticket.last_agent_message_at
    if customer_wrote is not None and agent_wrote is not None and customer_wrote > agent_wrote:
        next_response = add_business_minutes(
            start=customer_wrote, minutes=round(policy.next_response_minutes * factor), calendar=calendar
        )
    return _Deadlines(
        first_response=add_business_minutes(
            start=ticket.created_at, minutes=round(policy.first_response_minutes * factor), calendar=calendar
        ),
        next_response=next_response,
        resolution=add_business_minutes(
            start=ticket.created_at,
            minutes=round(policy.resolution_minutes * factor) + paused,
            calendar=calendar,
        ),
    )


def _closed_pauses(ticket: Ticket) -> list[tuple[datetime, datetime]]:
    """The spans the ticket spent waiting on the customer or on hold and then came back from.

    Read from its STATUS events ({"from": ..., "to": ...}). A pause still going on is not
    counted: while paused no target runs, and when the ticket comes back the event that ends
    the pause makes it count.
    """
    events: list[tuple[datetime, Any]] = list(
        TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.STATUS)
        .order_by("created_at", "id")
        .values_list("created_at", "data")
    )
    first_status = _event_status(events[0][1], "from") if events else ticket.status
    paused_since = ticket.created_at if first_status in PAUSED_STATUSES else None
    spans: list[tuple[datetime, datetime]] = []
    for at, data in events:
        paused = _event_status(data, "to") in PAUSED_STATUSES
        if paused and paused_since is None:
            paused_since = at
        elif not paused and paused_since is not None:
            spans.append((paused_since, at))
            paused_since = None
    return spans


def _event_status(data: Any, key: str) -> str:
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, str) else ""


def _running_targets(ticket: Ticket) -> list[tuple[str, datetime]]:
    """The targets still running, by name, with their deadlines (ties: in this order)."""
    running: list[tuple[str, datetime]] = []
    if ticket.first_responded_at is None and ticket.first_response_due_at is not None:
        running.append((FIRST_RESPONSE, ticket.first_response_due_at))
    if ticket.next_response_due_at is not None:
        running.append((NEXT_RESPONSE, ticket.next_response_due_at))
    if ticket.resolution_due_at is not None:
        running.append((RESOLUTION, ticket.resolution_due_at))
    return running


def _nearest_deadline(ticket: Ticket) -> datetime | None:
    return min((due_at for _, due_at in _running_targets(ticket)), default=None)


def _target_due_at(ticket: Ticket, due_at: datetime) -> str:
    """Which target `due_at` (the ticket's sla_due_at) is the deadline of."""
    running = _running_targets(ticket)
    for target, deadline in running:
        if deadline == due_at:
            return target
    # sla_due_at written by something other than ticket_apply_sla (imports, demo data).
    return min(running, key=lambda item: item[1])[0] if running else RESOLUTION


# Telling the team lead -----------------------------------------------------------------------------


def _notify_lead_on_commit(*, ticket: Ticket, target: str, due_at: datetime) -> None:
    team = ticket.team
    lead = team.lead if team is not None else None
    if team is None or lead is None or not lead.email:
        return
    local_due = due_at.astimezone(ZoneInfo(team.timezone)) if team.timezone else due_at
    url = settings.HELPDESK_PUBLIC_URL.rstrip("/") + reverse("tickets:detail", args=[ticket.pk])
    values = {
        "reference": ticket.reference,
        "subject": ticket.subject or _("(no subject)"),
        "target": str(TARGET_LABELS[target]),
        "due": f"{local_due:%Y-%m-%d %H:%M} ({team.timezone})",
        "priority": ticket.get_priority_display(),
        "team": team.name,
        "url": url,
    }
    subject = _("SLA breached: [#%(reference)s] %(subject)s") % values
    body = (
        _(
            "Ticket [#%(reference)s] “%(subject)s” of team %(team)s missed its %(target)s target, "
            "due %(due)s.\n\nIts priority is now %(priority)s.\n\nOpen it: %(url)s\n"
        )
        % values
    )
    recipient = lead.email

    def send() -> None:
        send_mail(subject, body, None, [recipient], fail_silently=False)

    # robust: a mail server failure is logged and does not stop the scan of other tickets.
    transaction.on_commit(send, robust=True)

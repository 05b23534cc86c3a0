"""Automatic assignment: a load-balanced round-robin over the available agents of a team.

Concurrency. Two things must hold with many workers at once: an agent never holds more
open tickets than their capacity, and a ticket is never given to two agents. Both follow
from the lock order every assignment takes, inside one transaction:

1. the ticket row (``SELECT ... FOR UPDATE``): a second worker on the same ticket waits,
   then sees the assignee and does nothing;
2. the candidate agents' ``AgentProfile`` rows, always in primary-key order (so two
   workers cannot deadlock), then their open tickets are counted *inside* the lock and
   the assignment is committed before the lock is released. Under READ COMMITTED each
   statement sees what the previous lock holder committed, so the count is exact.

The agent locks are waited for, not skipped (``skip_locked``): a worker that skipped
the agents another worker is assigning to would see "nobody available" and leave the
ticket in the queue while agents still have room. The wait lasts as long as one
assignment transaction (a few queries). On SQLite ``FOR UPDATE`` is a no-op and
the ``IMMEDIATE`` transactions of the settings serialise writers instead.

Nothing here is wrapped around several tickets: ``team_assign_waiting`` gives every
ticket its own short transaction, so locks are never held across a whole queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from fractions import Fraction

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.exceptions import ApplicationError
from tickets.models import OPEN_STATUSES, AgentProfile, Team, Ticket
from tickets.services.status import ticket_assign

# Only tickets nobody has started on are handed out; pending/on-hold ones wait on someone.
ASSIGNABLE_STATUSES = (Ticket.Status.NEW, Ticket.Status.OPEN)


@dataclass(frozen=True)
class _Outcome:
    agent: User | None
    assigned_now: bool = False
    nobody_free: bool = False  # the ticket qualified, but no agent could take it


def _primary_subtag(language: str) -> str:
    """``"pt-BR"`` → ``"pt"``: an agent who speaks Portuguese can answer a Brazilian buyer."""
    return language.strip().lower().replace("_", "-").split("-", 1)[0]


def _speaks(profile: AgentProfile, language: str) -> bool:
    if not language:
        return True
    wanted = _primary_subtag(language)
    return any(_primary_subtag(str(spoken)) == wanted for spoken in profile.languages or [])


def _online_members(team_id: int) -> Q:
    return Q(teams=team_id, availability=AgentProfile.Availability.ONLINE, user__is_active=True)


def _open_counts(user_ids: Iterable[int]) -> dict[int, int]:
    rows = (
        Ticket.objects.filter(assignee_id__in=list(user_ids), status__in=OPEN_STATUSES)
        .values("assignee_id")
        .annotate(n=Count("id"))
        .values_list("assignee_id", "n")
    )
    return dict(rows)


def _round_robin_key(profile: AgentProfile, open_count: int) -> tuple[Fraction, bool, datetime | None, int]:
    # Least loaded first; then whoever waited longest for a ticket (never assigned first); then id.
    return (
        Fraction(open_count, profile.capacity),
        profile.last_assigned_at is not None,
        profile.last_assigned_at,
        profile.pk,
    )


def _pick_agent(*, ticket: Ticket) -> AgentProfile | None:
    """Lock the candidates of ``ticket`` (caller holds the ticket lock) and choose one."""
    assert ticket.team_id is not None
    # A first, unlocked look narrows the lock to the agents who could take this ticket:
    # JSON "contains" is not portable (SQLite), and language tags are compared loosely.
    candidate_ids = [
        profile.pk
        for profile in AgentProfile.objects.filter(_online_members(ticket.team_id), capacity__gt=0).only(
            "pk", "languages"
        )
        if _speaks(profile, ticket.language)
    ]
    if not candidate_ids:
        return None
    # The filter is evaluated again on the locked rows, so an agent who went away meanwhile drops out.
    locked = list(
        AgentProfile.objects.select_for_update(of=("self",))
        .filter(_online_members(ticket.team_id), pk__in=candidate_ids, capacity__gt=0)
        .select_related("user")
        .order_by("pk")
    )
    counts = _open_counts(profile.user_id for profile in locked)
    free = [
        (_round_robin_key(profile, counts.get(profile.user_id, 0)), profile)
        for profile in locked
        if counts.get(profile.user_id, 0) < profile.capacity
    ]
    if not free:
        return None
    return min(free, key=lambda pair: pair[0])[1]


@transaction.atomic
def _auto_assign(*, ticket_id: int) -> _Outcome:
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("assignee").get(pk=ticket_id)
    if ticket.assignee is not None:
        return _Outcome(agent=ticket.assignee)
    if ticket.team_id is None or ticket.status not in ASSIGNABLE_STATUSES or ticket.merged_into_id:
        return _Outcome(agent=None)
    profile = _pick_agent(ticket=ticket)
    if profile is None:
        return _Outcome(agent=None, nobody_free=True)
    ticket_assign(ticket=ticket, assignee=profile.user, actor=None)
    profile.last_assigned_at = timezone.now()
    profile.save(update_fields=["last_assigned_at"])
    return _Outcome(agent=profile.user, assigned_now=True)


def ticket_auto_assign(*, ticket: Ticket) -> User | None:
    """Give an unassigned open ticket of a routed team to the least-loaded available agent.

    Returns the agent, the existing assignee when the ticket already has one, or ``None``
    when nobody qualifies (the ticket stays in the team queue).
    """
    return _auto_assign(ticket_id=ticket.pk).agent


def agent_set_availability(*, user: User, availability: str) -> AgentProfile:
    """Set an agent online, away or offline."""
    if availability not in AgentProfile.Availability.values:
        raise ApplicationError(
            _("Unknown availability: %(availability)s.") % {"availability": availability},
            extra={"choices": list(AgentProfile.Availability.values)},
        )
    with transaction.atomic():
        profile = AgentProfile.objects.select_for_update().filter(user_id=user.pk).first()
        if profile is None:
            raise ApplicationError(_("This user has no agent profile."))
        if profile.availability != availability:
            profile.availability = availability
            profile.full_clean()
            profile.save(update_fields=["availability"])
            if availability == AgentProfile.Availability.ONLINE:
                _assign_waiting_on_commit(team_ids=list(profile.teams.values_list("pk", flat=True)))
    return profile


def _assign_waiting_on_commit(*, team_ids: list[int]) -> None:
    from functools import partial

    from tickets.tasks import team_assign

    for team_id in team_ids:
        transaction.on_commit(partial(team_assign.delay, team_id), robust=True)


def team_has_room(*, team_id: int) -> bool:
    """Whether an online member of the team has fewer open tickets than their capacity."""
    open_tickets = Count("user__assigned_tickets", filter=Q(user__assigned_tickets__status__in=OPEN_STATUSES))
    return (
        AgentProfile.objects.filter(_online_members(team_id))
        .annotate(open_tickets=open_tickets)
        .filter(open_tickets__lt=F("capacity"))
        .exists()
    )


def team_assign_waiting(*, team: Team) -> int:
    """Assign the team's unassigned open tickets, most urgent first, while anyone has room.

    Returns how many tickets this call assigned. Each ticket is its own transaction.
    """
    waiting = (
        Ticket.objects.filter(team=team, assignee__isnull=True, status__in=ASSIGNABLE_STATUSES)
        .filter(merged_into__isnull=True)
        .order_by(F("priority").desc(), F("sla_due_at").asc(nulls_last=True), "created_at", "pk")
        .values_list("pk", "language")
    )
    assigned = 0
    no_agent_for: set[str] = set()  # languages nobody with room speaks any more
    for ticket_id, language in waiting:
        key = _primary_subtag(language)
        if key in no_agent_for:
            continue
        outcome = _auto_assign(ticket_id=ticket_id)
        if outcome.assigned_now:
            assigned += 1
        elif outcome.nobody_free:
            if not key or not team_has_room(team_id=team.pk):
                break
            no_agent_for.add(key)
    return assigned

"""Routing: which team answers a ticket.

A ticket goes to a team that covers its store and speaks its language. Among several,
regular teams come before overflow teams (an overflow team takes what no regular team
can answer, and the holiday rule sets may send more its way later), then the team whose
working language is the ticket's, then the team with the fewest unassigned tickets
waiting. In holiday mode, a live seasonal rule set may name an ``overflow_team`` (by slug):
when the chosen team has no online agent with room, the ticket goes there instead, so a
peak spills over rather than queueing. A ticket that already has a team keeps it: routing never takes a ticket away
from the team working it; a lead moves tickets by hand.

Before all that, the managers' ``RoutingRule``s are tried in order (customer tags, intent,
language, channel): the first that matches sends the ticket to its team, and the ticket's
"Routed" event names the rule. A rule's team is not spilled over: a VIP rule means the VIP
team, at the peak too.
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Store
from helpdesk import broadcast
from helpdesk.exceptions import ApplicationError
from helpdesk.seasons import season_overrides_live
from tickets.models import OPEN_STATUSES, RoutingRule, Team, Ticket, TicketEvent
from tickets.services.assignment import team_has_room
from tickets.services.status import ticket_event_record


def _primary(language: str) -> str:
    return language.strip().lower().replace("_", "-").split("-", 1)[0]


def team_for(*, store_id: int, language: str) -> Team | None:
    """The best team for a ticket of ``store_id`` written in ``language`` (None: no team covers it)."""
    teams = list(
        Team.objects.filter(stores=store_id).annotate(
            waiting=Count(
                "tickets",
                filter=Q(tickets__assignee__isnull=True, tickets__status__in=OPEN_STATUSES),
            )
        )
    )
    if not teams:
        return None
    wanted = _primary(language) if language else ""

    def rank(team: Team) -> tuple[bool, bool, bool, int, int]:
        spoken = {_primary(str(code)) for code in team.languages or []}
        speaks = not wanted or wanted in spoken
        return (
            not speaks,
            team.is_overflow,
            _primary(team.working_language) != wanted,
            team.waiting,  # type: ignore[attr-defined]
            team.pk,
        )

    chosen = min(teams, key=rank)
    overflow = _season_overflow_team(store_id=store_id)
    if overflow is not None and overflow != chosen and not team_has_room(team_id=chosen.pk):
        return overflow
    return chosen


def _season_overflow_team(*, store_id: int) -> Team | None:
    marketplace = Store.objects.filter(pk=store_id).values_list("marketplace", flat=True).first() or ""
    for overrides in season_overrides_live(store_id=store_id, marketplace=marketplace):
        slug = overrides.get("overflow_team")
        if isinstance(slug, str) and slug:
            team = Team.objects.filter(slug=slug).first()
            if team is not None:
                return team
    return None


def routing_rule_for(*, ticket: Ticket) -> RoutingRule | None:
    """The first active rule, in order, of the ticket's store or of every store, whose
    conditions all hold for the ticket and whose team covers its store (None: no rule)."""
    rules = (
        RoutingRule.objects.filter(Q(store=None) | Q(store_id=ticket.store_id), is_active=True)
        .filter(team__stores=ticket.store_id)
        .annotate(
            has_tags=Exists(RoutingRule.customer_tags.through.objects.filter(routingrule_id=OuterRef("pk"))),
            customer_tagged=Exists(
                RoutingRule.customer_tags.through.objects.filter(
                    routingrule_id=OuterRef("pk"), tag__customer_links__customer_id=ticket.customer_id
                )
            ),
        )
        .filter(Q(has_tags=False) | Q(customer_tagged=True))
        .select_related("team")
        .order_by("position", "id")
    )
    language = _primary(ticket.language) if ticket.language else ""
    for rule in rules:
        if rule.intents and ticket.intent not in rule.intents:
            continue
        if rule.languages and language not in {_primary(str(code)) for code in rule.languages}:
            continue
        if rule.channels and ticket.channel not in rule.channels:
            continue
        return rule
    return None


@transaction.atomic
def ticket_route(*, ticket: Ticket) -> Ticket:
    """Give a ticket without a team to the team of the first matching routing rule, else to
    the best team for its store and language."""
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    if ticket.team_id is not None or ticket.merged_into_id is not None:
        return ticket
    rule = routing_rule_for(ticket=ticket)
    if rule is not None:
        return _ticket_set_team(ticket=ticket, team=rule.team, actor=None, reason="rule", rule=rule)
    team = team_for(store_id=ticket.store_id, language=ticket.language)
    if team is None:
        return ticket
    return _ticket_set_team(ticket=ticket, team=team, actor=None, reason="auto")


@transaction.atomic
def ticket_set_team(*, ticket: Ticket, team: Team, actor: User | AnonymousUser | None) -> Ticket:
    """Move a ticket to another team by hand; its assignee is kept only if they are a member."""
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=ticket.pk)
    if not team.stores.filter(pk=ticket.store_id).exists():
        raise ApplicationError(_("%(team)s does not cover the store of this ticket.") % {"team": team.name})
    if ticket.team_id == team.pk:
        return ticket
    return _ticket_set_team(ticket=ticket, team=team, actor=actor, reason="manual")


def _ticket_set_team(
    *,
    ticket: Ticket,
    team: Team,
    actor: User | AnonymousUser | None,
    reason: str,
    rule: RoutingRule | None = None,
) -> Ticket:
    previous = ticket.team_id
    fields = ["team", "version", "updated_at"]
    ticket.team = team
    if ticket.assignee_id is not None and not team.members.filter(user_id=ticket.assignee_id).exists():
        ticket.assignee = None
        fields.append("assignee")
    ticket.version += 1
    ticket.updated_at = timezone.now()
    ticket.save(update_fields=fields)
    details: dict[str, object] = {"from": previous, "to": team.pk, "how": reason}
    if rule is not None:
        # The name as it was: a rule renamed or deleted later still explains this routing.
        details.update(rule=rule.pk, rule_name=rule.name)
    ticket_event_record(ticket, TicketEvent.Kind.TEAM, actor, **details)
    broadcast.ticket_changed(ticket_id=ticket.pk, team_id=team.pk, change="team")
    return ticket

"""A new message reaches a team that speaks its language and an agent with room, without anyone clicking."""

from __future__ import annotations

import pytest
from django.urls import reverse

from helpdesk.exceptions import ApplicationError
from tests.conftest import role
from tests.factories import AgentProfileFactory, StoreFactory, TeamFactory, TicketFactory, UserFactory
from tickets.ingest.inbound import InboundMessage
from tickets.models import AgentProfile, Message, Ticket, TicketEvent
from tickets.services import message_ingest, ticket_set_status
from tickets.services.assignment import agent_set_availability
from tickets.services.routing import team_for, ticket_route, ticket_set_team

pytestmark = pytest.mark.django_db

A = AgentProfile.Availability


def agent(team, name, *, languages=("de", "en"), availability=A.ONLINE, capacity=10):
    user = UserFactory(username=name, groups=[role("Agent")])
    AgentProfileFactory(
        user=user, teams=[team], languages=list(languages), availability=availability, capacity=capacity
    )
    return user


def customer_writes(store, text, *, number=1, subject="Hilfe"):
    return message_ingest(
        inbound=InboundMessage(
            store_id=store.pk,
            channel="email",
            external_id=f"<m{number}@mail.example>",
            sender_address=f"buyer{number}@example.com",
            sender_name="Buyer",
            subject=subject,
            text=text,
        )
    )


def test_the_team_that_speaks_the_language_wins_over_the_one_that_does_not(store_eu):
    english = TeamFactory(name="English desk", slug="en-desk", languages=["en"], stores=[store_eu])
    german = TeamFactory(name="German desk", slug="de-desk", languages=["de", "fr"], stores=[store_eu])

    assert team_for(store_id=store_eu.pk, language="de-AT") == german
    assert team_for(store_id=store_eu.pk, language="en") == english


def test_an_overflow_team_only_gets_what_no_regular_team_can_answer(store_eu):
    overflow = TeamFactory(
        name="Overflow", slug="overflow", languages=["de", "ja"], is_overflow=True, stores=[store_eu]
    )
    regular = TeamFactory(name="DACH", slug="dach", languages=["de"], stores=[store_eu])

    assert team_for(store_id=store_eu.pk, language="de") == regular
    assert team_for(store_id=store_eu.pk, language="ja") == overflow


def test_a_store_no_team_covers_leaves_the_ticket_in_no_team(db):
    lonely = StoreFactory()
    ticket = TicketFactory(store=lonely, team=None)

    assert ticket_route(ticket=ticket).team is None


def test_routing_keeps_a_ticket_with_the_team_already_working_it(store_eu, team_eu):
    other = TeamFactory(name="Second line", slug="second", languages=["de"], stores=[store_eu])
    ticket = TicketFactory(store=store_eu, team=team_eu, language="de")

    assert ticket_route(ticket=ticket).team == team_eu
    assert other.tickets.count() == 0


def test_moving_a_ticket_by_hand_drops_an_assignee_who_is_not_in_the_new_team(store_eu, team_eu, lead_eu):
    member = agent(team_eu, "eva")
    second = TeamFactory(name="Second line", slug="second", languages=["de"], stores=[store_eu])
    ticket = TicketFactory(store=store_eu, team=team_eu, assignee=member, status=Ticket.Status.OPEN)

    moved = ticket_set_team(ticket=ticket, team=second, actor=lead_eu)

    assert moved.team == second
    assert moved.assignee is None
    event = ticket.events.get(kind=TicketEvent.Kind.TEAM)
    assert event.data == {"from": team_eu.pk, "to": second.pk, "how": "manual"}


def test_a_team_that_does_not_cover_the_store_is_refused(store_eu, store_us, team_us, lead_eu):
    ticket = TicketFactory(store=store_eu, team=None)

    with pytest.raises(ApplicationError, match="does not cover"):
        ticket_set_team(ticket=ticket, team=team_us, actor=lead_eu)


def test_a_new_german_mail_is_routed_and_assigned_once_committed(
    store_eu, django_capture_on_commit_callbacks, nlp_models
):
    TeamFactory(name="English desk", slug="en-desk", languages=["en"], stores=[store_eu])
    german = TeamFactory(name="German desk", slug="de-desk", languages=["de"], stores=[store_eu])
    english_speaker = agent(german, "tom", languages=["en"])
    german_speaker = agent(german, "greta", languages=["de"])

    with django_capture_on_commit_callbacks(execute=True):
        result = customer_writes(
            store_eu,
            "Guten Tag, die Lampe ist leider zerbrochen angekommen. Können Sie mir bitte eine neue schicken?",
        )

    ticket = Ticket.objects.get(pk=result.ticket.pk)
    message = Message.objects.get(pk=result.message.pk)
    assert message.language == "de"
    assert message.triage_status == Message.Triage.DONE
    assert ticket.language == "de"
    assert ticket.team == german
    assert ticket.assignee == german_speaker
    assert ticket.assignee != english_speaker
    assert ticket.status == Ticket.Status.OPEN


def test_triage_runs_once_even_when_the_task_is_delivered_twice(store_eu, team_eu):
    greta = agent(team_eu, "greta")
    result = customer_writes(store_eu, "Hallo, wo bleibt mein Paket? Ich warte seit drei Wochen.")

    from tickets.tasks import message_triage

    assert message_triage(result.message.pk) is True
    assert message_triage(result.message.pk) is False  # already triaged: nothing happens twice

    ticket = Ticket.objects.get(pk=result.ticket.pk)
    assert ticket.assignee == greta
    assert ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED).count() == 1


def test_an_agent_coming_online_receives_the_waiting_tickets(
    store_eu, team_eu, django_capture_on_commit_callbacks
):
    greta = agent(team_eu, "greta", availability=A.OFFLINE, capacity=2)
    waiting = [TicketFactory(store=store_eu, team=team_eu, language="de") for _ in range(3)]

    with django_capture_on_commit_callbacks(execute=True):
        agent_set_availability(user=greta, availability=A.ONLINE)

    assigned = Ticket.objects.filter(pk__in=[t.pk for t in waiting], assignee=greta).count()
    assert assigned == 2  # her capacity; the third waits for room


def test_solving_a_ticket_hands_the_freed_place_to_the_next_waiting_one(
    store_eu, team_eu, django_capture_on_commit_callbacks
):
    greta = agent(team_eu, "greta", capacity=1)
    current = TicketFactory(store=store_eu, team=team_eu, assignee=greta, status=Ticket.Status.OPEN)
    waiting = TicketFactory(store=store_eu, team=team_eu, language="de")

    with django_capture_on_commit_callbacks(execute=True):
        ticket_set_status(ticket=current, status=Ticket.Status.SOLVED, actor=greta)

    waiting.refresh_from_db()
    assert waiting.assignee == greta


def test_an_agent_sets_themselves_away_from_the_top_bar(client, agent_eu):
    client.force_login(agent_eu)

    response = client.post(
        reverse("tickets:availability"), {"availability": "away", "next": "/inbox/?view=mine"}
    )

    assert response.status_code == 302
    assert response.url == "/inbox/?view=mine"
    assert AgentProfile.objects.get(user=agent_eu).availability == A.AWAY
    page = client.get(reverse("tickets:inbox"))
    assert 'value="away" selected' in page.content.decode()


def test_an_unknown_availability_is_refused_with_a_reason(client, agent_eu):
    client.force_login(agent_eu)
    before = AgentProfile.objects.get(user=agent_eu).availability

    response = client.post(reverse("tickets:availability"), {"availability": "sleeping"}, follow=True)

    assert response.status_code == 200
    assert "Unknown availability" in response.content.decode()
    assert AgentProfile.objects.get(user=agent_eu).availability == before


def test_in_holiday_mode_a_full_team_spills_over_to_the_seasons_overflow_team(store_eu, team_eu):
    from helpdesk.models import SeasonalRuleSet
    from tests.factories import SeasonalRuleSetFactory

    overflow = TeamFactory(name="Peak helpers", slug="peak-helpers", languages=["de", "en"], is_overflow=True)
    busy = agent(team_eu, "greta", capacity=1)
    TicketFactory(store=store_eu, team=team_eu, assignee=busy, status=Ticket.Status.OPEN)
    SeasonalRuleSetFactory(
        markets=[],
        phase=SeasonalRuleSet.Phase.DURING,
        overrides={"during": {"overflow_team": "peak-helpers"}},
    )

    assert team_for(store_id=store_eu.pk, language="de") == overflow


def test_outside_holiday_mode_or_with_room_the_regular_team_keeps_its_tickets(store_eu, team_eu):
    from helpdesk.models import SeasonalRuleSet
    from tests.factories import SeasonalRuleSetFactory

    TeamFactory(name="Peak helpers", slug="peak-helpers", languages=["de", "en"], is_overflow=True)
    agent(team_eu, "greta", capacity=5)
    season = SeasonalRuleSetFactory(
        markets=[],
        phase=SeasonalRuleSet.Phase.DURING,
        overrides={"during": {"overflow_team": "peak-helpers"}},
    )
    assert team_for(store_id=store_eu.pk, language="de") == team_eu  # Greta has room

    AgentProfile.objects.filter(user__username="greta").update(availability=A.OFFLINE)
    season.phase = SeasonalRuleSet.Phase.AFTER
    season.save(update_fields=["phase"])
    assert team_for(store_id=store_eu.pk, language="de") == team_eu  # the peak is over


# --- Routing rules: customer tags, intent, language, channel (issue 7) ---------------------------


def vip_rule_setup(store_eu, team_eu):
    from tests.factories import TagFactory
    from tickets.models import RoutingRule

    vip = TagFactory(slug="vip", name="VIP")
    care = TeamFactory(name="Priority care", slug="priority-care", languages=["en"], stores=[store_eu])
    rule = RoutingRule.objects.create(name="VIP customers", store=store_eu, team=care, position=10)
    rule.customer_tags.add(vip)
    return vip, care, rule


def test_a_vip_customer_goes_to_the_priority_care_team_and_an_untagged_one_to_the_language_default(
    store_eu, team_eu
):
    from tests.factories import CustomerTagFactory

    vip, care, rule = vip_rule_setup(store_eu, team_eu)
    tagged = TicketFactory(store=store_eu, language="de")
    CustomerTagFactory(customer=tagged.customer, tag=vip)
    untagged = TicketFactory(store=store_eu, language="de")

    ticket_route(ticket=tagged)
    ticket_route(ticket=untagged)

    tagged.refresh_from_db()
    untagged.refresh_from_db()
    assert tagged.team == care
    assert untagged.team == team_eu
    routed = tagged.events.get(kind=TicketEvent.Kind.TEAM).data
    assert (routed["how"], routed["rule"], routed["rule_name"]) == ("rule", rule.pk, "VIP customers")
    assert untagged.events.get(kind=TicketEvent.Kind.TEAM).data["how"] == "auto"


def test_rules_are_tried_in_order_and_every_filled_condition_must_hold(store_eu, team_eu):
    from tests.factories import CustomerTagFactory
    from tickets.models import RoutingRule

    vip, care, _rule = vip_rule_setup(store_eu, team_eu)
    claims = TeamFactory(name="Claims", slug="claims", stores=[store_eu])
    first = RoutingRule.objects.create(
        name="Damage by e-mail",
        store=None,
        team=claims,
        position=1,
        intents=["damaged_item"],
        channels=["email"],
    )
    damaged_vip = TicketFactory(store=store_eu, intent="damaged_item", channel="email")
    CustomerTagFactory(customer=damaged_vip.customer, tag=vip)
    damaged_chat_vip = TicketFactory(store=store_eu, intent="damaged_item", channel="chat")
    CustomerTagFactory(customer=damaged_chat_vip.customer, tag=vip)
    french_only = RoutingRule.objects.create(
        name="French", store=store_eu, team=claims, position=2, languages=["fr"]
    )
    french = TicketFactory(store=store_eu, language="fr-CA", intent="product_question")

    for ticket in (damaged_vip, damaged_chat_vip, french):
        ticket_route(ticket=ticket)
        ticket.refresh_from_db()

    assert damaged_vip.team == claims  # position 1 comes before the VIP rule's 10
    assert damaged_chat_vip.team == care  # the channel condition fails: the VIP rule routes it
    assert french.team == claims
    assert french.events.get(kind=TicketEvent.Kind.TEAM).data["rule"] == french_only.pk
    assert first.pk != french_only.pk


def test_an_inactive_rule_another_stores_rule_or_a_team_not_covering_the_store_routes_nothing(
    store_eu, store_us, team_eu
):
    from tests.factories import CustomerTagFactory
    from tickets.models import RoutingRule

    vip, _care, rule = vip_rule_setup(store_eu, team_eu)
    rule.is_active = False
    rule.save()
    us_only = TeamFactory(name="US VIP", slug="us-vip", stores=[store_us])
    everywhere = RoutingRule.objects.create(name="VIP anywhere", store=None, team=us_only, position=1)
    everywhere.customer_tags.add(vip)
    ticket = TicketFactory(store=store_eu, language="de")
    CustomerTagFactory(customer=ticket.customer, tag=vip)

    ticket_route(ticket=ticket)

    ticket.refresh_from_db()
    assert ticket.team == team_eu


def test_a_rule_refuses_unknown_intents_and_channels_and_a_team_that_does_not_cover_its_store(
    store_eu, store_us, team_eu
):
    from django.core.exceptions import ValidationError

    from tickets.models import RoutingRule

    us_team = TeamFactory(name="US", slug="us-only", stores=[store_us])
    rule = RoutingRule(
        name="Bad", store=store_eu, team=us_team, intents=["damaged"], channels=["fax"], languages="de"
    )

    with pytest.raises(ValidationError) as error:
        rule.full_clean()

    assert set(error.value.message_dict) == {"intents", "channels", "languages", "team"}
    assert "damaged" in error.value.message_dict["intents"][0]


def test_the_ticket_page_names_the_rule_that_routed_it(client, store_eu, team_eu):
    from tests.factories import CustomerTagFactory

    vip, care, _rule = vip_rule_setup(store_eu, team_eu)
    lead = agent(care, "care.agent", languages=("en",))
    ticket = TicketFactory(store=store_eu)
    CustomerTagFactory(customer=ticket.customer, tag=vip)
    ticket_route(ticket=ticket)
    client.force_login(lead)

    page = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()

    assert "Priority care" in page
    assert "by rule “VIP customers”" in page


def test_managers_list_and_edit_routing_rules_in_admin(admin_client, store_eu, team_eu):
    vip_rule_setup(store_eu, team_eu)

    listing = admin_client.get(reverse("admin:tickets_routingrule_changelist")).content.decode()

    for shown in ("VIP customers", "Priority care", "VIP"):
        assert shown in listing

"""The SLA and the priority read holiday mode through the one selector, only while a rule set's
phase is live and only for the stores of its markets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from helpdesk.models import SeasonalRuleSet
from helpdesk.seasons import rule_sets_swap_due
from tests.factories import SeasonalRuleSetFactory, SLAPolicyFactory, StoreFactory, TicketFactory
from tickets.services.priority import season_priority_weights
from tickets.services.sla import ticket_apply_sla

pytestmark = pytest.mark.django_db

PEAK = datetime(2026, 11, 27, 5, 0, tzinfo=UTC)


@pytest.fixture
def black_friday_us():
    return SeasonalRuleSetFactory(
        markets=["US"],
        prepare_from=PEAK - timedelta(days=14),
        peak_from=PEAK,
        peak_until=PEAK + timedelta(days=5),
        review_until=PEAK + timedelta(days=20),
        overrides={
            "before": {"staffing_note": "Book overflow agents"},
            "during": {"sla_factor": 1.5, "priority_weights": {"gift_order": 2.0}},
        },
    )


@pytest.fixture
def policy(db):
    return SLAPolicyFactory(
        name="Everything",
        channel="",
        first_response_minutes=60,
        next_response_minutes=120,
        resolution_minutes=8 * 60,
        business_hours_only=False,
    )


def first_response_allowed(moment: datetime, store) -> timedelta:
    with time_machine.travel(moment, tick=False):
        rule_sets_swap_due()
        ticket = ticket_apply_sla(ticket=TicketFactory(store=store))
    return ticket.first_response_due_at - ticket.created_at


def test_the_peak_stretches_sla_targets_of_its_markets_only(black_friday_us, policy):
    us, jp = StoreFactory(marketplace="US"), StoreFactory(marketplace="JP")

    assert first_response_allowed(PEAK - timedelta(hours=1), us) == timedelta(minutes=60)
    assert first_response_allowed(PEAK + timedelta(hours=1), us) == timedelta(minutes=90)
    assert first_response_allowed(PEAK + timedelta(hours=1), jp) == timedelta(minutes=60)
    assert first_response_allowed(PEAK + timedelta(days=6), us) == timedelta(minutes=60)


def test_priority_weights_apply_while_the_peak_is_live(black_friday_us):
    us = StoreFactory(marketplace="US")

    with time_machine.travel(PEAK - timedelta(hours=1), tick=False):
        rule_sets_swap_due()
        assert season_priority_weights(store_id=us.pk) == {}
    with time_machine.travel(PEAK, tick=False):
        rule_sets_swap_due()
        assert season_priority_weights(store_id=us.pk) == {"gift_order": 2.0}
    assert SeasonalRuleSet.objects.get(pk=black_friday_us.pk).phase == SeasonalRuleSet.Phase.DURING

"""The scheduled swap puts rule sets into their calendar phase at each boundary, in the market's
time zone; it is idempotent and leaves a phase a manager set by hand alone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from helpdesk.models import RuleSetSwap, SeasonalRuleSet
from helpdesk.seasons import rule_set_set_phase, rule_sets_swap_due
from helpdesk.tasks import seasons_swap_due
from tests.factories import SeasonalRuleSetFactory

pytestmark = pytest.mark.django_db(transaction=True)

Phase = SeasonalRuleSet.Phase
BERLIN, SHANGHAI = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Shanghai")


def local_midnight(day: int, zone: ZoneInfo, month: int = 11) -> datetime:
    return datetime(2026, month, day, 0, 0, tzinfo=zone)


def rule_set_in(zone: ZoneInfo, slug: str, market: str) -> SeasonalRuleSet:
    """Before from the 1st, during from the 10th, after from the 15th, over on the 30th, local midnight."""
    return SeasonalRuleSetFactory(
        slug=slug,
        name=slug,
        markets=[market],
        timezone=str(zone),
        prepare_from=local_midnight(1, zone),
        peak_from=local_midnight(10, zone),
        peak_until=local_midnight(15, zone),
        review_until=local_midnight(30, zone),
    )


@pytest.fixture
def berlin():
    return rule_set_in(BERLIN, "black-friday-de", "DE")


@pytest.fixture
def shanghai():
    return rule_set_in(SHANGHAI, "singles-day-cn", "CN")


def phases(*rule_sets: SeasonalRuleSet) -> list[str]:
    return [SeasonalRuleSet.objects.get(pk=rule_set.pk).phase for rule_set in rule_sets]


def test_each_rule_set_swaps_at_midnight_in_its_own_market(berlin, shanghai):
    # Midnight in Shanghai is 17:00 the day before in Berlin (UTC+8 vs UTC+1 in November).
    with time_machine.travel(local_midnight(10, SHANGHAI) - timedelta(seconds=1), tick=False):
        rule_sets_swap_due()
        assert phases(berlin, shanghai) == [Phase.BEFORE, Phase.BEFORE]

    with time_machine.travel(local_midnight(10, SHANGHAI), tick=False):
        assert rule_sets_swap_due() == [shanghai.pk]
        assert phases(berlin, shanghai) == [Phase.BEFORE, Phase.DURING]

    with time_machine.travel(local_midnight(10, BERLIN) - timedelta(seconds=1), tick=False):
        assert rule_sets_swap_due() == []
        assert phases(berlin, shanghai) == [Phase.BEFORE, Phase.DURING]

    with time_machine.travel(local_midnight(10, BERLIN), tick=False):
        assert rule_sets_swap_due() == [berlin.pk]
        assert phases(berlin, shanghai) == [Phase.DURING, Phase.DURING]

    with time_machine.travel(local_midnight(15, SHANGHAI), tick=False):
        rule_sets_swap_due()
        assert phases(berlin, shanghai) == [Phase.DURING, Phase.AFTER]

    with time_machine.travel(local_midnight(30, BERLIN), tick=False):
        rule_sets_swap_due()
        assert phases(berlin, shanghai) == [Phase.INACTIVE, Phase.INACTIVE]

    logged = list(
        RuleSetSwap.objects.filter(rule_set=berlin)
        .order_by("created_at")
        .values_list("to_phase", "created_at")
    )
    assert logged == [
        (Phase.BEFORE, local_midnight(10, SHANGHAI) - timedelta(seconds=1)),
        (Phase.DURING, local_midnight(10, BERLIN)),
        (Phase.INACTIVE, local_midnight(30, BERLIN)),
    ]
    assert {swap.actor for swap in RuleSetSwap.objects.all()} == {None}


def test_the_swap_task_run_twice_changes_nothing_the_second_time(berlin, shanghai):
    with time_machine.travel(local_midnight(12, BERLIN), tick=False):
        first = seasons_swap_due.delay().get()
        berlin.refresh_from_db()
        changed_at = berlin.phase_changed_at

        second = seasons_swap_due.delay().get()

    berlin.refresh_from_db()
    assert (first, second) == (2, 0)
    assert RuleSetSwap.objects.count() == 2
    assert berlin.phase_changed_at == changed_at
    assert phases(berlin, shanghai) == [Phase.DURING, Phase.DURING]


def test_a_phase_a_manager_set_by_hand_is_kept_by_the_scheduled_swap(berlin, manager):
    with time_machine.travel(local_midnight(3, BERLIN), tick=False):
        rule_sets_swap_due()
        # The manager starts the peak early: the warehouse is already overwhelmed.
        rule_set_set_phase(rule_set=berlin, phase=Phase.DURING, actor=manager, manual=True)
        rule_sets_swap_due()
        assert phases(berlin) == [Phase.DURING]

    with time_machine.travel(local_midnight(20, BERLIN), tick=False):
        assert rule_sets_swap_due() == []
        assert phases(berlin) == [Phase.DURING]

        # Back on schedule (the admin's "Return to schedule"), the next tick follows the calendar.
        rule_set_set_phase(rule_set=berlin, phase=Phase.AFTER, actor=manager, manual=False)
        assert rule_sets_swap_due() == []
        assert phases(berlin) == [Phase.AFTER]


def test_a_disabled_rule_set_is_swapped_off_at_the_next_tick(berlin):
    with time_machine.travel(local_midnight(12, BERLIN), tick=False):
        rule_sets_swap_due()
        SeasonalRuleSet.objects.filter(pk=berlin.pk).update(is_enabled=False)

        assert rule_sets_swap_due() == [berlin.pk]
    assert phases(berlin) == [Phase.INACTIVE]

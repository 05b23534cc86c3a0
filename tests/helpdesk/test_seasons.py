"""Holiday mode follows the rule set's calendar, and switching to the live phase again is a no-op."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from helpdesk.models import RuleSetSwap, SeasonalRuleSet
from helpdesk.seasons import rule_set_phase_at, rule_set_set_phase
from tests.factories import SeasonalRuleSetFactory

pytestmark = pytest.mark.django_db

Phase = SeasonalRuleSet.Phase
PREPARE = datetime(2025, 11, 14, 5, 0, tzinfo=UTC)  # midnight in New York
PEAK = datetime(2025, 11, 28, 5, 0, tzinfo=UTC)
PEAK_END = datetime(2025, 12, 2, 5, 0, tzinfo=UTC)
REVIEW_END = datetime(2025, 12, 23, 5, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)


@pytest.fixture
def black_friday():
    return SeasonalRuleSetFactory(
        name="Black Friday 2025",
        slug="black-friday-2025",
        prepare_from=PREPARE,
        peak_from=PEAK,
        peak_until=PEAK_END,
        review_until=REVIEW_END,
    )


@pytest.mark.parametrize(
    ("when", "phase"),
    [
        (PREPARE - timedelta(days=30), Phase.INACTIVE),
        (PREPARE - TICK, Phase.INACTIVE),
        (PREPARE, Phase.BEFORE),
        (PEAK - TICK, Phase.BEFORE),
        (PEAK, Phase.DURING),
        (PEAK_END - TICK, Phase.DURING),
        (PEAK_END, Phase.AFTER),
        (REVIEW_END - TICK, Phase.AFTER),
        (REVIEW_END, Phase.INACTIVE),
        (REVIEW_END + timedelta(days=300), Phase.INACTIVE),
    ],
)
def test_the_phase_follows_the_calendar_at_each_boundary(black_friday, when, phase):
    assert rule_set_phase_at(rule_set=black_friday, when=when) == phase


def test_a_boundary_given_in_another_time_zone_is_the_same_instant(black_friday):
    peak_in_new_york = datetime(2025, 11, 28, 0, 0, tzinfo=ZoneInfo("America/New_York"))

    assert rule_set_phase_at(rule_set=black_friday, when=peak_in_new_york) == Phase.DURING
    assert rule_set_phase_at(rule_set=black_friday, when=peak_in_new_york - TICK) == Phase.BEFORE


def test_a_disabled_rule_set_is_inactive_even_at_its_peak(black_friday):
    black_friday.is_enabled = False

    assert rule_set_phase_at(rule_set=black_friday, when=PEAK + timedelta(days=1)) == Phase.INACTIVE


def test_switching_the_phase_saves_it_and_logs_the_swap(black_friday, manager):
    changed = rule_set_set_phase(rule_set=black_friday, phase=Phase.DURING, actor=manager, manual=True)

    black_friday.refresh_from_db()
    assert changed is True
    assert black_friday.phase == Phase.DURING
    assert black_friday.manual_phase is True
    assert black_friday.phase_changed_at is not None
    [swap] = RuleSetSwap.objects.filter(rule_set=black_friday)
    assert (swap.from_phase, swap.to_phase, swap.actor) == (Phase.INACTIVE, Phase.DURING, manager)


def test_switching_to_the_same_phase_twice_changes_and_logs_nothing_the_second_time(black_friday):
    first = rule_set_set_phase(rule_set=black_friday, phase=Phase.BEFORE, actor=None, manual=False)
    black_friday.refresh_from_db()
    changed_at = black_friday.phase_changed_at

    second = rule_set_set_phase(rule_set=black_friday, phase=Phase.BEFORE, actor=None, manual=False)

    black_friday.refresh_from_db()
    assert (first, second) == (True, False)
    assert RuleSetSwap.objects.filter(rule_set=black_friday).count() == 1
    assert black_friday.phase_changed_at == changed_at


def test_the_scheduler_swap_is_logged_without_an_actor(black_friday):
    rule_set_set_phase(rule_set=black_friday, phase=Phase.AFTER, actor=None, manual=False)

    [swap] = RuleSetSwap.objects.filter(rule_set=black_friday)
    assert swap.actor is None


def test_taking_over_a_phase_by_hand_is_a_change_even_if_the_phase_is_the_same(black_friday, manager):
    rule_set_set_phase(rule_set=black_friday, phase=Phase.DURING, actor=None, manual=False)

    changed = rule_set_set_phase(rule_set=black_friday, phase=Phase.DURING, actor=manager, manual=True)

    black_friday.refresh_from_db()
    assert changed is True
    assert black_friday.manual_phase is True
    assert RuleSetSwap.objects.filter(rule_set=black_friday).count() == 2

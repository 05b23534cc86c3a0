"""Erlang C against published worked examples, each re-derived here with exact fractions.

Published examples used:

* Westbay Engineers, "The Erlang-C formula" (the step-by-step page most calculators cite):
  360 calls per half hour, average call duration 4 minutes, 55 agents, target answer time 15 s
  → traffic intensity 48 Erlangs, occupancy 87.3 %, probability of waiting 23.9 %,
  average speed of answer 8.2 s, service level 84.6 %.
* Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example":
  100 calls in 30 minutes, average handling time 180 s, 80 % of calls answered in 20 s
  → 10 Erlangs; 13 agents give 79.6 % (not enough), 14 agents give 88.8 % with a probability of
  waiting of 17.4 %; with 30 % shrinkage 20 agents must be scheduled.

The published figures are rounded; the tests compare our float computation both with them (at
their rounding) and with an independent exact computation (factorials over ``Fraction``).
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest

from analytics.staffing import (
    StaffingError,
    agents_needed,
    erlang_b,
    erlang_c,
    queue_figures,
)


def exact_probability_of_waiting(agents: int, traffic: Fraction) -> Fraction:
    """Erlang C straight from its textbook definition, in exact arithmetic."""
    top = traffic**agents / math.factorial(agents) * Fraction(agents) / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


def test_westbay_example_matches_the_published_figures():
    # 360 calls per half hour = 720 per hour; 4 minutes = 240 s.
    figures = queue_figures(agents=55, arrivals_per_hour=720, handle_seconds=240, target_seconds=15)
    exact = exact_probability_of_waiting(55, Fraction(48))

    assert figures.traffic == pytest.approx(48)
    assert figures.probability_of_waiting == pytest.approx(float(exact), rel=1e-12)
    assert round(figures.probability_of_waiting, 3) == 0.239
    assert round(figures.occupancy, 3) == 0.873
    assert round(figures.average_speed_of_answer_seconds, 1) == 8.2
    assert round(figures.service_level, 3) == 0.846
    expected_level = 1 - float(exact) * math.exp(-(55 - 48) * 15 / 240)
    assert figures.service_level == pytest.approx(expected_level, rel=1e-12)


def test_call_centre_helper_example_needs_fourteen_agents_and_twenty_with_shrinkage():
    need = agents_needed(
        arrivals_per_hour=200, handle_seconds=180, target_seconds=20, service_level=0.8, shrinkage=0.3
    )

    assert need.on_queue == 14
    assert need.scheduled == 20
    assert round(need.figures.service_level, 3) == 0.888
    assert round(need.figures.probability_of_waiting, 3) == 0.174
    assert need.figures.probability_of_waiting == pytest.approx(
        float(exact_probability_of_waiting(14, Fraction(10))), rel=1e-12
    )
    thirteen = queue_figures(agents=13, arrivals_per_hour=200, handle_seconds=180, target_seconds=20)
    assert round(thirteen.service_level, 3) == 0.796  # one short of the 80 % target


@pytest.mark.parametrize(
    ("agents", "traffic"), [(1, Fraction(1, 2)), (7, Fraction(23, 5)), (30, Fraction(25))]
)
def test_erlang_c_equals_the_exact_formula(agents, traffic):
    assert erlang_c(agents=agents, traffic=float(traffic)) == pytest.approx(
        float(exact_probability_of_waiting(agents, traffic)), rel=1e-12
    )


def test_large_teams_do_not_overflow():
    # 1,000 Erlangs: factorials of 1,000 overflow a float; the recursion does not.
    waiting = erlang_c(agents=1050, traffic=1000.0)
    assert 0 < waiting < 1
    assert erlang_b(agents=1050, traffic=1000.0) < waiting


def test_an_overloaded_queue_always_waits_and_never_meets_a_target():
    figures = queue_figures(agents=10, arrivals_per_hour=200, handle_seconds=180, target_seconds=20)
    assert figures.probability_of_waiting == 1.0
    assert figures.service_level == 0.0
    assert figures.average_speed_of_answer_seconds == math.inf


def test_the_occupancy_cap_can_ask_for_more_agents_than_the_service_level():
    loose = agents_needed(arrivals_per_hour=200, handle_seconds=180, target_seconds=3600, service_level=0.8)
    capped = agents_needed(
        arrivals_per_hour=200, handle_seconds=180, target_seconds=3600, service_level=0.8, max_occupancy=0.75
    )
    assert loose.on_queue == 11  # a one-hour target is met by the first count above 10 Erlangs
    assert capped.on_queue == 14  # 10 / 14 = 71 % <= 75 % < 10 / 13
    assert capped.figures.occupancy <= 0.75


def test_no_tickets_need_no_agents():
    need = agents_needed(arrivals_per_hour=0, handle_seconds=360, target_seconds=3600, service_level=0.8)
    assert (need.on_queue, need.scheduled) == (0, 0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"service_level": 1.2},
        {"service_level": 0.8, "shrinkage": 1.0},
        {"service_level": 0.8, "max_occupancy": 0},
        {"service_level": 0.8, "handle_seconds": 0},
        {"service_level": 0.8, "arrivals_per_hour": -1},
    ],
)
def test_impossible_questions_are_refused(kwargs):
    arguments = {"arrivals_per_hour": 10, "handle_seconds": 360, "target_seconds": 60, **kwargs}
    with pytest.raises(StaffingError):
        agents_needed(**arguments)

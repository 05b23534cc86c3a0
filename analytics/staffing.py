"""Erlang C: how many agents an hour of forecast tickets needs for a first-response target.

The queue is M/M/N: tickets arrive at random (Poisson) at ``arrivals`` per hour, an agent
spends ``handle_seconds`` on one on average, and a ticket waits for the first free agent. For a
helpdesk the "answer" is the first response and the "call" a ticket.

Erlang C is computed through the Erlang B recursion (B(0) = 1, B(n) = A·B(n-1) / (n + A·B(n-1)))
rather than from powers and factorials, which overflow a float beyond ~170 agents.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Stop searching beyond this: a forecast this large is a data error, not a staffing question.
MAX_AGENTS = 10_000


class StaffingError(ValueError):
    """An impossible staffing question (a negative rate, a service level outside 0..1…)."""


def traffic_erlangs(*, arrivals_per_hour: float, handle_seconds: float) -> float:
    """Offered load A: the average number of agents busy if nobody ever waited."""
    if arrivals_per_hour < 0 or handle_seconds <= 0:
        raise StaffingError("Arrivals must be >= 0 and the handle time > 0.")
    return arrivals_per_hour * handle_seconds / 3600.0


def erlang_b(*, agents: int, traffic: float) -> float:
    """Blocking probability of an M/M/N/N system with ``traffic`` Erlangs offered."""
    if agents < 0 or traffic < 0:
        raise StaffingError("Agents and traffic must be >= 0.")
    blocking = 1.0
    for n in range(1, agents + 1):
        blocking = traffic * blocking / (n + traffic * blocking)
    return blocking


def erlang_c(*, agents: int, traffic: float) -> float:
    """Probability that a ticket waits at all (all ``agents`` busy). 1 when the queue never drains."""
    if traffic == 0:
        return 0.0
    if agents <= traffic:
        return 1.0
    blocking = erlang_b(agents=agents, traffic=traffic)
    return agents * blocking / (agents - traffic * (1 - blocking))


@dataclass(frozen=True)
class QueueFigures:
    agents: int
    traffic: float
    probability_of_waiting: float
    service_level: float  # share answered within the target
    average_speed_of_answer_seconds: float  # inf when the queue never drains
    occupancy: float


def queue_figures(
    *, agents: int, arrivals_per_hour: float, handle_seconds: float, target_seconds: float
) -> QueueFigures:
    """P(wait), service level P(wait <= target), average speed of answer and occupancy for ``agents``."""
    if target_seconds < 0:
        raise StaffingError("The target answer time must be >= 0.")
    traffic = traffic_erlangs(arrivals_per_hour=arrivals_per_hour, handle_seconds=handle_seconds)
    waiting = erlang_c(agents=agents, traffic=traffic)
    if traffic == 0:
        return QueueFigures(agents, 0.0, 0.0, 1.0, 0.0, 0.0)
    if agents <= traffic:
        return QueueFigures(agents, traffic, 1.0, 0.0, math.inf, 1.0)
    spare = agents - traffic
    return QueueFigures(
        agents=agents,
        traffic=traffic,
        probability_of_waiting=waiting,
        service_level=1 - waiting * math.exp(-spare * target_seconds / handle_seconds),
        average_speed_of_answer_seconds=waiting * handle_seconds / spare,
        occupancy=traffic / agents,
    )


@dataclass(frozen=True)
class StaffingNeed:
    """Agents for one hour: ``on_queue`` answering tickets, ``scheduled`` once shrinkage is added."""

    on_queue: int
    scheduled: int
    figures: QueueFigures


def agents_needed(
    *,
    arrivals_per_hour: float,
    handle_seconds: float,
    target_seconds: float,
    service_level: float,
    max_occupancy: float = 1.0,
    shrinkage: float = 0.0,
) -> StaffingNeed:
    """The fewest agents that answer ``service_level`` of tickets within ``target_seconds`` while
    nobody is busier than ``max_occupancy``; ``scheduled`` adds ``shrinkage`` (breaks, training,
    absence: the share of paid time not spent on the queue)."""
    if not 0 < service_level < 1:
        raise StaffingError("The service level must be between 0 and 1 (exclusive).")
    if not 0 < max_occupancy <= 1:
        raise StaffingError("The maximum occupancy must be in (0, 1].")
    if not 0 <= shrinkage < 1:
        raise StaffingError("Shrinkage must be in [0, 1).")
    traffic = traffic_erlangs(arrivals_per_hour=arrivals_per_hour, handle_seconds=handle_seconds)
    if traffic == 0:
        figures = queue_figures(
            agents=0, arrivals_per_hour=0, handle_seconds=handle_seconds, target_seconds=target_seconds
        )
        return StaffingNeed(0, 0, figures)
    # Below traffic / max_occupancy no count can satisfy the occupancy cap; start there.
    agents = max(1, math.floor(traffic / max_occupancy))
    while agents <= MAX_AGENTS:
        figures = queue_figures(
            agents=agents,
            arrivals_per_hour=arrivals_per_hour,
            handle_seconds=handle_seconds,
            target_seconds=target_seconds,
        )
        if figures.service_level >= service_level and figures.occupancy <= max_occupancy:
            # A tiny epsilon so that 14 / (1 - 0.3) = 20.000000000000004 stays 20.
            scheduled = math.ceil(agents / (1 - shrinkage) - 1e-9)
            return StaffingNeed(agents, scheduled, figures)
        agents += 1
    raise StaffingError(f"More than {MAX_AGENTS} agents would be needed; check the forecast.")

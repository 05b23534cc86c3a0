"""When demo orders and tickets happen: a weekly rhythm and the Black Friday peak.

Customers write more on Mondays and less at weekends, and three times as much during the
"during" phase of the demo's own Black Friday / Cyber Monday rule set. A ticket's time is drawn
by inverse-CDF sampling from that density over its window (2 to 20 days after the order), so it
stays a pure function of the ticket's index and the seed.

Orders are placed in proportion to the ticket weight of their window (see ``order_placed_at``):
more orders just before the peak, fewer in the last 20 days, whose windows are partly still to
come. Without that, a ticket's window would only shift tickets around inside it (the peak would
leave a dip before it), and tickets of recent orders would pile up at "now".
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from functools import lru_cache
from zoneinfo import ZoneInfo

from tickets.demo.reference import season_calendar

# Monday … Sunday: relative volume of customer messages by local weekday.
WEEKDAY_WEIGHTS = (1.3, 1.1, 1.0, 1.0, 0.95, 0.65, 0.7)
PEAK_FACTOR = 3.0
FIRST_CONTACT_DAYS, LAST_CONTACT_DAYS = 2.0, 20.0
OLDEST_ORDER_DAYS, NEWEST_ORDER_DAYS = 75.0, 3.0

DAY = dt.timedelta(days=1)
HOUR = dt.timedelta(hours=1)


def order_placed_at(*, now: dt.datetime, u: float, u_within_hour: float) -> dt.datetime:
    """When an order was placed, for ``u`` and ``u_within_hour`` in [0, 1).

    The density of an order at time p is the weight of its contact window still behind ``now``
    (the integral of the ticket density over [p + 2 days, min(p + 20 days, now)]). Each ticket
    then lands in its window in proportion to the ticket density, so tickets in all arrive in
    proportion to it: the weekly rhythm and the peak add volume instead of moving it around
    inside the windows, and nothing piles up at "now".
    """
    first_hour, cumulative = _order_table(now.replace(minute=0, second=0, microsecond=0))
    index = min(bisect.bisect_right(cumulative, u * cumulative[-1]), len(cumulative) - 1)
    return first_hour + (index - 1 + u_within_hour) * HOUR


@lru_cache(maxsize=4)
def _order_table(now_hour: dt.datetime) -> tuple[dt.datetime, list[float]]:
    """Cumulative order weight per hour from 75 days before ``now_hour`` to 3 days before it."""
    first = now_hour - OLDEST_ORDER_DAYS * DAY
    peaks = peak_windows(now_hour.year)
    # Ticket density per hour (UTC weekdays: close enough for the orders of customers everywhere).
    ticket_weight = [0.0]
    hour = first
    while hour < now_hour:
        weight = WEEKDAY_WEIGHTS[hour.weekday()]
        if any(peak_start <= hour < peak_end for peak_start, peak_end in peaks):
            weight *= PEAK_FACTOR
        ticket_weight.append(ticket_weight[-1] + weight)
        hour += HOUR
    hours_in_day = 24
    last = len(ticket_weight) - 1
    cumulative = [0.0]
    for offset in range(int((OLDEST_ORDER_DAYS - NEWEST_ORDER_DAYS) * hours_in_day)):
        window_start = min(last, offset + int(FIRST_CONTACT_DAYS * hours_in_day))
        window_end = min(last, offset + int(LAST_CONTACT_DAYS * hours_in_day))
        cumulative.append(cumulative[-1] + ticket_weight[window_end] - ticket_weight[window_start])
    return first, cumulative


@lru_cache(maxsize=8)
def peak_windows(year: int) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """The Black Friday "during" phases of ``year`` and the year before, in UTC (as the rule sets)."""
    windows = []
    for calendar_year in (year - 1, year):
        for plan in season_calendar(calendar_year):
            if plan.season.kind == "black_friday":
                zone = ZoneInfo(plan.time_zone)
                windows.append(
                    (
                        dt.datetime.combine(plan.dates.peak, dt.time(), zone).astimezone(dt.UTC),
                        dt.datetime.combine(plan.dates.peak_end, dt.time(), zone).astimezone(dt.UTC),
                    )
                )
    return tuple(windows)


def contact_time(*, placed: dt.datetime, now: dt.datetime, tzname: str, u: float) -> dt.datetime:
    """When the customer writes about an order placed at ``placed``, for ``u`` in [0, 1).

    The window runs from 2 to 20 days after the order, cut at ``now``; inside it the density is
    the customer's local weekday weight, times ``PEAK_FACTOR`` during Black Friday.
    """
    start = placed + FIRST_CONTACT_DAYS * DAY
    end = min(placed + LAST_CONTACT_DAYS * DAY, now)
    if end <= start:
        return end
    zone = ZoneInfo(tzname)
    # Cut the window where the density changes: at local midnights and at the peak's edges.
    cuts = {start, end}
    local_day = start.astimezone(zone).date() + DAY
    while True:
        midnight = dt.datetime.combine(local_day, dt.time(), zone).astimezone(dt.UTC)
        if midnight >= end:
            break
        cuts.add(midnight)
        local_day += DAY
    peaks = peak_windows(now.year)
    for peak_start, peak_end in peaks:
        for edge in (peak_start, peak_end):
            if start < edge < end:
                cuts.add(edge)
    points = sorted(cuts)
    cumulative = [0.0]
    for left, right in itertools.pairwise(points):
        weight = WEEKDAY_WEIGHTS[left.astimezone(zone).weekday()]
        if any(peak_start <= left < peak_end for peak_start, peak_end in peaks):
            weight *= PEAK_FACTOR
        cumulative.append(cumulative[-1] + weight * (right - left).total_seconds())
    target = u * cumulative[-1]
    index = min(bisect.bisect_right(cumulative, target), len(points) - 1)
    left, right = points[index - 1], points[index]
    share = (target - cumulative[index - 1]) / max(cumulative[index] - cumulative[index - 1], 1e-9)
    return left + (right - left) * share

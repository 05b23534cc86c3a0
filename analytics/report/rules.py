"""Recommendations drawn from a season's figures: each rule has a threshold and cites its figure.

A rule reads the finished ``SeasonReport`` and says what to do before the same season next
year. The thresholds are constants so a test (and a reader) can see where a rule fires.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from analytics.report import SeasonReport

# Peak tickets per day at least this many times normal weeks' → plan capacity.
VOLUME_MULTIPLE_THRESHOLD = 2.0
# First-response p90 at the peak at least this many times normal weeks' → more agents at the peak.
FIRST_RESPONSE_P90_MULTIPLE_THRESHOLD = 2.0
# An intent at least this many times its normal rate (per day), with at least this many tickets.
INTENT_MULTIPLE_THRESHOLD = 3.0
INTENT_MIN_TICKETS = 5
# … and growing at least this much faster than all tickets did: when every intent grows with the
# peak's volume, the volume advice covers it and a template per intent would be noise.
INTENT_OVER_VOLUME = 1.25
# A lane's peak median transit at least this much over its usual median (0.25 = 25 %), from enough parcels.
LANE_OVER_MEDIAN_THRESHOLD = 0.25
LANE_MIN_PARCELS = 3
# A product's return rate at least this many times its category's, with at least this many returned units.
PRODUCT_RETURN_MULTIPLE_THRESHOLD = 2.0
PRODUCT_MIN_RETURNED_UNITS = 3
# CSAT at the peak at least this many points under normal weeks', from enough answers in both.
CSAT_DROP_THRESHOLD = 0.5
CSAT_MIN_RESPONSES = 5
# Staffing advice (analytics.staffing): minutes an agent spends on a ticket, and the share of
# tickets to answer within normal weeks' first-response p90. No handle time is recorded, so assumed.
STAFFING_HANDLE_SECONDS = 600
STAFFING_SERVICE_LEVEL = 0.9


@dataclass(frozen=True)
class Recommendation:
    rule: str  # which rule fired: volume, first_response, intent, lane, product, csat
    text: str
    figure: float  # the number the text cites


def _times(value: float) -> str:
    return number_format(value, 1) + "×"


def _percent(value: float) -> str:
    return number_format(round(value * 100)) + " %"


def extra_agents_at_peak(report: SeasonReport) -> int | None:
    """How many more agents the peak needed than normal weeks to keep normal weeks' first-response
    p90, by Erlang C (analytics.staffing) at each period's average arrival rate; None when unknown."""
    try:
        from analytics.staffing import StaffingError, agents_needed
    except ImportError:
        return None
    normal, during = report.normal, report.during
    if normal is None or not normal.first_response.p90 or not during.per_day or not normal.per_day:
        return None

    def agents(per_day: float) -> int:
        return agents_needed(
            arrivals_per_hour=per_day / 24,
            handle_seconds=STAFFING_HANDLE_SECONDS,
            target_seconds=normal.first_response.p90 or 0,
            service_level=STAFFING_SERVICE_LEVEL,
        ).on_queue

    try:
        return agents(during.per_day) - agents(normal.per_day)
    except StaffingError:
        return None


def volume_rule(report: SeasonReport) -> list[Recommendation]:
    multiple = report.volume_multiple
    if multiple is None or multiple < VOLUME_MULTIPLE_THRESHOLD:
        return []
    text = _(
        "Peak volume was %(multiple)s normal weeks' (%(per_day)s tickets a day): "
        "plan capacity and self-service answers for this peak next year."
    ) % {"multiple": _times(multiple), "per_day": number_format(report.during.per_day or 0, 1)}
    return [Recommendation("volume", text, multiple)]


def first_response_rule(report: SeasonReport) -> list[Recommendation]:
    multiple = report.first_response_p90_multiple
    if multiple is None or multiple < FIRST_RESPONSE_P90_MULTIPLE_THRESHOLD:
        return []
    extra = extra_agents_at_peak(report)
    if extra is not None and extra > 0:
        text = _(
            "First response p90 was %(multiple)s normal: schedule %(agents)s more agents at the peak "
            "(Erlang C at the peak's average arrival rate, %(minutes)s min per ticket)."
        ) % {
            "multiple": _times(multiple),
            "agents": extra,
            "minutes": number_format(STAFFING_HANDLE_SECONDS / 60),
        }
    else:
        text = _("First response p90 was %(multiple)s normal: schedule more agents at the peak.") % {
            "multiple": _times(multiple)
        }
    return [Recommendation("first_response", text, multiple)]


def intent_rule(report: SeasonReport) -> list[Recommendation]:
    found = []
    for row in report.intents:
        if row.tickets < INTENT_MIN_TICKETS:
            continue
        if row.multiple is None and report.normal is not None and row.normal_per_day == 0:
            text = _(
                "Intent “%(intent)s” had %(tickets)s tickets at the peak and none in normal weeks: "
                "prepare a template."
            ) % {"intent": row.label, "tickets": row.tickets}
            found.append(Recommendation("intent", text, float(row.tickets)))
        elif row.multiple is not None and row.multiple >= INTENT_MULTIPLE_THRESHOLD:
            volume = report.volume_multiple
            if volume is not None and row.multiple < volume * INTENT_OVER_VOLUME:
                continue
            text = _("Intent “%(intent)s” was %(multiple)s normal: prepare a template.") % {
                "intent": row.label,
                "multiple": _times(row.multiple),
            }
            if volume is not None:
                text = _(
                    "Intent “%(intent)s” was %(multiple)s normal (all tickets %(volume)s): prepare a template."
                ) % {"intent": row.label, "multiple": _times(row.multiple), "volume": _times(volume)}
            found.append(Recommendation("intent", text, row.multiple))
    return found


def lane_rule(report: SeasonReport) -> list[Recommendation]:
    found = []
    for row in report.lanes:
        over = row.over_median
        if row.parcels < LANE_MIN_PARCELS or over is None or over < LANE_OVER_MEDIAN_THRESHOLD:
            continue
        text = _(
            "Lane %(lane)s (%(carrier)s) ran %(over)s over its median (%(days)s d against %(usual)s d): "
            "pad ETAs next year."
        ) % {
            "lane": row.label,
            "carrier": row.carrier,
            "over": _percent(over),
            "days": number_format(row.median_days or 0, 1),
            "usual": number_format(row.lane_median_days or 0, 1),
        }
        found.append(Recommendation("lane", text, over))
    return found


def product_rule(report: SeasonReport) -> list[Recommendation]:
    found = []
    for row in report.products:
        multiple = row.rate_multiple
        if row.units_returned < PRODUCT_MIN_RETURNED_UNITS or multiple is None:
            continue
        if multiple < PRODUCT_RETURN_MULTIPLE_THRESHOLD:
            continue
        text = _(
            "Product %(sku)s (%(title)s) return rate %(rate)s was %(multiple)s its category's: "
            "check its quality and description."
        ) % {
            "sku": row.sku,
            "title": row.title,
            "rate": _percent(row.return_rate or 0),
            "multiple": _times(multiple),
        }
        found.append(Recommendation("product", text, multiple))
    return found


def csat_rule(report: SeasonReport) -> list[Recommendation]:
    during, normal = report.during, report.normal
    if normal is None or during.csat_average is None or normal.csat_average is None:
        return []
    if min(during.csat_responses, normal.csat_responses) < CSAT_MIN_RESPONSES:
        return []
    drop = normal.csat_average - during.csat_average
    if drop < CSAT_DROP_THRESHOLD:
        return []
    text = _(
        "CSAT fell to %(peak)s at the peak from %(normal)s in normal weeks: "
        "read the low-scored tickets' comments before next season."
    ) % {"peak": number_format(during.csat_average, 2), "normal": number_format(normal.csat_average, 2)}
    return [Recommendation("csat", text, drop)]


RULES = (volume_rule, first_response_rule, intent_rule, lane_rule, product_rule, csat_rule)


def recommendations_for(report: SeasonReport) -> list[Recommendation]:
    return [recommendation for rule in RULES for recommendation in rule(report)]

"""The calendar of peak seasons per market, and creating a year's seasonal rule sets from it.

Each season gives, for a year, the four local dates of its phases (prepare, peak, peak end,
review end; see ``SeasonalRuleSet``). ``season_rule_sets_create`` turns them into one rule set
per season and market whose boundaries are local midnight in the market's time zone, so the
beat swap (``helpdesk.seasons.rule_sets_swap_due``) flips Berlin's and Shanghai's at their own
midnights. Chinese New Year is one rule set for every market (the slowdown is at the origin:
Chinese carriers and warehouses), in China's time zone.

Dates that move: Black Friday is the day after the fourth Thursday of November and Cyber Monday
three days later; Chinese New Year comes from the ``holidays`` package's Chinese calendar; Prime
Day is announced by Amazon each year, so the calendar estimates it (second Tuesday of July) and
a manager corrects the dates in admin once they are known. Custom seasons are made in admin.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import holidays
from django.db import transaction

from helpdesk.models import SeasonalRuleSet

Kind = SeasonalRuleSet.Kind

# The market's time zone (its main one, for countries with several) by ISO country code.
MARKET_TIME_ZONES: dict[str, str] = {
    "US": "America/New_York",
    "CA": "America/Toronto",
    "MX": "America/Mexico_City",
    "BR": "America/Sao_Paulo",
    "GB": "Europe/London",
    "DE": "Europe/Berlin",
    "FR": "Europe/Paris",
    "ES": "Europe/Madrid",
    "IT": "Europe/Rome",
    "NL": "Europe/Amsterdam",
    "PL": "Europe/Warsaw",
    "SE": "Europe/Stockholm",
    "AU": "Australia/Sydney",
    "JP": "Asia/Tokyo",
    "KR": "Asia/Seoul",
    "CN": "Asia/Shanghai",
    "HK": "Asia/Hong_Kong",
}
# The rule set for every market at once (markets = [] on the model).
ALL_MARKETS = "*"

WESTERN = ("US", "CA", "GB", "DE", "FR", "ES", "IT", "NL", "PL", "SE", "AU")


@dataclass(frozen=True)
class SeasonDates:
    """Local dates: before = [prepare, peak), during = [peak, peak_end), after = [peak_end, review_end)."""

    prepare: dt.date
    peak: dt.date
    peak_end: dt.date
    review_end: dt.date


@dataclass(frozen=True)
class Season:
    kind: str
    name: str  # "{year}" is filled in
    markets: tuple[str, ...]
    dates: Callable[[int], SeasonDates]
    overrides: Callable[[int], dict[str, dict[str, object]]]


def black_friday(year: int) -> dt.date:
    """The day after the fourth Thursday of November."""
    first = dt.date(year, 11, 1)
    first_thursday = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return first_thursday + dt.timedelta(days=21 + 1)


def chinese_new_year(year: int) -> dt.date:
    """The first day of the Spring Festival, from the ``holidays`` package's Chinese calendar."""
    days = holidays.China(years=year, language="en_US").get_named("Spring Festival")
    if not days:
        raise ValueError(f"the holidays package has no Chinese New Year for {year}")
    return min(days)


def prime_day_estimate(year: int) -> dt.date:
    """The second Tuesday of July: an estimate until Amazon announces the dates."""
    first = dt.date(year, 7, 1)
    return first + dt.timedelta(days=(1 - first.weekday()) % 7 + 7)


def _days(start: dt.date, *offsets: int) -> SeasonDates:
    prepare, peak, peak_end, review_end = (start + dt.timedelta(days=offset) for offset in offsets)
    return SeasonDates(prepare, peak, peak_end, review_end)


def _peak(sla_factor: float = 1.5, **extra: object) -> dict[str, dict[str, object]]:
    return {
        "before": {"staffing_note": "Peak ahead: check templates and overflow staffing."},
        "during": {"sla_factor": sla_factor, "proactive_delay_notices": True, **extra},
        "after": {"review_report": True},
    }


SEASONS: tuple[Season, ...] = (
    Season(
        Kind.VALENTINES,
        "Valentine's Day {year}",
        (*WESTERN, "JP", "KR"),
        lambda year: SeasonDates(
            dt.date(year, 1, 20), dt.date(year, 2, 1), dt.date(year, 2, 15), dt.date(year, 2, 28)
        ),
        lambda year: _peak(1.2, priority_weights={"gift_order": 1.5}),
    ),
    Season(
        Kind.CHINESE_NEW_YEAR,
        "Chinese New Year {year}",
        (ALL_MARKETS,),
        # Factories and carriers stop about ten days before and restart after the Lantern Festival.
        lambda year: _days(chinese_new_year(year), -28, -10, 15, 30),
        lambda year: _peak(1.3, delivery_padding_days=10),
    ),
    Season(
        Kind.SIX_EIGHTEEN,
        "618 mid-year sale {year}",
        ("CN", "HK"),
        lambda year: SeasonDates(
            dt.date(year, 5, 20), dt.date(year, 6, 1), dt.date(year, 6, 19), dt.date(year, 7, 3)
        ),
        lambda year: _peak(1.5, delivery_padding_days=2),
    ),
    Season(
        Kind.PRIME_DAY,
        "Prime Day {year}",
        ("US", "CA", "GB", "DE", "FR", "ES", "IT", "JP"),
        lambda year: _days(prime_day_estimate(year), -14, 0, 4, 18),
        lambda year: _peak(1.3),
    ),
    Season(
        Kind.SINGLES_DAY,
        "Singles' Day {year}",
        ("CN", "HK", "KR", "ES", "PL", "BR"),
        lambda year: SeasonDates(
            dt.date(year, 10, 20), dt.date(year, 11, 1), dt.date(year, 11, 12), dt.date(year, 11, 30)
        ),
        lambda year: _peak(1.5, delivery_padding_days=3),
    ),
    Season(
        Kind.BLACK_FRIDAY,
        "Black Friday / Cyber Monday {year}",
        (*WESTERN, "MX", "BR", "JP"),
        # Peak from Black Friday to the day after Cyber Monday (Friday + 3).
        lambda year: _days(black_friday(year), -21, 0, 5, 26),
        lambda year: _peak(1.5, return_window_extension_until=f"{year + 1}-01-31"),
    ),
    Season(
        Kind.CHRISTMAS,
        "Christmas and New Year {year}",
        WESTERN,
        lambda year: SeasonDates(
            dt.date(year, 12, 1), dt.date(year, 12, 10), dt.date(year + 1, 1, 7), dt.date(year + 1, 1, 31)
        ),
        # Gift orders that must arrive before 24 December come first.
        lambda year: _peak(
            1.5, priority_weights={"gift_order": 2.0}, return_window_extension_until=f"{year + 1}-01-31"
        ),
    ),
)


@dataclass(frozen=True)
class PlannedRuleSet:
    slug: str
    name: str
    kind: str
    market: str  # ALL_MARKETS for every market
    time_zone: str
    prepare_from: dt.datetime
    peak_from: dt.datetime
    peak_until: dt.datetime
    review_until: dt.datetime
    overrides: dict[str, dict[str, object]]


def season_plan(*, year: int, markets: list[str] | None = None) -> list[PlannedRuleSet]:
    """The rule sets the calendar gives for ``year`` (peaks in that year), optionally for some markets.

    Raises ``ValueError`` for a market the calendar has no time zone for.
    """
    wanted = {market.upper() for market in markets} if markets else None
    if wanted is not None and (unknown := wanted - set(MARKET_TIME_ZONES) - {ALL_MARKETS}):
        raise ValueError(
            f"no time zone for market(s) {', '.join(sorted(unknown))}; known: {', '.join(MARKET_TIME_ZONES)}"
        )
    planned = []
    for season in SEASONS:
        dates = season.dates(year)
        for market in season.markets:
            if wanted is not None and market not in wanted and market != ALL_MARKETS:
                continue
            time_zone = "Asia/Shanghai" if market == ALL_MARKETS else MARKET_TIME_ZONES[market]
            zone = ZoneInfo(time_zone)

            def midnight(day: dt.date, zone: ZoneInfo = zone) -> dt.datetime:
                return dt.datetime.combine(day, dt.time(), zone)

            slug = f"{season.kind.replace('_', '-')}-{year}"
            name = season.name.format(year=year)
            if market != ALL_MARKETS:
                slug, name = f"{slug}-{market.lower()}", f"{name} ({market})"
            planned.append(
                PlannedRuleSet(
                    slug=slug,
                    name=name,
                    kind=season.kind,
                    market=market,
                    time_zone=time_zone,
                    prepare_from=midnight(dates.prepare),
                    peak_from=midnight(dates.peak),
                    peak_until=midnight(dates.peak_end),
                    review_until=midnight(dates.review_end),
                    overrides=season.overrides(year),
                )
            )
    return planned


@transaction.atomic
def season_rule_sets_create(*, year: int, markets: list[str] | None = None) -> tuple[int, int]:
    """Create the year's rule sets from the calendar. Idempotent by slug: a rule set that exists
    (perhaps edited by a manager) is left as it is. Returns (created, already there)."""
    created = existing = 0
    for plan in season_plan(year=year, markets=markets):
        _, was_created = SeasonalRuleSet.objects.get_or_create(
            slug=plan.slug,
            defaults={
                "name": plan.name,
                "kind": plan.kind,
                "markets": [] if plan.market == ALL_MARKETS else [plan.market],
                "timezone": plan.time_zone,
                "prepare_from": plan.prepare_from,
                "peak_from": plan.peak_from,
                "peak_until": plan.peak_until,
                "review_until": plan.review_until,
                "overrides": plan.overrides,
            },
        )
        if was_created:
            created += 1
        else:
            existing += 1
    return created, existing


def public_holidays(*, country: str, year: int) -> list[tuple[dt.date, str]]:
    """A country's public holidays in a year, from the ``holidays`` package, by date.

    Raises ``ValueError`` for a country the package does not know.
    """
    try:
        calendar = holidays.country_holidays(country.upper(), years=year)
    except NotImplementedError as error:
        raise ValueError(f"the holidays package has no public holidays for country {country!r}") from error
    return sorted(calendar.items())

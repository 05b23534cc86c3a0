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

``rule_sets_copy_to_next_year`` (the admin's "Copy to next year") makes an existing rule set,
perhaps edited by a manager, again for its season's next occurrence, its dates moved the same way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import holidays
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext

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


# --- Next year's rule sets from this year's --------------------------------------------------

# Seasons pinned to one calendar day; the others move (see ``season_anchor``).
_FIXED_DAYS: dict[str, tuple[int, int]] = {
    Kind.VALENTINES: (2, 14),
    Kind.SIX_EIGHTEEN: (6, 18),
    Kind.SINGLES_DAY: (11, 11),
    Kind.CHRISTMAS: (12, 25),
}
_MOVING_DAYS: dict[str, Callable[[int], dt.date]] = {
    Kind.BLACK_FRIDAY: black_friday,
    Kind.CHINESE_NEW_YEAR: chinese_new_year,
    Kind.PRIME_DAY: prime_day_estimate,
}


def season_anchor(*, kind: str, year: int) -> dt.date | None:
    """The day a season of ``kind`` is pinned to in ``year`` (Black Friday, the first day of
    Chinese New Year, 11 November, …); ``None`` for a custom season, which has no such day.

    Raises ``ValueError`` when the calendar cannot tell (a Chinese New Year beyond the
    ``holidays`` package's range)."""
    if kind in _FIXED_DAYS:
        month, day = _FIXED_DAYS[kind]
        return dt.date(year, month, day)
    if kind in _MOVING_DAYS:
        return _MOVING_DAYS[kind](year)
    return None


def _same_day_next_year(day: dt.date) -> dt.date:
    # 29 February has no twin in the next year: the day before is the closest.
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def _occurrence_year(rule_set: SeasonalRuleSet, zone: ZoneInfo) -> int:
    """The year of the season a rule set is for: the year whose anchor day is nearest its peak
    (a Christmas peak starting on 10 December is that year's Christmas, a Chinese New Year peak
    in late January the Spring Festival of that year)."""
    peak = rule_set.peak_from.astimezone(zone).date()
    candidates = []
    for year in (peak.year - 1, peak.year, peak.year + 1):
        anchor = season_anchor(kind=rule_set.kind, year=year)
        if anchor is not None:
            candidates.append((abs((anchor - peak).days), year))
    return min(candidates)[1] if candidates else peak.year


def _with_next_year(text: str, year: int, *, separator: str) -> str:
    """``text`` with the year ``year`` replaced by the next one, or the next year appended."""
    pattern = re.compile(rf"(?<!\d){year}(?!\d)")
    if pattern.search(text):
        return pattern.sub(str(year + 1), text)
    return f"{text}{separator}{year + 1}"


def _moved_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """The overrides with every date value one year on ("return_window_extension_until":
    "2027-01-31" for the 2026 peak becomes "2028-01-31"): those dates are calendar days a
    manager chose, not days counted from the season's anchor."""
    moved: dict[str, Any] = {}
    for phase, values in overrides.items():
        if not isinstance(values, dict):
            moved[phase] = values
            continue
        moved[phase] = {}
        for key, value in values.items():
            if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                # Not a real date: left as it is, and the copy's validation reports it.
                with contextlib.suppress(ValueError):
                    value = _same_day_next_year(dt.date.fromisoformat(value)).isoformat()
            moved[phase][key] = value
    return moved


@dataclass(frozen=True)
class NextYearPlan:
    """Where a rule set's copy for the season's next occurrence goes."""

    slug: str
    name: str
    prepare_from: dt.datetime
    peak_from: dt.datetime
    peak_until: dt.datetime
    review_until: dt.datetime
    overrides: dict[str, Any]


def rule_set_next_year_plan(*, rule_set: SeasonalRuleSet) -> NextYearPlan:
    """The same rule set for the season's next occurrence, its dates moved with the calendar.

    Each boundary keeps its distance in days from the season's anchor day (Black Friday moves
    with Thanksgiving, Chinese New Year with the lunar calendar; 11.11 and Christmas stay on
    their day) and its local time of day in the rule set's time zone, so dates a manager
    adjusted by hand keep the adjustment. A custom season moves by one calendar year.
    Raises ``ValueError`` when the calendar cannot give the next occurrence.
    """
    zone = ZoneInfo(rule_set.timezone)
    year = _occurrence_year(rule_set, zone)
    anchor = season_anchor(kind=rule_set.kind, year=year)
    next_anchor = season_anchor(kind=rule_set.kind, year=year + 1)

    def moved(boundary: dt.datetime) -> dt.datetime:
        local = boundary.astimezone(zone)
        if anchor is None or next_anchor is None:
            day = _same_day_next_year(local.date())
        else:
            day = next_anchor + (local.date() - anchor)
        return dt.datetime.combine(day, local.time(), zone)

    slug = _with_next_year(rule_set.slug, year, separator="-")
    slug_limit = SeasonalRuleSet._meta.get_field("slug").max_length or 80
    if len(slug) > slug_limit:
        slug = f"{rule_set.slug[: slug_limit - 5]}-{year + 1}"
    return NextYearPlan(
        slug=slug,
        name=_with_next_year(rule_set.name, year, separator=" "),
        prepare_from=moved(rule_set.prepare_from),
        peak_from=moved(rule_set.peak_from),
        peak_until=moved(rule_set.peak_until),
        review_until=moved(rule_set.review_until),
        overrides=_moved_overrides(rule_set.overrides or {}),
    )


@dataclass(frozen=True)
class NextYearCopies:
    created: list[SeasonalRuleSet]  # the new rule sets, disabled until a manager checks them
    skipped: list[tuple[SeasonalRuleSet, str]]  # (rule set copied from, why not)


@transaction.atomic
def rule_sets_copy_to_next_year(*, rule_sets: Iterable[SeasonalRuleSet]) -> NextYearCopies:
    """Create each rule set again for its season's next occurrence (``rule_set_next_year_plan``).

    The copies are disabled and inactive: a manager checks the dates (Prime Day's are an
    estimate) and enables them. Idempotent by slug: a rule set whose copy exists already (made
    before, or planned from the calendar by ``seasons_plan``) is skipped, so running it twice
    creates nothing the second time.
    """
    created: list[SeasonalRuleSet] = []
    skipped: list[tuple[SeasonalRuleSet, str]] = []
    for rule_set in rule_sets:
        try:
            plan = rule_set_next_year_plan(rule_set=rule_set)
        except ValueError as error:
            skipped.append((rule_set, str(error)))
            continue
        if SeasonalRuleSet.objects.filter(slug=plan.slug).exists():
            skipped.append((rule_set, gettext("“%(slug)s” exists already") % {"slug": plan.slug}))
            continue
        copy = SeasonalRuleSet(
            name=plan.name[: SeasonalRuleSet._meta.get_field("name").max_length],
            slug=plan.slug,
            kind=rule_set.kind,
            markets=list(rule_set.markets or []),
            timezone=rule_set.timezone,
            prepare_from=plan.prepare_from,
            peak_from=plan.peak_from,
            peak_until=plan.peak_until,
            review_until=plan.review_until,
            overrides=plan.overrides,
            is_enabled=False,
            phase=SeasonalRuleSet.Phase.INACTIVE,
        )
        try:
            copy.full_clean()
        except ValidationError as error:
            skipped.append((rule_set, "; ".join(error.messages)))
            continue
        try:
            # A savepoint: a manager copying the same rule set at this moment wins the slug.
            with transaction.atomic():
                copy.save()
        except IntegrityError:
            skipped.append((rule_set, gettext("“%(slug)s” exists already") % {"slug": plan.slug}))
            continue
        copy.stores.set(rule_set.stores.all())
        created.append(copy)
    return NextYearCopies(created=created, skipped=skipped)

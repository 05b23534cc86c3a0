"""Business-hours clock for SLA targets: pure arithmetic, no database.

A `BusinessCalendar` is a week of working intervals in a team's local time,
minus public holidays and extra closed days. Every computation works on UTC
instants, one local day at a time (never minute by minute), so changes of
daylight-saving time come out right: a local 09:00–18:00 day is nine open hours
even on the day the clocks change, and a 00:00–24:00 day is 23 or 25 hours then.

Limitations, on purpose:

- An interval cannot cross midnight. Split a night shift into 22:00–24:00 on one
  weekday and 00:00–06:00 on the next.
- A public holiday closes the whole local day. Make-up working days (China's
  "adjusted" Saturdays and Sundays around Golden Week) stay closed: the
  `holidays` package lists days off, not extra working days.
- Only national holidays of `holiday_country`; no states, provinces or Länder.
- An interval boundary that falls in a daylight-saving gap (02:30 on a
  spring-forward night) is read with the offset from before the change, i.e.
  shifted forward by the gap (03:30); an ambiguous one (the repeated hour in
  autumn) is read as its first occurrence. This is PEP 495's `fold=0`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = ["BusinessCalendar", "add_business_minutes", "business_minutes_between"]

DayHours = tuple[tuple[time, time], ...]
Interval = tuple[datetime, datetime]

# With no open time at all for this many consecutive days, a calendar is broken, not just quiet.
NEVER_OPEN_HORIZON_DAYS = 400

_MINUTE = timedelta(minutes=1)
_DAY = timedelta(days=1)
# As an interval's end, midnight means 24:00, the end of that day (intervals never cross midnight).
_END_OF_DAY = time(0)
_ALL_DAY: DayHours = ((time(0), _END_OF_DAY),)
_HHMM = re.compile(r"(?:[01]\d|2[0-3]):[0-5]\d")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class BusinessCalendar:
    """When a team's SLA clock runs.

    `hours` maps a weekday (0 = Monday) to its working intervals in local time;
    a weekday that is missing or empty is closed, and an empty mapping means
    around the clock. An interval ending at `time(0)` ends at 24:00.
    """

    timezone: str
    hours: Mapping[int, DayHours] = field(hash=False)
    holiday_country: str = ""
    extra_closed_days: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        _zone(self.timezone)
        object.__setattr__(self, "hours", MappingProxyType(_checked_hours(self.hours)))
        country = self.holiday_country.strip().upper()
        if country and country not in _supported_countries():
            raise ValueError(
                f"holiday country {self.holiday_country!r} is not supported by the holidays package "
                "(use an ISO 3166 code such as 'DE', or leave it empty for none)"
            )
        object.__setattr__(self, "holiday_country", country)
        object.__setattr__(self, "extra_closed_days", frozenset(self.extra_closed_days))

    @classmethod
    def from_team(cls, team: object) -> BusinessCalendar:
        """Read `timezone`, `business_hours` and `holiday_country` off a Team (or anything shaped like one)."""
        timezone = getattr(team, "timezone", None)
        if not isinstance(timezone, str) or not timezone:
            raise ValueError(f"team time zone must be an IANA name such as 'Europe/Berlin', got {timezone!r}")
        country = getattr(team, "holiday_country", None) or ""
        if not isinstance(country, str):
            raise ValueError(f"team holiday_country must be an ISO 3166 code or empty, got {country!r}")
        business_hours = getattr(team, "business_hours", None)
        hours = _parse_business_hours({} if business_hours is None else business_hours)
        return cls(timezone=timezone, hours=hours, holiday_country=country)

    @classmethod
    def around_the_clock(cls) -> BusinessCalendar:
        """Open every minute of every day: business time equals elapsed time."""
        return cls(timezone="UTC", hours={})

    @property
    def zone(self) -> ZoneInfo:
        return _zone(self.timezone)

    def is_open(self, moment: datetime) -> bool:
        instant = _as_utc(moment, name="moment")
        day = instant.astimezone(self.zone).date()
        return any(
            opens <= instant < closes
            for local_day in (day - _DAY, day)
            for opens, closes in _day_intervals(self, local_day)
        )


def add_business_minutes(*, start: datetime, minutes: int, calendar: BusinessCalendar) -> datetime:
    """The UTC instant at which `minutes` of open time have elapsed after `start`.

    A clock started outside business hours starts at the next opening, so
    `minutes=0` moves a closed `start` to the next opening.
    """
    start_utc = _as_utc(start, name="start")
    if minutes < 0:
        raise ValueError(f"minutes must not be negative, got {minutes}")
    _check_ever_open(calendar)
    if _is_plain_clock(calendar):
        return start_utc + timedelta(minutes=minutes)
    remaining = timedelta(minutes=minutes)
    for opens, closes in _open_intervals(calendar, start=start_utc):
        if closes - opens >= remaining:
            return opens + remaining
        remaining -= closes - opens
    raise AssertionError("unreachable: _open_intervals is endless or raises")  # pragma: no cover


def business_minutes_between(*, start: datetime, end: datetime, calendar: BusinessCalendar) -> int:
    """Whole open minutes (rounded down) in [start, end); 0 when `end` is not after `start`."""
    start_utc = _as_utc(start, name="start")
    end_utc = _as_utc(end, name="end")
    if end_utc <= start_utc:
        return 0
    _check_ever_open(calendar)
    if _is_plain_clock(calendar):
        return (end_utc - start_utc) // _MINUTE
    total = timedelta()
    for opens, closes in _open_intervals(calendar, start=start_utc, until=end_utc):
        if opens >= end_utc:
            break
        total += min(closes, end_utc) - opens
    return total // _MINUTE


# Walking the calendar ------------------------------------------------------------------------------


def _open_intervals(
    calendar: BusinessCalendar, *, start: datetime, until: datetime | None = None
) -> Iterator[Interval]:
    """Open UTC intervals from `start` on, in order, clipped to begin no earlier than `start`.

    Endless without `until` (raising after NEVER_OPEN_HORIZON_DAYS closed days in a row);
    with it, stops after the local day that holds `until`.
    """
    zone = calendar.zone
    day = start.astimezone(zone).date() - _DAY  # an interval of the day before may still be running
    last_day = until.astimezone(zone).date() if until is not None else None
    closed_days_in_a_row = 0
    while last_day is None or day <= last_day:
        found = False
        for opens, closes in _day_intervals(calendar, day):
            if closes > start:
                found = True
                yield max(opens, start), closes
        closed_days_in_a_row = 0 if found else closed_days_in_a_row + 1
        if last_day is None and closed_days_in_a_row > NEVER_OPEN_HORIZON_DAYS:
            raise ValueError(
                f"business calendar ({calendar.timezone}) is never open: no open time in the "
                f"{NEVER_OPEN_HORIZON_DAYS} days after {start.isoformat()}"
            )
        day += _DAY


def _day_intervals(calendar: BusinessCalendar, day: date) -> Iterator[Interval]:
    """The UTC intervals during which `calendar` is open on local date `day`."""
    if day in calendar.extra_closed_days:
        return
    if calendar.holiday_country and day in _public_holidays(calendar.holiday_country, day.year):
        return
    day_hours = calendar.hours.get(day.weekday(), ()) if calendar.hours else _ALL_DAY
    zone = calendar.zone
    for opening, closing in day_hours:
        opens = _local_to_utc(day, opening, zone)
        closes = _local_to_utc(day + _DAY if closing == _END_OF_DAY else day, closing, zone)
        if closes > opens:  # empty only when both ends fall in one daylight-saving gap
            yield opens, closes


def _local_to_utc(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def _is_plain_clock(calendar: BusinessCalendar) -> bool:
    return not calendar.hours and not calendar.holiday_country and not calendar.extra_closed_days


def _check_ever_open(calendar: BusinessCalendar) -> None:
    if calendar.hours and not any(calendar.hours.values()):
        raise ValueError(
            f"business calendar ({calendar.timezone}) is never open: it has weekdays but no working "
            "intervals on any of them (an empty mapping means around the clock)"
        )


def _as_utc(value: datetime, *, name: str) -> datetime:
    if value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {value.isoformat()}")
    return value.astimezone(UTC)


# Cached, immutable reference data -------------------------------------------------------------------


@functools.lru_cache(maxsize=1024)
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"time zone {name!r} is not a known IANA time zone") from exc


@functools.lru_cache(maxsize=1)
def _supported_countries() -> frozenset[str]:
    return frozenset(holidays.list_supported_countries())


@functools.lru_cache(maxsize=512)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year).keys())


# Validation -----------------------------------------------------------------------------------------


def _checked_hours(hours: object) -> dict[int, DayHours]:
    """Weekday intervals sorted by start, after checking they are well formed and do not overlap."""
    if not isinstance(hours, Mapping):
        raise ValueError(f"business hours must map weekdays (0 = Monday) to intervals, got {hours!r}")
    checked: dict[int, DayHours] = {}
    for weekday, intervals in hours.items():
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            raise ValueError(f"business hours: weekday {weekday!r} is not 0-6 (0 = Monday)")
        day_name = _WEEKDAYS[weekday]
        for interval in intervals:
            if not (
                isinstance(interval, tuple)
                and len(interval) == 2
                and all(isinstance(bound, time) and bound.tzinfo is None for bound in interval)
            ):
                raise ValueError(
                    f"business hours on {day_name}: {interval!r} is not a (start, end) pair of naive times"
                )
        ordered: DayHours = tuple(sorted(intervals))
        previous_end: time | None = None
        for opening, closing in ordered:
            if closing != _END_OF_DAY and closing <= opening:
                raise ValueError(
                    f"business hours on {day_name}: {opening:%H:%M}-{closing:%H:%M} does not end after it "
                    "starts; intervals cannot cross midnight (end the day at 24:00)"
                )
            if previous_end is not None and (previous_end == _END_OF_DAY or opening < previous_end):
                raise ValueError(
                    f"business hours on {day_name}: the interval starting {opening:%H:%M} overlaps the one "
                    f"ending {'24:00' if previous_end == _END_OF_DAY else f'{previous_end:%H:%M}'}"
                )
            previous_end = closing
        checked[weekday] = ordered
    return checked


def _parse_business_hours(raw: object) -> dict[int, DayHours]:
    """Team.business_hours JSON, {"0": [["09:00", "18:00"]], ...}, as weekday -> (start, end) times."""
    if not isinstance(raw, Mapping):
        raise ValueError(
            f'business_hours must be an object like {{"0": [["09:00", "18:00"]]}}, got {type(raw).__name__}'
        )
    parsed: dict[int, DayHours] = {}
    for key, intervals in raw.items():
        weekday = _parse_weekday(key)
        if weekday in parsed:
            raise ValueError(f"business_hours lists weekday {weekday} twice")
        where = f"business_hours[{key!r}]"
        if not isinstance(intervals, list | tuple):
            raise ValueError(f'{where} must be a list of ["HH:MM", "HH:MM"] pairs, got {intervals!r}')
        pairs: list[tuple[time, time]] = []
        for position, pair in enumerate(intervals):
            at = f"{where}[{position}]"
            if not isinstance(pair, list | tuple) or len(pair) != 2:
                raise ValueError(f'{at} must be a ["HH:MM", "HH:MM"] pair, got {pair!r}')
            opening = _parse_hhmm(pair[0], at=f"{at} start", end_of_day_allowed=False)
            closing = _parse_hhmm(pair[1], at=f"{at} end", end_of_day_allowed=True)
            if pair[1] != "24:00" and closing <= opening:
                raise ValueError(
                    f"{at}: end {pair[1]!r} is not after start {pair[0]!r}; intervals cannot cross "
                    'midnight, so split them and end the first at "24:00"'
                )
            pairs.append((opening, closing))
        parsed[weekday] = tuple(pairs)
    return parsed


def _parse_weekday(key: object) -> int:
    if isinstance(key, int) and not isinstance(key, bool) and 0 <= key <= 6:
        return key
    if isinstance(key, str) and key in {"0", "1", "2", "3", "4", "5", "6"}:
        return int(key)
    raise ValueError(f"business_hours key {key!r} is not a weekday number 0-6 (0 = Monday)")


def _parse_hhmm(value: object, *, at: str, end_of_day_allowed: bool) -> time:
    if end_of_day_allowed and value == "24:00":
        return _END_OF_DAY
    if not isinstance(value, str) or not _HHMM.fullmatch(value):
        allowed = '"00:00" to "23:59", or "24:00"' if end_of_day_allowed else '"00:00" to "23:59"'
        raise ValueError(f"{at} {value!r} is not a time in HH:MM form ({allowed})")
    hour, minute = value.split(":")
    return time(int(hour), int(minute))

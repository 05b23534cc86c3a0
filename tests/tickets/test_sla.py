"""The SLA clock only runs in business hours, across weekends, public holidays and clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import holidays
import pytest

from tickets.models import Team
from tickets.sla import BusinessCalendar, add_business_minutes, business_minutes_between

SHANGHAI = ZoneInfo("Asia/Shanghai")  # UTC+8 all year
BERLIN = ZoneInfo("Europe/Berlin")  # CET UTC+1, CEST UTC+2 from 2024-03-31 to 2024-10-27
NEW_YORK = ZoneInfo("America/New_York")  # EST UTC-5, EDT UTC-4 from 2024-03-10 to 2024-11-03

NINE_TO_SIX = ((time(9), time(18)),)
WEEKDAYS = range(5)


def calendar(tz: str, day_hours, *, days=WEEKDAYS, country: str = "") -> BusinessCalendar:
    return BusinessCalendar(timezone=tz, hours=dict.fromkeys(days, day_hours), holiday_country=country)


SHANGHAI_TEAM = calendar("Asia/Shanghai", NINE_TO_SIX, country="CN")
BERLIN_TEAM = calendar("Europe/Berlin", NINE_TO_SIX, country="DE")
BERLIN_SEVEN_DAYS = calendar("Europe/Berlin", NINE_TO_SIX, days=range(7))
BERLIN_ALL_DAY = calendar("Europe/Berlin", ((time(0), time(0)),), days=range(7))  # 00:00-24:00
NEW_YORK_TEAM = calendar("America/New_York", ((time(9), time(17)),), country="US")
LUNCH_BREAK = calendar("UTC", ((time(9), time(12)), (time(13), time(18))))


def due(start: datetime, minutes: int, cal: BusinessCalendar) -> datetime:
    result = add_business_minutes(start=start, minutes=minutes, calendar=cal)
    assert result.tzinfo is UTC
    return result


def between(start: datetime, end: datetime, cal: BusinessCalendar) -> int:
    return business_minutes_between(start=start, end=end, calendar=cal)


# Shanghai, China: Monday to Friday 09:00-18:00 with CN public holidays -------------------------------


def test_a_friday_evening_ticket_in_shanghai_is_due_on_monday_morning():
    # Fri 2024-03-15 17:30 CST: 30 minutes left that day; Mon 2024-03-18 09:00 + 30 = 09:30 CST = 01:30 UTC.
    friday = datetime(2024, 3, 15, 17, 30, tzinfo=SHANGHAI)

    assert due(friday, 60, SHANGHAI_TEAM) == datetime(2024, 3, 18, 1, 30, tzinfo=UTC)


def test_the_holidays_package_marks_golden_week_2024_as_october_1_to_4_and_7():
    marked = {day for day in holidays.country_holidays("CN", years=2024) if day.month == 10}

    # 5 and 6 October are a weekend anyway; the make-up working days (29 Sep, 12 Oct) are not listed.
    assert marked == {date(2024, 10, day) for day in (1, 2, 3, 4, 7)}


def test_a_ticket_just_before_golden_week_waits_until_the_week_is_over():
    # Mon 2024-09-30 17:00 CST: 60 minutes that day; Oct 1-4 and 7 are holidays, 5-6 a weekend;
    # Tue 2024-10-08 09:00 + 60 = 10:00 CST = 02:00 UTC.
    start = datetime(2024, 9, 30, 17, tzinfo=SHANGHAI)

    assert due(start, 120, SHANGHAI_TEAM) == datetime(2024, 10, 8, 2, 0, tzinfo=UTC)


def test_a_ticket_arriving_during_golden_week_starts_its_clock_after_it():
    # Thu 2024-10-03 10:00 CST is National Day: closed; Tue 2024-10-08 09:00 + 30 = 09:30 CST = 01:30 UTC.
    start = datetime(2024, 10, 3, 10, tzinfo=SHANGHAI)

    assert not SHANGHAI_TEAM.is_open(start)
    assert due(start, 30, SHANGHAI_TEAM) == datetime(2024, 10, 8, 1, 30, tzinfo=UTC)


def test_golden_week_2025_closes_october_1_to_8():
    marked = {day for day in holidays.country_holidays("CN", years=2025) if day.month == 10}
    assert marked == {date(2025, 10, day) for day in (1, 2, 3, 6, 7, 8)}  # 4 and 5 are a weekend
    # Tue 2025-09-30 17:45 CST: 15 minutes that day; Thu 2025-10-09 09:00 + 15 = 09:15 CST = 01:15 UTC.
    start = datetime(2025, 9, 30, 17, 45, tzinfo=SHANGHAI)

    assert due(start, 30, SHANGHAI_TEAM) == datetime(2025, 10, 9, 1, 15, tzinfo=UTC)


# Berlin, Germany: clocks go forward on Sun 2024-03-31 and back on Sun 2024-10-27 ------------------------


def test_a_berlin_ticket_waits_over_easter_and_the_march_clock_change():
    # Thu 2024-03-28 17:00 CET: 60 minutes that day; Good Friday, the weekend (clocks go forward)
    # and Easter Monday are closed; Tue 2024-04-02 09:00 + 60 = 10:00 CEST = 08:00 UTC.
    start = datetime(2024, 3, 28, 17, tzinfo=BERLIN)

    assert due(start, 120, BERLIN_TEAM) == datetime(2024, 4, 2, 8, 0, tzinfo=UTC)


def test_a_berlin_ticket_over_the_october_clock_change_is_due_at_local_monday_morning():
    # Fri 2024-10-25 17:30 CEST: 30 minutes that day; Mon 2024-10-28 09:00 + 30 = 09:30 CET = 08:30 UTC.
    start = datetime(2024, 10, 25, 17, 30, tzinfo=BERLIN)

    assert due(start, 60, BERLIN_TEAM) == datetime(2024, 10, 28, 8, 30, tzinfo=UTC)


def test_the_day_clocks_go_forward_still_opens_at_local_nine():
    # Sat 2024-03-30 17:00 CET: 60 minutes that day; Sun 2024-03-31 09:00 CEST + 60 = 10:00 CEST = 08:00 UTC.
    start = datetime(2024, 3, 30, 17, tzinfo=BERLIN)

    assert due(start, 120, BERLIN_SEVEN_DAYS) == datetime(2024, 3, 31, 8, 0, tzinfo=UTC)


def test_the_day_clocks_go_back_still_opens_at_local_nine():
    # Sat 2024-10-26 17:00 CEST: 60 minutes that day; Sun 2024-10-27 09:00 CET + 60 = 10:00 CET = 09:00 UTC.
    start = datetime(2024, 10, 26, 17, tzinfo=BERLIN)

    assert due(start, 120, BERLIN_SEVEN_DAYS) == datetime(2024, 10, 27, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("day", [date(2024, 3, 31), date(2024, 10, 27)])
def test_a_nine_to_six_day_is_nine_hours_even_when_the_clocks_change(day):
    midnight = datetime.combine(day, time(0), tzinfo=BERLIN)
    next_midnight = datetime.combine(day + timedelta(days=1), time(0), tzinfo=BERLIN)

    assert between(midnight, next_midnight, BERLIN_SEVEN_DAYS) == 9 * 60
    # 09:00-18:00 local is 07:00-16:00 UTC in summer time, 08:00-17:00 UTC in winter time.
    assert due(midnight, 9 * 60, BERLIN_SEVEN_DAYS) == datetime.combine(day, time(18), tzinfo=BERLIN)


def test_an_all_day_calendar_has_23_and_25_hour_days_when_the_clocks_change():
    # 2024-03-31 00:00 CET = 03-30 23:00 UTC to 04-01 00:00 CEST = 03-31 22:00 UTC: 23 hours.
    spring = datetime(2024, 3, 31, tzinfo=BERLIN)
    # 2024-10-27 00:00 CEST = 10-26 22:00 UTC to 10-28 00:00 CET = 10-27 23:00 UTC: 25 hours.
    autumn = datetime(2024, 10, 27, tzinfo=BERLIN)

    assert between(spring, spring + timedelta(days=1), BERLIN_ALL_DAY) == 23 * 60
    assert between(autumn, autumn + timedelta(days=1), BERLIN_ALL_DAY) == 25 * 60
    assert due(spring, 23 * 60, BERLIN_ALL_DAY) == datetime(2024, 3, 31, 22, 0, tzinfo=UTC)


# New York, USA: Monday to Friday 09:00-17:00 with US federal holidays ---------------------------------


def test_a_new_york_ticket_skips_thanksgiving_but_not_the_friday_after():
    # Wed 2024-11-27 16:00 EST: 60 minutes that day; Thu 11-28 is Thanksgiving;
    # Fri 2024-11-29 09:00 + 60 = 10:00 EST = 15:00 UTC.
    start = datetime(2024, 11, 27, 16, tzinfo=NEW_YORK)

    assert date(2024, 11, 28) in holidays.country_holidays("US", years=2024)
    assert due(start, 120, NEW_YORK_TEAM) == datetime(2024, 11, 29, 15, 0, tzinfo=UTC)


def test_a_new_york_ticket_over_the_november_clock_change_is_due_at_local_monday_morning():
    # Fri 2024-11-01 16:30 EDT: 30 minutes that day; Mon 2024-11-04 09:00 + 30 = 09:30 EST = 14:30 UTC.
    start = datetime(2024, 11, 1, 16, 30, tzinfo=NEW_YORK)

    assert due(start, 60, NEW_YORK_TEAM) == datetime(2024, 11, 4, 14, 30, tzinfo=UTC)


def test_a_new_york_ticket_over_the_march_clock_change_is_due_at_local_monday_morning():
    # Fri 2024-03-08 16:30 EST: 30 minutes that day; Mon 2024-03-11 09:00 + 30 = 09:30 EDT = 13:30 UTC.
    start = datetime(2024, 3, 8, 16, 30, tzinfo=NEW_YORK)

    assert due(start, 60, NEW_YORK_TEAM) == datetime(2024, 3, 11, 13, 30, tzinfo=UTC)


# Around the clock -----------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", [0, 1, 59, 1440, 30 * 1440])
def test_an_around_the_clock_calendar_is_plain_addition(minutes):
    # Sat 2024-03-30 22:15:30 CET = 21:15:30 UTC; the clocks going forward that night change nothing.
    start = datetime(2024, 3, 30, 22, 15, 30, tzinfo=BERLIN)
    expected = datetime(2024, 3, 30, 21, 15, 30, tzinfo=UTC) + timedelta(minutes=minutes)

    assert due(start, minutes, BusinessCalendar.around_the_clock()) == expected
    assert between(start, expected, BusinessCalendar.around_the_clock()) == minutes


def test_an_around_the_clock_result_is_given_in_utc():
    # 2024-01-01 08:00 JST = 2023-12-31 23:00 UTC; + 90 minutes = 2024-01-01 00:30 UTC.
    start = datetime(2024, 1, 1, 8, tzinfo=ZoneInfo("Asia/Tokyo"))

    assert due(start, 90, BusinessCalendar.around_the_clock()) == datetime(2024, 1, 1, 0, 30, tzinfo=UTC)


def test_an_around_the_clock_team_still_closes_on_public_holidays():
    # Tue 2024-12-24 23:00 CET: 60 minutes to midnight; 25 and 26 December are closed;
    # Fri 2024-12-27 00:00 + 60 = 01:00 CET = 00:00 UTC.
    cal = BusinessCalendar(timezone="Europe/Berlin", hours={}, holiday_country="DE")
    start = datetime(2024, 12, 24, 23, tzinfo=BERLIN)

    assert due(start, 120, cal) == datetime(2024, 12, 27, 0, 0, tzinfo=UTC)


# Split days -----------------------------------------------------------------------------------------


def test_the_clock_stops_over_the_lunch_break():
    # Mon 2024-06-03 11:30 UTC: 30 minutes until 12:00; 13:00 + 30 = 13:30.
    assert due(datetime(2024, 6, 3, 11, 30, tzinfo=UTC), 60, LUNCH_BREAK) == datetime(
        2024, 6, 3, 13, 30, tzinfo=UTC
    )


def test_a_ticket_arriving_in_the_lunch_break_starts_its_clock_after_lunch():
    start = datetime(2024, 6, 3, 12, 15, tzinfo=UTC)

    assert due(start, 0, LUNCH_BREAK) == datetime(2024, 6, 3, 13, 0, tzinfo=UTC)
    assert due(start, 45, LUNCH_BREAK) == datetime(2024, 6, 3, 13, 45, tzinfo=UTC)


def test_a_full_split_day_of_minutes_runs_to_the_same_time_next_working_day():
    # Fri 2024-06-07 17:00: 60 minutes; Mon 09:00-12:00 180 more (240); 13:00 + 240 = 17:00 Mon 2024-06-10.
    start = datetime(2024, 6, 7, 17, tzinfo=UTC)

    assert due(start, 8 * 60, LUNCH_BREAK) == datetime(2024, 6, 10, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (time(8, 59), False),
        (time(9), True),
        (time(11, 59), True),
        (time(12), False),
        (time(12, 59), False),
        (time(13), True),
        (time(17, 59), True),
        (time(18), False),
    ],
)
def test_an_interval_includes_its_start_and_excludes_its_end(moment, is_open):
    monday = date(2024, 6, 3)

    assert LUNCH_BREAK.is_open(datetime.combine(monday, moment, tzinfo=UTC)) is is_open


def test_a_team_without_saturday_hours_is_closed_on_saturday():
    assert not LUNCH_BREAK.is_open(datetime(2024, 6, 8, 10, tzinfo=UTC))


def test_a_night_shift_split_at_midnight_runs_on_through_it():
    team = SimpleNamespace(
        timezone="UTC",
        business_hours={"4": [["18:00", "24:00"]], "5": [["00:00", "06:00"]]},
        holiday_country="",
    )
    # Fri 2024-06-07 23:30: 30 minutes to 24:00, then Sat 00:00 + 30 = 00:30.
    start = datetime(2024, 6, 7, 23, 30, tzinfo=UTC)

    assert due(start, 60, BusinessCalendar.from_team(team)) == datetime(2024, 6, 8, 0, 30, tzinfo=UTC)


# Counting business minutes --------------------------------------------------------------------------


def test_minutes_between_skip_a_weekend_and_a_holiday():
    # Fri 2024-09-13 17:00 to Wed 2024-09-18 10:00 CST: Friday 60; the weekend, Mon 16 (day off) and
    # Tue 17 (Mid-Autumn Festival) are closed; Wednesday 60. Total 120.
    start = datetime(2024, 9, 13, 17, tzinfo=SHANGHAI)
    end = datetime(2024, 9, 18, 10, tzinfo=SHANGHAI)

    assert between(start, end, SHANGHAI_TEAM) == 120


def test_minutes_between_skip_golden_week():
    # Mon 2024-09-30 09:00 to Tue 2024-10-08 18:00 CST: two open days of 9 hours each.
    start = datetime(2024, 9, 30, 9, tzinfo=SHANGHAI)
    end = datetime(2024, 10, 8, 18, tzinfo=SHANGHAI)

    assert between(start, end, SHANGHAI_TEAM) == 2 * 9 * 60


def test_minutes_between_count_the_lunch_break_out():
    # 11:00-12:00 and 13:00-14:00.
    assert (
        between(datetime(2024, 6, 3, 11, tzinfo=UTC), datetime(2024, 6, 3, 14, tzinfo=UTC), LUNCH_BREAK)
        == 120
    )


def test_minutes_between_round_down_to_whole_minutes():
    start = datetime(2024, 6, 3, 9, 0, 30, tzinfo=UTC)

    assert between(start, datetime(2024, 6, 3, 9, 2, tzinfo=UTC), LUNCH_BREAK) == 1


def test_minutes_between_are_zero_when_the_end_is_not_after_the_start():
    start = datetime(2024, 6, 3, 10, tzinfo=UTC)

    assert between(start, start, LUNCH_BREAK) == 0
    assert between(start, start - timedelta(hours=1), LUNCH_BREAK) == 0


def test_minutes_between_a_start_and_its_due_time_are_the_minutes_added():
    calendars = [SHANGHAI_TEAM, BERLIN_TEAM, BERLIN_SEVEN_DAYS, BERLIN_ALL_DAY, NEW_YORK_TEAM, LUNCH_BREAK]
    starts = [
        datetime(2024, 3, 28, 17, 59, 30, tzinfo=BERLIN),  # just before closing, with seconds
        datetime(2024, 3, 30, 3, tzinfo=BERLIN),  # a Saturday night before the clocks go forward
        datetime(2024, 6, 3, 12, 30, tzinfo=UTC),  # lunch time
        datetime(2024, 9, 29, 23, 59, tzinfo=SHANGHAI),  # the Sunday night before Golden Week
        datetime(2024, 10, 26, 12, tzinfo=NEW_YORK),  # a Saturday before the clocks go back
        datetime(2024, 11, 27, 9, 15, tzinfo=NEW_YORK),  # the day before Thanksgiving
        datetime(2024, 12, 31, 23, tzinfo=UTC),  # across a year boundary
    ]
    minutes_list = [0, 1, 7, 59, 60, 61, 179, 180, 181, 539, 540, 541, 1000, 5000, 30 * 540]

    for cal in calendars:
        for start in starts:
            for minutes in minutes_list:
                end = add_business_minutes(start=start, minutes=minutes, calendar=cal)
                assert between(start, end, cal) == minutes, (cal.timezone, start, minutes, end)


# Bad input ------------------------------------------------------------------------------------------


def test_naive_datetimes_are_refused():
    naive = datetime(2024, 6, 3, 10)
    aware = naive.replace(tzinfo=UTC)

    with pytest.raises(ValueError, match="start must be an aware datetime"):
        add_business_minutes(start=naive, minutes=10, calendar=LUNCH_BREAK)
    with pytest.raises(ValueError, match="end must be an aware datetime"):
        business_minutes_between(start=aware, end=naive, calendar=LUNCH_BREAK)
    with pytest.raises(ValueError, match="moment must be an aware datetime"):
        LUNCH_BREAK.is_open(naive)


def test_negative_minutes_are_refused():
    with pytest.raises(ValueError, match="must not be negative"):
        add_business_minutes(start=datetime(2024, 6, 3, tzinfo=UTC), minutes=-1, calendar=LUNCH_BREAK)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "'Mars/Olympus' is not a known IANA time zone"),
        ("timezone", "", "time zone must be an IANA name"),
        ("holiday_country", "XX", "'XX' is not supported by the holidays package"),
        ("business_hours", [["09:00", "18:00"]], "business_hours must be an object"),
        ("business_hours", {"7": [["09:00", "18:00"]]}, "'7' is not a weekday number 0-6"),
        ("business_hours", {"mon": [["09:00", "18:00"]]}, "'mon' is not a weekday number 0-6"),
        ("business_hours", {"0": "09:00-18:00"}, r"business_hours\['0'\] must be a list"),
        ("business_hours", {"0": [["09:00"]]}, r"business_hours\['0'\]\[0\] must be a .* pair"),
        ("business_hours", {"0": [["9am", "18:00"]]}, r"\[0\] start '9am' is not a time in HH:MM form"),
        ("business_hours", {"0": [[9, 18]]}, r"\[0\] start 9 is not a time in HH:MM form"),
        ("business_hours", {"0": [["09:00", "25:00"]]}, r"\[0\] end '25:00' is not a time in HH:MM form"),
        ("business_hours", {"0": [["24:00", "24:00"]]}, r"\[0\] start '24:00' is not a time"),
        ("business_hours", {"0": [["18:00", "09:00"]]}, "end '09:00' is not after start '18:00'"),
        ("business_hours", {"0": [["22:00", "06:00"]]}, "cannot cross midnight"),
        ("business_hours", {"0": [["09:00", "09:00"]]}, "end '09:00' is not after start '09:00'"),
        ("business_hours", {"0": [["09:00", "00:00"]]}, 'end the first at "24:00"'),
        (
            "business_hours",
            {"1": [["09:00", "13:00"], ["12:00", "18:00"]]},
            "on Tuesday: the interval starting 12:00 overlaps the one ending 13:00",
        ),
    ],
)
def test_bad_team_data_is_refused_with_a_message_naming_the_problem(field, value, message):
    team = SimpleNamespace(
        timezone="Europe/Berlin", business_hours={"0": [["09:00", "18:00"]]}, holiday_country="DE"
    )
    setattr(team, field, value)

    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_team(team)


def test_intervals_that_cross_midnight_are_refused_when_building_a_calendar_directly():
    with pytest.raises(ValueError, match="cannot cross midnight"):
        BusinessCalendar(timezone="UTC", hours={0: ((time(22), time(6)),)})


@pytest.mark.parametrize(
    "cal",
    [
        BusinessCalendar(timezone="UTC", hours={0: (), 1: (), 2: (), 3: (), 4: (), 5: (), 6: ()}),
        BusinessCalendar.from_team(
            SimpleNamespace(timezone="UTC", business_hours={"0": [], "3": []}, holiday_country="")
        ),
    ],
)
def test_a_calendar_without_hours_on_any_day_is_never_open(cal):
    start = datetime(2024, 6, 3, tzinfo=UTC)

    with pytest.raises(ValueError, match="never open"):
        add_business_minutes(start=start, minutes=1, calendar=cal)
    with pytest.raises(ValueError, match="never open"):
        business_minutes_between(start=start, end=start + timedelta(days=1), calendar=cal)


def test_a_calendar_closed_for_more_than_400_days_is_never_open():
    closed = frozenset(date(2024, 1, 1) + timedelta(days=n) for n in range(402))
    cal = BusinessCalendar(timezone="UTC", hours={}, extra_closed_days=closed)

    with pytest.raises(ValueError, match="never open"):
        add_business_minutes(start=datetime(2024, 1, 1, tzinfo=UTC), minutes=1, calendar=cal)


def test_extra_closed_days_close_the_whole_local_day():
    # A company shutdown on Mon 2024-06-03 closes the whole day: Tue 2024-06-04 09:00 + 30 = 09:30 UTC.
    cal = BusinessCalendar(
        timezone="UTC", hours=dict(LUNCH_BREAK.hours), extra_closed_days=frozenset({date(2024, 6, 3)})
    )

    assert due(datetime(2024, 6, 3, 10, tzinfo=UTC), 30, cal) == datetime(2024, 6, 4, 9, 30, tzinfo=UTC)


# Reading a team -------------------------------------------------------------------------------------


def test_a_calendar_is_read_from_anything_shaped_like_a_team():
    team = SimpleNamespace(
        timezone="Asia/Shanghai",
        business_hours={str(day): [["09:00", "18:00"]] for day in range(5)},
        holiday_country="cn",
    )

    assert BusinessCalendar.from_team(team) == SHANGHAI_TEAM


def test_a_calendar_is_read_from_an_unsaved_team_model():
    team = Team(
        name="Lumen EU",
        timezone="Europe/Berlin",
        business_hours={"0": [["13:00", "18:00"], ["09:00", "12:00"]], "5": [["10:00", "24:00"]]},
        holiday_country="DE",
    )

    cal = BusinessCalendar.from_team(team)

    assert cal.timezone == "Europe/Berlin"
    assert cal.holiday_country == "DE"
    assert dict(cal.hours) == {0: ((time(9), time(12)), (time(13), time(18))), 5: ((time(10), time(0)),)}


def test_a_team_with_empty_business_hours_works_around_the_clock():
    team = SimpleNamespace(timezone="America/New_York", business_hours={}, holiday_country="")
    # Sat 2024-11-02 23:00 EDT = 11-03 03:00 UTC; three real hours later is 06:00 UTC (the second 01:00,
    # now EST), not the 02:00 local that wall-clock arithmetic on the aware datetime would give.
    start = datetime(2024, 11, 2, 23, tzinfo=NEW_YORK)

    assert due(start, 180, BusinessCalendar.from_team(team)) == datetime(2024, 11, 3, 6, 0, tzinfo=UTC)


def test_thirty_working_days_of_minutes_land_on_the_thirtieth_working_day():
    # Tue 2024-01-02 10:00 Shanghai plus 30 full 9-hour days (no holidays in January 2024 in CN
    # after New Year's Day) ends at 10:00 on the 31st working day after: Tue 2024-02-13 is in the
    # Spring Festival break, so compare with the calendar's own count instead of a hand date.
    start = datetime(2024, 1, 2, 10, tzinfo=SHANGHAI)

    end = add_business_minutes(start=start, minutes=30 * 9 * 60, calendar=SHANGHAI_TEAM)

    assert business_minutes_between(start=start, end=end, calendar=SHANGHAI_TEAM) == 30 * 9 * 60
    assert end.astimezone(SHANGHAI).time() == datetime(2024, 1, 2, 10).time()

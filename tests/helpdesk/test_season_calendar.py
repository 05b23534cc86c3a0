"""The peak-season calendar: moving dates, a year's rule sets per market at local midnight,
copying a rule set to the season's next occurrence, public holidays, and the admin refusing
overrides it does not know."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from helpdesk.models import SeasonalRuleSet
from helpdesk.season_calendar import (
    black_friday,
    chinese_new_year,
    public_holidays,
    rule_sets_copy_to_next_year,
    season_plan,
    season_rule_sets_create,
)
from helpdesk.seasons import OVERRIDE_KEYS, validate_overrides
from tests.factories import SeasonalRuleSetFactory


@pytest.mark.parametrize(
    ("year", "friday"),
    [(2024, dt.date(2024, 11, 29)), (2025, dt.date(2025, 11, 28)), (2026, dt.date(2026, 11, 27))],
)
def test_black_friday_is_the_day_after_the_fourth_thursday_of_november(year, friday):
    assert black_friday(year) == friday


@pytest.mark.parametrize(
    ("year", "day"),
    [(2025, dt.date(2025, 1, 29)), (2026, dt.date(2026, 2, 17)), (2027, dt.date(2027, 2, 6))],
)
def test_chinese_new_year_comes_from_the_chinese_calendar(year, day):
    assert chinese_new_year(year) == day


def test_public_holidays_of_a_country_by_date():
    german = public_holidays(country="de", year=2026)

    assert (dt.date(2026, 12, 25), "Erster Weihnachtstag") in german or dt.date(2026, 12, 25) in dict(german)
    assert [day for day, _ in german] == sorted(day for day, _ in german)
    with pytest.raises(ValueError, match="no public holidays for country 'XX'"):
        public_holidays(country="XX", year=2026)


@pytest.mark.django_db
def test_a_years_rule_sets_have_their_boundaries_at_local_midnight_of_each_market():
    season_rule_sets_create(year=2027, markets=["DE", "CN"])

    black_friday_de = SeasonalRuleSet.objects.get(slug="black-friday-2027-de")
    assert black_friday_de.markets == ["DE"]
    assert black_friday_de.timezone == "Europe/Berlin"
    assert black_friday_de.peak_from == dt.datetime(2027, 11, 26, tzinfo=ZoneInfo("Europe/Berlin"))
    assert black_friday_de.peak_until == dt.datetime(2027, 12, 1, tzinfo=ZoneInfo("Europe/Berlin"))
    assert black_friday_de.overrides["during"]["return_window_extension_until"] == "2028-01-31"

    singles_day_cn = SeasonalRuleSet.objects.get(slug="singles-day-2027-cn")
    assert singles_day_cn.peak_from == dt.datetime(2027, 11, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert singles_day_cn.peak_from == dt.datetime(2027, 10, 31, 16, 0, tzinfo=dt.UTC)

    # Chinese New Year slows carriers and warehouses for every market: one rule set, no market.
    new_year = SeasonalRuleSet.objects.get(slug="chinese-new-year-2027")
    assert new_year.markets == []
    assert new_year.peak_from == dt.datetime(2027, 1, 27, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert new_year.overrides["during"]["delivery_padding_days"] == 10

    assert not SeasonalRuleSet.objects.filter(slug__endswith="-us").exists()
    for rule_set in SeasonalRuleSet.objects.all():
        validate_overrides(rule_set.overrides)  # the calendar's own defaults pass the admin's check


@pytest.mark.django_db
def test_planning_a_year_twice_keeps_what_a_manager_edited():
    call_command("seasons_plan", "--year", "2027", "--market", "GB")
    count = SeasonalRuleSet.objects.count()
    SeasonalRuleSet.objects.filter(slug="christmas-2027-gb").update(overrides={"during": {"sla_factor": 2}})

    created, existing = season_rule_sets_create(year=2027, markets=["GB"])

    assert (created, existing) == (0, count)
    assert SeasonalRuleSet.objects.get(slug="christmas-2027-gb").overrides == {"during": {"sla_factor": 2}}


@pytest.mark.django_db
def test_planning_an_unknown_market_says_which_and_creates_nothing():
    with pytest.raises(CommandError, match=r"no time zone for market.*ZZ"):
        call_command("seasons_plan", "--year", "2027", "--market", "ZZ")
    assert not SeasonalRuleSet.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"during": {"sla_facter": 1.5}}, "Unknown key “sla_facter” in “during”"),
        ({"peak": {"sla_factor": 1.5}}, "Unknown phase “peak”"),
        ({"during": {"sla_factor": 0}}, "“sla_factor” in “during” must be a number above 0"),
        ({"before": {"self_service_threshold": 7}}, "must be a number from 0 to 1"),
        ({"during": {"return_window_extension_until": "31/01/2027"}}, "must be a date such as 2027-01-31"),
        ({"during": {"priority_weights": {"gift_order": "high"}}}, "must be an object of numbers"),
        ({"during": "faster"}, "The overrides of “during” must be an object"),
    ],
)
def test_overrides_the_admin_does_not_know_are_refused_with_the_reason(overrides, message):
    with pytest.raises(ValidationError) as raised:
        validate_overrides(overrides)
    assert any(message in text for text in raised.value.messages)


def test_every_documented_key_is_accepted():
    sample = {
        "sla_factor": 1.5,
        "auto_reply_template": "holiday-greeting",
        "return_window_extension_until": "2027-01-31",
        "return_extension_bought_from": "2026-11-01",
        "return_extension_bought_until": "2026-12-24",
        "priority_weights": {"gift_order": 2.0},
        "self_service_threshold": 0.7,
        "overflow_team": "overflow",
        "delivery_padding_days": {"US": 5, "*": 2},
        "proactive_delay_notices": True,
        "staffing_note": "Overflow: team B",
        "survey_offer": "10% off",
        "review_report": True,
    }
    assert set(sample) == set(OVERRIDE_KEYS)
    validate_overrides({"before": sample, "during": sample, "after": sample})


@pytest.mark.django_db
def test_the_admin_form_shows_an_unknown_key_on_the_overrides_field(admin_client):
    rule_set = SeasonalRuleSetFactory()
    url = f"/admin/helpdesk/seasonalruleset/{rule_set.pk}/change/"
    local = ZoneInfo(rule_set.timezone)

    def local_fields(name: str) -> dict[str, str]:
        value = getattr(rule_set, name).astimezone(local)
        return {f"{name}_0": value.strftime("%Y-%m-%d"), f"{name}_1": value.strftime("%H:%M:%S")}

    data = {
        "name": rule_set.name,
        "slug": rule_set.slug,
        "kind": rule_set.kind,
        "is_enabled": "on",
        "markets": '["US"]',
        "timezone": "Europe/Nowhere",
        "overrides": '{"during": {"sla_facter": 1.5}}',
        "swaps-TOTAL_FORMS": "0",
        "swaps-INITIAL_FORMS": "0",
        **local_fields("prepare_from"),
        **local_fields("peak_from"),
        **local_fields("peak_until"),
        **local_fields("review_until"),
    }

    response = admin_client.post(url, data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "Unknown key “sla_facter” in “during”" in errors["overrides"][0]
    assert "Unknown time zone “Europe/Nowhere”" in errors["timezone"][0]
    rule_set.refresh_from_db()
    assert rule_set.overrides == {"during": {"sla_factor": 1.5}, "after": {"sla_factor": 1.2}}


# --- Copy to next year ----------------------------------------------------------------------


def local_day(moment: dt.datetime, zone: str) -> dt.date:
    return moment.astimezone(ZoneInfo(zone)).date()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "peak_2026", "peak_2027"),
    [
        # Black Friday follows Thanksgiving: 27 November 2026, 26 November 2027.
        ("black-friday-2026-us", dt.date(2026, 11, 27), dt.date(2027, 11, 26)),
        # Ten days before the Spring Festival: 17 February 2026, 6 February 2027.
        ("chinese-new-year-2026", dt.date(2026, 2, 7), dt.date(2027, 1, 27)),
        # Prime Day's estimate, the second Tuesday of July: 14 July 2026, 13 July 2027.
        ("prime-day-2026-us", dt.date(2026, 7, 14), dt.date(2027, 7, 13)),
        # Fixed days stay on their day.
        ("singles-day-2026-cn", dt.date(2026, 11, 1), dt.date(2027, 11, 1)),
        ("christmas-2026-gb", dt.date(2026, 12, 10), dt.date(2027, 12, 10)),
        ("valentines-2026-us", dt.date(2026, 2, 1), dt.date(2027, 2, 1)),
        ("618-2026-cn", dt.date(2026, 6, 1), dt.date(2027, 6, 1)),
    ],
)
def test_a_copy_moves_with_its_season_to_the_next_years_calendar(slug, peak_2026, peak_2027):
    season_rule_sets_create(year=2026, markets=["US", "GB", "CN"])
    source = SeasonalRuleSet.objects.get(slug=slug)
    assert local_day(source.peak_from, source.timezone) == peak_2026

    copies = rule_sets_copy_to_next_year(rule_sets=[source])

    [copy] = copies.created
    assert local_day(copy.peak_from, copy.timezone) == peak_2027
    # The same rule set the calendar plans for 2027: every boundary, at local midnight.
    planned = next(plan for plan in season_plan(year=2027) if plan.slug == copy.slug)
    assert (copy.name, copy.markets, copy.timezone) == (
        planned.name,
        [] if planned.market == "*" else [planned.market],
        planned.time_zone,
    )
    assert (copy.prepare_from, copy.peak_from, copy.peak_until, copy.review_until) == (
        planned.prepare_from,
        planned.peak_from,
        planned.peak_until,
        planned.review_until,
    )


@pytest.mark.django_db
def test_a_copy_is_disabled_and_inactive_until_a_manager_checks_it(store_us):
    season_rule_sets_create(year=2026, markets=["US"])
    source = SeasonalRuleSet.objects.get(slug="black-friday-2026-us")
    source.stores.add(store_us)
    SeasonalRuleSet.objects.filter(pk=source.pk).update(phase=SeasonalRuleSet.Phase.DURING)

    [copy] = rule_sets_copy_to_next_year(rule_sets=[source]).created

    copy.refresh_from_db()
    assert (copy.is_enabled, copy.phase, copy.manual_phase) == (False, SeasonalRuleSet.Phase.INACTIVE, False)
    assert list(copy.stores.all()) == [store_us]
    assert copy.overrides["during"]["sla_factor"] == source.overrides["during"]["sla_factor"]
    # The return window of the 2026 peak ran to January 2027; the 2027 peak's runs a year later.
    assert source.overrides["during"]["return_window_extension_until"] == "2027-01-31"
    assert copy.overrides["during"]["return_window_extension_until"] == "2028-01-31"


@pytest.mark.django_db
def test_dates_a_manager_moved_by_hand_keep_their_distance_from_the_season():
    berlin = ZoneInfo("Europe/Berlin")
    # Peak from the Thursday evening before Black Friday 2026 (27 November) to Cyber Monday night.
    source = SeasonalRuleSetFactory(
        slug="bf-early-start",
        name="Black Friday early start",
        kind=SeasonalRuleSet.Kind.BLACK_FRIDAY,
        timezone="Europe/Berlin",
        prepare_from=dt.datetime(2026, 11, 9, 9, 0, tzinfo=berlin),
        peak_from=dt.datetime(2026, 11, 26, 18, 0, tzinfo=berlin),
        peak_until=dt.datetime(2026, 12, 1, 0, 0, tzinfo=berlin),
        review_until=dt.datetime(2026, 12, 20, 0, 0, tzinfo=berlin),
    )

    [copy] = rule_sets_copy_to_next_year(rule_sets=[source]).created

    # Black Friday 2027 is 26 November: one day earlier in the month than in 2026.
    assert copy.prepare_from == dt.datetime(2027, 11, 8, 9, 0, tzinfo=berlin)
    assert copy.peak_from == dt.datetime(2027, 11, 25, 18, 0, tzinfo=berlin)
    assert copy.peak_until == dt.datetime(2027, 11, 30, 0, 0, tzinfo=berlin)
    assert copy.review_until == dt.datetime(2027, 12, 19, 0, 0, tzinfo=berlin)
    assert (copy.slug, copy.name) == ("bf-early-start-2027", "Black Friday early start 2027")


@pytest.mark.django_db
def test_a_custom_season_moves_to_the_same_days_next_year():
    tokyo = ZoneInfo("Asia/Tokyo")
    source = SeasonalRuleSetFactory(
        slug="golden-week-2026-jp",
        name="Golden Week 2026 (JP)",
        kind=SeasonalRuleSet.Kind.CUSTOM,
        timezone="Asia/Tokyo",
        prepare_from=dt.datetime(2026, 4, 15, tzinfo=tokyo),
        peak_from=dt.datetime(2026, 4, 29, tzinfo=tokyo),
        peak_until=dt.datetime(2026, 5, 7, tzinfo=tokyo),
        review_until=dt.datetime(2026, 5, 20, tzinfo=tokyo),
    )

    [copy] = rule_sets_copy_to_next_year(rule_sets=[source]).created

    assert (copy.slug, copy.name) == ("golden-week-2027-jp", "Golden Week 2027 (JP)")
    assert copy.peak_from == dt.datetime(2027, 4, 29, tzinfo=tokyo)
    assert copy.review_until == dt.datetime(2027, 5, 20, tzinfo=tokyo)


@pytest.mark.django_db
def test_copying_twice_creates_nothing_the_second_time_and_says_why():
    season_rule_sets_create(year=2026, markets=["DE"])
    sources = list(SeasonalRuleSet.objects.order_by("pk"))

    first = rule_sets_copy_to_next_year(rule_sets=sources)
    count = SeasonalRuleSet.objects.count()
    second = rule_sets_copy_to_next_year(rule_sets=sources)

    assert len(first.created) == len(sources)
    assert second.created == []
    assert SeasonalRuleSet.objects.count() == count == 2 * len(sources)
    assert [source for source, _reason in second.skipped] == sources
    assert "“black-friday-2027-de” exists already" in [reason for _source, reason in second.skipped]


@pytest.mark.django_db
def test_a_rule_set_already_planned_from_the_calendar_is_not_copied_again():
    season_rule_sets_create(year=2026, markets=["GB"])
    season_rule_sets_create(year=2027, markets=["GB"])
    count = SeasonalRuleSet.objects.count()

    copies = rule_sets_copy_to_next_year(rule_sets=SeasonalRuleSet.objects.filter(slug__contains="2026"))

    assert copies.created == []
    assert SeasonalRuleSet.objects.count() == count

"""The post-holiday report: figures on hand-counted data, the comparisons, each recommendation,
the pages and the PDF."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from analytics.report import (
    NORMAL_WEEKS,
    IntentRow,
    LaneRow,
    ProductRow,
    Spread,
    _finished_fingerprint,
    normal_window,
    rules,
    season_report,
    season_report_cached,
)
from analytics.report.pdf import render_season_pdf
from analytics.report.precompute import season_reports_precompute
from analytics.season_views import REPORT_PERMISSION
from helpdesk.models import SeasonalRuleSet
from tests.conftest import role
from tests.factories import (
    CarrierFactory,
    CompensationOfferFactory,
    CustomerFactory,
    LaneStatisticFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    RefundFactory,
    ReturnLineFactory,
    ReturnRequestFactory,
    SeasonalRuleSetFactory,
    ShipmentFactory,
    SurveyFactory,
    SurveyResponseFactory,
    TicketEventFactory,
    TicketFactory,
    UserFactory,
)
from tickets.models import Survey, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

UTC = dt.UTC
HOUR = dt.timedelta(hours=1)
# Black Friday 2025: prepare 10 Nov, peak 24–29 Nov (5 days), review until 10 Dec.
PREPARE = dt.datetime(2025, 11, 10, tzinfo=UTC)
PEAK_FROM = dt.datetime(2025, 11, 24, tzinfo=UTC)
PEAK_UNTIL = dt.datetime(2025, 11, 29, tzinfo=UTC)
REVIEW = dt.datetime(2025, 12, 10, tzinfo=UTC)
NORMAL_FROM = PREPARE - dt.timedelta(weeks=NORMAL_WEEKS)  # 15 Sep: 56 normal days


def black_friday(store, **values) -> SeasonalRuleSet:
    values = {
        "name": "Black Friday 2025",
        "slug": "black-friday-2025",
        "markets": ["DE"],
        "prepare_from": PREPARE,
        "peak_from": PEAK_FROM,
        "peak_until": PEAK_UNTIL,
        "review_until": REVIEW,
        "stores": [store],
        **values,
    }
    return SeasonalRuleSetFactory(**values)


def ticket(store, at: dt.datetime, *, responded_after: dt.timedelta | None = None, **values) -> Ticket:
    values.setdefault("customer", CustomerFactory(country="DE"))
    return TicketFactory(
        store=store,
        created_at=at,
        first_responded_at=at + responded_after if responded_after is not None else None,
        **values,
    )


def spread_over(start: dt.datetime, days: float, count: int) -> list[dt.datetime]:
    """``count`` instants spread evenly over ``days`` from ``start``."""
    return [start + dt.timedelta(days=days) * (index + 0.5) / count for index in range(count)]


@pytest.fixture
def season(store_eu):
    """Peak: 10 customer tickets (2/day), first responses after 1..10 h, 6 about damaged items.
    Normal weeks: 14 tickets (0.25/day), each answered in 1 h, 1 about a damaged item."""
    rule_set = black_friday(store_eu)
    for index, at in enumerate(spread_over(PEAK_FROM, 5, 10)):
        intent = "damaged_item" if index < 6 else "where_is_my_order"
        ticket(store_eu, at, responded_after=(index + 1) * HOUR, intent=intent)
    for index, at in enumerate(spread_over(NORMAL_FROM, 56, 14)):
        ticket(store_eu, at, responded_after=HOUR, intent="damaged_item" if index == 0 else "other")
    return rule_set


def test_volume_multiple_is_peak_tickets_per_day_over_normal_weeks_per_day(manager, season):
    report = season_report(user=manager, rule_set=season)
    assert report.during.tickets == 10
    assert report.during.per_day == pytest.approx(2.0)
    assert report.normal.tickets == 14
    assert report.normal.days == pytest.approx(56)
    assert report.normal.per_day == pytest.approx(0.25)
    assert report.volume_multiple == pytest.approx(8.0)


def test_first_response_median_and_p90_interpolate_like_postgresql(manager, season):
    report = season_report(user=manager, rule_set=season)
    # 1..10 hours: median between the 5th and 6th, p90 = 1 h + 0.9 × 9 h.
    assert report.during.first_response.median == pytest.approx(5.5 * 3600)
    assert report.during.first_response.p90 == pytest.approx(9.1 * 3600)
    assert report.normal.first_response.p90 == pytest.approx(3600)
    assert report.first_response_p90_multiple == pytest.approx(9.1)


def test_proactive_parcel_notices_are_counted_apart_not_as_customer_tickets(manager, season, store_eu):
    notice = ticket(store_eu, PEAK_FROM + HOUR, auto_answered=True)
    TicketEventFactory(
        ticket=notice,
        kind=TicketEvent.Kind.CREATED,
        data={"channel": "email", "source": "parcel_anomaly", "anomaly": "stalled", "notice_only": True},
        created_at=notice.created_at,
    )
    report = season_report(user=manager, rule_set=season)
    assert report.during.tickets == 10
    assert report.during.proactive == 1
    assert report.during.automation_rate == 0


def test_other_stores_other_markets_and_other_days_stay_out(manager, season, store_eu, store_us):
    ticket(store_us, PEAK_FROM + HOUR)  # a store outside the rule set
    ticket(store_eu, PEAK_FROM + HOUR, customer=CustomerFactory(country="FR"))  # a market outside it
    ticket(store_eu, PEAK_UNTIL + HOUR)  # after the peak: the whole season only
    report = season_report(user=manager, rule_set=season)
    assert report.during.tickets == 10
    assert report.season.tickets == 11


def test_normal_weeks_leave_out_days_inside_another_rule_set(manager, season, store_eu):
    SeasonalRuleSetFactory(
        kind=SeasonalRuleSet.Kind.SINGLES_DAY,
        prepare_from=dt.datetime(2025, 11, 1, tzinfo=UTC),
        peak_from=dt.datetime(2025, 11, 10, tzinfo=UTC),
        peak_until=dt.datetime(2025, 11, 12, tzinfo=UTC),
        review_until=dt.datetime(2025, 11, 20, tzinfo=UTC),
    )
    ticket(store_eu, dt.datetime(2025, 11, 3, tzinfo=UTC))  # inside Singles' Day: not normal
    window = normal_window(season)
    assert window.spans == ((NORMAL_FROM, dt.datetime(2025, 11, 1, tzinfo=UTC)),)
    report = season_report(user=manager, rule_set=season)
    assert report.normal.days == pytest.approx(47)
    # The 14 normal tickets fall on days 2, 6, … 54 of 56; the two after 1 Nov (day 47) drop out.
    kept = sum(1 for at in spread_over(NORMAL_FROM, 56, 14) if at < dt.datetime(2025, 11, 1, tzinfo=UTC))
    assert report.normal.tickets == kept == 12
    assert report.volume_multiple == pytest.approx(2.0 / (12 / 47))


def test_the_previous_season_is_the_last_one_of_the_same_kind(manager, season, store_eu):
    previous = black_friday(
        store_eu,
        name="Black Friday 2024",
        slug="black-friday-2024",
        prepare_from=PREPARE - dt.timedelta(days=364),
        peak_from=PEAK_FROM - dt.timedelta(days=364),
        peak_until=PEAK_UNTIL - dt.timedelta(days=364),
        review_until=REVIEW - dt.timedelta(days=364),
    )
    black_friday(  # older still: not the one to compare with
        store_eu,
        name="Black Friday 2023",
        slug="black-friday-2023",
        prepare_from=PREPARE - dt.timedelta(days=728),
        peak_from=PEAK_FROM - dt.timedelta(days=728),
        peak_until=PEAK_UNTIL - dt.timedelta(days=728),
        review_until=REVIEW - dt.timedelta(days=728),
    )
    SeasonalRuleSetFactory(  # another kind in between
        kind=SeasonalRuleSet.Kind.CHRISTMAS,
        prepare_from=dt.datetime(2024, 12, 10, tzinfo=UTC),
        peak_from=dt.datetime(2024, 12, 15, tzinfo=UTC),
        peak_until=dt.datetime(2024, 12, 24, tzinfo=UTC),
        review_until=dt.datetime(2025, 1, 15, tzinfo=UTC),
    )
    for at in spread_over(previous.peak_from, 5, 5):
        ticket(store_eu, at, responded_after=2 * HOUR)
    report = season_report(user=manager, rule_set=season)
    assert report.previous_rule_set == previous
    assert report.previous.tickets == 5
    assert report.volume_vs_previous == pytest.approx(2.0)
    assert report.previous.first_response.median == pytest.approx(2 * 3600)


def test_automation_returns_csat_refunds_and_compensation(manager, season, store_eu):
    answered = ticket(store_eu, PEAK_FROM + 2 * HOUR, auto_answered=True, status=Ticket.Status.SOLVED)
    for score in (5, 4, 2):
        SurveyResponseFactory(
            survey=SurveyFactory(ticket=answered if score == 5 else ticket(store_eu, PEAK_FROM + HOUR)),
            score=score,
        )
    order = OrderFactory(store=store_eu, placed_at=PEAK_FROM + HOUR, currency="EUR")
    ReturnRequestFactory(
        store=store_eu, order=order, requested_at=PEAK_FROM + HOUR, decided_at=PEAK_FROM + 2 * HOUR
    )
    ReturnRequestFactory(
        store=store_eu,
        order=order,
        requested_at=PEAK_FROM + HOUR,
        decided_at=PEAK_FROM + 2 * HOUR,
        decided_by=manager,
    )
    ReturnRequestFactory(store=store_eu, order=order, requested_at=PEAK_FROM + HOUR)  # not decided yet
    RefundFactory(order=order, amount=Decimal("10.00"), created_at=PEAK_UNTIL + HOUR, status="succeeded")
    RefundFactory(order=order, amount=Decimal("5.50"), created_at=PEAK_UNTIL + HOUR)
    RefundFactory(order=order, amount=Decimal("99.00"), created_at=PEAK_UNTIL + HOUR, status="failed")
    CompensationOfferFactory(
        order=order, tier=1, amount=Decimal("5.00"), created_at=PEAK_FROM, status="accepted"
    )
    CompensationOfferFactory(  # one offer per order and tier: another order
        order=OrderFactory(store=store_eu, placed_at=PEAK_FROM, currency="EUR"),
        tier=1,
        amount=Decimal("5.00"),
        created_at=PEAK_FROM,
        status="declined",
    )
    report = season_report(user=manager, rule_set=season)
    # 13 customer tickets at the peak (10 + 3 surveyed), one answered automatically.
    assert report.during.tickets == 13
    assert report.during.automation_rate == pytest.approx(1 / 13)
    assert report.during.returns == 3
    assert report.during.returns_auto_rate == pytest.approx(1 / 2)
    assert report.during.csat_responses == 3
    assert report.during.csat_average == pytest.approx(11 / 3)
    assert [(row.currency, row.refunds, row.amount) for row in report.refunds] == [
        ("EUR", 2, Decimal("15.50"))
    ]
    assert [(row.tier, row.offers, row.accepted, row.accepted_amount) for row in report.compensation] == [
        (1, 2, 1, Decimal("5.00"))
    ]


# --- recommendations -------------------------------------------------------------------------


def _rules_fired(report) -> set[str]:
    return {item.rule for item in rules.recommendations_for(report)}


def test_volume_and_first_response_recommendations_cite_their_multiples(manager, season):
    report = season_report(user=manager, rule_set=season)
    texts = {item.rule: item.text for item in report.recommendations}
    assert "8.0×" in texts["volume"]
    assert "First response p90 was 9.1× normal" in texts["first_response"]


def test_volume_and_first_response_recommendations_stay_quiet_below_their_thresholds(manager, season):
    report = season_report(user=manager, rule_set=season)
    calm_normal = dataclasses.replace(
        report.normal,
        days=5.0,
        tickets=6,  # 1.2/day: the peak's 2/day is 1.67×, under 2
        first_response=Spread(6, 3600 * 5, 3600 * 5),  # p90 9.1 h is 1.82× 5 h
    )
    quiet = dataclasses.replace(report, normal=calm_normal)
    assert quiet.volume_multiple < rules.VOLUME_MULTIPLE_THRESHOLD
    assert quiet.first_response_p90_multiple < rules.FIRST_RESPONSE_P90_MULTIPLE_THRESHOLD
    assert not {"volume", "first_response"} & _rules_fired(quiet)


def test_the_first_response_advice_counts_the_extra_agents_by_erlang_c():
    from analytics.report import PeriodFigures

    # Peak: 20 tickets an hour, 10 min each = 3.3 Erlangs: 4 agents is the fewest above the load,
    # and they answer 99 % within the 1 h target. Normal weeks: 1 an hour needs 1 agent.
    peak = PeriodFigures(5, 2400, 0, Spread(2400, 3600, 4 * 3600), Spread(), 0, 0, 0, 0, None, 0)
    normal = PeriodFigures(56, 1344, 0, Spread(1344, 600, 3600), Spread(), 0, 0, 0, 0, None, 0)
    report = _bare_report(during=peak, normal=normal)
    assert rules.STAFFING_HANDLE_SECONDS == 600
    assert rules.extra_agents_at_peak(report) == 3
    [advice] = [item.text for item in rules.recommendations_for(report) if item.rule == "first_response"]
    assert advice.startswith("First response p90 was 4.0× normal: schedule 3 more agents at the peak")


def test_an_intent_far_above_normal_asks_for_a_template(manager, season):
    report = season_report(user=manager, rule_set=season)
    damaged = next(row for row in report.intents if row.intent == "damaged_item")
    # 6 tickets in 5 days against 1 in 56 days.
    assert damaged.multiple == pytest.approx((6 / 5) / (1 / 56))
    intent_texts = [item.text for item in report.recommendations if item.rule == "intent"]
    assert intent_texts == ["Intent “Damaged item” was 67.2× normal (all tickets 8.0×): prepare a template."]
    # Where is my order: 4 tickets, none in normal weeks, but under INTENT_MIN_TICKETS.
    assert next(row for row in report.intents if row.intent == "where_is_my_order").tickets == 4


def test_an_intent_growing_only_with_the_peak_volume_gets_no_template_advice():
    from analytics.report import PeriodFigures

    # All tickets 4× normal (4 a day against 1); the intent 4.5×: over 3×, but under 1.25 × 4.
    during = PeriodFigures(5, 20, 0, Spread(), Spread(), 0, 0, 0, 0, None, 0)
    normal = PeriodFigures(56, 56, 0, Spread(), Spread(), 0, 0, 0, 0, None, 0)
    row = IntentRow("wrong_item", "Wrong item", 9, 1.8, 0.4, 4.5)
    report = _bare_report(during=during, normal=normal, intents=[row])
    assert report.volume_multiple == pytest.approx(4.0)
    assert "intent" not in _rules_fired(report)
    report = _bare_report(during=during, normal=normal, intents=[dataclasses.replace(row, multiple=5.0)])
    assert "intent" in _rules_fired(report)


def test_an_intent_rule_needs_enough_tickets_and_a_high_multiple():
    row = IntentRow("wrong_item", "Wrong item", rules.INTENT_MIN_TICKETS, 1.0, 0.5, 2.0)
    report = _bare_report(intents=[row])
    assert "intent" not in _rules_fired(report)  # 2× normal: under 3×
    report = _bare_report(intents=[dataclasses.replace(row, multiple=rules.INTENT_MULTIPLE_THRESHOLD)])
    assert "intent" in _rules_fired(report)
    report = _bare_report(
        intents=[dataclasses.replace(row, tickets=rules.INTENT_MIN_TICKETS - 1, multiple=9.0)]
    )
    assert "intent" not in _rules_fired(report)


def test_a_slow_lane_asks_to_pad_etas_and_a_normal_one_does_not(manager, season, store_eu):
    carrier = CarrierFactory(name="YunExpress")
    LaneStatisticFactory(
        carrier=carrier, origin_country="CN", destination_country="DE", median_days=Decimal("10")
    )
    LaneStatisticFactory(
        carrier=carrier, origin_country="CN", destination_country="AT", median_days=Decimal("10")
    )
    for shipped in spread_over(PEAK_FROM, 5, 3):
        ShipmentFactory(
            store=store_eu,
            carrier=carrier,
            destination_country="DE",
            shipped_at=shipped,
            delivered_at=shipped + dt.timedelta(days=14),
            status="delivered",
        )
        ShipmentFactory(
            store=store_eu,
            carrier=carrier,
            destination_country="AT",
            shipped_at=shipped,
            delivered_at=shipped + dt.timedelta(days=11),
            status="delivered",
        )
    season.markets = []  # every market, so AT counts too
    season.save(update_fields=["markets"])
    report = season_report(user=manager, rule_set=season)
    lanes = {row.label: row for row in report.lanes}
    assert lanes["CN→DE"].median_days == pytest.approx(14)
    assert lanes["CN→DE"].over_median == pytest.approx(0.4)
    assert lanes["CN→AT"].over_median == pytest.approx(0.1)
    lane_texts = [item.text for item in report.recommendations if item.rule == "lane"]
    assert lane_texts == [
        "Lane CN→DE (YunExpress) ran 40 % over its median (14.0 d against 10.0 d): pad ETAs next year."
    ]


def test_a_lane_needs_enough_parcels():
    row = LaneRow("CN", "DE", "YunExpress", rules.LANE_MIN_PARCELS - 1, 20.0, 10.0)
    assert "lane" not in _rules_fired(_bare_report(lanes=[row]))
    assert "lane" in _rules_fired(
        _bare_report(lanes=[dataclasses.replace(row, parcels=rules.LANE_MIN_PARCELS)])
    )


def test_a_product_returned_far_more_than_its_category_asks_for_a_quality_check(manager, season, store_eu):
    lamp = ProductFactory(store=store_eu, sku="LMP-1", title="Desk lamp", category="lighting")
    bulb = ProductFactory(store=store_eu, sku="BLB-1", title="LED bulb", category="lighting")
    order = OrderFactory(store=store_eu, placed_at=PEAK_FROM + HOUR, shipping_country="DE")
    lamp_line = OrderLineFactory(order=order, product=lamp, quantity=10)
    bulb_line = OrderLineFactory(order=order, product=bulb, quantity=30)
    returned = ReturnRequestFactory(store=store_eu, order=order, requested_at=PEAK_UNTIL + HOUR)
    ReturnLineFactory(return_request=returned, order_line=lamp_line, quantity=5)
    ReturnLineFactory(return_request=returned, order_line=bulb_line, quantity=1)
    ticket(store_eu, PEAK_FROM + 2 * HOUR, intent="not_as_described", order=order)
    report = season_report(user=manager, rule_set=season)
    rows = {row.sku: row for row in report.products}
    assert rows["LMP-1"].return_rate == pytest.approx(0.5)
    assert rows["LMP-1"].category_rate == pytest.approx(6 / 40)
    assert rows["LMP-1"].complaints == 1
    assert rows["BLB-1"].return_rate == pytest.approx(1 / 30)
    product_texts = [item.text for item in report.recommendations if item.rule == "product"]
    assert product_texts == [
        "Product LMP-1 (Desk lamp) return rate 50 % was 3.3× its category's: check its quality and description."
    ]


def test_a_product_rule_needs_enough_returns_and_a_high_multiple():
    row = ProductRow(1, "X", "X", "c", 0, 10, rules.PRODUCT_MIN_RETURNED_UNITS, 0.3, 0.2)
    assert "product" not in _rules_fired(_bare_report(products=[row]))  # 1.5×
    assert "product" in _rules_fired(_bare_report(products=[dataclasses.replace(row, return_rate=0.4)]))
    few = dataclasses.replace(row, return_rate=0.9, units_returned=rules.PRODUCT_MIN_RETURNED_UNITS - 1)
    assert "product" not in _rules_fired(_bare_report(products=[few]))


def test_a_csat_drop_at_the_peak_is_flagged_only_past_the_threshold(manager, season, store_eu):
    peak_tickets = Ticket.objects.filter(created_at__gte=PEAK_FROM, created_at__lt=PEAK_UNTIL)[:5]
    normal_tickets = Ticket.objects.filter(created_at__lt=PREPARE)[:5]
    for peak, normal in zip(peak_tickets, normal_tickets, strict=True):
        SurveyResponseFactory(survey=SurveyFactory(ticket=peak, kind=Survey.Kind.CSAT), score=3)
        SurveyResponseFactory(survey=SurveyFactory(ticket=normal, kind=Survey.Kind.CSAT), score=4)
    report = season_report(user=manager, rule_set=season)
    assert report.during.csat_average == pytest.approx(3)
    assert report.normal.csat_average == pytest.approx(4)
    assert [item.figure for item in report.recommendations if item.rule == "csat"] == [pytest.approx(1.0)]
    slight = dataclasses.replace(report, during=dataclasses.replace(report.during, csat_average=3.6))
    assert "csat" not in _rules_fired(slight)


def _bare_report(**changes):
    """A report of an empty season with the given rows, for the rules' thresholds."""
    from analytics.report import PeriodFigures, SeasonReport, Window

    empty = PeriodFigures(5, 0, 0, Spread(), Spread(), 0, 0, 0, 0, None, 0)
    window = Window.between(PEAK_FROM, PEAK_UNTIL)
    values = {
        "rule_set": SeasonalRuleSet(name="x"),
        "during_window": window,
        "season_window": window,
        "normal_window": window,
        "during": empty,
        "season": empty,
        "normal": empty,
        "previous_rule_set": None,
        "previous": None,
        "per_day": {},
        "intents": [],
        "products": [],
        "lanes": [],
        "refunds": [],
        "compensation": [],
        **changes,
    }
    return SeasonReport(**values)


@pytest.fixture
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_finished_seasons_report_is_kept_until_a_manager_recomputes_it(
    client, manager, season, store_eu, empty_cache, django_assert_max_num_queries
):
    first = season_report_cached(user=manager, rule_set=season)
    # The key's lookups only (the rule set's stores, the fingerprint), none of the report's queries.
    with django_assert_max_num_queries(len(_finished_fingerprint()) + 2):
        again = season_report_cached(user=manager, rule_set=season)
    assert again.during.tickets == first.during.tickets == 10
    ticket(store_eu, PEAK_FROM + HOUR)  # a late change to the finished season
    assert season_report_cached(user=manager, rule_set=season).during.tickets == 10

    client.force_login(manager)
    url = reverse("analytics:season", args=[season.pk])
    response = client.post(url, {"recompute": "1"})

    assert response.status_code == 302
    assert season_report_cached(user=manager, rule_set=season).during.tickets == 11


def test_beat_builds_finished_seasons_reports_ahead_in_each_language(
    client, manager, season, store_eu, empty_cache, django_assert_max_num_queries
):
    running = black_friday(
        store_eu,
        slug="black-friday-2099",
        name="Black Friday 2099",
        review_until=dt.datetime(2099, 12, 10, tzinfo=UTC),
    )

    built = season_reports_precompute()

    assert built == 2  # English and Simplified Chinese, of the finished season only
    assert season_reports_precompute() == 0  # already built
    assert running.pk  # the running season gets no report
    ticket(store_eu, PEAK_FROM + HOUR)  # after the build: the kept report does not count it
    client.force_login(manager)
    response = client.get(reverse("analytics:season", args=[season.pk]))
    assert response.status_code == 200
    assert response.context["report"].during.tickets == 10
    with translation.override("zh-hans"):
        kept = season_report_cached(user=manager, rule_set=season)
    assert kept.during.tickets == 10


# --- pages and the PDF -----------------------------------------------------------------------


def test_the_season_list_links_finished_seasons_and_greys_out_running_ones(client, manager, season, store_eu):
    running = black_friday(
        store_eu,
        name="Black Friday 2026",
        slug="black-friday-2026",
        prepare_from=dt.datetime(2026, 11, 9, tzinfo=UTC),
        peak_from=dt.datetime(2026, 11, 23, tzinfo=UTC),
        peak_until=dt.datetime(2026, 11, 28, tzinfo=UTC),
        review_until=dt.datetime(2099, 12, 10, tzinfo=UTC),
    )
    client.force_login(manager)
    page = client.get(reverse("analytics:seasons")).content.decode()
    assert f'href="{reverse("analytics:season", args=[season.pk])}"' in page
    assert f'href="{reverse("analytics:season", args=[running.pk])}"' not in page
    assert "Ready when the season ends on" in page
    # The report page of a running season says when it is ready; its PDF does not exist yet.
    response = client.get(reverse("analytics:season", args=[running.pk]))
    assert "This season is not over yet" in response.content.decode()
    assert client.get(reverse("analytics:season-pdf", args=[running.pk])).status_code == 404


def test_the_report_page_shows_figures_charts_and_recommendations(client, manager, season):
    client.force_login(manager)
    response = client.get(reverse("analytics:season", args=[season.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Post-holiday report: Black Friday 2025" in page
    assert 'data-chart="season-per-day"' in page
    assert "8.0×" in page  # the volume multiple
    assert "prepare a template" in page
    assert reverse("analytics:season-pdf", args=[season.pk]) in page


def test_a_report_table_downloads_as_csv(client, manager, season):
    client.force_login(manager)
    response = client.get(reverse("analytics:season", args=[season.pk]), {"export": "intents"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Intent", "Tickets"]
    assert rows[1][:2] == ["Damaged item", "6"]
    assert client.get(reverse("analytics:season", args=[season.pk]), {"export": "nope"}).status_code == 404


def test_the_pdf_is_a_pdf_with_the_season_name_figures_and_recommendations(client, manager, season):
    client.force_login(manager)
    response = client.get(reverse("analytics:season-pdf", args=[season.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert b"Black Friday 2025" in response.content  # the document title
    readable = render_season_pdf(season_report(user=manager, rule_set=season), compress=False)
    assert b"(Black Friday 2025) Tj" in readable
    assert b"Key figures" in readable
    assert b"prepare a template" in readable


def test_a_season_without_data_says_so_and_still_has_a_pdf(client, manager, store_eu):
    empty = black_friday(store_eu)
    client.force_login(manager)
    page = client.get(reverse("analytics:season", args=[empty.pk])).content.decode()
    assert "nothing to report" in page
    response = client.get(reverse("analytics:season-pdf", args=[empty.pk]))
    assert response.content.startswith(b"%PDF")
    readable = render_season_pdf(season_report(user=manager, rule_set=empty), compress=False)
    assert b"No tickets, returns or parcels in this season." in readable


def test_an_unknown_season_is_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("analytics:season", args=[987654])).status_code == 404
    assert client.get(reverse("analytics:season-pdf", args=[987654])).status_code == 404


def test_a_viewer_sees_only_seasons_and_figures_of_their_stores(client, season, team_us, store_us):
    lead_us = UserFactory(username="lead.us", groups=[role("Team lead")])
    team_us.lead = lead_us
    team_us.save(update_fields=["lead"])
    client.force_login(lead_us)
    assert client.get(reverse("analytics:season", args=[season.pk])).status_code == 404
    assert client.get(reverse("analytics:season-pdf", args=[season.pk])).status_code == 404
    assert "Black Friday 2025" not in client.get(reverse("analytics:seasons")).content.decode()
    everywhere = black_friday(store_us, name="Everywhere", slug="everywhere", stores=[], markets=[])
    ticket(store_us, PEAK_FROM + HOUR, customer=CustomerFactory(country="US"))
    report = season_report(user=lead_us, rule_set=everywhere)
    assert report.during.tickets == 1  # the EU store's ten stay hidden
    assert client.get(reverse("analytics:season", args=[everywhere.pk])).status_code == 200


def test_the_report_needs_the_dashboards_permission(client, agent_eu, season):
    client.force_login(agent_eu)
    assert REPORT_PERMISSION
    assert not agent_eu.has_perm(REPORT_PERMISSION)
    assert client.get(reverse("analytics:seasons")).status_code == 403
    assert client.get(reverse("analytics:season", args=[season.pk])).status_code == 403
    assert client.get(reverse("analytics:season-pdf", args=[season.pk])).status_code == 403


def test_signing_in_is_required(client, season):
    response = client.get(reverse("analytics:season", args=[season.pk]))
    assert response.status_code == 302

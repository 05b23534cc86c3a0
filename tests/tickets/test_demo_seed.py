"""`manage.py seed_demo`: realistic, deterministic, idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from customers.models import Customer, Store
from helpdesk.access import visible_store_ids
from helpdesk.models import SeasonalRuleSet
from helpdesk.season_calendar import SEASONS, black_friday, chinese_new_year
from helpdesk.seasons import validate_overrides
from logistics.models import Shipment, TrackingEvent
from returns.models import Refund, ReturnRequest
from tickets.models import Intent, Message, Ticket

SCALE = 600
DEMO_APPS = ("customers", "logistics", "returns", "tickets", "helpdesk")


def seed(scale: int = SCALE) -> str:
    out = StringIO()
    call_command("seed_demo", scale=scale, verbosity=0, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in DEMO_APPS or model._meta.label in {"auth.User", "auth.User_groups"}
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module; the module's tests only read."""
    with django_db_blocker.unblock():
        seed()
        yield
        for model in reversed(apps.get_models(include_auto_created=True)):
            if model._meta.app_label in DEMO_APPS:
                model.objects.all().delete()
        get_user_model().objects.all().delete()


@pytest.mark.django_db
def test_a_second_run_adds_nothing(seeded):
    before = row_counts()

    output = seed()

    assert "0 tickets added" in output
    assert row_counts() == before


@pytest.mark.django_db
def test_the_demo_has_the_requested_number_of_tickets(seeded):
    assert Ticket.objects.count() == SCALE
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() >= SCALE


@pytest.mark.django_db
def test_the_demo_spans_platforms_countries_and_languages(seeded):
    assert Store.objects.values("platform").distinct().count() >= 5
    assert Customer.objects.values("country").distinct().count() >= 10
    assert Ticket.objects.values("language").distinct().count() >= 8


@pytest.mark.django_db
def test_tickets_cover_every_after_sales_intent(seeded):
    intents = set(Ticket.objects.values_list("intent", flat=True))
    assert intents == set(Intent.values)


@pytest.mark.django_db
def test_returns_exist_in_every_state_and_refunds_never_exceed_the_line(seeded):
    assert set(ReturnRequest.objects.values_list("status", flat=True)) == set(ReturnRequest.Status.values)
    for refund in Refund.objects.select_related("order_line"):
        assert refund.amount <= refund.order_line.total_paid
        # The line's running total is what refund_issue checks the next refund against.
        assert refund.order_line.refunded_amount == sum(
            r.amount for r in Refund.objects.filter(order_line=refund.order_line)
        )
        assert refund.return_request.currency == refund.currency


@pytest.mark.django_db
def test_parcels_include_stalled_customs_and_late_ones_with_their_histories(seeded):
    anomalies = set(Shipment.objects.values_list("anomaly", flat=True))
    assert {"stalled", "customs", "late"} <= anomalies
    held = Shipment.objects.filter(anomaly="customs").first()
    assert TrackingEvent.objects.filter(shipment=held, status="customs_hold").exists()
    delivered = Shipment.objects.filter(status="delivered").first()
    timeline = list(delivered.events.order_by("occurred_at").values_list("status", flat=True))
    assert timeline[0] == "info_received"
    assert timeline[-1] == "delivered"


@pytest.mark.django_db
def test_rule_sets_cover_the_coming_peaks(seeded):
    kinds = set(SeasonalRuleSet.objects.values_list("kind", flat=True))
    assert {"black_friday", "christmas", "chinese_new_year", "singles_day"} <= kinds


@pytest.mark.django_db
def test_the_demo_rule_sets_follow_the_production_calendar(seeded):
    """Demo and production agree: every demo rule set has the dates ``seasons_plan`` would give."""
    rule_sets = list(SeasonalRuleSet.objects.all())
    assert rule_sets
    for rule_set in rule_sets:
        season = next(season for season in SEASONS if season.kind == rule_set.kind)
        year = int(rule_set.slug.rsplit("-", 1)[1])
        zone = ZoneInfo(rule_set.timezone)
        boundaries = (rule_set.prepare_from, rule_set.peak_from, rule_set.peak_until, rule_set.review_until)
        dates = season.dates(year)
        assert [moment.astimezone(zone) for moment in boundaries] == [
            dt.datetime.combine(day, dt.time(), zone)
            for day in (dates.prepare, dates.peak, dates.peak_end, dates.review_end)
        ], rule_set.slug
        assert rule_set.name == season.name.format(year=year)
        validate_overrides(rule_set.overrides)
    # The moving peaks moved: Black Friday with Thanksgiving, Chinese New Year with the moon.
    for rule_set in SeasonalRuleSet.objects.filter(kind=SeasonalRuleSet.Kind.BLACK_FRIDAY):
        assert rule_set.peak_from.date() == black_friday(rule_set.peak_from.year)
    for rule_set in SeasonalRuleSet.objects.filter(kind=SeasonalRuleSet.Kind.CHINESE_NEW_YEAR):
        peak = rule_set.peak_from.astimezone(ZoneInfo("Asia/Shanghai")).date()
        assert peak + dt.timedelta(days=10) == chinese_new_year(peak.year)


@pytest.mark.django_db
def test_there_is_a_demo_user_for_each_role_and_agents_see_only_their_stores(seeded):
    User = get_user_model()
    roles = set(User.objects.values_list("groups__name", flat=True))
    assert {"Agent", "Team lead", "Manager"} <= roles
    assert visible_store_ids(User.objects.get(username="manager")) is None
    agent_stores = visible_store_ids(User.objects.get(username="agent.sato"))
    assert agent_stores
    assert len(agent_stores) < Store.objects.count()
    assert User.objects.get(username="agent.li").check_password("demo12345")


@pytest.mark.django_db
def test_a_larger_scale_adds_only_the_difference(seeded):
    output = seed(SCALE + 50)

    assert "50 tickets added" in output
    assert Ticket.objects.count() == SCALE + 50
    assert Ticket.objects.filter(reference="D0000649").exists()


@pytest.mark.django_db
def test_the_demo_is_the_same_on_every_run(seeded):
    def fingerprint():
        return (
            list(
                Ticket.objects.order_by("reference").values_list(
                    "reference", "subject", "intent", "language"
                )[:200]
            ),
            list(Shipment.objects.order_by("tracking_number").values_list("tracking_number", "status")[:200]),
        )

    first = fingerprint()
    for model in reversed(apps.get_models(include_auto_created=True)):
        if model._meta.app_label in DEMO_APPS:
            model.objects.all().delete()
    get_user_model().objects.all().delete()

    seed()

    assert fingerprint() == first

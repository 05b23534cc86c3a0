"""Claiming a parcel notice: holiday mode's ``proactive_delay_notices`` holds the delay notices
while its phase is live, and says so on the anomaly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from logistics.services.care import anomaly_notice_claim
from tests.factories import (
    CustomerFactory,
    OrderFactory,
    SeasonalRuleSetFactory,
    ShipmentAnomalyFactory,
    ShipmentFactory,
    StoreFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(marketplace="DE", default_language="de")


def anomaly(store, kind="stalled", destination="DE"):
    customer = CustomerFactory(language="de")
    order = OrderFactory(store=store, customer=customer)
    shipment = ShipmentFactory(store=store, order=order, destination_country=destination)
    return ShipmentAnomalyFactory(
        shipment=shipment, kind=kind, notice_due_at=timezone.now() - dt.timedelta(minutes=1)
    )


def season(phase="during", markets=("DE",), stores=(), **during):
    return SeasonalRuleSetFactory(
        name="Chinese New Year",
        markets=list(markets),
        phase=phase,
        overrides={"during": during},
        stores=list(stores),
    )


def test_without_a_season_the_delay_notice_goes_out(store):
    found = anomaly(store)

    notice = anomaly_notice_claim(anomaly_id=found.pk)

    assert notice is not None
    assert notice.kind == "stalled"


def test_a_live_season_with_notices_off_holds_the_delay_notice_and_says_why(store):
    season(proactive_delay_notices=False)
    found = anomaly(store)

    assert anomaly_notice_claim(anomaly_id=found.pk) is None

    found.refresh_from_db()
    assert found.customer_notified_at is None
    assert found.notice_due_at is None  # nothing owed: the periodic sweep does not ask again
    assert found.notice_note == (
        "Not sent: the live seasonal rule set “Chinese New Year” turns proactive delay notices off."
    )


def test_notices_off_leave_a_failed_delivery_notice_alone(store):
    season(proactive_delay_notices=False)
    found = anomaly(store, kind="failed_delivery")

    assert anomaly_notice_claim(anomaly_id=found.pk) is not None


def test_the_setting_acts_only_while_its_phase_is_live_and_for_its_markets_and_stores(store):
    season(phase="after", proactive_delay_notices=False)  # set for "during" only
    season(markets=("US",), proactive_delay_notices=False)
    season(stores=(StoreFactory(),), proactive_delay_notices=False)
    found = anomaly(store)

    assert anomaly_notice_claim(anomaly_id=found.pk) is not None


def test_a_newer_rule_set_turning_notices_on_wins_over_an_older_one_turning_them_off(store):
    season(proactive_delay_notices=False)
    season(proactive_delay_notices=True)
    found = anomaly(store, kind="late")

    assert anomaly_notice_claim(anomaly_id=found.pk) is not None

"""ETAs from the lane's figures, padded by the seasonal rule sets."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from helpdesk.models import SeasonalRuleSet
from logistics.models import TrackingStatus
from logistics.selectors import eta_range, lane_for_shipment, season_padding_days
from tests.factories import LaneStatisticFactory, SeasonalRuleSetFactory, ShipmentFactory, StoreFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 1, 29, 12, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)
SHIPPED = NOW - 3 * DAY


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def lane():
    return LaneStatisticFactory(origin_country="CN", destination_country="US", median_days=10, p80_days=15)


def parcel(lane, **fields):
    defaults = {
        "carrier": lane.carrier,
        "origin_country": "CN",
        "destination_country": "US",
        "shipped_at": SHIPPED,
    }
    return ShipmentFactory(**{**defaults, **fields})


def chinese_new_year(**fields) -> SeasonalRuleSet:
    defaults = {
        "kind": SeasonalRuleSet.Kind.CHINESE_NEW_YEAR,
        "markets": ["CN"],
        "prepare_from": NOW - 20 * DAY,
        "peak_from": NOW - 5 * DAY,
        "peak_until": NOW + 10 * DAY,
        "review_until": NOW + 20 * DAY,
        "phase": SeasonalRuleSet.Phase.DURING,
        "overrides": {"during": {"delivery_padding_days": 10}, "after": {"sla_factor": 1.2}},
    }
    return SeasonalRuleSetFactory(**{**defaults, **fields})


def test_the_eta_runs_from_the_lanes_median_to_its_p80(lane):
    shipment = parcel(lane)

    eta = eta_range(shipment)

    assert lane_for_shipment(shipment) == lane
    assert (eta.earliest, eta.latest, eta.padding_days) == (SHIPPED + 10 * DAY, SHIPPED + 15 * DAY, 0)


def test_chinese_new_year_pads_the_eta_of_parcels_from_china(lane):
    chinese_new_year()

    eta = eta_range(parcel(lane))

    assert (eta.earliest, eta.latest, eta.padding_days) == (SHIPPED + 20 * DAY, SHIPPED + 25 * DAY, 10)


def test_a_parcel_shipped_during_the_peak_keeps_its_padding_after_the_peak(lane):
    chinese_new_year(phase=SeasonalRuleSet.Phase.INACTIVE, review_until=NOW - DAY, peak_until=NOW - 2 * DAY)

    assert season_padding_days(parcel(lane)) == 10
    assert season_padding_days(parcel(lane, shipped_at=NOW - 30 * DAY)) == 0  # shipped before it began


def test_padding_applies_only_to_the_rule_sets_stores_and_markets(lane):
    chinese_new_year(markets=["DE"])
    chinese_new_year(stores=[StoreFactory()], slug="cny-other-store")

    assert season_padding_days(parcel(lane)) == 0


def test_padding_can_be_given_per_destination_country(lane):
    chinese_new_year(overrides={"during": {"delivery_padding_days": {"US": 7, "*": 2}}})

    assert season_padding_days(parcel(lane)) == 7
    assert season_padding_days(parcel(lane, destination_country="FR")) == 2


def test_a_malformed_padding_counts_as_none(lane):
    chinese_new_year(overrides={"during": {"delivery_padding_days": "a fortnight"}})

    assert season_padding_days(parcel(lane)) == 0


def test_no_eta_before_shipping_after_delivery_or_without_lane_figures(lane):
    assert eta_range(parcel(lane, status=TrackingStatus.DELIVERED, delivered_at=NOW)) is None
    assert (
        eta_range(
            ShipmentFactory(
                carrier=lane.carrier, origin_country="CN", destination_country="US", shipped_at=None
            )
        )
        is None
    )
    assert eta_range(ShipmentFactory(origin_country="CN", destination_country="US")) is None

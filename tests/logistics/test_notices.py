"""The proactive notice's texts and the local-hour rule (pure functions, no database)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from logistics.notices import KINDS, customer_zone, notice_render, notice_time

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")


def at_berlin(hour: int, minute: int = 0, day: int = 10) -> dt.datetime:
    return dt.datetime(2025, 3, day, hour, minute, tzinfo=BERLIN)


@pytest.mark.parametrize(("hour", "minute"), [(8, 0), (12, 30), (19, 59)])
def test_a_notice_found_during_the_customers_day_goes_out_at_once(hour, minute):
    found = at_berlin(hour, minute).astimezone(UTC)

    assert notice_time(now=found, zone=BERLIN) == found


def test_a_notice_found_late_in_the_evening_waits_for_nine_the_next_morning():
    assert notice_time(now=at_berlin(20, 0).astimezone(UTC), zone=BERLIN) == at_berlin(9, day=11)
    assert notice_time(now=at_berlin(23, 45).astimezone(UTC), zone=BERLIN) == at_berlin(9, day=11)


def test_a_notice_found_before_eight_waits_for_nine_the_same_morning():
    assert notice_time(now=at_berlin(7, 59).astimezone(UTC), zone=BERLIN) == at_berlin(9)
    assert notice_time(now=at_berlin(0, 5).astimezone(UTC), zone=BERLIN) == at_berlin(9)


def test_the_local_hour_follows_the_customers_zone_not_utc():
    found = dt.datetime(2025, 3, 10, 3, 0, tzinfo=UTC)  # 23:00 the evening before in New York

    due = notice_time(now=found, zone=ZoneInfo("America/New_York"))

    assert due == dt.datetime(2025, 3, 10, 13, 0, tzinfo=UTC)  # 09:00 EDT


def test_the_zone_is_the_customers_then_their_countrys_then_the_stores():
    assert (
        customer_zone(customer_timezone="Asia/Tokyo", country="DE", store_timezone="UTC").key == "Asia/Tokyo"
    )
    assert customer_zone(customer_timezone="", country="fr", store_timezone="UTC").key == "Europe/Paris"
    assert customer_zone(customer_timezone="Not/AZone", country="", store_timezone="Asia/Shanghai").key == (
        "Asia/Shanghai"
    )
    assert customer_zone().key == "UTC"


@pytest.mark.parametrize("language", ["en", "zh-hans", "de", "fr", "es"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_anomaly_has_a_notice_in_each_written_language_with_the_link_and_the_parcel(kind, language):
    notice = notice_render(
        kind=kind,
        language=language,
        customer_name="Anna Schmidt",
        tracking_number="LX123456785CN",
        order_number="#100234",
        tracking_url="https://track.example/LX123456785CN",
        store_name="Lumen Home",
    )

    assert "LX123456785CN" in notice.subject
    assert "#100234" in notice.body
    assert "https://track.example/LX123456785CN" in notice.body
    assert "Anna" in notice.body
    assert "Schmidt" not in notice.body
    assert notice.body.rstrip().endswith("Lumen Home")
    assert "{" not in notice.body + notice.subject  # every placeholder filled


def test_the_notice_is_in_the_customers_language():
    common = {
        "kind": "customs",
        "customer_name": "",
        "tracking_number": "LX1",
        "order_number": "",
        "tracking_url": "",
        "store_name": "Shop",
    }

    assert notice_render(language="de", **common).subject == "Ihr Paket LX1 ist beim Zoll"
    assert notice_render(language="zh-hans", **common).subject == "您的包裹 LX1 正在清关"
    assert notice_render(language="fr-CA", **common).subject == "Votre colis LX1 est en douane"
    assert notice_render(language="es", **common).subject == "Tu paquete LX1 está en aduanas"
    # A language without a written text falls back to English.
    assert notice_render(language="pl", **common).subject == "Your parcel LX1 is in customs"
    assert notice_render(language="", **common).body.startswith("Hello,")


def test_a_name_with_braces_is_not_taken_for_a_placeholder():
    notice = notice_render(
        kind="late",
        language="en",
        customer_name="{tracking}",
        tracking_number="LX1",
        order_number="",
        tracking_url="",
        store_name="Shop",
    )

    assert notice.body.startswith("Hello {tracking},")

"""One status model for every provider: the real AfterShip and 17TRACK payloads in
../shared/data, 17TRACK's v2 strings, and checkpoint text in many languages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.conf import settings

from logistics import places, providers
from logistics.models import TrackingStatus as S
from logistics.normalise import (
    aftership_status,
    refine_with_text,
    seventeen_track_status,
    seventeen_track_v1_status,
)

DATA = settings.NLP_DATA_DIR / "tracking_webhooks"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"the public data is not at {DATA}")


def aftership_fixture_trackings() -> list[dict]:
    items = json.loads((DATA / "aftership" / "sdk_test_mock_responses.json").read_text())["items"]
    trackings = []
    for item in items:
        data = item["body"]["data"]
        trackings.extend(data["trackings"] if "trackings" in data else [data["tracking"]])
    return trackings


def seventeen_track_fixture(name: str) -> dict:
    return json.loads((DATA / "17track_py17track_fixtures" / name).read_text())


# --- the real AfterShip payloads --------------------------------------------------------------------


@needs_data
def test_every_real_aftership_tracking_is_read_with_its_mapped_status_and_local_time():
    label_created, delivered, completed = (
        providers.aftership_tracking(t) for t in aftership_fixture_trackings()
    )

    usps = label_created.update
    assert (usps.tracking_number, usps.carrier_slug, usps.order_number) == (
        "9434936105536968782556",
        "usps",
        "23423142",
    )
    assert (usps.origin_country, usps.destination_country) == ("AF", "AD")  # alpha-3 AFG, AND
    [scan] = usps.events
    assert (scan.status, scan.sub_status, scan.raw_status) == (S.INFO_RECEIVED, "", "InfoReceived_001")
    # "2023-12-20T02:12:00-06:00" in Texas: UTC stored, the offset kept (the US has several -06:00 zones).
    assert scan.occurred_at == dt.datetime(2023, 12, 20, 8, 12, tzinfo=dt.UTC)
    assert (scan.local_timezone, scan.country) == ("-06:00", "US")
    assert scan.location == "FAYETTEVILLE, TX, 78940, USA, United States"

    # The tracking says Delivered while its only checkpoint is the label: AfterShip's delivery
    # (shipment_delivery_date, UTC) becomes the parcel's delivered event.
    ups = delivered.update
    assert [(e.status, e.raw_status) for e in ups.events] == [
        (S.INFO_RECEIVED, "InfoReceived_001"),
        (S.DELIVERED, "Delivered_001"),
    ]
    assert ups.events[0].local_timezone == "-04:00"
    assert ups.events[1].occurred_at == dt.datetime(2018, 8, 1, 17, 19, 47, tzinfo=dt.UTC)

    # mark-as-completed answers with a bare tracking: the parcel, no checkpoints.
    assert completed.update.tracking_number == "1234567890"
    assert completed.update.events == ()


@needs_data
def test_an_aftership_tracking_read_twice_gives_the_same_event_ids():
    first, second = (providers.aftership_tracking(aftership_fixture_trackings()[1]) for _ in range(2))

    assert [e.provider_event_id for e in first.update.events] == [
        e.provider_event_id for e in second.update.events
    ]
    assert len({e.provider_event_id for e in first.update.events}) == 2


def test_every_documented_aftership_tag_and_the_subtags_that_say_more_are_mapped():
    assert {
        tag: aftership_status(tag) for tag in ("Pending", "InfoReceived", "InTransit", "OutForDelivery")
    } == {
        "Pending": (S.PENDING, ""),
        "InfoReceived": (S.INFO_RECEIVED, ""),
        "InTransit": (S.IN_TRANSIT, ""),
        "OutForDelivery": (S.OUT_FOR_DELIVERY, ""),
    }
    assert aftership_status("AttemptFail", "AttemptFail_002") == (S.FAILED_ATTEMPT, "recipient_absent")
    assert aftership_status("AvailableForPickup", "AvailableForPickup_001") == (
        S.AVAILABLE_FOR_PICKUP,
        "at_pickup_point",
    )
    assert aftership_status("Delivered", "Delivered_003") == (S.DELIVERED, "signed")
    assert aftership_status("Expired", "Expired_001") == (S.EXPIRED, "")
    assert aftership_status("InTransit", "InTransit_006") == (S.CUSTOMS_HOLD, "customs_processing")
    assert aftership_status("InTransit", "InTransit_005") == (S.IN_TRANSIT, "customs_cleared")
    assert aftership_status("Exception", "Exception_004") == (S.CUSTOMS_HOLD, "customs_delay")
    assert aftership_status("Exception", "Exception_003") == (S.EXCEPTION, "refused")
    assert aftership_status("Exception", "Exception_007") == (S.EXCEPTION, "bad_address")
    assert aftership_status("Exception", "Exception_011") == (S.RETURNED_TO_SENDER, "returned")
    assert aftership_status("Exception", "Exception_012") == (S.EXCEPTION, "damaged")
    assert aftership_status("Exception", "Exception_013") == (S.EXCEPTION, "lost")
    assert aftership_status("Exception", "Exception_099") == (
        S.EXCEPTION,
        "",
    )  # a new code: its tag still counts
    assert aftership_status("Teleported") is None


# --- the real 17TRACK payloads --------------------------------------------------------------------


@needs_data
def test_every_package_of_17tracks_real_package_list_is_read_with_status_time_and_place():
    parsed = [
        providers.seventeen_track_legacy_package(p)
        for p in seventeen_track_fixture("packages_response.json")["Json"]
    ]

    newest = [p.update.events[0] if p.update.events else None for p in parsed]
    # No FPackageState means 0 (not found), so the text decides: "Arrival at Destination Post".
    assert {(e.status, e.sub_status) for e in newest if e} == {(S.IN_TRANSIT, "arrived_destination_country")}
    paris, spain, milano, nowhere, empty = newest
    assert empty is None  # FLastEvent ""
    # A city that names a zone (Paris) or a country (Spain, Italy) places the local time.
    assert (paris.country, paris.local_timezone) == ("FR", "Europe/Paris")
    assert paris.occurred_at == dt.datetime(2018, 4, 23, 10, 2, tzinfo=dt.UTC)  # 12:02 CEST
    assert (spain.country, spain.local_timezone) == ("ES", "Europe/Madrid")
    assert (milano.country, milano.location, milano.local_timezone) == ("IT", "Milano Italy", "Europe/Rome")
    assert milano.occurred_at == dt.datetime(2021, 3, 4, 23, 0, tzinfo=dt.UTC)  # "2021-03-05", a date only
    # Nowhere named: read as UTC, and the zone is left unknown rather than guessed.
    assert (nowhere.occurred_at, nowhere.local_timezone) == (
        dt.datetime(2018, 11, 22, 13, 33, tzinfo=dt.UTC),
        "",
    )


@needs_data
def test_17tracks_package_states_in_the_real_payloads_are_mapped_and_an_unknown_one_is_left_to_the_text():
    packages = seventeen_track_fixture("packages_response_with_unknown_state.json")["Json"]
    no_state, in_transit, unknown = (providers.seventeen_track_legacy_package(p).update for p in packages)

    assert (no_state.events[0].status, no_state.events[0].raw_status) == (S.IN_TRANSIT, "0")
    assert (in_transit.events[0].status, in_transit.events[0].raw_status) == (S.IN_TRANSIT, "10")
    assert unknown.events == ()  # state 5000 and no event
    assert seventeen_track_v1_status(5000) is None


@needs_data
def test_every_state_code_in_17tracks_real_summary_maps_to_one_status_or_to_unknown():
    codes = [item["e"] for item in seventeen_track_fixture("summary_response.json")["Json"]["eitem"]]

    assert {code: seventeen_track_v1_status(code) for code in codes} == {
        0: (S.PENDING, ""),
        5: None,
        10: (S.IN_TRANSIT, ""),
        20: (S.EXPIRED, ""),
        30: (S.AVAILABLE_FOR_PICKUP, ""),
        32: None,
        35: (S.FAILED_ATTEMPT, ""),
        40: (S.DELIVERED, ""),
        50: (S.EXCEPTION, ""),
        5000: None,
    }


@needs_data
@pytest.mark.parametrize(
    "name",
    [
        "add_package_existing_response.json",
        "add_package_response.json",
        "authentication_failure_response.json",
        "authentication_success_response.json",
        "set_friendly_name_failure_response.json",
        "set_friendly_name_response.json",
    ],
)
def test_17tracks_account_answers_carry_no_tracking_and_are_refused_as_tracking_data(name):
    with pytest.raises(providers.PayloadError):
        providers.seventeen_track_item(seventeen_track_fixture(name))


def test_17track_v1_tracks_give_the_package_state_to_the_newest_event_only():
    parsed = providers.seventeen_track_v1_item(
        {
            "number": "RR123456785CN",
            "track": {
                "e": 40,
                "w1": 3011,
                "z0": {"a": "2024-03-08 14:11", "c": "Berlin", "d": "Germany", "z": "Zugestellt"},
                "z1": [{"a": "2024-03-01 09:00", "c": "Shenzhen", "d": "China", "z": "收寄"}],
                "z2": [
                    {"a": "2024-03-08 14:11", "c": "Berlin", "d": "Germany", "z": "Zugestellt"},
                    {"a": "2024-03-06 08:00", "c": "Frankfurt", "d": "Germany", "z": "Zollabfertigung"},
                ],
            },
        }
    )

    assert [(e.status, e.sub_status, e.local_timezone) for e in parsed.update.events] == [
        (S.IN_TRANSIT, "", "Asia/Shanghai"),
        (S.CUSTOMS_HOLD, "customs_processing", "Europe/Berlin"),
        (S.DELIVERED, "", "Europe/Berlin"),
    ]
    assert parsed.update.carrier_code == 3011


# --- 17TRACK v2 strings -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "sub_status", "stage", "expected"),
    [
        ("NotFound", "NotFound_Other", "", (S.PENDING, "")),
        ("InfoReceived", "InfoReceived", "", (S.INFO_RECEIVED, "")),
        ("InTransit", "InTransit_PickedUp", "PickedUp", (S.IN_TRANSIT, "picked_up")),
        ("InTransit", "InTransit_CustomsProcessing", "", (S.CUSTOMS_HOLD, "customs_processing")),
        ("InTransit", "InTransit_CustomsReleased", "", (S.IN_TRANSIT, "customs_cleared")),
        ("InTransit", "InTransit_CustomsRequiringInformation", "", (S.CUSTOMS_HOLD, "missing_documents")),
        ("InTransit", "InTransit_Other", "Arrival", (S.IN_TRANSIT, "arrived_at_hub")),
        ("Expired", "Expired_Other", "", (S.EXPIRED, "")),
        ("AvailableForPickup", "AvailableForPickup_Other", "", (S.AVAILABLE_FOR_PICKUP, "")),
        ("OutForDelivery", "OutForDelivery_Other", "OutForDelivery", (S.OUT_FOR_DELIVERY, "")),
        ("DeliveryFailure", "DeliveryFailure_NoBody", "", (S.FAILED_ATTEMPT, "recipient_absent")),
        ("DeliveryFailure", "DeliveryFailure_InvalidAddress", "", (S.EXCEPTION, "bad_address")),
        ("DeliveryFailure", "DeliveryFailure_Rejected", "", (S.EXCEPTION, "refused")),
        ("Delivered", "Delivered_Other", "Delivered", (S.DELIVERED, "")),
        ("Exception", "Exception_Returning", "Returning", (S.RETURNED_TO_SENDER, "returning")),
        ("Exception", "Exception_Returned", "Returned", (S.RETURNED_TO_SENDER, "returned")),
        ("Exception", "Exception_Damage", "", (S.EXCEPTION, "damaged")),
        ("Exception", "Exception_Lost", "", (S.EXCEPTION, "lost")),
        ("Exception", "Exception_Security", "", (S.CUSTOMS_HOLD, "customs_inspection")),
        ("Exception", "Exception_Other", "", (S.EXCEPTION, "")),
        ("", "", "Delivered", (S.DELIVERED, "")),
    ],
)
def test_17track_v2_statuses_sub_statuses_and_stages_are_mapped(status, sub_status, stage, expected):
    assert seventeen_track_status(status, sub_status, stage) == expected


# --- checkpoint text ------------------------------------------------------------------------------

CUSTOMS_TEXTS = [
    "清关中",
    "海关查验",
    "【深圳】快件已送交海关",
    "Zollabfertigung",
    "Sendung wird beim Zoll geprüft",
    "en attente de dédouanement",
    "Spedizione in dogana",
    "El envío está en aduana",
    "通関手続中",
    "세관 검사 대기",
    "Objeto em fiscalização aduaneira",
    "Zending bij de douane",
    "Przesyłka w urzędzie celnym",
    "Таможенное оформление",
    "Held by customs",
]


@pytest.mark.parametrize("text", CUSTOMS_TEXTS)
def test_customs_in_any_language_turns_a_generic_in_transit_into_a_customs_hold(text):
    status, sub_status = refine_with_text((S.IN_TRANSIT, ""), text)

    assert status == S.CUSTOMS_HOLD
    assert sub_status in {"customs_processing", "customs_inspection", "customs_delay"}


@pytest.mark.parametrize(
    ("text", "sub_status"),
    [
        ("海关查验", "customs_inspection"),
        ("Sendung wird beim Zoll geprüft", "customs_inspection"),
        ("Retenu en douane", "customs_delay"),
        ("清关中", "customs_processing"),
        ("Awaiting payment of import duties", "duties_due"),
    ],
)
def test_the_customs_text_says_what_kind_of_hold(text, sub_status):
    assert refine_with_text((S.IN_TRANSIT, ""), text) == (S.CUSTOMS_HOLD, sub_status)


@pytest.mark.parametrize(
    "text",
    [
        "海关放行",
        "清关完成",
        "Vom Zoll freigegeben",
        "Dédouané",
        "Sdoganato",
        "Customs clearance completed",
        "通関完了",
        "통관완료",
    ],
)
def test_a_release_from_customs_is_not_a_hold(text):
    assert refine_with_text((S.IN_TRANSIT, ""), text) == (S.IN_TRANSIT, "customs_cleared")


@pytest.mark.parametrize(
    "text",
    [
        "Delivered, front door",
        "已签收，签收人：本人",
        "Die Sendung wurde zugestellt",
        "Votre colis a été livré",
        "Entregado",
        "Consegnato",
        "配達完了",
        "Objeto entregue ao destinatário",
        "Bezorgd",
        "Przesyłka doręczona",
        "Вручено адресату",
        "배달완료",
    ],
)
def test_delivered_in_twelve_languages_counts_where_the_provider_knows_nothing(text):
    assert refine_with_text(None, text) == (S.DELIVERED, "")
    assert refine_with_text((S.PENDING, ""), text) == (S.DELIVERED, "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Delivery attempted, recipient not available", (S.FAILED_ATTEMPT, "recipient_absent")),
        ("Zustellversuch: Empfänger nicht angetroffen", (S.FAILED_ATTEMPT, "recipient_absent")),
        ("Destinataire absent, avis de passage déposé", (S.FAILED_ATTEMPT, "recipient_absent")),
        ("收件人不在，投递失败", (S.FAILED_ATTEMPT, "recipient_absent")),
        ("ご不在のため持ち戻り", (S.FAILED_ATTEMPT, "recipient_absent")),
        ("Die Sendung konnte nicht zugestellt werden", (S.FAILED_ATTEMPT, "")),
        ("Intento de entrega fallido", (S.FAILED_ATTEMPT, "")),
        ("Mancata consegna", (S.FAILED_ATTEMPT, "")),
        ("Niet bezorgd", (S.FAILED_ATTEMPT, "")),
        ("Nieudane doręczenie", (S.FAILED_ATTEMPT, "")),
        ("Неудачная попытка вручения", (S.FAILED_ATTEMPT, "")),
        ("Tentativa de entrega", (S.FAILED_ATTEMPT, "")),
        ("Annahme verweigert", (S.EXCEPTION, "refused")),
        ("收件人拒收", (S.EXCEPTION, "refused")),
        ("Adresse unbekannt", (S.EXCEPTION, "bad_address")),
        ("Dirección incorrecta", (S.EXCEPTION, "bad_address")),
        ("Returned to sender", (S.RETURNED_TO_SENDER, "returned")),
        ("退回寄件人", (S.RETURNED_TO_SENDER, "returned")),
        ("Rücksendung an den Absender", (S.RETURNED_TO_SENDER, "returning")),
        ("Retourné à l'expéditeur", (S.RETURNED_TO_SENDER, "returned")),
        ("Devuelto al remitente", (S.RETURNED_TO_SENDER, "returned")),
        ("Restituito al mittente", (S.RETURNED_TO_SENDER, "returned")),
        ("差出人に返送", (S.RETURNED_TO_SENDER, "returned")),
        ("Devolvido ao remetente", (S.RETURNED_TO_SENDER, "returned")),
        ("Teruggestuurd naar afzender", (S.RETURNED_TO_SENDER, "returned")),
        ("Zwrot do nadawcy", (S.RETURNED_TO_SENDER, "returning")),
        ("Возврат отправителю", (S.RETURNED_TO_SENDER, "returning")),
        ("Parcel damaged in transit", (S.EXCEPTION, "damaged")),
        ("包裹丢失", (S.EXCEPTION, "lost")),
        ("Sendung beschädigt", (S.EXCEPTION, "damaged")),
        ("Out for delivery", (S.OUT_FOR_DELIVERY, "")),
        ("派送中", (S.OUT_FOR_DELIVERY, "")),
        ("In Zustellung", (S.OUT_FOR_DELIVERY, "")),
        ("Ready for pickup at the post office", (S.AVAILABLE_FOR_PICKUP, "")),
    ],
)
def test_failures_returns_losses_and_last_mile_texts_refine_a_generic_status(text, expected):
    assert refine_with_text((S.IN_TRANSIT, ""), text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Delivered to airline",
        "Will be delivered tomorrow",
        "Wird voraussichtlich am Montag zugestellt",
        "Votre colis sera livré demain",
        "Undelivered item",
    ],
)
def test_a_phrase_with_delivered_in_it_does_not_deliver_a_parcel_in_transit(text):
    assert refine_with_text((S.IN_TRANSIT, ""), text)[0] != S.DELIVERED


def test_the_text_never_overrides_a_provider_status_that_is_already_specific():
    assert refine_with_text((S.DELIVERED, ""), "清关中") == (S.DELIVERED, "")
    assert refine_with_text((S.CUSTOMS_HOLD, "customs_delay"), "Departed facility") == (
        S.CUSTOMS_HOLD,
        "customs_delay",
    )
    assert refine_with_text((S.EXCEPTION, "lost"), "Returned to sender") == (S.EXCEPTION, "lost")
    # ... but explains a generic one, and adds the detail to a status it agrees with.
    assert refine_with_text((S.EXCEPTION, ""), "Held by customs") == (S.CUSTOMS_HOLD, "customs_delay")
    assert refine_with_text((S.FAILED_ATTEMPT, ""), "Nobody home") == (S.FAILED_ATTEMPT, "recipient_absent")
    # A routine in-transit detail from the provider is still generic.
    assert refine_with_text((S.IN_TRANSIT, "arrived_at_hub"), "清关中")[0] == S.CUSTOMS_HOLD
    # And a text that only says "in transit" changes nothing.
    assert refine_with_text((S.INFO_RECEIVED, ""), "Will be delivered tomorrow") == (S.INFO_RECEIVED, "")


# --- places and time zones ------------------------------------------------------------------------


def test_countries_are_read_from_alpha_2_alpha_3_and_names():
    assert [
        places.country_code(v) for v in ("de", "DEU", "USA", "Italy", "Hong Kong [CN]", "Narnia", None)
    ] == [
        "DE",
        "DE",
        "US",
        "IT",
        "HK",
        "",
        "",
    ]


def test_a_checkpoints_zone_is_named_only_when_its_country_city_and_offset_leave_no_doubt():
    at = dt.datetime.fromisoformat

    assert places.checkpoint_zone(at=at("2024-01-10T09:00:00+08:00"), country="CN") == "Asia/Shanghai"
    assert places.checkpoint_zone(at=at("2024-07-10T09:00:00+02:00"), country="DE") == "Europe/Berlin"
    assert places.checkpoint_zone(at=at("2024-01-10T09:00:00-06:00"), country="US") == "-06:00"
    assert (
        places.checkpoint_zone(at=at("2024-01-10T09:00:00-06:00"), country="US", city="Chicago")
        == "America/Chicago"
    )
    # An offset the country's zone does not have at that date: the offset, not a wrong zone.
    assert places.checkpoint_zone(at=at("2024-01-10T09:00:00+05:00"), country="FR") == "+05:00"
    assert places.checkpoint_zone(at=at("2024-01-10T09:00:00+09:00"), country="") == "+09:00"

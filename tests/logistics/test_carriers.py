import importlib

import pytest
from django.apps import apps

from logistics.carriers import CARRIERS, CARRIERS_BY_CODE
from logistics.models import Carrier
from logistics.selectors import carrier_for_detection
from logistics.tracking_numbers import detect_number, find_in_text
from tests.factories import ShipmentFactory
from tickets.demo import reference, scenarios

migration = importlib.import_module("logistics.migrations.0002_carriers")


def registry_rows():
    return [
        (c.code, c.name, c.country, c.tracking_url_template, c.aftership_slug, c.seventeen_track_code)
        for c in CARRIERS
    ]


def test_the_data_migration_holds_exactly_the_registry():
    # The migration keeps a frozen copy (migrations import no app code): a registry change
    # needs a new data migration, and this test says so.
    assert list(migration.CARRIERS) == registry_rows()


def test_every_carrier_has_a_unique_code_and_a_tracking_page_for_the_number():
    assert len(CARRIERS_BY_CODE) == len(CARRIERS)
    for carrier in CARRIERS:
        assert "{number}" in carrier.tracking_url_template, carrier.code
        assert carrier.tracking_url_template.startswith("https://"), carrier.code
        assert "RR123456785CN" in carrier.tracking_url("RR123456785CN"), carrier.code


@pytest.mark.django_db
def test_migrating_created_every_registry_carrier():
    stored = {c.code: c for c in Carrier.objects.all()}

    assert set(CARRIERS_BY_CODE) <= set(stored)
    ups = stored["ups"]
    assert (ups.name, ups.aftership_slug, ups.seventeen_track_code) == ("UPS", "ups", 100002)
    assert ups.tracking_url("1Z999AA10123456784") == "https://www.ups.com/track?tracknum=1Z999AA10123456784"


@pytest.mark.django_db
def test_the_data_migration_is_idempotent_and_repairs_edited_rows():
    Carrier.objects.filter(code="dpd").update(tracking_url_template="https://example.invalid/{number}")
    before = Carrier.objects.count()

    migration.create_or_update_carriers(apps, None)
    migration.create_or_update_carriers(apps, None)

    assert Carrier.objects.count() == before
    assert (
        Carrier.objects.get(code="dpd").tracking_url_template == CARRIERS_BY_CODE["dpd"].tracking_url_template
    )


@pytest.mark.django_db
def test_reversing_the_data_migration_keeps_carriers_that_parcels_use():
    shipment = ShipmentFactory(
        carrier=Carrier.objects.get(code="yunexpress"), tracking_number="YT2229521272164446"
    )
    custom = Carrier.objects.create(code="local-courier", name="Local courier")

    migration.remove_unused_carriers(apps, None)

    assert set(Carrier.objects.values_list("code", flat=True)) == {"yunexpress", "local-courier"}
    shipment.refresh_from_db()
    assert shipment.carrier.code == "yunexpress"
    assert custom.pk

    migration.create_or_update_carriers(apps, None)
    assert Carrier.objects.count() == len(CARRIERS) + 1


def test_the_demo_ships_only_with_registry_carriers():
    used = (
        set(reference.CARRIERS)
        | set(scenarios.DOMESTIC_CARRIER.values())
        | set(scenarios.CROSS_BORDER_CARRIERS)
    )

    assert used <= set(CARRIERS_BY_CODE)
    assert used <= set(reference.CARRIERS)


@pytest.mark.django_db
def test_a_detection_maps_to_its_carrier_row():
    candidate = detect_number("1Z999AA10123456784")[0]
    [found] = find_in_text("YunExpress YT2229521272164446")

    assert carrier_for_detection(candidate) == Carrier.objects.get(code="ups")
    assert carrier_for_detection(found) == Carrier.objects.get(code="yunexpress")
    assert carrier_for_detection("dhl-paket").name == "DHL Paket"
    assert carrier_for_detection({"carrier": ""}) is None
    assert carrier_for_detection("no-such-carrier") is None

"""The database refuses duplicate stores, customers, products and orders, and impossible money."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction

from customers.models import CustomerIdentity, Platform, Store
from tests.factories import (
    CustomerFactory,
    CustomerIdentityFactory,
    CustomerTagFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    StoreFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def test_the_same_platform_account_cannot_be_connected_twice():
    StoreFactory(platform=Platform.AMAZON, external_id="A1PA6795UKMFR9")

    with pytest.raises(IntegrityError), transaction.atomic():
        StoreFactory(platform=Platform.AMAZON, external_id="A1PA6795UKMFR9")


def test_the_same_account_id_on_two_platforms_is_two_stores():
    StoreFactory(platform=Platform.AMAZON, external_id="lumen")
    StoreFactory(platform=Platform.EBAY, external_id="lumen")

    assert Store.objects.filter(external_id="lumen").count() == 2


def test_an_identity_belongs_to_one_customer_only():
    CustomerIdentityFactory(platform=Platform.EBAY, kind=CustomerIdentity.Kind.BUYER_ID, value="anna_b_1987")

    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerIdentityFactory(
            platform=Platform.EBAY, kind=CustomerIdentity.Kind.BUYER_ID, value="anna_b_1987"
        )


def test_a_sku_is_unique_within_a_store_but_not_across_stores():
    store, other_store = StoreFactory(), StoreFactory()
    ProductFactory(store=store, sku="LMP-DESK-01")
    ProductFactory(store=other_store, sku="LMP-DESK-01")

    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(store=store, sku="LMP-DESK-01")


def test_an_order_number_is_imported_once_per_store():
    store = StoreFactory()
    OrderFactory(store=store, external_id="302-1234567-7654321")
    OrderFactory(store=StoreFactory(), external_id="302-1234567-7654321")

    with pytest.raises(IntegrityError), transaction.atomic():
        OrderFactory(store=store, external_id="302-1234567-7654321")


def test_an_order_line_id_is_imported_once_per_order():
    order = OrderFactory()
    OrderLineFactory(order=order, external_id="11402315378731")

    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLineFactory(order=order, external_id="11402315378731")


def test_a_tag_slug_is_unique():
    TagFactory(slug="serial-returner")

    with pytest.raises(IntegrityError), transaction.atomic():
        TagFactory(slug="serial-returner")


def test_a_customer_carries_a_tag_once():
    link = CustomerTagFactory()

    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerTagFactory(customer=link.customer, tag=link.tag)


@pytest.mark.parametrize("field", ["subtotal", "shipping_total", "tax_total", "total"])
def test_an_order_amount_cannot_be_negative(field):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderFactory(**{field: Decimal("-0.01")})


def test_an_order_line_cannot_be_for_zero_items():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLineFactory(quantity=0)


def test_a_product_price_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(price=Decimal("-1.00"))


def test_a_customer_lifetime_value_cannot_be_negative():
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(lifetime_value=Decimal("-5.00"))


@pytest.mark.parametrize("currency", ["usd", "Eur", "US", "U5D"])
def test_an_order_currency_must_be_an_iso_code(currency):
    with pytest.raises(IntegrityError), transaction.atomic():
        OrderFactory(currency=currency)


def test_an_order_currency_of_four_letters_is_refused():
    # SQLite ignores the column length, so the check constraint refuses it (IntegrityError);
    # PostgreSQL's varchar(3) refuses it before the check runs (DataError).
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        OrderFactory(currency="EURO")


@pytest.mark.parametrize("currency", ["eur", "EURO"])
def test_a_store_currency_must_be_an_iso_code(currency):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        StoreFactory(currency=currency)


def test_a_customer_cannot_be_merged_into_itself():
    customer = CustomerFactory()
    customer.merged_into = customer

    with pytest.raises(IntegrityError), transaction.atomic():
        customer.save(update_fields=["merged_into"])

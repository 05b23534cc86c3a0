"""The connector foundation: credentials encrypted at rest, capabilities, the registry, and the
managers' admin for credentials."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.db import connection
from django.test import override_settings

from customers.models import Platform
from helpdesk.exceptions import ApplicationError
from helpdesk.platforms import Capability, Connector, PlatformConnector, connector_for, supports
from helpdesk.platforms.credentials import platform_credential_secrets, platform_credential_set
from helpdesk.platforms.models import PlatformCredential
from helpdesk.platforms.shopify import ShopifyConnector
from tests.factories import StoreFactory

SECRET = "cs_9c1e5a77d0b24a43a1f0e6b2c8d4f1aa"


@pytest.fixture
def store(db):
    return StoreFactory(platform=Platform.WOOCOMMERCE, external_id="maison-lin.example.fr")


def raw_column(credential: PlatformCredential) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT secrets_encrypted FROM {PlatformCredential._meta.db_table} WHERE id = %s",
            [credential.pk],
        )
        return cursor.fetchone()[0]


def test_credentials_are_stored_encrypted_and_read_back(store):
    credential = platform_credential_set(
        store=store,
        base_url="https://maison-lin.example.fr/",
        secrets={"consumer_key": "ck_1", "consumer_secret": SECRET},
    )

    stored = raw_column(credential)
    assert SECRET not in stored
    assert "consumer_secret" not in stored
    assert platform_credential_secrets(credential=PlatformCredential.objects.get(store=store)) == {
        "consumer_key": "ck_1",
        "consumer_secret": SECRET,
    }
    assert credential.base_url == "https://maison-lin.example.fr"


def test_setting_credentials_again_replaces_them(store):
    platform_credential_set(
        store=store, base_url="https://a.example", secrets={"consumer_key": "old", "consumer_secret": "x"}
    )
    platform_credential_set(
        store=store, base_url="https://b.example", secrets={"consumer_key": "new", "consumer_secret": "y"}
    )

    credential = PlatformCredential.objects.get(store=store)
    assert credential.base_url == "https://b.example"
    assert platform_credential_secrets(credential=credential)["consumer_key"] == "new"


def test_an_empty_secret_is_refused(store):
    with pytest.raises(ApplicationError, match="needs a value"):
        platform_credential_set(
            store=store, base_url="https://a.example", secrets={"consumer_key": "ck", "consumer_secret": ""}
        )

    assert not PlatformCredential.objects.exists()


def test_a_rotated_key_still_reads_old_credentials_and_a_lost_key_says_so(store, settings):
    old_keys = list(settings.PLATFORM_CREDENTIALS_KEYS)
    credential = platform_credential_set(
        store=store, base_url="https://a.example", secrets={"consumer_key": "ck", "consumer_secret": SECRET}
    )
    new_key = Fernet.generate_key().decode()

    with override_settings(PLATFORM_CREDENTIALS_KEYS=[new_key, *old_keys]):
        assert platform_credential_secrets(credential=credential)["consumer_secret"] == SECRET
    with override_settings(PLATFORM_CREDENTIALS_KEYS=[new_key]):
        with pytest.raises(ApplicationError, match="cannot be decrypted"):
            platform_credential_secrets(credential=credential)
        # A store whose credentials cannot be read has no connector: refunds fall back to by hand.
        assert connector_for(store) is None


def test_capabilities_tell_callers_what_a_platform_allows():
    shopify = ShopifyConnector(shop_url="https://x.myshopify.com", access_token="t")

    assert isinstance(shopify, PlatformConnector)
    assert supports(shopify, Capability.REFUND_CREATE)
    assert supports(shopify, Capability.SYNC_ORDERS)
    assert supports(shopify, Capability.PUSH_TRACKING)
    assert not supports(shopify, Capability.SEND_MESSAGE)  # Shopify has no buyer-messaging API


def test_the_woocommerce_connector_is_a_full_connector(store):
    from helpdesk.platforms.woocommerce import WooCommerceConnector

    woo = WooCommerceConnector(
        site_url="https://maison-lin.example.fr", consumer_key="ck", consumer_secret="cs"
    )

    assert isinstance(woo, Connector)
    # Everything but fetching buyer messages, which WooCommerce does not keep.
    assert woo.capabilities == frozenset(Capability) - {Capability.FETCH_MESSAGES}


def test_a_manager_saves_credentials_in_admin_and_never_sees_the_secret_again(client, manager, store):
    client.force_login(manager)

    response = client.post(
        "/admin/helpdesk/platformcredential/add/",
        {
            "store": store.pk,
            "base_url": "https://maison-lin.example.fr",
            "secrets": f"consumer_key=ck_1\n consumer_secret = {SECRET}\n",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    credential = PlatformCredential.objects.get(store=store)
    assert platform_credential_secrets(credential=credential)["consumer_secret"] == SECRET
    page = client.get(f"/admin/helpdesk/platformcredential/{credential.pk}/change/")
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    assert credential.secrets_encrypted not in page.content.decode()


def test_admin_asks_for_every_secret_the_stores_platform_needs(client, manager, store):
    client.force_login(manager)

    response = client.post(
        "/admin/helpdesk/platformcredential/add/",
        {
            "store": store.pk,
            "base_url": "https://maison-lin.example.fr",
            "secrets": "consumer_key=ck_1\ntoken=x",
        },
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "WooCommerce needs: consumer_secret." in page
    assert "Not a secret of this platform: token." in page
    assert not PlatformCredential.objects.exists()


def test_admin_keeps_the_stored_secrets_when_the_field_is_left_empty(client, manager, store):
    platform_credential_set(
        store=store,
        base_url="https://maison-lin.example.fr",
        secrets={"consumer_key": "ck", "consumer_secret": SECRET},
    )
    credential = PlatformCredential.objects.get(store=store)
    client.force_login(manager)

    response = client.post(
        f"/admin/helpdesk/platformcredential/{credential.pk}/change/",
        {"store": store.pk, "base_url": "https://shop.maison-lin.example.fr", "secrets": ""},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    credential.refresh_from_db()
    assert credential.base_url == "https://shop.maison-lin.example.fr"
    assert platform_credential_secrets(credential=credential)["consumer_secret"] == SECRET

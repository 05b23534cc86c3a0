"""The managers' platform status page: one row per connected store with its syncs, calls and
errors, a "Sync now" button, and no way in for agents."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from customers.models import Order, Platform
from helpdesk.platforms.credentials import platform_credential_set
from helpdesk.platforms.models import PlatformCall, PlatformSyncCursor
from tests.factories import OrderFactory, StoreFactory
from tests.helpdesk.fake_woocommerce import CONSUMER_KEY, CONSUMER_SECRET, FakeWooCommerce, serve, wc_order

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def shop():
    fake = FakeWooCommerce()
    for number in (1001, 1002):
        fake.orders[number] = wc_order(number, modified=f"2026-11-2{number - 1000}T08:00:00")
    yield from serve(fake)


@pytest.fixture
def store(db, shop):
    store = StoreFactory(
        name="Maison Lin", platform=Platform.WOOCOMMERCE, external_id="maison-lin.example.fr", currency="EUR"
    )
    platform_credential_set(
        store=store,
        base_url=shop.url,
        secrets={"consumer_key": CONSUMER_KEY, "consumer_secret": CONSUMER_SECRET},
    )
    return store


def call(
    store, *, at: dt.datetime, status: int | None = 200, error: str = "", operation: str = "sync_orders"
):
    row = PlatformCall.objects.create(
        store=store, platform=store.platform, operation=operation, status_code=status, error=error
    )
    PlatformCall.objects.filter(pk=row.pk).update(at=at)


@pytest.fixture
def figures(store):
    """Controlled history: a sync 20 minutes ago, the newest order changed 3 hours ago, four
    calls in the last day (one failed) and an older failure."""
    cursor = PlatformSyncCursor.objects.create(store=store, kind="orders", cursor={"modified_after": "x"})
    PlatformSyncCursor.objects.filter(pk=cursor.pk).update(updated_at=NOW - dt.timedelta(minutes=20))
    OrderFactory(
        store=store, external_id="1001", platform_updated_at=NOW - dt.timedelta(hours=5), currency="EUR"
    )
    OrderFactory(
        store=store, external_id="1002", platform_updated_at=NOW - dt.timedelta(hours=3), currency="EUR"
    )
    call(store, at=NOW - dt.timedelta(days=3), status=401, error="Old failure (401)")
    call(store, at=NOW - dt.timedelta(hours=23))
    call(store, at=NOW - dt.timedelta(hours=2), status=503, error="WooCommerce failed (503): Scripted 503.")
    call(store, at=NOW - dt.timedelta(hours=2) + dt.timedelta(seconds=1))
    call(store, at=NOW - dt.timedelta(minutes=20), operation="send_message")
    return store


def row_of(response, store):
    [row] = [row for row in response.context["rows"] if row.store.pk == store.pk]
    return row


def test_a_manager_sees_each_connected_store_with_its_figures(client, manager, figures, store_eu):
    client.force_login(manager)

    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("platforms:status"))

    assert response.status_code == 200
    # store_eu has no credentials: no row
    assert [row.store.name for row in response.context["rows"]] == ["Maison Lin"]
    row = row_of(response, figures)
    assert row.connector_ready
    assert "sync_orders" in row.capabilities
    assert "send_message" in row.capabilities
    assert row.last_order_sync == NOW - dt.timedelta(minutes=20)
    assert row.sync_lag == dt.timedelta(hours=3)
    assert row.last_message_fetch is None
    assert row.calls_24h == 4
    assert row.errors_24h == 1
    assert row.last_error == "WooCommerce failed (503): Scripted 503."
    assert row.last_error_at == NOW - dt.timedelta(hours=2)
    page = response.content.decode()
    assert "Maison Lin" in page
    assert "2026-11-30 11:40" in page  # the last sync, in UTC
    assert "3\xa0hours" in page  # the lag
    assert "WooCommerce failed (503): Scripted 503." in page
    assert reverse("platforms:sync_now", args=[figures.pk]) in page


def test_a_store_whose_credentials_cannot_be_read_shows_as_not_set_up(client, manager, store):
    credential = store.platform_credential
    type(credential).objects.filter(pk=credential.pk).update(secrets_encrypted="not-a-token")
    client.force_login(manager)

    response = client.get(reverse("platforms:status"))

    row = row_of(response, store)
    assert not row.connector_ready
    assert "Not set up" in response.content.decode()
    assert reverse("platforms:sync_now", args=[store.pk]) not in response.content.decode()


def test_sync_now_queues_the_stores_sync_and_its_orders_arrive(client, manager, shop, store):
    client.force_login(manager)

    response = client.post(reverse("platforms:sync_now", args=[store.pk]), follow=True)

    assert response.redirect_chain == [(reverse("platforms:status"), 302)]
    assert "A sync of Maison Lin was queued." in response.content.decode()
    assert set(Order.objects.filter(store=store).values_list("platform_id", flat=True)) == {"1001", "1002"}
    assert row_of(response, store).last_order_sync is not None
    assert row_of(response, store).calls_24h == 1


def test_sync_now_needs_a_post(client, manager, shop, store):
    client.force_login(manager)

    assert client.get(reverse("platforms:sync_now", args=[store.pk])).status_code == 405
    assert shop.requests == []


def test_an_agent_is_refused_the_page_and_the_button(client, agent_eu, shop, store):
    client.force_login(agent_eu)

    assert client.get(reverse("platforms:status")).status_code == 403
    assert client.post(reverse("platforms:sync_now", args=[store.pk])).status_code == 403
    assert shop.requests == []


def test_a_visitor_who_is_not_signed_in_is_sent_to_the_login(client, store):
    response = client.get(reverse("platforms:status"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_team_lead_sees_only_the_stores_of_their_teams(client, lead_eu, store_eu, store):
    platform_credential_set(
        store=store_eu, base_url="https://sellingpartnerapi-eu.example", secrets={"t": "x"}
    )
    client.force_login(lead_eu)

    response = client.get(reverse("platforms:status"))

    assert response.status_code == 200
    assert [row.store.pk for row in response.context["rows"]] == [store_eu.pk]
    assert client.post(reverse("platforms:sync_now", args=[store.pk])).status_code == 404


def test_managers_and_leads_find_the_page_in_the_navigation_and_agents_do_not(
    client, manager, lead_eu, agent_eu
):
    def labels(user) -> list[str]:
        client.force_login(user)
        return [str(item["label"]) for item in client.get(reverse("tickets:inbox")).context["main_nav"]]

    assert "Platforms" in labels(manager)
    assert "Platforms" in labels(lead_eu)
    assert "Platforms" not in labels(agent_eu)

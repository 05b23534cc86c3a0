"""REST API v1 for customers, orders and tags: read only, scoped to the caller's stores."""

from __future__ import annotations

from tests.factories import CustomerFactory, OrderFactory, OrderLineFactory, TagFactory, TicketFactory
from tests.helpdesk.api_cast import error_of, token_client


def test_customers_with_an_order_or_a_ticket_in_the_tokens_stores_are_listed(agent_eu, store_eu, store_us):
    buyer = OrderFactory(store=store_eu).customer
    writer = TicketFactory(store=store_eu).customer
    OrderFactory(store=store_us)
    CustomerFactory()

    body = token_client(agent_eu, scopes=["customers:read"]).get("/api/v1/customers/").json()

    assert {row["id"] for row in body["results"]} == {buyer.pk, writer.pk}


def test_customers_filter_by_e_mail(agent_eu, store_eu):
    anna = OrderFactory(store=store_eu, customer=CustomerFactory(email="anna@example.de")).customer
    OrderFactory(store=store_eu)

    body = token_client(agent_eu).get("/api/v1/customers/", {"email": "ANNA@example.de"}).json()

    assert [row["id"] for row in body["results"]] == [anna.pk]


def test_a_customer_only_of_another_store_is_a_404(agent_eu, store_us):
    stranger = OrderFactory(store=store_us).customer

    response = token_client(agent_eu).get(f"/api/v1/customers/{stranger.pk}/")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_an_order_comes_with_its_lines_and_money_as_decimal_strings(agent_eu, store_eu):
    order = OrderFactory(store=store_eu, external_id="#1001")
    line = OrderLineFactory(order=order)

    body = token_client(agent_eu, scopes=["orders:read"]).get(f"/api/v1/orders/{order.pk}/").json()

    assert body["external_id"] == "#1001"
    assert body["total"] == str(order.total)
    assert [(row["id"], row["sku"], row["total_paid"]) for row in body["lines"]] == [
        (line.pk, line.sku, str(line.total_paid))
    ]


def test_orders_are_scoped_and_filter_by_number(agent_eu, store_eu, store_us):
    wanted = OrderFactory(store=store_eu, external_id="#2002")
    OrderFactory(store=store_eu, external_id="#2003")
    OrderFactory(store=store_us, external_id="#2002")
    client = token_client(agent_eu)

    body = client.get("/api/v1/orders/", {"number": "#2002"}).json()

    assert [row["id"] for row in body["results"]] == [wanted.pk]


def test_orders_need_the_orders_scope(agent_eu):
    response = token_client(agent_eu, scopes=["customers:read"]).get("/api/v1/orders/")

    assert response.status_code == 403


def test_tags_are_listed_for_every_store(agent_eu):
    vip = TagFactory(slug="vip", name="VIP")

    body = token_client(agent_eu, scopes=["tags:read"]).get("/api/v1/tags/").json()

    assert [(row["id"], row["slug"]) for row in body["results"]] == [(vip.pk, "vip")]


# GDPR / CCPA through the API -----------------------------------------------------------------


def test_a_manager_token_exports_a_customer_as_a_zip(manager, store_eu):
    import io
    import zipfile

    anna = OrderFactory(store=store_eu, customer=CustomerFactory(email="anna@example.de")).customer

    response = token_client(manager, scopes=["customers:write"]).get(f"/api/v1/customers/{anna.pk}/export/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert any(
        "anna@example.de" in archive.read(name).decode("utf-8", "replace") for name in archive.namelist()
    )


def test_exporting_needs_the_write_scope_and_a_managers_role(manager, lead_eu, store_eu):
    anna = OrderFactory(store=store_eu).customer

    read_only = token_client(manager, scopes=["customers:read"]).get(f"/api/v1/customers/{anna.pk}/export/")
    lead = token_client(lead_eu, scopes=["customers:write"]).get(f"/api/v1/customers/{anna.pk}/export/")

    assert read_only.status_code == 403
    assert "customers:write" in error_of(read_only)["message"]
    assert lead.status_code == 403


def test_erasing_through_the_api_needs_the_number_typed_again(manager, store_eu):
    anna = OrderFactory(store=store_eu, customer=CustomerFactory(email="anna@example.de")).customer
    client = token_client(manager, scopes=["customers:write"])

    wrong = client.post(f"/api/v1/customers/{anna.pk}/erase/", {"confirm": str(anna.pk + 1)}, format="json")
    anna.refresh_from_db()
    assert wrong.status_code == 400
    assert "confirm" in error_of(wrong)["fields"]
    assert anna.email == "anna@example.de"

    done = client.post(f"/api/v1/customers/{anna.pk}/erase/", {"confirm": str(anna.pk)}, format="json")
    anna.refresh_from_db()
    assert done.status_code == 200
    assert done.json()["already_erased"] is False
    assert "anna@example.de" not in anna.email

    again = client.post(f"/api/v1/customers/{anna.pk}/erase/", {"confirm": str(anna.pk)}, format="json")
    assert again.json()["already_erased"] is True


def test_an_agent_token_cannot_erase(agent_eu, store_eu):
    anna = OrderFactory(store=store_eu).customer

    response = token_client(agent_eu).post(
        f"/api/v1/customers/{anna.pk}/erase/", {"confirm": str(anna.pk)}, format="json"
    )

    assert response.status_code == 403

"""The export and erase buttons of the customer 360 page: managers only, erasing only after the
customer's number is typed, by POST with a CSRF token."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from customers.models import Customer, ErasureLog
from tests.factories import CustomerFactory, MessageFactory, TicketFactory

pytestmark = pytest.mark.django_db

EMAIL = "jonas.becker@mail.example.de"


@pytest.fixture
def customer(store_eu, team_eu):
    customer = CustomerFactory(display_name="Jonas Becker", email=EMAIL)
    ticket = TicketFactory(store=store_eu, team=team_eu, customer=customer)
    MessageFactory(ticket=ticket, body_text=f"Bitte rufen Sie mich an, {EMAIL}")
    return customer


def detail(client: Client, customer: Customer) -> str:
    response = client.get(reverse("customers:detail", args=[customer.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_manager_sees_both_buttons_on_the_customer_page(client, manager, customer):
    client.force_login(manager)

    page = detail(client, customer)

    assert "Export data (ZIP)" in page
    assert reverse("customers:export", args=[customer.pk]) in page
    assert reverse("customers:erase", args=[customer.pk]) in page


def test_an_agent_sees_the_customer_but_neither_button_and_gets_403_on_both_urls(client, agent_eu, customer):
    client.force_login(agent_eu)

    page = detail(client, customer)

    assert customer.display_name in page
    assert "Export data (ZIP)" not in page
    assert reverse("customers:erase", args=[customer.pk]) not in page
    assert client.post(reverse("customers:export", args=[customer.pk])).status_code == 403
    assert client.get(reverse("customers:erase", args=[customer.pk])).status_code == 403
    erase = client.post(reverse("customers:erase", args=[customer.pk]), {"reference": str(customer.pk)})
    assert erase.status_code == 403
    assert Customer.objects.get(pk=customer.pk).email == EMAIL


def test_the_export_button_downloads_the_zip_by_post_with_a_csrf_token(manager, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    url = reverse("customers:export", args=[customer.pk])

    assert client.post(url).status_code == 403  # no token: refused

    page = detail(client, customer)
    token = client.cookies["csrftoken"].value
    assert 'name="csrfmiddlewaretoken"' in page
    response = client.post(url, {"csrfmiddlewaretoken": token})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert f"customer-{customer.pk}-export.zip" in response["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert EMAIL in archive.read("messages.json").decode()


def test_erasing_asks_for_the_customer_number_first(client, manager, customer):
    client.force_login(manager)
    url = reverse("customers:erase", args=[customer.pk])

    confirmation = client.get(url)

    assert confirmation.status_code == 200
    assert "cannot be undone" in confirmation.content.decode()
    assert Customer.objects.get(pk=customer.pk).email == EMAIL


@pytest.mark.parametrize("typed", [None, "", "12345678", "Jonas Becker"])
def test_erasing_without_the_right_number_erases_nothing_and_says_why(client, manager, customer, typed):
    client.force_login(manager)
    data = {} if typed is None else {"reference": typed}

    response = client.post(reverse("customers:erase", args=[customer.pk]), data)

    assert response.status_code == 400
    page = response.content.decode()
    assert ("This field is required." in page) or (f"Type the customer number {customer.pk}" in page)
    assert Customer.objects.get(pk=customer.pk).email == EMAIL
    assert not ErasureLog.objects.exists()


def test_erasing_with_the_number_typed_calls_the_erasure_once(manager, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    url = reverse("customers:erase", args=[customer.pk])
    client.get(url)  # the confirmation page sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    assert client.post(url, {"reference": str(customer.pk)}).status_code == 403  # no token

    response = client.post(url, {"reference": f"#{customer.pk}", "csrfmiddlewaretoken": token}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("customers:detail", args=[customer.pk])
    assert "The customer&#x27;s personal data was erased." in response.content.decode()
    erased = Customer.objects.get(pk=customer.pk)
    assert (erased.email, erased.erased_at is not None) == ("", True)
    assert ErasureLog.objects.filter(erased_customer_id=customer.pk, actor=manager).count() == 1
    # Erased: the page offers the export but no second erasure; posting again changes nothing.
    assert reverse("customers:erase", args=[customer.pk]) not in detail(client, erased)
    again = client.post(url, {"reference": str(customer.pk), "csrfmiddlewaretoken": token}, follow=True)
    assert "already erased" in again.content.decode()
    assert ErasureLog.objects.count() == 1


def test_a_customer_outside_the_managers_reach_is_a_404(client, manager):
    client.force_login(manager)
    assert client.get(reverse("customers:erase", args=[999_999])).status_code == 404
    assert client.post(reverse("customers:export", args=[999_999])).status_code == 404

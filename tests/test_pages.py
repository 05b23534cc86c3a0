"""Every page a demo user clicks through answers, in both languages, with a bounded number
of queries; managers reach every admin page; agents see only their teams' stores."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.models import Customer
from logistics.models import Shipment
from returns.models import ReturnRequest
from tickets.models import Ticket

LIST_PAGES = ("tickets:inbox", "returns:list", "logistics:list", "customers:list", "analytics:overview")


@pytest.fixture
def demo(db):
    call_command("seed_demo", scale=60, verbosity=0)


def login(client, username: str):
    assert client.login(username=username, password="demo12345")
    return client


def detail_urls(ticket, customer, shipment, return_request) -> list[str]:
    return [
        reverse("tickets:detail", args=[ticket.pk]),
        reverse("customers:detail", args=[customer.pk]),
        reverse("logistics:detail", args=[shipment.pk]),
        reverse("returns:detail", args=[return_request.pk]),
    ]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_manager_can_open_every_page_in_english_and_chinese(client, demo, language):
    login(client, "manager")
    client.cookies["django_language"] = language
    urls = [reverse(name) for name in LIST_PAGES] + detail_urls(
        Ticket.objects.first(),
        Customer.objects.first(),
        Shipment.objects.first(),
        ReturnRequest.objects.first(),
    )
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    inbox = client.get(reverse("tickets:inbox")).content.decode()
    assert ("收件箱" in inbox) == (language == "zh-hans")


def test_an_agent_sees_their_stores_tickets_and_gets_404_for_others(client, demo):
    login(client, "agent.sato")  # Asia desk: Magento JP, Shopify, AliExpress
    visible = Ticket.objects.filter(team__slug="asia-desk").first()
    hidden = Ticket.objects.filter(store__external_id="A1LUMIODE").first()
    assert visible is not None
    assert hidden is not None

    inbox = client.get(reverse("tickets:inbox") + "?view=all").content.decode()

    assert client.get(reverse("tickets:detail", args=[visible.pk])).status_code == 200
    assert client.get(reverse("tickets:detail", args=[hidden.pk])).status_code == 404
    assert hidden.reference not in inbox


def test_list_pages_make_the_same_number_of_queries_whatever_the_number_of_rows(client, demo):
    login(client, "manager")

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = {name: queries(reverse(name) + "?view=all") for name in LIST_PAGES}
    call_command("seed_demo", scale=120, verbosity=0)
    after = {name: queries(reverse(name) + "?view=all") for name in LIST_PAGES}

    assert after == before


def test_a_manager_can_open_every_admin_list_and_change_page(client, demo):
    login(client, "manager")
    for model in admin.site._registry:
        meta = model._meta
        changelist = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client.get(changelist).status_code == 200, changelist
        obj = model.objects.first()
        if obj is not None:
            change = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
            assert client.get(change).status_code == 200, change


def test_an_agent_cannot_enter_admin(client, demo):
    login(client, "agent.li")

    response = client.get("/admin/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]

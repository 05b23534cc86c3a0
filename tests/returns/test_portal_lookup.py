"""Finding an order in the returns portal: no account, no enumeration, rate-limited."""

from __future__ import annotations

import time

import pytest
from django.core import signing
from django.urls import reverse

from returns.portal import links
from tests.returns.portal_cast import CSRF, _portal_settings, delivered_order, found, shop  # noqa: F401

pytestmark = pytest.mark.django_db
LOOKUP = "/returns/portal/"


@pytest.fixture
def order():
    return delivered_order(shop())


def lookup(client, number: str, proof: str):
    return client.post(LOOKUP, {"order_number": number, "proof": proof}, REMOTE_ADDR="203.0.113.7")


def test_the_order_number_and_e_mail_open_the_order_with_its_items(client, order):
    response = lookup(client, "#300123", "Anna.Schmidt@example.de ")

    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "LED desk lamp, Black" in page
    assert "Gift card 25 EUR" in page


def test_the_postal_code_works_instead_of_the_e_mail_and_the_hash_is_optional(client, order):
    assert lookup(client, "300123", "10 115").status_code == 302


def test_a_wrong_e_mail_and_an_unknown_order_get_the_same_answer(client, order, settings):
    wrong_email = lookup(client, "#300123", "someone.else@example.de")
    unknown_order = lookup(client, "#999999", "anna.schmidt@example.de")
    wrong_postcode = lookup(client, "#300123", "80331")

    bodies = {
        CSRF.sub("", response.content.decode()) for response in (wrong_email, unknown_order, wrong_postcode)
    }
    assert {wrong_email.status_code, unknown_order.status_code, wrong_postcode.status_code} == {404}
    assert len(bodies) == 1
    assert "We could not find an order with this number" in bodies.pop()


def test_every_miss_takes_at_least_the_minimum_time(client, order, settings):
    settings.RETURNS_PORTAL_LOOKUP_MIN_MS = 150
    durations = []
    for number, proof in (("#300123", "wrong@example.de"), ("#999999", "anna.schmidt@example.de")):
        started = time.monotonic()
        lookup(client, number, proof)
        durations.append(time.monotonic() - started)

    assert min(durations) >= 0.15
    assert abs(durations[0] - durations[1]) < 0.1


def test_a_visitor_trying_many_orders_is_stopped_with_a_clear_429(client, order, settings):
    settings.RETURNS_PORTAL_LOOKUPS_PER_IP = 3
    answers = [lookup(client, f"#40000{n}", "anna.schmidt@example.de").status_code for n in range(3)]
    stopped = lookup(client, "#300123", "anna.schmidt@example.de")  # even the right pair now

    assert answers == [404, 404, 404]
    assert stopped.status_code == 429
    assert "Too many look-ups" in stopped.content.decode()
    assert 'value="#300123"' in stopped.content.decode()  # what was typed stays in the form


def test_guessing_e_mails_for_one_order_from_many_addresses_is_stopped(client, order, settings):
    settings.RETURNS_PORTAL_LOOKUPS_PER_ORDER = 2
    for n in range(2):
        client.post(
            LOOKUP,
            {"order_number": "#300123", "proof": f"guess{n}@example.de"},
            REMOTE_ADDR=f"198.51.100.{n}",
        )

    last = client.post(
        LOOKUP, {"order_number": "300123", "proof": "guess9@example.de"}, REMOTE_ADDR="198.51.100.99"
    )

    assert last.status_code == 429


def test_an_empty_form_says_what_is_missing(client, order):
    response = client.post(LOOKUP, {"order_number": "", "proof": ""})

    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_an_inactive_store_s_orders_are_not_found(client, order):
    order.store.is_active = False
    order.store.save(update_fields=["is_active"])

    assert lookup(client, "#300123", "anna.schmidt@example.de").status_code == 404


def test_the_found_order_is_forgotten_after_the_session_time(client, order, time_machine):
    found(client, order)
    time_machine.move_to(time.time() + 31 * 60)

    response = client.get(reverse("returns_portal:order"))

    assert response.status_code == 302
    assert response["Location"].startswith(LOOKUP)


def test_the_order_page_without_a_look_up_sends_the_visitor_to_the_look_up(client, order):
    response = client.get(reverse("returns_portal:order"), follow=True)

    assert response.redirect_chain[0][0].startswith(LOOKUP)
    assert "Please look up your order again" in response.content.decode()


def test_a_signed_order_link_opens_the_order_without_a_look_up(client, order):
    url = links.order_url(order_id=order.pk)
    assert url.startswith("https://help.lumen.example/returns/portal/o/")

    response = client.get(url.removeprefix("https://help.lumen.example"), follow=True)

    assert response.status_code == 200
    assert "LED desk lamp, Black" in response.content.decode()


def test_a_tampered_order_link_is_a_clear_page_with_the_look_up(client, order):
    token = links.order_token(order_id=order.pk)
    forged = signing.dumps({"o": order.pk + 1}, salt="another.salt")

    for bad in (token[:-2] + "xx", forged, "nonsense"):
        response = client.get(reverse("returns_portal:order_link", kwargs={"token": bad}))
        assert response.status_code == 404
        assert "This link does not work" in response.content.decode()
        assert 'name="order_number"' in response.content.decode()


def test_an_expired_order_link_says_so(client, order, time_machine):
    token = links.order_token(order_id=order.pk)
    time_machine.move_to(time.time() + 31 * 24 * 3600)

    response = client.get(reverse("returns_portal:order_link", kwargs={"token": token}))

    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_the_portal_speaks_the_browser_s_language_and_the_chosen_one(client, order):
    chinese = client.get(LOOKUP, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    german = client.get(LOOKUP + "?lang=de")
    still_german = client.get(LOOKUP, HTTP_ACCEPT_LANGUAGE="zh-CN")

    assert '<html lang="zh-hans">' in chinese.content.decode()
    assert '<html lang="de">' in german.content.decode()
    assert '<html lang="de">' in still_german.content.decode()  # the choice is remembered
    for code in ("en", "zh-hans", "es", "de", "fr", "it", "ja", "pt"):
        assert f'value="{code}"' in german.content.decode()


def test_the_portal_fits_a_phone(client, order):
    page = client.get(LOOKUP).content.decode()

    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert "css/portal.css" in page


def test_a_customer_still_filling_the_form_is_not_cut_off(client, order, time_machine):
    found(client, order)
    time_machine.move_to(time.time() + 20 * 60)
    assert client.get(reverse("returns_portal:order")).status_code == 200
    time_machine.move_to(time.time() + 20 * 60)  # 40 minutes after the look-up, 20 after the last page

    assert client.get(reverse("returns_portal:order")).status_code == 200

"""The customer tracking page (/track/) in a real browser, as a French customer without an account:
look the parcel up by order number and e-mail address, read its history, open the same page from
the signed link of an e-mail, and get a clear answer (not an error page) for a wrong address or a
broken link.

Chromium (Debian's, driven by Playwright) talks to the ASGI app (daphne, a subprocess on the test
database); the browser asks for French through Accept-Language (the context's ``locale``).
Screenshots of each step go to var/e2e/<test name>/.
"""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from logistics.models import Shipment, TrackingStatus
from logistics.services.links import tracking_path_for
from tests.e2e.conftest import SERVER_SECRET_KEY
from tests.factories import (
    CarrierFactory,
    CustomerFactory,
    OrderFactory,
    ShipmentFactory,
    StoreFactory,
    TrackingEventFactory,
)

SHIPPED = dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def tracking_server(start_server):
    # This run's own look-up counters: earlier runs on the same Redis do not count.
    return start_server(CACHE_PREFIX=f"e2e-tracking-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def held_parcel(transactional_db):
    """A French shop's order with one parcel: picked up in Shenzhen, flown to Paris, held by customs."""
    store = StoreFactory(name="Maison Lumen FR", default_language="fr", brand_color="#7a2e8c")
    customer = CustomerFactory(email="camille.durand@example.fr")
    order = OrderFactory(
        store=store,
        customer=customer,
        email="Camille.Durand@example.fr",
        external_id=f"#FR{uuid.uuid4().int % 10**7:07d}",
    )
    shipment = ShipmentFactory(
        store=store,
        order=order,
        carrier=CarrierFactory(name="YunExpress"),
        tracking_number="YT2611020300417788",
        status=TrackingStatus.CUSTOMS_HOLD,
        anomaly=Shipment.Anomaly.CUSTOMS,
        destination_country="FR",
        shipped_at=SHIPPED,
        last_event_at=SHIPPED + dt.timedelta(days=4),
        last_location="Roissy-en-France",
    )
    scans = [
        (SHIPPED, TrackingStatus.INFO_RECEIVED, "Shipment information received", "Shenzhen", "CN"),
        (
            SHIPPED + dt.timedelta(days=1),
            TrackingStatus.IN_TRANSIT,
            "Departed from the hub",
            "Shenzhen",
            "CN",
        ),
        (
            SHIPPED + dt.timedelta(days=3),
            TrackingStatus.IN_TRANSIT,
            "Arrived at destination airport",
            "Paris",
            "FR",
        ),
        (
            SHIPPED + dt.timedelta(days=4),
            TrackingStatus.CUSTOMS_HOLD,
            "Held by customs",
            "Roissy-en-France",
            "FR",
        ),
    ]
    # Created out of order, as a provider's webhooks may deliver them: the page sorts by time.
    for when, status, text, place, country in [scans[2], scans[0], scans[3], scans[1]]:
        TrackingEventFactory(
            shipment=shipment,
            occurred_at=when,
            local_timezone="",
            status=status,
            description=text,
            location=place,
            country=country,
        )
    return shipment


def text(locator) -> str:
    # French puts a no-break space before "?" and ":"; compare words, not spacing.
    return " ".join(locator.inner_text().replace("\xa0", " ").split())


def timeline(page) -> list[dict[str, str]]:
    """The history as the customer reads it, top to bottom."""
    return page.eval_on_selector_all(
        "section.tracking-parcel ol.tracking-timeline > li",
        """items => {
            const words = node => node ? node.innerText.replace(/\\s+/g, ' ').trim() : '';
            return items.map(li => ({
                when: li.querySelector('time').getAttribute('datetime'),
                badge: words(li.querySelector('.badge')),
                text: words(li.querySelector('.tl-text')),
                place: words(li.querySelector('.sub')),
            }));
        }""",
    )


def test_a_french_customer_follows_a_parcel_held_in_customs(recorder, tracking_server, held_parcel, settings):
    order = held_parcel.order
    number = order.external_id.lstrip("#")  # typed as the confirmation shows it, without the "#"
    page = recorder.page(locale="fr-FR")

    # 1. The look-up page answers in French, without an account.
    page.goto(f"{tracking_server.url}/track/")
    assert page.get_attribute("html", "lang") == "fr"
    assert text(page.locator("h1")) == "Où est mon colis ?"
    recorder.shot(page, "lookup-fr")

    # 2. A wrong e-mail address: a clear message in French, the form again, no error page.
    page.fill("input[name=order_number]", number)
    page.fill("input[name=email]", "camille@example.com")
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.click("button[type=submit]")
    assert answer.value.status == 404
    alert = page.get_by_role("alert")
    assert "Nous n'avons trouvé aucune commande avec ce numéro et cette adresse e-mail" in text(alert)
    assert number not in page.content()  # nothing typed is echoed back
    assert page.get_attribute("html", "lang") == "fr"
    assert page.locator("input[name=order_number]").input_value() == ""
    recorder.shot(page, "wrong-email")

    # 3. The right address (typed in another case): the order's signed page, in French.
    page.fill("input[name=order_number]", number)
    page.fill("input[name=email]", "  camille.durand@EXAMPLE.fr ")
    page.click("button[type=submit]")
    page.wait_for_url("**/track/*/?lang=fr")
    signed_path = page.url.removeprefix(tracking_server.url)
    assert page.get_attribute("html", "lang") == "fr"
    assert text(page.locator("h1")) == f"Commande {order.external_id}"
    assert page.title() == "Suivi de commande · Maison Lumen FR"
    parcel = page.locator("section.tracking-parcel")
    assert parcel.count() == 1
    # The latest status, in plain words: the parcel is with customs (the anomaly's notice).
    assert text(parcel.locator(".tracking-status")) == "Votre colis est en cours de contrôle douanier."
    assert "tracking-status-customs_hold" in parcel.locator(".tracking-status").get_attribute("class")
    assert text(parcel.locator(".tracking-number")) == "YT2611020300417788"
    assert parcel.locator("a.tracking-carrier-link").get_attribute("href") == (
        "https://www.yuntrack.com/parcelTracking?id=YT2611020300417788"
    )
    # Every scan, newest first, with the carrier's words and the place.
    history = timeline(page)
    assert [entry["badge"] for entry in history] == [
        "Retenu en douane",
        "En transit",
        "En transit",
        "Informations reçues",
    ]
    assert [entry["text"] for entry in history] == [
        "Held by customs",
        "Arrived at destination airport",
        "Departed from the hub",
        "Shipment information received",
    ]
    assert history[0]["place"] == "Roissy-en-France, FR"
    times = [dt.datetime.fromisoformat(entry["when"]) for entry in history]
    assert times == sorted(times, reverse=True)
    assert times[0] == SHIPPED + dt.timedelta(days=4)
    assert page.locator("ol.tracking-timeline > li").first.is_visible()
    recorder.shot(page, "order-page")

    # 4. The same page from the signed link of an e-mail, opened later in a fresh browser that
    #    asks for French: no look-up needed.
    later = recorder.page(locale="fr-FR")
    later.goto(f"{tracking_server.url}{signed_path.split('?')[0]}")
    assert later.get_attribute("html", "lang") == "fr"
    assert text(later.locator("h1")) == f"Commande {order.external_id}"
    assert timeline(later) == history
    recorder.shot(later, "signed-link")

    # 5. The link of one parcel, as a proactive notice sends it (signed with the server's key).
    settings.SECRET_KEY = SERVER_SECRET_KEY
    later.goto(f"{tracking_server.url}{tracking_path_for(held_parcel)}")
    assert text(later.locator("h1")) == f"Commande {order.external_id}"
    assert text(later.locator("section.tracking-parcel .tracking-number")) == "YT2611020300417788"
    assert text(later.locator(".tracking-status")) == "Votre colis est en cours de contrôle douanier."
    assert timeline(later) == history
    recorder.shot(later, "parcel-link")

    # 6. The language switch: the same parcel in Spanish.
    later.get_by_role("link", name="español").click()
    later.wait_for_url("**?lang=es")
    assert later.get_attribute("html", "lang") == "es"
    assert text(later.locator(".tracking-status")) == "Tu paquete está pasando el control de aduanas."
    assert len(timeline(later)) == 4
    recorder.shot(later, "parcel-link-es")

    # 7. A link cut short when it was copied: a clear page in French with the look-up form.
    broken = f"{tracking_server.url}{signed_path.split('?')[0][:-6]}/"
    response = later.goto(broken)
    assert response is not None
    assert response.status == 404
    assert later.get_attribute("html", "lang") == "fr"
    assert text(later.locator("h1")) == "Ce lien ne fonctionne pas"
    assert later.locator("input[name=order_number]").is_visible()
    recorder.shot(later, "broken-link")

"""The returns portal in a real browser, as a German customer on a phone: find the order, choose
the item, reason and refund, get the decision at once, download the label.

Chromium (Debian's, driven by Playwright) talks to the ASGI app (daphne, a subprocess on the test
database). The browser asks for German (Accept-Language); the catalogues may not translate every
string yet, so the test checks the page's language and structure, not its wording.

Screenshots of each step go to var/e2e/<test name>/. ``RETURNS_PORTAL_RUNS=5`` repeats
the customer's whole path with fresh orders and prints each run's seconds and the median:

    RETURNS_PORTAL_RUNS=5 .venv/bin/pytest tests/e2e/test_returns_portal.py -s
"""

from __future__ import annotations

import os
import statistics
import time
import uuid

import pytest

from returns.models import ReturnRequest
from tests.e2e.conftest import Recorder
from tests.returns.portal_cast import delivered_order, shop


@pytest.fixture
def portal_server(start_server):
    # This run's own look-up counters: earlier runs on the same Redis do not count.
    return start_server(CACHE_PREFIX=f"e2e-returns-{uuid.uuid4().hex[:8]}")


def customer_returns_a_lamp(recorder: Recorder, server, order, shots: bool) -> tuple[float, bytes, str]:
    """The customer's whole path; returns (seconds from opening the portal to the label in
    hand, the label's bytes, the page's language)."""
    page = recorder.page(
        viewport={"width": 390, "height": 844}, locale="de-DE", accept_downloads=True, is_mobile=True
    )
    started = time.monotonic()
    page.goto(f"{server.url}/returns/portal/")
    language = page.get_attribute("html", "lang")
    if shots:
        recorder.shot(page, "lookup")

    page.fill("input[name=order_number]", order.external_id)
    page.fill("input[name=proof]", order.email)
    page.click("button[type=submit]")
    page.wait_for_selector("form.portal-form")
    if shots:
        recorder.shot(page, "order")

    line = order.lines.get(sku="LAMP-DESK-BLK")
    page.check(f"input[name=l{line.pk}-selected]")
    page.select_option(f"select[name=l{line.pk}-quantity]", "1")
    page.select_option(f"select[name=l{line.pk}-reason]", "does_not_fit")
    page.select_option(f"select[name=l{line.pk}-condition]", "unopened")
    page.fill(f"textarea[name=l{line.pk}-comment]", "Zu hell für meinen Schreibtisch.")
    page.check("input[name=resolution][value=refund]")
    if shots:
        recorder.shot(page, "filled")
    page.click("form.portal-form button[type=submit]")
    page.wait_for_selector("[data-decision]")
    if shots:
        recorder.shot(page, "decision")

    with page.expect_download() as download:
        page.click("[data-label-download]")
    label = download.value.path().read_bytes()
    seconds = time.monotonic() - started
    return seconds, label, language or ""


def test_a_german_customer_returns_an_item_on_a_phone_and_downloads_the_label(recorder, portal_server):
    store = shop()
    runs = max(1, int(os.environ.get("RETURNS_PORTAL_RUNS", "1")))
    timings = []
    for run in range(runs):
        order = delivered_order(store, email=f"kundin{run}@example.de", number=f"#77{run:04d}")
        seconds, label, language = customer_returns_a_lamp(recorder, portal_server, order, shots=run == 0)
        rr = ReturnRequest.objects.get(order=order)
        assert language == "de"
        assert rr.status == ReturnRequest.Status.LABEL_ISSUED
        assert rr.customer_language == "de"
        assert rr.lines.get().comment == "Zu hell für meinen Schreibtisch."
        assert label.startswith(b"%PDF")
        assert rr.rma_number.encode() in label  # the PDF's metadata names the return
        timings.append(seconds)
    print(
        "portal → approved return with label: "
        + ", ".join(f"{seconds:.2f}" for seconds in timings)
        + f" s; median {statistics.median(timings):.2f} s over {len(timings)} run(s)"
    )


def test_the_status_page_and_a_broken_link_in_the_browser(recorder, portal_server):
    page = recorder.page(viewport={"width": 390, "height": 844}, locale="de-DE")

    page.goto(f"{portal_server.url}/returns/portal/s/not-a-real-link/")

    assert page.get_attribute("html", "lang") == "de"
    assert page.locator("input[name=order_number]").count() == 1  # a way back: the look-up
    recorder.shot(page, "broken-link")

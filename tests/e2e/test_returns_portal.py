"""The returns portal in a real browser, as a German customer on a phone: find the order, choose
the item, reason and refund, get the decision at once, download the label.

Chromium (Debian's, driven by Playwright) talks to the ASGI app (daphne, a subprocess on the test
database). The browser asks for German (Accept-Language); the catalogues may not translate every
string yet, so the test checks the page's language and structure, not its wording.

Screenshots of each step go to var/e2e/returns-portal-*.png. ``RETURNS_PORTAL_RUNS=5`` repeats
the customer's whole path with fresh orders and prints each run's seconds and the median:

    RETURNS_PORTAL_RUNS=5 .venv/bin/pytest tests/e2e/test_returns_portal.py -s
"""

from __future__ import annotations

import os
import statistics
import time

import pytest

from returns.models import ReturnRequest
from tests.e2e.test_inbox_live import (  # noqa: F401 (fixtures)
    ARTIFACTS,
    CHROMIUM,
    Server,
    browser,
    free_port,
)
from tests.returns.portal_cast import delivered_order, shop

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Chromium is not installed at /usr/bin/chromium"),
]
SHOTS = "returns-portal"


@pytest.fixture
def portal_server(process_database_url, tmp_path):
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key in {"PATH", "HOME", "LANG", "REDIS_URL"}}
    env.update(
        DJANGO_SETTINGS_MODULE="helpdesk.settings.base",
        SECRET_KEY="browser-test-secret-key-0123456789-abcdefghijklmnop",
        DEBUG="true",
        VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=process_database_url,
        CELERY_TASK_ALWAYS_EAGER="true",
        PYTHONUNBUFFERED="1",
        # This run's own look-up counters: earlier runs on the same Redis do not count.
        CACHE_PREFIX=f"e2e-returns-{port}",
    )
    if env.get("REDIS_URL"):
        env["CELERY_BROKER_URL"] = env["REDIS_URL"]
    server = Server(url=f"http://127.0.0.1:{port}", port=port, env=env, log=tmp_path / "daphne.log")
    server.start()
    yield server
    server.stop()


class Shots:
    def __init__(self) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for old in ARTIFACTS.glob(f"{SHOTS}-*.png"):  # only this test's: others keep theirs
            old.unlink()
        self.count = 0

    def take(self, page, name: str) -> None:
        self.count += 1
        page.screenshot(path=ARTIFACTS / f"{SHOTS}-{self.count:02d}-{name}.png", full_page=True)


def customer_returns_a_lamp(browser, server, order, shots: Shots | None) -> tuple[float, bytes, str]:  # noqa: F811
    """The customer's whole path; returns (seconds from opening the portal to the label in
    hand, the label's bytes, the page's language)."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="de-DE", accept_downloads=True, is_mobile=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    started = time.monotonic()
    page.goto(f"{server.url}/returns/portal/")
    language = page.get_attribute("html", "lang")
    if shots:
        shots.take(page, "lookup")

    page.fill("input[name=order_number]", order.external_id)
    page.fill("input[name=proof]", order.email)
    page.click("button[type=submit]")
    page.wait_for_selector("form.portal-form")
    if shots:
        shots.take(page, "order")

    line = order.lines.get(sku="LAMP-DESK-BLK")
    page.check(f"input[name=l{line.pk}-selected]")
    page.select_option(f"select[name=l{line.pk}-quantity]", "1")
    page.select_option(f"select[name=l{line.pk}-reason]", "does_not_fit")
    page.select_option(f"select[name=l{line.pk}-condition]", "unopened")
    page.fill(f"textarea[name=l{line.pk}-comment]", "Zu hell für meinen Schreibtisch.")
    page.check("input[name=resolution][value=refund]")
    if shots:
        shots.take(page, "filled")
    page.click("form.portal-form button[type=submit]")
    page.wait_for_selector("[data-decision]")
    if shots:
        shots.take(page, "decision")

    with page.expect_download() as download:
        page.click("[data-label-download]")
    label = download.value.path().read_bytes()
    seconds = time.monotonic() - started
    context.close()
    return seconds, label, language or ""


def test_a_german_customer_returns_an_item_on_a_phone_and_downloads_the_label(browser, portal_server):  # noqa: F811
    store = shop()
    runs = max(1, int(os.environ.get("RETURNS_PORTAL_RUNS", "1")))
    timings = []
    for run in range(runs):
        order = delivered_order(store, email=f"kundin{run}@example.de", number=f"#77{run:04d}")
        seconds, label, language = customer_returns_a_lamp(
            browser, portal_server, order, Shots() if run == 0 else None
        )
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


def test_the_status_page_and_a_broken_link_in_the_browser(browser, portal_server):  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(20_000)

    page.goto(f"{portal_server.url}/returns/portal/s/not-a-real-link/")

    assert page.get_attribute("html", "lang") == "de"
    assert page.locator("input[name=order_number]").count() == 1  # a way back: the look-up
    context.close()

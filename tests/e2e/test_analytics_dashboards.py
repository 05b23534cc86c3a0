"""Every analytics page draws in a real browser: Playwright drives Debian's Chromium against the
ASGI app (daphne on the test database, as tests/e2e/test_inbox_live.py starts it).

A manager signs in; the overview, every registered dashboard (read from
``analytics.dashboards.DASHBOARDS`` when the test runs, so dashboards added later are covered),
the seasons list and one season's post-holiday report open; on each, every chart canvas must be
drawn (``data-rendered="true"``, set by static/js/dashboard.js and charts.js) with no error in the
browser console. A full-page screenshot of each goes to var/e2e/analytics-*.png.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from analytics.dashboards import dashboards_in_order
from analytics.season_views import REPORT_PERMISSION
from tests.conftest import role
from tests.e2e.conftest import browser_password, log_in
from tests.factories import (
    CarrierFactory,
    CustomerFactory,
    LaneStatisticFactory,
    OrderFactory,
    OrderLineFactory,
    ProductFactory,
    ReturnLineFactory,
    ReturnRequestFactory,
    SeasonalRuleSetFactory,
    ShipmentFactory,
    TicketFactory,
    UserFactory,
)

INTENTS = ("where_is_my_order", "damaged_item", "return_request", "refund_status")


@pytest.fixture
def manager_with_data(store_eu, team_eu):
    manager = UserFactory(username="ling.manager", is_staff=True, groups=[role("Manager")])
    # The analytics migration grants this to managers; a flushed test database rebuilt the
    # role without it.
    app_label, codename = REPORT_PERMISSION.split(".") if REPORT_PERMISSION else ("", "")
    if codename:
        role("Manager").permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    browser_password(manager)

    now = timezone.now()
    carrier = CarrierFactory(name="YunExpress")
    LaneStatisticFactory(
        carrier=carrier, origin_country="CN", destination_country="DE", median_days=Decimal("9")
    )
    product = ProductFactory(store=store_eu, sku="LMP-1", title="Desk lamp")
    # A few weeks of recent tickets, returns and parcels for the live dashboards.
    for day in range(20):
        at = now - dt.timedelta(days=day, hours=3)
        customer = CustomerFactory(country="DE")
        order = OrderFactory(store=store_eu, customer=customer, placed_at=at - dt.timedelta(days=12))
        line = OrderLineFactory(order=order, product=product, quantity=1)
        TicketFactory(
            store=store_eu,
            team=team_eu,
            customer=customer,
            order=order,
            intent=INTENTS[day % len(INTENTS)],
            created_at=at,
            first_responded_at=at + dt.timedelta(hours=2),
            solved_at=at + dt.timedelta(hours=20) if day > 2 else None,
            status="solved" if day > 2 else "open",
        )
        if day % 4 == 0:
            returned = ReturnRequestFactory(store=store_eu, order=order, requested_at=at)
            ReturnLineFactory(return_request=returned, order_line=line, quantity=1)
        ShipmentFactory(
            store=store_eu,
            order=order,
            carrier=carrier,
            shipped_at=at - dt.timedelta(days=11),
            delivered_at=at - dt.timedelta(days=day % 3),
            status="delivered",
        )
    # A finished season: normal weeks before it, a busier peak.
    prepare = now - dt.timedelta(days=120)
    season = SeasonalRuleSetFactory(
        name="Black Friday (browser test)",
        prepare_from=prepare,
        peak_from=prepare + dt.timedelta(days=14),
        peak_until=prepare + dt.timedelta(days=19),
        review_until=prepare + dt.timedelta(days=40),
        markets=[],
        stores=[store_eu],
    )
    for index in range(30):
        TicketFactory(
            store=store_eu,
            team=team_eu,
            intent=INTENTS[index % 2],
            created_at=season.peak_from + dt.timedelta(hours=4 * index),
            first_responded_at=season.peak_from + dt.timedelta(hours=4 * index + 5),
        )
    for index in range(14):
        TicketFactory(
            store=store_eu,
            team=team_eu,
            intent=INTENTS[index % 4],
            created_at=prepare - dt.timedelta(days=4 * index + 1),
            first_responded_at=prepare - dt.timedelta(days=4 * index + 1) + dt.timedelta(hours=1),
        )
    SeasonalRuleSetFactory(  # still running: listed greyed out, with when it ends
        name="Christmas (browser test)",
        kind="christmas",
        prepare_from=now - dt.timedelta(days=2),
        peak_from=now + dt.timedelta(days=10),
        peak_until=now + dt.timedelta(days=20),
        review_until=now + dt.timedelta(days=40),
        stores=[store_eu],
    )
    return manager, season


def _every_canvas_drawn(page) -> list[str]:
    """The canvases not drawn yet (their chart key or id), after giving the scripts a moment."""
    script = "() => [...document.querySelectorAll('canvas')].every(c => c.dataset.rendered === 'true')"
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(script, timeout=10_000)
    return page.locator("canvas:not([data-rendered=true])").evaluate_all(
        "canvases => canvases.map(c => c.dataset.chart || c.id || '?')"
    )


def test_every_analytics_page_draws_all_its_charts_without_errors(recorder, server, manager_with_data):
    manager, season = manager_with_data
    page = log_in(recorder, server, manager, landing=None)
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    pages = [("overview", reverse("analytics:overview"))]
    pages += [
        (f"dashboard-{entry.slug}", reverse("analytics:dashboard", args=[entry.slug]))
        for entry in dashboards_in_order()
    ]
    pages += [
        ("seasons", reverse("analytics:seasons")),
        ("season-report", reverse("analytics:season", args=[season.pk])),
    ]
    assert len(pages) > 4, "no dashboard is registered"
    problems = {}
    for name, path in pages:
        errors.clear()
        response = page.goto(f"{server.url}{path}")
        assert response is not None, path
        assert response.status == 200, f"{path}: {response.status}"
        page.wait_for_load_state("load")
        undrawn = _every_canvas_drawn(page)
        canvases = page.locator("canvas").count()
        recorder.shot(page, name)
        if undrawn or errors:
            problems[path] = {"canvases": canvases, "not drawn": undrawn, "console errors": list(errors)}
        if name in {"overview", "season-report"}:
            assert canvases > 0, f"{path} has no chart"
    assert not problems, problems

    page.goto(f"{server.url}{reverse('analytics:seasons')}")
    assert page.locator("tr.season-unfinished", has_text="Christmas (browser test)").count() == 1
    assert page.locator("tr.season-unfinished a").count() == 0  # nothing to open yet

    # The season report names the season, lists its recommendations and offers the PDF.
    page.goto(f"{server.url}{reverse('analytics:season', args=[season.pk])}")
    assert "Black Friday (browser test)" in page.locator("h1").inner_text()
    assert page.locator(".recommendations li").count() >= 1
    pdf = page.request.get(f"{server.url}{reverse('analytics:season-pdf', args=[season.pk])}")
    assert pdf.status == 200
    assert pdf.body().startswith(b"%PDF")
    assert "Seasons" in page.locator("nav.tabs").inner_text()

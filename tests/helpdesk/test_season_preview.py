"""A manager previews what a rule set changes, store by store, before it goes live."""

from __future__ import annotations

import pytest

from helpdesk.models import RuleSetSwap, SeasonalRuleSet
from helpdesk.seasons import rule_set_preview, season_overrides_live
from tests.factories import SeasonalRuleSetFactory, StoreFactory

pytestmark = pytest.mark.django_db

Phase = SeasonalRuleSet.Phase


@pytest.fixture
def stores():
    return {
        "us": StoreFactory(name="Lumen US", marketplace="US"),
        "de": StoreFactory(name="Lumen DE", marketplace="DE"),
        "jp": StoreFactory(name="Lumen JP", marketplace="JP"),
    }


@pytest.fixture
def live_christmas():
    return SeasonalRuleSetFactory(
        name="Christmas (live)",
        slug="christmas-live",
        markets=["US", "DE"],
        phase=Phase.DURING,
        overrides={"during": {"sla_factor": 1.2, "overflow_team": "xmas"}},
    )


@pytest.fixture
def black_friday():
    return SeasonalRuleSetFactory(
        name="Black Friday",
        slug="black-friday-preview",
        markets=["US", "DE"],
        overrides={"during": {"sla_factor": 1.5, "self_service_threshold": 0.7}},
    )


def test_the_preview_lists_each_store_of_the_markets_with_the_value_now_and_with_the_rule_set(
    stores, live_christmas, black_friday
):
    changes = rule_set_preview(rule_set=black_friday, phase=Phase.DURING)

    rows = {(change.store, change.key): (change.live, change.proposed) for change in changes}
    assert rows == {
        ("Lumen DE (Shopify)", "sla_factor"): ((("Christmas (live)", 1.2),), 1.5),
        ("Lumen DE (Shopify)", "self_service_threshold"): ((), 0.7),
        ("Lumen US (Shopify)", "sla_factor"): ((("Christmas (live)", 1.2),), 1.5),
        ("Lumen US (Shopify)", "self_service_threshold"): ((), 0.7),
    }


def test_a_rule_set_for_named_stores_previews_only_those(stores, black_friday):
    black_friday.stores.add(stores["us"])

    changes = rule_set_preview(rule_set=black_friday, phase=Phase.DURING)

    assert {change.store for change in changes} == {"Lumen US (Shopify)"}


def test_previewing_changes_nothing(stores, black_friday):
    rule_set_preview(rule_set=black_friday, phase=Phase.DURING)

    black_friday.refresh_from_db()
    assert black_friday.phase == Phase.INACTIVE
    assert not RuleSetSwap.objects.exists()
    assert season_overrides_live(store_id=stores["us"].pk, marketplace="US") == []


def test_the_admin_preview_page_shows_the_changes(admin_client, stores, live_christmas, black_friday):
    url = f"/admin/helpdesk/seasonalruleset/{black_friday.pk}/preview/"

    response = admin_client.get(url, {"phase": "during"})

    assert response.status_code == 200
    page = response.content.decode()
    table = page[page.index('id="preview-changes"') :]
    assert "Lumen DE" in table
    assert "Lumen US" in table
    assert "Lumen JP" not in table
    assert "self_service_threshold" in table
    assert "0.7" in table
    assert "Christmas (live)" in table
    # The change page links to it.
    change_page = admin_client.get(f"/admin/helpdesk/seasonalruleset/{black_friday.pk}/change/")
    assert f"{url}?phase=during" in change_page.content.decode()


def test_the_admin_preview_refuses_an_unknown_phase_and_an_unknown_rule_set(admin_client, black_friday):
    response = admin_client.get(
        f"/admin/helpdesk/seasonalruleset/{black_friday.pk}/preview/", {"phase": "peak"}
    )
    assert response.status_code == 400
    assert "Unknown phase “peak”" in response.content.decode()

    assert admin_client.get("/admin/helpdesk/seasonalruleset/999999/preview/").status_code == 404


def test_an_agent_without_admin_access_cannot_preview(client, black_friday, agent_eu):
    client.force_login(agent_eu)

    response = client.get(f"/admin/helpdesk/seasonalruleset/{black_friday.pk}/preview/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]

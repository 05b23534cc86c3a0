"""REST API v1 for seasonal rule sets: read by every role, written by managers through the season
services (the phase follows the calendar through the logged swap, or a manager's hand)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.test import APIClient

from helpdesk.models import RuleSetSwap, SeasonalRuleSet
from tests.factories import SeasonalRuleSetFactory
from tests.helpdesk.api_cast import error_of, token_client

RULE_SETS = "/api/v1/seasonal-rule-sets/"


def dates(peak: dt.datetime) -> dict[str, str]:
    """A calendar whose peak is around ``peak``."""
    return {
        "prepare_from": (peak - dt.timedelta(days=10)).isoformat(),
        "peak_from": (peak - dt.timedelta(days=1)).isoformat(),
        "peak_until": (peak + dt.timedelta(days=3)).isoformat(),
        "review_until": (peak + dt.timedelta(days=20)).isoformat(),
    }


def new_rule_set(**extra) -> dict:
    return {
        "name": "Black Friday 2026",
        "slug": "bfcm-2026",
        "kind": "black_friday",
        "markets": ["us", "GB", "US"],
        "timezone": "America/New_York",
        "overrides": {"during": {"sla_factor": 1.5}},
        **dates(timezone.now()),
        **extra,
    }


def test_rule_sets_are_listed_with_their_phase_and_overrides(agent_eu):
    rule_set = SeasonalRuleSetFactory(overrides={"during": {"sla_factor": 1.5}})

    body = token_client(agent_eu, scopes=["seasons:read"]).get("/api/v1/seasonal-rule-sets/").json()

    assert [(row["id"], row["slug"], row["phase"]) for row in body["results"]] == [
        (rule_set.pk, rule_set.slug, rule_set.phase)
    ]
    assert body["results"][0]["overrides"] == {"during": {"sla_factor": 1.5}}


def test_a_read_scope_or_an_agent_cannot_write_rule_sets(agent_eu, lead_eu, manager):
    rule_set = SeasonalRuleSetFactory()
    url = f"{RULE_SETS}{rule_set.pk}/"

    reader = token_client(manager, scopes=["seasons:read"]).patch(url, {"name": "x"}, format="json")
    anonymous = APIClient().patch(url, {"name": "x"}, format="json")

    assert reader.status_code == 403
    assert "seasons:write" in error_of(reader)["message"]
    assert anonymous.status_code == 401
    for user in (agent_eu, lead_eu):
        client = token_client(user, scopes=["seasons:write"])
        for response in (
            client.post(RULE_SETS, new_rule_set(), format="json"),
            client.patch(url, {"name": "x"}, format="json"),
            client.post(f"{url}phase/", {"phase": "during"}, format="json"),
        ):
            assert response.status_code == 403
            assert "Only managers" in error_of(response)["message"]
    rule_set.refresh_from_db()
    assert (rule_set.name, rule_set.phase) != ("x", "during")
    assert SeasonalRuleSet.objects.count() == 1


def test_a_rule_set_created_in_its_peak_switches_to_during_through_the_logged_swap(manager, store_us):
    response = token_client(manager).post(RULE_SETS, new_rule_set(stores=[store_us.pk]), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["phase"], body["manual_phase"], body["stores"], body["markets"]) == (
        "during",
        False,
        [store_us.pk],
        ["US", "GB"],
    )
    rule_set = SeasonalRuleSet.objects.get(slug="bfcm-2026")
    swap = RuleSetSwap.objects.get(rule_set=rule_set)
    assert (swap.from_phase, swap.to_phase, swap.actor) == ("inactive", "during", manager)


def test_a_rule_set_in_the_future_stays_inactive(manager):
    later = timezone.now() + dt.timedelta(days=60)

    response = token_client(manager).post(
        RULE_SETS, new_rule_set(**dates(later)), format="json", HTTP_IDEMPOTENCY_KEY="bf-1"
    )

    assert response.status_code == 201
    assert response.json()["phase"] == "inactive"
    assert not RuleSetSwap.objects.exists()


def test_moving_the_dates_moves_the_phase_unless_a_manager_holds_it(manager):
    rule_set = SeasonalRuleSetFactory(prepare_from=timezone.now() + dt.timedelta(days=30))
    client = token_client(manager)
    now = timezone.now()

    moved = client.patch(f"{RULE_SETS}{rule_set.pk}/", dates(now), format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["phase"] == "during"

    held = client.post(f"{RULE_SETS}{rule_set.pk}/phase/", {"phase": "after"}, format="json")
    assert (held.json()["phase"], held.json()["manual_phase"]) == ("after", True)
    still_held = client.patch(f"{RULE_SETS}{rule_set.pk}/", {"name": "BFCM"}, format="json")
    assert (still_held.json()["phase"], still_held.json()["name"]) == ("after", "BFCM")

    back = client.post(f"{RULE_SETS}{rule_set.pk}/phase/", {"phase": "scheduled"}, format="json")
    assert (back.json()["phase"], back.json()["manual_phase"]) == ("during", False)
    assert list(
        RuleSetSwap.objects.filter(rule_set=rule_set).values_list("to_phase", flat=True).order_by("pk")
    ) == [
        "during",
        "after",
        "during",
    ]


def test_disabling_a_live_rule_set_switches_it_off(manager):
    rule_set = SeasonalRuleSetFactory(**dates(timezone.now()))
    client = token_client(manager)
    client.post(f"{RULE_SETS}{rule_set.pk}/phase/", {"phase": "scheduled"}, format="json")

    response = client.patch(f"{RULE_SETS}{rule_set.pk}/", {"is_enabled": False}, format="json")

    assert (response.json()["is_enabled"], response.json()["phase"]) == (False, "inactive")


def test_invalid_rule_sets_are_400s_naming_the_field(manager):
    client = token_client(manager)
    now = timezone.now()

    backwards = client.post(
        RULE_SETS,
        new_rule_set(peak_from=now.isoformat(), peak_until=(now - dt.timedelta(days=1)).isoformat()),
        format="json",
    )
    unknown_key = client.post(RULE_SETS, new_rule_set(overrides={"during": {"sla_speed": 2}}), format="json")
    bad_zone = client.post(RULE_SETS, new_rule_set(timezone="Mars/Olympus"), format="json")
    bad_market = client.post(RULE_SETS, new_rule_set(markets=["USA"]), format="json")
    bad_phase = client.post(RULE_SETS, new_rule_set(), format="json")
    wrong_phase = client.post(
        f"{RULE_SETS}{bad_phase.json()['id']}/phase/", {"phase": "party"}, format="json"
    )

    for response, field in (
        (backwards, "peak_from"),
        (unknown_key, "overrides"),
        (bad_zone, "timezone"),
        (bad_market, "markets"),
        (wrong_phase, "phase"),
    ):
        assert response.status_code == 400, response.content
        assert field in error_of(response)["fields"], (field, response.json())
    assert SeasonalRuleSet.objects.count() == 1


def test_the_same_idempotency_key_creates_one_rule_set(manager):
    client = token_client(manager)

    body = new_rule_set()

    first = client.post(RULE_SETS, body, format="json", HTTP_IDEMPOTENCY_KEY="bf-2026")
    second = client.post(RULE_SETS, body, format="json", HTTP_IDEMPOTENCY_KEY="bf-2026")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert SeasonalRuleSet.objects.count() == 1
    assert RuleSetSwap.objects.count() == 1

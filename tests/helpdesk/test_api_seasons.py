"""REST API v1 for seasonal rule sets: read only."""

from __future__ import annotations

from tests.factories import SeasonalRuleSetFactory
from tests.helpdesk.api_cast import token_client


def test_rule_sets_are_listed_with_their_phase_and_overrides(agent_eu):
    rule_set = SeasonalRuleSetFactory(overrides={"during": {"sla_factor": 1.5}})

    body = token_client(agent_eu, scopes=["seasons:read"]).get("/api/v1/seasonal-rule-sets/").json()

    assert [(row["id"], row["slug"], row["phase"]) for row in body["results"]] == [
        (rule_set.pk, rule_set.slug, rule_set.phase)
    ]
    assert body["results"][0]["overrides"] == {"during": {"sla_factor": 1.5}}


def test_rule_sets_cannot_be_written_through_the_api(agent_eu):
    rule_set = SeasonalRuleSetFactory()
    client = token_client(agent_eu, scopes=["seasons:write"])

    assert client.post("/api/v1/seasonal-rule-sets/", {}, format="json").status_code == 405
    assert client.patch(f"/api/v1/seasonal-rule-sets/{rule_set.pk}/", {}, format="json").status_code == 405

"""REST API v1: writing tags — team leads create them, managers also change them."""

from __future__ import annotations

from rest_framework.test import APIClient

from customers.models import Tag
from tests.factories import TagFactory
from tests.helpdesk.api_cast import error_of, token_client

TAGS = "/api/v1/tags/"
VIP = {"slug": "vip", "name": "VIP", "color": "#1f883d", "priority_points": 15}


def test_a_team_lead_creates_a_manual_tag(lead_eu):
    response = token_client(lead_eu, scopes=["tags:write"]).post(TAGS, VIP, format="json")

    assert response.status_code == 201
    tag = Tag.objects.get(slug="vip")
    assert response.json() == {
        "id": tag.pk,
        "slug": "vip",
        "name": "VIP",
        "kind": "manual",
        "color": "#1f883d",
        "description": "",
        "priority_points": 15,
    }


def test_an_agent_may_not_create_tags_and_a_lead_may_not_change_them(agent_eu, lead_eu):
    tag = TagFactory(name="Gift buyer")

    by_agent = token_client(agent_eu, scopes=["tags:write"]).post(TAGS, VIP, format="json")
    by_lead = token_client(lead_eu, scopes=["tags:write"]).patch(
        f"{TAGS}{tag.pk}/", {"name": "X"}, format="json"
    )

    assert by_agent.status_code == by_lead.status_code == 403
    assert "only managers change them" in error_of(by_lead)["message"]
    assert not Tag.objects.filter(slug="vip").exists()
    tag.refresh_from_db()
    assert tag.name == "Gift buyer"


def test_without_a_token_a_401_and_with_a_read_scope_a_403(manager):
    anonymous = APIClient().post(TAGS, VIP, format="json")
    reader = token_client(manager, scopes=["tags:read"]).post(TAGS, VIP, format="json")

    assert anonymous.status_code == 401
    assert reader.status_code == 403
    assert "tags:write" in error_of(reader)["message"]
    assert not Tag.objects.exists()


def test_a_manager_renames_recolours_and_reweights_a_tag_and_its_slug_stays(manager):
    tag = TagFactory(slug="repeat-buyer", name="Repeat buyer", kind=Tag.Kind.AUTOMATIC)
    client = token_client(manager, scopes=["tags:write"])

    patched = client.patch(
        f"{TAGS}{tag.pk}/", {"priority_points": -5, "slug": "ignored", "color": "#ABCDEF"}, format="json"
    )
    put = client.put(f"{TAGS}{tag.pk}/", {"name": "Loyal"}, format="json")

    assert patched.status_code == put.status_code == 200
    tag.refresh_from_db()
    assert (tag.slug, tag.name, tag.kind, tag.priority_points, tag.color) == (
        "repeat-buyer",
        "Loyal",
        "automatic",
        -5,
        "#ABCDEF",
    )


def test_invalid_values_are_400s_naming_each_field(manager):
    TagFactory(slug="vip")
    client = token_client(manager, scopes=["tags:write"])

    taken = client.post(TAGS, VIP, format="json")
    bad = client.post(
        TAGS, {"slug": "not a slug", "name": "", "color": "red", "priority_points": 99}, format="json"
    )

    assert taken.status_code == 400
    assert "slug" in error_of(taken)["fields"]
    assert bad.status_code == 400
    error = error_of(bad)
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"slug", "name", "color", "priority_points"}
    assert Tag.objects.count() == 1


def test_an_unknown_tag_is_a_404(manager):
    response = token_client(manager).patch(f"{TAGS}987654/", {"name": "x"}, format="json")

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_the_same_idempotency_key_creates_one_tag_and_replays_the_answer(lead_eu):
    client = token_client(lead_eu, scopes=["tags:write"])

    first = client.post(TAGS, VIP, format="json", HTTP_IDEMPOTENCY_KEY="tag-vip")
    second = client.post(TAGS, VIP, format="json", HTTP_IDEMPOTENCY_KEY="tag-vip")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Tag.objects.count() == 1

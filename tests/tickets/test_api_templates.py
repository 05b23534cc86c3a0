"""REST API v1: writing reply templates (create, change, deactivate) — team leads for their
stores, managers for every store; agents only read them."""

from __future__ import annotations

from rest_framework.test import APIClient

from tests.factories import ReplyTemplateFactory, ReplyTemplateVariantFactory, TagFactory
from tests.helpdesk.api_cast import error_of, token_client
from tickets.models import ReplyTemplate

TEMPLATES = "/api/v1/templates/"


def new_template(store=None, **extra):
    return {
        "name": "Parcel delayed",
        "slug": "parcel-delayed",
        "intent": "where_is_my_order",
        "store": store.pk if store is not None else None,
        "set_status": "pending",
        "variants": [
            {
                "language": "en",
                "subject": "Your parcel",
                "body": "Hi {name}, your parcel {tracking} is late.",
            },
            {"language": "DE", "body": "Hallo {name}, Ihr Paket {tracking} verspätet sich."},
        ],
        **extra,
    }


def test_a_team_lead_creates_a_template_for_a_store_of_theirs(lead_eu, store_eu):
    TagFactory(slug="delayed")

    response = token_client(lead_eu, scopes=["templates:write"]).post(
        TEMPLATES, new_template(store_eu, add_tags=["delayed"]), format="json"
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["slug"], body["store"], body["set_status"], body["is_active"]) == (
        "parcel-delayed",
        store_eu.pk,
        "pending",
        True,
    )
    assert body["add_tags"] == ["delayed"]
    assert sorted((v["language"], v["subject"]) for v in body["variants"]) == [
        ("de", ""),
        ("en", "Your parcel"),
    ]
    # Agents of the store see it at once.
    assert ReplyTemplate.objects.get(slug="parcel-delayed").variants.count() == 2


def test_a_template_for_every_store_is_for_managers_only(lead_eu, manager):
    by_lead = token_client(lead_eu).post(TEMPLATES, new_template(), format="json")
    by_manager = token_client(manager).post(TEMPLATES, new_template(), format="json")

    assert by_lead.status_code == 400
    assert "Only managers" in error_of(by_lead)["message"]
    assert by_manager.status_code == 201
    assert by_manager.json()["store"] is None


def test_a_team_lead_cannot_use_another_teams_store(lead_eu, store_us):
    response = token_client(lead_eu).post(TEMPLATES, new_template(store_us), format="json")

    assert response.status_code == 400
    assert "store" in error_of(response)["fields"]
    assert not ReplyTemplate.objects.exists()


def test_agents_read_templates_but_get_a_403_writing_them(agent_eu, store_eu):
    template = ReplyTemplateFactory(store=store_eu)
    client = token_client(agent_eu, scopes=["templates:write"])

    assert client.get(f"{TEMPLATES}{template.pk}/").status_code == 200
    created = client.post(TEMPLATES, new_template(store_eu), format="json")
    deactivated = client.post(f"{TEMPLATES}{template.pk}/deactivate/")

    assert created.status_code == deactivated.status_code == 403
    assert "team leads and managers" in error_of(created)["message"]
    template.refresh_from_db()
    assert template.is_active


def test_without_a_token_a_401_and_with_a_read_scope_a_403(lead_eu, store_eu):
    anonymous = APIClient().post(TEMPLATES, new_template(store_eu), format="json")
    reader = token_client(lead_eu, scopes=["templates:read"]).post(
        TEMPLATES, new_template(store_eu), format="json"
    )

    assert anonymous.status_code == 401
    assert reader.status_code == 403
    assert "templates:write" in error_of(reader)["message"]


def test_changing_the_texts_replaces_them_and_the_slug_stays(lead_eu, store_eu):
    template = ReplyTemplateFactory(store=store_eu, slug="in-transit")
    ReplyTemplateVariantFactory(template=template, language="en")
    ReplyTemplateVariantFactory(template=template, language="fr", body="Bonjour")
    client = token_client(lead_eu)

    response = client.patch(
        f"{TEMPLATES}{template.pk}/",
        {"name": "In transit", "slug": "renamed", "variants": [{"language": "en", "body": "New text"}]},
        format="json",
    )

    assert response.status_code == 200, response.content
    template.refresh_from_db()
    assert (template.name, template.slug) == ("In transit", "in-transit")
    assert [(v.language, v.body) for v in template.variants.all()] == [("en", "New text")]


def test_a_text_without_its_body_is_a_400_not_a_crash(lead_eu, store_eu):
    template = ReplyTemplateFactory(store=store_eu)
    ReplyTemplateVariantFactory(template=template, language="en")

    response = token_client(lead_eu).patch(
        f"{TEMPLATES}{template.pk}/", {"variants": [{"language": "de"}]}, format="json"
    )

    assert response.status_code == 400
    assert "variants" in error_of(response)["fields"]
    assert [v.language for v in template.variants.all()] == ["en"]


def test_a_patch_without_variants_keeps_them(lead_eu, store_eu):
    template = ReplyTemplateFactory(store=store_eu)
    ReplyTemplateVariantFactory(template=template, language="en")

    response = token_client(lead_eu).patch(
        f"{TEMPLATES}{template.pk}/", {"set_status": "solved"}, format="json"
    )

    assert response.status_code == 200
    assert len(response.json()["variants"]) == 1
    assert response.json()["set_status"] == "solved"


def test_deactivating_stops_offering_it_and_a_patch_reactivates_it(lead_eu, store_eu):
    template = ReplyTemplateFactory(store=store_eu)
    client = token_client(lead_eu)

    deactivated = client.post(f"{TEMPLATES}{template.pk}/deactivate/", HTTP_IDEMPOTENCY_KEY="off-1")
    again = client.post(f"{TEMPLATES}{template.pk}/deactivate/", HTTP_IDEMPOTENCY_KEY="off-1")

    assert deactivated.status_code == again.status_code == 200
    assert deactivated.json()["is_active"] is False
    assert again["Idempotent-Replayed"] == "true"
    assert [row["id"] for row in client.get(TEMPLATES, {"is_active": "false"}).json()["results"]] == [
        template.pk
    ]
    assert client.patch(f"{TEMPLATES}{template.pk}/", {"is_active": True}, format="json").json()["is_active"]


def test_invalid_templates_are_400s_naming_the_field(manager):
    ReplyTemplateFactory(slug="parcel-delayed")
    client = token_client(manager)

    taken = client.post(TEMPLATES, new_template(), format="json")
    no_texts = client.post(TEMPLATES, new_template(slug="x", variants=[]), format="json")
    twice = client.post(
        TEMPLATES,
        new_template(slug="y", variants=[{"language": "en", "body": "a"}, {"language": "EN", "body": "b"}]),
        format="json",
    )
    bad_language = client.post(
        TEMPLATES, new_template(slug="z", variants=[{"language": "english!", "body": "a"}]), format="json"
    )
    back_to_new = client.post(TEMPLATES, new_template(slug="w", set_status="new"), format="json")
    unknown_tag = client.post(TEMPLATES, new_template(slug="v", add_tags=["nope"]), format="json")

    for response, field in (
        (taken, "slug"),
        (no_texts, "variants"),
        (twice, "variants"),
        (bad_language, "variants"),
        (back_to_new, "set_status"),
        (unknown_tag, "add_tags"),
    ):
        assert response.status_code == 400, response.content
        assert field in error_of(response)["fields"], (field, response.json())
    assert ReplyTemplate.objects.count() == 1


def test_a_template_of_another_store_is_a_404_for_a_team_lead(lead_eu, store_us):
    template = ReplyTemplateFactory(store=store_us)

    response = token_client(lead_eu).patch(f"{TEMPLATES}{template.pk}/", {"name": "mine"}, format="json")

    assert response.status_code == 404


def test_the_same_idempotency_key_creates_one_template(lead_eu, store_eu):
    client = token_client(lead_eu)

    first = client.post(TEMPLATES, new_template(store_eu), format="json", HTTP_IDEMPOTENCY_KEY="tpl-1")
    second = client.post(TEMPLATES, new_template(store_eu), format="json", HTTP_IDEMPOTENCY_KEY="tpl-1")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert ReplyTemplate.objects.count() == 1

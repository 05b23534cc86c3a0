"""The API's shared behaviour: tokens and scopes, the one error format, idempotency keys,
cursor pages, throttling, the schema and its docs."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from helpdesk.api.models import ApiToken, IdempotencyKey
from helpdesk.api.services import api_token_create, api_token_revoke, idempotency_keys_purge, token_hash
from helpdesk.api.throttling import TokenRateThrottle
from helpdesk.exceptions import ApplicationError
from tests.factories import MessageFactory, TicketFactory
from tests.helpdesk.api_cast import error_of, token_client
from tickets.models import Message, Ticket

TICKETS = "/api/v1/tickets/"


# --- authentication -----------------------------------------------------------------------------


def test_a_request_without_credentials_is_a_401_in_the_error_format(db):
    response = APIClient().get(TICKETS)

    assert response.status_code == 401
    assert error_of(response)["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_is_a_401(db):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer hdk_not-a-real-token")

    response = client.get(TICKETS)

    assert response.status_code == 401
    assert error_of(response)["message"] == "Unknown API token."


def test_a_revoked_token_stops_working_at_once(agent_eu):
    client = token_client(agent_eu)
    assert client.get(TICKETS).status_code == 200

    api_token_revoke(token=client.token)

    response = client.get(TICKETS)
    assert response.status_code == 401
    assert "revoked" in error_of(response)["message"]


def test_an_expired_token_is_a_401(agent_eu):
    client = token_client(agent_eu, expires_at=timezone.now() + dt.timedelta(hours=1))
    ApiToken.objects.filter(pk=client.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    response = client.get(TICKETS)

    assert response.status_code == 401
    assert "expired" in error_of(response)["message"]


def test_the_token_of_a_deactivated_user_is_a_401(agent_eu):
    client = token_client(agent_eu)
    User.objects.filter(pk=agent_eu.pk).update(is_active=False)

    assert client.get(TICKETS).status_code == 401


def test_only_the_hash_of_a_token_is_stored_and_its_use_is_noted(agent_eu):
    created = api_token_create(user=agent_eu, name="ERP", scopes=["tickets:read"])
    stored = ApiToken.objects.get(pk=created.token.pk)
    assert created.secret not in (stored.token_hash, stored.prefix)
    assert stored.token_hash == token_hash(created.secret)
    assert stored.last_used_at is None

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created.secret}")
    client.get(TICKETS)

    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_a_token_cannot_be_given_unknown_scopes(agent_eu):
    with pytest.raises(ApplicationError, match="Unknown scopes: tickets:delete"):
        api_token_create(user=agent_eu, name="ERP", scopes=["tickets:delete"])


# --- scopes -------------------------------------------------------------------------------------


def test_a_token_without_the_area_scope_gets_a_403_naming_the_scope(agent_eu):
    client = token_client(agent_eu, scopes=["customers:read"])

    response = client.get(TICKETS)

    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "permission_denied"
    assert "tickets:read" in error["message"]


def test_a_read_scope_does_not_allow_writes(agent_eu, ticket_eu):
    client = token_client(agent_eu, scopes=["tickets:read"])

    assert client.get(f"{TICKETS}{ticket_eu.pk}/").status_code == 200
    response = client.post(f"{TICKETS}{ticket_eu.pk}/status/", {"status": "open"}, format="json")

    assert response.status_code == 403
    assert "tickets:write" in error_of(response)["message"]
    ticket_eu.refresh_from_db()
    assert ticket_eu.status == Ticket.Status.NEW


def test_a_write_scope_also_reads(agent_eu, ticket_eu):
    client = token_client(agent_eu, scopes=["tickets:write"])

    assert client.get(f"{TICKETS}{ticket_eu.pk}/").status_code == 200


# --- session authentication (the browser) -------------------------------------------------------


def test_a_signed_in_browser_reads_the_api_and_must_send_the_csrf_token_to_write(agent_eu, ticket_eu):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent_eu)

    assert browser.get(TICKETS).status_code == 200
    response = browser.post(
        f"{TICKETS}{ticket_eu.pk}/status/", {"status": "open"}, content_type="application/json"
    )

    assert response.status_code == 403
    assert "CSRF" in error_of(response)["message"]


# --- the one error format -----------------------------------------------------------------------


def test_a_missing_object_an_unknown_path_and_a_wrong_method_answer_in_the_error_format(agent_eu):
    client = token_client(agent_eu)

    missing = client.get(f"{TICKETS}999999999/")
    not_an_id = client.get(f"{TICKETS}abc/")
    nowhere = client.get("/api/v1/no-such-thing/")
    wrong_method = client.delete(TICKETS)

    assert (missing.status_code, error_of(missing)["code"]) == (404, "not_found")
    assert (not_an_id.status_code, error_of(not_an_id)["code"]) == (404, "not_found")
    assert (nowhere.status_code, error_of(nowhere)["code"]) == (404, "not_found")
    assert (wrong_method.status_code, error_of(wrong_method)["code"]) == (405, "method_not_allowed")


def test_a_body_that_is_not_json_is_a_415_and_broken_json_a_400(agent_eu, ticket_eu):
    client = token_client(agent_eu)
    url = f"{TICKETS}{ticket_eu.pk}/status/"

    form = client.post(url, "status=open", content_type="application/x-www-form-urlencoded")
    broken = client.post(url, "{not json", content_type="application/json")

    assert (form.status_code, error_of(form)["code"]) == (415, "unsupported_media_type")
    assert (broken.status_code, error_of(broken)["code"]) == (400, "parse_error")


def test_invalid_fields_are_a_400_naming_each_field(agent_eu, ticket_eu):
    client = token_client(agent_eu)

    response = client.post(f"{TICKETS}{ticket_eu.pk}/status/", {"status": "exploded"}, format="json")

    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == ["status"]


def test_a_bad_filter_value_is_a_400_not_an_empty_list(agent_eu):
    response = token_client(agent_eu).get(TICKETS, {"status": "exploded"})

    assert response.status_code == 400
    assert "status" in error_of(response)["fields"]


# --- idempotency keys ---------------------------------------------------------------------------


def _new_ticket_body(store, **extra):
    return {"store": store.pk, "customer_email": "anna@example.de", "body": "Wo ist mein Paket?", **extra}


def test_the_same_idempotency_key_twice_makes_one_ticket_and_replays_the_first_response(agent_eu, store_eu):
    client = token_client(agent_eu)
    body = _new_ticket_body(store_eu, subject="Paket fehlt")

    first = client.post(TICKETS, body, format="json", HTTP_IDEMPOTENCY_KEY="order-1001-a")
    second = client.post(TICKETS, body, format="json", HTTP_IDEMPOTENCY_KEY="order-1001-a")

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Ticket.objects.filter(store=store_eu).count() == 1
    assert Message.objects.filter(store=store_eu).count() == 1


def test_the_same_idempotency_key_with_another_body_is_a_409_and_changes_nothing(agent_eu, store_eu):
    client = token_client(agent_eu)
    client.post(TICKETS, _new_ticket_body(store_eu), format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    response = client.post(
        TICKETS, _new_ticket_body(store_eu, body="Other text"), format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )

    assert response.status_code == 409
    assert error_of(response)["code"] == "idempotency_key_reused"
    assert Message.objects.filter(store=store_eu).count() == 1


def test_without_an_idempotency_key_two_posts_make_two_messages(agent_eu, store_eu):
    client = token_client(agent_eu)

    client.post(TICKETS, _new_ticket_body(store_eu), format="json")
    client.post(TICKETS, _new_ticket_body(store_eu), format="json")

    assert Message.objects.filter(store=store_eu).count() == 2


def test_a_retry_while_the_first_request_still_runs_is_a_409_and_does_not_run(agent_eu, store_eu):
    client = token_client(agent_eu)
    # The first request has claimed the key and not finished (another process, right now).
    IdempotencyKey.objects.create(
        owner=f"token:{client.token.pk}", key="k-2", method="POST", path=TICKETS, request_hash="x" * 64
    )
    body = _new_ticket_body(store_eu)

    response = client.post(TICKETS, body, format="json", HTTP_IDEMPOTENCY_KEY="k-2")

    assert response.status_code == 409
    assert Message.objects.filter(store=store_eu).count() == 0


def test_idempotency_keys_belong_to_their_token(agent_eu, store_eu):
    one, other = token_client(agent_eu), token_client(agent_eu)
    body = _new_ticket_body(store_eu)

    one.post(TICKETS, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")
    other.post(TICKETS, body, format="json", HTTP_IDEMPOTENCY_KEY="shared")

    assert Message.objects.filter(store=store_eu).count() == 2


def test_a_stored_validation_error_is_replayed_too(agent_eu, store_eu):
    client = token_client(agent_eu)
    body = {"store": store_eu.pk, "body": "no e-mail"}

    first = client.post(TICKETS, body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")
    second = client.post(TICKETS, body, format="json", HTTP_IDEMPOTENCY_KEY="k-3")

    assert first.status_code == second.status_code == 400
    assert second.json() == first.json()


# --- cursor pagination and ordering -------------------------------------------------------------


def test_cursor_pages_walk_every_ticket_once_newest_first(agent_eu, store_eu, team_eu):
    tickets = [TicketFactory(store=store_eu, team=team_eu) for _ in range(5)]
    client = token_client(agent_eu)

    seen, url, pages = [], f"{TICKETS}?page_size=2", 0
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url, pages = body["next"], pages + 1

    assert seen == sorted((t.pk for t in tickets), reverse=True)
    assert pages == 3


def test_an_invalid_cursor_is_a_404_in_the_error_format(agent_eu):
    response = token_client(agent_eu).get(TICKETS, {"cursor": "garbage"})

    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


# --- throttling ---------------------------------------------------------------------------------


@override_settings(API_THROTTLE_RATE="3/min")
def test_a_token_over_its_rate_gets_a_429_in_the_error_format_with_retry_after(agent_eu):
    client = token_client(agent_eu)
    throttle = TokenRateThrottle()
    cache.delete(throttle.cache_format % {"scope": throttle.scope, "ident": f"token:{client.token.pk}"})

    statuses = [client.get(TICKETS).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    response = client.get(TICKETS)
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    # Another token of the same user has its own allowance.
    assert token_client(agent_eu).get(TICKETS).status_code == 200


# --- the schema and its docs --------------------------------------------------------------------


def test_the_openapi_schema_generates_and_validates_without_warnings(db):
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)

    assert '"/api/v1/tickets/"' in out.getvalue()


def test_the_schema_swagger_ui_and_redoc_are_served_by_the_app(agent_eu):
    browser = Client()
    browser.force_login(agent_eu)

    schema = browser.get("/api/v1/schema/")
    docs = browser.get("/api/v1/docs/")
    redoc = browser.get("/api/v1/redoc/")

    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    assert docs.status_code == redoc.status_code == 200
    # Assets from drf-spectacular-sidecar through the app's static files, no CDN.
    assert b"cdn.jsdelivr.net" not in docs.content
    assert b"/static/drf_spectacular_sidecar/" in docs.content
    assert b"/static/drf_spectacular_sidecar/" in redoc.content


# --- admin: create (secret shown once) and revoke -----------------------------------------------


def test_a_manager_creates_a_token_in_admin_and_sees_its_secret_once(manager, agent_eu):
    browser = Client()
    browser.force_login(manager)

    response = browser.post(
        "/admin/helpdesk/apitoken/add/",
        {"name": "ERP sync", "kind": "integration", "user": agent_eu.pk, "scopes": ["tickets:read"]},
        follow=True,
    )

    token = ApiToken.objects.get(name="ERP sync")
    shown = [str(m) for m in response.context["messages"]]
    secret = next(
        part
        for m in shown
        for part in m.replace("<", " ").replace(">", " ").split()
        if part.startswith("hdk_")
    )
    assert token_hash(secret) == token.token_hash
    assert token.user == agent_eu
    assert token.scopes == ["tickets:read"]
    assert token.created_by == manager
    page = browser.get(f"/admin/helpdesk/apitoken/{token.pk}/change/")
    assert secret.encode() not in page.content

    browser.post(
        "/admin/helpdesk/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_manager_cannot_mint_a_token_acting_as_a_superuser(manager, db):
    root = User.objects.create_superuser("root", "root@example.com", "pw")
    browser = Client()
    browser.force_login(manager)

    response = browser.post(
        "/admin/helpdesk/apitoken/add/",
        {"name": "Escalation", "kind": "personal", "user": root.pk, "scopes": ["tickets:write"]},
    )

    assert response.status_code == 200  # the form again, with the reason
    assert not ApiToken.objects.filter(name="Escalation").exists()


def test_messages_of_another_store_are_not_counted_for_the_agent(agent_eu, ticket_us):
    MessageFactory(ticket=ticket_us)

    response = token_client(agent_eu).get(f"{TICKETS}{ticket_us.pk}/messages/")

    assert response.status_code == 404


def test_stored_responses_older_than_a_day_are_forgotten(db):
    old = IdempotencyKey.objects.create(
        owner="user:1",
        key="old",
        method="POST",
        path=TICKETS,
        request_hash="a" * 64,
        created_at=timezone.now() - dt.timedelta(days=2),
    )
    recent = IdempotencyKey.objects.create(
        owner="user:1", key="new", method="POST", path=TICKETS, request_hash="a" * 64
    )

    assert idempotency_keys_purge() == 1
    assert list(IdempotencyKey.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not IdempotencyKey.objects.filter(pk=old.pk).exists()

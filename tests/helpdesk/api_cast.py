"""Helpers for the API tests: a token with scopes, and a client that sends it."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.cache import cache
from rest_framework.test import APIClient

from helpdesk.api.models import API_SCOPES
from helpdesk.api.services import api_token_create
from helpdesk.api.throttling import TokenRateThrottle

ALL_SCOPES = API_SCOPES


def token_client(user: User, scopes: Iterable[str] = ALL_SCOPES, **kwargs: object) -> APIClient:
    """An API client authenticated by a new token acting as ``user``."""
    created = api_token_create(user=user, name=f"tests {user.username}", scopes=scopes, **kwargs)  # type: ignore[arg-type]
    # On SQLite a rolled-back test's ids come back: start the new token without the old one's count.
    throttle = TokenRateThrottle()
    cache.delete(throttle.cache_format % {"scope": throttle.scope, "ident": f"token:{created.token.pk}"})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {created.secret}")
    client.token = created.token  # type: ignore[attr-defined]
    return client


def error_of(response) -> dict:  # type: ignore[no-untyped-def]
    """The API's one error shape: {"error": {"code", "message", ["fields"]}}."""
    body = response.json()
    assert set(body) == {"error"}, body
    assert {"code", "message"} <= set(body["error"]), body
    return body["error"]

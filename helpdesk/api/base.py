"""What every API view shares: authentication, scopes, JSON only, throttling, id lookups,
and the ``Idempotency-Key`` header on every POST."""

from __future__ import annotations

import hashlib
from typing import Any

from django.http import HttpResponseBase
from rest_framework.authentication import SessionAuthentication
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from helpdesk.api.authentication import BearerTokenAuthentication
from helpdesk.api.errors import IdempotentReplay, json_ready
from helpdesk.api.fields import StrictFilterBackend
from helpdesk.api.models import ApiToken, IdempotencyKey
from helpdesk.api.permissions import HasScope
from helpdesk.api.services import idempotency_claim, idempotency_complete, idempotency_release
from helpdesk.api.throttling import TokenRateThrottle

IDEMPOTENCY_HEADER = "Idempotency-Key"


def idempotency_owner(request: Request) -> str:
    if isinstance(request.auth, ApiToken):
        return f"token:{request.auth.pk}"
    return f"user:{request.user.pk}"


class IdempotentPostMixin:
    """A POST with an ``Idempotency-Key`` runs once; a retry with the same key and body gets
    the first response again, the same key with another body a 409."""

    _idempotency_record: IdempotencyKey | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        self._idempotency_record = None
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if request.method != "POST" or key is None:
            return
        digest = hashlib.sha256()
        digest.update((request.content_type or "").encode())
        digest.update(b"\0")
        digest.update(request.body)
        claim = idempotency_claim(
            owner=idempotency_owner(request),
            key=key,
            method=request.method,
            path=request.path,
            request_hash=digest.hexdigest(),
        )
        if claim.replay:
            raise IdempotentReplay(claim.record.response_status or 200, claim.record.response_body)
        self._idempotency_record = claim.record

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        record, self._idempotency_record = self._idempotency_record, None
        if record is not None:
            if response.status_code >= 500:
                idempotency_release(record=record)
            else:
                body = json_ready(response.data) if isinstance(response, Response) else None
                idempotency_complete(record=record, status=response.status_code, body=body)
        return response

    def raise_uncaught_exception(self, exc: Exception) -> None:
        record, self._idempotency_record = self._idempotency_record, None
        if record is not None:
            idempotency_release(record=record)
        super().raise_uncaught_exception(exc)  # type: ignore[misc]


class ApiMixin(IdempotentPostMixin):
    authentication_classes = [BearerTokenAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated, HasScope]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    throttle_classes = [TokenRateThrottle]
    filter_backends = [StrictFilterBackend, OrderingFilter]
    # Ids only: anything else in the id's place is a 404, never a database error.
    lookup_value_regex = r"[0-9]{1,18}"
    ordering = ("-id",)
    api_area: str | None = None


class ApiViewSet(ApiMixin, GenericViewSet):
    """Base of every viewset of the API (list/retrieve come from DRF's mixins)."""


class ApiView(ApiMixin, APIView):
    """Base of the API's standalone views."""

"""One error format for every API error:

``{"error": {"code": "not_found", "message": "…", "fields": {"field": ["…"]}}}``

``ApplicationError`` (the domain's one exception) is a 400, or a 409 when it is a conflict
(a stale ticket version, a reused idempotency key); Django's ``ValidationError`` a 400;
a missing or invisible object a 404, the same for both so nothing leaks.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from helpdesk.exceptions import ApplicationError

# Conflicts: the request was well-formed but collides with the current state; retrying after
# reading again may work.
CONFLICT_ERRORS = ("StaleTicket", "IdempotencyConflict")


class IdempotentReplay(Exception):
    """The request repeats an earlier one: answer with the stored response."""

    def __init__(self, status_code: int, body: Any) -> None:
        super().__init__("replay")
        self.status_code = status_code
        self.body = body


def error_body(code: str, message: str, fields: dict[str, Any] | None = None) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message}
    if fields:
        error["fields"] = fields
    return {"error": error}


def json_ready(data: Any) -> Any:
    """``data`` as plain JSON values (decimals, dates and lazy strings rendered as the API shows them)."""
    return json.loads(JSONRenderer().render(data) or b"null")


def _flatten(detail: Any) -> Any:
    if isinstance(detail, dict):
        return {str(key): _flatten(value) for key, value in detail.items()}
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [str(item) for item in detail]
        return [_flatten(item) for item in detail]
    return [str(detail)]


def _validation(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        fields = _flatten(detail)
        general = fields.pop("non_field_errors", None)
        message = " ".join(general) if general else _("Some fields are invalid; see “fields”.")
        return error_body("invalid", message, fields)
    messages = _flatten(detail)
    flat = [m for m in messages if isinstance(m, str)]
    return error_body("invalid", " ".join(flat) or _("The request is invalid."))


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, IdempotentReplay):
        return Response(exc.body, status=exc.status_code, headers={"Idempotent-Replayed": "true"})
    if isinstance(exc, (Http404, ObjectDoesNotExist)):
        exc = exceptions.NotFound()
    elif isinstance(exc, RequestDataTooBig):
        return Response(
            error_body("too_large", _("The request body is too large.")),
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    elif isinstance(exc, SuspiciousOperation):
        return Response(error_body("bad_request", _("The request is malformed.")), status=400)
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        return Response(_validation(detail), status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ApplicationError):
        conflict = type(exc).__name__ in CONFLICT_ERRORS or bool(exc.extra.get("conflict"))
        code = str(exc.extra.get("code") or ("conflict" if conflict else "invalid_request"))
        body = error_body(code, exc.message)
        details = {key: value for key, value in exc.extra.items() if key not in ("code", "conflict")}
        if details:
            body["error"]["details"] = json_ready(details)
        return Response(body, status=status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST)
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: Django's 500 handling, logged with the traceback
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    if isinstance(exc, exceptions.ValidationError):
        body = _validation(exc.detail)
    else:
        code = exc.get_codes() if isinstance(exc.detail, str) else exc.default_code
        body = error_body(str(code), str(exc.detail))
    return Response(body, status=exc.status_code, headers=headers)


@csrf_exempt  # it changes nothing; a POST to a wrong address should say so, not ask for a CSRF token
def not_found_view(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """Any other path under the API: a 404 in the API's error format (not an HTML page)."""
    return JsonResponse(
        error_body("not_found", _("No API endpoint at this address.")), status=status.HTTP_404_NOT_FOUND
    )

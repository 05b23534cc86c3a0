from __future__ import annotations

import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache

from helpdesk.health import run_checks


@never_cache
async def healthz(request: HttpRequest) -> JsonResponse:
    """JSON state of the database, channel layer and broker; 503 when one is down."""
    healthy, report = await run_checks()
    return JsonResponse(report, status=200 if healthy else 503)


# Errors of a database that is restarting or unreachable, not of the request: the answer is 503
# with Retry-After, which platforms, mail relays and browsers' users retry, instead of a 500.
DATABASE_OUTAGES = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: 503 while the database is unreachable, Django's 500 page otherwise."""
    error = sys.exc_info()[1]  # Django calls the handler while handling the exception
    if isinstance(error, DATABASE_OUTAGES):
        response = HttpResponse(
            _("The service is briefly unavailable. Please try again in a few seconds."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request)

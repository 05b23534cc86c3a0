from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from helpdesk.health import run_checks


@never_cache
async def healthz(request: HttpRequest) -> JsonResponse:
    """JSON state of the database, channel layer and broker; 503 when one is down."""
    healthy, report = await run_checks()
    return JsonResponse(report, status=200 if healthy else 503)

"""The endpoint shops post commerce webhooks to (no session, no CSRF: the signature authenticates)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from helpdesk.commerce.services import commerce_webhook_receive
from helpdesk.webhooks import WebhookRejected, webhook_body


@csrf_exempt
@require_POST
def commerce_webhook(request: HttpRequest, platform: str, key: str) -> JsonResponse:
    """``POST /webhooks/commerce/<platform>/<store key>/``: one order, refund, parcel or customer event."""
    from customers.selectors import store_for_inbound_key

    store = store_for_inbound_key(key=key)
    if store is None or store.platform != platform:
        return JsonResponse({"error": f"No active {platform} store has this key."}, status=404)
    try:
        body = webhook_body(request)
        outcome = commerce_webhook_receive(store=store, platform=platform, body=body, headers=request.headers)
    except WebhookRejected as error:
        return JsonResponse({"error": error.reason}, status=error.status)
    answer: dict[str, object] = {"status": outcome.status}
    if outcome.reason:
        answer["reason"] = outcome.reason
    if outcome.delivery_id is not None:
        answer["delivery"] = outcome.delivery_id
    # Always 2xx once verified: the platform retries anything else, and what failed is kept to apply again.
    return JsonResponse(answer, status=200)

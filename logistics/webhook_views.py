"""Tracking-provider webhooks: ``POST /webhooks/tracking/<provider>/<store key>/``.

No session and no CSRF: each delivery proves itself with the provider's signature. Answers
are JSON: 202 stored, 200 a redelivery or an event with nothing to store, 401 bad or missing
signature, 400 a malformed body, 404 no active account for the key, 413 too large.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from helpdesk.webhooks import WebhookRejected, webhook_body
from logistics.models import TrackingProvider
from logistics.selectors import tracking_account_for_webhook
from logistics.services.events import tracking_webhook_receive


@csrf_exempt
@require_POST
def tracking_webhook(request: HttpRequest, provider: str, key: str) -> JsonResponse:
    account = tracking_account_for_webhook(provider=provider, key=key)
    if account is None:
        label = TrackingProvider(provider).label
        return JsonResponse({"error": f"No active {label} account is set up for this key."}, status=404)
    try:
        body = webhook_body(request)
        outcome = tracking_webhook_receive(account=account, body=body, headers=request.headers)
    except WebhookRejected as error:
        return JsonResponse({"error": error.reason}, status=error.status)
    answer: dict[str, object] = {"status": outcome.status}
    if outcome.reason:
        answer["reason"] = outcome.reason
    if outcome.result is not None:
        result = outcome.result
        answer.update(
            shipment=result.shipment.pk,
            shipment_status=result.shipment.status,
            stored=result.stored,
            duplicates=result.duplicates,
        )
    if outcome.skipped:
        answer["skipped"] = outcome.skipped
        answer["skipped_reason"] = "checkpoints without a readable time"
    return JsonResponse(answer, status=202 if outcome.status == "stored" else 200)

"""Refunds on Shopify through its Admin REST API (version 2024-04), over httpx.

A refund is two calls, as Shopify documents it: ``POST orders/{id}/refunds/calculate.json``
returns the suggested transactions (the payment to refund against: ``parent_id`` and
``gateway``, and the most it can take back), then ``POST orders/{id}/refunds.json`` creates the
refund with those transactions turned into ``kind: refund`` for our amount.

Shopify's REST refunds take no idempotency key, so the ledger's key travels in the refund's
note (``[helpdesk:<key>]``) and the connector first looks for a refund that carries it: a retry
after a timeout or a 5xx that Shopify had in fact processed finds that refund instead of
refunding twice.

Errors: 422 (``{"errors": ...}``) and the other 4xx are final (``retryable=False``) with
Shopify's message; 429 waits ``Retry-After`` and tries again; 5xx, timeouts and dropped
connections are retried with exponential backoff and, when the attempts run out, reported as
retryable so the ledger's own retry schedule takes over.

Credentials: ``settings.SHOPIFY_ACCESS_TOKENS`` maps a shop's domain (the store's
``external_id``, e.g. ``lumen-home.myshopify.com``) to its Admin API access token; a store
without one has no connector (refunds are then done by hand).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import httpx
from django.conf import settings

from helpdesk.platforms.base import ConnectorError, RefundOrder, RefundResult

if TYPE_CHECKING:
    from customers.models import Store

logger = logging.getLogger(__name__)

API_VERSION = "2024-04"
CENT = Decimal("0.01")
NOTE_MAX_CHARS = 255
DEFAULT_RETRY_AFTER = 2.0  # Shopify's REST bucket leaks two requests a second
MAX_WAIT_SECONDS = 60.0


def _marker(idempotency_key: str) -> str:
    return f"[helpdesk:{idempotency_key}]"


class RateLimited(ConnectorError):
    """429: Shopify says how long to wait (``Retry-After``, in seconds)."""

    def __init__(self, message: str, *, retry_after: float) -> None:
        super().__init__(message, retryable=True, status_code=429)
        self.retry_after = retry_after


class ShopifyConnector:
    platform = "shopify"

    def __init__(
        self,
        *,
        shop_url: str,
        access_token: str,
        max_attempts: int = 4,
        backoff_seconds: float = 1.0,
        timeout_seconds: float = 20.0,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.shop_url = shop_url.rstrip("/")
        self.max_attempts = max(1, max_attempts)
        self.backoff_seconds = backoff_seconds
        self.sleep = sleep
        self.client = httpx.Client(
            base_url=f"{self.shop_url}/admin/api/{API_VERSION}/",
            headers={
                "X-Shopify-Access-Token": access_token,
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            timeout=timeout_seconds,
            transport=transport,
        )

    # --- the connector interface ------------------------------------------------------------

    def refund_create(self, *, refund: RefundOrder) -> RefundResult:
        if refund.method != "original_payment":
            raise ConnectorError(
                "Shopify's REST API refunds to the original payment only; issue store credit by hand.",
                retryable=False,
            )
        order_id = self._order_id(refund.order_external_id)
        existing = self._refund_with_marker(order_id, refund.idempotency_key)
        if existing is not None:
            return existing
        line_items = self._line_items(refund)
        calculated = self._post(
            f"orders/{order_id}/refunds/calculate.json",
            {"refund": {"currency": refund.currency, "refund_line_items": line_items}},
        ).get("refund", {})
        body: dict[str, Any] = {
            "currency": refund.currency,
            "notify": True,
            "note": self._note(refund),
            "transactions": self._transactions(calculated, refund.amount),
        }
        if line_items:
            body["refund_line_items"] = [
                {
                    key: line[key]
                    for key in ("line_item_id", "quantity", "restock_type", "location_id")
                    if line.get(key) is not None
                }
                for line in calculated.get("refund_line_items") or line_items
            ]
        return self._create(order_id, refund.idempotency_key, {"refund": body})

    def close(self) -> None:
        self.client.close()

    # --- the steps --------------------------------------------------------------------------

    def _order_id(self, external_id: str) -> str:
        """Shopify's numeric order id: the store may know the order by its name (``#1001``)."""
        value = external_id.strip()
        if value.isdigit():
            return value
        if value.startswith("gid://shopify/Order/") and value.rsplit("/", 1)[-1].isdigit():
            return value.rsplit("/", 1)[-1]
        orders = self._get("orders.json", {"name": value, "status": "any", "fields": "id,name"}).get("orders")
        for order in orders or []:
            if str(order.get("name", "")).lstrip("#") == value.lstrip("#") and order.get("id"):
                return str(order["id"])
        raise ConnectorError(f"Shopify has no order named {value}.", retryable=False, status_code=404)

    def _refund_with_marker(self, order_id: str, idempotency_key: str) -> RefundResult | None:
        marker = _marker(idempotency_key)
        refunds = self._get(f"orders/{order_id}/refunds.json", {}).get("refunds") or []
        for found in refunds:
            if marker in str(found.get("note") or ""):
                return RefundResult(reference=str(found.get("id", "")), raw=found)
        return None

    @staticmethod
    def _line_items(refund: RefundOrder) -> list[dict[str, Any]]:
        if refund.quantity <= 0 or not refund.order_line_external_id:
            return []
        line_id = refund.order_line_external_id.strip().rsplit("/", 1)[-1]
        if not line_id.isdigit():
            raise ConnectorError(
                f"{refund.order_line_external_id!r} is not a Shopify line item id.", retryable=False
            )
        # "return": the items come back; Shopify picks the location when none is given.
        return [{"line_item_id": int(line_id), "quantity": refund.quantity, "restock_type": "return"}]

    @staticmethod
    def _note(refund: RefundOrder) -> str:
        marker = _marker(refund.idempotency_key)
        reason = refund.reason.strip()[: NOTE_MAX_CHARS - len(marker) - 1]
        return f"{reason} {marker}".strip()

    @staticmethod
    def _transactions(calculated: dict[str, Any], amount: Decimal) -> list[dict[str, Any]]:
        """Our amount spread over the payments Shopify suggests, each up to what it can take back."""
        remaining = amount.quantize(CENT)
        transactions: list[dict[str, Any]] = []
        for suggested in calculated.get("transactions") or []:
            if remaining <= 0:
                break
            try:
                most = Decimal(str(suggested.get("maximum_refundable", suggested.get("amount", "0"))))
            except InvalidOperation:
                continue
            take = min(remaining, most.quantize(CENT))
            if take <= 0 or not suggested.get("parent_id"):
                continue
            transactions.append(
                {
                    "parent_id": suggested["parent_id"],
                    "amount": f"{take:.2f}",
                    "kind": "refund",
                    "gateway": suggested.get("gateway", ""),
                }
            )
            remaining -= take
        if remaining > 0:
            refundable = amount.quantize(CENT) - remaining
            raise ConnectorError(
                f"Shopify can refund at most {refundable} of this order, not {amount.quantize(CENT)}.",
                retryable=False,
            )
        return transactions

    def _create(self, order_id: str, idempotency_key: str, body: dict[str, Any]) -> RefundResult:
        """POST the refund. A failure that may have reached Shopify (5xx, timeout) is followed by
        a look for the refund before the next attempt, so it is never created twice."""
        path = f"orders/{order_id}/refunds.json"
        last_error: ConnectorError | None = None
        for attempt in range(1, self.max_attempts + 1):
            if last_error is not None:
                existing = self._refund_with_marker(order_id, idempotency_key)
                if existing is not None:
                    return existing
            try:
                answer = self._request_once("POST", path, json=body)
            except ConnectorError as error:
                if not error.retryable:
                    raise
                last_error = error
                if attempt < self.max_attempts:
                    self._wait(error, attempt)
                continue
            refund = answer.get("refund") or {}
            if not refund.get("id"):
                raise ConnectorError("Shopify answered without a refund id.", retryable=True)
            return RefundResult(reference=str(refund["id"]), raw=refund)
        assert last_error is not None
        raise last_error

    # --- HTTP -------------------------------------------------------------------------------

    def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        return self._with_retries("GET", path, params=params)

    def _post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """For calls that change nothing on Shopify (calculate): safe to repeat."""
        return self._with_retries("POST", path, json=body)

    def _with_retries(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        for attempt in range(1, self.max_attempts + 1):
            try:
                return self._request_once(method, path, **kwargs)
            except ConnectorError as error:
                if not error.retryable or attempt == self.max_attempts:
                    raise
                self._wait(error, attempt)
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, error: ConnectorError, attempt: int) -> None:
        if isinstance(error, RateLimited):
            delay = error.retry_after
        else:
            delay = self.backoff_seconds * 2 ** (attempt - 1)
        self.sleep(min(delay, MAX_WAIT_SECONDS))

    def _request_once(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = self.client.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise ConnectorError(
                f"Shopify did not answer in time ({method} {path}).", retryable=True
            ) from exc
        except httpx.TransportError as exc:
            raise ConnectorError(f"Could not reach Shopify: {exc}.", retryable=True) from exc
        status = response.status_code
        if 200 <= status < 300:
            try:
                data = response.json()
            except ValueError as exc:
                raise ConnectorError(
                    f"Shopify answered {status} with a body that is not JSON.",
                    retryable=True,
                    status_code=status,
                ) from exc
            return data if isinstance(data, dict) else {}
        message = _error_message(response)
        if status == 429:
            raise RateLimited(
                f"Shopify's rate limit was reached: {message}", retry_after=_retry_after(response)
            )
        if status >= 500:
            raise ConnectorError(f"Shopify failed ({status}): {message}", retryable=True, status_code=status)
        if status in (401, 403):
            raise ConnectorError(
                f"Shopify refused the store's access token ({status}): {message}",
                retryable=False,
                status_code=status,
            )
        if status == 404:
            raise ConnectorError(
                f"Shopify does not know {path.split('/refunds')[0]} ({status}).",
                retryable=False,
                status_code=status,
            )
        raise ConnectorError(
            f"Shopify refused the refund ({status}): {message}", retryable=False, status_code=status
        )


def _error_message(response: httpx.Response) -> str:
    """Shopify's ``{"errors": ...}`` flattened: a string, a list, or ``{field: [messages]}``."""
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    errors = data.get("errors", data.get("error", data)) if isinstance(data, dict) else data
    return _flatten(errors)[:500] or response.reason_phrase


def _flatten(errors: object) -> str:
    if isinstance(errors, str):
        return errors
    if isinstance(errors, list):
        return "; ".join(_flatten(item) for item in errors)
    if isinstance(errors, dict):
        parts = []
        for field, value in errors.items():
            text = _flatten(value)
            parts.append(text if field in ("base", "") else f"{field}: {text}")
        return "; ".join(parts)
    return str(errors)


def _retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", DEFAULT_RETRY_AFTER)))
    except ValueError:
        return DEFAULT_RETRY_AFTER


SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")


def shopify_connector(store: Store) -> ShopifyConnector | None:
    """The registry's factory: a connector for a Shopify store that has an access token."""
    shop = store.external_id.strip().lower()
    token = settings.SHOPIFY_ACCESS_TOKENS.get(shop, "")
    if not token:
        return None
    base = settings.SHOPIFY_API_BASE_URL.strip()
    if base:
        shop_url = base.replace("{shop}", shop)
    elif SHOP_DOMAIN.match(shop):
        shop_url = f"https://{shop}"
    else:
        logger.warning("Shopify store %s: %r is not a myshopify.com domain", store.pk, shop)
        return None
    return ShopifyConnector(shop_url=shop_url, access_token=token, max_attempts=settings.SHOPIFY_MAX_ATTEMPTS)

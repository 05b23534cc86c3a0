"""WooCommerce's REST API v3 (``/wp-json/wc/v3/``): order sync, buyer notes, refunds, tracking.

Auth: the store's consumer key and secret as HTTP Basic, which WooCommerce accepts over HTTPS
only; OAuth 1.0a (its scheme for plain HTTP) is not implemented, so a plain-``http`` shop
address is refused unless it is this machine (the tests' fake shop).

- ``sync_orders``: ``GET orders?modified_after=…&dates_are_gmt=true&orderby=id&order=asc`` page
  by page (``X-WP-TotalPages`` says how many). The cursor is ``{"modified_after", "page",
  "seen_max"}``: a pass keeps its window and walks the pages; when the last page is read the
  next window starts one second before the newest ``date_modified_gmt`` seen (``modified_after``
  is strict; the overlap refetches an order or two, which the upsert ignores).
- ``send_message``: an order note with ``customer_note: true``: WooCommerce e-mails it to the
  buyer and shows it on their order page; it has no other channel to the buyer.
- ``refund_create``: ``POST orders/<id>/refunds`` with ``api_refund: true`` (the payment gateway
  refunds the money). WooCommerce takes no idempotency key: the ledger's key travels in the
  refund's reason and meta data, and the order's refunds are searched for it before each POST.
- Buyer messages are not fetched: WooCommerce keeps none (buyers write by e-mail or the form).
- ``push_tracking``: WooCommerce core has no tracking field (the Shipment Tracking extension
  adds one), so the parcel goes to the buyer as a customer note with the carrier and number;
  the same note twice is not posted again.

Errors are ``{"code", "message", "data": {"status"}}``; 429/5xx are retried by
``helpdesk.platforms.http``, other 4xx are final.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from helpdesk.platforms.base import (
    Capability,
    ConnectorError,
    MessagePage,
    OrderPage,
    RefundOrder,
    RefundResult,
    RetryPolicy,
)
from helpdesk.platforms.http import PlatformHttp, is_loopback

if TYPE_CHECKING:
    from customers.models import Store

logger = logging.getLogger(__name__)

API_PATH = "/wp-json/wc/v3/"
PER_PAGE = 100  # WooCommerce's maximum
REFUND_KEY_META = "_helpdesk_refund_key"
CENT = Decimal("0.01")


def _marker(idempotency_key: str) -> str:
    return f"[helpdesk:{idempotency_key}]"


def error_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(data, dict) and data.get("message"):
        code = f" ({data['code']})" if data.get("code") else ""
        return f"{data['message']}{code}"[:500]
    return str(data)[:300]


class WooCommerceConnector:
    platform = "woocommerce"
    capabilities = frozenset(
        {Capability.SYNC_ORDERS, Capability.SEND_MESSAGE, Capability.REFUND_CREATE, Capability.PUSH_TRACKING}
    )

    def __init__(
        self,
        *,
        site_url: str,
        consumer_key: str,
        consumer_secret: str,
        store_id: int | None = None,
        policy: RetryPolicy | None = None,
        timeout_seconds: float = 20.0,
        sleep: Callable[[float], None] | None = None,
        order_id_for_number: Callable[[str], str | None] | None = None,
        per_page: int = PER_PAGE,
    ) -> None:
        parts = urlsplit(site_url.strip())
        if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
            raise ConnectorError(
                "WooCommerce's consumer key and secret are sent as HTTP Basic auth, which needs an "
                f"https:// shop address, not {site_url!r}.",
                retryable=False,
            )
        self.order_id_for_number = order_id_for_number
        self.per_page = per_page
        client = httpx.Client(
            base_url=site_url.strip().rstrip("/") + API_PATH,
            auth=httpx.BasicAuth(consumer_key, consumer_secret),
            headers={"Accept": "application/json"},
            timeout=timeout_seconds,
        )
        self.http = PlatformHttp(
            platform=self.platform,
            store_id=store_id,
            client=client,
            error_message=error_message,
            policy=policy or RetryPolicy(),
            display_name="WooCommerce",
            sleep=sleep,
        )

    def close(self) -> None:
        self.http.client.close()

    # --- sync -------------------------------------------------------------------------------

    def sync_orders(self, *, cursor: dict[str, Any]) -> OrderPage:
        page = max(1, int(cursor.get("page") or 1))
        window = str(cursor.get("modified_after") or "")
        params: dict[str, Any] = {
            "per_page": self.per_page,
            "page": page,
            "orderby": "id",
            "order": "asc",
            "dates_are_gmt": "true",
        }
        if window:
            params["modified_after"] = window
        response = self.http.request("sync_orders", "GET", "orders", params=params)
        orders = response.json()
        if not isinstance(orders, list):
            raise ConnectorError("WooCommerce answered the order list with something else.", retryable=True)
        orders = [order for order in orders if isinstance(order, dict)]
        seen_max = max(
            [str(cursor.get("seen_max") or "")]
            + [str(order.get("date_modified_gmt") or "") for order in orders]
        )
        try:
            total_pages = int(response.headers.get("X-WP-TotalPages", "1"))
        except ValueError:
            total_pages = 1
        if page < total_pages:
            return OrderPage(
                orders, next_cursor={"modified_after": window, "page": page + 1, "seen_max": seen_max}
            )
        return OrderPage(
            orders, next_cursor=None, caught_up_cursor={"modified_after": _overlap(seen_max) or window}
        )

    # --- notes ------------------------------------------------------------------------------

    def send_message(
        self, *, order_external_id: str, text: str, thread_id: str = "", buyer_id: str = ""
    ) -> str:
        if not text.strip():
            raise ConnectorError("An empty message cannot be sent.", retryable=False)
        return self._customer_note(self._order_id(order_external_id), text.strip(), "send_message")

    def push_tracking(self, *, order_external_id: str, carrier: str, number: str) -> str:
        if not number.strip():
            raise ConnectorError("A tracking number is needed.", retryable=False)
        text = f"Your order has shipped with {carrier.strip() or 'the carrier'}: tracking number {number.strip()}."
        return self._customer_note(self._order_id(order_external_id), text, "push_tracking")

    def _customer_note(self, order_id: str, text: str, operation: str) -> str:
        """POST a buyer note once: before each attempt the order's notes are searched for it, so
        a retry after an answer that was lost never posts it twice."""

        def existing() -> str | None:
            notes = self.http.request(
                operation, "GET", f"orders/{order_id}/notes", params={"type": "customer"}
            )
            for note in notes.json() or []:
                if isinstance(note, dict) and note.get("customer_note") and note.get("note") == text:
                    return str(note.get("id", ""))
            return None

        def create() -> str:
            answer = self.http.request_once(
                operation, "POST", f"orders/{order_id}/notes", json={"note": text, "customer_note": True}
            ).json()
            return str(answer.get("id", ""))

        return self.http.once(existing, create)

    def fetch_messages(self, *, cursor: dict[str, Any]) -> MessagePage:
        raise ConnectorError(
            "WooCommerce has no buyer messages to fetch: buyers write by e-mail or the contact form.",
            retryable=False,
        )

    # --- refunds ----------------------------------------------------------------------------

    def refund_create(self, *, refund: RefundOrder) -> RefundResult:
        if refund.method != "original_payment":
            raise ConnectorError(
                "WooCommerce refunds to the original payment only; issue store credit by hand.",
                retryable=False,
            )
        if refund.amount <= 0:
            raise ConnectorError("A refund needs an amount above zero.", retryable=False)
        order_id = self._order_id(refund.order_external_id)
        marker = _marker(refund.idempotency_key)
        found: dict[str, Any] = {}

        def existing() -> str | None:
            answer = self.http.request(
                "refund_lookup", "GET", f"orders/{order_id}/refunds", params={"per_page": PER_PAGE}
            ).json()
            for item in answer or []:
                keys = [meta.get("value") for meta in item.get("meta_data") or [] if isinstance(meta, dict)]
                if marker in str(item.get("reason") or "") or refund.idempotency_key in keys:
                    found.update(item)
                    return str(item.get("id", ""))
            return None

        def create() -> str:
            body = {
                "amount": f"{refund.amount.quantize(CENT):.2f}",
                "reason": f"{refund.reason.strip()[:200]} {marker}".strip(),
                "api_refund": True,
                "meta_data": [{"key": REFUND_KEY_META, "value": refund.idempotency_key}],
            }
            answer = self.http.request_once(
                "refund_create", "POST", f"orders/{order_id}/refunds", json=body
            ).json()
            if not isinstance(answer, dict) or not answer.get("id"):
                raise ConnectorError("WooCommerce answered without a refund id.", retryable=True)
            found.update(answer)
            return str(answer["id"])

        reference = self.http.once(existing, create)
        return RefundResult(reference=reference, raw=dict(found))

    # --- shared -----------------------------------------------------------------------------

    def _order_id(self, external_id: str) -> str:
        value = external_id.strip().lstrip("#")
        # The helpdesk knows orders by number; WooCommerce's id is usually the same, not always.
        found = self.order_id_for_number(value) if self.order_id_for_number else None
        if found:
            return found
        if value.isdigit():
            return value
        raise ConnectorError(f"No WooCommerce order id is known for order {external_id}.", retryable=False)


def _overlap(seen_max: str) -> str:
    if not seen_max:
        return ""
    try:
        newest = dt.datetime.fromisoformat(seen_max)
    except ValueError:
        return ""
    return (newest - dt.timedelta(seconds=1)).replace(tzinfo=None).isoformat(timespec="seconds")


def woocommerce_connector(store: Store) -> WooCommerceConnector | None:
    """The registry's factory: a connector for a WooCommerce store with stored credentials."""
    from customers.selectors import order_platform_id
    from helpdesk.platforms.credentials import stored_secrets

    stored = stored_secrets(store=store, label="WooCommerce")
    if stored is None:
        return None
    credential, secrets = stored

    def order_id_for_number(number: str) -> str | None:
        return order_platform_id(store=store, numbers=[number])

    try:
        return WooCommerceConnector(
            site_url=credential.base_url,
            consumer_key=secrets.get("consumer_key", ""),
            consumer_secret=secrets.get("consumer_secret", ""),
            store_id=store.pk,
            order_id_for_number=order_id_for_number,
        )
    except ConnectorError as error:
        logger.warning("WooCommerce store %s: %s", store.pk, error.message)
        return None

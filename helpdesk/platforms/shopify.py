"""Shopify's Admin REST API (version 2024-04): order sync, refunds and tracking.

Auth: the store's Admin API access token in the ``X-Shopify-Access-Token`` header, which Shopify
accepts over HTTPS only; a plain-``http`` shop address is refused unless it is this machine (the
tests' fake shop). Requests are not signed (HMAC is for webhooks only, see
``helpdesk.webhooks``).

- ``sync_orders``: ``GET orders.json?status=any&updated_at_min=…&limit=250``, then the pages
  that the ``Link`` header's ``rel="next"`` names: its ``page_info`` is opaque, and with it only
  ``limit`` may be passed (Shopify refuses any other filter next to it). The cursor is
  ``{"updated_at_min", "page_info", "seen_max"}``: a pass keeps its window and follows the
  links; when the last page is read the next window starts at the newest ``updated_at`` seen
  (``updated_at_min`` is inclusive: the overlap refetches an order or two, which the upsert
  ignores). A ``page_info`` Shopify no longer accepts (400) restarts the pass at its window.
- ``refund_create``: ``POST orders/{id}/refunds/calculate.json`` gives the suggested
  transactions (the payment to refund against: ``parent_id``, ``gateway``, the most it can take
  back), then ``POST orders/{id}/refunds.json`` refunds our amount against them. Shopify's REST
  refunds take no idempotency key, so the ledger's key travels in the refund's note
  (``[helpdesk:<key>]``) and the order's refunds are searched for it before each POST: a retry
  after an answer that was lost finds that refund instead of refunding twice.
- ``push_tracking``: the fulfillment orders API. The order's fulfillments are read first
  (``GET orders/{id}/fulfillments.json``): one that already carries the number means the push
  is done (the same number twice makes no second fulfillment); an active one without it gets
  the number (``POST fulfillments/{id}/update_tracking.json``); an order without one is
  fulfilled (``GET orders/{id}/fulfillment_orders.json``, then ``POST fulfillments.json`` with
  ``line_items_by_fulfillment_order`` for its open fulfillment orders at one location and
  ``tracking_info {company, number}``). Shopify e-mails the buyer (``notify_customer``).
- Not supported: ``send_message`` and ``fetch_messages`` (not in ``capabilities``; the methods
  raise ``ConnectorError``). Shopify has no buyer-messaging API (buyers write by e-mail or
  Shopify Inbox, which has no public API); those messages reach the helpdesk by e-mail.

Rate limit: a leaky bucket per app and shop (40 calls, leaking 2 a second; Shopify Plus ten
times more). Every answer's ``X-Shopify-Shop-Api-Call-Limit`` (``"32/40"``) says how full it
is; when fewer than ``BUCKET_HEADROOM`` calls are left the next request first waits until it
has leaked that much. A 429 waits ``Retry-After`` (2 s when absent) and tries again.

Errors are ``{"errors": ...}`` (a text, a list, or ``{field: [messages]}``); 429/5xx are
retried by ``helpdesk.platforms.http``, other 4xx are final.

Credentials: a ``PlatformCredential`` (secrets ``{"access_token"}``, ``base_url`` the shop's
``https://<shop>.myshopify.com``); else ``settings.SHOPIFY_ACCESS_TOKENS`` (shop domain, the
store's ``external_id``, -> token). A store with neither has no connector (work by hand).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import httpx
from django.conf import settings

from helpdesk.exceptions import ApplicationError
from helpdesk.platforms.base import (
    Capability,
    ConnectorError,
    MessagePage,
    OrderPage,
    RefundOrder,
    RefundResult,
    RetryPolicy,
)
from helpdesk.platforms.http import PlatformHttp, RateLimited, is_loopback, retry_after_seconds

if TYPE_CHECKING:
    from customers.models import Store

logger = logging.getLogger(__name__)

API_VERSION = "2024-04"
API_PATH = f"/admin/api/{API_VERSION}/"
PAGE_LIMIT = 250  # Shopify's maximum
CENT = Decimal("0.01")
NOTE_MAX_CHARS = 255
DEFAULT_RETRY_AFTER = 2.0  # a 429 without Retry-After: the bucket leaks two calls a second
BUCKET_HEADROOM = 4  # calls kept free in the bucket for the other apps and our retries
CALL_LIMIT_HEADER = "X-Shopify-Shop-Api-Call-Limit"
# a fulfillment in one of these states shipped nothing; another one is the order's parcel
INACTIVE_FULFILLMENT = frozenset({"cancelled", "error", "failure"})
FULFILLABLE_ORDER = frozenset({"open", "in_progress"})
SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*\.myshopify\.com$")


def _marker(idempotency_key: str) -> str:
    return f"[helpdesk:{idempotency_key}]"


def error_message(response: httpx.Response) -> str:
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


def shopify_error(response: httpx.Response) -> ConnectorError | None:
    """Shopify's reading of an answer, before ``PlatformHttp``'s: a 429 without ``Retry-After``
    waits 2 s (the bucket leaks two calls a second), and a 2xx whose body is not JSON (a proxy's
    page, a cut-off body) is tried again (POSTs look first)."""
    status = response.status_code
    if status == 429:
        wait = retry_after_seconds(response)
        return RateLimited(
            f"Shopify's rate limit was reached: {error_message(response)}",
            retry_after=DEFAULT_RETRY_AFTER if wait is None else wait,
        )
    if 200 <= status < 300:
        try:
            response.json()
        except ValueError:
            return ConnectorError(
                f"Shopify answered {status} with a body that is not JSON.", retryable=True, status_code=status
            )
    return None


def bucket_wait(header: str) -> float:
    """Seconds to wait before the next call so that ``BUCKET_HEADROOM`` calls are free again,
    from ``X-Shopify-Shop-Api-Call-Limit`` (``"used/size"``); the bucket leaks size/20 a second."""
    used, _, size = header.partition("/")
    try:
        used_calls, bucket = int(used), int(size)
    except ValueError:
        return 0.0
    if bucket <= 0:
        return 0.0
    missing = BUCKET_HEADROOM - (bucket - used_calls)
    return max(0.0, missing / (bucket / 20))


class ShopifyConnector:
    platform = "shopify"
    capabilities = frozenset({Capability.SYNC_ORDERS, Capability.REFUND_CREATE, Capability.PUSH_TRACKING})

    def __init__(
        self,
        *,
        shop_url: str,
        access_token: str,
        store_id: int | None = None,
        policy: RetryPolicy | None = None,
        timeout_seconds: float = 20.0,
        sleep: Callable[[float], None] | None = None,
        order_id_for_number: Callable[[str], str | None] | None = None,
        page_limit: int = PAGE_LIMIT,
    ) -> None:
        parts = urlsplit(shop_url.strip())
        if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
            raise ConnectorError(
                "Shopify takes the access token over HTTPS only; the shop's address must be "
                f"https://<shop>.myshopify.com, not {shop_url!r}.",
                retryable=False,
            )
        self.shop_url = shop_url.strip().rstrip("/")
        self.order_id_for_number = order_id_for_number
        self.page_limit = max(1, min(page_limit, PAGE_LIMIT))
        client = httpx.Client(
            base_url=self.shop_url + API_PATH,
            headers={
                "X-Shopify-Access-Token": access_token,
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
            timeout=timeout_seconds,
            event_hooks={"response": [self._read_call_limit]},
        )
        # Shopify's leaky bucket: the call-limit header of each answer sets a wait before the next call.
        self.pause = 0.0
        self.http = PlatformHttp(
            platform=self.platform,
            store_id=store_id,
            client=client,
            error_message=error_message,
            policy=policy or RetryPolicy(),
            error_for=shopify_error,
            prepare=self._wait_for_bucket,
            sleep=sleep,
        )

    def close(self) -> None:
        self.http.client.close()

    def _read_call_limit(self, response: httpx.Response) -> None:
        if response.status_code == 429:
            return  # Retry-After says how long; the full bucket must not add a second wait
        self.pause = bucket_wait(response.headers.get(CALL_LIMIT_HEADER, ""))

    def _wait_for_bucket(self, path: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        if self.pause > 0:
            wait, self.pause = min(self.pause, self.http.policy.max_wait_seconds), 0.0
            self.http.sleep(wait)
        return kwargs

    # --- sync -------------------------------------------------------------------------------

    def sync_orders(self, *, cursor: dict[str, Any]) -> OrderPage:
        window = str(cursor.get("updated_at_min") or "")
        page_info = str(cursor.get("page_info") or "")
        seen_max = str(cursor.get("seen_max") or "")
        if page_info:
            try:
                response = self._orders_page({"limit": self.page_limit, "page_info": page_info})
            except ConnectorError as error:
                if error.status_code != 400:
                    raise
                # The link is no longer valid: walk the window again (the upsert ignores repeats).
                logger.warning("Shopify refused a saved page_info (%s); restarting at %r", error, window)
                response = self._orders_page(self._window_params(window))
        else:
            response = self._orders_page(self._window_params(window))
        answer = response.json()
        orders = answer.get("orders") if isinstance(answer, dict) else None
        if not isinstance(orders, list):
            raise ConnectorError("Shopify answered the order list with something else.", retryable=True)
        orders = [order for order in orders if isinstance(order, dict)]
        seen_max = _latest([seen_max] + [str(order.get("updated_at") or "") for order in orders])
        following = next_page_info(response)
        if following:
            return OrderPage(
                orders, next_cursor={"updated_at_min": window, "page_info": following, "seen_max": seen_max}
            )
        return OrderPage(orders, next_cursor=None, caught_up_cursor={"updated_at_min": seen_max or window})

    def _window_params(self, window: str) -> dict[str, Any]:
        params: dict[str, Any] = {"status": "any", "limit": self.page_limit}
        if window:
            params["updated_at_min"] = window
        return params

    def _orders_page(self, params: dict[str, Any]) -> httpx.Response:
        return self.http.request("sync_orders", "GET", "orders.json", params=params)

    # --- messages: none -----------------------------------------------------------------------

    def send_message(
        self, *, order_external_id: str, text: str, thread_id: str = "", buyer_id: str = ""
    ) -> str:
        raise ConnectorError(
            "Shopify has no API to message a buyer; reply by e-mail instead.", retryable=False
        )

    def fetch_messages(self, *, cursor: dict[str, Any]) -> MessagePage:
        raise ConnectorError(
            "Shopify has no API to read buyers' messages; they arrive by e-mail.", retryable=False
        )

    # --- tracking ---------------------------------------------------------------------------

    def push_tracking(self, *, order_external_id: str, carrier: str, number: str) -> str:
        """The parcel on the order's fulfillment; returns the fulfillment's id."""
        number = number.strip()
        if not number:
            raise ConnectorError("A tracking number is needed.", retryable=False)
        order_id = self._order_id(order_external_id)
        tracking = {"company": carrier.strip(), "number": number} if carrier.strip() else {"number": number}
        current: dict[str, Any] = {}

        def existing() -> str | None:
            answer = self.http.request("push_tracking", "GET", f"orders/{order_id}/fulfillments.json").json()
            active = [
                found
                for found in (answer.get("fulfillments") if isinstance(answer, dict) else None) or []
                if isinstance(found, dict)
                and found.get("id")
                and found.get("status") not in INACTIVE_FULFILLMENT
            ]
            for found in active:
                if number in _tracking_numbers(found):
                    return str(found["id"])
            current.clear()
            if active:
                current.update(active[-1])
            return None

        def create() -> str:
            if current:
                answer = self.http.request_once(
                    "push_tracking",
                    "POST",
                    f"fulfillments/{current['id']}/update_tracking.json",
                    json={"fulfillment": {"notify_customer": True, "tracking_info": tracking}},
                ).json()
            else:
                body = {
                    "line_items_by_fulfillment_order": [
                        {"fulfillment_order_id": fulfillment_order_id}
                        for fulfillment_order_id in self._open_fulfillment_orders(order_id)
                    ],
                    "tracking_info": tracking,
                    "notify_customer": True,
                }
                answer = self.http.request_once(
                    "push_tracking", "POST", "fulfillments.json", json={"fulfillment": body}
                ).json()
            fulfillment = answer.get("fulfillment") if isinstance(answer, dict) else None
            if not isinstance(fulfillment, dict) or not fulfillment.get("id"):
                raise ConnectorError("Shopify answered without a fulfillment id.", retryable=True)
            return str(fulfillment["id"])

        return self.http.once(existing, create)

    def _open_fulfillment_orders(self, order_id: str) -> list[int]:
        """The order's fulfillment orders that still have items to ship, at one location
        (a fulfillment ships from one location; Shopify refuses a mix)."""
        answer = self.http.request(
            "push_tracking", "GET", f"orders/{order_id}/fulfillment_orders.json"
        ).json()
        fulfillable = [
            item
            for item in (answer.get("fulfillment_orders") if isinstance(answer, dict) else None) or []
            if isinstance(item, dict)
            and item.get("id")
            and item.get("status") in FULFILLABLE_ORDER
            and any(
                isinstance(line, dict) and (line.get("fulfillable_quantity") or 0) > 0
                for line in item.get("line_items") or []
            )
        ]
        if not fulfillable:
            raise ConnectorError(
                f"Shopify order {order_id} has nothing left to fulfil, so the tracking number has "
                "no shipment to go on.",
                retryable=False,
            )
        location = fulfillable[0].get("assigned_location_id")
        return [item["id"] for item in fulfillable if item.get("assigned_location_id") == location]

    # --- refunds ----------------------------------------------------------------------------

    def refund_create(self, *, refund: RefundOrder) -> RefundResult:
        if refund.method != "original_payment":
            raise ConnectorError(
                "Shopify's REST API refunds to the original payment only; issue store credit by hand.",
                retryable=False,
            )
        order_id = self._order_id(refund.order_external_id)
        marker = _marker(refund.idempotency_key)
        found: dict[str, Any] = {}

        def existing() -> str | None:
            answer = self.http.request("refund_lookup", "GET", f"orders/{order_id}/refunds.json").json()
            for item in (answer.get("refunds") if isinstance(answer, dict) else None) or []:
                if isinstance(item, dict) and marker in str(item.get("note") or ""):
                    found.update(item)
                    return str(item.get("id", ""))
            return None

        already = existing()
        if already is not None:
            return RefundResult(reference=already, raw=dict(found))
        line_items = self._line_items(refund)
        # calculate changes nothing on Shopify: safe to repeat
        calculated = (
            self.http.request(
                "refund_calculate",
                "POST",
                f"orders/{order_id}/refunds/calculate.json",
                json={"refund": {"currency": refund.currency, "refund_line_items": line_items}},
            ).json()
            or {}
        ).get("refund") or {}
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

        def create() -> str:
            answer = self.http.request_once(
                "refund_create", "POST", f"orders/{order_id}/refunds.json", json={"refund": body}
            ).json()
            made = answer.get("refund") if isinstance(answer, dict) else None
            if not isinstance(made, dict) or not made.get("id"):
                raise ConnectorError("Shopify answered without a refund id.", retryable=True)
            found.update(made)
            return str(made["id"])

        reference = self.http.once(existing, create, check_first=False)
        return RefundResult(reference=reference, raw=dict(found))

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

    # --- shared -----------------------------------------------------------------------------

    def _order_id(self, external_id: str) -> str:
        """Shopify's numeric order id: the helpdesk knows the order by its name (``#1001``)."""
        value = external_id.strip()
        if value.isdigit():
            return value
        if value.startswith("gid://shopify/Order/") and value.rsplit("/", 1)[-1].isdigit():
            return value.rsplit("/", 1)[-1]
        known = self.order_id_for_number(value) if self.order_id_for_number else None
        if known:
            return known
        answer = self.http.request(
            "order_lookup", "GET", "orders.json", params={"name": value, "status": "any", "fields": "id,name"}
        ).json()
        for order in (answer.get("orders") if isinstance(answer, dict) else None) or []:
            if str(order.get("name", "")).lstrip("#") == value.lstrip("#") and order.get("id"):
                return str(order["id"])
        raise ConnectorError(f"Shopify has no order named {value}.", retryable=False, status_code=404)


def next_page_info(response: httpx.Response) -> str:
    """``page_info`` of the ``Link`` header's ``rel="next"`` URL ("" on the last page)."""
    link = response.links.get("next") or {}
    values = parse_qs(urlsplit(link.get("url", "")).query).get("page_info") or [""]
    return values[0]


def _tracking_numbers(fulfillment: dict[str, Any]) -> list[str]:
    numbers = fulfillment.get("tracking_numbers")
    if not isinstance(numbers, list):
        numbers = [fulfillment.get("tracking_number")]
    return [str(number).strip() for number in numbers if number]


def _latest(stamps: list[str]) -> str:
    """The newest of Shopify's ISO 8601 times (offsets differ), as Shopify wrote it."""
    newest, newest_at = "", None
    for stamp in stamps:
        try:
            at = dt.datetime.fromisoformat(stamp)
        except ValueError:
            continue
        if at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)
        if newest_at is None or at > newest_at:
            newest, newest_at = stamp, at
    return newest


def shopify_connector(store: Store) -> ShopifyConnector | None:
    """The registry's factory: a connector for a Shopify store with stored credentials, or
    with an access token in ``settings.SHOPIFY_ACCESS_TOKENS``."""
    from customers.selectors import order_platform_id
    from helpdesk.platforms.credentials import platform_credential_secrets
    from helpdesk.platforms.models import PlatformCredential

    def order_id_for_number(number: str) -> str | None:
        # Shopify's order name is "#1001"; the number may have been stored with or without "#"
        return order_platform_id(store=store, numbers={number, f"#{number.lstrip('#')}", number.lstrip("#")})

    shop_url, token = "", ""
    credential = PlatformCredential.objects.filter(store=store).first()
    if credential is not None:
        try:
            token = platform_credential_secrets(credential=credential).get("access_token", "")
            shop_url = credential.base_url
        except ApplicationError as error:
            logger.warning("Shopify store %s: %s", store.pk, error.message)
        else:
            if not token:
                logger.warning("Shopify store %s: the stored credentials have no access_token", store.pk)
    if not token:  # no usable stored credentials: the settings' token, if any
        shop_url, token = _settings_token(store)
    if not token:
        return None
    try:
        return ShopifyConnector(
            shop_url=shop_url,
            access_token=token,
            store_id=store.pk,
            policy=RetryPolicy(max_attempts=settings.SHOPIFY_MAX_ATTEMPTS),
            order_id_for_number=order_id_for_number,
        )
    except ConnectorError as error:
        logger.warning("Shopify store %s: %s", store.pk, error.message)
        return None


def _settings_token(store: Store) -> tuple[str, str]:
    """(shop URL, token) from ``settings.SHOPIFY_ACCESS_TOKENS``; ("", "") when none."""
    shop = store.external_id.strip().lower()
    token = settings.SHOPIFY_ACCESS_TOKENS.get(shop, "")
    if not token:
        return "", ""
    base = settings.SHOPIFY_API_BASE_URL.strip()
    if base:
        return base.replace("{shop}", shop), token
    if SHOP_DOMAIN.match(shop):
        return f"https://{shop}", token
    logger.warning("Shopify store %s: %r is not a myshopify.com domain", store.pk, shop)
    return "", ""

"""Amazon's Selling Partner API (SP-API): order sync, messages to buyers, tracking, refunds.

Auth: Login with Amazon (LWA). The store's ``refresh_token`` (from authorising the app in Seller
Central) with the app's ``client_id``/``client_secret`` is exchanged at
``POST https://api.amazon.com/auth/o2/token`` (``grant_type=refresh_token``, form-encoded) for an
access token valid ``expires_in`` seconds (3600), kept on the connector until a minute before
it expires and sent as ``x-amz-access-token`` on every call. Since October 2023 SP-API needs
no AWS Signature Version 4 (nor an IAM role): the LWA token is the whole documented auth. A
403 with a token from the cache fetches a new one once (Amazon may revoke a token early). The
base URL is the seller's regional endpoint (``https://sellingpartnerapi-eu.amazon.com``); the
marketplaces (``A1PA6795UKMFR9``, …) are the store's platform account id or the
``marketplace_id`` secret (comma-separated for several).

Why no client library: python-amazon-sp-api installs from the index, but it fixes the LWA host
(``api.amazon.com``) and each marketplace's endpoint in its code, sends every call through its
own ``httpx.Client`` (a private ``_transport``) with its own errors and retry decorators, keeps
tokens in a process-wide cache and reads credentials from environment variables and config
files when a key is missing. Pointing it at another server and sending its calls through
``PlatformHttp`` (one log row per attempt, the shared retry policy) would mean replacing its
private parts, so the few documented endpoints are called with httpx here.

- ``sync_orders``: ``GET /orders/v0/orders?MarketplaceIds=…&LastUpdatedAfter=…&MaxResultsPerPage=…``
  then ``NextToken`` (which replaces the other criteria) page by page, and for each order
  ``GET /orders/v0/orders/{id}/orderItems`` (paged by ``NextToken`` too), the items added to
  the order under ``"OrderItems"`` (``helpdesk.commerce.amazon.order`` maps it). The buyer's
  (relay) e-mail, name and street address are restricted data: with ``restricted_data`` (the
  secret ``restricted_data: "true"``, for an app approved for those roles) getOrders is called
  with a restricted data token (``POST /tokens/2021-03-01/restrictedDataToken`` for
  ``buyerInfo`` and ``shippingAddress``, kept until it expires) instead of the LWA token;
  without it orders come without them (city, postal code and country are not restricted).
  The cursor is ``{"updated_after", "next_token", "seen_max", "window_end"}``: a pass keeps its
  window and follows the tokens; after the last page the next window starts two minutes
  (Amazon's documented delay before an update shows) before the pass's ``LastUpdatedBefore``,
  or its newest ``LastUpdateDate``. The first pass looks back ``initial_days``. A token Amazon
  no longer accepts (400) starts the window again (orders applied twice change nothing).
- ``send_message``: Messaging API. ``GET /messaging/v1/orders/{id}?marketplaceIds=…`` lists the
  actions Amazon allows for the order now; the first free-text one of ``message_actions``
  (``unexpectedProblem``, ``confirmDeliveryDetails``, ``confirmOrderDetails``,
  ``confirmServiceDetails``) is sent: ``POST /messaging/v1/orders/{id}/messages/{action}``
  ``{"text": …}`` (at most 2,000 characters). None allowed: ``ConnectorError`` (final) naming
  what Amazon allows. Amazon returns no message id: the call's ``x-amzn-RequestId`` is
  returned. The POST is not repeated after a 5xx or a dropped line (that could send it twice);
  a 429 is waited out and tried again.
- ``push_tracking``: ``POST /orders/v0/orders/{id}/shipmentConfirmation`` (``confirmShipment``)
  with one ``packageDetail`` (all the order's items, Amazon's ``carrierCode`` or ``Other`` with
  the carrier's name). Its ``packageReferenceId`` is derived from the tracking number, so the
  same parcel confirmed again updates that package instead of adding one.
- ``refund_create``: SP-API has no refund call; the documented way is a
  ``POST_PAYMENT_ADJUSTMENT_DATA`` feed through the Feeds API 2021-06-30:
  ``POST /feeds/2021-06-30/documents`` (``createFeedDocument``), ``PUT`` of the XML to the
  returned pre-signed ``url`` (no token: it is not SP-API), ``POST /feeds/2021-06-30/feeds``
  (``createFeed``); the feed id is the reference. Feeds cannot be searched by content, so
  search-before-create is impossible: the ledger's key is the adjustment's
  ``MerchantAdjustmentItemID`` (the seller's unique id of the adjustment), which Amazon
  deduplicates, so a feed sent again after a lost answer does not refund twice. The feed is
  processed later: a refusal shows in its processing report (Seller Central), which this
  connector does not read; an amount above the item's price is refused here before sending.
  Store credit does not exist on Amazon (refused). Needs the ``seller_id`` secret (the feed's
  ``MerchantIdentifier``).

Not supported: ``fetch_messages``. Amazon has no API to read buyer messages; they reach the
seller by e-mail through the Buyer-Seller Messaging relay, which the mail ingest already
handles (``tickets.ingest.platforms.families.amazon`` for the forwarded shape).

Errors are ``{"errors": [{"code", "message", "details"}]}``; a 429 carries
``x-amzn-RateLimit-Limit`` (the operation's requests per second) and no ``Retry-After``, so the
wait before the next try is one request's worth of that rate (``1 / limit`` seconds, within the
policy's maximum). 429/5xx are retried by ``helpdesk.platforms.http``, other 4xx are final.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Callable, Generator, Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit
from xml.sax.saxutils import escape, quoteattr

import httpx

from helpdesk.platforms.base import (
    Capability,
    ConnectorError,
    OrderPage,
    RefundOrder,
    RefundResult,
    RetryPolicy,
)
from helpdesk.platforms.http import PlatformHttp, RateLimited, is_loopback

if TYPE_CHECKING:
    from customers.models import Store

logger = logging.getLogger(__name__)

LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token"
LWA_TOKEN_PATH = "/auth/o2/token"
ORDERS = "/orders/v0/orders"
MESSAGING = "/messaging/v1/orders"
FEEDS = "/feeds/2021-06-30"
RESTRICTED_TOKEN = "/tokens/2021-03-01/restrictedDataToken"
RESTRICTED = ("buyerInfo", "shippingAddress")  # getOrders' restricted data elements
PER_PAGE = 100  # getOrders' MaxResultsPerPage maximum
MESSAGE_ACTIONS = (
    "unexpectedProblem",
    "confirmDeliveryDetails",
    "confirmOrderDetails",
    "confirmServiceDetails",
)
MESSAGE_LIMIT = 2000  # the free-text actions' maxLength
OVERLAP = dt.timedelta(minutes=2)  # Amazon: an update shows in getOrders up to two minutes late
TOKEN_MARGIN_SECONDS = 60
FEED_CONTENT_TYPE = "text/xml; charset=UTF-8"
CENT = Decimal("0.01")

# a carrier's name, lower-cased without spaces and punctuation -> Amazon's CarrierCode. Only
# codes of Amazon's carrier list; any other carrier goes as "Other" with its name, which
# confirmShipment always takes.
CARRIER_CODES = {
    "amazonlogistics": "Amazon Shipping",
    "amazonshipping": "Amazon Shipping",
    "aramex": "Aramex",
    "canadapost": "Canada Post",
    "chronopost": "Chronopost",
    "correios": "Correios",
    "correos": "Correos",
    "deutschepost": "Deutsche Post",
    "dhl": "DHL",
    "dhlexpress": "DHL",
    "dhlpaket": "DHL",
    "dpd": "DPD",
    "fedex": "FedEx",
    "gls": "GLS",
    "indiapost": "India Post",
    "laposte": "La Poste",
    "parcelforce": "Parcelforce",
    "posteitaliane": "Poste Italiane",
    "postnl": "PostNL",
    "royalmail": "Royal Mail",
    "tnt": "TNT",
    "ups": "UPS",
    "usps": "USPS",
    "yodel": "Yodel",
}


def error_message(response: httpx.Response) -> str:
    """SP-API's ``{"errors": [{"code", "message", "details"}]}`` as one line."""
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    errors = data.get("errors") if isinstance(data, dict) else None
    if isinstance(errors, list) and errors:
        return "; ".join(_one_error(item) for item in errors if isinstance(item, dict))[:500]
    return str(data)[:300]


def _one_error(item: dict[str, Any]) -> str:
    text = str(item.get("message") or "").strip() or "Error"
    if item.get("code"):
        text += f" ({item['code']})"
    if item.get("details"):
        text += f": {item['details']}"
    return text


def lwa_error_message(response: httpx.Response) -> str:
    """Login with Amazon's ``{"error", "error_description"}``."""
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(data, dict) and (data.get("error_description") or data.get("error")):
        code = f" ({data['error']})" if data.get("error") else ""
        return f"{data.get('error_description') or 'Refused'}{code}"[:500]
    return str(data)[:300]


def rate_limit_as_retry_after(response: httpx.Response) -> None:
    """Amazon answers 429 with its rate (``x-amzn-RateLimit-Limit``, requests per second) and
    no ``Retry-After``: the time one request's quota takes to come back is given to
    ``PlatformHttp`` as ``Retry-After`` (an httpx response hook, so http.py stays generic)."""
    if response.status_code != 429 or "Retry-After" in response.headers:
        return
    try:
        rate = float(response.headers["x-amzn-RateLimit-Limit"])
    except (KeyError, ValueError):
        return
    if rate > 0:
        response.headers["Retry-After"] = f"{1 / rate:.3f}"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _package_reference(number: str) -> str:
    """A positive number (Amazon accepts only those) that is the same for the same parcel."""
    return str(int(hashlib.sha256(number.encode()).hexdigest()[:12], 16) % 999_999_999 + 1)


def carrier_code(carrier: str) -> str:
    key = "".join(char for char in carrier.lower() if char.isalnum())
    return CARRIER_CODES.get(key, "Other")


class AccessToken(httpx.Auth):
    """``x-amz-access-token`` on each SP-API call; a 403 on a cached token renews it once."""

    def __init__(self, connector: AmazonConnector) -> None:
        self.connector = connector

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if "x-amz-access-token" in request.headers:  # a restricted data token, set by the call
            yield request
            return
        fresh = self.connector.token_is_stale()
        request.headers["x-amz-access-token"] = self.connector.access_token()
        response = yield request
        if response.status_code == 403 and not fresh:
            self.connector.forget_token()
            request.headers["x-amz-access-token"] = self.connector.access_token()
            yield request


class AmazonConnector:
    platform = "amazon"
    capabilities = frozenset(
        {Capability.SYNC_ORDERS, Capability.SEND_MESSAGE, Capability.REFUND_CREATE, Capability.PUSH_TRACKING}
    )

    def __init__(
        self,
        *,
        base_url: str,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        marketplace_ids: Iterable[str],
        seller_id: str = "",
        token_url: str = LWA_TOKEN_URL,
        store_id: int | None = None,
        policy: RetryPolicy | None = None,
        timeout_seconds: float = 30.0,
        sleep: Callable[[float], None] | None = None,
        per_page: int = PER_PAGE,
        initial_days: int = 30,
        message_actions: tuple[str, ...] = MESSAGE_ACTIONS,
        clock: Callable[[], dt.datetime] | None = None,
        restricted_data: bool = False,
    ) -> None:
        for url in (base_url, token_url):
            parts = urlsplit(url.strip())
            if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
                raise ConnectorError(
                    f"Amazon's access token is sent to {url!r}, which needs an https:// address.",
                    retryable=False,
                )
        if not (client_id and client_secret and refresh_token):
            raise ConnectorError(
                "Amazon needs the app's client_id and client_secret and the store's refresh_token.",
                retryable=False,
            )
        self.marketplace_ids = [value.strip() for value in marketplace_ids if value.strip()]
        if not self.marketplace_ids:
            raise ConnectorError("No Amazon marketplace id is set for the store.", retryable=False)
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.seller_id = seller_id.strip()
        self.token_url = token_url.strip()
        self.per_page = max(1, min(per_page, PER_PAGE))
        self.initial_days = initial_days
        self.message_actions = message_actions
        self.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        self.restricted_data = restricted_data
        self._token = ""
        self._token_expires = 0.0  # time.monotonic()
        self._orders_token = ""  # the restricted data token of getOrders
        self._orders_token_expires = 0.0
        self.http = PlatformHttp(
            platform=self.platform,
            store_id=store_id,
            client=httpx.Client(
                base_url=base_url.strip().rstrip("/"),
                auth=AccessToken(self),
                headers={"Accept": "application/json"},
                timeout=timeout_seconds,
                event_hooks={"response": [rate_limit_as_retry_after]},
            ),
            error_message=error_message,
            policy=policy or RetryPolicy(),
            sleep=sleep,
        )
        self.lwa = PlatformHttp(
            platform=self.platform,
            store_id=store_id,
            client=httpx.Client(headers={"Accept": "application/json"}, timeout=timeout_seconds),
            error_message=lwa_error_message,
            policy=self.http.policy,
            sleep=sleep,
        )

    def close(self) -> None:
        self.http.client.close()
        self.lwa.client.close()

    # --- auth -------------------------------------------------------------------------------

    def token_is_stale(self) -> bool:
        return not self._token or time.monotonic() >= self._token_expires

    def forget_token(self) -> None:
        self._token = ""

    def access_token(self) -> str:
        """The LWA access token, fetched when missing or about to expire."""
        if not self.token_is_stale():
            return self._token
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self.refresh_token,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        try:
            answer = self.lwa.request("lwa_token", "POST", self.token_url, data=form).json()
        except ConnectorError as error:
            if error.retryable:
                raise
            said = error.message.split(": ", 1)[-1]  # PlatformHttp's "Amazon refused (400): …"
            raise ConnectorError(
                f"Login with Amazon refused the store's credentials ({error.status_code}): {said}",
                retryable=False,
                status_code=error.status_code,
            ) from error
        except ValueError as error:
            raise ConnectorError("Login with Amazon answered without JSON.", retryable=True) from error
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise ConnectorError("Login with Amazon answered without an access token.", retryable=True)
        try:
            lifetime = float(answer.get("expires_in") or 3600)
        except (TypeError, ValueError):
            lifetime = 3600.0
        self._token = token
        self._token_expires = time.monotonic() + max(0.0, lifetime - TOKEN_MARGIN_SECONDS)
        return token

    def restricted_orders_token(self) -> str:
        """A restricted data token for getOrders with the buyer's details and address
        (``createRestrictedDataToken``); "" when the store does not ask for them."""
        if not self.restricted_data:
            return ""
        if self._orders_token and time.monotonic() < self._orders_token_expires:
            return self._orders_token
        body = {"restrictedResources": [{"method": "GET", "path": ORDERS, "dataElements": list(RESTRICTED)}]}
        try:
            answer = self._call("restricted_token", "POST", RESTRICTED_TOKEN, json=body).json()
        except ConnectorError as error:
            if error.retryable:
                raise
            raise ConnectorError(
                "Amazon gives no restricted data token for buyers' e-mail and address (the app needs "
                "the restricted roles for buyer information and shipping address, or unset "
                f"restricted_data): {error.message}",
                retryable=False,
                status_code=error.status_code,
            ) from error
        except ValueError as error:
            raise ConnectorError(
                "Amazon answered createRestrictedDataToken without JSON.", retryable=True
            ) from error
        token = answer.get("restrictedDataToken") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise ConnectorError("Amazon answered without a restricted data token.", retryable=True)
        try:
            lifetime = float(answer.get("expiresIn") or 3600)
        except (TypeError, ValueError):
            lifetime = 3600.0
        self._orders_token = token
        self._orders_token_expires = time.monotonic() + max(0.0, lifetime - TOKEN_MARGIN_SECONDS)
        return token

    def _call(self, operation: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        self.access_token()  # outside PlatformHttp's retries: a refused login is not retried per call
        return self.http.request(operation, method, path, **kwargs)

    def _payload(self, response: httpx.Response, what: str) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        payload = data.get("payload") if isinstance(data, dict) else None
        if not isinstance(payload, dict):
            raise ConnectorError(f"Amazon answered {what} without a payload.", retryable=True)
        return payload

    # --- orders -----------------------------------------------------------------------------

    def sync_orders(self, *, cursor: dict[str, Any]) -> OrderPage:
        window = str(cursor.get("updated_after") or "") or _iso(
            self.clock() - dt.timedelta(days=self.initial_days)
        )
        next_token = str(cursor.get("next_token") or "")
        params: dict[str, Any] = {"MarketplaceIds": ",".join(self.marketplace_ids)}
        if next_token:
            params["NextToken"] = next_token
        else:
            params.update(LastUpdatedAfter=window, MaxResultsPerPage=self.per_page)
        restricted = self.restricted_orders_token()
        headers = {"x-amz-access-token": restricted} if restricted else {}
        try:
            response = self._call("sync_orders", "GET", ORDERS, params=params, headers=headers)
            payload = self._payload(response, "the order list")
        except ConnectorError as error:
            if next_token and error.status_code == 400:
                logger.info(
                    "Amazon refused a NextToken (%s); the window %s starts again", error.message, window
                )
                return self.sync_orders(
                    cursor={"updated_after": window, "seen_max": cursor.get("seen_max", "")}
                )
            raise
        orders = [order for order in payload.get("Orders") or [] if isinstance(order, dict)]
        full = [
            {**order, "OrderItems": self._order_items(str(order.get("AmazonOrderId") or ""))}
            for order in orders
        ]
        seen = [_parse(cursor.get("seen_max"))] + [_parse(order.get("LastUpdateDate")) for order in orders]
        newest = max((moment for moment in seen if moment is not None), default=None)
        seen_max = _iso(newest) if newest else ""
        window_end = str(cursor.get("window_end") or payload.get("LastUpdatedBefore") or "")
        token = payload.get("NextToken")
        if isinstance(token, str) and token:
            return OrderPage(
                full,
                next_cursor={
                    "updated_after": window,
                    "next_token": token,
                    "seen_max": seen_max,
                    "window_end": window_end,
                },
            )
        reached = _parse(window_end) or newest
        window_at = _parse(window)
        if reached is None or (window_at is not None and reached - OVERLAP <= window_at):
            return OrderPage(full, next_cursor=None, caught_up_cursor={"updated_after": window})
        return OrderPage(full, next_cursor=None, caught_up_cursor={"updated_after": _iso(reached - OVERLAP)})

    def _order_items(self, order_id: str) -> list[dict[str, Any]]:
        if not order_id:
            return []
        items: list[dict[str, Any]] = []
        params: dict[str, Any] = {}
        while True:
            response = self._call(
                "order_items", "GET", f"{ORDERS}/{quote(order_id)}/orderItems", params=params
            )
            payload = self._payload(response, f"the items of order {order_id}")
            items += [item for item in payload.get("OrderItems") or [] if isinstance(item, dict)]
            token = payload.get("NextToken")
            if not isinstance(token, str) or not token:
                return items
            params = {"NextToken": token}

    def _marketplace_of(self, order_id: str) -> str:
        if len(self.marketplace_ids) == 1:
            return self.marketplace_ids[0]
        payload = self._payload(self._call("get_order", "GET", f"{ORDERS}/{quote(order_id)}"), "the order")
        return str(payload.get("MarketplaceId") or self.marketplace_ids[0])

    # --- messages ---------------------------------------------------------------------------

    def send_message(
        self, *, order_external_id: str, text: str, thread_id: str = "", buyer_id: str = ""
    ) -> str:
        order_id = _order_id(order_external_id) or (
            thread_id.removeprefix("order:").strip() if thread_id.startswith("order:") else ""
        )
        if not order_id:
            raise ConnectorError(
                "Amazon messages a buyer about an order only; this conversation has no Amazon order.",
                retryable=False,
            )
        body = text.strip()
        if not body:
            raise ConnectorError("An empty message cannot be sent.", retryable=False)
        if len(body) > MESSAGE_LIMIT:
            raise ConnectorError(
                f"Amazon takes at most {MESSAGE_LIMIT} characters in a message to a buyer; "
                f"this one has {len(body)}.",
                retryable=False,
            )
        marketplace = self._marketplace_of(order_id)
        params = {"marketplaceIds": marketplace}
        response = self._call("message_actions", "GET", f"{MESSAGING}/{quote(order_id)}", params=params)
        allowed, reasons = _actions(response)
        action = next((name for name in self.message_actions if name in allowed), None)
        if action is None:
            because = f" Amazon says: {reasons}." if reasons else ""
            raise ConnectorError(
                f"Amazon allows no free-text message to the buyer of order {order_id} now "
                f"(allowed: {', '.join(sorted(allowed)) or 'nothing'}).{because} Reply to the buyer's "
                "e-mail instead.",
                retryable=False,
            )
        sent = self._post_once(
            "send_message",
            f"{MESSAGING}/{quote(order_id)}/messages/{action}",
            params=params,
            json={"text": body},
        )
        return sent.headers.get("x-amzn-RequestId") or f"{order_id}:{action}"

    def _post_once(self, operation: str, path: str, **kwargs: Any) -> httpx.Response:
        """A POST that must not happen twice: only a rate limit (nothing done) is tried again."""
        for attempt in range(1, self.http.policy.max_attempts + 1):
            self.access_token()
            try:
                return self.http.request_once(operation, "POST", path, **kwargs)
            except RateLimited as error:
                if attempt == self.http.policy.max_attempts:
                    raise
                self.http.sleep(self.http.wait_before(attempt + 1, error))
        raise AssertionError("unreachable")  # pragma: no cover

    # --- tracking ---------------------------------------------------------------------------

    def push_tracking(self, *, order_external_id: str, carrier: str, number: str) -> str:
        order_id = _order_id(order_external_id)
        number = number.strip()
        if not order_id:
            raise ConnectorError("An Amazon order id is needed to confirm a shipment.", retryable=False)
        if not number:
            raise ConnectorError("A tracking number is needed.", retryable=False)
        items = [
            {"orderItemId": str(item.get("OrderItemId")), "quantity": item.get("QuantityOrdered")}
            for item in self._order_items(order_id)
            if item.get("OrderItemId")
            and isinstance(item.get("QuantityOrdered"), int)
            and item["QuantityOrdered"] > 0
        ]
        if not items:
            raise ConnectorError(f"Amazon lists no items to ship on order {order_id}.", retryable=False)
        code = carrier_code(carrier)
        reference = _package_reference(number)
        package: dict[str, Any] = {
            "packageReferenceId": reference,
            "carrierCode": code,
            "trackingNumber": number,
            "shipDate": _iso(self.clock()),
            "orderItems": items,
        }
        if code == "Other":
            package["carrierName"] = carrier.strip()[:100] or "Other"
        body = {"marketplaceId": self._marketplace_of(order_id), "packageDetail": package}
        # The same packageReferenceId again updates the package: retrying is safe.
        self._call("push_tracking", "POST", f"{ORDERS}/{quote(order_id)}/shipmentConfirmation", json=body)
        return reference

    # --- refunds ----------------------------------------------------------------------------

    def refund_create(self, *, refund: RefundOrder) -> RefundResult:
        if refund.method != "original_payment":
            raise ConnectorError(
                "Amazon refunds to the buyer's original payment only; store credit cannot be issued there.",
                retryable=False,
            )
        if refund.amount <= 0:
            raise ConnectorError("A refund needs an amount above zero.", retryable=False)
        if not self.seller_id:
            raise ConnectorError(
                "Refunds on Amazon are sent as a feed that names the seller: set the store's seller_id.",
                retryable=False,
            )
        order_id = _order_id(refund.order_external_id)
        if not order_id:
            raise ConnectorError("An Amazon order id is needed for a refund.", retryable=False)
        item = self._refund_item(order_id, refund)
        paid = money_of(item.get("ItemPrice")) - abs(money_of(item.get("PromotionDiscount")))
        if refund.amount.quantize(CENT) > paid:
            raise ConnectorError(
                f"Amazon refunds at most what was paid for the item ({paid} {refund.currency}); "
                f"{refund.amount} was asked.",
                retryable=False,
            )
        currency = refund.currency or str((item.get("ItemPrice") or {}).get("CurrencyCode") or "")
        marketplace = self._marketplace_of(order_id)
        feed = adjustment_feed(
            seller_id=self.seller_id,
            order_id=order_id,
            order_item_id=str(item["OrderItemId"]),
            adjustment_id=refund.idempotency_key,
            amount=refund.amount,
            currency=currency,
            reason="CustomerReturn" if refund.quantity else "GeneralAdjustment",
        )
        document = self._call(
            "refund_document", "POST", f"{FEEDS}/documents", json={"contentType": FEED_CONTENT_TYPE}
        ).json()
        if not isinstance(document, dict) or not document.get("feedDocumentId") or not document.get("url"):
            raise ConnectorError("Amazon answered createFeedDocument without a document.", retryable=True)
        # The pre-signed upload URL is not SP-API: no token goes there (auth=None).
        self.http.request(
            "refund_upload",
            "PUT",
            str(document["url"]),
            content=feed.encode(),
            headers={"Content-Type": FEED_CONTENT_TYPE},
            auth=None,
        )
        # Sent again after a lost answer, the feed carries the same MerchantAdjustmentItemID,
        # which Amazon does not refund twice: retrying is safe.
        created = self._call(
            "refund_create",
            "POST",
            f"{FEEDS}/feeds",
            json={
                "feedType": "POST_PAYMENT_ADJUSTMENT_DATA",
                "marketplaceIds": [marketplace],
                "inputFeedDocumentId": document["feedDocumentId"],
            },
        ).json()
        if not isinstance(created, dict) or not created.get("feedId"):
            raise ConnectorError("Amazon answered createFeed without a feed id.", retryable=True)
        return RefundResult(
            reference=str(created["feedId"]),
            raw={
                "feedId": str(created["feedId"]),
                "feedDocumentId": str(document["feedDocumentId"]),
                "MerchantAdjustmentItemID": refund.idempotency_key,
                "AmazonOrderItemCode": str(item["OrderItemId"]),
            },
        )

    def _refund_item(self, order_id: str, refund: RefundOrder) -> dict[str, Any]:
        items = [item for item in self._order_items(order_id) if item.get("OrderItemId")]
        if refund.order_line_external_id:
            for item in items:
                if str(item["OrderItemId"]) == refund.order_line_external_id:
                    return item
            raise ConnectorError(
                f"Amazon lists no item {refund.order_line_external_id} on order {order_id}.", retryable=False
            )
        if len(items) == 1:
            return items[0]
        for item in items:
            if (
                money_of(item.get("ItemPrice")) - abs(money_of(item.get("PromotionDiscount")))
                >= refund.amount
            ):
                return item
        raise ConnectorError(
            f"Amazon refunds per item and no single item of order {order_id} covers {refund.amount}; "
            "refund the items one by one.",
            retryable=False,
        )


def money_of(value: Any) -> Decimal:
    amount = value.get("Amount") if isinstance(value, dict) else None
    try:
        return Decimal(str(amount)).quantize(CENT) if amount not in (None, "") else Decimal(0)
    except ArithmeticError:
        return Decimal(0)


def adjustment_feed(
    *,
    seller_id: str,
    order_id: str,
    order_item_id: str,
    adjustment_id: str,
    amount: Decimal,
    currency: str,
    reason: str,
) -> str:
    """One ``OrderAdjustment`` message of a ``POST_PAYMENT_ADJUSTMENT_DATA`` feed (Amazon's XML
    envelope): the item's price refunded by ``amount``."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">'
        f"<Header><DocumentVersion>1.01</DocumentVersion><MerchantIdentifier>{escape(seller_id)}"
        "</MerchantIdentifier></Header>"
        "<MessageType>OrderAdjustment</MessageType>"
        "<Message><MessageID>1</MessageID><OrderAdjustment>"
        f"<AmazonOrderID>{escape(order_id)}</AmazonOrderID>"
        "<AdjustedItem>"
        f"<AmazonOrderItemCode>{escape(order_item_id)}</AmazonOrderItemCode>"
        f"<MerchantAdjustmentItemID>{escape(adjustment_id)}</MerchantAdjustmentItemID>"
        f"<AdjustmentReason>{escape(reason)}</AdjustmentReason>"
        "<ItemPriceAdjustments><Component><Type>Principal</Type>"
        f"<Amount currency={quoteattr(currency)}>{amount.quantize(CENT):.2f}</Amount>"
        "</Component></ItemPriceAdjustments>"
        "</AdjustedItem></OrderAdjustment></Message></AmazonEnvelope>"
    )


def _actions(response: httpx.Response) -> tuple[set[str], str]:
    """The names of the actions getMessagingActionsForOrder lists, and its errors if any."""
    try:
        data = response.json()
    except ValueError:
        return set(), ""
    if not isinstance(data, dict):
        return set(), ""
    names: set[str] = set()
    for holder in (data.get("_links"), data.get("_embedded")):
        actions = holder.get("actions") if isinstance(holder, dict) else None
        for action in actions if isinstance(actions, list) else []:
            if isinstance(action, dict) and isinstance(action.get("name"), str):
                names.add(action["name"])
    errors = data.get("errors")
    reasons = (
        "; ".join(_one_error(item) for item in errors if isinstance(item, dict))
        if isinstance(errors, list)
        else ""
    )
    return names, reasons[:300]


def _order_id(external_id: str) -> str:
    return external_id.strip().lstrip("#").strip()


def amazon_connector(store: Store) -> AmazonConnector | None:
    """The registry's factory: a connector for an Amazon store with stored LWA credentials."""
    from helpdesk.platforms.credentials import stored_secrets

    stored = stored_secrets(store=store, label="Amazon")
    if stored is None:
        return None
    credential, secrets = stored
    marketplaces = (secrets.get("marketplace_id") or store.external_id).split(",")
    base_url = credential.base_url
    # Login with Amazon lives at api.amazon.com; a fake SP-API on this machine (the tests')
    # serves it too.
    loopback = is_loopback(urlsplit(base_url).hostname or "")
    try:
        return AmazonConnector(
            base_url=base_url,
            client_id=secrets.get("client_id", ""),
            client_secret=secrets.get("client_secret", ""),
            refresh_token=secrets.get("refresh_token", ""),
            marketplace_ids=marketplaces,
            seller_id=secrets.get("seller_id", ""),
            restricted_data=secrets.get("restricted_data", "").strip().lower() in ("1", "true", "yes"),
            token_url=base_url.rstrip("/") + LWA_TOKEN_PATH if loopback else LWA_TOKEN_URL,
            store_id=store.pk,
        )
    except ConnectorError as error:
        logger.warning("Amazon store %s: %s", store.pk, error.message)
        return None

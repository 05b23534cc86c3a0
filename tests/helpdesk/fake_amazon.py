"""A local Amazon speaking Login with Amazon and the Selling Partner API as documented.

- ``POST /auth/o2/token`` (LWA): ``grant_type=refresh_token`` with the app's client id and
  secret, form-encoded; answers ``{"access_token", "token_type", "expires_in"}`` or LWA's
  ``{"error", "error_description"}`` (400 ``invalid_grant``, 401 ``invalid_client``).
- Every SP-API call needs a live ``x-amz-access-token`` (403 ``Unauthorized`` otherwise).
  ``createRestrictedDataToken`` gives a token for getOrders that shows ``BuyerInfo`` and the
  whole ``ShippingAddress``; getOrders with the LWA token leaves them out, as Amazon does.
- Orders v0: ``getOrders`` (``MarketplaceIds``, ``LastUpdatedAfter``, ``MaxResultsPerPage``,
  ``NextToken``, ``LastUpdatedBefore`` in the answer two minutes before "now"), ``getOrder``,
  ``getOrderItems`` (paged by ``NextToken``), ``confirmShipment`` (204).
- Messaging v1: ``getMessagingActionsForOrder`` (HAL ``_links``/``_embedded``) and the
  free-text actions (``{"text"}``, at most 2,000 characters).
- Feeds 2021-06-30: ``createFeedDocument`` (a pre-signed upload URL on this server, which
  refuses an SP-API token and a content type other than the document's), ``createFeed``, which
  processes a ``POST_PAYMENT_ADJUSTMENT_DATA`` feed at once: an adjustment whose
  ``MerchantAdjustmentItemID`` was seen before is not applied again.
- Errors ``{"errors": [{"code", "message", "details"}]}``; a test scripts failures with
  ``fail_next`` (a 429 carries ``x-amzn-RateLimit-Limit``; ``drop`` closes the connection
  without an answer; ``processed`` lets the request take effect first).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from tests.helpdesk.fake_http import running

CLIENT_ID = "amzn1.application-oa2-client.0123456789abcdef0123456789abcdef"
CLIENT_SECRET = "amzn1.oa2-cs.v1.fedcba9876543210fedcba9876543210fedcba9876543210"
REFRESH_TOKEN = "Atzr|IwEBIA-refresh-token-of-the-store"
MARKETPLACE = "A1PA6795UKMFR9"  # amazon.de
SELLER_ID = "A2SELLER0FAKE1"
NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)
FREE_TEXT = ("unexpectedProblem", "confirmDeliveryDetails", "confirmOrderDetails", "confirmServiceDetails")


def order_id(number: int) -> str:
    return f"303-{number:07d}-{(number * 7919) % 10_000_000:07d}"


def amz_order(
    number: int, *, updated: str, status: str = "Unshipped", email: str = "", total: str = "29.90"
) -> dict[str, Any]:
    """An Order of getOrders (the fields the helpdesk reads)."""
    return {
        "AmazonOrderId": order_id(number),
        "PurchaseDate": "2026-11-01T10:00:00Z",
        "LastUpdateDate": updated,
        "OrderStatus": status,
        "FulfillmentChannel": "MFN",
        "SalesChannel": "Amazon.de",
        "MarketplaceId": MARKETPLACE,
        "OrderTotal": {"CurrencyCode": "EUR", "Amount": total},
        "NumberOfItemsShipped": 0,
        "NumberOfItemsUnshipped": 1,
        "BuyerInfo": {
            "BuyerEmail": email or f"k3x9q{number}@marketplace.amazon.de",
            "BuyerName": "Anna Schmidt",
        },
        "ShippingAddress": {
            "Name": "Anna Schmidt",
            "City": "Berlin",
            "PostalCode": "10115",
            "CountryCode": "DE",
        },
    }


def amz_item(number: int, index: int = 0, *, price: str = "25.00", quantity: int = 1) -> dict[str, Any]:
    """An OrderItem of getOrderItems."""
    return {
        "ASIN": "B0CPILLOW1",
        "SellerSKU": f"PILLOW-LINEN-{index}",
        "OrderItemId": f"{number:08d}{index:06d}",
        "Title": "Linen pillow case",
        "QuantityOrdered": quantity,
        "QuantityShipped": 0,
        "ItemPrice": {"CurrencyCode": "EUR", "Amount": price},
        "ItemTax": {"CurrencyCode": "EUR", "Amount": "3.99"},
        "ShippingPrice": {"CurrencyCode": "EUR", "Amount": "4.90"},
        "ShippingTax": {"CurrencyCode": "EUR", "Amount": "0.78"},
        "PromotionDiscount": {"CurrencyCode": "EUR", "Amount": "0.00"},
    }


Answer = tuple[int, Any, dict[str, str]]


def error(status: int, code: str, message: str, details: str = "") -> Answer:
    return status, {"errors": [{"code": code, "message": message, "details": details}]}, {}


@dataclass
class Scripted:
    method: str
    path: str
    status: int
    headers: dict[str, str]
    processed: bool
    drop: bool
    with_param: str


@dataclass
class FakeAmazon:
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    actions: dict[str, list[str]] = field(default_factory=dict)  # order -> allowed actions
    default_actions: tuple[str, ...] = ("unexpectedProblem", "confirmDeliveryDetails", "legalDisclosure")
    tokens: dict[str, bool] = field(default_factory=dict)  # token -> still valid
    restricted_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)  # RDT -> its resource
    restricted_roles: bool = True  # the app is approved for buyer information and addresses
    messages: list[dict[str, Any]] = field(default_factory=list)
    shipments: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # order -> ref -> package
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    feeds: dict[str, dict[str, Any]] = field(default_factory=dict)
    adjustments: dict[str, dict[str, Any]] = field(default_factory=dict)  # MerchantAdjustmentItemID -> …
    duplicate_adjustments: list[str] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    scripted: list[Scripted] = field(default_factory=list)
    # NextToken -> (LastUpdatedAfter, offset, per page)
    next_tokens: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    items_per_page: int = 100
    now: dt.datetime = NOW
    url: str = ""
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(50001))

    def add_order(self, number: int, *, updated: str, items: int = 1, **kwargs: Any) -> str:
        order = amz_order(number, updated=updated, **kwargs)
        self.orders[order["AmazonOrderId"]] = order
        self.items[order["AmazonOrderId"]] = [amz_item(number, index) for index in range(items)]
        return order["AmazonOrderId"]

    def fail_next(
        self,
        method: str,
        path: str,
        status: int = 500,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
        processed: bool = False,
        drop: bool = False,
        with_param: str = "",
    ) -> None:
        self.scripted += [Scripted(method, path, status, headers or {}, processed, drop, with_param)] * times

    def expire_tokens(self) -> None:
        self.tokens = dict.fromkeys(self.tokens, False)

    def requests_to(self, method: str, path: str) -> list[dict[str, Any]]:
        return [item for item in self.requests if item["method"] == method and item["path"] == path]

    # --- dispatch ---------------------------------------------------------------------------

    def scripted_for(self, method: str, path: str, query: dict[str, str]) -> Scripted | None:
        for index, item in enumerate(self.scripted):
            if (
                item.method == method
                and item.path == path
                and (not item.with_param or item.with_param in query)
            ):
                del self.scripted[index]
                return item
        return None

    def route(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: dict[str, str]
    ) -> Answer:
        if path == "/auth/o2/token" and method == "POST":
            return self._token(body)
        if path.startswith("/upload/") and method == "PUT":
            return self._upload(path.removeprefix("/upload/"), body, headers)
        token = headers.get("x-amz-access-token", "")
        restricted = self.restricted_tokens.get(token)
        if restricted is not None:
            if (method, path) != (restricted["method"], restricted["path"]):
                return error(403, "Unauthorized", "Access to requested resource is denied.", "Wrong RDT.")
            return self._orders(query, elements=restricted["dataElements"])
        if token not in self.tokens:
            return error(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided is revoked, malformed or invalid.",
            )
        if not self.tokens[token]:
            return error(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "The access token you provided has expired.",
            )
        parts = path.strip("/").split("/")
        if method == "GET" and path == "/orders/v0/orders":
            return self._orders(query, elements=[])
        if method == "POST" and path == "/tokens/2021-03-01/restrictedDataToken":
            return self._restricted_token(body)
        if parts[:3] == ["orders", "v0", "orders"] and len(parts) >= 4:
            found = self.orders.get(parts[3])
            if found is None:
                return error(404, "NotFound", "Invalid AmazonOrderId", parts[3])
            if len(parts) == 4 and method == "GET":
                return 200, {"payload": found}, {}
            if parts[4:] == ["orderItems"] and method == "GET":
                return self._order_items(parts[3], query)
            if parts[4:] == ["shipmentConfirmation"] and method == "POST":
                return self._confirm_shipment(parts[3], body)
        if parts[:3] == ["messaging", "v1", "orders"] and len(parts) >= 4:
            return self._messaging(method, parts[3], parts[4:], query, body)
        if path == "/feeds/2021-06-30/documents" and method == "POST":
            return self._create_document(body)
        if path == "/feeds/2021-06-30/feeds" and method == "POST":
            return self._create_feed(body)
        return error(404, "NotFound", "Resource not found.", f"{method} {path}")

    # --- LWA --------------------------------------------------------------------------------

    def _token(self, form: Any) -> Answer:
        form = form if isinstance(form, dict) else {}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return 401, {"error": "invalid_client", "error_description": "Client authentication failed"}, {}
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != REFRESH_TOKEN:
            return (
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "The request has an invalid grant parameter : refresh_token",
                },
                {},
            )
        token = f"Atza|IwEBI-{uuid.uuid4().hex}"
        self.tokens[token] = True
        return (
            200,
            {
                "access_token": token,
                "refresh_token": REFRESH_TOKEN,
                "token_type": "bearer",
                "expires_in": 3600,
            },
            {},
        )

    # --- orders -----------------------------------------------------------------------------

    def _restricted_token(self, body: Any) -> Answer:
        resources = body.get("restrictedResources") if isinstance(body, dict) else None
        if not isinstance(resources, list) or len(resources) != 1 or not isinstance(resources[0], dict):
            return error(400, "InvalidInput", "One restricted resource is expected here.")
        if not self.restricted_roles:
            return error(
                403,
                "Unauthorized",
                "Access to requested resource is denied.",
                "Application does not have access to one or more requested data elements: [buyerInfo]",
            )
        token = f"Atz.sprdt|{uuid.uuid4().hex}"
        self.restricted_tokens[token] = resources[0]
        return 200, {"restrictedDataToken": token, "expiresIn": 3600}, {}

    def _orders(self, query: dict[str, str], *, elements: list[str]) -> Answer:
        marketplaces = [value for value in query.get("MarketplaceIds", "").split(",") if value]
        if not marketplaces:
            return error(400, "InvalidInput", "Missing required 'MarketplaceIds'.")
        before = self.now - dt.timedelta(minutes=2)
        if "NextToken" in query:
            if query["NextToken"] not in self.next_tokens:
                return error(
                    400, "InvalidInput", "Invalid NextToken.", "The NextToken is invalid or expired."
                )
            after, offset, per_page = self.next_tokens[query["NextToken"]]
        else:
            if not query.get("LastUpdatedAfter"):
                return error(
                    400, "InvalidInput", "Either CreatedAfter or LastUpdatedAfter must be specified."
                )
            after, offset = query["LastUpdatedAfter"], 0
            per_page = int(query.get("MaxResultsPerPage") or 100)
        start = _moment(after)
        found = sorted(
            (
                order
                for order in self.orders.values()
                if order["MarketplaceId"] in marketplaces
                and start <= _moment(order["LastUpdateDate"]) <= before
            ),
            key=lambda order: (order["LastUpdateDate"], order["AmazonOrderId"]),
        )
        chunk = [_restricted(order, elements) for order in found[offset : offset + per_page]]
        payload: dict[str, Any] = {"Orders": chunk, "LastUpdatedBefore": _iso(before)}
        if offset + per_page < len(found):
            token = uuid.uuid4().hex
            self.next_tokens[token] = (after, offset + per_page, per_page)
            payload["NextToken"] = token
        return 200, {"payload": payload}, {}

    def _order_items(self, amazon_order_id: str, query: dict[str, str]) -> Answer:
        items = self.items.get(amazon_order_id, [])
        offset = int(query["NextToken"].removeprefix("items:")) if "NextToken" in query else 0
        payload: dict[str, Any] = {
            "AmazonOrderId": amazon_order_id,
            "OrderItems": items[offset : offset + self.items_per_page],
        }
        if offset + self.items_per_page < len(items):
            payload["NextToken"] = f"items:{offset + self.items_per_page}"
        return 200, {"payload": payload}, {}

    def _confirm_shipment(self, amazon_order_id: str, body: Any) -> Answer:
        package = body.get("packageDetail") if isinstance(body, dict) else None
        if not isinstance(package, dict) or not body.get("marketplaceId"):
            return error(400, "InvalidInput", "packageDetail and marketplaceId are required.")
        missing = [
            name
            for name in ("packageReferenceId", "carrierCode", "trackingNumber", "shipDate", "orderItems")
            if not package.get(name)
        ]
        if missing:
            return error(400, "InvalidInput", f"Missing required {', '.join(missing)}.")
        if package["carrierCode"] == "Other" and not package.get("carrierName"):
            return error(400, "InvalidInput", "carrierName is required when carrierCode is Other.")
        known = {item["OrderItemId"] for item in self.items.get(amazon_order_id, [])}
        if any(item.get("orderItemId") not in known for item in package["orderItems"]):
            return error(400, "InvalidInput", "Invalid orderItemId.")
        self.shipments.setdefault(amazon_order_id, {})[str(package["packageReferenceId"])] = package
        self.orders[amazon_order_id].update(OrderStatus="Shipped", LastUpdateDate=_iso(self.now))
        return 204, None, {}

    # --- messaging --------------------------------------------------------------------------

    def _messaging(
        self, method: str, amazon_order_id: str, rest: list[str], query: dict[str, str], body: Any
    ) -> Answer:
        if not query.get("marketplaceIds"):
            return error(400, "InvalidInput", "Missing required 'marketplaceIds'.")
        if amazon_order_id not in self.orders:
            return error(404, "NotFound", "The order was not found.", amazon_order_id)
        allowed = self.actions.get(amazon_order_id, list(self.default_actions))
        base = f"/messaging/v1/orders/{amazon_order_id}"
        if method == "GET" and not rest:
            links = [
                {"href": f"{base}/messages/{name}?marketplaceIds={query['marketplaceIds']}", "name": name}
                for name in allowed
            ]
            embedded = [
                {
                    "_links": {"self": link, "schema": {"href": f"{base}/messages/{link['name']}/schema"}},
                    "name": link["name"],
                }
                for link in links
            ]
            return (
                200,
                {"_links": {"self": {"href": base}, "actions": links}, "_embedded": {"actions": embedded}},
                {},
            )
        if method == "POST" and len(rest) == 2 and rest[0] == "messages":
            action = rest[1]
            if action not in allowed:
                return error(
                    400,
                    "InvalidInput",
                    f"The action {action} is not available for this order.",
                    "Call getMessagingActionsForOrder for the available actions.",
                )
            text = body.get("text") if isinstance(body, dict) else None
            if action in FREE_TEXT and (not isinstance(text, str) or not text or len(text) > 2000):
                return error(400, "InvalidInput", "text must have 1 to 2000 characters.")
            self.messages.append(
                {
                    "order": amazon_order_id,
                    "action": action,
                    "marketplaceIds": query["marketplaceIds"],
                    "body": body,
                }
            )
            return 201, {}, {}
        return error(404, "NotFound", "Resource not found.")

    # --- feeds ------------------------------------------------------------------------------

    def _create_document(self, body: Any) -> Answer:
        content_type = body.get("contentType") if isinstance(body, dict) else None
        if not content_type:
            return error(400, "InvalidInput", "contentType is required.")
        document_id = f"amzn1.tortuga.4.eu.{uuid.uuid4().hex}"
        self.documents[document_id] = {"contentType": content_type, "content": None}
        return 201, {"feedDocumentId": document_id, "url": f"{self.url}/upload/{document_id}"}, {}

    def _upload(self, document_id: str, body: Any, headers: dict[str, str]) -> Answer:
        document = self.documents.get(document_id)
        if document is None:
            return 404, {"Code": "NoSuchKey"}, {}
        if "x-amz-access-token" in headers:
            return 400, {"Code": "InvalidArgument", "Message": "Unexpected x-amz-access-token."}, {}
        if headers.get("content-type") != document["contentType"]:
            return 403, {"Code": "SignatureDoesNotMatch", "Message": "The Content-Type differs."}, {}
        document["content"] = body
        return 200, None, {}

    def _create_feed(self, body: Any) -> Answer:
        if not isinstance(body, dict) or body.get("feedType") != "POST_PAYMENT_ADJUSTMENT_DATA":
            return error(400, "InvalidInput", "Unsupported feedType.")
        document = self.documents.get(str(body.get("inputFeedDocumentId")))
        if document is None or document["content"] is None:
            return error(400, "InvalidInput", "The input feed document was not uploaded.")
        if not body.get("marketplaceIds"):
            return error(400, "InvalidInput", "marketplaceIds is required.")
        feed_id = str(next(self._ids))
        self.feeds[feed_id] = {
            "feedType": body["feedType"],
            "marketplaceIds": body["marketplaceIds"],
            "xml": document["content"],
        }
        self._process_adjustments(feed_id, document["content"])
        return 202, {"feedId": feed_id}, {}

    def _process_adjustments(self, feed_id: str, content: bytes) -> None:
        root = ET.fromstring(content)
        for adjustment in root.iter("OrderAdjustment"):
            amazon_order_id = adjustment.findtext("AmazonOrderID", "")
            for item in adjustment.iter("AdjustedItem"):
                key = item.findtext("MerchantAdjustmentItemID", "")
                if key in self.adjustments:
                    self.duplicate_adjustments.append(key)
                    continue
                amount = item.find("ItemPriceAdjustments/Component/Amount")
                self.adjustments[key] = {
                    "feedId": feed_id,
                    "order": amazon_order_id,
                    "item": item.findtext("AmazonOrderItemCode", ""),
                    "reason": item.findtext("AdjustmentReason", ""),
                    "amount": Decimal(amount.text or "0") if amount is not None else Decimal(0),
                    "currency": amount.get("currency", "") if amount is not None else "",
                }


def _restricted(order: dict[str, Any], elements: list[str]) -> dict[str, Any]:
    """The order as Amazon shows it without a restricted data token for ``elements``."""
    shown = dict(order)
    if "buyerInfo" not in elements:
        shown.pop("BuyerInfo", None)
    if "shippingAddress" not in elements and isinstance(order.get("ShippingAddress"), dict):
        shown["ShippingAddress"] = {
            key: value
            for key, value in order["ShippingAddress"].items()
            if key in ("City", "StateOrRegion", "PostalCode", "CountryCode")
        }
    return shown


def _moment(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def _iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def serve(fake: FakeAmazon) -> Iterator[FakeAmazon]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            content_type = self.headers.get("Content-Type", "")
            body: Any = None
            if raw and content_type.startswith("application/json"):
                body = json.loads(raw)
            elif raw and content_type.startswith("application/x-www-form-urlencoded"):
                body = {name: values[0] for name, values in parse_qs(raw.decode()).items()}
            elif raw:
                body = raw
            query = {name: values[0] for name, values in parse_qs(url.query).items()}
            path = unquote(url.path)
            headers = {name.lower(): value for name, value in self.headers.items()}
            fake.requests.append(
                {"method": self.command, "path": path, "query": query, "body": body, "headers": headers}
            )
            scripted = fake.scripted_for(self.command, path, query)
            if scripted is not None:
                if scripted.processed:
                    fake.route(self.command, path, query, body, headers)
                if scripted.drop:
                    self.close_connection = True
                    return
                codes = {429: "QuotaExceeded", 500: "InternalFailure", 503: "ServiceUnavailable"}
                message = (
                    "You exceeded your quota for the requested resource."
                    if scripted.status == 429
                    else "Scripted."
                )
                status, answer, extra = error(scripted.status, codes.get(scripted.status, "Error"), message)
                extra = scripted.headers
            else:
                status, answer, extra = fake.route(self.command, path, query, body, headers)
            payload = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = _serve

        def log_message(self, *args: object) -> None:
            pass

    with running(Handler) as url:
        fake.url = url
        yield fake

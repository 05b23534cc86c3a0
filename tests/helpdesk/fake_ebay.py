"""A local eBay speaking its REST APIs as documented: the OAuth token endpoint
(``/identity/v1/oauth2/token``, refresh-token grant with HTTP Basic app keys), the Sell
Fulfillment API (orders filtered by ``lastmodifieddate`` and paged by ``limit``/``offset``,
``issue_refund``, ``shipping_fulfillment``) and the Commerce Message API (conversations,
their messages, ``send_message``), with Bearer tokens checked on every call and errors as
``{"errors": [{"errorId", "domain", "category", "message", "longMessage"}]}``. A test scripts
failures with ``fail_next``."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import itertools
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tests.helpdesk.fake_http import running

CLIENT_ID = "LumenHom-helpdesk-PRD-5a1b2c3d4-0e9f8a7b"
CLIENT_SECRET = "PRD-a1b2c3d4e5f6-7a8b-9c0d-1e2f-3a4b"
REFRESH_TOKEN = "v^1.1#i^1#r^1#p^3#I^3#f^0#t^Ul4xMF8xOjJGRkQxRTFBQjVFNjNC"
SELLER = "lumen_home"
GRANTED_SCOPES = {
    "https://api.ebay.com/oauth/api_scope",
    "https://api.ebay.com/oauth/api_scope/sell.fulfillment",
    "https://api.ebay.com/oauth/api_scope/sell.finances",
    "https://api.ebay.com/oauth/api_scope/commerce.message",
}
FULFILLMENT = "/sell/fulfillment/v1/order"
MESSAGES = "/commerce/message/v1"
REFUND_REASONS = {
    "BUYER_CANCEL",
    "SELLER_CANCEL",
    "ITEM_NOT_RECEIVED",
    "BUYER_RETURN",
    "ITEM_NOT_AS_DESCRIBED",
    "OTHER_ADJUSTMENT",
    "SHIPPING_DISCOUNT",
}
FILTER = re.compile(r"^lastmodifieddate:\[([^\]]*?)\.\.([^\]]*)\]$")
Answer = tuple[int, Any, dict[str, str]]


def amount(value: str, currency: str = "EUR") -> dict[str, str]:
    return {"value": value, "currency": currency}


def ebay_order(order_id: str, *, modified: str, buyer: str = "", total: str = "29.90") -> dict[str, Any]:
    """An order in the Fulfillment API's shape (the fields the helpdesk reads)."""
    number = order_id.rsplit("-", 1)[-1]
    username = buyer or f"anna_s_{number}"
    return {
        "orderId": order_id,
        "legacyOrderId": f"1100{number}-2200{number}",
        "creationDate": "2026-11-01T10:00:00.000Z",
        "lastModifiedDate": modified,
        "orderFulfillmentStatus": "NOT_STARTED",
        "orderPaymentStatus": "PAID",
        "cancelStatus": {"cancelState": "NONE_REQUESTED", "cancelRequests": []},
        "sellerId": SELLER,
        "buyer": {
            "username": username,
            "buyerRegistrationAddress": {
                "fullName": "Anna Schmidt",
                "email": f"{username}@members.ebay.de",
                "primaryPhone": {"phoneNumber": "+49 30 1234567"},
                "contactAddress": {"city": "Berlin", "postalCode": "10115", "countryCode": "DE"},
            },
        },
        "pricingSummary": {
            "priceSubtotal": amount("25.00"),
            "deliveryCost": amount("4.90"),
            "total": amount(total),
        },
        "paymentSummary": {"totalDueSeller": amount(total), "refunds": [], "payments": []},
        "fulfillmentStartInstructions": [
            {
                "fulfillmentInstructionsType": "SHIP_TO",
                "shippingStep": {
                    "shippingCarrierCode": "DHL",
                    "shipTo": {
                        "fullName": "Anna Schmidt",
                        "contactAddress": {
                            "addressLine1": "Invalidenstr. 12",
                            "city": "Berlin",
                            "postalCode": "10115",
                            "countryCode": "DE",
                        },
                        "primaryPhone": {"phoneNumber": "+49 30 1234567"},
                    },
                },
            }
        ],
        "lineItems": [
            {
                "lineItemId": f"1000{number}",
                "legacyItemId": "374512345678",
                "sku": "LAMP-LINEN",
                "title": "Linen table lamp",
                "quantity": 1,
                "lineItemCost": amount("25.00"),
                "total": amount("29.90"),
                "lineItemFulfillmentStatus": "NOT_STARTED",
                "refunds": [],
            }
        ],
    }


def ebay_error(status: int, error_id: int, message: str, *, domain: str = "API_FULFILLMENT") -> Answer:
    category = "REQUEST" if status < 500 else "APPLICATION"
    return (
        status,
        {
            "errors": [
                {
                    "errorId": error_id,
                    "domain": domain,
                    "category": category,
                    "message": message,
                    "longMessage": message,
                }
            ]
        },
        {},
    )


class FakeEbay:
    def __init__(self) -> None:
        self.orders: dict[str, dict[str, Any]] = {}
        self.fulfillments: dict[str, list[dict[str, Any]]] = {}
        self.conversations: dict[str, dict[str, Any]] = {}
        self.refund_comments: dict[str, str] = {}  # refundId -> comment (eBay does not show it back)
        self.requests: list[dict[str, Any]] = []
        self.tokens: set[str] = set()
        # answers served before the real one: (method, path, status, body, headers, processed)
        self.scripted: list[tuple[str, str, int, Any, dict[str, str], bool]] = []
        self.ids = itertools.count(5000001)
        self.now = "2026-11-30T12:00:00.000Z"
        self.url = ""
        # an EU/UK seller: issue_refund must carry eBay's digital signature made with this key
        self.signing_key: Ed25519PublicKey | None = None
        self.signing_jwe = ""

    # --- test helpers --------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path: str,
        status: int,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
        processed: bool = False,
        error_id: int = 0,
    ) -> None:
        ids = {429: 2001, 500: 10001, 502: 10001, 503: 10001}
        _, body, _ = ebay_error(status, error_id or ids.get(status, 99999), f"Scripted {status}.")
        self.scripted += [(method, path, status, body, headers or {}, processed)] * times

    def requests_to(self, method: str, path: str) -> list[dict[str, Any]]:
        return [item for item in self.requests if item["method"] == method and item["path"] == path]

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    def conversation(
        self, conversation_id: str, *, buyer: str, title: str, reference: tuple[str, str] = ("", "")
    ) -> dict[str, Any]:
        found = self.conversations.setdefault(
            conversation_id,
            {
                "conversationId": conversation_id,
                "conversationStatus": "ACTIVE",
                "conversationTitle": title,
                "conversationType": "FROM_MEMBERS",
                "createdDate": self.now,
                "referenceId": reference[0],
                "referenceType": reference[1],
                "unreadCount": 0,
                "otherParty": buyer,  # not part of eBay's answer: the fake's own bookkeeping
                "messages": [],
            },
        )
        return found

    def add_message(
        self,
        conversation_id: str,
        *,
        message_id: str,
        sender: str,
        body: str,
        created: str,
        **conversation: Any,
    ) -> dict[str, Any]:
        holder = self.conversation(conversation_id, **conversation)
        buyer = holder["otherParty"]
        message = {
            "messageId": message_id,
            "senderUsername": sender,
            "recipientUsername": SELLER if sender == buyer else buyer,
            "subject": holder["conversationTitle"],
            "messageBody": body,
            "createdDate": created,
            "readStatus": False,
            "messageMedia": [],
        }
        holder["messages"].append(message)
        return message

    # --- dispatch --------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str], body: Any) -> Answer:
        for index, (s_method, s_path, status, answer, headers, processed) in enumerate(self.scripted):
            if s_method == method and s_path == path:
                del self.scripted[index]
                if processed:
                    self._route(method, path, query, body)
                return status, answer, headers
        return self._route(method, path, query, body)

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> Answer:
        if path == FULFILLMENT and method == "GET":
            return self._orders(query)
        if path.startswith(FULFILLMENT + "/"):
            parts = [unquote(part) for part in path.removeprefix(FULFILLMENT + "/").split("/")]
            order = self.orders.get(parts[0])
            if order is None:
                return ebay_error(404, 32100, f"Invalid Order Id: {parts[0]}")
            if len(parts) == 1 and method == "GET":
                return 200, order, {}
            if parts[1:] == ["issue_refund"] and method == "POST":
                return self._refund(order, body or {})
            if parts[1:] == ["shipping_fulfillment"]:
                return self._fulfillment(method, order, body or {})
        if path.startswith(MESSAGES + "/"):
            return self._messages(method, path.removeprefix(MESSAGES + "/"), query, body or {})
        return ebay_error(404, 2002, "Resource not found.", domain="API_GATEWAY")

    # --- orders ------------------------------------------------------------------------------

    def _orders(self, query: dict[str, str]) -> Answer:
        found = sorted(self.orders.values(), key=lambda order: order["orderId"])
        if "filter" in query:
            window = FILTER.match(query["filter"])
            if window is None:
                return ebay_error(400, 30700, "Invalid filter: the filter is not in the right format.")
            start, end = window.groups()
            found = [
                order
                for order in found
                if (not start or order["lastModifiedDate"] >= start)
                and (not end or order["lastModifiedDate"] <= end)
            ]
        limit, offset = int(query.get("limit", 50)), int(query.get("offset", 0))
        if not 1 <= limit <= 200:
            return ebay_error(400, 30820, "Invalid limit: the maximum is 200.")
        page = found[offset : offset + limit]
        answer: dict[str, Any] = {
            "href": f"{self.url}{FULFILLMENT}?limit={limit}&offset={offset}",
            "total": len(found),
            "limit": limit,
            "offset": offset,
            "orders": page,
        }
        if offset + limit < len(found):
            answer["next"] = f"{self.url}{FULFILLMENT}?limit={limit}&offset={offset + limit}"
        return 200, answer, {}

    def _refund(self, order: dict[str, Any], body: dict[str, Any]) -> Answer:
        if body.get("reasonForRefund") not in REFUND_REASONS:
            return ebay_error(400, 32600, "The reasonForRefund value is invalid.")
        if len(body.get("comment") or "") > 100:
            return ebay_error(400, 32601, "The comment is longer than 100 characters.")
        money = body.get("orderLevelRefundAmount")
        items = body.get("refundItems") or []
        if money is None and items:
            money = items[0].get("refundAmount")
        if not money or money.get("currency") != order["pricingSummary"]["total"]["currency"]:
            return ebay_error(400, 32604, "The refund amount or its currency is invalid.")
        refunded = sum(Decimal(item["amount"]["value"]) for item in _all_refunds(order))
        if Decimal(money["value"]) + refunded > Decimal(order["pricingSummary"]["total"]["value"]):
            return ebay_error(400, 32610, "The refund amount exceeds the amount paid for the order.")
        refund = {
            "refundId": str(next(self.ids)),
            "refundStatus": "PENDING",
            "amount": {"value": money["value"], "currency": money["currency"]},
            "refundDate": self.now,
        }
        if body.get("orderLevelRefundAmount") is not None:
            order["paymentSummary"]["refunds"].append(refund)
        else:
            lines = {line["lineItemId"]: line for line in order["lineItems"]}
            line = lines.get(items[0].get("lineItemId"))
            if line is None:
                return ebay_error(400, 32605, "The lineItemId is not part of this order.")
            line["refunds"].append(refund)
        self.refund_comments[refund["refundId"]] = body.get("comment") or ""
        return 200, {"refundId": refund["refundId"], "refundStatus": "PENDING"}, {}

    def _fulfillment(self, method: str, order: dict[str, Any], body: dict[str, Any]) -> Answer:
        kept = self.fulfillments.setdefault(order["orderId"], [])
        if method == "GET":
            return 200, {"fulfillments": kept, "total": len(kept)}, {}
        lines = {line["lineItemId"]: line for line in order["lineItems"]}
        asked = body.get("lineItems") or []
        if not asked or any(item.get("lineItemId") not in lines for item in asked):
            return ebay_error(400, 32400, "Invalid or missing lineItems.")
        if not body.get("trackingNumber") or not body.get("shippingCarrierCode"):
            return ebay_error(400, 32401, "trackingNumber and shippingCarrierCode are required together.")
        fulfillment = {
            "fulfillmentId": f"{body['trackingNumber']}-{len(kept) + 1}",
            "shipmentTrackingNumber": body["trackingNumber"],
            "shippingCarrierCode": body["shippingCarrierCode"],
            "shippedDate": body.get("shippedDate") or self.now,
            "lineItems": [
                {"lineItemId": item["lineItemId"], "quantity": item.get("quantity")} for item in asked
            ],
        }
        kept.append(fulfillment)
        for item in asked:
            lines[item["lineItemId"]]["lineItemFulfillmentStatus"] = "FULFILLED"
        order["orderFulfillmentStatus"] = "FULFILLED"
        location = (
            f"{self.url}{FULFILLMENT}/{order['orderId']}/shipping_fulfillment/{fulfillment['fulfillmentId']}"
        )
        return 201, {}, {"Location": location}

    # --- messages ----------------------------------------------------------------------------

    def _messages(self, method: str, path: str, query: dict[str, str], body: dict[str, Any]) -> Answer:
        if path == "send_message" and method == "POST":
            return self._send(body)
        if method != "GET" or not (path == "conversation" or path.startswith("conversation/")):
            return ebay_error(404, 2002, "Resource not found.", domain="API_GATEWAY")
        if query.get("conversation_type") not in ("FROM_EBAY", "FROM_MEMBERS"):
            return ebay_error(
                400, 355001, "The conversation_type query parameter is required.", domain="API_MESSAGE"
            )
        limit, offset = int(query.get("limit", 25)), int(query.get("offset", 0))
        if not 1 <= limit <= 50:
            return ebay_error(400, 355002, "Invalid limit: the maximum is 50.", domain="API_MESSAGE")
        if path.startswith("conversation/"):
            found = self.conversations.get(unquote(path.removeprefix("conversation/")))
            if found is None:
                return ebay_error(404, 355010, "The conversation was not found.", domain="API_MESSAGE")
            messages = found["messages"][::-1]  # newest first
            return (
                200,
                {
                    **_public(found),
                    "messages": messages[offset : offset + limit],
                    "total": len(messages),
                    "limit": limit,
                    "offset": offset,
                },
                {},
            )
        listed = [item for item in self.conversations.values() if item["messages"]]
        if query.get("start_time"):
            listed = [item for item in listed if item["messages"][-1]["createdDate"] >= query["start_time"]]
        if query.get("other_party_username"):
            listed = [item for item in listed if item["otherParty"] == query["other_party_username"]]
        listed.sort(key=lambda item: item["messages"][-1]["createdDate"], reverse=True)
        page = [
            {**_public(item), "latestMessage": item["messages"][-1]}
            for item in listed[offset : offset + limit]
        ]
        return 200, {"conversations": page, "total": len(listed), "limit": limit, "offset": offset}, {}

    def _send(self, body: dict[str, Any]) -> Answer:
        text = body.get("messageText") or ""
        if not text or len(text) > 2000:
            return ebay_error(
                400,
                355020,
                "The messageText field is required (2000 characters at most).",
                domain="API_MESSAGE",
            )
        if body.get("conversationId"):
            holder = self.conversations.get(body["conversationId"])
            if holder is None:
                return ebay_error(400, 355021, "The conversationId is invalid.", domain="API_MESSAGE")
        elif body.get("otherPartyUsername"):
            reference = body.get("reference") or {}
            if reference and reference.get("referenceType") != "LISTING":
                return ebay_error(400, 355022, "Only a LISTING reference is supported.", domain="API_MESSAGE")
            conversation_id = f"conv-{next(self.ids)}"
            holder = self.conversation(
                conversation_id,
                buyer=body["otherPartyUsername"],
                title="Message from the seller",
                reference=(reference.get("referenceId", ""), reference.get("referenceType", "")),
            )
        else:
            return ebay_error(
                400, 355023, "Either conversationId or otherPartyUsername is required.", domain="API_MESSAGE"
            )
        message = self.add_message(
            holder["conversationId"],
            message_id=f"msg-{next(self.ids)}",
            sender=SELLER,
            body=text,
            created=self.now,
            buyer=holder["otherParty"],
            title=holder["conversationTitle"],
        )
        return (
            200,
            {
                "messageId": message["messageId"],
                "messageBody": text,
                "createdDate": message["createdDate"],
                "senderUserName": SELLER,
                "recipientUserName": holder["otherParty"],
                "readStatus": False,
                "messageMedia": [],
            },
            {},
        )

    # --- digital signatures (EU/UK sellers) -------------------------------------------------

    def signature_refusal(
        self, method: str, path: str, headers: Any, raw: bytes, authority: str
    ) -> Answer | None:
        """Why eBay refuses an unsigned or badly signed call, or None when it is signed right."""
        if self.signing_key is None or not path.endswith("/issue_refund"):
            return None
        refused = ebay_error(
            400, 215120, "Signature validation failed to fulfill the request.", domain="ACCESS"
        )
        if headers.get("x-ebay-signature-key") != self.signing_jwe:
            return refused
        digest = f"sha-256=:{base64.b64encode(hashlib.sha256(raw).digest()).decode()}:"
        if headers.get("Content-Digest") != digest:
            return refused
        match = re.fullmatch(
            r'sig1=(\("content-digest" "x-ebay-signature-key" "@method" "@path" "@authority"\);created=(\d+))',
            headers.get("Signature-Input") or "",
        )
        signature = re.fullmatch(r"sig1=:([A-Za-z0-9+/=]+):", headers.get("Signature") or "")
        if match is None or signature is None:
            return refused
        now = dt.datetime.fromisoformat(self.now.replace("Z", "+00:00")).timestamp()
        if abs(int(match.group(2)) - now) > 300:
            return ebay_error(
                400, 215114, "The signature's creation time is not in the valid range.", domain="ACCESS"
            )
        signature_base = "\n".join(
            [
                f'"content-digest": {digest}',
                f'"x-ebay-signature-key": {self.signing_jwe}',
                f'"@method": {method}',
                f'"@path": {path}',
                f'"@authority": {authority}',
                f'"@signature-params": {match.group(1)}',
            ]
        )
        try:
            self.signing_key.verify(base64.b64decode(signature.group(1)), signature_base.encode())
        except InvalidSignature:
            return refused
        return None

    # --- auth --------------------------------------------------------------------------------

    def token(self, headers: Any, form: dict[str, str]) -> Answer:
        expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if headers.get("Authorization") != expected:
            return 401, {"error": "invalid_client", "error_description": "client authentication failed"}, {}
        if form.get("grant_type") != "refresh_token":
            return (
                400,
                {"error": "unsupported_grant_type", "error_description": "grant type is not supported"},
                {},
            )
        if form.get("refresh_token") != REFRESH_TOKEN:
            return (
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "the provided authorization refresh token is invalid or was issued to another client",
                },
                {},
            )
        if not set((form.get("scope") or "").split()) <= GRANTED_SCOPES:
            return 400, {"error": "invalid_scope", "error_description": "The requested scope is invalid"}, {}
        token = f"v^1.1#i^1#p^3#r^0#I^3#f^0#t^H4sI{next(self.ids)}"
        self.tokens.add(token)
        return 200, {"access_token": token, "expires_in": 7200, "token_type": "User Access Token"}, {}


def _public(conversation: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in conversation.items() if key not in ("messages", "otherParty")}


def _all_refunds(order: dict[str, Any]) -> list[dict[str, Any]]:
    refunds = list(order["paymentSummary"]["refunds"])
    for line in order["lineItems"]:
        refunds += line["refunds"]
    return refunds


def serve(fake: FakeEbay) -> Iterator[FakeEbay]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            query = {name: values[0] for name, values in parse_qs(url.query).items()}
            if url.path == "/identity/v1/oauth2/token" and self.command == "POST":
                form = {name: values[0] for name, values in parse_qs(raw.decode()).items()}
                fake.requests.append({"method": "POST", "path": url.path, "query": query, "body": form})
                status, answer, headers = fake.token(self.headers, form)
            else:
                body = json.loads(raw) if raw else None
                fake.requests.append(
                    {
                        "method": self.command,
                        "path": url.path,
                        "query": query,
                        "body": body,
                        "headers": dict(self.headers),
                    }
                )
                bearer = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                authority = self.headers.get("Host") or ""
                refusal = fake.signature_refusal(self.command, url.path, self.headers, raw, authority)
                if bearer not in fake.tokens:
                    status, answer, headers = ebay_error(
                        401,
                        1001,
                        "Invalid access token. Check the value of the Authorization HTTP request header.",
                        domain="OAuth",
                    )
                elif refusal is not None:
                    status, answer, headers = refusal
                else:
                    status, answer, headers = fake.handle(self.command, url.path, query, body)
            payload = json.dumps(answer).encode() if answer is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, *args: object) -> None:
            pass

    with running(Handler) as url:
        fake.url = url
        yield fake

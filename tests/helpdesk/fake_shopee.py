"""A local Shopee Open Platform v2 speaking the documented wire format: shop-level calls signed
with HMAC-SHA256 over ``partner_id + path + timestamp + access_token + shop_id`` (public calls
over ``partner_id + path + timestamp``), the 4-hour access token renewed with a refresh token
that rotates, ``order/get_order_list`` (15-day ``update_time`` ranges, ``cursor`` pages) and
``order/get_order_detail`` (optional fields only when asked), seller chat, ``logistics/ship_order``
for non-integrated channels, and return requests. Errors are ``{"error", "message",
"request_id"}``. A test scripts failures with ``fail_next`` (an answer, possibly HTTP 200 with an
``error``, or a dropped connection, optionally after the request took effect)."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.helpdesk.fake_http import running

PARTNER_ID = "2001887"
PARTNER_KEY = "4a6e4f5a7a3b4e7a6c3d5f2b1a9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e"
SHOP_ID = "1640619651"
SELLER_USER_ID = 88001  # the shop owner's Shopee user: the seller's chat messages come from it
ACCESS_TOKEN = "4d6b5a4e7a6f4b6c7a5a6d4e4b6a7a5c"
REFRESH_TOKEN = "6a7a4b6c5a4e7a6f4d6b5a4e7a6f4b6c"
DAY = 86_400
NOW = 1_764_460_800  # 2025-11-30T00:00:00Z, the tests' clock

PUBLIC_PATHS = {"/api/v2/auth/access_token/get"}
BASE_FIELDS = (
    "order_sn",
    "region",
    "currency",
    "cod",
    "total_amount",
    "order_status",
    "create_time",
    "update_time",
)
OPTIONAL_FIELDS = ("buyer_user_id", "buyer_username", "item_list", "recipient_address")

Answer = tuple[int, dict[str, Any]]


def shopee_order(
    order_sn: str, *, updated: int, status: str = "READY_TO_SHIP", buyer: int = 6648342
) -> dict[str, Any]:
    """An order in get_order_detail's shape, with every optional field the helpdesk asks for."""
    return {
        "order_sn": order_sn,
        "region": "ID",
        "currency": "IDR",
        "cod": False,
        "total_amount": 187000.0,
        "order_status": status,
        "create_time": updated - DAY,
        "update_time": updated,
        "buyer_user_id": buyer,
        "buyer_username": f"buyer_{buyer}",
        "recipient_address": {
            "name": "Yehezkiel P.",
            "phone": "******89",
            "town": "",
            "district": "Kebayoran Baru",
            "city": "Jakarta Selatan",
            "state": "DKI Jakarta",
            "region": "ID",
            "zipcode": "12160",
            "full_address": "Jl. Senopati 12, Kebayoran Baru, Jakarta Selatan",
        },
        "item_list": [
            {
                "item_id": 1234567,
                "item_name": "Lampu meja rotan",
                "item_sku": "LAMP-RATTAN",
                "model_id": 9876,
                "model_name": "Natural",
                "model_sku": "LAMP-RATTAN-NAT",
                "model_quantity_purchased": 2,
                "model_original_price": 99000.0,
                "model_discounted_price": 89000.0,
            }
        ],
    }


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": code, "message": message, "request_id": "e3e3e7f3" + code[:8]}


def sign(path: str, timestamp: str, access_token: str = "", shop_id: str = "", key: str = PARTNER_KEY) -> str:
    base = f"{PARTNER_ID}{path}{timestamp}{access_token}{shop_id}"
    return hmac.new(key.encode(), base.encode(), hashlib.sha256).hexdigest()


class FakeShopee:
    def __init__(self) -> None:
        self.access_token = ACCESS_TOKEN
        self.refresh_token = REFRESH_TOKEN
        self.token_serial = itertools.count(1)
        self.orders: dict[str, dict[str, Any]] = {}
        # conversation_id -> {"conversation": {...}, "messages": [... newest last]}
        self.conversations: dict[str, dict[str, Any]] = {}
        self.returns: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        # (method, path, cursor or None for any, status, body or None for a dropped connection,
        # processed: the request takes effect although the answer says it failed)
        self.scripted: list[tuple[str, str, str | None, int, dict[str, Any] | None, bool]] = []
        self.serial = itertools.count(7_000_000_000_000_000_000)
        self.url = ""
        self.now = NOW  # Shopee's clock, for the messages it stamps

    # --- scripting ----------------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        path: str,
        status: int,
        *,
        code: str = "",
        message: str = "",
        times: int = 1,
        processed: bool = False,
        drop: bool = False,
        cursor: str | None = None,
    ) -> None:
        code = code or {429: "error_too_many_request", 500: "error_inner", 502: "error_server"}.get(
            status, "error_server"
        )
        body = None if drop else error_body(code, message or f"Scripted {code}.")
        self.scripted += [(method, path, cursor, status, body, processed)] * times

    def expire_access_token(self) -> None:
        self.access_token = f"expired-{next(self.token_serial)}"

    def add_chat(
        self, conversation_id: str, buyer_id: int, name: str, messages: list[tuple[int, str, int]]
    ) -> None:
        """A conversation with ``(from_id, text, created_timestamp)`` messages, oldest first."""
        self.conversations[conversation_id] = {
            "conversation": {
                "conversation_id": conversation_id,
                "to_id": buyer_id,
                "to_name": name,
                "to_avatar": "",
                "shop_id": int(SHOP_ID),
                "unread_count": 1,
                "pinned": False,
            },
            "messages": [],
        }
        for from_id, text, created in messages:
            self.chat(conversation_id, from_id, text, created)

    def chat(self, conversation_id: str, from_id: int, text: str, created: int) -> dict[str, Any]:
        entry = self.conversations[conversation_id]
        buyer = entry["conversation"]["to_id"]
        seller = from_id == SELLER_USER_ID
        message = {
            "message_id": str(next(self.serial)),
            "conversation_id": conversation_id,
            "from_id": from_id,
            "from_shop_id": int(SHOP_ID) if seller else 0,
            "to_id": buyer if seller else SELLER_USER_ID,
            "to_shop_id": 0 if seller else int(SHOP_ID),
            "message_type": "text",
            "content": {"text": text},
            "created_timestamp": created,
            "region": "ID",
            "status": "normal",
            "source": "web" if seller else "app",
            "message_option": 0,
        }
        entry["messages"].append(message)
        conversation = entry["conversation"]
        conversation.update(
            latest_message_id=message["message_id"],
            latest_message_type="text",
            latest_message_content={"text": text},
            latest_message_from_id=from_id,
            last_message_timestamp=created * 1_000_000_000 + len(entry["messages"]),
        )
        return message

    def requests_to(self, method: str, path: str) -> list[dict[str, Any]]:
        return [item for item in self.requests if item["method"] == method and item["path"] == path]

    # --- serving ------------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, dict[str, Any] | None]:
        refused = self._auth(path, query)
        if refused is not None:
            return refused
        for index, (s_method, s_path, s_cursor, status, answer, processed) in enumerate(self.scripted):
            if s_method == method and s_path == path and s_cursor in (None, query.get("cursor")):
                del self.scripted[index]
                if processed:
                    self._route(method, path, query, body)
                return status, answer
        return self._route(method, path, query, body)

    def _auth(self, path: str, query: dict[str, str]) -> Answer | None:
        timestamp = query.get("timestamp", "")
        if query.get("partner_id") != PARTNER_ID:
            return 403, error_body("error_param", "Invalid partner_id.")
        if not timestamp.isdigit():
            return 400, error_body("error_param", "Wrong parameters, timestamp is required.")
        if path in PUBLIC_PATHS:
            expected = sign(path, timestamp)
        else:
            if query.get("shop_id") != SHOP_ID:
                return 403, error_body("error_param", "Invalid shop_id.")
            expected = sign(path, timestamp, query.get("access_token", ""), SHOP_ID)
        if not hmac.compare_digest(query.get("sign", ""), expected):
            return 403, error_body("error_sign", "Wrong sign.")
        if path not in PUBLIC_PATHS and query.get("access_token") != self.access_token:
            return 403, error_body("invalid_access_token", "Invalid access_token.")
        return None

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> Answer:
        routes = {
            ("POST", "/api/v2/auth/access_token/get"): self._refresh,
            ("GET", "/api/v2/order/get_order_list"): self._order_list,
            ("GET", "/api/v2/order/get_order_detail"): self._order_detail,
            ("GET", "/api/v2/sellerchat/get_conversation_list"): self._conversation_list,
            ("GET", "/api/v2/sellerchat/get_message"): self._messages,
            ("POST", "/api/v2/sellerchat/send_message"): self._send_message,
            ("POST", "/api/v2/logistics/ship_order"): self._ship_order,
            ("GET", "/api/v2/logistics/get_tracking_number"): self._tracking_number,
            ("GET", "/api/v2/returns/get_return_list"): self._return_list,
            ("POST", "/api/v2/returns/confirm"): self._return_confirm,
        }
        route = routes.get((method, path))
        if route is None:
            return 404, error_body("error_not_found", "Api not found.")
        return route(query, body if isinstance(body, dict) else {})

    @staticmethod
    def ok(response: dict[str, Any] | None = None) -> Answer:
        body: dict[str, Any] = {"error": "", "message": "", "request_id": "a1b2c3d4e5f6"}
        if response is not None:
            body["response"] = response
        return 200, body

    def _refresh(self, query: dict[str, str], body: dict[str, Any]) -> Answer:
        if body.get("refresh_token") != self.refresh_token or str(body.get("shop_id")) != SHOP_ID:
            return 403, error_body("error_auth", "Invalid refresh_token.")
        if not isinstance(body.get("partner_id"), int) or str(body["partner_id"]) != PARTNER_ID:
            return 400, error_body("error_param", "partner_id should be an integer.")
        serial = next(self.token_serial)
        self.access_token, self.refresh_token = f"access-{serial}", f"refresh-{serial}"
        return 200, {
            "error": "",
            "message": "",
            "request_id": "r1",
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expire_in": 14400,
            "partner_id": int(PARTNER_ID),
            "shop_id": int(SHOP_ID),
        }

    def _order_list(self, query: dict[str, str], body: dict[str, Any]) -> Answer:
        try:
            time_from, time_to = int(query["time_from"]), int(query["time_to"])
            page_size = int(query.get("page_size", "0"))
        except (KeyError, ValueError):
            return 400, error_body("error_param", "Wrong parameters, time_from and time_to are required.")
        if query.get("time_range_field") not in ("create_time", "update_time"):
            return 400, error_body("error_param", "time_range_field should be create_time or update_time.")
        if not time_from < time_to or time_to - time_from > 15 * DAY:
            return 400, error_body(
                "error_param", "Start time must be earlier than end time and diff in 15days."
            )
        if not 1 <= page_size <= 100:
            return 400, error_body("error_param", "page_size should be between 1 and 100.")
        field = query["time_range_field"]
        found = sorted(
            (order for order in self.orders.values() if time_from <= order[field] <= time_to),
            key=lambda order: (order[field], order["order_sn"]),
        )
        offset = int(query.get("cursor") or 0)
        chunk = found[offset : offset + page_size]
        more = offset + page_size < len(found)
        return self.ok(
            {
                "more": more,
                "next_cursor": str(offset + page_size) if more else "",
                "order_list": [{"order_sn": order["order_sn"]} for order in chunk],
            }
        )

    def _order_detail(self, query: dict[str, str], body: dict[str, Any]) -> Answer:
        numbers = [number for number in query.get("order_sn_list", "").split(",") if number]
        if not 1 <= len(numbers) <= 50:
            return 400, error_body("error_param", "order_sn_list should have 1 to 50 order_sn.")
        asked = set(query.get("response_optional_fields", "").split(","))
        shown = list(BASE_FIELDS) + [field for field in OPTIONAL_FIELDS if field in asked]
        return self.ok(
            {
                "order_list": [
                    {field: self.orders[number][field] for field in shown if field in self.orders[number]}
                    for number in numbers
                    if number in self.orders
                ]
            }
        )

    def _conversation_list(self, query: dict[str, str], body: dict[str, Any]) -> Answer:
        page_size = int(query.get("page_size") or 25)
        if query.get("direction") not in ("latest", "older") or not query.get("type"):
            return 400, error_body("error_param", "direction and type are required.")
        if not 1 <= page_size <= 25:
            return 400, error_body("error_param", "page_size should be between 1 and 25.")
        conversations = sorted(
            (entry["conversation"] for entry in self.conversations.values()),
            key=lambda item: item["last_message_timestamp"],
            reverse=True,
        )
        before = int(query.get("next_timestamp_nano") or 0)
        if before:
            conversations = [item for item in conversations if item["last_message_timestamp"] < before]
        chunk = conversations[:page_size]
        more = len(conversations) > page_size
        last = chunk[-1] if chunk else None
        return self.ok(
            {
                "page_result": {
                    "page_size": len(chunk),
                    "next_cursor": {
                        "next_message_time_nano": str(last["last_message_timestamp"])
                        if more and last
                        else "0",
                        "conversation_id": last["conversation_id"] if more and last else "0",
                    },
                    "more": more,
                },
                "conversations": [dict(item) for item in chunk],
            }
        )

    def _messages(self, query: dict[str, str], body: dict[str, Any]) -> Answer:
        entry = self.conversations.get(query.get("conversation_id", ""))
        if entry is None:
            return 400, error_body("error_param", "Invalid conversation_id.")
        page_size = int(query.get("page_size") or 25)
        newest_first = list(reversed(entry["messages"]))
        offset = int(query.get("offset") or 0)
        chunk = newest_first[offset : offset + page_size]
        more = offset + page_size < len(newest_first)
        return self.ok(
            {
                "messages": [dict(message) for message in chunk],
                "page_result": {
                    "page_size": len(chunk),
                    "next_offset": str(offset + page_size) if more else "",
                },
            }
        )

    def _send_message(self, query: dict[str, str], body: dict[str, Any]) -> Answer:
        to_id = body.get("to_id")
        text = (body.get("content") or {}).get("text") if isinstance(body.get("content"), dict) else None
        if not isinstance(to_id, int) or body.get("message_type") != "text" or not text:
            return 400, error_body("error_param", "to_id, message_type and content.text are required.")
        entry = next(
            (entry for entry in self.conversations.values() if entry["conversation"]["to_id"] == to_id), None
        )
        if entry is None:
            return 400, error_body("error_param", "The user has not chatted with the shop.")
        last = entry["messages"][-1]["created_timestamp"] if entry["messages"] else 0
        message = self.chat(
            entry["conversation"]["conversation_id"], SELLER_USER_ID, text, max(last + 1, self.now)
        )
        return self.ok(
            {
                "to_id": to_id,
                "message_id": message["message_id"],
                "message_type": "text",
                "content": {"text": text},
                "conversation_id": message["conversation_id"],
                "created_timestamp": message["created_timestamp"],
                "message_option": 0,
            }
        )

    def _ship_order(self, query: dict[str, str], body: dict[str, Any]) -> Answer:
        order = self.orders.get(str(body.get("order_sn")))
        if order is None:
            return 400, error_body("error_not_found", "Order not found.")
        number = (body.get("non_integrated") or {}).get("tracking_number")
        if not number:
            return 400, error_body(
                "error_param", "non_integrated.tracking_number is required for this channel."
            )
        if order.get("tracking_number") or order["order_status"] not in ("READY_TO_SHIP", "RETRY_SHIP"):
            return 400, error_body("logistics.error_status_limit", "Order status does not allow shipping.")
        order.update(tracking_number=number, order_status="PROCESSED", update_time=order["update_time"] + 60)
        return self.ok()

    def _tracking_number(self, query: dict[str, str], body: dict[str, Any]) -> Answer:
        order = self.orders.get(query.get("order_sn", ""))
        if order is None:
            return 400, error_body("error_not_found", "Order not found.")
        return self.ok({"tracking_number": order.get("tracking_number", ""), "plp_number": ""})

    def _return_list(self, query: dict[str, str], body: dict[str, Any]) -> Answer:
        try:
            page_no, page_size = int(query["page_no"]), int(query["page_size"])
        except (KeyError, ValueError):
            return 400, error_body("error_param", "page_no and page_size are required.")
        found = self.returns
        if "create_time_from" in query or "create_time_to" in query:
            start, end = int(query.get("create_time_from", 0)), int(query.get("create_time_to", 0))
            if end - start > 15 * DAY:
                return 400, error_body("error_param", "The time range should not exceed 15 days.")
            found = [item for item in found if start <= item["create_time"] <= end]
        found = sorted(found, key=lambda item: item["create_time"], reverse=True)
        chunk = found[page_no * page_size : (page_no + 1) * page_size]
        return self.ok(
            {"more": (page_no + 1) * page_size < len(found), "return": [dict(item) for item in chunk]}
        )

    def _return_confirm(self, query: dict[str, str], body: dict[str, Any]) -> Answer:
        item = next((item for item in self.returns if item["return_sn"] == body.get("return_sn")), None)
        if item is None:
            return 400, error_body("error_not_found", "Return not found.")
        if item["status"] not in ("REQUESTED", "PROCESSING"):
            return 400, error_body("error_param", "The return status does not allow this action.")
        item.update(status="ACCEPTED", update_time=item["update_time"] + 60)
        item["refunds"] = item.get("refunds", 0) + 1
        return self.ok({"return_sn": item["return_sn"]})


def serve(fake: FakeShopee) -> Iterator[FakeShopee]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            query = {name: values[0] for name, values in parse_qs(url.query, keep_blank_values=True).items()}
            fake.requests.append({"method": self.command, "path": url.path, "query": query, "body": body})
            status, answer = fake.handle(self.command, url.path, query, body)
            if answer is None:  # a dropped connection: no answer at all
                self.close_connection = True
                return
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, *args: object) -> None:
            pass

    with running(Handler) as url:
        fake.url = url
        yield fake

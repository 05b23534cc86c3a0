"""A local WooCommerce shop speaking REST API v3 (``/wp-json/wc/v3/``) as documented: orders
filtered by ``modified_after`` and paged with ``page``/``per_page`` and ``X-WP-TotalPages``,
order notes, order refunds, HTTP Basic auth with a consumer key and secret, and errors as
``{"code", "message", "data": {"status"}}``. A test scripts failures with ``fail_next``."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.helpdesk.fake_http import running

API = "/wp-json/wc/v3/"
CONSUMER_KEY = "ck_0123456789abcdef0123456789abcdef01234567"
CONSUMER_SECRET = "cs_fedcba9876543210fedcba9876543210fedcba98"


def wc_order(order_id: int, *, modified: str, email: str = "", status: str = "processing") -> dict[str, Any]:
    """An order in WooCommerce's REST shape (the fields the helpdesk reads)."""
    return {
        "id": order_id,
        "number": str(order_id),
        "status": status,
        "currency": "EUR",
        "date_created_gmt": "2026-11-01T10:00:00",
        "date_modified_gmt": modified,
        "total": "29.90",
        "total_tax": "0.00",
        "shipping_total": "4.90",
        "customer_id": 0,
        "billing": {
            "first_name": "Marie",
            "last_name": f"Dupont {order_id}",
            "email": email or f"marie{order_id}@example.fr",
            "country": "FR",
        },
        "shipping": {"first_name": "Marie", "last_name": "Dupont", "country": "FR", "postcode": "75011"},
        "line_items": [
            {
                "id": order_id * 10,
                "name": "Linen pillow case",
                "product_id": 93,
                "variation_id": 0,
                "quantity": 1,
                "sku": "PILLOW-LINEN",
                "price": 25,
                "total": "25.00",
                "total_tax": "0.00",
            }
        ],
        "refunds": [],
    }


def error(status: int, code: str, message: str) -> tuple[int, dict[str, Any], dict[str, str]]:
    return status, {"code": code, "message": message, "data": {"status": status}}, {}


class FakeWooCommerce:
    def __init__(self) -> None:
        self.orders: dict[int, dict[str, Any]] = {}
        self.notes: dict[int, list[dict[str, Any]]] = {}
        self.refunds: dict[int, list[dict[str, Any]]] = {}
        self.requests: list[dict[str, Any]] = []
        # answers served before the real one: (method, path, page or "", status, body, headers,
        # processed: the request takes effect although the answer says it failed)
        self.scripted: list[tuple[str, str, str, int, dict[str, Any], dict[str, str], bool]] = []
        self.next_id = 900
        self.url = ""

    def fail_next(
        self,
        method: str,
        path: str,
        status: int,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
        processed: bool = False,
        page: str = "",
    ) -> None:
        codes = {
            429: "woocommerce_rest_too_many_requests",
            500: "internal_server_error",
            503: "service_unavailable",
        }
        _, body, _ = error(status, codes.get(status, "error"), f"Scripted {status}.")
        self.scripted += [(method, path, page, status, body, headers or {}, processed)] * times

    def requests_to(self, method: str, path: str) -> list[dict[str, Any]]:
        return [item for item in self.requests if item["method"] == method and item["path"] == path]

    def handle(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        for index, (s_method, s_path, s_page, status, answer, headers, processed) in enumerate(self.scripted):
            if s_method == method and s_path == path and s_page in ("", query.get("page")):
                del self.scripted[index]
                if processed:
                    self._route(method, path, query, body)
                return status, answer, headers
        return self._route(method, path, query, body)

    def _route(
        self, method: str, path: str, query: dict[str, str], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        parts = path.split("/")
        if method == "GET" and path == "orders":
            return self._orders(query)
        if len(parts) == 3 and parts[0] == "orders" and parts[1].isdigit():
            order_id = int(parts[1])
            if order_id not in self.orders:
                return error(404, "woocommerce_rest_shop_order_invalid_id", "Invalid ID.")
            if parts[2] == "notes":
                return self._notes(method, order_id, body)
            if parts[2] == "refunds":
                return self._refunds(method, order_id, body)
        return error(404, "rest_no_route", "No route was found matching the URL and request method.")

    def _orders(self, query: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        found = sorted(self.orders.values(), key=lambda order: order["id"])
        if query.get("modified_after"):
            found = [order for order in found if order["date_modified_gmt"] > query["modified_after"]]
        per_page, page = int(query.get("per_page", 10)), int(query.get("page", 1))
        pages = max(1, -(-len(found) // per_page))
        chunk = found[(page - 1) * per_page : page * per_page]
        return 200, chunk, {"X-WP-Total": str(len(found)), "X-WP-TotalPages": str(pages)}

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _notes(self, method: str, order_id: int, body: Any) -> tuple[int, Any, dict[str, str]]:
        notes = self.notes.setdefault(order_id, [])
        if method == "GET":
            return 200, notes, {}
        if not body or not body.get("note"):
            return error(400, "rest_missing_callback_param", "Missing parameter(s): note")
        note = {
            "id": self._new_id(),
            "author": "system",
            "date_created_gmt": "2026-11-30T12:00:00",
            "note": body["note"],
            "customer_note": bool(body.get("customer_note")),
        }
        notes.append(note)
        return 201, note, {}

    def _refunds(self, method: str, order_id: int, body: Any) -> tuple[int, Any, dict[str, str]]:
        refunds = self.refunds.setdefault(order_id, [])
        if method == "GET":
            return 200, refunds, {}
        refunded = sum(float(item["amount"]) for item in refunds)
        if float(body["amount"]) + refunded > float(self.orders[order_id]["total"]):
            return error(400, "woocommerce_rest_cannot_create_order_refund", "Invalid refund amount.")
        refund = {
            "id": self._new_id(),
            "date_created_gmt": "2026-11-30T12:00:00",
            "amount": body["amount"],
            "reason": body.get("reason", ""),
            "refunded_payment": bool(body.get("api_refund", True)),
            "meta_data": [
                {"id": index + 1, **meta} for index, meta in enumerate(body.get("meta_data") or [])
            ],
            "line_items": [],
        }
        refunds.append(refund)
        return 201, refund, {}


def serve(fake: FakeWooCommerce) -> Iterator[FakeWooCommerce]:
    expected = "Basic " + base64.b64encode(f"{CONSUMER_KEY}:{CONSUMER_SECRET}".encode()).decode()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            query = {name: values[0] for name, values in parse_qs(url.query).items()}
            path = url.path.removeprefix(API)
            fake.requests.append({"method": self.command, "path": path, "query": query, "body": body})
            if not url.path.startswith(API):
                status, answer, headers = error(404, "rest_no_route", "No route.")
            elif self.headers.get("Authorization") != expected:
                status, answer, headers = error(
                    401, "woocommerce_rest_authentication_error", "Consumer key is invalid."
                )
            else:
                status, answer, headers = fake.handle(self.command, path, query, body)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=UTF-8")
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

"""A local Shopify shop speaking the Admin REST API 2024-04 as documented, its objects built from
the real payloads of Shopify's SDK tests (``<NLP_DATA_DIR>/shopify/rest_mock_responses_2024-04``:
order, fulfillment order, fulfillment, refund).

- Auth: ``X-Shopify-Access-Token``; a wrong one is a 401 with Shopify's text.
- ``GET orders.json``: ``status`` (``open`` unless told; ``any``), ``updated_at_min``
  (inclusive), ``name``, ``limit`` (1-250, default 50), cursor pages through the ``Link`` header
  (``rel="next"``/``rel="previous"``, opaque ``page_info``); with ``page_info`` only ``limit`` and
  ``fields`` are accepted (400 otherwise), an unknown ``page_info`` is a 400.
- Fulfillment orders, fulfillments (create from ``line_items_by_fulfillment_order`` with
  ``tracking_info``; ``update_tracking``), refunds (``calculate``, create, list).
- Errors ``{"errors": ...}``; every answer carries ``X-Shopify-Shop-Api-Call-Limit``; a test
  scripts failures (429 with ``Retry-After``, 5xx, processed or not) with ``fail_next``.
The exact wording of the 400s for ``page_info`` is not documented: theirs is approximated.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from collections.abc import Iterator
from decimal import Decimal
from functools import cache
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.conf import settings

from tests.helpdesk.fake_http import running

API = "/admin/api/2024-04/"
ACCESS_TOKEN = "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"
SHOP = "lumen-home-eu.myshopify.com"
BAD_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
RATE_LIMITED = (
    "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
)
PAGE_INFO_KEYS = frozenset({"page_info", "limit", "fields"})

Answer = tuple[int, Any, dict[str, str]]


@cache
def _payloads(name: str) -> dict[str, Any]:
    path = Path(settings.NLP_DATA_DIR) / "shopify" / "rest_mock_responses_2024-04" / name
    if not path.exists():
        pytest.skip(f"Shopify's payloads are not on this machine ({path})")
    return {item["test"]: item["response"] for item in json.loads(path.read_text())["items"]}


def payload(name: str, test: str) -> dict[str, Any]:
    """A response of Shopify's SDK tests (a fresh copy)."""
    return copy.deepcopy(_payloads(name)[test])


def shopify_order(order_id: int, *, number: int, updated_at: str, closed: bool = False) -> dict[str, Any]:
    """Order #1001 of Shopify's SDK tests (three line items, a customer, a shipping address) as
    another order: its own id, name, buyer and ``updated_at``, not yet fulfilled."""
    order = payload("order.json", "test_1")["orders"][0]
    order.update(
        id=order_id,
        admin_graphql_api_id=f"gid://shopify/Order/{order_id}",
        name=f"#{number}",
        order_number=number,
        number=number - 1000,
        email=f"buyer{number}@example.com",
        contact_email=f"buyer{number}@example.com",
        updated_at=updated_at,
        closed_at=updated_at if closed else None,
        fulfillment_status=None,
        fulfillments=[],
        refunds=[],
    )
    order["customer"].update(id=order_id + 7, email=f"buyer{number}@example.com")
    for line in order["line_items"]:
        line["fulfillable_quantity"] = line["quantity"]
    return order


def _parse(stamp: str) -> dt.datetime:
    at = dt.datetime.fromisoformat(stamp)
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def error(status: int, errors: Any) -> Answer:
    return status, {"errors": errors}, {}


class FakeShopify:
    def __init__(self) -> None:
        self.orders: dict[int, dict[str, Any]] = {}
        self.fulfillment_orders: dict[int, list[dict[str, Any]]] = {}
        self.fulfillments: dict[int, list[dict[str, Any]]] = {}
        self.refunds: dict[int, list[dict[str, Any]]] = {}
        self.requests: list[dict[str, Any]] = []
        # answers served before the real one: (method, path, status, body, headers, processed:
        # the request takes effect although the answer says it failed, paged: only to a request
        # with a page_info)
        self.scripted: list[tuple[str, str, int, Any, dict[str, str], bool, bool]] = []
        self.bucket_levels: list[int] = []  # calls used, per answer to come (then 1)
        self.page_infos: dict[str, tuple[dict[str, str], int]] = {}
        self.next_id = 1069020000
        self.url = ""

    # --- set-up and inspection ----------------------------------------------------------------

    def add_order(self, order: dict[str, Any]) -> dict[str, Any]:
        """An order and its fulfillment order (all its items, at the SDK tests' location)."""
        self.orders[order["id"]] = order
        template = payload("fulfillment_order.json", "test_1")["fulfillment_orders"][0]
        template.update(id=order["id"] + 500, order_id=order["id"], request_status="unsubmitted")
        template["supported_actions"] = ["create_fulfillment", "hold", "move"]
        template["line_items"] = [
            {
                "id": line["id"] + 1,
                "shop_id": template["shop_id"],
                "fulfillment_order_id": template["id"],
                "quantity": line["quantity"],
                "line_item_id": line["id"],
                "inventory_item_id": line["id"] + 2,
                "fulfillable_quantity": line["quantity"],
                "variant_id": line.get("variant_id"),
            }
            for line in order["line_items"]
        ]
        self.fulfillment_orders[order["id"]] = [template]
        return order

    def fail_next(
        self,
        method: str,
        path: str,
        status: int,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
        processed: bool = False,
        paged: bool = False,
    ) -> None:
        errors = {
            429: RATE_LIMITED,
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
        }
        body = {"errors": errors.get(status, f"Scripted {status}")}
        self.scripted += [(method, path, status, body, headers or {}, processed, paged)] * times

    def requests_to(self, method: str, path: str) -> list[dict[str, Any]]:
        return [item for item in self.requests if item["method"] == method and item["path"] == path]

    # --- routing ------------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str], body: Any) -> Answer:
        for index, (s_method, s_path, status, answer, headers, processed, paged) in enumerate(self.scripted):
            if s_method == method and s_path == path and (not paged or "page_info" in query):
                del self.scripted[index]
                if processed:
                    self._route(method, path, query, body)
                return status, answer, headers
        return self._route(method, path, query, body)

    def _route(self, method: str, path: str, query: dict[str, str], body: Any) -> Answer:
        parts = path.removesuffix(".json").split("/")
        if method == "GET" and path == "orders.json":
            return self._orders(query)
        if method == "POST" and path == "fulfillments.json":
            return self._fulfill(body)
        if (
            method == "POST"
            and len(parts) == 3
            and parts[0] == "fulfillments"
            and parts[2] == "update_tracking"
        ):
            return self._update_tracking(int(parts[1]) if parts[1].isdigit() else 0, body)
        if len(parts) >= 3 and parts[0] == "orders" and parts[1].isdigit():
            order_id = int(parts[1])
            if order_id not in self.orders:
                return error(404, "Not Found")
            rest = "/".join(parts[2:])
            if method == "GET" and rest == "fulfillment_orders":
                return 200, {"fulfillment_orders": self.fulfillment_orders.get(order_id, [])}, {}
            if method == "GET" and rest == "fulfillments":
                return 200, {"fulfillments": self.fulfillments.get(order_id, [])}, {}
            if method == "GET" and rest == "refunds":
                return 200, {"refunds": self.refunds.get(order_id, [])}, {}
            if method == "POST" and rest == "refunds/calculate":
                return self._calculate(order_id)
            if method == "POST" and rest == "refunds":
                return self._refund(order_id, body)
        return error(404, "Not Found")

    # --- orders -------------------------------------------------------------------------------

    def _orders(self, query: dict[str, str]) -> Answer:
        if "page_info" in query:
            if set(query) - PAGE_INFO_KEYS:
                extra = ", ".join(sorted(set(query) - PAGE_INFO_KEYS))
                return error(400, {"page_info": [f"cannot be passed with other parameters ({extra})"]})
            if query["page_info"] not in self.page_infos:
                return error(400, {"page_info": ["Invalid value."]})
            filters, offset = self.page_infos[query["page_info"]]
        else:
            filters, offset = {key: value for key, value in query.items() if key != "limit"}, 0
        try:
            limit = int(query.get("limit", 50))
        except ValueError:
            limit = 0
        if not 1 <= limit <= 250:
            return error(400, {"limit": ["must be between 1 and 250"]})
        found = sorted(self.orders.values(), key=lambda order: order["id"])
        status = filters.get("status", "open")
        if status == "open":
            found = [order for order in found if not order["closed_at"] and not order["cancelled_at"]]
        elif status == "closed":
            found = [order for order in found if order["closed_at"]]
        if filters.get("updated_at_min"):
            since = _parse(filters["updated_at_min"])
            found = [order for order in found if _parse(order["updated_at"]) >= since]
        if filters.get("name"):
            found = [order for order in found if order["name"] == filters["name"]]
        chunk = found[offset : offset + limit]
        if filters.get("fields"):
            keep = filters["fields"].split(",")
            chunk = [{key: order[key] for key in keep if key in order} for order in chunk]
        links = []
        if offset > 0:
            links.append(self._link(filters, max(0, offset - limit), limit, "previous"))
        if offset + limit < len(found):
            links.append(self._link(filters, offset + limit, limit, "next"))
        return 200, {"orders": chunk}, ({"Link": ", ".join(links)} if links else {})

    def _link(self, filters: dict[str, str], offset: int, limit: int, rel: str) -> str:
        token = f"eyJkaXJlY3Rpb24iOiJuZXh0Ii{len(self.page_infos):04d}"
        self.page_infos[token] = (filters, offset)
        return f'<{self.url}{API}orders.json?{urlencode({"limit": limit, "page_info": token})}>; rel="{rel}"'

    def change(self, order_id: int, *, updated_at: str, **values: Any) -> None:
        self.orders[order_id].update(updated_at=updated_at, **values)

    # --- fulfillments -------------------------------------------------------------------------

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _fulfill(self, body: Any) -> Answer:
        request = (body or {}).get("fulfillment") or {}
        pairs = request.get("line_items_by_fulfillment_order")
        if not isinstance(pairs, list) or not pairs:
            return error(400, {"fulfillment": "Required parameter missing or invalid"})
        chosen = []
        for pair in pairs:
            wanted = pair.get("fulfillment_order_id")
            match = [fo for fos in self.fulfillment_orders.values() for fo in fos if fo["id"] == wanted]
            if not match:
                return error(404, "Not Found")
            if match[0]["status"] not in ("open", "in_progress"):
                return error(
                    422, [f"Fulfillment order {wanted} has an unfulfillable status= {match[0]['status']}."]
                )
            chosen.append(match[0])
        if len({fo["assigned_location_id"] for fo in chosen}) > 1:
            return error(422, ["All fulfillment orders must be assigned to the same location."])
        order = self.orders[chosen[0]["order_id"]]
        fulfilled_lines = {line["line_item_id"] for fo in chosen for line in fo["line_items"]}
        fulfillment = payload("fulfillment.json", "test_6")["fulfillment"]
        fulfillment.update(
            id=self._new_id(),
            order_id=order["id"],
            location_id=chosen[0]["assigned_location_id"],
            name=f"{order['name']}.{len(self.fulfillments.get(order['id'], [])) + 1}",
            line_items=[line for line in order["line_items"] if line["id"] in fulfilled_lines],
        )
        fulfillment["admin_graphql_api_id"] = f"gid://shopify/Fulfillment/{fulfillment['id']}"
        self._track(fulfillment, request.get("tracking_info") or {})
        fulfillment["notified"] = bool(request.get("notify_customer"))
        for fo in chosen:
            fo["status"] = "closed"
            for line in fo["line_items"]:
                line["fulfillable_quantity"] = 0
        order["fulfillment_status"] = "fulfilled"
        order.setdefault("fulfillments", []).append(fulfillment)
        self.fulfillments.setdefault(order["id"], []).append(fulfillment)
        return 201, {"fulfillment": fulfillment}, {}

    def _update_tracking(self, fulfillment_id: int, body: Any) -> Answer:
        request = (body or {}).get("fulfillment") or {}
        if not isinstance(request.get("tracking_info"), dict):
            return error(400, {"fulfillment": "Required parameter missing or invalid"})
        for fulfillments in self.fulfillments.values():
            for fulfillment in fulfillments:
                if fulfillment["id"] == fulfillment_id:
                    self._track(fulfillment, request["tracking_info"])
                    fulfillment["notified"] = bool(request.get("notify_customer"))
                    return 200, {"fulfillment": fulfillment}, {}
        return error(404, "Not Found")

    @staticmethod
    def _track(fulfillment: dict[str, Any], tracking: dict[str, Any]) -> None:
        number = str(tracking.get("number") or "")
        fulfillment.update(
            tracking_company=tracking.get("company"),
            tracking_number=number or None,
            tracking_numbers=[number] if number else [],
            tracking_url=f"https://track.example.com/{number}" if number else None,
            tracking_urls=[f"https://track.example.com/{number}"] if number else [],
        )

    # --- refunds ------------------------------------------------------------------------------

    def _refundable(self, order_id: int) -> Decimal:
        refunded = sum(
            Decimal(item["amount"])
            for refund in self.refunds.get(order_id, [])
            for item in refund["transactions"]
        )
        return Decimal(self.orders[order_id]["total_price"]) - refunded

    def _calculate(self, order_id: int) -> Answer:
        answer = payload("refund.json", "test_5")
        most = f"{self._refundable(order_id):.2f}"
        for suggested in answer["refund"]["transactions"]:
            suggested.update(order_id=order_id, amount=most, maximum_refundable=most)
        return 200, answer, {}

    def _refund(self, order_id: int, body: Any) -> Answer:
        request = (body or {}).get("refund") or {}
        total = sum(Decimal(item["amount"]) for item in request.get("transactions") or [])
        if total > self._refundable(order_id):
            return error(422, {"amount": ["cannot refund more than the order's refundable amount"]})
        refund = payload("refund.json", "test_2")["refund"]
        refund.update(id=self._new_id(), order_id=order_id, note=request.get("note"))
        refund["transactions"] = [
            {**item, "id": self._new_id(), "order_id": order_id, "status": "success"}
            for item in request.get("transactions") or []
        ]
        self.refunds.setdefault(order_id, []).append(refund)
        return 201, {"refund": refund}, {}


def serve(fake: FakeShopify) -> Iterator[FakeShopify]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            query = {name: values[0] for name, values in parse_qs(url.query).items()}
            path = url.path.removeprefix(API)
            fake.requests.append(
                {
                    "method": self.command,
                    "path": path,
                    "query": query,
                    "body": body,
                    "token": self.headers.get("X-Shopify-Access-Token"),
                }
            )
            if not url.path.startswith(API):
                status, answer, headers = error(404, "Not Found")
            elif self.headers.get("X-Shopify-Access-Token") != ACCESS_TOKEN:
                status, answer, headers = error(401, BAD_TOKEN)
            else:
                status, answer, headers = fake.handle(self.command, path, query, body)
            level = fake.bucket_levels.pop(0) if fake.bucket_levels else 1
            payload_bytes = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("X-Shopify-Shop-Api-Call-Limit", f"{level}/40")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload_bytes)))
            self.end_headers()
            self.wfile.write(payload_bytes)

        do_GET = do_POST = _serve

        def log_message(self, *args: object) -> None:
            pass

    with running(Handler) as url:
        fake.url = url
        yield fake

"""A local Magento 2 shop speaking the REST API (``/rest/V1/`` and ``/rest/<store>/V1/``) as
documented: ``searchCriteria`` searches (filter groups, sort orders, ``pageSize`` and
``currentPage``, the last page served again past the end, ``total_count``), orders and their
comments, invoices, credit memos (``POST invoice/<id>/refund`` and ``order/<id>/refund``, where
empty ``items`` refunds every item and the shipping, as Magento does), shipments and tracks,
integration tokens as ``Authorization: Bearer``, and errors as ``{"message": "…%1…",
"parameters": [...]}``. A test scripts failures with ``fail_next`` (answered with an error or
a dropped connection, optionally after the request took effect)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.helpdesk.fake_http import running

ACCESS_TOKEN = "k3y0ru2xw8fj5ec1d9m7a4q6b0t2n8hz"
PATH = re.compile(r"^/rest/(?:(?P<store>[a-z0-9_]+)/)?V1/(?P<path>.*)$")
CRITERIA = re.compile(r"^searchCriteria\[(\w+)\](?:\[(\d+)\])?(?:\[(\w+)\])?(?:\[(\d+)\])?(?:\[(\w+)\])?$")
NOT_FOUND = "The entity that was requested doesn't exist. Verify the entity and try again."

Answer = tuple[int, Any, dict[str, str]]


def mg_order(entity_id: int, *, updated: str, email: str = "", state: str = "processing") -> dict[str, Any]:
    """An order as ``GET /V1/orders`` returns it (the fields the helpdesk reads): a configurable
    T-shirt (parent and child item) and two plain socks."""
    address = {
        "address_type": "shipping",
        "firstname": "Hanna",
        "lastname": "Berg",
        "street": ["Storgatan 12", "lgh 1102"],
        "city": "Stockholm",
        "postcode": "114 55",
        "country_id": "SE",
        "telephone": "+46 8 123 456",
    }
    return {
        "entity_id": entity_id,
        "increment_id": f"{entity_id + 100:09d}",
        "state": state,
        "status": state,
        "created_at": "2026-11-01 10:00:00",
        "updated_at": updated,
        "customer_id": 40 + entity_id,
        "customer_is_guest": 0,
        "customer_email": email or f"hanna{entity_id}@example.se",
        "customer_firstname": "Hanna",
        "customer_lastname": f"Berg {entity_id}",
        "order_currency_code": "EUR",
        "base_currency_code": "EUR",
        "base_to_order_rate": 1,
        "grand_total": 39.9,
        "subtotal": 35,
        "shipping_amount": 4.9,
        "tax_amount": 0,
        "discount_amount": 0,
        "total_refunded": 0,
        "billing_address": {**address, "address_type": "billing", "email": f"hanna{entity_id}@example.se"},
        "items": [
            {
                "item_id": entity_id * 10,
                "sku": "TEE-BLUE-M",
                "name": "Organic tee",
                "product_id": 2040,
                "product_type": "configurable",
                "qty_ordered": 1,
                "price": 25,
                "row_total": 25,
                "tax_amount": 0,
                "discount_amount": 0,
            },
            {
                "item_id": entity_id * 10 + 1,
                "parent_item_id": entity_id * 10,
                "sku": "TEE-BLUE-M",
                "name": "Organic tee-Blue-M",
                "product_id": 2043,
                "product_type": "simple",
                "qty_ordered": 1,
                "price": 0,
                "row_total": 0,
                "tax_amount": 0,
                "discount_amount": 0,
            },
            {
                "item_id": entity_id * 10 + 2,
                "sku": "SOCKS-WOOL",
                "name": "Wool socks",
                "product_id": 3001,
                "product_type": "simple",
                "qty_ordered": 2,
                "price": 5,
                "row_total": 10,
                "tax_amount": 0,
                "discount_amount": 0,
            },
        ],
        "status_histories": [],
        "extension_attributes": {
            "shipping_assignments": [{"shipping": {"address": address, "method": "flatrate_flatrate"}}]
        },
    }


def error(status: int, message: str, parameters: Any = None) -> Answer:
    body: dict[str, Any] = {"message": message}
    if parameters is not None:
        body["parameters"] = parameters
    return status, body, {}


def now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def parse_criteria(query: list[tuple[str, str]]) -> dict[str, Any] | None:
    """``searchCriteria[...]`` query parameters as {"groups": [[(field, value, condition)]],
    "sort": [(field, direction)], "page_size", "current_page"}; None when there are none."""
    groups: dict[int, dict[int, dict[str, str]]] = {}
    sorts: dict[int, dict[str, str]] = {}
    criteria: dict[str, Any] = {"page_size": 0, "current_page": 1}
    seen = False
    for name, value in query:
        match = CRITERIA.match(name)
        if not match:
            continue
        seen = True
        kind, first, second, third, fourth = match.groups()
        if (
            kind == "filter_groups"
            and first is not None
            and second == "filters"
            and third is not None
            and fourth
        ):
            groups.setdefault(int(first), {}).setdefault(int(third), {})[fourth] = value
        elif kind == "sortOrders" and first is not None and second:
            sorts.setdefault(int(first), {})[second] = value
        elif kind == "pageSize":
            criteria["page_size"] = int(value)
        elif kind == "currentPage":
            criteria["current_page"] = int(value)
    if not seen:
        return None
    criteria["groups"] = [
        [
            (item["field"], item.get("value", ""), item.get("condition_type", "eq"))
            for _, item in sorted(group.items())
        ]
        for _, group in sorted(groups.items())
    ]
    criteria["sort"] = [(item["field"], item.get("direction", "ASC")) for _, item in sorted(sorts.items())]
    return criteria


def _matches(record: dict[str, Any], field: str, value: str, condition: str) -> bool:
    actual = record.get(field)
    if actual is None:
        return False
    actual_text, numeric = str(actual), isinstance(actual, int | float) and not isinstance(actual, bool)

    def compare(other: str) -> int:
        if numeric:
            left, right = float(actual), float(other)
        else:
            left, right = actual_text, other  # type: ignore[assignment]
        return (left > right) - (left < right)

    if condition == "eq":
        return compare(value) == 0
    if condition == "neq":
        return compare(value) != 0
    if condition == "in":
        return actual_text in value.split(",")
    if condition in ("gteq", "from"):
        return compare(value) >= 0
    if condition == "gt":
        return compare(value) > 0
    if condition in ("lteq", "to"):
        return compare(value) <= 0
    if condition == "lt":
        return compare(value) < 0
    raise ValueError(condition)


def search(records: list[dict[str, Any]], criteria: dict[str, Any]) -> dict[str, Any]:
    """Magento's search result: filters (OR in a group, AND across groups), sort orders, and
    one page; a ``currentPage`` past the end gets the last page again."""
    found = [
        record
        for record in records
        if all(any(_matches(record, *item) for item in group) for group in criteria["groups"])
    ]
    for field, direction in reversed(criteria["sort"]):
        found.sort(key=lambda record: record.get(field) or 0, reverse=direction.upper() == "DESC")
    total = len(found)
    size = criteria["page_size"]
    if size:
        last = max(1, -(-total // size))
        page = min(max(1, criteria["current_page"]), last)
        found = found[(page - 1) * size : page * size]
    return {
        "items": found,
        "search_criteria": {"page_size": size, "current_page": criteria["current_page"]},
        "total_count": total,
    }


class FakeMagento:
    def __init__(self) -> None:
        self.orders: dict[int, dict[str, Any]] = {}
        self.invoices: dict[int, dict[str, Any]] = {}
        self.creditmemos: dict[int, dict[str, Any]] = {}
        self.shipments: dict[int, dict[str, Any]] = {}
        self.emails: list[tuple[str, str]] = []  # (to, what) the shop e-mailed the buyer
        self.requests: list[dict[str, Any]] = []
        # answers served before the real one: (method, path, query parameters the request must
        # have, status, body, headers, processed: the request takes effect first, drop: the
        # connection closes unanswered)
        self.scripted: list[tuple[str, str, dict[str, str], int, Any, dict[str, str], bool, bool]] = []
        self.next_id = 500
        self.url = ""

    # --- test set-up ----------------------------------------------------------------------

    def add_order(self, order: dict[str, Any], *, online: bool = True) -> dict[str, Any]:
        """An order with its paid invoice (captured by a gateway when ``online``)."""
        self.orders[order["entity_id"]] = order
        invoice_id = self._new_id()
        self.invoices[invoice_id] = {
            "entity_id": invoice_id,
            "order_id": order["entity_id"],
            "state": 2,
            "transaction_id": f"ch_{order['entity_id']}x9Qe" if online else None,
            "grand_total": order["grand_total"],
            "base_grand_total": order["grand_total"],
            "base_to_order_rate": 1,
            "base_total_refunded": 0,
        }
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
        drop: bool = False,
        query: dict[str, str] | None = None,
    ) -> None:
        messages = {
            429: "Too Many Requests",
            500: "Internal Error. Details are available in Magento log file.",
        }
        body = {"message": messages.get(status, f"Scripted %1 ({status})."), "parameters": ["failure"]}
        self.scripted += [(method, path, query or {}, status, body, headers or {}, processed, drop)] * times

    def requests_to(self, method: str, path: str) -> list[dict[str, Any]]:
        return [item for item in self.requests if item["method"] == method and item["path"] == path]

    def creditmemos_of(self, order_id: int) -> list[dict[str, Any]]:
        return [memo for memo in self.creditmemos.values() if memo["order_id"] == order_id]

    def shipments_of(self, order_id: int) -> list[dict[str, Any]]:
        return [shipment for shipment in self.shipments.values() if shipment["order_id"] == order_id]

    # --- serving --------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: list[tuple[str, str]], body: Any) -> tuple[Answer, bool]:
        """The answer and whether to drop the connection instead of sending it."""
        asked = dict(query)
        for index, (s_method, s_path, s_query, status, answer, headers, processed, drop) in enumerate(
            self.scripted
        ):
            if s_method == method and s_path == path and s_query.items() <= asked.items():
                del self.scripted[index]
                if processed:
                    self._route(method, path, query, body)
                return (status, answer, headers), drop
        return self._route(method, path, query, body), False

    def _route(self, method: str, path: str, query: list[tuple[str, str]], body: Any) -> Answer:
        parts = path.split("/")
        lists = {
            "orders": lambda: list(self.orders.values()),
            "invoices": lambda: list(self.invoices.values()),
            "creditmemos": lambda: list(self.creditmemos.values()),
            "shipments": lambda: list(self.shipments.values()),
        }
        if method == "GET" and path in lists:
            criteria = parse_criteria(query)
            if criteria is None:
                return error(
                    400, '"%fieldName" is required. Enter and try again.', {"fieldName": "searchCriteria"}
                )
            return 200, search(lists[path](), criteria), {}
        if parts[0] in ("orders", "order") and len(parts) >= 2 and parts[1].isdigit():
            order = self.orders.get(int(parts[1]))
            if order is None:
                return error(404, NOT_FOUND)
            tail = (method, parts[0], "/".join(parts[2:]))
            if tail == ("GET", "orders", ""):
                return 200, order, {}
            if tail[1:] == ("orders", "comments"):
                return self._comments(method, order, body)
            if tail == ("POST", "order", "refund"):
                return self._refund(order, None, body)
            if tail == ("POST", "order", "ship"):
                return self._ship(order, body)
        if method == "POST" and len(parts) == 3 and parts[0] == "invoice" and parts[2] == "refund":
            invoice = self.invoices.get(int(parts[1])) if parts[1].isdigit() else None
            if invoice is None:
                return error(404, NOT_FOUND)
            return self._refund(self.orders[invoice["order_id"]], invoice, body)
        if method == "POST" and path == "shipment/track":
            return self._track(body)
        return error(404, "Request does not match any route.")

    def _new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def _comments(self, method: str, order: dict[str, Any], body: Any) -> Answer:
        histories = order["status_histories"]
        if method == "GET":
            return 200, {"items": histories, "total_count": len(histories)}, {}
        history = (body or {}).get("statusHistory")
        if not isinstance(history, dict) or not str(history.get("comment") or "").strip():
            return error(400, '"%fieldName" is required. Enter and try again.', {"fieldName": "comment"})
        histories.append(
            {
                "entity_id": self._new_id(),
                "parent_id": order["entity_id"],
                "comment": history["comment"],
                "is_customer_notified": int(bool(history.get("is_customer_notified"))),
                "is_visible_on_front": int(bool(history.get("is_visible_on_front"))),
                "created_at": now(),
                "status": order["status"],
                "entity_name": "order",
            }
        )
        order["updated_at"] = now()
        if history.get("is_customer_notified"):
            self.emails.append((order["customer_email"], history["comment"]))
        return 200, True, {}

    def _refund(self, order: dict[str, Any], invoice: dict[str, Any] | None, body: Any) -> Answer:
        body = body or {}
        invoices = [item for item in self.invoices.values() if item["order_id"] == order["entity_id"]]
        if not invoices:
            return error(400, "We can't create creditmemo for the order.")
        if invoice is not None and body.get("isOnline") and not invoice["transaction_id"]:
            return error(400, "We can't create creditmemo for the invoice.")
        arguments = body.get("arguments") or {}
        qtys = {int(item["order_item_id"]): float(item["qty"]) for item in body.get("items") or []}
        items_total = 0.0
        for item in order["items"]:
            if item.get("parent_item_id"):
                continue
            # Magento: no quantities given -> every item refunded
            qty = qtys.get(item["item_id"], 0.0) if qtys else float(item["qty_ordered"])
            items_total += qty * float(item["price"])
        # shipping and adjustments are read in the base currency, then converted to the order's
        rate = float(order["base_to_order_rate"])
        shipping = (
            round(float(arguments["shipping_amount"]) * rate, 2)
            if "shipping_amount" in arguments
            else order["shipping_amount"]
        )
        positive = round(float(arguments.get("adjustment_positive") or 0) * rate, 2)
        negative = round(float(arguments.get("adjustment_negative") or 0) * rate, 2)
        total = round(items_total + shipping + positive - negative, 2)
        available = round(order["grand_total"] - order["total_refunded"], 2)
        if total > available:
            return error(400, "The most money available to refund is %1.", [f"€{available:.2f}"])
        if total <= 0:
            return error(400, "The credit memo's total must be positive.")
        comment = (body.get("comment") or {}).get("comment", "")
        memo_id = self._new_id()
        self.creditmemos[memo_id] = {
            "entity_id": memo_id,
            "order_id": order["entity_id"],
            "invoice_id": invoice["entity_id"] if invoice else None,
            "state": 2,
            "grand_total": total,
            "adjustment_positive": positive,
            "base_adjustment_positive": float(arguments.get("adjustment_positive") or 0),
            "shipping_amount": shipping,
            "online": bool(invoice is not None and body.get("isOnline")),
            "customer_note": comment or None,
            "customer_note_notify": bool(body.get("appendComment") and body.get("notify")),
            "comments": [{"comment": comment, "parent_id": memo_id, "is_visible_on_front": 0}]
            if comment
            else [],
            "created_at": now(),
        }
        if invoice is not None:
            invoice["base_total_refunded"] = round(invoice["base_total_refunded"] + total / rate, 2)
        order["total_refunded"] = round(order["total_refunded"] + total, 2)
        if order["total_refunded"] >= order["grand_total"]:
            order["state"] = order["status"] = "closed"
        order["updated_at"] = now()
        if body.get("notify"):
            self.emails.append((order["customer_email"], f"credit memo {memo_id}"))
        return 200, memo_id, {}

    def _ship(self, order: dict[str, Any], body: Any) -> Answer:
        if self.shipments_of(order["entity_id"]) or order["state"] in ("complete", "closed", "canceled"):
            return error(
                400,
                "Shipment Document Validation Error(s):\nThe order does not allow a shipment to be created.",
            )
        shipment_id = self._new_id()
        tracks = [
            {"entity_id": self._new_id(), "parent_id": shipment_id, "order_id": order["entity_id"], **track}
            for track in (body or {}).get("tracks") or []
        ]
        self.shipments[shipment_id] = {
            "entity_id": shipment_id,
            "order_id": order["entity_id"],
            "increment_id": f"{shipment_id:09d}",
            "items": [
                {"order_item_id": item["item_id"], "qty": item["qty_ordered"]} for item in order["items"]
            ],
            "tracks": tracks,
        }
        order["state"] = order["status"] = "complete"
        order["updated_at"] = now()
        if (body or {}).get("notify"):
            self.emails.append((order["customer_email"], f"shipment {shipment_id}"))
        return 200, shipment_id, {}

    def _track(self, body: Any) -> Answer:
        entity = (body or {}).get("entity")
        if not isinstance(entity, dict):
            return error(400, '"%fieldName" is required. Enter and try again.', {"fieldName": "entity"})
        for field in ("order_id", "parent_id", "track_number", "carrier_code"):
            if not entity.get(field):
                return error(400, '"%fieldName" is required. Enter and try again.', {"fieldName": field})
        shipment = self.shipments.get(int(entity["parent_id"]))
        if shipment is None or shipment["order_id"] != int(entity["order_id"]):
            return error(404, NOT_FOUND)
        track = {"entity_id": self._new_id(), **entity}
        shipment["tracks"].append(track)
        return 200, track, {}


def serve(fake: FakeMagento) -> Iterator[FakeMagento]:
    expected = f"Bearer {ACCESS_TOKEN}"

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            query = parse_qsl(url.query, keep_blank_values=True)
            match = PATH.match(url.path)
            path = match["path"] if match else url.path
            fake.requests.append(
                {
                    "method": self.command,
                    "path": path,
                    "store": (match["store"] or "") if match else "",
                    "query": dict(query),
                    "body": body,
                }
            )
            drop = False
            if not match:
                status, answer, headers = error(404, "Request does not match any route.")
            elif self.headers.get("Authorization") != expected:
                status, answer, headers = error(
                    401,
                    "The consumer isn't authorized to access %resources.",
                    {"resources": "Magento_Sales::actions_view"},
                )
            else:
                (status, answer, headers), drop = fake.handle(self.command, path, query, body)
            if drop:
                self.close_connection = True
                return
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
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

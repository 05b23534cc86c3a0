"""The Shopify refund connector against a local server that speaks Shopify's Admin REST API
(2024-04): its answers are the real payloads of Shopify's SDK tests (../shared/data/shopify)."""

from __future__ import annotations

import copy
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings

from helpdesk.platforms import ConnectorError, RefundOrder, RetryPolicy, connector_for
from helpdesk.platforms.shopify import ShopifyConnector
from tests.factories import StoreFactory

API = "/admin/api/2024-04"
TOKEN = "shpat_test_0123456789"
ORDER_ID = 450789469


def _fixtures() -> Path:
    return Path(settings.NLP_DATA_DIR) / "shopify" / "rest_mock_responses_2024-04"


def _response(name: str, test: str) -> dict[str, Any]:
    path = _fixtures() / name
    if not path.exists():
        pytest.skip(f"Shopify's payloads are not on this machine ({path})")
    items = json.loads(path.read_text())["items"]
    return copy.deepcopy(next(item["response"] for item in items if item["test"] == test))


class FakeShopify:
    """Answers like Shopify: orders by name, an order's refunds, calculate, and create (whose
    answers a test scripts: ``create_answers`` of (status, body, headers), then 201)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.create_answers: list[tuple[int, dict[str, Any], dict[str, str]]] = []
        self.created: list[dict[str, Any]] = []
        self.orders = _response("order.json", "test_1")
        self.refunds = _response("refund.json", "test_1")
        self.refund_created = _response("refund.json", "test_2")
        self.calculated_with_line = _response("refund.json", "test_6")
        self.calculated_money_only = _response("refund.json", "test_5")

    def handle(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any, dict]:
        if method == "GET" and path == f"{API}/orders.json":
            name = query.get("name", [""])[0]
            orders = [order for order in self.orders["orders"] if order["name"] == name]
            return 200, {"orders": orders}, {}
        if method == "GET" and path == f"{API}/orders/{ORDER_ID}/refunds.json":
            return 200, {"refunds": self.refunds["refunds"] + self.created}, {}
        if method == "POST" and path == f"{API}/orders/{ORDER_ID}/refunds/calculate.json":
            with_lines = bool(body["refund"].get("refund_line_items"))
            return 200, self.calculated_with_line if with_lines else self.calculated_money_only, {}
        if method == "POST" and path == f"{API}/orders/{ORDER_ID}/refunds.json":
            status, answer, headers = self.create_answers.pop(0) if self.create_answers else (201, None, {})
            if status == 201 or headers.get("X-Processed") == "yes":
                refund = copy.deepcopy(self.refund_created["refund"])
                refund["id"] += len(self.created)
                refund["note"] = body["refund"]["note"]
                self.created.append(refund)
                answer = answer or {"refund": refund}
            return status, answer, {k: v for k, v in headers.items() if k != "X-Processed"}
        return 404, {"errors": "Not Found"}, {}


@pytest.fixture
def shopify():
    fake = FakeShopify()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            fake.requests.append(
                {
                    "method": self.command,
                    "path": url.path,
                    "query": parse_qs(url.query),
                    "headers": dict(self.headers),
                    "body": body,
                }
            )
            if self.headers.get("X-Shopify-Access-Token") != TOKEN:
                status, answer, headers = (
                    401,
                    {
                        "errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"
                    },
                    {},
                )
            else:
                status, answer, headers = fake.handle(self.command, url.path, parse_qs(url.query), body)
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

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield fake
    server.shutdown()
    server.server_close()


@pytest.fixture
def waits():
    return []


@pytest.fixture
def connector(shopify, waits):
    client = ShopifyConnector(
        shop_url=shopify.url, access_token=TOKEN, policy=RetryPolicy(max_attempts=3), sleep=waits.append
    )
    yield client
    client.close()


def a_refund(**values: Any) -> RefundOrder:
    defaults = {
        "idempotency_key": "refund-7f3a",
        "order_external_id": "#1001",
        "amount": Decimal("41.94"),
        "currency": "USD",
        "method": "original_payment",
        "order_line_external_id": "518995019",
        "quantity": 1,
        "reason": "wrong size",
    }
    return RefundOrder(**{**defaults, **values})


def _calls(shopify: FakeShopify, method: str, suffix: str) -> list[dict[str, Any]]:
    return [r for r in shopify.requests if r["method"] == method and r["path"].endswith(suffix)]


def test_a_refund_is_calculated_then_created_against_the_suggested_payment(shopify, connector):
    result = connector.refund_create(refund=a_refund())

    assert result.reference == "929361466"
    assert result.raw["transactions"][0]["amount"] == "41.94"
    [lookup] = _calls(shopify, "GET", "/orders.json")
    assert lookup["query"]["name"] == ["#1001"]
    [calculate] = _calls(shopify, "POST", "/refunds/calculate.json")
    assert calculate["body"] == {
        "refund": {
            "currency": "USD",
            "refund_line_items": [{"line_item_id": 518995019, "quantity": 1, "restock_type": "return"}],
        }
    }
    [create] = _calls(shopify, "POST", f"/orders/{ORDER_ID}/refunds.json")
    sent = create["body"]["refund"]
    assert sent["transactions"] == [
        {"parent_id": 801038806, "amount": "41.94", "kind": "refund", "gateway": "bogus"}
    ]
    assert sent["refund_line_items"] == [
        {"line_item_id": 518995019, "quantity": 1, "restock_type": "no_restock"}
    ]
    assert sent["currency"] == "USD"
    assert sent["note"] == "wrong size [helpdesk:refund-7f3a]"
    assert all(r["headers"]["X-Shopify-Access-Token"] == TOKEN for r in shopify.requests)


def test_a_money_only_refund_sends_no_line_items(shopify, connector):
    connector.refund_create(refund=a_refund(amount=Decimal("5.00"), quantity=0, order_line_external_id=""))

    [create] = _calls(shopify, "POST", f"/orders/{ORDER_ID}/refunds.json")
    assert "refund_line_items" not in create["body"]["refund"]
    assert create["body"]["refund"]["transactions"][0]["amount"] == "5.00"


def test_a_refund_already_made_under_the_same_key_is_found_not_made_again(shopify, connector):
    first = connector.refund_create(refund=a_refund())
    again = connector.refund_create(refund=a_refund())

    assert again.reference == first.reference
    assert len(_calls(shopify, "POST", f"/orders/{ORDER_ID}/refunds.json")) == 1


def test_a_422_is_a_final_error_with_shopifys_message(shopify, connector, waits):
    shopify.create_answers = [
        (
            422,
            {"errors": {"refund_line_items.quantity": ["cannot refund more items than were purchased"]}},
            {},
        )
    ]

    with pytest.raises(ConnectorError) as error:
        connector.refund_create(refund=a_refund())

    assert not error.value.retryable
    assert error.value.status_code == 422
    assert "cannot refund more items than were purchased" in error.value.message
    assert len(_calls(shopify, "POST", f"/orders/{ORDER_ID}/refunds.json")) == 1
    assert waits == []


def test_a_429_waits_as_long_as_shopify_says_then_succeeds(shopify, connector, waits):
    shopify.create_answers = [
        (
            429,
            {
                "errors": "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
            },
            {"Retry-After": "2.0"},
        )
    ]

    result = connector.refund_create(refund=a_refund())

    assert result.reference == "929361466"
    assert waits == [2.0]
    assert len(_calls(shopify, "POST", f"/orders/{ORDER_ID}/refunds.json")) == 2


def test_5xx_is_retried_with_backoff_and_reported_retryable_when_attempts_run_out(shopify, connector, waits):
    shopify.create_answers = [(503, {"errors": "Service Unavailable"}, {})] * 3

    with pytest.raises(ConnectorError) as error:
        connector.refund_create(refund=a_refund())

    assert error.value.retryable
    assert error.value.status_code == 503
    assert len(_calls(shopify, "POST", f"/orders/{ORDER_ID}/refunds.json")) == 3
    assert waits == [1.0, 2.0]


def test_a_5xx_after_shopify_made_the_refund_does_not_make_a_second_one(shopify, connector):
    shopify.create_answers = [(502, {"errors": "Bad Gateway"}, {"X-Processed": "yes"})]

    result = connector.refund_create(refund=a_refund())

    assert result.reference == "929361466"
    assert len(_calls(shopify, "POST", f"/orders/{ORDER_ID}/refunds.json")) == 1
    assert len(shopify.created) == 1


def test_more_than_shopify_can_refund_is_refused_before_anything_is_created(shopify, connector):
    with pytest.raises(ConnectorError, match=r"at most 41\.94") as error:
        connector.refund_create(refund=a_refund(amount=Decimal("50.00")))

    assert not error.value.retryable
    assert _calls(shopify, "POST", f"/orders/{ORDER_ID}/refunds.json") == []


def test_an_order_shopify_does_not_know_is_a_final_error(shopify, connector):
    with pytest.raises(ConnectorError, match="no order named #9999") as error:
        connector.refund_create(refund=a_refund(order_external_id="#9999"))

    assert not error.value.retryable


def test_a_wrong_access_token_is_a_final_error(shopify, waits):
    client = ShopifyConnector(shop_url=shopify.url, access_token="shpat_wrong", sleep=waits.append)

    with pytest.raises(ConnectorError, match="access token") as error:
        client.refund_create(refund=a_refund(order_external_id=str(ORDER_ID)))

    assert (error.value.retryable, error.value.status_code) == (False, 401)


def test_store_credit_is_not_sent_to_shopify(shopify, connector):
    with pytest.raises(ConnectorError, match="store credit") as error:
        connector.refund_create(refund=a_refund(method="store_credit"))

    assert not error.value.retryable
    assert shopify.requests == []


def test_an_unreachable_shop_is_a_retryable_error(waits):
    client = ShopifyConnector(
        shop_url="http://127.0.0.1:9",
        access_token=TOKEN,
        policy=RetryPolicy(max_attempts=2),
        sleep=waits.append,
    )

    with pytest.raises(ConnectorError) as error:
        client.refund_create(refund=a_refund())

    assert error.value.retryable
    assert waits == [1.0]


@pytest.mark.django_db
def test_a_shopify_store_with_a_token_gets_the_connector_and_one_without_does_not(shopify, settings):
    settings.SHOPIFY_ACCESS_TOKENS = {"lumen-home-us.myshopify.com": TOKEN}
    settings.SHOPIFY_API_BASE_URL = shopify.url
    with_token = StoreFactory(platform="shopify", external_id="lumen-home-us.myshopify.com")
    without = StoreFactory(platform="shopify", external_id="other-shop.myshopify.com")

    connector = connector_for(with_token)

    assert isinstance(connector, ShopifyConnector)
    assert connector.refund_create(refund=a_refund()).reference == "929361466"
    assert connector_for(without) is None

"""A local AliExpress Open Platform gateway (``/sync``) speaking its documented wire format.

Every call is a form-encoded POST (or GET) with the system parameters ``method``, ``app_key``,
``session``, ``timestamp`` (ms), ``sign_method=sha256`` and ``sign``, which is checked: the
upper-case hex HMAC-SHA256, keyed with the app secret, of the other parameters sorted by name
and written name + value. Errors come back with HTTP 200 as ``{"error_response": {"type", "code",
"msg", "request_id"}}`` (``IncompleteSignature``, ``InvalidAppKey``, ``IllegalAccessToken``,
``ApiCallLimit``), answers as ``{"<method with _>_response": {"result": ..., "request_id"}}``
with lists wrapped in an object named after their item type, as the gateway does without
``simplify=true``. Served APIs: ``aliexpress.solution.order.get`` / ``.order.info.get`` /
``.order.fulfill``, ``aliexpress.message.redefining.versiontwo.querymsgrelationlist`` and
``aliexpress.message.redefining.addmsg``. A test scripts failures with ``fail_next``.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.helpdesk.fake_http import running

APP_KEY = "502811"
APP_SECRET = "Xq3mP0aLw7ZkT2vRb9NcY5hJ8sDf1GeU"
ACCESS_TOKEN = "50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg"
SELLER = "cn1520000001"
SYSTEM = ("method", "app_key", "timestamp", "sign_method", "sign")

_request_ids = itertools.count(1)


def money(amount: str, currency: str = "USD") -> dict[str, Any]:
    cents = round(float(amount) * 100)
    return {"amount": amount, "currency_code": currency, "cent": cents, "cent_factor": 100}


def ae_order(
    order_id: int,
    *,
    modified: str,
    created: str = "2026-11-01 02:00:00",
    status: str = "WAIT_SELLER_SEND_GOODS",
    buyer: str = "",
) -> dict[str, Any]:
    """An order detail (``GlobalAeopTpOrderDetailDTO``) with the fields the helpdesk reads."""
    login = buyer or f"br{order_id % 10_000_000}abc"
    return {
        "id": order_id,
        "order_status": status,
        "logistics_status": "WAIT_SELLER_SEND_GOODS",
        "gmt_create": created,
        "gmt_modified": modified,
        "gmt_pay_success": created,
        "buyerloginid": login,
        "buyer_signer_fullname": "Lucas Martins",
        "buyer_info": {"login_id": login, "first_name": "Lucas", "last_name": "Martins", "country": "BR"},
        "order_amount": money("31.48"),
        "logistics_amount": money("3.50"),
        "receipt_address": {
            "contact_person": "Lucas Martins",
            "country": "BR",
            "province": "Sao Paulo",
            "city": "Sao Paulo",
            "zip": "01310-100",
            "address": "Avenida Paulista 1578",
            "detail_address": "Apto 42",
            "mobile_no": "11987654321",
        },
        "child_order_list": {
            "global_aeop_tp_child_order_dto": [
                {
                    "id": order_id * 10 + 1,
                    "product_id": 1005006123456789,
                    "product_name": "LED desk lamp, warm white",
                    "sku_code": "LAMP-WW",
                    "product_count": 2,
                    "product_price": money("13.99"),
                    "init_order_amt": money("27.98"),
                }
            ]
        },
        "logistic_info_list": {"global_aeop_tp_logistic_info_dto": []},
    }


def relation(
    channel_id: str,
    *,
    message_id: int,
    content: str,
    message_time: int,
    buyer: str = "br7654321xyz",
    own: bool = False,
    order_id: int = 0,
) -> dict[str, Any]:
    """A conversation of the relation list (``RelationResultDomain``)."""
    return {
        "channel_id": channel_id,
        "child_id": 0,
        "child_name": "",
        "deal_stat": "1" if own else "0",
        "read_stat": "1" if own else "0",
        "unread_count": 0 if own else 1,
        "last_message_content": content,
        "last_message_id": message_id,
        "last_message_is_own": own,
        "message_time": message_time,
        "order_id": order_id,
        "other_ali_id": 220000000 + message_id % 1000,
        "other_login_id": buyer,
        "other_name": "Lucas M.",
        "rank": "0",
    }


def error_response(code: str, msg: str, *, kind: str = "ISV") -> dict[str, Any]:
    return {
        "error_response": {
            "type": kind,
            "code": code,
            "msg": msg,
            "request_id": f"0ba2{next(_request_ids):08d}",
        }
    }


def _sign(params: dict[str, str], secret: str) -> str:
    message = "".join(f"{name}{params[name]}" for name in sorted(params) if name != "sign")
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest().upper()


def _now_pacific() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() - 8 * 3600))


class FakeAliExpress:
    def __init__(self) -> None:
        self.orders: dict[int, dict[str, Any]] = {}
        self.relations: list[dict[str, Any]] = []
        self.sent: list[dict[str, str]] = []
        self.fulfilled: list[dict[str, str]] = []
        self.requests: list[dict[str, Any]] = []
        # answers served before the real one: (api, page, kind, status, body, headers, processed)
        self.scripted: list[tuple[str, str, str, int, dict[str, Any], dict[str, str], bool]] = []
        self.next_message_id = 5000
        self.url = ""

    def fail_next(
        self,
        api: str,
        *,
        status: int = 200,
        code: str = "",
        msg: str = "",
        headers: dict[str, str] | None = None,
        drop: bool = False,
        times: int = 1,
        processed: bool = False,
        page: str = "",
    ) -> None:
        """Script the next answer(s) to ``api``: an HTTP ``status``, a gateway ``code`` (HTTP 200),
        or a dropped connection; ``processed``: the call takes effect although it failed."""
        kind = "drop" if drop else "http"
        body = (
            error_response(code, msg or f"Scripted {code}.") if code else {"message": f"Scripted {status}."}
        )
        self.scripted += [(api, page, kind, status, body, headers or {}, processed)] * times

    def calls_to(self, api: str) -> list[dict[str, Any]]:
        return [item for item in self.requests if item["params"].get("method") == api]

    def business(self, api: str) -> list[dict[str, str]]:
        """The business parameters of each call to ``api`` (system parameters left out)."""
        system = {*SYSTEM, "session", "format", "simplify", "partner_id", "v"}
        return [{k: v for k, v in call["params"].items() if k not in system} for call in self.calls_to(api)]

    # --- dispatch ---------------------------------------------------------------------------

    def handle(self, params: dict[str, str]) -> tuple[str, int, dict[str, Any], dict[str, str]]:
        missing = [name for name in SYSTEM if not params.get(name)]
        if missing:
            return (
                "http",
                200,
                error_response(
                    "MissingParameter",
                    f"The input parameter '{missing[0]}' that is mandatory for processing this request is not supplied.",
                ),
                {},
            )
        if params["app_key"] != APP_KEY:
            return "http", 200, error_response("InvalidAppKey", "The specified App Key is invalid"), {}
        if params["sign_method"] != "sha256" or not params["timestamp"].isdigit():
            return (
                "http",
                200,
                error_response(
                    "IncompleteSignature", "The request signature does not conform to platform standards"
                ),
                {},
            )
        if not hmac.compare_digest(params["sign"], _sign(params, APP_SECRET)):
            return (
                "http",
                200,
                error_response(
                    "IncompleteSignature", "The request signature does not conform to platform standards"
                ),
                {},
            )
        if params.get("session") != ACCESS_TOKEN:
            return (
                "http",
                200,
                error_response("IllegalAccessToken", "The specified access token is invalid or expired"),
                {},
            )
        api = params["method"]
        page = str(self._page(params))
        for index, (s_api, s_page, kind, status, body, headers, processed) in enumerate(self.scripted):
            if s_api == api and s_page in ("", page):
                del self.scripted[index]
                if processed:
                    self._route(api, params)
                return kind, status, body, headers
        status, body = self._route(api, params)
        return "http", status, body, {}

    @staticmethod
    def _page(params: dict[str, str]) -> Any:
        for name in ("param0", "query"):
            if params.get(name):
                try:
                    return json.loads(params[name]).get("current_page", "")
                except (ValueError, AttributeError):
                    return ""
        return ""

    def _route(self, api: str, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
        routes = {
            "aliexpress.solution.order.get": self._order_list,
            "aliexpress.solution.order.info.get": self._order_detail,
            "aliexpress.solution.order.fulfill": self._fulfill,
            "aliexpress.message.redefining.versiontwo.querymsgrelationlist": self._relations,
            "aliexpress.message.redefining.addmsg": self._add_message,
        }
        if api not in routes:
            return 200, error_response("InvalidApiPath", "The specified API path is invalid")
        try:
            result = routes[api](params)
        except (KeyError, ValueError, TypeError) as error:
            return 200, error_response("InvalidParameter", f"The input parameter is invalid: {error}")
        if "error_response" in result:
            return 200, result
        return 200, {
            api.replace(".", "_") + "_response": {
                "result": result,
                "request_id": f"0ba2{next(_request_ids):08d}",
            }
        }

    # --- orders -----------------------------------------------------------------------------

    def _order_list(self, params: dict[str, str]) -> dict[str, Any]:
        query = json.loads(params["param0"])
        found = sorted(
            self.orders.values(), key=lambda order: (order["gmt_create"], order["id"]), reverse=True
        )
        if query.get("modified_date_start"):
            found = [order for order in found if order["gmt_modified"] >= query["modified_date_start"]]
        if query.get("order_status_list"):
            found = [order for order in found if order["order_status"] in query["order_status_list"]]
        size, page = int(query.get("page_size") or 20), int(query.get("current_page") or 1)
        chunk = found[(page - 1) * size : page * size]
        return {
            "success": True,
            "total_count": len(found),
            "total_page": max(1, -(-len(found) // size)),
            "current_page": page,
            "page_size": size,
            "target_list": {
                "order_dto": [
                    {
                        "order_id": order["id"],
                        "order_status": order["order_status"],
                        "gmt_create": order["gmt_create"],
                        "gmt_update": order["gmt_modified"],
                        "buyer_login_id": order["buyerloginid"],
                        "pay_amount": order["order_amount"],
                    }
                    for order in chunk
                ]
            },
        }

    def _order_detail(self, params: dict[str, str]) -> dict[str, Any]:
        order_id = int(json.loads(params["param1"])["order_id"])
        if order_id not in self.orders:
            return {
                "result_success": False,
                "error_code": "ORDER_NOT_EXIST",
                "error_message": "order not found",
            }
        return {"result_success": True, "data": self.orders[order_id]}

    def _fulfill(self, params: dict[str, str]) -> dict[str, Any]:
        order = self.orders.get(int(params["out_ref"]))
        if order is None:
            return {
                "result_success": False,
                "error_code": "ORDER_NOT_EXIST",
                "error_message": "order not found",
            }
        if params.get("send_type") not in ("all", "part") or not params.get("logistics_no"):
            return error_response("MissingParameter", "send_type and logistics_no are mandatory")
        if params["service_name"].lower() == "other" and not params.get("tracking_website"):
            return {
                "result_success": False,
                "error_code": "TRACKING_WEBSITE_REQUIRED",
                "error_message": "tracking website is required for OTHER",
            }
        if order["logistics_status"] == "SELLER_SEND_GOODS":
            return {
                "result_success": False,
                "error_code": "ORDER_STATUS_ERROR",
                "error_message": "The order has already been shipped",
            }
        self.fulfilled.append(dict(params))
        parcels = order["logistic_info_list"]["global_aeop_tp_logistic_info_dto"]
        parcels.append(
            {
                "logistics_no": params["logistics_no"],
                "logistics_service_name": params["service_name"],
                "logistics_type_code": params["service_name"],
                "gmt_send": _now_pacific(),
                "receive_status": "default",
            }
        )
        full = params["send_type"] == "all"
        order["logistics_status"] = "SELLER_SEND_GOODS" if full else "SELLER_SEND_PART_GOODS"
        order["order_status"] = "WAIT_BUYER_ACCEPT_GOODS" if full else "SELLER_PART_SEND_GOODS"
        order["gmt_modified"] = _now_pacific()
        return {"result_success": True}

    # --- messages ---------------------------------------------------------------------------

    def _relations(self, params: dict[str, str]) -> dict[str, Any]:
        query = json.loads(params["query"])
        found = sorted(self.relations, key=lambda item: item["message_time"], reverse=True)
        if query.get("start_time"):
            found = [item for item in found if item["message_time"] >= int(query["start_time"])]
        if query.get("end_time"):
            found = [item for item in found if item["message_time"] <= int(query["end_time"])]
        size, page = int(query.get("page_size") or 20), int(query.get("current_page") or 1)
        if not 0 < size <= 100:
            return {"is_success": False, "error_code": 400, "error_msg": "page_size must be 1 to 100"}
        chunk = [dict(item) for item in found[(page - 1) * size : page * size]]
        return {"is_success": True, "relation_list": {"relation_result": chunk}}

    def _add_message(self, params: dict[str, str]) -> dict[str, Any]:
        if params.get("msg_sources") not in ("message_center", "order_msg") or not params.get("content"):
            return {
                "is_success": False,
                "error_code": 400,
                "error_msg": "msg_sources and content are mandatory",
            }
        self.sent.append(
            {
                key: params[key]
                for key in ("channel_id", "buyer_id", "content", "msg_sources")
                if key in params
            }
        )
        self.next_message_id += 1
        channel = params["channel_id"]
        existing = next(
            (
                item
                for item in self.relations
                if item["channel_id"] == channel or str(item["order_id"]) == channel
            ),
            None,
        )
        if existing is None:
            existing = relation(
                channel, message_id=0, content="", message_time=0, buyer=params.get("buyer_id", "")
            )
            if params["msg_sources"] == "order_msg":
                existing["order_id"] = int(channel)
            self.relations.append(existing)
        existing.update(
            last_message_id=self.next_message_id,
            last_message_content=params["content"],
            last_message_is_own=True,
            message_time=int(time.time() * 1000),
        )
        return {"is_success": True}


def serve(fake: FakeAliExpress) -> Iterator[FakeAliExpress]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            params = {name: values[0] for name, values in parse_qs(url.query).items()}
            params.update({name: values[0] for name, values in parse_qs(raw, keep_blank_values=True).items()})
            fake.requests.append({"http": self.command, "path": url.path, "params": params})
            if url.path != "/sync":
                kind, status, answer, headers = "http", 404, {"message": "Not Found"}, {}
            else:
                kind, status, answer, headers = fake.handle(params)
            if kind == "drop":
                self.close_connection = True
                return
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, *args: object) -> None:
            pass

    with running(Handler) as url:
        fake.url = f"{url}/sync"
        yield fake

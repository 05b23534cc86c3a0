"""AliExpress Open Platform (the IOP gateway, ``https://api-sg.aliexpress.com/sync``): order sync,
buyer messages, replies and tracking.

Every call is one POST to the gateway, form-encoded, with the system parameters ``method`` (the
API's name), ``app_key``, ``session`` (the seller's access token), ``timestamp`` (milliseconds),
``sign_method=sha256``, ``format=json`` and ``sign``: the upper-case hex HMAC-SHA256, keyed with
the app secret, of every other parameter (system and business) sorted by name and concatenated
as ``name`` + ``value``; for the ``/rest`` gateway the API path is put in front of that string, for
``/sync`` (the business APIs used here) nothing is. Business objects travel as JSON text in one
parameter (``param0``, ``param1``, ``query``). The answer is ``{"<method with _>_response":
{"result": ...}}`` or ``{"error_response": {"type", "code", "msg", "request_id"}}`` with HTTP 200:
``ApiCallLimit``/``AppCallLimit`` are rate limits (waited for as the ban says: "This ban will last
for N more seconds", else the backoff), ``IllegalAccessToken``/``InvalidSession``/``InvalidAppKey``
are the store's credentials and ``IncompleteSignature`` the app secret (final at once). Secrets:
``{"app_key", "app_secret", "access_token"}``; the credential's base URL is the gateway.

- ``sync_orders``: ``aliexpress.solution.order.get`` (``param0``: ``modified_date_start``,
  ``page_size``, ``current_page``, ``order_status_list`` with every status, FINISH included, since
  AliExpress leaves closed orders out otherwise), then ``aliexpress.solution.order.info.get``
  (``param1``: ``order_id``) for each order's detail, which is what the page returns. Dates are US
  Pacific time. The cursor is ``{"modified_start", "page", "seen_max"}``: a pass keeps its window
  and walks ``total_page`` pages; the next window starts one second before the newest
  ``gmt_modified`` seen (the overlap refetches an order or two, which the upsert ignores). The
  first run looks back ``initial_days``.
- ``fetch_messages``: ``aliexpress.message.redefining.versiontwo.querymsgrelationlist``
  (``query``: ``start_time`` in ms, ``current_page``, ``page_size``), the seller's conversations
  newest first, each with its last message (``last_message_id``, ``last_message_content``,
  ``last_message_is_own``, ``message_time``, ``other_login_id``, ``order_id``, ``channel_id``). A
  conversation whose last message is the buyer's becomes an inbound message through the same
  normaliser as AliExpress's message push (``msg_id`` = ``last_message_id``, ``channel_id`` the
  thread, ``sender_login_id`` the buyer), so a pushed and a pulled message are stored once.
  Only the last message of each conversation is read: the detail list
  (``...versiontwo.querymsgdetaillist``) answers in a shape this module could not pin down from
  AliExpress's documentation, so two buyer messages sent between two fetches bring the later one
  only (the push, when set up, brings both). The cursor is ``{"start_time", "page", "seen_max"}``
  (ms); ``{}`` looks back three days; the next window starts a minute before the newest
  ``message_time`` seen.
- ``send_message``: ``aliexpress.message.redefining.addmsg`` (``channel_id``, ``buyer_id``,
  ``content``, ``msg_sources``): into the buyer's conversation (``message_center``, the thread id)
  when there is one, else as an order message (``order_msg``, the order id as channel, the buyer
  from the order's detail). This is the first message API (its parameters are documented one by
  one); its ``versiontwo.addmsg`` successor takes one ``create_param`` object whose fields could
  not be pinned down. Its answer carries no message id, so the id returned is the conversation's
  ``last_message_id`` read back afterwards. AliExpress takes no idempotency key: before each
  attempt the last day's conversations are searched for this text as the seller's last message,
  so a retry after a lost answer does not send it twice (the same text sent again on purpose
  right after is taken as already sent).
- ``push_tracking``: ``aliexpress.solution.order.fulfill`` (``service_name``, ``tracking_website``,
  ``out_ref`` = the order id, ``send_type=all``, ``logistics_no``, ``description``). The carrier is
  sent as the logistics service key when it looks like one (``CAINIAO_STANDARD``, ``DHL``),
  otherwise as ``OTHER`` with a tracking website. The order's ``logistic_info_list`` is read
  first: a number already declared is not declared again.

Not supported: ``refund_create``. AliExpress has no seller-initiated refund: money goes back
through the buyer's dispute (``aliexpress.issue.*``), where the seller can only answer the
buyer's request; refunds are made in the Seller Center, by hand.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import httpx

from helpdesk.commerce.aliexpress import items, pacific_text, pacific_time
from helpdesk.platforms.base import (
    Capability,
    ConnectorError,
    MessagePage,
    OrderPage,
    RefundOrder,
    RefundResult,
    RetryPolicy,
)
from helpdesk.platforms.http import PlatformHttp, RateLimited, is_loopback
from helpdesk.webhooks import MalformedPayload

if TYPE_CHECKING:
    from customers.models import Store

logger = logging.getLogger(__name__)

GATEWAY = "https://api-sg.aliexpress.com/sync"
ORDER_LIST = "aliexpress.solution.order.get"
ORDER_DETAIL = "aliexpress.solution.order.info.get"
FULFILL = "aliexpress.solution.order.fulfill"
RELATION_LIST = "aliexpress.message.redefining.versiontwo.querymsgrelationlist"
ADD_MESSAGE = "aliexpress.message.redefining.addmsg"

ORDER_STATUSES = (
    "PLACE_ORDER_SUCCESS",
    "IN_CANCEL",
    "WAIT_SELLER_SEND_GOODS",
    "SELLER_PART_SEND_GOODS",
    "WAIT_BUYER_ACCEPT_GOODS",
    "FUND_PROCESSING",
    "IN_ISSUE",
    "IN_FROZEN",
    "WAIT_SELLER_EXAMINE_MONEY",
    "RISK_CONTROL",
    "FINISH",
)
PAGE_SIZE = 50  # orders per page; each costs one detail call
MESSAGE_PAGE_SIZE = 100  # the relation list's maximum
MESSAGE_LIMIT = 5000  # the relation list answers the first 5000 conversations only
MESSAGE_LOOKBACK = dt.timedelta(days=3)
MESSAGE_OVERLAP_MS = 60_000

RATE_LIMIT_CODES = frozenset({"ApiCallLimit", "AppCallLimit"})
CREDENTIAL_CODES = frozenset({"IllegalAccessToken", "InvalidSession", "InvalidAppKey"})
SIGNATURE_CODES = frozenset({"IncompleteSignature"})
TRANSIENT_CODES = frozenset({"ServiceUnavailable", "InternalError", "ServiceTimeout"})
BAN_SECONDS = re.compile(r"(\d+)\s+more\s+seconds?", re.IGNORECASE)
SERVICE_KEY = re.compile(r"^[A-Z][A-Z0-9_]{1,63}$")
# tracking sites for carriers declared as OTHER; 17TRACK takes any carrier's number
TRACKING_WEBSITES = {
    "colissimo": "https://www.laposte.fr/outils/suivre-vos-envois",
    "la poste": "https://www.laposte.fr/outils/suivre-vos-envois",
    "dhl": "https://www.dhl.com/global-en/home/tracking.html",
    "ups": "https://www.ups.com/track",
    "fedex": "https://www.fedex.com/fedextrack/",
    "usps": "https://tools.usps.com/go/TrackConfirmAction_input",
    "royal mail": "https://www.royalmail.com/track-your-item",
    "correos": "https://www.correos.es/es/es/herramientas/localizador/envios",
    "correios": "https://rastreamento.correios.com.br/app/index.php",
}
ANY_CARRIER_WEBSITE = "https://t.17track.net/en"


def sign(secret: str, params: dict[str, str], *, api_path: str = "") -> str:
    """AliExpress's ``sign``: HMAC-SHA256 (key: the app secret) of the parameters sorted by name,
    each as name + value, after ``api_path`` (``/rest`` APIs only), as upper-case hex."""
    message = api_path + "".join(f"{name}{params[name]}" for name in sorted(params) if name != "sign")
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest().upper()


def response_key(api_method: str) -> str:
    return api_method.replace(".", "_") + "_response"


def _error_text(error: dict[str, Any]) -> str:
    code = str(error.get("code") or "")
    message = str(error.get("msg") or error.get("message") or "no message").strip()
    sub = str(error.get("sub_msg") or error.get("sub_code") or "").strip()
    detail = f"{message} ({sub})" if sub and sub != message else message
    return f"{detail} [{code}]" if code else detail


def error_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    error = data.get("error_response") if isinstance(data, dict) else None
    return _error_text(error)[:500] if isinstance(error, dict) else str(data)[:300]


def gateway_error(error: dict[str, Any]) -> ConnectorError:
    """The ``ConnectorError`` for the gateway's ``error_response``."""
    code = str(error.get("code") or "")
    detail = _error_text(error)[:500]
    if code in RATE_LIMIT_CODES:
        ban = BAN_SECONDS.search(f"{error.get('msg') or ''} {error.get('sub_msg') or ''}")
        return RateLimited(
            f"AliExpress's rate limit was reached: {detail}",
            retry_after=float(ban.group(1)) if ban else None,
        )
    if code in CREDENTIAL_CODES:
        return ConnectorError(
            f"AliExpress refused the store's credentials: {detail}. Authorise the app again and "
            "store the new access token.",
            retryable=False,
        )
    if code in SIGNATURE_CODES:
        return ConnectorError(
            f"AliExpress rejected the request's signature: {detail}. Check the app key and app secret.",
            retryable=False,
        )
    transient = code in TRANSIENT_CODES or str(error.get("type") or "").upper() == "SYSTEM"
    return ConnectorError(f"AliExpress refused: {detail}", retryable=transient)


def answer_error(response: httpx.Response) -> ConnectorError | None:
    """The gateway answers errors with HTTP 200: its ``error_response`` (or an answer without the
    API's response) becomes the ``ConnectorError`` it means before the attempt is logged, so
    retries, waits and the call log work as for HTTP. Other statuses are left to ``PlatformHttp``."""
    if not 200 <= response.status_code < 300:
        return None
    api_method = _api_method(response.request)
    try:
        data = response.json()
    except ValueError:
        return ConnectorError(
            f"AliExpress answered {api_method} with something that is not JSON.", retryable=True
        )
    if not isinstance(data, dict):
        return ConnectorError(f"AliExpress answered {api_method} with something else.", retryable=True)
    if isinstance(data.get("error_response"), dict):
        return gateway_error(data["error_response"])
    if not isinstance(data.get(response_key(api_method)), dict):
        return ConnectorError(f"AliExpress answered {api_method} without its response.", retryable=True)
    return None


def _api_method(request: httpx.Request) -> str:
    """The API a gateway call named: the ``method`` field of its signed form."""
    return parse_qs(request.content.decode()).get("method", [""])[0]


def _result(answer: dict[str, Any], api_method: str, *, required: bool = True) -> dict[str, Any]:
    """The ``result`` of an answer, checked for the business failure flags the APIs use."""
    result = answer.get("result")
    if not isinstance(result, dict):
        if not required:
            return {}
        raise ConnectorError(f"AliExpress answered {api_method} without a result.", retryable=True)
    failed = any(result.get(flag) is False for flag in ("success", "result_success", "is_success"))
    if failed:
        code = result.get("error_code") or result.get("code") or ""
        message = (
            result.get("error_message") or result.get("error_msg") or result.get("msg") or "no reason given"
        )
        raise ConnectorError(
            f"AliExpress refused {api_method}: {message}" + (f" [{code}]" if code else ""), retryable=False
        )
    return result


def _list(payload: Any, path: str, api_method: str) -> list[dict[str, Any]]:
    try:
        return items(payload, path)
    except MalformedPayload as error:
        raise ConnectorError(
            f"AliExpress answered {api_method} with a bad list: {error.reason}", retryable=True
        ) from None


class AliExpressConnector:
    platform = "aliexpress"
    capabilities = frozenset(
        {Capability.SYNC_ORDERS, Capability.FETCH_MESSAGES, Capability.SEND_MESSAGE, Capability.PUSH_TRACKING}
    )

    def __init__(
        self,
        *,
        gateway_url: str = GATEWAY,
        app_key: str,
        app_secret: str,
        access_token: str,
        store_id: int | None = None,
        seller_login_id: str = "",
        policy: RetryPolicy | None = None,
        timeout_seconds: float = 20.0,
        sleep: Callable[[float], None] | None = None,
        page_size: int = PAGE_SIZE,
        message_page_size: int = MESSAGE_PAGE_SIZE,
        initial_days: int = 90,
        now: Callable[[], dt.datetime] | None = None,
    ) -> None:
        url = gateway_url.strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
            raise ConnectorError(
                f"AliExpress's gateway must be an https:// address (the access token travels in each "
                f"request), not {gateway_url!r}.",
                retryable=False,
            )
        if not (app_key and app_secret and access_token):
            raise ConnectorError(
                "AliExpress needs the app key, the app secret and the seller's access token.", retryable=False
            )
        self.url = url
        self.store_id = store_id
        self.seller_login_id = seller_login_id
        self.page_size = page_size
        self.message_page_size = min(message_page_size, MESSAGE_PAGE_SIZE)
        self.initial_days = initial_days
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.app_key = app_key
        self.app_secret = app_secret
        self.access_token = access_token
        self.http = PlatformHttp(
            platform=self.platform,
            store_id=store_id,
            client=httpx.Client(headers={"Accept": "application/json"}, timeout=timeout_seconds),
            error_message=error_message,
            policy=policy or RetryPolicy(),
            display_name="AliExpress",
            error_for=answer_error,
            prepare=self._signed_form,
            sleep=sleep,
        )

    def close(self) -> None:
        self.http.client.close()

    def _signed_form(self, path: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Each attempt signed afresh (a new timestamp): ``api_method`` and ``params`` become the
        form sent."""
        rest = dict(kwargs)
        fields = {
            "method": rest.pop("api_method"),
            "app_key": self.app_key,
            "session": self.access_token,
            "timestamp": str(int(time.time() * 1000)),
            "sign_method": "sha256",
            "format": "json",
            **{name: str(value) for name, value in rest.pop("params").items() if value is not None},
        }
        fields["sign"] = sign(self.app_secret, fields)
        return {**rest, "data": fields}

    def _call(
        self,
        operation: str,
        api_method: str,
        params: dict[str, Any],
        *,
        once: bool = False,
        required: bool = True,
    ) -> dict[str, Any]:
        send = self.http.request_once if once else self.http.request  # once: a single attempt (writes)
        response = send(operation, "POST", self.url, api_method=api_method, params=params)
        return _result(response.json()[response_key(api_method)], api_method, required=required)

    # --- orders -----------------------------------------------------------------------------

    def sync_orders(self, *, cursor: dict[str, Any]) -> OrderPage:
        page = max(1, int(cursor.get("page") or 1))
        window = str(cursor.get("modified_start") or "") or pacific_text(
            self.now() - dt.timedelta(days=self.initial_days)
        )
        query = {
            "modified_date_start": window,
            "page_size": self.page_size,
            "current_page": page,
            "order_status_list": list(ORDER_STATUSES),
        }
        result = self._call("sync_orders", ORDER_LIST, {"param0": json.dumps(query)})
        listed = _list(result, "target_list", ORDER_LIST)
        orders = [self._order_detail(str(item.get("order_id") or ""), "sync_orders") for item in listed]
        seen_max = _newest(
            [str(cursor.get("seen_max") or "")] + [str(order.get("gmt_modified") or "") for order in orders]
        )
        try:
            total_pages = int(result.get("total_page") or 1)
        except (TypeError, ValueError):
            total_pages = 1
        if page < total_pages:
            return OrderPage(
                orders, next_cursor={"modified_start": window, "page": page + 1, "seen_max": seen_max}
            )
        return OrderPage(
            orders, next_cursor=None, caught_up_cursor={"modified_start": _overlap(seen_max) or window}
        )

    def _order_detail(self, order_id: str, operation: str) -> dict[str, Any]:
        if not order_id.isdigit():
            raise ConnectorError(f"AliExpress listed an order without an id ({order_id!r}).", retryable=True)
        result = self._call(operation, ORDER_DETAIL, {"param1": json.dumps({"order_id": int(order_id)})})
        data = result.get("data")
        if not isinstance(data, dict) or str(data.get("id") or "") != order_id:
            raise ConnectorError(
                f"AliExpress answered without the detail of order {order_id}.", retryable=True
            )
        return data

    # --- messages ---------------------------------------------------------------------------

    def fetch_messages(self, *, cursor: dict[str, Any]) -> MessagePage:
        from tickets.ingest.platforms.base import Ignored, WebhookRequest
        from tickets.ingest.platforms.families import aliexpress as normalise

        if self.store_id is None:
            raise ConnectorError("Fetching messages needs the store.", retryable=False)
        page = max(1, int(cursor.get("page") or 1))
        start = int(cursor.get("start_time") or 0) or _ms(self.now() - MESSAGE_LOOKBACK)
        relations = self._relations("fetch_messages", start=start, page=page)
        request = WebhookRequest(
            store_id=self.store_id, store_account=self.seller_login_id, headers={}, body=b""
        )
        messages = []
        for relation in relations:
            if relation.get("last_message_is_own") is True:
                continue  # the seller's own message, or the buyer's already answered
            payload = {"seller_id": self.seller_login_id, "data": _pushed_shape(relation)}
            try:
                inbound = normalise(payload, request)
            except MalformedPayload as error:
                logger.warning(
                    "AliExpress conversation %s skipped: %s", relation.get("channel_id"), error.reason
                )
                continue
            if not isinstance(inbound, Ignored):  # Ignored: sent by the seller
                messages.append(inbound)
        times = [int(cursor.get("seen_max") or 0)] + [
            _int(relation.get("message_time")) for relation in relations
        ]
        seen_max = max(times)
        if len(relations) >= self.message_page_size and page * self.message_page_size < MESSAGE_LIMIT:
            return MessagePage(
                messages, next_cursor={"start_time": start, "page": page + 1, "seen_max": seen_max}
            )
        following = max(start, seen_max - MESSAGE_OVERLAP_MS) if seen_max else start
        return MessagePage(messages, next_cursor=None, caught_up_cursor={"start_time": following})

    def _relations(self, operation: str, *, start: int, page: int = 1) -> list[dict[str, Any]]:
        query = {"current_page": page, "page_size": self.message_page_size, "start_time": start}
        result = self._call(operation, RELATION_LIST, {"query": json.dumps(query)})
        return _list(result, "relation_list", RELATION_LIST)

    def send_message(
        self, *, order_external_id: str, text: str, thread_id: str = "", buyer_id: str = ""
    ) -> str:
        content = text.strip()
        if not content:
            raise ConnectorError("An empty message cannot be sent.", retryable=False)
        order_id = ""
        if thread_id.strip():
            channel, source = thread_id.strip(), "message_center"
            if not buyer_id.strip():
                raise ConnectorError(
                    "Replying in an AliExpress conversation needs the buyer's login id.", retryable=False
                )
            buyer = buyer_id.strip()
        elif order_external_id.strip():
            order_id = self._order_id(order_external_id)
            channel, source = order_id, "order_msg"
            buyer = buyer_id.strip() or str(
                self._order_detail(order_id, "send_message").get("buyerloginid") or ""
            )
            if not buyer:
                raise ConnectorError(f"AliExpress names no buyer for order {order_id}.", retryable=False)
        else:
            raise ConnectorError(
                "An AliExpress message needs the buyer's conversation or an order.", retryable=False
            )
        recent = _ms(self.now() - dt.timedelta(days=1))

        def existing() -> str | None:
            for relation in self._relations("send_message", start=recent):
                ours = relation.get("channel_id") and str(relation.get("channel_id")) == channel
                ours = ours or bool(order_id and str(relation.get("order_id") or "") == order_id)
                if (
                    ours
                    and relation.get("last_message_is_own") is True
                    and (str(relation.get("last_message_content") or "").strip() == content)
                ):
                    return str(relation.get("last_message_id") or channel)
            return None

        def create() -> str:
            params = {"channel_id": channel, "buyer_id": buyer, "content": content, "msg_sources": source}
            self._call("send_message", ADD_MESSAGE, params, once=True, required=False)
            # the answer carries no message id: the conversation's last message is the one sent
            return existing() or f"{channel}:{hashlib.sha256(content.encode()).hexdigest()[:16]}"

        return self.http.once(existing, create)

    # --- tracking ---------------------------------------------------------------------------

    def push_tracking(self, *, order_external_id: str, carrier: str, number: str) -> str:
        number = number.strip()
        if not number:
            raise ConnectorError("A tracking number is needed.", retryable=False)
        order_id = self._order_id(order_external_id)
        service = carrier.strip()
        website = ""
        if not SERVICE_KEY.match(service):
            website = TRACKING_WEBSITES.get(service.lower(), ANY_CARRIER_WEBSITE)
            service = "OTHER"

        def existing() -> str | None:
            detail = self._order_detail(order_id, "push_tracking")
            for parcel in _list(detail, "logistic_info_list", ORDER_DETAIL):
                if str(parcel.get("logistics_no") or "").strip() == number:
                    return number
            return None

        def create() -> str:
            params = {
                "service_name": service,
                "tracking_website": website or None,
                "out_ref": order_id,
                "send_type": "all",
                "logistics_no": number,
                "description": f"Shipped with {carrier.strip() or 'the carrier'}, tracking number {number}."[
                    :512
                ],
            }
            self._call("push_tracking", FULFILL, params, once=True)
            return number

        return self.http.once(existing, create)

    # --- refunds ----------------------------------------------------------------------------

    def refund_create(self, *, refund: RefundOrder) -> RefundResult:
        raise ConnectorError(
            "AliExpress has no seller-initiated refund: the money goes back through the buyer's "
            "dispute. Refund in the AliExpress Seller Center.",
            retryable=False,
        )

    # --- shared -----------------------------------------------------------------------------

    @staticmethod
    def _order_id(external_id: str) -> str:
        value = external_id.strip().lstrip("#")
        if not value.isdigit():
            raise ConnectorError(f"{external_id!r} is not an AliExpress order number.", retryable=False)
        return value


def _pushed_shape(relation: dict[str, Any]) -> dict[str, Any]:
    """A conversation's last message in the shape of AliExpress's message push (``data``)."""
    order_id = str(relation.get("order_id") or "")
    return {
        "channel_id": relation.get("channel_id"),
        "msg_id": relation.get("last_message_id"),
        "sender_login_id": relation.get("other_login_id"),
        "sender_name": relation.get("other_name"),
        "content": relation.get("last_message_content"),
        "gmt_create": relation.get("message_time"),
        "order_id": "" if order_id == "0" else order_id,
    }


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def _newest(dates: list[str]) -> str:
    """The newest of AliExpress's Pacific-time dates, as AliExpress writes them ("" if none)."""
    moments = []
    for value in dates:
        try:
            moment = pacific_time({"value": value}, "value")
        except MalformedPayload:
            continue
        if moment is not None:
            moments.append(moment)
    return pacific_text(max(moments)) if moments else ""


def _overlap(seen_max: str) -> str:
    newest = pacific_time({"value": seen_max}, "value") if seen_max else None
    return pacific_text(newest - dt.timedelta(seconds=1)) if newest else ""


def aliexpress_connector(store: Store) -> AliExpressConnector | None:
    """The registry's factory: a connector for an AliExpress store with stored credentials."""
    from helpdesk.platforms.credentials import stored_secrets

    stored = stored_secrets(store=store, label="AliExpress")
    if stored is None:
        return None
    credential, secrets = stored
    try:
        return AliExpressConnector(
            gateway_url=credential.base_url or GATEWAY,
            app_key=secrets.get("app_key", ""),
            app_secret=secrets.get("app_secret", ""),
            access_token=secrets.get("access_token", ""),
            store_id=store.pk,
            seller_login_id=store.external_id,
        )
    except ConnectorError as error:
        logger.warning("AliExpress store %s: %s", store.pk, error.message)
        return None

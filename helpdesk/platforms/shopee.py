"""Shopee Open Platform v2 (``https://partner.shopeemobile.com/api/v2/``): orders, seller chat,
tracking for the seller's own carrier, and refunds of buyers' return requests.

Auth, as Shopee documents it for shop-level APIs: every call carries ``partner_id``,
``timestamp`` (Unix seconds), ``access_token``, ``shop_id`` and ``sign`` in the query, where
``sign`` is the hex HMAC-SHA256, keyed with the partner key, of ``partner_id + api_path +
timestamp + access_token + shop_id``. Public APIs (the token refresh) sign ``partner_id +
api_path + timestamp`` and carry only ``partner_id``, ``timestamp`` and ``sign``. The shop's
access token lives 4 hours: when Shopee answers ``error_auth`` or ``invalid_access_token`` the
connector refreshes it once (``POST /api/v2/auth/access_token/get`` with ``refresh_token``,
``shop_id``, ``partner_id``) and repeats the call. Shopee rotates the refresh token on every
refresh, so the new pair goes back to the store's credentials (``on_tokens``); before renewing,
the stored pair is read again (``stored_tokens``): when another worker has renewed it meanwhile,
its tokens are used instead of renewing again with a refresh token Shopee no longer accepts.

Errors are ``{"error", "message", "request_id"}``, on HTTP 200 as well as 4xx: a non-empty
``error`` is a failure whatever the status. ``error_too_many_request`` (or a 429) is a rate
limit and is retried with backoff (Shopee sends no ``Retry-After``), 5xx and ``error_inner`` /
``error_server`` / ``error_network`` / ``error_busy`` are retried too, ``error_sign`` and 401/403
are the store's credentials, everything else (``error_param``, ``error_not_found``, …) is final.
``refusal`` is that reading of the body, given to ``PlatformHttp`` with a fresh signature per
attempt (the timestamp and, after a refresh, the token change).

- ``sync_orders``: ``GET order/get_order_list?time_range_field=update_time&time_from&time_to
  &page_size=100&cursor=…`` (Shopee allows at most 15 days per query, so a sync walks 15-day
  windows from ``time_from`` up to now), then ``GET order/get_order_detail`` for up to 50
  ``order_sn`` at a time with the optional fields the mapping reads
  (``helpdesk.commerce.shopee.order``). The cursor is ``{"time_from", "time_to", "cursor",
  "seen_max"}``: a window keeps its bounds while its pages are walked; after the last window
  the next run starts ``OVERLAP_SECONDS`` before the end of the last one (``seen_max``, the
  newest ``update_time`` seen, is kept for information). The first sync reaches back
  ``initial_days`` (90).
- ``fetch_messages``: ``GET sellerchat/get_conversation_list?direction=older&type=all
  &page_size=25[&next_timestamp_nano=…]`` newest conversation first, and for each conversation
  with a message since the last pass ``GET sellerchat/get_message?conversation_id&offset
  &page_size`` back to that point. Each message goes through the Shopee push normaliser
  (``tickets.ingest.platforms.families.shopee``), so a pulled message and a pushed one are the
  same message (``external_id`` = ``message_id``, ``thread_id`` = ``conversation_id``,
  ``buyer_id`` = ``from_id``) and stored once. The shop's own messages (``from_shop_id`` or
  ``from_id`` equal to the shop id) are left out. The cursor is ``{"since",
  "next_timestamp_nano", "pass_max"}`` (nanoseconds, as Shopee counts conversation times); the
  first fetch reaches back ``initial_message_days`` (3).
- ``send_message``: ``POST sellerchat/send_message`` ``{"to_id": buyer_id, "message_type":
  "text", "content": {"text": …}}``; it needs the buyer's Shopee user id. Shopee takes no
  idempotency key: before a retry whose first answer was lost, the conversation
  (``thread_id``) is searched for the same text to the buyer in the last ten minutes, so it is
  not sent twice (without a ``thread_id`` there is nothing to search: a lost answer may repeat).
- ``push_tracking``: ``POST logistics/ship_order`` ``{"order_sn", "non_integrated":
  {"tracking_number"}}``, Shopee's way for a non-integrated channel (the seller's own carrier;
  the carrier's name is the channel's, so ``carrier`` is not sent). ``GET
  logistics/get_tracking_number`` is asked first and after a refusal: an order already shipped
  with this number is done, with another number a final error. Orders on Shopee-integrated
  channels (pickup/drop-off booked with Shopee's logistics partner) are shipped in Seller Centre.
- ``refund_create``: Shopee has no refund the seller starts: money goes back through the
  buyer's return request. ``GET returns/get_return_list`` (the last 30 days, in 15-day windows)
  finds the order's request, and ``POST returns/confirm {"return_sn"}`` accepts it, which
  refunds the request's ``refund_amount``; a return already accepted is the refund (so a retry
  never refunds twice). No request, a request under Shopee's review, an amount other than the
  request's, or store credit: ``ConnectorError(retryable=False)`` saying so.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from helpdesk.platforms.base import (
    Capability,
    ConnectorError,
    MessagePage,
    OrderPage,
    RefundOrder,
    RefundResult,
    RetryPolicy,
)
from helpdesk.platforms.http import PlatformHttp, RateLimited, is_loopback, retry_after_seconds
from helpdesk.webhooks import MalformedPayload

if TYPE_CHECKING:
    from customers.models import Store
    from tickets.ingest.inbound import InboundMessage

logger = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://partner.shopeemobile.com"
REFRESH_PATH = "/api/v2/auth/access_token/get"
ORDER_LIST_PATH = "/api/v2/order/get_order_list"
ORDER_DETAIL_PATH = "/api/v2/order/get_order_detail"
CONVERSATIONS_PATH = "/api/v2/sellerchat/get_conversation_list"
MESSAGES_PATH = "/api/v2/sellerchat/get_message"
SEND_MESSAGE_PATH = "/api/v2/sellerchat/send_message"
SHIP_ORDER_PATH = "/api/v2/logistics/ship_order"
TRACKING_NUMBER_PATH = "/api/v2/logistics/get_tracking_number"
RETURN_LIST_PATH = "/api/v2/returns/get_return_list"
RETURN_CONFIRM_PATH = "/api/v2/returns/confirm"

DAY = 86_400
WINDOW_SECONDS = 15 * DAY  # Shopee's longest time range per order or return query
OVERLAP_SECONDS = 300  # the next sync re-reads the last five minutes: late-indexed changes
MESSAGE_OVERLAP_SECONDS = 60
PAGE_SIZE = 100  # get_order_list's maximum
DETAIL_BATCH = 50  # get_order_detail's maximum of order_sn per call
CHAT_PAGE_SIZE = 25
MAX_MESSAGE_PAGES = 20  # per conversation and pass
RETURN_WINDOWS = 2  # 30 days of return requests
MAX_RETURN_PAGES = 20  # per window
NANO = 1_000_000_000
CENT = Decimal("0.01")
DETAIL_FIELDS = (
    "buyer_user_id,buyer_username,item_list,total_amount,recipient_address,currency,update_time,order_status"
)

AUTH_EXPIRED = frozenset({"error_auth", "invalid_access_token", "invalid_acceess_token"})
CREDENTIAL_ERRORS = frozenset({"error_sign", "error_permission", "invalid_partner_id"})
RETRYABLE_ERRORS = frozenset(
    {"error_inner", "error_server", "error_network", "error_busy", "error_system_busy"}
)
RETURN_DONE = frozenset({"ACCEPTED", "REFUND_PAID"})
RETURN_OPEN = frozenset({"REQUESTED", "PROCESSING"})


class ShopeeError(ConnectorError):
    """A refusal with Shopee's error code (``error_param``, ``invalid_access_token``, …)."""

    def __init__(self, message: str, *, code: str, retryable: bool, status_code: int | None) -> None:
        super().__init__(message, retryable=retryable, status_code=status_code)
        self.code = code


def error_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(data, dict) and (data.get("message") or data.get("error")):
        code = str(data.get("error") or "")
        message = str(data.get("message") or code)
        return (f"{message} ({code})" if code and code != message else message)[:500]
    return str(data)[:300]


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def refusal(response: httpx.Response) -> ConnectorError | None:
    """Shopee's reading of an answer: an ``error`` in the body is a failure even on HTTP 200
    (with Shopee's code kept on ``ShopeeError``); a 2xx body must be a JSON object."""
    status = response.status_code
    try:
        data = response.json()
    except ValueError:
        data = None
    code = str(data.get("error") or "").strip() if isinstance(data, dict) else ""
    if 200 <= status < 300 and not code:
        if not isinstance(data, dict):
            return ConnectorError("Shopee answered with something other than a JSON object.", retryable=True)
        return None
    message = error_message(response)
    if status == 429 or code.startswith("error_too_many_request"):
        return RateLimited(
            f"Shopee's rate limit was reached: {message}", retry_after=retry_after_seconds(response)
        )
    if status >= 500 or code in RETRYABLE_ERRORS:
        return ShopeeError(
            f"Shopee failed ({status}): {message}", code=code, retryable=True, status_code=status
        )
    if code in AUTH_EXPIRED:
        return ShopeeError(
            f"Shopee refused the shop's access token ({status}): {message}",
            code=code,
            retryable=False,
            status_code=status,
        )
    if code in CREDENTIAL_ERRORS or status in (401, 403):
        return ShopeeError(
            f"Shopee refused the store's credentials ({status}): {message}",
            code=code,
            retryable=False,
            status_code=status,
        )
    return ShopeeError(
        f"Shopee refused ({status}): {message}", code=code, retryable=False, status_code=status
    )


class ShopeeConnector:
    platform = "shopee"
    capabilities = frozenset(
        {
            Capability.SYNC_ORDERS,
            Capability.FETCH_MESSAGES,
            Capability.SEND_MESSAGE,
            Capability.PUSH_TRACKING,
            Capability.REFUND_CREATE,
        }
    )

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        partner_id: str,
        partner_key: str,
        shop_id: str,
        access_token: str,
        refresh_token: str,
        store_id: int | None = None,
        policy: RetryPolicy | None = None,
        timeout_seconds: float = 20.0,
        sleep: Callable[[float], None] | None = None,
        clock: Callable[[], float] | None = None,
        on_tokens: Callable[[str, str], None] | None = None,
        stored_tokens: Callable[[], tuple[str, str]] | None = None,
        page_size: int = PAGE_SIZE,
        chat_page_size: int = CHAT_PAGE_SIZE,
        initial_days: int = 90,
        initial_message_days: int = 3,
    ) -> None:
        url = (base_url or DEFAULT_BASE_URL).strip().rstrip("/")
        parts = urlsplit(url)
        if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
            raise ConnectorError(
                f"Shopee's access token travels in the query string: the API address must be https://, not {url!r}.",
                retryable=False,
            )
        self.partner_id = str(partner_id).strip()
        self.shop_id = str(shop_id).strip()
        if not self.partner_id.isdigit() or not self.shop_id.isdigit():
            raise ConnectorError("Shopee's partner_id and shop_id are numbers.", retryable=False)
        if not partner_key or not access_token or not refresh_token:
            raise ConnectorError(
                "Shopee needs the partner key and the shop's access and refresh tokens.", retryable=False
            )
        self.partner_key = partner_key
        self.access_token = access_token
        self.refresh_token = refresh_token
        self.store_id = store_id
        self.clock = clock or time.time
        self.on_tokens = on_tokens
        self.stored_tokens = stored_tokens
        self.page_size = page_size
        self.chat_page_size = chat_page_size
        self.initial_days = initial_days
        self.initial_message_days = initial_message_days
        client = httpx.Client(base_url=url, headers={"Accept": "application/json"}, timeout=timeout_seconds)
        self.http = PlatformHttp(
            platform=self.platform,
            store_id=store_id,
            client=client,
            error_message=error_message,
            policy=policy or RetryPolicy(),
            error_for=refusal,
            prepare=self._signed_request,
            sleep=sleep,
        )

    def close(self) -> None:
        self.http.client.close()

    # --- auth -------------------------------------------------------------------------------

    def sign(self, path: str, timestamp: int, *, public: bool = False) -> str:
        base = f"{self.partner_id}{path}{timestamp}"
        if not public:
            base += f"{self.access_token}{self.shop_id}"
        return hmac.new(self.partner_key.encode(), base.encode(), hashlib.sha256).hexdigest()

    def _signed(self, path: str, public: bool) -> dict[str, Any]:
        timestamp = int(self.clock())
        params: dict[str, Any] = {"partner_id": self.partner_id, "timestamp": timestamp}
        if not public:
            params.update(access_token=self.access_token, shop_id=self.shop_id)
        params["sign"] = self.sign(path, timestamp, public=public)
        return params

    def _signed_request(self, path: str, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Each attempt signed afresh: the timestamp and, after a refresh, the token change.
        ``public=True`` (the token refresh) signs without the shop's token."""
        rest = dict(kwargs)
        public = bool(rest.pop("public", False))
        params = {**(rest.pop("params", None) or {}), **self._signed(path, public)}
        return {**rest, "params": params}

    def refresh_access_token(self) -> None:
        """A new access token (and refresh token: Shopee rotates it), stored through ``on_tokens``;
        or the pair another worker renewed and stored meanwhile."""
        if self.stored_tokens is not None:
            access, refresh = self.stored_tokens()
            if access and refresh and access != self.access_token:
                self.access_token, self.refresh_token = access, refresh
                return
        body = {
            "refresh_token": self.refresh_token,
            "shop_id": int(self.shop_id),
            "partner_id": int(self.partner_id),
        }
        try:
            answer = self.http.request("refresh_token", "POST", REFRESH_PATH, json=body, public=True).json()
        except ConnectorError as error:
            if error.retryable:
                raise
            raise ConnectorError(
                f"Shopee would not renew the shop's access token: {error.message} "
                "Authorise the shop again in Shopee's partner console and store the new tokens.",
                retryable=False,
                status_code=error.status_code,
            ) from error
        access, refresh = str(answer.get("access_token") or ""), str(answer.get("refresh_token") or "")
        if not access or not refresh:
            raise ConnectorError("Shopee renewed the access token without sending it.", retryable=True)
        self.access_token, self.refresh_token = access, refresh
        if self.on_tokens is not None:
            self.on_tokens(access, refresh)

    def _call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        once: bool = False,
    ) -> dict[str, Any]:
        """Shopee's ``response`` object; a token Shopee calls expired is renewed once and the call
        repeated (``once``: a single attempt, for POSTs whose retry the caller guards)."""
        extra: dict[str, Any] = {"params": params or {}}
        if json is not None:
            extra["json"] = json
        refreshed = False
        while True:
            send = self.http.request_once if once else self.http.request
            try:
                answer = send(operation, method, path, **extra).json()
            except ShopeeError as error:
                if error.code not in AUTH_EXPIRED or refreshed:
                    raise
                self.refresh_access_token()
                refreshed = True
                continue
            result = answer.get("response")
            return result if isinstance(result, dict) else {}

    # --- orders -----------------------------------------------------------------------------

    def sync_orders(self, *, cursor: dict[str, Any]) -> OrderPage:
        now = int(self.clock())
        time_from = min(_int(cursor.get("time_from")) or now - self.initial_days * DAY, now - 1)
        time_to = _int(cursor.get("time_to")) or min(time_from + WINDOW_SECONDS, now)
        time_to = min(max(time_to, time_from + 1), time_from + WINDOW_SECONDS)
        position = str(cursor.get("cursor") or "")
        seen_max = _int(cursor.get("seen_max"))
        listing = self._call(
            "sync_orders",
            "GET",
            ORDER_LIST_PATH,
            params={
                "time_range_field": "update_time",
                "time_from": time_from,
                "time_to": time_to,
                "page_size": self.page_size,
                "cursor": position,
            },
        )
        numbers = [
            str(item["order_sn"])
            for item in listing.get("order_list") or []
            if isinstance(item, dict) and item.get("order_sn")
        ]
        orders = self._order_details(numbers)
        seen_max = max([seen_max] + [_int(order.get("update_time")) for order in orders])
        if listing.get("more"):
            next_position = str(listing.get("next_cursor") or "")
            if not next_position or next_position == position:
                raise ConnectorError(
                    "Shopee said more orders follow but gave no next cursor.", retryable=True
                )
            return OrderPage(
                orders,
                next_cursor={
                    "time_from": time_from,
                    "time_to": time_to,
                    "cursor": next_position,
                    "seen_max": seen_max,
                },
            )
        if time_to - time_from >= WINDOW_SECONDS and time_to < now:
            # a full 15-day window: the next one starts where it ended
            return OrderPage(orders, next_cursor={"time_from": time_to, "cursor": "", "seen_max": seen_max})
        return OrderPage(
            orders,
            next_cursor=None,
            caught_up_cursor={"time_from": max(time_to - OVERLAP_SECONDS, time_from), "seen_max": seen_max},
        )

    def _order_details(self, numbers: list[str]) -> list[dict[str, Any]]:
        orders: list[dict[str, Any]] = []
        for start in range(0, len(numbers), DETAIL_BATCH):
            batch = numbers[start : start + DETAIL_BATCH]
            detail = self._call(
                "sync_orders",
                "GET",
                ORDER_DETAIL_PATH,
                params={"order_sn_list": ",".join(batch), "response_optional_fields": DETAIL_FIELDS},
            )
            found = {
                str(order.get("order_sn")): order
                for order in detail.get("order_list") or []
                if isinstance(order, dict) and order.get("order_sn")
            }
            orders += [found[number] for number in batch if number in found]
        return orders

    # --- chat -------------------------------------------------------------------------------

    def fetch_messages(self, *, cursor: dict[str, Any]) -> MessagePage:
        if self.store_id is None:
            raise ConnectorError(
                "Shopee messages are fetched for a store: the connector has none.", retryable=False
            )
        now_nano = int(self.clock() * NANO)
        since = _int(cursor.get("since")) or now_nano - self.initial_message_days * DAY * NANO
        position = str(cursor.get("next_timestamp_nano") or "")
        pass_max = _int(cursor.get("pass_max"))
        params: dict[str, Any] = {"direction": "older", "type": "all", "page_size": self.chat_page_size}
        if position:
            params["next_timestamp_nano"] = position
        answer = self._call("fetch_messages", "GET", CONVERSATIONS_PATH, params=params)
        messages: list[InboundMessage] = []
        reached_known = False
        for conversation in answer.get("conversations") or []:
            if not isinstance(conversation, dict):
                continue
            last = _int(conversation.get("last_message_timestamp"))
            pass_max = max(pass_max, last)
            if last <= since:
                reached_known = True  # newest first: the rest was read by an earlier pass
                continue
            messages += self._conversation_messages(conversation, since)
        messages.sort(
            key=lambda message: (message.sent_at.timestamp() if message.sent_at else 0, message.external_id)
        )
        page_result = answer.get("page_result")
        page_result = page_result if isinstance(page_result, dict) else {}
        next_cursor = page_result.get("next_cursor")
        next_position = (
            str(next_cursor.get("next_message_time_nano") or "") if isinstance(next_cursor, dict) else ""
        )
        if page_result.get("more") and not reached_known and next_position and next_position != position:
            return MessagePage(
                messages,
                next_cursor={"since": since, "next_timestamp_nano": next_position, "pass_max": pass_max},
            )
        return MessagePage(messages, next_cursor=None, caught_up_cursor={"since": max(since, pass_max)})

    def _conversation_messages(self, conversation: dict[str, Any], since: int) -> list[InboundMessage]:
        conversation_id = str(conversation.get("conversation_id") or "")
        if not conversation_id:
            return []
        since_seconds = since // NANO - MESSAGE_OVERLAP_SECONDS
        found: list[InboundMessage] = []
        offset = ""
        for _ in range(MAX_MESSAGE_PAGES):
            params: dict[str, Any] = {"conversation_id": conversation_id, "page_size": self.chat_page_size}
            if offset:
                params["offset"] = offset
            answer = self._call("fetch_messages", "GET", MESSAGES_PATH, params=params)
            items = [item for item in answer.get("messages") or [] if isinstance(item, dict)]
            older = False
            for item in items:  # newest first
                created = _int(item.get("created_timestamp"))
                if created and created < since_seconds:
                    older = True
                    continue
                inbound = self._inbound(item, conversation)
                if inbound is not None:
                    found.append(inbound)
            page_result = answer.get("page_result")
            next_offset = str(page_result.get("next_offset") or "") if isinstance(page_result, dict) else ""
            if older or not items or not next_offset or next_offset == offset:
                break
            offset = next_offset
        return found

    def _inbound(self, item: dict[str, Any], conversation: dict[str, Any]) -> InboundMessage | None:
        """One chat message through the Shopee push normaliser, as if Shopee had pushed it."""
        from tickets.ingest.platforms import families
        from tickets.ingest.platforms.base import Ignored, WebhookRequest

        if self.shop_id in {str(item.get("from_shop_id") or ""), str(item.get("from_id") or "")}:
            return None  # the seller's own message
        content = dict(item)
        content.setdefault("conversation_id", conversation.get("conversation_id"))
        if str(content.get("from_id") or "") == str(conversation.get("to_id") or "") and conversation.get(
            "to_name"
        ):
            content.setdefault("from_user_name", conversation["to_name"])
        payload = {
            "shop_id": int(self.shop_id),
            "code": families.SHOPEE_WEBCHAT_PUSH,
            "timestamp": _int(item.get("created_timestamp")),
            "data": {"type": "message", "content": content},
        }
        assert self.store_id is not None  # checked by fetch_messages
        request = WebhookRequest(store_id=self.store_id, store_account=self.shop_id, headers={}, body=b"")
        try:
            result = families.shopee(payload, request)
        except MalformedPayload as error:
            logger.warning("Shopee message %s left out: %s", item.get("message_id"), error.reason)
            return None
        return None if isinstance(result, Ignored) else result

    def send_message(
        self, *, order_external_id: str, text: str, thread_id: str = "", buyer_id: str = ""
    ) -> str:
        text = text.strip()
        if not text:
            raise ConnectorError("An empty message cannot be sent.", retryable=False)
        buyer = buyer_id.strip()
        if not buyer.isdigit():
            raise ConnectorError(
                "A Shopee chat message goes to the buyer's Shopee user id, and this conversation has none.",
                retryable=False,
            )
        body = {"to_id": int(buyer), "message_type": "text", "content": {"text": text}}
        started = int(self.clock()) - 600  # Shopee's clock may differ from ours a little

        def existing() -> str | None:
            if not thread_id:
                return None  # no conversation to look in: a lost answer may repeat the message
            answer = self._call(
                "send_message",
                "GET",
                MESSAGES_PATH,
                params={"conversation_id": thread_id, "page_size": self.chat_page_size},
            )
            for item in answer.get("messages") or []:
                if (
                    isinstance(item, dict)
                    and str(item.get("to_id") or "") == buyer
                    and (item.get("content") or {}).get("text") == text
                    and _int(item.get("created_timestamp")) >= started
                ):
                    return str(item.get("message_id") or "")
            return None

        def create() -> str:
            answer = self._call("send_message", "POST", SEND_MESSAGE_PATH, json=body, once=True)
            if not answer.get("message_id"):
                raise ConnectorError("Shopee answered the message without a message id.", retryable=True)
            return str(answer["message_id"])

        return self.http.once(existing, create, check_first=False)

    # --- tracking ---------------------------------------------------------------------------

    def push_tracking(self, *, order_external_id: str, carrier: str, number: str) -> str:
        order_sn = order_external_id.strip().lstrip("#")
        number = number.strip()
        if not order_sn or not number:
            raise ConnectorError("Shopee needs the order number and a tracking number.", retryable=False)

        def existing() -> str | None:
            answer = self._call("push_tracking", "GET", TRACKING_NUMBER_PATH, params={"order_sn": order_sn})
            current = str(answer.get("tracking_number") or "").strip()
            if current == number:
                return number
            if current:
                raise ConnectorError(
                    f"Shopee order {order_sn} has already shipped with tracking number {current}, not {number}.",
                    retryable=False,
                )
            return None

        def create() -> str:
            self._call(
                "push_tracking",
                "POST",
                SHIP_ORDER_PATH,
                json={"order_sn": order_sn, "non_integrated": {"tracking_number": number}},
                once=True,
            )
            return number

        try:
            return self.http.once(existing, create)
        except ShopeeError as error:
            if error.retryable or error.code in AUTH_EXPIRED | CREDENTIAL_ERRORS:
                raise
            if existing() == number:  # shipped meanwhile, with this number: done
                return number
            raise

    # --- refunds ----------------------------------------------------------------------------

    def refund_create(self, *, refund: RefundOrder) -> RefundResult:
        if refund.method != "original_payment":
            raise ConnectorError(
                "Shopee refunds to the buyer's payment only, through their return request; "
                "issue store credit by hand.",
                retryable=False,
            )
        if refund.amount <= 0:
            raise ConnectorError("A refund needs an amount above zero.", retryable=False)
        order_sn = refund.order_external_id.strip().lstrip("#")
        found: dict[str, Any] = {}

        def existing() -> str | None:
            found.clear()
            found.update(self._return_for(order_sn) or {})
            if str(found.get("status") or "").upper() in RETURN_DONE:
                return str(found["return_sn"])
            return None

        def create() -> str:
            status = str(found.get("status") or "").upper()
            if not found:
                raise ConnectorError(
                    f"Shopee order {order_sn} has no return request. A Shopee refund starts from the "
                    "buyer's return request (the buyer opens it in the Shopee app); the seller cannot "
                    "refund on their own.",
                    retryable=False,
                )
            if status not in RETURN_OPEN:
                raise ConnectorError(
                    f"The buyer's return request {found['return_sn']} for Shopee order {order_sn} is "
                    f"{status.lower() or 'in an unknown state'}, so it cannot be accepted now.",
                    retryable=False,
                )
            requested = Decimal(str(found.get("refund_amount") or "0")).quantize(CENT)
            if abs(requested - refund.amount.quantize(CENT)) > CENT / 2:
                raise ConnectorError(
                    f"The buyer's return request for Shopee order {order_sn} is for {requested} "
                    f"{found.get('currency') or refund.currency}; Shopee refunds exactly that when the "
                    f"request is accepted, not {refund.amount.quantize(CENT)}. Offer another amount in "
                    "Seller Centre.",
                    retryable=False,
                )
            self._call(
                "refund_create",
                "POST",
                RETURN_CONFIRM_PATH,
                json={"return_sn": found["return_sn"]},
                once=True,
            )
            found["status"] = "ACCEPTED"
            return str(found["return_sn"])

        reference = self.http.once(existing, create)
        return RefundResult(reference=reference, raw=dict(found))

    def _return_for(self, order_sn: str) -> dict[str, Any] | None:
        """The order's return request of the last 30 days: one already accepted first, then an
        open one, then any."""
        now = int(self.clock())
        matches: list[dict[str, Any]] = []
        for window in range(RETURN_WINDOWS):
            time_to = now - window * WINDOW_SECONDS
            for page_no in range(MAX_RETURN_PAGES):
                answer = self._call(
                    "refund_lookup",
                    "GET",
                    RETURN_LIST_PATH,
                    params={
                        "page_no": page_no,
                        "page_size": PAGE_SIZE,
                        "create_time_from": time_to - WINDOW_SECONDS,
                        "create_time_to": time_to,
                    },
                )
                matches += [
                    item
                    for item in answer.get("return") or []
                    if isinstance(item, dict)
                    and str(item.get("order_sn")) == order_sn
                    and item.get("return_sn")
                ]
                if not answer.get("more"):
                    break

        def rank(item: dict[str, Any]) -> int:
            status = str(item.get("status") or "").upper()
            return 0 if status in RETURN_DONE else 1 if status in RETURN_OPEN else 2

        return min(matches, key=rank) if matches else None


def shopee_connector(store: Store) -> ShopeeConnector | None:
    """The registry's factory: a connector for a Shopee shop with stored credentials
    (``partner_id``, ``partner_key``, ``shop_id``, ``access_token``, ``refresh_token``); renewed
    tokens are stored back, since Shopee's refresh token changes with every renewal."""
    from helpdesk.platforms.credentials import platform_credential_set, stored_secrets

    stored = stored_secrets(store=store, label="Shopee")
    if stored is None:
        return None
    credential, secrets = stored
    base_url = credential.base_url or DEFAULT_BASE_URL

    def on_tokens(access_token: str, refresh_token: str) -> None:
        secrets.update(access_token=access_token, refresh_token=refresh_token)
        platform_credential_set(store=store, base_url=base_url, secrets=dict(secrets))

    def stored_tokens() -> tuple[str, str]:
        again = stored_secrets(store=store, label="Shopee")
        if again is None:
            return "", ""
        fresh = again[1]
        secrets.update(fresh)
        return fresh.get("access_token", ""), fresh.get("refresh_token", "")

    try:
        return ShopeeConnector(
            base_url=base_url,
            partner_id=secrets.get("partner_id", ""),
            partner_key=secrets.get("partner_key", ""),
            shop_id=secrets.get("shop_id", ""),
            access_token=secrets.get("access_token", ""),
            refresh_token=secrets.get("refresh_token", ""),
            store_id=store.pk,
            on_tokens=on_tokens,
            stored_tokens=stored_tokens,
        )
    except ConnectorError as error:
        logger.warning("Shopee store %s: %s", store.pk, error.message)
        return None

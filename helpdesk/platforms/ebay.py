"""eBay's REST APIs (``https://api.ebay.com``): order sync, member messages, refunds, tracking.

Auth: an OAuth user token. The store's ``client_id``/``client_secret`` (the eBay app's keys) and
the seller's ``refresh_token`` are exchanged at ``POST /identity/v1/oauth2/token``
(``grant_type=refresh_token``, HTTP Basic ``client_id:client_secret``, the scopes below) for an
access token sent as ``Authorization: Bearer``. The token is kept until shortly before
``expires_in`` runs out: in memory and, sealed with ``PLATFORM_CREDENTIALS_KEY``, in the cache
so the next task reuses it; a 401 from an API refreshes it once and repeats the call. The
scopes asked for are fulfillment, finances (``issue_refund``) and message; a store whose
consent covers fewer sets ``scopes`` (space-separated) in its secrets, since eBay refuses a
refresh that asks for more than was granted.

- ``sync_orders``: Sell Fulfillment ``GET /sell/fulfillment/v1/order?filter=lastmodifieddate:
  [since..until]&limit=…&offset=…``. The cursor is ``{"since", "until", "offset", "seen_max"}``:
  a pass fixes its window (``until`` is when it started, so orders changed during the walk wait
  for the next pass instead of shifting the offsets) and walks it by offset (``total`` says how
  far); when caught up the next window starts one second before the newest
  ``lastModifiedDate`` seen (the overlap refetches an order or two, which the upsert ignores).
  A first sync reaches back ``initial_days`` (90).
- ``fetch_messages``: the Commerce Message API (not the Trading API's XML GetMemberMessages:
  the REST API is documented, covers order and listing conversations alike and answers in the
  shape the eBay push normaliser already reads). ``GET /commerce/message/v1/conversation?
  conversation_type=FROM_MEMBERS&start_time=…&limit=…&offset=…`` pages the conversations active
  since the cursor's ``since``; ``GET /commerce/message/v1/conversation/{id}?conversation_type=
  FROM_MEMBERS`` (paged the same way) gives each one's messages. Each message goes through
  ``tickets.ingest.platforms.families.ebay``, the normaliser of pushed eBay messages, so a
  message pushed and pulled has the same ``external_id`` (``messageId``) and ``thread_id``
  (``conversationId``) and is stored once; the seller's own messages (sender = the store's eBay
  username, ``Store.external_id``) are left out. Cursor ``{"since", "offset", "seen_max"}``;
  a first fetch reaches back three days.
- ``send_message``: ``POST /commerce/message/v1/send_message`` with ``conversationId`` (the
  ticket's thread) or, for a first message, ``otherPartyUsername`` and a ``reference`` to the
  order's listing (``referenceType: LISTING``, the only kind eBay accepts). eBay takes no
  idempotency key: a send is noted in the cache before the POST and forgotten once eBay
  answered, so a retry after a lost answer (also a later task's) first looks for the seller's
  message with the same text in the conversation since then.
- ``refund_create``: ``POST /sell/fulfillment/v1/order/{orderId}/issue_refund`` (order level,
  or ``refundItems`` for one line). No idempotency key, and eBay does not give the ``comment``
  back (``paymentSummary.refunds`` holds ``refundId``, ``refundStatus``, ``amount``,
  ``refundDate`` only), so the ``[helpdesk:<key>]`` marker in the comment is for people: before
  the first POST the order's refund ids are noted in the cache under the ledger's key, and every
  later attempt (also a later task) reads the order first and takes a refund that was not there
  before (same amount, or the only new one) as the one already made. A refund the seller makes
  by hand in the same minutes could be mistaken for it; a double refund cannot happen unless
  the cache is wiped between a lost answer and its retry.
- ``push_tracking``: ``POST /sell/fulfillment/v1/order/{orderId}/shipping_fulfillment`` with the
  order's lines not yet shipped; the order's fulfillments (``GET …/shipping_fulfillment``) are
  read first so the same tracking number is never pushed twice. The carrier goes as
  ``shippingCarrierCode`` written as eBay's carrier codes are (the name without spaces:
  ``RoyalMail``, ``DeutschePost``, ``DHL``).

Errors are ``{"errors": [{"errorId", "domain", "message", "longMessage"}]}`` (the token
endpoint: ``{"error", "error_description"}``); 429 and ``errorId`` 2001 are the rate limit
(retried, ``Retry-After`` honoured when sent), 5xx retried, other 4xx final. eBay asks for a
digital signature on ``issue_refund`` for EU/UK sellers: with the store's Key Management API
key (secrets ``signing_key_jwe`` and ``signing_private_key``, an Ed25519 key as eBay issues it,
base64 PKCS#8 or PEM) the refund is signed as eBay's "Digital Signatures for APIs" describes
(RFC 9421: ``Content-Digest`` sha-256, ``x-ebay-signature-key``, ``Signature-Input`` over
``content-digest``, ``x-ebay-signature-key``, ``@method``, ``@path``, ``@authority`` with
``created``, and ``Signature``). Without a key the request goes unsigned, which eBay accepts
for sellers outside the EU and UK; for the others eBay's refusal is shown and the refund is
made by hand.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Callable, Generator
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.cache import cache

from helpdesk.exceptions import ApplicationError
from helpdesk.platforms.base import (
    Capability,
    ConnectorError,
    MessagePage,
    OrderPage,
    RefundOrder,
    RefundResult,
    RetryPolicy,
)
from helpdesk.platforms.http import PlatformHttp, RateLimited, is_loopback, status_error

if TYPE_CHECKING:
    from customers.models import Store

logger = logging.getLogger(__name__)

BASE_URL = "https://api.ebay.com"
TOKEN_PATH = "/identity/v1/oauth2/token"
FULFILLMENT = "/sell/fulfillment/v1/order"
MESSAGES = "/commerce/message/v1"
SCOPES = (
    "https://api.ebay.com/oauth/api_scope/sell.fulfillment",
    "https://api.ebay.com/oauth/api_scope/sell.finances",  # issue_refund
    "https://api.ebay.com/oauth/api_scope/commerce.message",
)
ORDER_PAGE = 100  # getOrders allows up to 200
CONVERSATION_PAGE = 50  # getConversations' and getConversation's maximum
RATE_LIMIT_ERROR = 2001
TOKEN_MARGIN = dt.timedelta(minutes=2)  # refresh a little before eBay's expiry
REFUND_MEMORY_SECONDS = 180 * 24 * 3600
SENT_SKEW = dt.timedelta(minutes=5)
SEND_MEMORY_SECONDS = 7 * 24 * 3600
MESSAGE_MAX = 2000
COMMENT_MAX = 100
CENT = Decimal("0.01")


def _marker(idempotency_key: str) -> str:
    return f"[helpdesk:{idempotency_key}]"


def stamp(moment: dt.datetime) -> str:
    """eBay's timestamp: UTC, milliseconds, ``Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_stamp(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def error_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(data, dict) and isinstance(data.get("errors"), list):
        parts = []
        for item in data["errors"][:3]:
            if isinstance(item, dict):
                said = item.get("longMessage") or item.get("message") or "error"
                parts.append(f"{said} (errorId {item.get('errorId')})" if item.get("errorId") else str(said))
        if parts:
            return "; ".join(parts)[:500]
    if isinstance(data, dict) and data.get("error"):
        return f"{data.get('error_description') or data['error']} ({data['error']})"[:500]
    return str(data)[:300]


def rate_limit_error(response: httpx.Response) -> ConnectorError | None:
    """eBay's rate-limit error (errorId 2001) retried like a 429, whatever the status; None
    leaves every other answer to ``PlatformHttp``'s reading of the status."""
    status = response.status_code
    if 200 <= status < 300 or status == 429:
        return None
    message = error_message(response)
    if f"(errorId {RATE_LIMIT_ERROR})" not in message:
        return None
    return RateLimited(status_error("eBay", response, message).message, retry_after=None)


SIGNED_COMPONENTS = '("content-digest" "x-ebay-signature-key" "@method" "@path" "@authority")'


class _Signer:
    """eBay's digital signature for the calls EU/UK sellers must sign (RFC 9421, Ed25519)."""

    def __init__(self, *, jwe: str, private_key: str) -> None:
        text = private_key.strip()
        try:
            if text.startswith("-----BEGIN"):
                key = serialization.load_pem_private_key(text.encode(), password=None)
            else:
                key = serialization.load_der_private_key(base64.b64decode(text), password=None)
        except (ValueError, TypeError) as error:
            raise ConnectorError(f"The eBay signing key cannot be read: {error}", retryable=False) from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ConnectorError(
                "The eBay signing key must be an Ed25519 key (eBay's default).", retryable=False
            )
        self.key = key
        self.jwe = jwe.strip()

    def headers(
        self, *, method: str, path: str, authority: str, content: bytes, created: int
    ) -> dict[str, str]:
        digest = f"sha-256=:{base64.b64encode(hashlib.sha256(content).digest()).decode()}:"
        params = f"{SIGNED_COMPONENTS};created={created}"
        signature_base = "\n".join(
            [
                f'"content-digest": {digest}',
                f'"x-ebay-signature-key": {self.jwe}',
                f'"@method": {method.upper()}',
                f'"@path": {path}',
                f'"@authority": {authority}',
                f'"@signature-params": {params}',
            ]
        )
        signature = base64.b64encode(self.key.sign(signature_base.encode())).decode()
        return {
            "Content-Digest": digest,
            "x-ebay-signature-key": self.jwe,
            "Signature-Input": f"sig1={params}",
            "Signature": f"sig1=:{signature}:",
        }


class _Tokens:
    """The OAuth user token: refreshed from the refresh token when missing or about to expire."""

    def __init__(
        self,
        connector: EbayConnector,
        *,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        scopes: tuple[str, ...],
    ) -> None:
        self.connector = connector
        self.client_id = client_id
        self.client_secret = client_secret
        self.refresh_token = refresh_token
        self.scope = " ".join(scopes)
        fingerprint = hashlib.sha256(f"{client_id}\0{refresh_token}\0{self.scope}".encode()).hexdigest()
        self.cache_key = f"ebay-token:{fingerprint[:32]}"
        self.token = ""
        self.expires_at: dt.datetime | None = None

    def access_token(self, *, renew: bool = False) -> str:
        now = self.connector.now()
        if not renew and self.token and self.expires_at and now < self.expires_at:
            return self.token
        if not renew and self._from_cache(now):
            return self.token
        self._refresh(now)
        return self.token

    def _from_cache(self, now: dt.datetime) -> bool:
        from helpdesk.platforms.credentials import secrets_open

        sealed = cache.get(self.cache_key)
        if not isinstance(sealed, str):
            return False
        try:
            opened = secrets_open(sealed)
        except ApplicationError:
            return False
        expires_at = parse_stamp(opened.get("expires_at"))
        if not opened.get("access_token") or expires_at is None or now >= expires_at:
            return False
        self.token, self.expires_at = opened["access_token"], expires_at
        return True

    def _refresh(self, now: dt.datetime) -> None:
        from helpdesk.platforms.credentials import secrets_seal

        try:
            response = self.connector.token_http.request(
                "oauth_token",
                "POST",
                TOKEN_PATH,
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": self.refresh_token,
                    "scope": self.scope,
                },
                auth=httpx.BasicAuth(self.client_id, self.client_secret),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        except ConnectorError as error:
            if error.retryable:
                raise
            detail = error.message.split(": ", 1)[-1].rstrip(".")
            raise ConnectorError(
                f"eBay refused the store's OAuth credentials ({error.status_code}): {detail}. "
                "Connect the eBay account again to get a new refresh token.",
                retryable=False,
                status_code=error.status_code,
            ) from None
        answer = response.json() if response.content else {}
        token = str(answer.get("access_token") or "") if isinstance(answer, dict) else ""
        if not token:
            raise ConnectorError("eBay's token endpoint answered without an access token.", retryable=True)
        try:
            lifetime = max(60, int(answer.get("expires_in") or 7200))
        except (TypeError, ValueError):
            lifetime = 7200
        self.token = token
        self.expires_at = now + dt.timedelta(seconds=lifetime) - TOKEN_MARGIN
        sealed = secrets_seal({"access_token": token, "expires_at": stamp(self.expires_at)})
        cache.set(self.cache_key, sealed, timeout=max(1, int((self.expires_at - now).total_seconds())))


class _BearerAuth(httpx.Auth):
    def __init__(self, tokens: _Tokens) -> None:
        self.tokens = tokens

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.tokens.access_token()}"
        response = yield request
        if response.status_code == 401:  # revoked or expired early: one fresh token, one more try
            request.headers["Authorization"] = f"Bearer {self.tokens.access_token(renew=True)}"
            yield request


class EbayConnector:
    platform = "ebay"
    capabilities = frozenset(
        {
            Capability.SYNC_ORDERS,
            Capability.FETCH_MESSAGES,
            Capability.SEND_MESSAGE,
            Capability.REFUND_CREATE,
            Capability.PUSH_TRACKING,
        }
    )

    def __init__(
        self,
        *,
        base_url: str = BASE_URL,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        seller_username: str = "",
        store_id: int | None = None,
        policy: RetryPolicy | None = None,
        timeout_seconds: float = 20.0,
        sleep: Callable[[float], None] | None = None,
        now: Callable[[], dt.datetime] | None = None,
        order_page: int = ORDER_PAGE,
        conversation_page: int = CONVERSATION_PAGE,
        initial_days: int = 90,
        message_days: int = 3,
        signing_key_jwe: str = "",
        signing_private_key: str = "",
        scopes: tuple[str, ...] = (),
    ) -> None:
        if not (client_id and client_secret and refresh_token):
            raise ConnectorError(
                "eBay needs the app's client id and client secret and the seller's refresh token.",
                retryable=False,
            )
        self.store_id = store_id
        self.seller_username = seller_username.strip()
        self.now = now or (lambda: dt.datetime.now(dt.UTC))
        self.order_page = order_page
        self.conversation_page = conversation_page
        self.initial_days = initial_days
        self.message_days = message_days
        self.signer = (
            _Signer(jwe=signing_key_jwe, private_key=signing_private_key)
            if signing_key_jwe and signing_private_key
            else None
        )
        root = base_url.strip().rstrip("/") or BASE_URL
        parts = urlsplit(root)
        if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
            raise ConnectorError(
                f"eBay's API is reached over https only (https://api.ebay.com), not {base_url!r}.",
                retryable=False,
            )
        retry = policy or RetryPolicy()
        self.tokens = _Tokens(
            self,
            client_id=client_id,
            client_secret=client_secret,
            refresh_token=refresh_token,
            scopes=tuple(scopes) if scopes else SCOPES,
        )
        self.token_http = PlatformHttp(
            platform=self.platform,
            store_id=store_id,
            client=httpx.Client(
                base_url=root, headers={"Accept": "application/json"}, timeout=timeout_seconds
            ),
            error_message=error_message,
            policy=retry,
            display_name="eBay",
            error_for=rate_limit_error,
            sleep=sleep,
        )
        self.http = PlatformHttp(
            platform=self.platform,
            store_id=store_id,
            client=httpx.Client(
                base_url=root,
                auth=_BearerAuth(self.tokens),
                headers={"Accept": "application/json"},
                timeout=timeout_seconds,
            ),
            error_message=error_message,
            policy=retry,
            display_name="eBay",
            error_for=rate_limit_error,
            sleep=sleep,
        )

    def close(self) -> None:
        self.http.client.close()
        self.token_http.client.close()

    # --- orders -----------------------------------------------------------------------------

    def sync_orders(self, *, cursor: dict[str, Any]) -> OrderPage:
        now = self.now()
        since = str(cursor.get("since") or stamp(now - dt.timedelta(days=self.initial_days)))
        until = str(cursor.get("until") or stamp(now))
        offset = max(0, int(cursor.get("offset") or 0))
        answer = self._json(
            self.http.request(
                "sync_orders",
                "GET",
                FULFILLMENT,
                params={
                    "filter": f"lastmodifieddate:[{since}..{until}]",
                    "limit": self.order_page,
                    "offset": offset,
                },
            ),
            "the order list",
        )
        orders = [order for order in answer.get("orders") or [] if isinstance(order, dict)]
        seen = [parse_stamp(cursor.get("seen_max"))] + [
            parse_stamp(order.get("lastModifiedDate")) for order in orders
        ]
        newest = max((moment for moment in seen if moment is not None), default=None)
        seen_max = stamp(newest) if newest else ""
        total = _int(answer.get("total"))
        if orders and offset + len(orders) < total:
            return OrderPage(
                orders,
                next_cursor={
                    "since": since,
                    "until": until,
                    "offset": offset + len(orders),
                    "seen_max": seen_max,
                },
            )
        following = stamp(newest - dt.timedelta(seconds=1)) if newest else since
        return OrderPage(orders, next_cursor=None, caught_up_cursor={"since": following})

    # --- messages ---------------------------------------------------------------------------

    def fetch_messages(self, *, cursor: dict[str, Any]) -> MessagePage:
        if self.store_id is None or not self.seller_username:
            raise ConnectorError(
                "Fetching eBay messages needs the store and its eBay username (the store's platform "
                "account id), to tell the buyers' messages from the seller's.",
                retryable=False,
            )
        since = str(cursor.get("since") or stamp(self.now() - dt.timedelta(days=self.message_days)))
        since_at = parse_stamp(since)
        offset = max(0, int(cursor.get("offset") or 0))
        answer = self._json(
            self.http.request(
                "fetch_messages",
                "GET",
                f"{MESSAGES}/conversation",
                params={
                    "conversation_type": "FROM_MEMBERS",
                    "start_time": since,
                    "limit": self.conversation_page,
                    "offset": offset,
                },
            ),
            "the conversation list",
        )
        conversations = [item for item in answer.get("conversations") or [] if isinstance(item, dict)]
        newest = parse_stamp(cursor.get("seen_max"))
        found: list[tuple[dt.datetime, Any]] = []
        for conversation in conversations:
            conversation_id = str(conversation.get("conversationId") or "")
            if not conversation_id:
                continue
            for message in self._conversation_messages(conversation_id, "fetch_messages"):
                created = parse_stamp(message.get("createdDate"))
                if created is not None:
                    if since_at is not None and created < since_at:
                        continue  # fetched by an earlier window
                    newest = max(newest, created) if newest else created
                inbound = self._inbound(conversation, message)
                if inbound is not None:
                    found.append((created or dt.datetime.min.replace(tzinfo=dt.UTC), inbound))
        found.sort(key=lambda pair: pair[0])
        messages = [inbound for _, inbound in found]
        seen_max = stamp(newest) if newest else ""
        if conversations and offset + len(conversations) < _int(answer.get("total")):
            return MessagePage(
                messages,
                next_cursor={"since": since, "offset": offset + len(conversations), "seen_max": seen_max},
            )
        following = stamp(newest - dt.timedelta(seconds=1)) if newest else since
        return MessagePage(messages, next_cursor=None, caught_up_cursor={"since": following})

    def _conversation_messages(self, conversation_id: str, operation: str) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        offset = 0
        while True:
            answer = self._json(
                self.http.request(
                    operation,
                    "GET",
                    f"{MESSAGES}/conversation/{quote(conversation_id, safe='')}",
                    params={
                        "conversation_type": "FROM_MEMBERS",
                        "limit": CONVERSATION_PAGE,
                        "offset": offset,
                    },
                ),
                "a conversation",
            )
            page = [item for item in answer.get("messages") or [] if isinstance(item, dict)]
            messages += page
            offset += len(page)
            if not page or offset >= _int(answer.get("total")):
                return messages

    def _inbound(self, conversation: dict[str, Any], message: dict[str, Any]) -> Any:
        """The message as the eBay push normaliser reads it; None for the seller's own message
        or one that cannot be read (logged: one bad message must not stop the others)."""
        from helpdesk.webhooks import MalformedPayload
        from tickets.ingest.platforms import families
        from tickets.ingest.platforms.base import Ignored, WebhookRequest

        payload = {
            "conversationId": conversation.get("conversationId"),
            "conversationTitle": conversation.get("conversationTitle") or "",
            "referenceId": conversation.get("referenceId") or "",
            "referenceType": conversation.get("referenceType") or "",
            "message": message,
        }
        assert self.store_id is not None
        request = WebhookRequest(
            store_id=self.store_id, store_account=self.seller_username, headers={}, body=b""
        )
        try:
            result = families.ebay(payload, request)
        except MalformedPayload as error:
            logger.warning(
                "eBay store %s: message %s skipped: %s", self.store_id, message.get("messageId"), error.reason
            )
            return None
        return None if isinstance(result, Ignored) else result

    def send_message(
        self, *, order_external_id: str, text: str, thread_id: str = "", buyer_id: str = ""
    ) -> str:
        body_text = text.strip()
        if not body_text:
            raise ConnectorError("An empty message cannot be sent.", retryable=False)
        if len(body_text) > MESSAGE_MAX:
            raise ConnectorError(
                f"eBay takes messages of up to {MESSAGE_MAX} characters; this one has {len(body_text)}.",
                retryable=False,
            )
        body: dict[str, Any] = {"messageText": body_text}
        if thread_id.strip():
            body["conversationId"] = thread_id.strip()
        else:
            buyer = buyer_id.strip()
            if order_external_id.strip():
                order = self._order(order_external_id, "send_message")
                buyer = buyer or str((order.get("buyer") or {}).get("username") or "")
                items = [
                    line.get("legacyItemId")
                    for line in order.get("lineItems") or []
                    if isinstance(line, dict)
                ]
                item = next((str(value) for value in items if value), "")
                if item:
                    body["reference"] = {"referenceId": item, "referenceType": "LISTING"}
            if not buyer:
                raise ConnectorError(
                    "An eBay message needs the buyer's conversation, username or order.", retryable=False
                )
            body["otherPartyUsername"] = buyer
        # Noted before the first POST and dropped once eBay answered either way: while it is
        # there, an attempt (or a later task) may have sent the message and looks for it first.
        party = body.get("conversationId") or body["otherPartyUsername"]
        memory_key = (
            "ebay-send:" + hashlib.sha256(f"{self.store_id}\0{party}\0{body_text}".encode()).hexdigest()[:40]
        )
        noted = parse_stamp(cache.get(memory_key))
        started = noted or self.now()

        def existing() -> str | None:
            if cache.add(memory_key, stamp(started), timeout=SEND_MEMORY_SECONDS):
                return None  # nothing was sent yet
            return self._sent_message(body, started)

        def create() -> str:
            try:
                answer = self._json(
                    self.http.request_once("send_message", "POST", f"{MESSAGES}/send_message", json=body),
                    "a message",
                )
            except ConnectorError as error:
                if not error.retryable:
                    cache.delete(memory_key)  # refused: nothing was sent
                raise
            if not answer.get("messageId"):
                raise ConnectorError("eBay answered the message without its id.", retryable=True)
            cache.delete(memory_key)
            return str(answer["messageId"])

        found = self.http.once(existing, create)
        cache.delete(memory_key)
        return found

    def _sent_message(self, body: dict[str, Any], started: dt.datetime) -> str | None:
        """The message of ``body`` if an attempt whose answer was lost did send it."""
        if body.get("conversationId"):
            conversation_ids = [str(body["conversationId"])]
        else:
            answer = self._json(
                self.http.request(
                    "send_message",
                    "GET",
                    f"{MESSAGES}/conversation",
                    params={
                        "conversation_type": "FROM_MEMBERS",
                        "other_party_username": body["otherPartyUsername"],
                        "start_time": stamp(started - SENT_SKEW),
                        "limit": CONVERSATION_PAGE,
                    },
                ),
                "the conversation list",
            )
            conversation_ids = [
                str(item["conversationId"])
                for item in answer.get("conversations") or []
                if isinstance(item, dict) and item.get("conversationId")
            ]
        for conversation_id in conversation_ids:
            for message in self._conversation_messages(conversation_id, "send_message"):
                created = parse_stamp(message.get("createdDate"))
                sender = str(message.get("senderUsername") or "")
                if (
                    message.get("messageBody") == body["messageText"]
                    and (created is None or created >= started - SENT_SKEW)
                    and (not self.seller_username or sender.casefold() == self.seller_username.casefold())
                ):
                    return str(message.get("messageId") or "")
        return None

    # --- refunds ----------------------------------------------------------------------------

    def refund_create(self, *, refund: RefundOrder) -> RefundResult:
        if refund.method != "original_payment":
            raise ConnectorError(
                "eBay refunds to the buyer's original payment only; issue store credit by hand.",
                retryable=False,
            )
        if refund.amount <= 0:
            raise ConnectorError("A refund needs an amount above zero.", retryable=False)
        order_id = self._order_id(refund.order_external_id)
        amount = f"{refund.amount.quantize(CENT):.2f}"
        memory_key = (
            "ebay-refund:"
            + hashlib.sha256(f"{self.store_id}\0{order_id}\0{refund.idempotency_key}".encode()).hexdigest()[
                :40
            ]
        )
        found: dict[str, Any] = {}

        def existing() -> str | None:
            order = self._order(order_id, "refund_lookup")
            refunds = _order_refunds(order)
            memory = cache.get(memory_key)
            if not isinstance(memory, dict):
                # Never tried: note what is there now, so a refund of ours can be told apart later.
                cache.add(
                    memory_key,
                    {"baseline": [item["refundId"] for item in refunds], "amount": amount},
                    timeout=REFUND_MEMORY_SECONDS,
                )
                return None
            if memory.get("refund_id"):
                found.update(next((item for item in refunds if item["refundId"] == memory["refund_id"]), {}))
                return str(memory["refund_id"])
            baseline = set(memory.get("baseline") or [])
            new = [
                item
                for item in refunds
                if item["refundId"] not in baseline and item["refundStatus"] != "FAILED"
            ]
            same = [item for item in new if item["amount"] == amount]
            match = same[0] if same else new[0] if len(new) == 1 else None
            if match is None:
                return None
            cache.set(memory_key, {**memory, "refund_id": match["refundId"]}, timeout=REFUND_MEMORY_SECONDS)
            found.update(match)
            return str(match["refundId"])

        def create() -> str:
            money = {"value": amount, "currency": refund.currency.upper()}
            body: dict[str, Any] = {
                "reasonForRefund": "BUYER_RETURN" if refund.quantity > 0 else "OTHER_ADJUSTMENT",
                "comment": _comment(refund.reason, refund.idempotency_key),
            }
            if refund.order_line_external_id:
                body["refundItems"] = [{"lineItemId": refund.order_line_external_id, "refundAmount": money}]
            else:
                body["orderLevelRefundAmount"] = money
            path = f"{FULFILLMENT}/{quote(order_id, safe='')}/issue_refund"
            content = json.dumps(body).encode()
            headers = {"Content-Type": "application/json", **self._signature(path, content)}
            answer = self._json(
                self.http.request_once("refund_create", "POST", path, content=content, headers=headers),
                "the refund",
            )
            status = str(answer.get("refundStatus") or "").upper()
            if status == "FAILED":
                raise ConnectorError("eBay could not make the refund (refundStatus FAILED).", retryable=False)
            if not answer.get("refundId"):
                raise ConnectorError("eBay answered the refund without its id.", retryable=True)
            memory = cache.get(memory_key)
            cache.set(
                memory_key,
                {**(memory if isinstance(memory, dict) else {}), "refund_id": str(answer["refundId"])},
                timeout=REFUND_MEMORY_SECONDS,
            )
            found.update(answer)
            return str(answer["refundId"])

        reference = self.http.once(existing, create)
        return RefundResult(reference=reference, raw=dict(found))

    # --- tracking ---------------------------------------------------------------------------

    def push_tracking(self, *, order_external_id: str, carrier: str, number: str) -> str:
        tracking = "".join(number.split())
        if not tracking:
            raise ConnectorError("A tracking number is needed.", retryable=False)
        carrier_code = re.sub(r"[^0-9A-Za-z]", "", carrier) or "Other"  # "Royal Mail" -> "RoyalMail"
        order_id = self._order_id(order_external_id)
        path = f"{FULFILLMENT}/{quote(order_id, safe='')}/shipping_fulfillment"

        def existing() -> str | None:
            answer = self._json(self.http.request("push_tracking", "GET", path), "the order's fulfillments")
            for item in answer.get("fulfillments") or []:
                if isinstance(item, dict) and _same_tracking(item.get("shipmentTrackingNumber"), tracking):
                    return str(item.get("fulfillmentId") or "")
            return None

        def create() -> str:
            order = self._order(order_id, "push_tracking")
            lines = [line for line in order.get("lineItems") or [] if isinstance(line, dict)]
            waiting = [line for line in lines if line.get("lineItemFulfillmentStatus") != "FULFILLED"]
            body = {
                "lineItems": [
                    {"lineItemId": str(line.get("lineItemId")), "quantity": int(line.get("quantity") or 1)}
                    for line in waiting or lines
                ],
                "shippedDate": stamp(self.now()),
                "shippingCarrierCode": carrier_code,
                "trackingNumber": tracking,
            }
            response = self.http.request_once("push_tracking", "POST", path, json=body)
            location = response.headers.get("Location", "")
            answer = response.json() if response.content else {}
            reference = location.rstrip("/").rsplit("/", 1)[-1] if location else ""
            return reference or str((answer or {}).get("fulfillmentId") or "")

        return self.http.once(existing, create)

    # --- shared -----------------------------------------------------------------------------

    def _signature(self, path: str, content: bytes) -> dict[str, str]:
        if self.signer is None:
            return {}
        return self.signer.headers(
            method="POST",
            path=path,
            authority=self.http.client.base_url.netloc.decode("ascii"),
            content=content,
            created=int(self.now().timestamp()),
        )

    def _order(self, order_external_id: str, operation: str) -> dict[str, Any]:
        order_id = self._order_id(order_external_id)
        return self._json(
            self.http.request(operation, "GET", f"{FULFILLMENT}/{quote(order_id, safe='')}"), "the order"
        )

    @staticmethod
    def _order_id(external_id: str) -> str:
        value = external_id.strip().lstrip("#")
        if not value:
            raise ConnectorError("No eBay order is named.", retryable=False)
        return value

    @staticmethod
    def _json(response: httpx.Response, what: str) -> dict[str, Any]:
        try:
            answer = response.json() if response.content else {}
        except ValueError:
            answer = None
        if not isinstance(answer, dict):
            raise ConnectorError(f"eBay answered {what} with something other than JSON.", retryable=True)
        return answer


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _comment(reason: str, idempotency_key: str) -> str:
    marker = _marker(idempotency_key)
    room = COMMENT_MAX - len(marker) - 1
    said = " ".join(reason.split())
    if room <= 0 or not said:
        return marker[:COMMENT_MAX]
    return f"{said[:room]} {marker}"


def _same_tracking(value: Any, number: str) -> bool:
    return isinstance(value, str) and "".join(value.split()).upper() == number.upper()


def _order_refunds(order: dict[str, Any]) -> list[dict[str, str]]:
    """The order's refunds, order level and per line, as ``{"refundId", "refundStatus", "amount"}``."""
    listed = list((order.get("paymentSummary") or {}).get("refunds") or [])
    for line in order.get("lineItems") or []:
        if isinstance(line, dict):
            listed += line.get("refunds") or []
    refunds = []
    for item in listed:
        if isinstance(item, dict) and item.get("refundId"):
            value = (item.get("amount") or {}).get("value")
            try:
                amount = f"{Decimal(str(value)).quantize(CENT):.2f}"
            except (ArithmeticError, ValueError):
                amount = ""
            refunds.append(
                {
                    "refundId": str(item["refundId"]),
                    "refundStatus": str(item.get("refundStatus") or "").upper(),
                    "amount": amount,
                }
            )
    return refunds


def ebay_connector(store: Store) -> EbayConnector | None:
    """The registry's factory: a connector for an eBay store with stored credentials; the
    store's ``external_id`` is the seller's eBay username."""
    from helpdesk.platforms.credentials import stored_secrets

    stored = stored_secrets(store=store, label="eBay")
    if stored is None:
        return None
    credential, secrets = stored
    try:
        return EbayConnector(
            base_url=credential.base_url or BASE_URL,
            client_id=secrets.get("client_id", ""),
            client_secret=secrets.get("client_secret", ""),
            refresh_token=secrets.get("refresh_token", ""),
            seller_username=store.external_id,
            store_id=store.pk,
            signing_key_jwe=secrets.get("signing_key_jwe", ""),
            signing_private_key=secrets.get("signing_private_key", ""),
            scopes=tuple(secrets.get("scopes", "").split()),
        )
    except ConnectorError as error:
        logger.warning("eBay store %s: %s", store.pk, error.message)
        return None

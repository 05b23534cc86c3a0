"""Magento 2 / Adobe Commerce's REST API (``/rest/V1/``): order sync, order comments, refunds
through credit memos, and shipments with tracking numbers.

Auth: an integration's access token (System > Extensions > Integrations) sent as
``Authorization: Bearer <token>`` (secrets ``{"access_token"}``; since Magento 2.4.4 the shop
must allow it under Stores > Configuration > Services > OAuth > Consumer Settings > "Allow OAuth
Access Tokens to be used as standalone Bearer tokens"; OAuth 1.0a request signing, the
alternative, is not implemented). A bearer token in the clear needs an ``https://`` shop
address, so a plain-``http`` one is refused unless it is this machine (the tests' fake shop).
An optional secret ``store_code`` puts calls under ``/rest/<store_code>/V1/`` (a store view);
without it ``/rest/V1/`` (the default store view) is used. Orders and documents are global, so
the store code only matters for shops that restrict the integration to one website.

- ``sync_orders``: ``GET orders`` with ``searchCriteria``: ``updated_at gteq <from>``, sorted by
  ``updated_at`` then ``entity_id`` ascending, ``pageSize``/``currentPage``. Magento repeats the
  last page for a ``currentPage`` past the end, so ``total_count`` says when to stop. The cursor
  is ``{"updated_from": "YYYY-MM-DD HH:MM:SS", "page": n}`` (UTC, as Magento stores it) and moves
  forward by time: after each page the window starts at the newest ``updated_at`` read, at page
  1 again, so an order updated during the walk (which moves to the end of the sort) never
  shifts an unread one out of reach; only when a whole page shares one ``updated_at`` does the
  page number grow. ``gteq`` refetches the newest order or two, which the upsert ignores.
- ``send_message``: ``POST orders/<id>/comments`` with ``is_customer_notified: 1``: Magento
  e-mails the comment to the buyer and shows it on their order page. The answer is only
  ``true``, so the comment (and its id) is read back from ``GET orders/<id>/comments``; the
  same comment found there within a day is not posted again (a retry after a lost answer).
- ``refund_create``: a credit memo. Online (the payment gateway returns the money) through
  ``POST invoice/<invoice id>/refund`` with ``isOnline: true`` when the order has a paid invoice
  captured online (it has a ``transaction_id``); offline through ``POST order/<id>/refund`` when
  no invoice was captured online (bank transfer, cash on delivery: the shop pays back by hand
  and the credit memo records it). The amount goes as ``adjustment_positive`` with every item
  at ``qty: 0`` and ``shipping_amount: 0`` (empty ``items`` would make Magento refund every item
  and the shipping as well); Magento reads the adjustment in the website's base currency and
  multiplies it by the order's ``base_to_order_rate``, so an order in another currency gets the
  base amount that comes back to the refund's amount. Magento takes no idempotency key: the
  ledger's key travels as ``[helpdesk:<key>]`` in the credit memo's comment (not shown to the
  buyer) and the order's credit memos (``GET creditmemos``) are searched for it before each POST.
  Store credit (Adobe Commerce's customer balance) has no documented REST refund option.
- ``push_tracking``: ``POST order/<id>/ship`` with the track (all items shipped, the buyer
  notified), or ``POST shipment/track`` on the order's latest shipment when it already has one;
  the order's shipments (``GET shipments``) are searched for the number first, so the same
  number twice is a no-op.
- Orders are named by their increment id (what the buyer sees); the id the endpoints take is
  ``entity_id``, read from the synced order or looked up with ``GET orders`` by ``increment_id``.

Not supported: fetching buyer messages. Magento has no buyer-message API (the contact form
sends an e-mail, which reaches the helpdesk through the mailbox, or the store's module posts it
to the Magento webhook).

Errors are ``{"message": "… %1 …", "parameters": [...]}`` (or ``%name`` with a parameter
object), substituted before they are shown. Magento has no rate limit of its own, but a 429 or
503 from a proxy in front of it is retried by ``helpdesk.platforms.http`` like any 5xx.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from django.utils import timezone

from helpdesk.platforms.base import (
    Capability,
    ConnectorError,
    OrderPage,
    RefundOrder,
    RefundResult,
    RetryPolicy,
)
from helpdesk.platforms.http import PlatformHttp, is_loopback

if TYPE_CHECKING:
    from customers.models import Store

logger = logging.getLogger(__name__)

PAGE_SIZE = 100
CENT = Decimal("0.01")
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DUPLICATE_WINDOW = dt.timedelta(days=1)  # the same comment again within this is a retry
INVOICE_PAID = "2"  # Magento\Sales\Model\Order\Invoice::STATE_PAID
CARRIER_CODES = {"dhl": "dhl", "fedex": "fedex", "ups": "ups", "usps": "usps"}  # Magento's built-in carriers
STORE_CODE = re.compile(r"^[a-z0-9_]{1,32}$")


def _marker(idempotency_key: str) -> str:
    return f"[helpdesk:{idempotency_key}]"


def _substitute(message: str, parameters: Any) -> str:
    """Magento's ``%1`` / ``%name`` placeholders filled in from ``parameters``."""
    if isinstance(parameters, list):
        for index in range(len(parameters), 0, -1):  # %10 before %1
            message = message.replace(f"%{index}", str(parameters[index - 1]))
    elif isinstance(parameters, dict):
        for name in sorted(parameters, key=len, reverse=True):
            message = message.replace(f"%{name}", str(parameters[name]))
    return message


def error_message(response: httpx.Response) -> str:
    try:
        data = response.json()
    except ValueError:
        return response.text.strip()[:300] or response.reason_phrase
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return _substitute(data["message"], data.get("parameters"))[:500]
    return str(data)[:300]


def search_criteria(
    *,
    filters: list[tuple[str, str, str]],
    sort: list[tuple[str, str]] | None = None,
    page_size: int | None = None,
    current_page: int | None = None,
) -> dict[str, str]:
    """Magento's ``searchCriteria`` query: each ``(field, value, condition)`` in its own filter
    group (groups are AND-ed), ``sort`` as ``(field, "ASC" | "DESC")``."""
    params: dict[str, str] = {}
    for group, (field, value, condition) in enumerate(filters):
        prefix = f"searchCriteria[filter_groups][{group}][filters][0]"
        params[f"{prefix}[field]"] = field
        params[f"{prefix}[value]"] = value
        params[f"{prefix}[condition_type]"] = condition
    for index, (field, direction) in enumerate(sort or []):
        params[f"searchCriteria[sortOrders][{index}][field]"] = field
        params[f"searchCriteria[sortOrders][{index}][direction]"] = direction
    if page_size is not None:
        params["searchCriteria[pageSize]"] = str(page_size)
    if current_page is not None:
        params["searchCriteria[currentPage]"] = str(current_page)
    return params


def _time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.strptime(f"{value.strip()[:19]} +0000", f"{TIME_FORMAT} %z")  # Magento writes UTC
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        return Decimal(0)
    return amount if amount.is_finite() else Decimal(0)


def _base_amount(amount: Decimal, rate: Decimal) -> Decimal:
    """The base-currency adjustment Magento turns into ``amount`` in the order's currency
    (``round(base * base_to_order_rate, 2)``); the nearest one when no cent gives it exactly."""
    if rate == 1:
        return amount
    guess = (amount / rate).quantize(CENT, ROUND_HALF_UP)
    for candidate in (guess, guess - CENT, guess + CENT):
        if (candidate * rate).quantize(CENT, ROUND_HALF_UP) == amount:
            return candidate
    return guess


def _items(answer: Any, what: str) -> list[dict[str, Any]]:
    """The ``items`` of a Magento search result."""
    items = answer.get("items") if isinstance(answer, dict) else None
    if items is None and isinstance(answer, dict) and "total_count" in answer:
        return []  # some Magento versions leave ``items`` out of an empty result
    if not isinstance(items, list):
        raise ConnectorError(f"Magento answered the {what} search with something else.", retryable=True)
    return [item for item in items if isinstance(item, dict)]


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise ConnectorError(
            f"Magento answered {response.request.method} {response.request.url.path} with something "
            "that is not JSON.",
            retryable=True,
            status_code=response.status_code,
        ) from None


class MagentoConnector:
    platform = "magento"
    capabilities = frozenset(
        {Capability.SYNC_ORDERS, Capability.SEND_MESSAGE, Capability.REFUND_CREATE, Capability.PUSH_TRACKING}
    )

    def __init__(
        self,
        *,
        base_url: str,
        access_token: str,
        store_code: str = "",
        store_id: int | None = None,
        policy: RetryPolicy | None = None,
        timeout_seconds: float = 30.0,
        sleep: Callable[[float], None] | None = None,
        order_id_for_number: Callable[[str], str | None] | None = None,
        page_size: int = PAGE_SIZE,
        now: Callable[[], dt.datetime] = timezone.now,
    ) -> None:
        parts = urlsplit(base_url.strip())
        if parts.scheme != "https" and not (parts.scheme == "http" and is_loopback(parts.hostname or "")):
            raise ConnectorError(
                "Magento's access token is sent as a bearer token, which needs an https:// shop "
                f"address, not {base_url!r}.",
                retryable=False,
            )
        if not access_token.strip():
            raise ConnectorError("The Magento integration's access token is missing.", retryable=False)
        store_code = store_code.strip()
        if store_code and not STORE_CODE.match(store_code):
            raise ConnectorError(f"{store_code!r} is not a Magento store code.", retryable=False)
        self.order_id_for_number = order_id_for_number
        self.page_size = page_size
        self.now = now
        api = f"/rest/{store_code}/V1/" if store_code else "/rest/V1/"
        client = httpx.Client(
            base_url=base_url.strip().rstrip("/") + api,
            headers={"Authorization": f"Bearer {access_token.strip()}", "Accept": "application/json"},
            timeout=timeout_seconds,
        )
        self.http = PlatformHttp(
            platform=self.platform,
            store_id=store_id,
            client=client,
            error_message=error_message,
            policy=policy or RetryPolicy(),
            sleep=sleep,
        )

    def close(self) -> None:
        self.http.client.close()

    # --- sync -------------------------------------------------------------------------------

    def sync_orders(self, *, cursor: dict[str, Any]) -> OrderPage:
        since = _time(cursor.get("updated_from"))
        page = max(1, int(cursor.get("page") or 1))
        filters = [("updated_at", since.strftime(TIME_FORMAT), "gteq")] if since else []
        params = search_criteria(
            filters=filters,
            sort=[("updated_at", "ASC"), ("entity_id", "ASC")],
            page_size=self.page_size,
            current_page=page,
        )
        answer = _json(self.http.request("sync_orders", "GET", "orders", params=params))
        orders = _items(answer, "order")
        try:
            total = int(answer.get("total_count") or 0)
        except (TypeError, ValueError):
            total = 0
        stamps = [stamp for stamp in (_time(order.get("updated_at")) for order in orders) if stamp]
        newest = max([*stamps, *([since] if since else [])], default=None)
        if page * self.page_size >= total or not orders:
            # the last page (asking for the next one would get this one again)
            caught_up = {"updated_from": newest.strftime(TIME_FORMAT)} if newest else None
            return OrderPage(orders, next_cursor=None, caught_up_cursor=caught_up)
        if newest is not None and (since is None or newest > since):
            next_cursor = {"updated_from": newest.strftime(TIME_FORMAT), "page": 1}
        else:  # a whole page changed in the same second: page on within it
            next_cursor = {"updated_from": cursor.get("updated_from") or "", "page": page + 1}
        return OrderPage(orders, next_cursor=next_cursor)

    # --- comments ---------------------------------------------------------------------------

    def send_message(
        self, *, order_external_id: str, text: str, thread_id: str = "", buyer_id: str = ""
    ) -> str:
        comment = text.strip()
        if not comment:
            raise ConnectorError("An empty message cannot be sent.", retryable=False)
        if not order_external_id.strip():
            raise ConnectorError(
                "Magento reaches a buyer only through a comment on their order; this conversation "
                "has no order, so answer by e-mail.",
                retryable=False,
            )
        order_id = self._order_id(order_external_id)
        posted_after = self.now() - DUPLICATE_WINDOW

        def existing() -> str | None:
            answer = _json(self.http.request("send_message", "GET", f"orders/{order_id}/comments"))
            for item in _items(answer, "comment"):
                created = _time(item.get("created_at"))
                if (
                    str(item.get("comment") or "").strip() == comment
                    and item.get("is_customer_notified")
                    and (created is None or created >= posted_after)
                ):
                    return str(item.get("entity_id", ""))
            return None

        def create() -> str:
            body = {
                "statusHistory": {
                    "comment": comment,
                    "is_customer_notified": 1,
                    "is_visible_on_front": 1,
                    "parent_id": int(order_id),
                }
            }
            self.http.request_once("send_message", "POST", f"orders/{order_id}/comments", json=body)
            found = existing()  # Magento answers ``true``: the comment's id is read back
            if found is None:
                raise ConnectorError("Magento accepted the comment but does not list it.", retryable=True)
            return found

        return self.http.once(existing, create)

    # --- refunds ----------------------------------------------------------------------------

    def refund_create(self, *, refund: RefundOrder) -> RefundResult:
        if refund.method != "original_payment":
            raise ConnectorError(
                "Magento refunds to the original payment only through its API; issue store credit "
                "in the shop's admin.",
                retryable=False,
            )
        amount = refund.amount.quantize(CENT)
        if amount <= 0:
            raise ConnectorError("A refund needs an amount above zero.", retryable=False)
        order_id = self._order_id(refund.order_external_id)
        marker = _marker(refund.idempotency_key)
        found: dict[str, Any] = {}

        def existing() -> str | None:
            answer = _json(
                self.http.request(
                    "refund_lookup",
                    "GET",
                    "creditmemos",
                    params=search_criteria(filters=[("order_id", order_id, "eq")]),
                )
            )
            for memo in _items(answer, "credit memo"):
                notes = [memo.get("customer_note")] + [
                    comment.get("comment")
                    for comment in memo.get("comments") or []
                    if isinstance(comment, dict)
                ]
                if any(marker in str(note or "") for note in notes):
                    found.update(memo)
                    return str(memo.get("entity_id", ""))
            return None

        def create() -> str:
            order = _json(self.http.request("refund_create", "GET", f"orders/{order_id}"))
            order_currency = str(order.get("order_currency_code") or "").upper()
            if refund.currency and order_currency and refund.currency.upper() != order_currency:
                raise ConnectorError(
                    f"The order was paid in {order_currency}; a refund in {refund.currency} cannot be made.",
                    retryable=False,
                )
            invoice_id = self._online_invoice(order_id, amount)
            base_amount = _base_amount(amount, _decimal(order.get("base_to_order_rate")) or Decimal(1))
            body: dict[str, Any] = {
                # every item at 0: an empty list would refund all items (and the shipping)
                "items": [
                    {"order_item_id": item["item_id"], "qty": 0}
                    for item in order.get("items") or []
                    if isinstance(item, dict) and item.get("item_id") and not item.get("parent_item_id")
                ],
                "notify": True,
                "appendComment": False,  # the comment carries the helpdesk's marker: not for the buyer
                "comment": {
                    "comment": f"{refund.reason.strip()[:200]} {marker}".strip(),
                    "is_visible_on_front": 0,
                },
                "arguments": {
                    "shipping_amount": 0,
                    "adjustment_positive": float(base_amount),
                    "adjustment_negative": 0,
                },
            }
            if invoice_id is not None:
                path = f"invoice/{invoice_id}/refund"
                body["isOnline"] = True
            else:
                path = f"order/{order_id}/refund"
            answer = _json(self.http.request_once("refund_create", "POST", path, json=body))
            if isinstance(answer, bool) or not isinstance(answer, int | str) or not str(answer).isdigit():
                raise ConnectorError("Magento answered without a credit memo id.", retryable=True)
            found.update({"entity_id": int(answer), "order_id": int(order_id), "invoice_id": invoice_id})
            found.update({"online": invoice_id is not None, "base_amount": str(base_amount)})
            return str(answer)

        reference = self.http.once(existing, create)
        return RefundResult(reference=reference, raw=dict(found))

    def _online_invoice(self, order_id: str, amount: Decimal) -> str | None:
        """The paid invoice the gateway can refund ``amount`` from; None when no invoice was
        captured online (an offline credit memo is then the way)."""
        answer = _json(
            self.http.request(
                "refund_create",
                "GET",
                "invoices",
                params=search_criteria(filters=[("order_id", order_id, "eq")]),
            )
        )
        online = [
            invoice
            for invoice in _items(answer, "invoice")
            if str(invoice.get("state")) == INVOICE_PAID and invoice.get("transaction_id")
        ]
        for invoice in online:
            # an invoice counts what was refunded from it in the base currency only
            rate = _decimal(invoice.get("base_to_order_rate")) or Decimal(1)
            refunded = (_decimal(invoice.get("base_total_refunded")) * rate).quantize(CENT)
            if _decimal(invoice.get("grand_total")) - refunded >= amount:
                return str(invoice.get("entity_id"))
        if online:
            raise ConnectorError(
                f"No invoice of the order has {amount} left to refund online; refund in parts, one "
                "per invoice, in the shop's admin.",
                retryable=False,
            )
        return None

    # --- tracking ---------------------------------------------------------------------------

    def push_tracking(self, *, order_external_id: str, carrier: str, number: str) -> str:
        number = number.strip()
        if not number:
            raise ConnectorError("A tracking number is needed.", retryable=False)
        order_id = self._order_id(order_external_id)
        title = carrier.strip()[:255] or "Carrier"
        track = {
            "track_number": number,
            "title": title,
            "carrier_code": CARRIER_CODES.get(title.lower().replace(" ", ""), "custom"),
        }
        shipments: list[dict[str, Any]] = []

        def existing() -> str | None:
            answer = _json(
                self.http.request(
                    "push_tracking",
                    "GET",
                    "shipments",
                    params=search_criteria(filters=[("order_id", order_id, "eq")]),
                )
            )
            shipments[:] = _items(answer, "shipment")
            for shipment in shipments:
                for known in shipment.get("tracks") or []:
                    if isinstance(known, dict) and str(known.get("track_number") or "").strip() == number:
                        return str(shipment.get("entity_id", ""))
            return None

        def create() -> str:
            if shipments:  # shipped already: the number goes on the latest shipment
                latest = max(shipments, key=lambda shipment: int(shipment.get("entity_id") or 0))
                entity = {"order_id": int(order_id), "parent_id": int(latest["entity_id"]), **track}
                self.http.request_once("push_tracking", "POST", "shipment/track", json={"entity": entity})
                return str(latest["entity_id"])
            answer = _json(
                self.http.request_once(
                    "push_tracking",
                    "POST",
                    f"order/{order_id}/ship",
                    json={"items": [], "notify": True, "tracks": [track]},
                )
            )
            if isinstance(answer, bool) or not isinstance(answer, int | str) or not str(answer).isdigit():
                raise ConnectorError("Magento answered without a shipment id.", retryable=True)
            return str(answer)

        return self.http.once(existing, create)

    # --- shared -----------------------------------------------------------------------------

    def _order_id(self, external_id: str) -> str:
        """Magento's ``entity_id`` of the order the buyer knows by its increment id."""
        number = external_id.strip().lstrip("#")
        if not number:
            raise ConnectorError("No Magento order is named.", retryable=False)
        found = self.order_id_for_number(number) if self.order_id_for_number else None
        if found:
            return found
        answer = _json(
            self.http.request(
                "order_lookup",
                "GET",
                "orders",
                params=search_criteria(filters=[("increment_id", number, "eq")], page_size=1, current_page=1),
            )
        )
        for order in _items(answer, "order"):
            if str(order.get("increment_id")) == number and str(order.get("entity_id") or "").isdigit():
                return str(order["entity_id"])
        raise ConnectorError(f"Magento has no order {number}.", retryable=False, status_code=404)


def magento_connector(store: Store) -> MagentoConnector | None:
    """The registry's factory: a connector for a Magento store with stored credentials."""
    from customers.selectors import order_platform_id
    from helpdesk.platforms.credentials import stored_secrets

    stored = stored_secrets(store=store, label="Magento")
    if stored is None:
        return None
    credential, secrets = stored

    def order_id_for_number(number: str) -> str | None:
        return order_platform_id(store=store, numbers=[number])

    try:
        return MagentoConnector(
            base_url=credential.base_url,
            access_token=secrets.get("access_token", ""),
            store_code=secrets.get("store_code", ""),
            store_id=store.pk,
            order_id_for_number=order_id_for_number,
        )
    except ConnectorError as error:
        logger.warning("Magento store %s: %s", store.pk, error.message)
        return None

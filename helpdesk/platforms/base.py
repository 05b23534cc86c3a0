"""What the helpdesk asks of a sales platform, and how a store finds its connector.

A connector speaks one platform's API (Shopify, WooCommerce, …) for one store. Money code
calls it through ``PlatformConnector`` only, so a platform without a connector (or a store
without credentials) simply gets ``None`` from ``connector_for`` and the work is done by hand.

Connectors are named by dotted path, per platform: the built-in ``CONNECTORS`` below, which
``settings.PLATFORM_CONNECTORS`` (optional, same shape) extends or overrides. Each path names a
callable ``(store) -> PlatformConnector | None`` that returns ``None`` when the store is not set
up for it. Nothing is cached between calls: a store's credentials may change at any time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from collections.abc import Callable

    from customers.models import Store

# platform code (customers.models.Platform) -> dotted path of a ``(store) -> connector | None``
CONNECTORS: dict[str, str] = {
    "shopify": "helpdesk.platforms.shopify.shopify_connector",
    "woocommerce": "helpdesk.platforms.woocommerce.woocommerce_connector",
    "ebay": "helpdesk.platforms.ebay.ebay_connector",
    "shopee": "helpdesk.platforms.shopee.shopee_connector",
    "magento": "helpdesk.platforms.magento.magento_connector",
    "aliexpress": "helpdesk.platforms.aliexpress.aliexpress_connector",
    "amazon": "helpdesk.platforms.amazon.amazon_connector",
}


@dataclass(frozen=True)
class SecretNames:
    """The secrets a platform's connector reads from ``PlatformCredential``."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()


# platform code -> the names of its stored secrets (what the admin form asks for)
CREDENTIAL_SECRETS: dict[str, SecretNames] = {
    "shopify": SecretNames(("access_token",)),
    "woocommerce": SecretNames(("consumer_key", "consumer_secret")),
    "amazon": SecretNames(
        ("client_id", "client_secret", "refresh_token"), ("marketplace_id", "seller_id", "restricted_data")
    ),
    "ebay": SecretNames(
        ("client_id", "client_secret", "refresh_token"), ("scopes", "signing_key_jwe", "signing_private_key")
    ),
    "shopee": SecretNames(("partner_id", "partner_key", "shop_id", "access_token", "refresh_token")),
    "aliexpress": SecretNames(("app_key", "app_secret", "access_token")),
    "magento": SecretNames(("access_token",), ("store_code",)),
}


@dataclass(frozen=True)
class RefundOrder:
    """What to refund, in the platform's terms. ``idempotency_key`` is the ledger's key: a
    connector passes it on where the platform supports one, so a retry never refunds twice."""

    idempotency_key: str
    order_external_id: str
    amount: Decimal
    currency: str
    method: str  # returns.models.Refund.Method: "original_payment" or "store_credit"
    order_line_external_id: str = ""
    quantity: int = 0  # items to mark as returned/restocked on the platform; 0: money only
    reason: str = ""


@dataclass(frozen=True)
class RefundResult:
    reference: str  # the platform's id of the refund
    raw: dict[str, Any] = field(default_factory=dict)


class ConnectorError(Exception):
    """The platform refused or could not be reached.

    ``retryable``: True for what may pass on its own (timeouts, 5xx, rate limits, a dropped
    line), False for what will not (bad credentials, an order the platform does not know, an
    amount it refuses). The message is shown to agents as the failure reason.
    """

    def __init__(self, message: str, *, retryable: bool, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.status_code = status_code


@runtime_checkable
class PlatformConnector(Protocol):
    platform: str

    def refund_create(self, *, refund: RefundOrder) -> RefundResult:
        """Refund on the platform; raise ``ConnectorError`` when it did not happen."""
        ...


def connector_paths() -> dict[str, str]:
    return {**CONNECTORS, **getattr(settings, "PLATFORM_CONNECTORS", {})}


def connector_for(store: Store) -> PlatformConnector | None:
    """The connector of ``store``'s platform set up for this store, or None (work by hand)."""
    path = connector_paths().get(store.platform)
    if not path:
        return None
    factory: Callable[[Store], PlatformConnector | None] = import_string(path)
    return factory(store)


# --- The wider interface: optional capabilities ------------------------------------------------


class Capability(StrEnum):
    SYNC_ORDERS = "sync_orders"
    SEND_MESSAGE = "send_message"
    FETCH_MESSAGES = "fetch_messages"
    REFUND_CREATE = "refund_create"
    PUSH_TRACKING = "push_tracking"


@dataclass(frozen=True)
class OrderPage:
    """One page of a platform's orders (raw, in the platform's own shape) and where the next
    page starts. ``next_cursor`` is None when the sync has caught up; ``caught_up_cursor`` is
    then where the next run starts."""

    orders: list[dict[str, Any]]
    next_cursor: dict[str, Any] | None
    caught_up_cursor: dict[str, Any] | None = None


@dataclass(frozen=True)
class MessagePage:
    """One page of buyer messages, already in the helpdesk's inbound shape
    (``tickets.ingest.inbound.InboundMessage`` with ``store_id`` and ``channel`` set, the
    platform's message id as ``external_id``, its conversation id as ``thread_id``), and where
    the next page starts; as ``OrderPage``. Messages the seller sent are left out."""

    messages: list[Any]  # list[InboundMessage]; Any keeps this module free of the tickets app
    next_cursor: dict[str, Any] | None
    caught_up_cursor: dict[str, Any] | None = None


@dataclass(frozen=True)
class RetryPolicy:
    """The per-platform limit: how often a call is tried and how long it may wait in between.
    Waits double from ``backoff_seconds`` (5xx, timeouts) or follow ``Retry-After`` (429), never
    past ``max_wait_seconds``; 4xx other than 429 is never retried."""

    max_attempts: int = 4
    backoff_seconds: float = 1.0
    max_wait_seconds: float = 60.0


@runtime_checkable
class Connector(Protocol):
    """A platform connector with optional capabilities: callers check ``capabilities`` (or
    ``supports``) first; a method whose capability is missing raises ``ConnectorError``."""

    platform: str
    capabilities: frozenset[Capability]

    def sync_orders(self, *, cursor: dict[str, Any]) -> OrderPage:
        """The page of orders after ``cursor`` (``{}``: from the beginning)."""
        ...

    def send_message(
        self, *, order_external_id: str, text: str, thread_id: str = "", buyer_id: str = ""
    ) -> str:
        """Message the buyer the platform's way; returns the platform's id of the message.

        ``order_external_id`` is the order's number as the helpdesk knows it ("" when the ticket
        has no order), ``thread_id`` the platform's conversation id of the buyer's last message
        ("" when none), ``buyer_id`` the platform's buyer id; a platform uses what it needs and
        raises ``ConnectorError(retryable=False)`` when what it needs is missing."""
        ...

    def fetch_messages(self, *, cursor: dict[str, Any]) -> MessagePage:
        """The page of buyer messages after ``cursor`` (``{}``: the last few days)."""
        ...

    def refund_create(self, *, refund: RefundOrder) -> RefundResult: ...

    def push_tracking(self, *, order_external_id: str, carrier: str, number: str) -> str:
        """Tell the platform an order's parcel (carrier and tracking number)."""
        ...


def supports(connector: object, capability: Capability) -> bool:
    """Whether ``connector`` can do ``capability``; a refund-only connector (Shopify) has no
    ``capabilities`` and can refund only."""
    declared = getattr(connector, "capabilities", None)
    if declared is None:
        return capability == Capability.REFUND_CREATE and hasattr(connector, "refund_create")
    return capability in declared

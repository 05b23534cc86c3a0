"""Platform connectors: the helpdesk's calls into sales platforms (refunds first)."""

from helpdesk.platforms.base import (
    CONNECTORS,
    Capability,
    Connector,
    ConnectorError,
    MessagePage,
    OrderPage,
    PlatformConnector,
    RefundOrder,
    RefundResult,
    RetryPolicy,
    connector_for,
    supports,
)

__all__ = [
    "CONNECTORS",
    "Capability",
    "Connector",
    "ConnectorError",
    "MessagePage",
    "OrderPage",
    "PlatformConnector",
    "RefundOrder",
    "RefundResult",
    "RetryPolicy",
    "connector_for",
    "supports",
]

"""Platform connectors: the helpdesk's calls into sales platforms (refunds first)."""

from helpdesk.platforms.base import (
    CONNECTORS,
    ConnectorError,
    PlatformConnector,
    RefundOrder,
    RefundResult,
    connector_for,
)

__all__ = [
    "CONNECTORS",
    "ConnectorError",
    "PlatformConnector",
    "RefundOrder",
    "RefundResult",
    "connector_for",
]

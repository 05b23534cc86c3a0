"""Refunds made on the platform itself (in Shopify's or WooCommerce's back office), into the ledger.

Recorded once (the ledger key is the platform's refund id), as method "platform" and already
succeeded, so nothing is sent back to the platform. A refund the helpdesk made itself comes
back through the same webhook: it carries the ledger's key in its note (``[helpdesk:<key>]``,
see ``helpdesk.platforms.shopify``) or has the platform's id as its reference, and is
recognised, not recorded twice. The ledger's rule holds: never more than was paid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction

from customers.commerce import order_line_for_platform_id
from customers.models import Order, Platform
from helpdesk.commerce.shapes import RefundData
from returns.models import Refund
from returns.services.refunds import refund_issue

HELPDESK_MARKER = re.compile(r"\[helpdesk:([^\]]{1,100})\]")


@dataclass(frozen=True)
class PlatformRefund:
    refund: Refund | None
    created: bool
    reason: str = ""


def _label(platform: str) -> str:
    return str(Platform(platform).label) if platform in Platform.values else platform


def platform_refund_key(*, platform: str, refund_id: str) -> str:
    return f"{platform}:refund:{refund_id}"[:100]


@transaction.atomic
def platform_refund_record(*, order: Order, platform: str, data: RefundData) -> PlatformRefund:
    """Record a platform's refund of ``order``. Raises ``ApplicationError`` when it would take the
    ledger above what was paid (or is in another currency)."""
    marker = HELPDESK_MARKER.search(data.note or "")
    ours = Refund.objects.filter(idempotency_key=marker.group(1)).first() if marker else None
    if ours is None:
        ours = Refund.objects.filter(order=order, platform_reference=data.platform_id).first()
    if ours is not None:
        if not ours.platform_reference:
            ours.platform_reference = data.platform_id[:100]
            ours.save(update_fields=["platform_reference"])
        return PlatformRefund(
            ours, created=False, reason="The helpdesk made this refund; it is in the ledger."
        )
    if data.amount <= 0:
        return PlatformRefund(None, created=False, reason="The refund gave no money back (restock only).")
    key = platform_refund_key(platform=platform, refund_id=data.platform_id)
    existing = Refund.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return PlatformRefund(existing, created=False, reason="Already in the ledger.")
    line = order_line_for_platform_id(order=order, platform_id=data.line_platform_id)
    if line is not None and data.amount > line.total_paid - line.refunded_amount:
        line = None  # more than the line (shipping, fees): a refund of the order
    refund = refund_issue(
        order=order,
        order_line=line,
        amount=data.amount,
        currency=data.currency or order.currency,
        method=Refund.Method.PLATFORM,
        idempotency_key=key,
        reason=f"Refunded on {_label(platform)}{': ' + data.reason if data.reason else ''}"[:300],
    )
    if refund.platform_reference != data.platform_id[:100]:
        refund.platform_reference = data.platform_id[:100]
        refund.save(update_fields=["platform_reference"])
    return PlatformRefund(refund, created=True)

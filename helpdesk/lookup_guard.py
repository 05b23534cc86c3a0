"""The guard around a public order look-up (the tracking page, the returns portal).

A look-up by order number and e-mail must not tell anybody which orders exist: every attempt
is rate-limited and every answer, hit, miss or refusal, takes at least a minimum time.

Two counters, kept in the shared cache so every web process agrees: one per client IP address
(one visitor trying many orders) and one per order number (many addresses trying e-mails for
one order). Both count every attempt, so a visitor learns nothing from which limit stopped them.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.utils.translation import gettext as _

Found = TypeVar("Found")


@dataclass(frozen=True)
class LookupLimits:
    """One page's limits; built per request from settings, so a test's override applies."""

    cache_prefix: str
    per_address: int
    per_order: int
    window_seconds: int
    min_ms: int


class LookupThrottled(Exception):
    """This address or this order number has tried too often within the window."""

    def __init__(self, window_seconds: int) -> None:
        super().__init__(window_seconds)
        self.window_seconds = window_seconds

    @property
    def message(self) -> str:
        """What the visitor reads, in the active language: the same whichever limit stopped them."""
        return _(
            "Too many look-ups from your connection or for this order. For your security, "
            "please wait %(minutes)s minutes and try again."
        ) % {"minutes": max(1, self.window_seconds // 60)}


def _hit(key: str, *, limit: int, window_seconds: int) -> bool:
    """Count one attempt under ``key``; True once it is past ``limit`` in the window."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds)
        count = 1
    return count > limit


def lookup_throttled(*, limits: LookupLimits, address: str, order_number: str) -> bool:
    """Count a look-up; True when this address or this order number has tried too often."""
    # Hashed: neither raw addresses nor order numbers sit in the cache.
    by_address = hashlib.sha256(address.encode()).hexdigest()[:32]
    # "#300123" and "300123 " are the same order to the look-up, so to the limit too.
    number = order_number.strip().lstrip("#").strip().casefold()
    by_order = hashlib.sha256(number.encode()).hexdigest()[:32]
    window = limits.window_seconds
    over_address = _hit(
        f"{limits.cache_prefix}:ip:{by_address}", limit=limits.per_address, window_seconds=window
    )
    over_order = _hit(
        f"{limits.cache_prefix}:order:{by_order}", limit=limits.per_order, window_seconds=window
    )
    return over_address or over_order


def guarded_lookup(
    *,
    limits: LookupLimits,
    address: str,
    order_number: str,
    find: Callable[[], Found | None],
) -> Found | None:
    """``find()`` unless throttled (then ``LookupThrottled``), either way after the minimum time.

    The minimum is counted from this call, so a refusal, a miss and a hit take as long as
    each other and their timing says nothing about the orders.
    """
    started = time.monotonic()
    try:
        if lookup_throttled(limits=limits, address=address, order_number=order_number):
            raise LookupThrottled(limits.window_seconds)
        return find()
    finally:
        remaining = limits.min_ms / 1000 - (time.monotonic() - started)
        if remaining > 0:
            time.sleep(remaining)

"""Rate limits of the order look-up, kept in the shared cache (several web processes agree).

Two counters: one per client IP address (one visitor trying many orders) and one per order
number (many addresses trying e-mails for one order). Both count every attempt, so a
visitor learns nothing from which limit stopped them.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _hit(key: str, limit: int) -> bool:
    """Count one attempt under ``key``; True once it is past ``limit`` in the window."""
    window = settings.RETURNS_PORTAL_LOOKUP_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def lookup_throttled(*, address: str, order_number: str) -> bool:
    """Count a look-up; True when this address or this order number has tried too often."""
    # Hashed: neither raw addresses nor order numbers sit in the cache.
    by_address = hashlib.sha256(address.encode()).hexdigest()[:32]
    # "#300123" and "300123 " are the same order to the look-up, so to the limit too.
    number = order_number.strip().lstrip("#").strip().casefold()
    by_order = hashlib.sha256(number.encode()).hexdigest()[:32]
    over_address = _hit(f"returns-portal:ip:{by_address}", settings.RETURNS_PORTAL_LOOKUPS_PER_IP)
    over_order = _hit(f"returns-portal:order:{by_order}", settings.RETURNS_PORTAL_LOOKUPS_PER_ORDER)
    return over_address or over_order

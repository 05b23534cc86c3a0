"""Rate limits of the public tracking look-up, kept in the shared cache (every web process agrees).

Two counters: one per client IP address (one visitor trying many orders) and one per order
number (many addresses trying e-mails for one order). Both count every attempt, so a visitor
learns nothing from which limit stopped them.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache


def _hit(key: str, limit: int) -> bool:
    """Count one attempt under ``key``; True once it is past ``limit`` in the window."""
    window = settings.TRACKING_LOOKUP_WINDOW
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count > limit


def tracking_lookup_throttled(*, address: str, order_number: str) -> bool:
    """Count a look-up; True when this address or this order number has tried too often."""
    # Hashed: neither addresses nor order numbers sit in the cache in clear.
    by_address = hashlib.sha256(address.encode()).hexdigest()[:32]
    by_order = hashlib.sha256(order_number.strip().lstrip("#").casefold().encode()).hexdigest()[:32]
    over_address = _hit(f"tracking-lookup:ip:{by_address}", settings.TRACKING_LOOKUPS_PER_IP)
    over_order = _hit(f"tracking-lookup:order:{by_order}", settings.TRACKING_LOOKUPS_PER_ORDER)
    return over_address or over_order

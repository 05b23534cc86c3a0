"""Deterministic keys and identifiers of the demo: who belongs to what, and numbers in each
platform's and carrier's real format."""

from __future__ import annotations

import random
from collections.abc import Callable
from decimal import Decimal

from customers.models import (
    Platform,
)
from logistics.tracking_numbers import checksums

TICKET_PREFIX = "D"
SEED = 20261123
CENT = Decimal("0.01")


def ticket_reference(j: int) -> str:
    return f"{TICKET_PREFIX}{j:07d}"


def order_of_ticket(j: int) -> int:
    return j * 4 // 5


def customer_of_order(o: int) -> int:
    return o * 3 // 4


def rng(kind: str, index: int) -> random.Random:
    return random.Random(f"{SEED}:{kind}:{index}")


def s10_check_digit(serial: str) -> int:
    """UPU S10 check digit of an 8-digit serial (weights 8 6 4 2 3 5 9 7)."""
    total = sum(int(digit) * weight for digit, weight in zip(serial, (8, 6, 4, 2, 3, 5, 9, 7), strict=True))
    check = 11 - total % 11
    return 0 if check == 10 else 5 if check == 11 else check


def tracking_number(carrier: str, o: int, r: random.Random) -> str:
    """A number in the carrier's format, unique per order ``o`` (random digits alone collide)."""

    def digits(n: int) -> str:
        return "".join(r.choice("0123456789") for _ in range(n))

    def with_check(prefix: str, body: str, check: Callable[[str], int]) -> str:
        # A real check digit, so that the tracking-number detector recognises the number.
        return f"{prefix}{body}{check(body)}"

    serial = f"{o:010d}"
    if carrier in S10_COUNTRY:
        prefix = {"china-ems": "E", "royal-mail": "R", "la-poste": "C"}.get(carrier, "L")
        eight = f"{o % 10**8:08d}"
        return f"{prefix}{r.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{eight}{s10_check_digit(eight)}{S10_COUNTRY[carrier]}"
    formats = {
        "ups": lambda: with_check(
            "1Z",
            "".join(r.choice("0123456789ABCDEFGHJKLMNPRSTUVWXYZ") for _ in range(6)) + serial[1:],
            checksums.ups,
        ),
        "usps": lambda: with_check("", "9400" + digits(7) + serial, checksums.gs1_mod10),
        "yunexpress": lambda: "YT" + digits(6) + serial,
        "4px": lambda: "4PX" + digits(3) + serial + "CN",
        "cainiao": lambda: "LP00" + digits(2) + serial,
        "sf-express": lambda: "SF" + digits(3) + serial,
        "yanwen": lambda: "UG" + f"{o:09d}" + "YP",
        "amazon-logistics": lambda: "TBA" + digits(2) + serial,
        "postnl": lambda: "3SLUMI" + f"{o:09d}",
        "dhl-ecommerce": lambda: "GM" + digits(8) + serial,
    }
    return formats.get(carrier, lambda: digits(4) + serial)()


S10_COUNTRY = {
    "china-post": "CN",
    "china-ems": "CN",
    "royal-mail": "GB",
    "japan-post": "JP",
    "correios": "BR",
    "la-poste": "FR",
    "deutsche-post": "DE",
}


def order_number(platform: str, o: int, r: random.Random) -> str:
    if platform == Platform.AMAZON:
        return f"{r.randint(111, 114)}-{r.randint(1000000, 9999999)}-{o % 10000000:07d}"
    if platform == Platform.EBAY:
        return f"{r.randint(10, 27)}-{r.randint(10000, 99999)}-{o % 100000:05d}"
    if platform == Platform.SHOPIFY:
        return f"#{1001 + o}"
    if platform == Platform.WOOCOMMERCE:
        return str(40000 + o)
    if platform == Platform.ALIEXPRESS:
        return f"80{r.randint(10000000, 99999999)}{o % 1000000:06d}"
    if platform == Platform.SHOPEE:
        return f"{r.randint(230101, 241231)}{o % 100000000:08d}"[:14]
    return f"{o + 100000:09d}"

"""Check-digit algorithms of tracking-number families, each from its public description.

Every function takes the digits (or characters) the check covers, without the check itself,
and returns the expected check digit/character; the formats compare it with the one written.
"""

from __future__ import annotations

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
MOD37_36_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def s10(serial: str) -> int:
    """UPU S10: weights 8 6 4 2 3 5 9 7 over the 8-digit serial, 11 minus the sum mod 11;
    10 becomes 0 and 11 becomes 5."""
    total = sum(int(digit) * weight for digit, weight in zip(serial, S10_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: 0, 11: 5}.get(check, check)


def gs1_mod10(body: str) -> int:
    """GS1 / USPS IMpb / SSCC mod 10: weights 3 and 1 alternating from the rightmost digit
    (which gets 3); the check brings the sum to a multiple of ten."""
    total = sum(int(digit) * (3 if position % 2 == 0 else 1) for position, digit in enumerate(reversed(body)))
    return (10 - total % 10) % 10


def weighted_mod11_mod10(body: str, weights_from_right: tuple[int, ...] = (1, 3, 7)) -> int:
    """FedEx Express: weights 1, 3, 7 repeating from the rightmost digit; sum mod 11 mod 10."""
    total = sum(
        int(digit) * weights_from_right[position % len(weights_from_right)]
        for position, digit in enumerate(reversed(body))
    )
    return total % 11 % 10


def ups(body: str) -> int:
    """UPS 1Z: letters count as (ord - 63) mod 10, every second character (from the first
    after "1Z", 0-based odd positions) is doubled; the check completes a multiple of ten."""
    total = 0
    for position, char in enumerate(body):
        value = int(char) if char.isdigit() else (ord(char) - 63) % 10
        total += value * 2 if position % 2 == 1 else value
    return (10 - total % 10) % 10


def mod7(body: str) -> int:
    """DHL Express air waybills and Japanese domestic slips: the number mod 7."""
    return int(body) % 7


def luhn(body: str) -> int:
    """Luhn: double every second digit from the right of the body, digits of products summed."""
    total = 0
    for position, digit in enumerate(reversed(body)):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def weights_4_9(body: str) -> int:
    """Deutsche Post / DHL Paket Identcode and Leitcode: weights 4 and 9 alternating from
    the first digit; the check completes a multiple of ten."""
    total = sum(int(digit) * (4 if position % 2 == 0 else 9) for position, digit in enumerate(body))
    return (10 - total % 10) % 10


def mod37_36(body: str) -> str:
    """ISO/IEC 7064 MOD 37,36 (hybrid system), as DPD's parcel label specification uses it."""
    modulus = 36
    product = modulus
    for char in body:
        total = (product + MOD37_36_ALPHABET.index(char)) % modulus
        product = ((total or modulus) * 2) % (modulus + 1)
    return MOD37_36_ALPHABET[(modulus + 1 - product) % modulus]


def iban_valid(iban: str) -> bool:
    """ISO 13616 mod 97: used to recognise bank account numbers, never tracking numbers."""
    if len(iban) < 15 or not iban[:2].isalpha() or not iban[2:4].isdigit():
        return False
    rearranged = iban[4:] + iban[:4]
    try:
        number = int("".join(str(int(char, 36)) for char in rearranged))
    except ValueError:
        return False
    return number % 97 == 1

"""Tracking numbers in customer messages: false positives, recall and speed of the detector.

Every customer message template of the demo corpus (12 languages, every intent) is filled
twice, with platform order numbers in every format, phone numbers, amounts and dates around it:

* as a *decoy*: ``{tracking}`` is left empty and a phone number, an IBAN, a date or another
  order number is added to the message, so nothing in it is a tracking number; any detection
  is a false positive;
* as a *real* message: ``{tracking}`` is a number in the format of one of the demo's carriers
  (tickets/demo/keys.py); it must be found with the right carrier, and nothing else may be.

A third figure is harsher: the decoy written *in* the tracking slot ("my tracking number is
4155552671"); the customer calls it a tracking number, so only a check digit can refuse it.

No database is needed. Not a test: the figures are for the README.

    SECRET_KEY=... .venv/bin/python bench/tracking_numbers.py
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")

import django

django.setup()

from customers.models import Platform  # noqa: E402
from helpdesk.demo import corpus  # noqa: E402
from logistics.tracking_numbers import FORMATS, find_in_text  # noqa: E402
from tickets.demo import keys, reference  # noqa: E402

PLATFORMS = [Platform.AMAZON, Platform.EBAY, Platform.SHOPIFY, Platform.WOOCOMMERCE, Platform.ALIEXPRESS,
             Platform.SHOPEE, Platform.MAGENTO]  # fmt: skip
DECOYS = (
    "+49 151 23456789",
    "(555) 123-4567",
    "+86 139 1234 5678",
    "0170-1234567",
    "DE89 3704 0044 0532 0130 00",
    "2024-03-15",
    "15.03.2024",
    "4155552671",
)
DECOY_SENTENCES = ("My number is {}.", "Ref {} please.", "({})")
NOISE = (
    " My phone: +44 7700 900123.",
    " Paid 129,99 € on 03/02/2024.",
    " Call me back on (212) 555-0199 please.",
    " IBAN GB82 WEST 1234 5698 7654 32.",
    " Postcode 10115.",
    "",
)


def fill(template: str, *, rng: random.Random, index: int, tracking: str) -> str:
    platform = PLATFORMS[index % len(PLATFORMS)]
    order = keys.order_number(platform, index, rng)
    return template.format(
        name="Alex", product="a desk lamp", days=rng.randint(3, 40), order=order, tracking=tracking
    ) + rng.choice(NOISE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="fillings of every template (default 3)")
    options = parser.parse_args()
    rng = random.Random(20261123)
    templates = [
        body
        for by_intent in corpus.CUSTOMER_MESSAGES.values()
        for pairs in by_intent.values()
        for _subject, body in pairs
    ]
    carriers = list(reference.CARRIERS)
    decoy_messages = decoy_hits = in_slot_hits = 0
    real_messages = found_number = found_right = extra = 0
    started = time.perf_counter()
    for round_number in range(options.rounds):
        for index, template in enumerate(templates):
            n = round_number * len(templates) + index
            decoy = (
                DECOYS[n % len(DECOYS)]
                if n % 2
                else keys.order_number(PLATFORMS[n % len(PLATFORMS)], n + 7, rng)
            )
            decoy_messages += 1
            message = (
                fill(template, rng=rng, index=n, tracking="") + f" {DECOY_SENTENCES[n % 3].format(decoy)}"
            )
            decoy_hits += bool(find_in_text(message))
            if "{tracking}" not in template:
                continue
            in_slot_hits += bool(find_in_text(fill(template, rng=rng, index=n, tracking=decoy)))
            carrier = carriers[n % len(carriers)]
            number = keys.tracking_number(carrier, n, rng)
            found = find_in_text(fill(template, rng=rng, index=n, tracking=number))
            real_messages += 1
            found_number += any(f["value"] == number for f in found)
            found_right += any(f["value"] == number and carrier in f["candidates"] for f in found)
            extra += sum(f["value"] != number for f in found)
    elapsed = time.perf_counter() - started
    calls = decoy_messages + 2 * real_messages
    print(f"formats: {len(FORMATS)}")
    print(
        f"templates: {len(templates)} in {len(corpus.CUSTOMER_MESSAGES)} languages, rounds: {options.rounds}"
    )
    print(
        f"decoy messages (no tracking number in them): {decoy_messages}, with a detection: {decoy_hits} "
        f"-> false-positive rate {decoy_hits / decoy_messages:.2%}"
    )
    print(
        f"decoy written in the tracking slot: {in_slot_hits} of {real_messages} taken for a tracking number "
        f"({in_slot_hits / real_messages:.2%})"
    )
    print(
        f"messages with a tracking number: {real_messages}, number found: {found_number} "
        f"({found_number / real_messages:.2%}), with the right carrier first or among the candidates: "
        f"{found_right} ({found_right / real_messages:.2%}), extra detections: {extra}"
    )
    print(f"speed: {calls / elapsed:.0f} messages/s ({elapsed / calls * 1000:.2f} ms each)")


if __name__ == "__main__":
    main()

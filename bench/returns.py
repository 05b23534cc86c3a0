"""Return rules over the demo data: how many returns are decided without a person.

Runs the rule engine (``returns.services.eligibility.return_decide``, read-only: nothing is
written) on every delivered order line of a database seeded with ``seed_demo``, each with a
plausible return: the reason the order's ticket gives (damaged, wrong item…) or else one
drawn from a usual mix (mostly "does not fit" and "changed my mind"), a condition that fits
the reason, photos where the policy asks for them, and a refund, store credit or exchange.
Lines already in a return are left out: they are not new requests. Prints the share decided
at once (approved or rejected) and what sent the others to review. Not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/hd_demo SECRET_KEY=<50+ chars> DEBUG=false \\
        ALLOWED_HOSTS=localhost .venv/bin/python bench/returns.py
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings.base")

import django

django.setup()

from django.utils import translation  # noqa: E402

from customers.models import Order, OrderLine  # noqa: E402
from logistics.models import Shipment  # noqa: E402
from returns.models import ItemCondition, Resolution, ReturnLine, ReturnReason, ReturnRequest  # noqa: E402
from returns.services.decision import LineRequest, return_decide  # noqa: E402
from returns.services.eligibility import exchange_options_for  # noqa: E402
from tickets.demo.scenarios import RETURN_REASON_BY_INTENT  # noqa: E402

# Why people send things back when nothing went wrong in particular (weights).
USUAL_REASONS = {
    ReturnReason.DOES_NOT_FIT: 30,
    ReturnReason.CHANGED_MIND: 30,
    ReturnReason.DAMAGED: 12,
    ReturnReason.DEFECTIVE: 10,
    ReturnReason.NOT_AS_DESCRIBED: 10,
    ReturnReason.WRONG_ITEM: 8,
}
RESOLUTIONS = {Resolution.REFUND: 70, Resolution.STORE_CREDIT: 20, Resolution.EXCHANGE: 10}
SELLER_FAULT = {
    ReturnReason.DAMAGED,
    ReturnReason.DEFECTIVE,
    ReturnReason.WRONG_ITEM,
    ReturnReason.MISSING_ITEM,
    ReturnReason.NOT_AS_DESCRIBED,
}


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def condition_for(rng: random.Random, reason: str) -> str:
    if reason in (ReturnReason.DAMAGED, ReturnReason.DEFECTIVE):
        return ItemCondition.DAMAGED if reason == ReturnReason.DAMAGED else ItemCondition.USED
    if reason in SELLER_FAULT:
        return rng.choice((ItemCondition.UNOPENED, ItemCondition.LIKE_NEW))
    return pick(rng, {ItemCondition.UNOPENED: 45, ItemCondition.LIKE_NEW: 45, ItemCondition.USED: 10})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="At most this many order lines (0: all).")
    parser.add_argument("--seed", type=int, default=5, help="Seed of the reasons drawn.")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    delivered = Shipment.objects.filter(direction=Shipment.Direction.OUTBOUND, delivered_at__isnull=False)
    already = ReturnLine.objects.values("order_line_id")
    lines = (
        OrderLine.objects.filter(order__in=delivered.values("order_id"))
        .exclude(pk__in=already)
        .select_related("order__store", "order__customer", "product")
        .order_by("pk")
    )
    if args.limit:
        lines = lines[: args.limit]
    intents: dict[int, str] = {}
    for order_id, intent in Order.objects.filter(
        tickets__intent__in=list(RETURN_REASON_BY_INTENT)
    ).values_list("pk", "tickets__intent"):
        intents.setdefault(order_id, intent)

    outcomes: Counter[str] = Counter()
    review_rules: Counter[str] = Counter()
    reject_rules: Counter[str] = Counter()
    timings: list[float] = []
    with translation.override("en"):
        for order_line in lines:
            intent = intents.get(order_line.order_id)
            reason = RETURN_REASON_BY_INTENT[intent] if intent else pick(rng, USUAL_REASONS)
            resolution = pick(rng, RESOLUTIONS)
            exchange_for = None
            if resolution == Resolution.EXCHANGE:
                options = exchange_options_for(product=order_line.product)
                exchange_for = options[0] if options else None
                if exchange_for is None:
                    resolution = Resolution.REFUND
            started = time.perf_counter()
            decision = return_decide(
                order=order_line.order,
                lines=[
                    LineRequest(
                        order_line=order_line,
                        quantity=1,
                        reason=reason,
                        condition=condition_for(rng, reason),
                        photo_count=2,  # the portal asks for them where the policy does
                        exchange_for=exchange_for,
                    )
                ],
                resolution=resolution,
            )
            timings.append(time.perf_counter() - started)
            outcomes[decision.status] += 1
            if decision.status == ReturnRequest.Status.REJECTED and decision.rejected_by:
                reject_rules[decision.rejected_by["rule"]] += 1
            if decision.status == ReturnRequest.Status.NEEDS_REVIEW:
                review_rules.update({rule["rule"] for rule in decision.rules if rule["outcome"] == "review"})

    total = sum(outcomes.values())
    if not total:
        print("No delivered order lines: seed the database first (manage.py seed_demo).")
        return
    automatic = outcomes[ReturnRequest.Status.APPROVED] + outcomes[ReturnRequest.Status.REJECTED]
    print(f"order lines evaluated: {total}")
    for status in (
        ReturnRequest.Status.APPROVED,
        ReturnRequest.Status.REJECTED,
        ReturnRequest.Status.NEEDS_REVIEW,
    ):
        print(f"  {status.label:<14} {outcomes[status]:>6}  {outcomes[status] / total:6.1%}")
    print(f"auto-decision rate (approved or rejected without review): {automatic / total:.1%}")
    print("rejected by:", ", ".join(f"{rule} {count}" for rule, count in reject_rules.most_common()) or "-")
    print(
        "sent to review by:",
        ", ".join(f"{rule} {count}" for rule, count in review_rules.most_common()) or "-",
    )
    print(
        f"time per decision: median {statistics.median(timings) * 1000:.1f} ms, "
        f"p95 {sorted(timings)[int(len(timings) * 0.95)] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()

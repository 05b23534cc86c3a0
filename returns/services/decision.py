"""The rule engine: decides a submitted return (approved, needs review, rejected) and prices it.

Reads only. ``return_decide`` runs the line rules of ``eligibility`` and the rules that depend
on what the customer says (reason, condition, photos, resolution), then the customer's history
and the order's claim risk; it records every rule with its outcome and computes what each line
is worth after a restocking fee, what return shipping costs the customer, any store-credit
bonus, and whether the item must come back at all (returnless refund).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Order, OrderLine, Product, Store
from returns.models import ItemCondition, Resolution, ReturnPolicy, ReturnReason, ReturnRequest
from returns.services.eligibility import (
    INFO,
    PASS,
    REJECT,
    REVIEW,
    SERIAL_RETURNER_TAG,
    LineEligibility,
    Rule,
    customer_return_history,
    high_claim_risk_tickets,
    money,
    money_text,
    order_facts,
    order_line_eligibility,
    percent_of,
    policy_for,
)

# --- a whole return ----------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRequest:
    """One line as the engine sees it (already validated for shape by the caller)."""

    order_line: OrderLine
    quantity: int
    reason: str
    condition: str
    photo_count: int = 0
    exchange_for: Product | None = None


@dataclass(frozen=True)
class LineMoney:
    refund_amount: Decimal  # after the restocking fee, before shipping and any bonus
    restocking_fee: Decimal
    returnless: bool


@dataclass(frozen=True)
class Decision:
    status: str  # ReturnRequest.Status: approved, needs_review or rejected
    reason: str
    rules: list[dict[str, Any]]
    lines: list[LineMoney]
    returnless: bool
    customer_pays_shipping: bool
    return_shipping_fee: Decimal
    restocking_fee_total: Decimal
    refund_total: Decimal
    store_credit_bonus: Decimal
    review_due_at: dt.datetime | None
    policy: ReturnPolicy | None  # the one whose return-wide settings apply (review time, expiry…)

    @property
    def rejected_by(self) -> dict[str, Any] | None:
        return next((rule for rule in self.rules if rule["outcome"] == REJECT), None)


def request_policy(*, store: Store, line_policies: Sequence[ReturnPolicy | None]) -> ReturnPolicy | None:
    """The policy whose return-wide settings (review time, expiry, carrier) apply: the store's
    default, else the first line's."""
    return policy_for(store=store, category="") or next((p for p in line_policies if p is not None), None)


def return_decide(
    *,
    order: Order,
    lines: Sequence[LineRequest],
    resolution: str,
    now: dt.datetime | None = None,
    ticket_ids: Iterable[int] = (),
    photos_checked: bool = True,
) -> Decision:
    """Run every rule over a return and decide it.

    ``photos_checked``: False when missing photos should send the return to review rather
    than reject it (an agent may have the pictures in the ticket already).
    """
    now = now or timezone.now()
    facts = order_facts(order=order)
    currency = order.currency
    rules: list[Rule] = []
    money_lines: list[LineMoney] = []
    line_policies: list[ReturnPolicy | None] = []
    customer_pays = False
    for line in lines:
        eligibility = order_line_eligibility(order_line=line.order_line, now=now, facts=facts)
        rules.extend(Rule(**_rule_kwargs(rule)) for rule in eligibility.rules)
        policy = eligibility.policy
        line_policies.append(policy)
        line_rules, line_money, pays = _line_rules(
            line=line,
            eligibility=eligibility,
            policy=policy,
            resolution=resolution,
            currency=currency,
            photos_checked=photos_checked,
        )
        rules.extend(line_rules)
        money_lines.append(line_money)
        customer_pays = customer_pays or pays

    policy = request_policy(store=order.store, line_policies=line_policies)
    returnless = bool(money_lines) and all(m.returnless for m in money_lines)
    if resolution == Resolution.KEEP_ITEM:
        returnless = True
    if returnless:
        rules.append(
            Rule(
                "returnless",
                PASS,
                _("Nothing needs to be sent back: the refund is made without a return."),
            )
        )
    customer_pays = customer_pays and not returnless
    subtotal = sum((m.refund_amount for m in money_lines), Decimal(0))
    shipping_fee = Decimal(0)
    if customer_pays and policy is not None and policy.return_shipping_cost > 0:
        if resolution in (Resolution.REFUND, Resolution.STORE_CREDIT):
            shipping_fee = min(policy.return_shipping_cost, subtotal)
            rules.append(
                Rule(
                    "return_shipping",
                    INFO,
                    _("You pay return shipping: %(amount)s is deducted from the refund.")
                    % {"amount": money_text(shipping_fee, currency)},
                    params={"amount": str(shipping_fee)},
                )
            )
        else:
            rules.append(Rule("return_shipping", INFO, _("You pay return shipping for this exchange.")))
    elif not returnless and money_lines:
        rules.append(Rule("return_shipping", PASS, _("Return shipping is free for you.")))
    bonus = Decimal(0)
    if resolution == Resolution.STORE_CREDIT and policy is not None and policy.store_credit_bonus_percent > 0:
        bonus = percent_of(subtotal - shipping_fee, policy.store_credit_bonus_percent)
        rules.append(
            Rule(
                "store_credit_bonus",
                INFO,
                _("Store credit bonus of %(percent)s%%: %(amount)s.")
                % {
                    "percent": f"{policy.store_credit_bonus_percent:g}",
                    "amount": money_text(bonus, currency),
                },
                params={"amount": str(bonus)},
            )
        )
    rules.extend(_customer_rules(order=order, policy=policy, ticket_ids=ticket_ids))

    rejecting = [r for r in rules if r.outcome == REJECT]
    reviewing = [r for r in rules if r.outcome == REVIEW]
    review_due_at = None
    if rejecting:
        status, reason = ReturnRequest.Status.REJECTED, rejecting[0].detail
    elif reviewing:
        status = ReturnRequest.Status.NEEDS_REVIEW
        hours = policy.review_answer_hours if policy is not None else 48
        review_due_at = now + dt.timedelta(hours=hours)
        reason = " ".join(dict.fromkeys(r.detail for r in reviewing))
    else:
        status, reason = ReturnRequest.Status.APPROVED, _("Every return rule is met.")
    return Decision(
        status=status,
        reason=reason[:300],
        rules=[rule.as_dict() for rule in rules],
        lines=money_lines,
        returnless=returnless,
        customer_pays_shipping=customer_pays,
        return_shipping_fee=shipping_fee,
        restocking_fee_total=sum((m.restocking_fee for m in money_lines), Decimal(0)),
        refund_total=max(subtotal - shipping_fee, Decimal(0)) + bonus,
        store_credit_bonus=bonus,
        review_due_at=review_due_at,
        policy=policy,
    )


def _rule_kwargs(rule: dict[str, Any]) -> dict[str, Any]:
    return {
        "rule": rule["rule"],
        "outcome": rule["outcome"],
        "detail": rule["detail"],
        "line": rule.get("line"),
        "params": rule.get("params", {}),
    }


def _line_rules(
    *,
    line: LineRequest,
    eligibility: LineEligibility,
    policy: ReturnPolicy | None,
    resolution: str,
    currency: str,
    photos_checked: bool,
) -> tuple[list[Rule], LineMoney, bool]:
    """The rules that depend on what the customer says about one line, and what it is worth.
    Returns (rules, money, whether the customer pays its return shipping)."""
    order_line = line.order_line
    rules: list[Rule] = []

    def add(rule: str, outcome: str, detail: str, **params: Any) -> None:
        rules.append(Rule(rule=rule, outcome=outcome, detail=detail, line=order_line.pk, params=params))

    if eligibility.eligible and line.quantity > eligibility.returnable_quantity:
        add(
            "quantity",
            REJECT,
            _("Only %(count)s of this item can still be returned.")
            % {"count": eligibility.returnable_quantity},
        )
    seller_fault = line.reason in eligibility.seller_fault_reasons
    reason_label = ReturnReason(line.reason).label
    if policy is not None:
        accepted = policy.accepted_conditions or []
        if seller_fault:
            add(
                "condition",
                PASS,
                _("Condition does not matter: %(reason)s is our fault.") % {"reason": reason_label},
            )
        elif accepted and line.condition not in accepted:
            add(
                "condition",
                REJECT,
                _("Items returned for this reason must be %(accepted)s; this one is %(condition)s.")
                % {
                    "accepted": ", ".join(
                        str(ItemCondition(c).label) for c in accepted if c in ItemCondition.values
                    ),
                    "condition": ItemCondition(line.condition).label,
                },
            )
        else:
            add("condition", PASS, _("The item's condition is accepted."))

    if line.reason in eligibility.photos_required_reasons:
        if line.photo_count:
            add("photos", PASS, _("Photos attached (%(count)s).") % {"count": line.photo_count})
        else:
            add(
                "photos",
                REJECT if photos_checked else REVIEW,
                _("Photos of the item are needed for “%(reason)s”.") % {"reason": reason_label},
            )

    quantity = min(line.quantity, order_line.quantity)
    if quantity == order_line.quantity:
        gross = order_line.total_paid
    else:
        gross = money(order_line.total_paid * quantity / order_line.quantity)
    remaining = max(order_line.total_paid - order_line.refunded_amount, Decimal(0))
    if gross > remaining:
        gross = remaining
        add(
            "already_refunded",
            INFO,
            _("Part of this item was refunded already; at most %(amount)s is left.")
            % {"amount": money_text(remaining, currency)},
        )

    fee = Decimal(0)
    refund = gross
    returnless = False
    if resolution == Resolution.KEEP_ITEM:
        percent = policy.keep_item_refund_percent if policy is not None else Decimal(0)
        refund = percent_of(gross, percent)
        returnless = True
        add(
            "keep_item",
            PASS,
            _("You keep the item and get %(percent)s%% back: %(amount)s.")
            % {"percent": f"{percent:g}", "amount": money_text(refund, currency)},
        )
    elif resolution == Resolution.EXCHANGE:
        refund = Decimal(0)
        if line.exchange_for is not None:
            add(
                "exchange",
                PASS,
                _("Exchanged for %(title)s.") % {"title": line.exchange_for.title},
                product=line.exchange_for.pk,
            )
    elif policy is not None and not seller_fault and policy.restocking_fee_percent > 0:
        fee = percent_of(gross, policy.restocking_fee_percent)
        refund = gross - fee
        add(
            "restocking_fee",
            INFO,
            _("Restocking fee of %(percent)s%% for “%(reason)s”: %(amount)s.")
            % {
                "percent": f"{policy.restocking_fee_percent:g}",
                "reason": reason_label,
                "amount": money_text(fee, currency),
            },
            amount=str(fee),
        )
    if policy is not None and resolution != Resolution.KEEP_ITEM:
        returnless = _returnless(gross=gross, policy=policy)
        if returnless:
            add(
                "returnless",
                PASS,
                _("Not worth sending back (%(amount)s): keep it, no return needed.")
                % {"amount": money_text(gross, currency)},
            )
    if resolution == Resolution.EXCHANGE and returnless:
        returnless = False  # the customer gets a new item: the old one still comes back
    return rules, LineMoney(refund_amount=refund, restocking_fee=fee, returnless=returnless), not seller_fault


def _returnless(*, gross: Decimal, policy: ReturnPolicy) -> bool:
    if policy.returnless_max_value > 0 and gross <= policy.returnless_max_value:
        return True
    share = policy.returnless_shipping_share
    return share > 0 and policy.return_shipping_cost > gross * share


def _customer_rules(*, order: Order, policy: ReturnPolicy | None, ticket_ids: Iterable[int]) -> list[Rule]:
    rules: list[Rule] = []
    customer = order.customer
    if customer is not None and policy is not None:
        orders, returned = customer_return_history(customer=customer)
        rate = Decimal(returned) / Decimal(orders) if orders else Decimal(0)
        tagged = customer.tag_links.filter(tag__slug=SERIAL_RETURNER_TAG).exists()
        percent = f"{rate * 100:.0f}"
        if tagged:
            rules.append(Rule("customer_history", REVIEW, _("The customer is tagged as a serial returner.")))
        elif orders >= policy.serial_returner_min_orders and rate > policy.serial_returner_rate:
            rules.append(
                Rule(
                    "customer_history",
                    REVIEW,
                    _("Return rate %(percent)s%% over %(orders)s orders is above the shop's limit.")
                    % {"percent": percent, "orders": orders},
                    params={"orders": orders, "returned": returned},
                )
            )
        else:
            rules.append(
                Rule(
                    "customer_history",
                    PASS,
                    _("Return rate %(percent)s%% over %(orders)s orders.")
                    % {"percent": percent, "orders": orders},
                    params={"orders": orders, "returned": returned},
                )
            )
    flagged = high_claim_risk_tickets(order=order, ticket_ids=ticket_ids)
    if flagged:
        rules.append(
            Rule(
                "claim_risk",
                REVIEW,
                _("A claim about this order needs a second look (%(tickets)s).")
                % {"tickets": ", ".join(flagged)},
            )
        )
    else:
        rules.append(Rule("claim_risk", PASS, _("No risky claim about this order.")))
    return rules

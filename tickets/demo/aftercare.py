"""Returns, refunds and compensation offers for the tickets that ask for them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from customers.models import OrderLine
from helpdesk.bulk import bulk_insert
from returns.models import (
    CompensationOffer,
    ItemCondition,
    Refund,
    Resolution,
    ReturnEvent,
    ReturnLine,
    ReturnReason,
    ReturnRequest,
)
from tickets.demo.keys import CENT, TICKET_PREFIX, order_of_ticket, rng
from tickets.demo.scenarios import RETURN_PATH, RETURN_REASON_BY_INTENT, RETURN_STATES
from tickets.demo.state import BlockState
from tickets.models import Ticket


class AftercareBuilder(BlockState):
    def _returns(self, tickets: list[tuple[Ticket, dict]]) -> None:
        now = self.ctx.now
        returns, plans = [], []
        for ticket, _ in tickets:
            r = rng("return", int(ticket.reference[len(TICKET_PREFIX) :]))
            wants_return = ticket.intent in RETURN_REASON_BY_INTENT and r.random() < 0.7
            if not wants_return or ticket.order is None:
                continue
            o = order_of_ticket(int(ticket.reference[len(TICKET_PREFIX) :]))
            lines = self.lines.get(o) or []
            if not lines:
                continue
            target = r.choice(RETURN_STATES)
            requested = max(ticket.created_at, ticket.order.placed_at) + dt.timedelta(hours=r.uniform(0.1, 6))
            requested = min(requested, now - dt.timedelta(days=len(RETURN_PATH[target]) * 0.5 + 0.1))
            requested = max(requested, ticket.order.placed_at)
            steps = RETURN_PATH[target]
            decided = requested + dt.timedelta(minutes=1) if steps else None
            auto = steps[:1] == ["approved"]
            rules = [
                {"rule": "window", "outcome": "pass", "detail": "Within 30 days of delivery"},
                {"rule": "final_sale", "outcome": "pass", "detail": "Category is returnable"},
                {
                    "rule": "customer_history",
                    "outcome": "pass" if auto else "review",
                    "detail": "Return rate 8%" if auto else "Return rate 62%: serial returner",
                },
            ]
            returns.append(
                ReturnRequest(
                    rma_number=f"RMA-D{int(ticket.reference[len(TICKET_PREFIX) :]):07d}",
                    store=ticket.store,
                    order=ticket.order,
                    customer=ticket.customer,
                    ticket=ticket,
                    status=target,
                    resolution=r.choice(
                        (Resolution.REFUND, Resolution.REFUND, Resolution.STORE_CREDIT, Resolution.EXCHANGE)
                    ),
                    source=r.choice(
                        (ReturnRequest.Source.PORTAL, ReturnRequest.Source.PORTAL, ReturnRequest.Source.AGENT)
                    ),
                    submission_key=f"demo-return-{ticket.reference}",
                    currency=ticket.order.currency,
                    customer_language=ticket.language or "",
                    decision_rules=rules if steps else [],
                    decision_reason="Rejected: return rate above the store's threshold"
                    if target == "rejected"
                    else "",
                    customer_pays_shipping=RETURN_REASON_BY_INTENT[ticket.intent]
                    == ReturnReason.CHANGED_MIND,
                    requested_at=requested,
                    decided_at=decided,
                    closed_at=requested + dt.timedelta(hours=12 * len(steps))
                    if target in {"closed", "cancelled", "expired", "rejected"}
                    else None,
                )
            )
            plans.append((ticket, lines, steps, r))
        bulk_insert(ReturnRequest, returns)
        return_lines, events, refunds = [], [], []
        # Several tickets may return the same line: never refund more than was paid for it,
        # counting what earlier blocks already refunded (the database checks it too).
        refunded = dict(
            OrderLine.objects.filter(
                pk__in={line.pk for _, lines, _, _ in plans for line in lines}
            ).values_list("pk", "refunded_amount")
        )
        for ret, (ticket, lines, steps, r) in zip(returns, plans, strict=True):
            line = r.choice(lines)
            reason = RETURN_REASON_BY_INTENT[ticket.intent]
            return_lines.append(
                ReturnLine(
                    return_request=ret,
                    order_line=line,
                    quantity=1,
                    reason=reason,
                    condition=ItemCondition.DAMAGED
                    if reason == ReturnReason.DAMAGED
                    else ItemCondition.LIKE_NEW,
                    inspection=ReturnLine.Inspection.PASSED
                    if "inspected" in steps
                    else ReturnLine.Inspection.PENDING,
                )
            )
            previous = ""
            at = ret.requested_at
            events.append(
                ReturnEvent(return_request=ret, from_status="", to_status="requested", created_at=at)
            )
            previous = "requested"
            for step in steps:
                at = at + dt.timedelta(hours=12)
                events.append(
                    ReturnEvent(
                        return_request=ret, from_status=previous, to_status=step, created_at=min(at, now)
                    )
                )
                previous = step
            if "refunded" in steps:
                amount = (line.total_paid / line.quantity).quantize(CENT)
                if 0 < amount <= line.total_paid - refunded.get(line.pk, Decimal(0)):
                    refunded[line.pk] = refunded.get(line.pk, Decimal(0)) + amount
                    refunds.append(
                        Refund(
                            idempotency_key=f"demo-refund-{ret.rma_number}",
                            order=ret.order,
                            order_line=line,
                            return_request=ret,
                            amount=amount,
                            currency=ret.order.currency,
                            method=Refund.Method.ORIGINAL_PAYMENT,
                            status=Refund.Status.SUCCEEDED,
                            platform_reference=f"re_{ret.rma_number.lower()}",
                            created_at=min(at, now),
                            issued_at=min(at, now),
                        )
                    )
        bulk_insert(ReturnLine, return_lines)
        bulk_insert(ReturnEvent, events)
        bulk_insert(Refund, refunds)
        self._record_refunded_amounts(refunds)
        offers = []
        for ticket, _ in tickets:
            shipment = ticket.shipment
            if shipment is None or shipment.anomaly not in {"stalled", "late", "exception", "customs"}:
                continue
            r = rng("compensation", int(ticket.reference[len(TICKET_PREFIX) :]))
            if r.random() > 0.5:
                continue
            tier = (
                3
                if shipment.anomaly == "exception"
                else 2
                if shipment.anomaly in {"stalled", "customs"}
                else 1
            )
            kind = {
                1: CompensationOffer.Kind.COUPON,
                2: CompensationOffer.Kind.CHOICE,
                3: CompensationOffer.Kind.FULL_REFUND_GIFT,
            }[tier]
            offers.append(
                CompensationOffer(
                    order=ticket.order,
                    customer=ticket.customer,
                    ticket=ticket,
                    scope_ticket_id=ticket.pk,
                    tier=tier,
                    kind=kind,
                    amount=(ticket.order.total * Decimal({1: "0.1", 2: "0.3", 3: "1"}[tier])).quantize(CENT),
                    currency=ticket.order.currency,
                    options=["wait_with_coupon", "reship_express", "full_refund"] if tier == 2 else [],
                    status=r.choice(
                        (
                            CompensationOffer.Status.SUGGESTED,
                            CompensationOffer.Status.OFFERED,
                            CompensationOffer.Status.ACCEPTED,
                        )
                    ),
                    reason=f"Parcel {shipment.get_anomaly_display().lower()}",
                    created_at=ticket.created_at,
                )
            )
        bulk_insert(CompensationOffer, offers)

    def _record_refunded_amounts(self, refunds: list[Refund]) -> None:
        """Keep each order line's and return's refunded total equal to the ledger, as refund_issue does."""
        by_line: dict[int, Decimal] = {}
        for refund in refunds:
            if refund.order_line_id is not None:
                by_line[refund.order_line_id] = by_line.get(refund.order_line_id, Decimal(0)) + refund.amount
        lines = list(OrderLine.objects.filter(pk__in=by_line))
        for line in lines:
            line.refunded_amount += by_line[line.pk]
        OrderLine.objects.bulk_update(lines, ["refunded_amount"], batch_size=1000)
        returns: dict[int, ReturnRequest] = {}
        for refund in refunds:
            if refund.return_request is not None:
                ret = returns.setdefault(refund.return_request.pk, refund.return_request)
                ret.refund_total = (ret.refund_total or Decimal(0)) + refund.amount
        ReturnRequest.objects.bulk_update(list(returns.values()), ["refund_total"], batch_size=1000)

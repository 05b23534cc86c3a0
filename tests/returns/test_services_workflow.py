"""The RMA workflow end to end: every status pair allowed or refused, the customer's
cancellation, the parcel moving the return, inspection, resolution, refund on receipt and expiry."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from helpdesk.exceptions import ApplicationError
from logistics.models import Shipment, TrackingStatus
from returns.models import (
    Refund,
    Resolution,
    ReturnEvent,
    ReturnLine,
    ReturnPhoto,
    ReturnReason,
    ReturnRequest,
)
from returns.services.refunds import refund_issue
from returns.services.requests import ReturnLineInput, return_request_submit
from returns.services.workflow import (
    ALLOWED_TRANSITIONS,
    return_cancel_by_customer,
    return_close,
    return_inspect,
    return_mark_in_transit,
    return_mark_received,
    return_resolve,
    return_sync_from_shipment,
    return_transition,
    returns_expire_unshipped,
)
from returns.tasks import return_parcel_update
from returns.tasks import returns_expire_unshipped as expire_task
from tests.factories import ProductFactory, ReturnRequestFactory, TicketFactory
from tests.returns.rules_cast import delivered_order, line_input, photo, policy

pytestmark = pytest.mark.django_db

S = ReturnRequest.Status
PAIRS = list(itertools.product(S.values, S.values))
ALLOWED = [(a, b) for a, b in PAIRS if b in ALLOWED_TRANSITIONS[a]]
FORBIDDEN = [(a, b) for a, b in PAIRS if b not in ALLOWED_TRANSITIONS[a]]


@pytest.mark.parametrize(("current", "new"), ALLOWED)
def test_every_allowed_move_is_made_and_logged(current, new):
    return_request = ReturnRequestFactory(status=current)

    return_transition(return_request=return_request, to_status=new, actor=None)

    return_request.refresh_from_db()
    assert return_request.status == new
    assert ReturnEvent.objects.filter(
        return_request=return_request, from_status=current, to_status=new
    ).exists()


@pytest.mark.parametrize(("current", "new"), FORBIDDEN)
def test_every_other_move_is_refused_and_changes_nothing(current, new):
    return_request = ReturnRequestFactory(status=current)

    with pytest.raises(ApplicationError):
        return_transition(return_request=return_request, to_status=new, actor=None)

    return_request.refresh_from_db()
    assert return_request.status == current
    assert not ReturnEvent.objects.filter(return_request=return_request).exists()


def test_the_matrix_covers_every_pair_of_statuses():
    assert len(ALLOWED) + len(FORBIDDEN) == len(S.values) ** 2
    assert len(ALLOWED) == 24


# --- a real return through its life ------------------------------------------------------------


def approved_return(
    store, *, resolution=Resolution.REFUND, quantity=1, price=Decimal("40.00"), **policy_fields
):
    policy(store, **policy_fields)
    order = delivered_order(store, price=price, quantity=2)
    return return_request_submit(
        order=order,
        lines=[line_input(order, quantity=quantity)],
        resolution=resolution,
        source="portal",
        submission_key=f"key-{order.pk}",
    )


def move_parcel(return_request, status):
    shipment = return_request.return_shipment
    shipment.status = status
    if status == TrackingStatus.DELIVERED:
        shipment.delivered_at = timezone.now()
    shipment.save()
    return shipment


@pytest.mark.parametrize("status", [S.REQUESTED, S.NEEDS_REVIEW, S.APPROVED, S.LABEL_ISSUED])
def test_the_customer_may_cancel_before_shipping(status):
    return_request = ReturnRequestFactory(status=status)

    cancelled = return_cancel_by_customer(return_request=return_request)

    assert cancelled.status == S.CANCELLED
    event = cancelled.events.get(to_status=S.CANCELLED)
    assert event.actor is None
    assert event.note == "Cancelled by the customer."


def test_the_customer_may_cancel_while_the_label_is_unused(store_us):
    return_request = approved_return(store_us)

    assert return_cancel_by_customer(return_request=return_request).status == S.CANCELLED


def test_the_customer_cannot_cancel_once_the_carrier_has_the_parcel(store_us):
    return_request = approved_return(store_us)
    move_parcel(return_request, TrackingStatus.IN_TRANSIT)

    with pytest.raises(ApplicationError, match="can no longer be cancelled"):
        return_cancel_by_customer(return_request=return_request)

    return_request.refresh_from_db()
    assert return_request.status == S.LABEL_ISSUED


@pytest.mark.parametrize("status", [S.IN_TRANSIT, S.RECEIVED, S.REFUNDED, S.REJECTED, S.CLOSED])
def test_the_customer_cannot_cancel_after_shipping_or_an_end(status):
    with pytest.raises(ApplicationError):
        return_cancel_by_customer(return_request=ReturnRequestFactory(status=status))


def test_the_return_parcel_moves_the_return_along(store_us):
    return_request = approved_return(store_us)

    return_sync_from_shipment(move_parcel(return_request, TrackingStatus.INFO_RECEIVED))
    return_request.refresh_from_db()
    assert return_request.status == S.LABEL_ISSUED

    return_sync_from_shipment(move_parcel(return_request, TrackingStatus.IN_TRANSIT))
    return_request.refresh_from_db()
    assert return_request.status == S.IN_TRANSIT

    return_sync_from_shipment(move_parcel(return_request, TrackingStatus.DELIVERED))
    return_request.refresh_from_db()
    assert return_request.status == S.RECEIVED

    return_sync_from_shipment(return_request.return_shipment)  # the same event again: nothing more
    assert return_request.events.filter(to_status=S.RECEIVED).count() == 1


def test_a_parcel_delivered_without_earlier_scans_passes_through_in_transit(store_us):
    return_request = approved_return(store_us)
    shipment = move_parcel(return_request, TrackingStatus.DELIVERED)

    return_parcel_update.delay(shipment.pk)

    return_request.refresh_from_db()
    assert return_request.status == S.RECEIVED
    assert list(return_request.events.order_by("id").values_list("to_status", flat=True))[-2:] == [
        S.IN_TRANSIT,
        S.RECEIVED,
    ]


def test_the_parcel_task_ignores_outbound_parcels(store_us):
    return_request = approved_return(store_us)
    outbound = return_request.order.shipments.get(direction=Shipment.Direction.OUTBOUND)

    return_parcel_update.delay(outbound.pk)
    return_parcel_update.delay(999_999)

    return_request.refresh_from_db()
    assert return_request.status == S.LABEL_ISSUED


def test_refund_on_receipt_when_the_policy_says_so(store_us, django_capture_on_commit_callbacks):
    return_request = approved_return(store_us, auto_refund_on_receipt=True)

    with django_capture_on_commit_callbacks(execute=True):
        return_sync_from_shipment(move_parcel(return_request, TrackingStatus.DELIVERED))

    return_request.refresh_from_db()
    assert return_request.status == S.RECEIVED  # inspection still follows
    [refund] = Refund.objects.filter(return_request=return_request)
    assert refund.amount == Decimal("40.00")
    assert return_request.order.lines.get().refunded_amount == Decimal("40.00")
    assert return_request.events.filter(note__startswith="Refund issued on receipt").exists()


def test_a_refund_on_receipt_that_cannot_leave_does_not_hold_up_the_receipt(store_us):
    return_request = approved_return(store_us, auto_refund_on_receipt=True)
    order_line = return_request.lines.get().order_line
    refund_issue(  # an agent refunded the whole line another way meanwhile
        order_line=order_line,
        order=return_request.order,
        amount=order_line.total_paid,
        currency="USD",
        method=Refund.Method.MANUAL,
        idempotency_key="goodwill",
    )

    return_sync_from_shipment(move_parcel(return_request, TrackingStatus.DELIVERED))

    return_request.refresh_from_db()
    assert return_request.status == S.RECEIVED
    assert Refund.objects.count() == 1
    note = return_request.events.filter(note__startswith="No automatic refund").get().note
    assert "left to refund" in note


def test_no_refund_on_receipt_without_the_policy(store_us):
    return_request = approved_return(store_us, auto_refund_on_receipt=False)

    return_sync_from_shipment(move_parcel(return_request, TrackingStatus.DELIVERED))

    assert not Refund.objects.exists()


def test_no_automatic_refund_on_a_claim_flagged_for_review(store_us):
    return_request = approved_return(store_us, auto_refund_on_receipt=True)
    TicketFactory(store=store_us, order=return_request.order, claim_review=True)

    return_sync_from_shipment(move_parcel(return_request, TrackingStatus.DELIVERED))

    return_request.refresh_from_db()
    assert return_request.status == S.RECEIVED
    assert not Refund.objects.exists()


def received(store, **kwargs):
    return_request = approved_return(store, **kwargs)
    return_mark_in_transit(return_request=return_request)
    return return_mark_received(return_request=return_request)


def test_an_inspection_that_passes_refunds_at_once_when_the_policy_refunds_on_receipt(store_us, agent_us):
    return_request = received(store_us, auto_refund_on_receipt=True)
    [line] = return_request.lines.all()

    inspected = return_inspect(
        return_request=return_request,
        results={line.pk: (True, "Sealed, as new")},
        actor=agent_us,
        photos={line.pk: [photo("inspection.jpg")]},
    )

    assert inspected.status == S.REFUNDED
    assert Refund.objects.filter(return_request=return_request).count() == 1  # the one from receipt
    line.refresh_from_db()
    assert (line.inspection, line.inspection_notes) == (ReturnLine.Inspection.PASSED, "Sealed, as new")
    assert ReturnPhoto.objects.get(return_line=line).kind == ReturnPhoto.Kind.INSPECTION
    assert ReturnPhoto.objects.get(return_line=line).uploaded_by == agent_us


def test_an_inspection_without_automatic_refunds_waits_for_the_agent(store_us, agent_us):
    return_request = received(store_us)
    [line] = return_request.lines.all()

    inspected = return_inspect(return_request=return_request, results={line.pk: (True, "")}, actor=agent_us)
    assert inspected.status == S.INSPECTED
    assert not Refund.objects.exists()

    resolved = return_resolve(return_request=inspected, actor=agent_us)
    assert resolved.status == S.REFUNDED
    assert Refund.objects.get(return_request=return_request).created_by == agent_us
    assert return_close(return_request=resolved, actor=agent_us).status == S.CLOSED


def test_a_line_that_fails_inspection_is_not_refunded(store_us, agent_us):
    policy(store_us)
    order = delivered_order(store_us, price=Decimal("40.00"), quantity=1)
    lamp_line = order.lines.get()
    second = order.lines.create(
        sku="CABLE-1",
        title="Cable",
        quantity=1,
        unit_price=Decimal("10.00"),
        total_paid=Decimal("10.00"),
        external_id="2",
    )
    return_request = return_request_submit(
        order=order,
        lines=[_line_for(lamp_line), _line_for(second)],
        resolution=Resolution.REFUND,
        source="portal",
        submission_key="two-lines",
    )
    return_mark_in_transit(return_request=return_request)
    return_mark_received(return_request=return_request)
    lamp, cable = return_request.lines.order_by("pk")

    inspected = return_inspect(
        return_request=return_request,
        results={lamp.pk: (False, "Used, scratched"), cable.pk: (True, "")},
        actor=agent_us,
    )
    assert inspected.status == S.INSPECTED
    assert inspected.events.get(to_status=S.INSPECTED).note == "1 of 2 items failed inspection."

    return_resolve(return_request=inspected, actor=agent_us)

    [refund] = Refund.objects.filter(return_request=return_request)
    assert (refund.order_line_id, refund.amount) == (cable.order_line_id, Decimal("10.00"))


def _line_for(order_line):
    return ReturnLineInput(
        order_line=order_line, quantity=1, reason=ReturnReason.DOES_NOT_FIT, condition="unopened"
    )


def test_when_every_line_fails_inspection_the_return_is_closed_not_refunded(store_us, agent_us):
    return_request = received(store_us)
    [line] = return_request.lines.all()
    inspected = return_inspect(
        return_request=return_request, results={line.pk: (False, "Empty box")}, actor=agent_us
    )

    with pytest.raises(ApplicationError, match="close the return"):
        return_resolve(return_request=inspected, actor=agent_us)

    assert return_close(return_request=inspected, actor=agent_us, note="Empty box").status == S.CLOSED
    assert not Refund.objects.exists()


@pytest.mark.parametrize(
    "results",
    [lambda line: {}, lambda line: {line.pk: (True, ""), line.pk + 1000: (True, "")}],
    ids=["a line not inspected", "a stranger line"],
)
def test_an_inspection_must_cover_exactly_the_returns_lines(store_us, agent_us, results):
    return_request = received(store_us)
    [line] = return_request.lines.all()

    with pytest.raises(ApplicationError):
        return_inspect(return_request=return_request, results=results(line), actor=agent_us)

    return_request.refresh_from_db()
    assert return_request.status == S.RECEIVED


def test_only_a_received_return_is_inspected(store_us, agent_us):
    return_request = approved_return(store_us)
    [line] = return_request.lines.all()

    with pytest.raises(ApplicationError, match="Only a received return"):
        return_inspect(return_request=return_request, results={line.pk: (True, "")}, actor=agent_us)


@pytest.mark.parametrize(
    ("resolution", "status", "method"),
    [
        (Resolution.REFUND, S.REFUNDED, Refund.Method.ORIGINAL_PAYMENT),
        (Resolution.STORE_CREDIT, S.STORE_CREDIT_ISSUED, Refund.Method.STORE_CREDIT),
    ],
)
def test_resolving_pays_back_per_the_resolution(store_us, agent_us, resolution, status, method):
    return_request = received(store_us, resolution=resolution, store_credit_bonus_percent=Decimal("10"))
    [line] = return_request.lines.all()
    inspected = return_inspect(return_request=return_request, results={line.pk: (True, "")}, actor=agent_us)

    resolved = return_resolve(return_request=inspected, actor=agent_us)

    assert resolved.status == status
    refund = Refund.objects.get(return_request=return_request)
    assert refund.method == method
    expected_bonus = Decimal("4.00") if method == Refund.Method.STORE_CREDIT else Decimal("0")
    assert (refund.amount, refund.bonus_amount) == (Decimal("40.00"), expected_bonus)


def test_resolving_an_exchange_records_what_is_sent_and_refunds_nothing(store_us, agent_us):
    policy(store_us)
    order = delivered_order(store_us, title="Oversized Hoodie, Grey", category="apparel")
    black = ProductFactory(store=store_us, title="Oversized Hoodie, Black", category="apparel")
    return_request = return_request_submit(
        order=order,
        lines=[line_input(order, exchange_for=black)],
        resolution=Resolution.EXCHANGE,
        source="portal",
        submission_key="exchange",
    )
    return_mark_in_transit(return_request=return_request)
    return_mark_received(return_request=return_request)
    [line] = return_request.lines.all()
    inspected = return_inspect(return_request=return_request, results={line.pk: (True, "")}, actor=agent_us)

    resolved = return_resolve(return_request=inspected, actor=agent_us)

    assert resolved.status == S.EXCHANGED
    assert "Oversized Hoodie, Black" in resolved.events.get(to_status=S.EXCHANGED).note
    assert not Refund.objects.exists()


def test_resolving_twice_is_refused_and_refunds_once(store_us, agent_us):
    return_request = received(store_us)
    [line] = return_request.lines.all()
    inspected = return_inspect(return_request=return_request, results={line.pk: (True, "")}, actor=agent_us)
    return_resolve(return_request=inspected, actor=agent_us)

    with pytest.raises(ApplicationError):
        return_resolve(return_request=inspected, actor=agent_us)

    assert Refund.objects.count() == 1


def test_paid_return_shipping_is_deducted_from_the_refund(store_us, agent_us):
    policy(store_us, return_shipping_cost=Decimal("6.00"))
    order = delivered_order(store_us, price=Decimal("40.00"))
    return_request = return_request_submit(
        order=order,
        lines=[line_input(order, reason=ReturnReason.CHANGED_MIND)],
        resolution=Resolution.REFUND,
        source="portal",
        submission_key="changed-mind",
    )
    return_mark_in_transit(return_request=return_request)
    return_mark_received(return_request=return_request)
    [line] = return_request.lines.all()
    inspected = return_inspect(return_request=return_request, results={line.pk: (True, "")}, actor=agent_us)

    return_resolve(return_request=inspected, actor=agent_us)

    assert Refund.objects.get().amount == Decimal("34.00")


# --- expiry -----------------------------------------------------------------------------------------


def test_an_approved_return_not_shipped_in_time_expires(store_us):
    return_request = approved_return(store_us, expire_after_days=14)

    with time_machine.travel(timezone.now() + dt.timedelta(days=13)):
        assert returns_expire_unshipped() == 0
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        assert expire_task.delay().get() == 1

    return_request.refresh_from_db()
    assert return_request.status == S.EXPIRED
    assert return_request.closed_at is not None
    assert "Nothing was shipped" in return_request.events.get(to_status=S.EXPIRED).note


def test_a_return_whose_parcel_moves_does_not_expire(store_us):
    return_request = approved_return(store_us, expire_after_days=14)
    move_parcel(return_request, TrackingStatus.IN_TRANSIT)  # scanned, the return not yet synced

    with time_machine.travel(timezone.now() + dt.timedelta(days=30)):
        assert returns_expire_unshipped() == 0

    return_request.refresh_from_db()
    assert return_request.status == S.LABEL_ISSUED


def test_expiry_leaves_returns_in_other_states_alone(store_us):
    return_request = approved_return(store_us, expire_after_days=1)
    return_mark_in_transit(return_request=return_request)

    with time_machine.travel(timezone.now() + dt.timedelta(days=5)):
        assert returns_expire_unshipped() == 0

"""Submitting a return: an instant decision with its reasons, the label and the return parcel
on approval, once however often the form is sent, and a clear error for bad input."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from helpdesk.exceptions import ApplicationError
from logistics.models import Shipment, TrackingStatus
from returns.models import (
    ItemCondition,
    Refund,
    Resolution,
    ReturnEvent,
    ReturnLine,
    ReturnPhoto,
    ReturnReason,
    ReturnRequest,
)
from returns.services.requests import return_request_submit
from tests.factories import CarrierFactory, OrderFactory, OrderLineFactory, ProductFactory, TicketFactory
from tests.returns.rules_cast import delivered_order, line_input, photo, policy

pytestmark = pytest.mark.django_db

S = ReturnRequest.Status


def submit(order, lines=None, *, resolution=Resolution.REFUND, source="portal", key="form-1", **kwargs):
    return return_request_submit(
        order=order,
        lines=lines if lines is not None else [line_input(order)],
        resolution=resolution,
        source=source,
        submission_key=key,
        **kwargs,
    )


def test_an_approved_return_gets_an_rma_a_return_parcel_and_a_label_at_once(store_us):
    policy(store_us, expire_after_days=10)
    order = delivered_order(store_us)
    outbound = order.shipments.get()

    return_request = submit(order)

    assert return_request.status == S.LABEL_ISSUED
    assert return_request.rma_number.startswith("RMA-")
    parcel = return_request.return_shipment
    assert parcel.direction == Shipment.Direction.RETURN
    assert parcel.status == TrackingStatus.INFO_RECEIVED
    assert parcel.carrier == outbound.carrier  # the carrier that brought it serves the lane back
    assert parcel.order == order
    assert parcel.tracking_number
    assert return_request.label_issued_at is not None
    assert abs(return_request.ship_by - (timezone.now() + dt.timedelta(days=10))) < dt.timedelta(minutes=1)
    assert return_request.label.name.endswith(".pdf")
    with return_request.label.open("rb") as label:
        assert label.read(5) == b"%PDF-"
    events = list(return_request.events.order_by("id").values_list("from_status", "to_status"))
    assert events == [("", S.REQUESTED), (S.REQUESTED, S.APPROVED), (S.APPROVED, S.LABEL_ISSUED)]


def test_the_policys_return_carrier_is_used_for_labels(store_us):
    carrier = CarrierFactory(code="dhl-returns", name="DHL Returns")
    policy(store_us, return_carrier=carrier)
    order = delivered_order(store_us)

    assert submit(order).return_shipment.carrier == carrier


def test_the_return_records_every_rule_the_lines_and_the_money(store_us):
    policy(store_us, restocking_fee_percent=Decimal("10"), return_shipping_cost=Decimal("5.00"))
    order = delivered_order(store_us, price=Decimal("40.00"))

    return_request = submit(order, [line_input(order, reason=ReturnReason.CHANGED_MIND, comment=" too big ")])

    [line] = return_request.lines.all()
    assert (line.refund_amount, line.restocking_fee, line.comment) == (
        Decimal("36.00"),
        Decimal("4.00"),
        "too big",
    )
    assert return_request.refund_total == Decimal("31.00")
    assert return_request.customer_pays_shipping
    assert return_request.currency == "USD"
    assert {rule["rule"] for rule in return_request.decision_rules} >= {
        "window",
        "restocking_fee",
        "return_shipping",
    }


def test_submitting_twice_with_the_same_key_gives_the_same_return(store_us):
    policy(store_us)
    order = delivered_order(store_us)

    first = submit(order, key="double-click")
    second = submit(order, key="double-click")

    assert first.pk == second.pk
    assert ReturnRequest.objects.count() == 1
    assert Shipment.objects.filter(direction=Shipment.Direction.RETURN).count() == 1
    assert ReturnEvent.objects.filter(return_request=first).count() == 3


def test_a_submission_key_of_another_order_is_refused(store_us):
    policy(store_us)
    first, other = delivered_order(store_us), delivered_order(store_us)
    submit(first, key="shared-key")

    with pytest.raises(ApplicationError, match="another order"):
        submit(other, key="shared-key")


def test_a_rejected_return_says_which_rule_rejected_it(store_us):
    policy(store_us, window_days=7)
    order = delivered_order(store_us, delivered=timezone.now() - dt.timedelta(days=20))

    return_request = submit(order, language="en")  # the customer chose English on the form

    assert return_request.status == S.REJECTED
    assert "window ended" in return_request.decision_reason
    assert return_request.return_shipment is None
    assert any(
        rule["rule"] == "window" and rule["outcome"] == "reject" for rule in return_request.decision_rules
    )
    assert return_request.decided_by is None
    assert return_request.closed_at is not None


def test_a_return_that_needs_review_says_when_to_expect_an_answer(store_us):
    policy(store_us, serial_returner_min_orders=3, review_answer_hours=36)
    order = delivered_order(store_us, customer_orders=5, customer_returns=4)

    return_request = submit(order, language="en")

    assert return_request.status == S.NEEDS_REVIEW
    assert "above the shop's limit" in return_request.decision_reason
    assert abs(return_request.review_due_at - (timezone.now() + dt.timedelta(hours=36))) < dt.timedelta(
        minutes=1
    )
    assert return_request.return_shipment is None


def test_approving_after_review_issues_the_label(store_us, agent_us):
    from returns.services import return_approve

    policy(store_us, serial_returner_min_orders=3)
    order = delivered_order(store_us, customer_orders=5, customer_returns=4)
    return_request = submit(order)

    approved = return_approve(return_request=return_request, actor=agent_us, note="Long-time customer")

    assert approved.status == S.LABEL_ISSUED
    assert approved.decided_by == agent_us
    assert approved.return_shipment is not None


def test_a_returnless_refund_is_issued_without_a_parcel(store_us):
    policy(store_us, returnless_max_value=Decimal("15.00"))
    order = delivered_order(store_us, price=Decimal("9.90"), quantity=1)

    return_request = submit(order)

    assert return_request.status == S.REFUNDED
    assert return_request.returnless
    assert return_request.return_shipment is None
    [refund] = Refund.objects.filter(return_request=return_request)
    assert (refund.amount, refund.method) == (Decimal("9.90"), Refund.Method.ORIGINAL_PAYMENT)
    assert refund.status == Refund.Status.MANUAL  # no platform connector for this store: by hand


def test_keeping_the_item_refunds_the_offered_share_at_once(store_us):
    policy(store_us, keep_item_refund_percent=Decimal("25"), keep_item_reasons=["not_as_described"])
    order = delivered_order(store_us, price=Decimal("40.00"), quantity=1)

    return_request = submit(
        order, [line_input(order, reason=ReturnReason.NOT_AS_DESCRIBED)], resolution=Resolution.KEEP_ITEM
    )

    assert return_request.status == S.REFUNDED
    assert Refund.objects.get(return_request=return_request).amount == Decimal("10.00")


def test_returnless_store_credit_comes_with_the_bonus(store_us):
    policy(store_us, returnless_max_value=Decimal("20.00"), store_credit_bonus_percent=Decimal("10"))
    order = delivered_order(store_us, price=Decimal("12.00"), quantity=1)

    return_request = submit(order, resolution=Resolution.STORE_CREDIT)

    assert return_request.status == S.STORE_CREDIT_ISSUED
    refund = Refund.objects.get(return_request=return_request)
    assert (refund.method, refund.amount, refund.bonus_amount) == (
        Refund.Method.STORE_CREDIT,
        Decimal("12.00"),
        Decimal("1.20"),
    )


def test_photos_are_stored_once_each_with_their_size_and_hash(store_us):
    policy(store_us, photos_required_reasons=["damaged_item"])
    order = delivered_order(store_us)
    crack, same_again, box = photo("crack.jpg"), photo("crack-copy.jpg"), photo("box.jpg", colour="blue")

    return_request = submit(
        order,
        [
            line_input(
                order,
                reason=ReturnReason.DAMAGED,
                condition=ItemCondition.DAMAGED,
                photos=[crack, same_again, box],
            )
        ],
    )

    assert return_request.status == S.LABEL_ISSUED
    photos = ReturnPhoto.objects.filter(return_line__return_request=return_request)
    assert photos.count() == 2
    stored = photos.first()
    assert (stored.kind, stored.width, stored.height, len(stored.sha256)) == ("customer", 64, 48, 64)
    assert "crack" not in stored.file.name  # stored under its hash, not the customer's file name


def test_a_damaged_item_without_photos_is_sent_back_to_the_form_and_nothing_is_created(store_us):
    policy(store_us, photos_required_reasons=["damaged_item"])
    order = delivered_order(store_us)

    with pytest.raises(ApplicationError, match="Photos of the item are needed"):
        submit(
            order,
            [line_input(order, reason=ReturnReason.DAMAGED, condition=ItemCondition.DAMAGED)],
            language="en",
        )

    assert not ReturnRequest.objects.exists()


def test_an_agent_without_photos_sends_the_return_to_review(store_us, agent_us):
    policy(store_us, photos_required_reasons=["damaged_item"])
    order = delivered_order(store_us)
    ticket = TicketFactory(store=store_us, order=order, customer=order.customer)

    return_request = submit(
        order,
        [line_input(order, reason=ReturnReason.DAMAGED, condition=ItemCondition.DAMAGED)],
        source="agent",
        actor=agent_us,
        ticket=ticket,
    )

    assert return_request.status == S.NEEDS_REVIEW
    assert return_request.ticket == ticket
    assert return_request.events.get(to_status=S.REQUESTED).actor == agent_us


def test_the_customers_language_is_kept_for_texts(store_us):
    policy(store_us)
    order = delivered_order(store_us)

    assert submit(order, language="fr").customer_language == "fr"
    assert submit(delivered_order(store_us), key="form-2").customer_language == "de"  # the customer's own


def test_the_reason_is_written_in_the_customer_s_language(store_us):
    policy(store_us, window_days=7)
    late = delivered_order(store_us, delivered=timezone.now() - dt.timedelta(days=20))  # a German customer

    return_request = submit(late)  # no language asked: the customer's own

    assert return_request.customer_language == "de"
    assert "Die Rückgabefrist ist am" in return_request.decision_reason
    assert "window" not in return_request.decision_reason


def test_an_exchange_for_an_offered_variant(store_us):
    policy(store_us)
    order = delivered_order(
        store_us, title="Oversized Hoodie, Grey", category="apparel", price=Decimal("29.99")
    )
    black = ProductFactory(
        store=store_us, title="Oversized Hoodie, Black", category="apparel", price=Decimal("29.99")
    )

    return_request = submit(order, [line_input(order, exchange_for=black)], resolution=Resolution.EXCHANGE)

    assert return_request.status == S.LABEL_ISSUED
    assert return_request.lines.get().exchange_for == black
    assert return_request.refund_total == 0


def bad_inputs(order, other_order):
    return {
        "no lines": ([], Resolution.REFUND),
        "nothing returned": ([line_input(order, quantity=0)], Resolution.REFUND),
        "more than ordered": ([line_input(order, quantity=3)], Resolution.REFUND),
        "another order's item": ([line_input(other_order)], Resolution.REFUND),
        "the same item twice": ([line_input(order), line_input(order)], Resolution.REFUND),
        "unknown reason": ([line_input(order, reason="bored")], Resolution.REFUND),
        "unknown condition": ([line_input(order, condition="shiny")], Resolution.REFUND),
        "unknown resolution": ([line_input(order)], "cash"),
        "variant without exchange": (
            [line_input(order, exchange_for=ProductFactory(store=order.store))],
            Resolution.REFUND,
        ),
        "exchange without variant": ([line_input(order)], Resolution.EXCHANGE),
        "exchange for something else": (
            [line_input(order, exchange_for=ProductFactory(store=order.store, title="A kettle"))],
            Resolution.EXCHANGE,
        ),
        "keep it, not offered": ([line_input(order)], Resolution.KEEP_ITEM),
        "not an image": (
            [line_input(order, photos=[replace(photo(), content_type="application/pdf")])],
            Resolution.REFUND,
        ),
    }


BAD = [
    "no lines",
    "nothing returned",
    "more than ordered",
    "another order's item",
    "the same item twice",
    "unknown reason",
    "unknown condition",
    "unknown resolution",
    "variant without exchange",
    "exchange without variant",
    "exchange for something else",
    "keep it, not offered",
    "not an image",
]


@pytest.mark.parametrize("case", BAD)
def test_bad_input_gets_a_clear_error_and_creates_nothing(store_us, case):
    policy(store_us, keep_item_refund_percent=Decimal("0"))
    order = delivered_order(store_us, title="Oversized Hoodie, Grey", category="apparel")
    ProductFactory(store=store_us, title="Oversized Hoodie, Black", category="apparel")
    lines, resolution = bad_inputs(order, delivered_order(store_us))[case]

    with pytest.raises(ApplicationError) as error:
        submit(order, lines, resolution=resolution)

    assert str(error.value)
    assert not ReturnRequest.objects.exists()
    assert not ReturnLine.objects.exists()


@pytest.mark.parametrize("key", ["", "   ", "k" * 65])
def test_a_submission_needs_a_usable_key(store_us, key):
    policy(store_us)
    order = delivered_order(store_us)

    with pytest.raises(ApplicationError):
        submit(order, key=key)


def test_an_order_without_a_customer_can_still_be_returned(store_us):
    policy(store_us)
    order = OrderFactory(store=store_us, customer=None, placed_at=timezone.now() - dt.timedelta(days=3))
    OrderLineFactory(order=order)

    return_request = submit(order)

    assert return_request.status == S.LABEL_ISSUED
    assert return_request.customer is None


# --- at once (PostgreSQL) ------------------------------------------------------------------------------


def submit_at_once(count: int, work):
    barrier = threading.Barrier(count)
    results, errors, lock = [], [], threading.Lock()

    def worker(index: int) -> None:
        try:
            barrier.wait()
            result = work(index)
            with lock:
                results.append(result)
        except BaseException as error:  # collected and asserted on by the test
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, errors


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite lets one writer in at a time, so there is no race to test; CI runs this on PostgreSQL"
        )


@pytest.mark.django_db(transaction=True)
def test_a_form_sent_many_times_at_once_makes_one_return(postgres_only, store_us):
    policy(store_us)
    order = delivered_order(store_us, quantity=1)

    results, errors = submit_at_once(6, lambda _index: submit(order, key="impatient-clicks").pk)

    assert errors == []
    assert len(set(results)) == 1
    assert ReturnRequest.objects.count() == 1
    assert Shipment.objects.filter(direction=Shipment.Direction.RETURN).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_returns_racing_for_the_last_item_leave_one_approved(postgres_only, store_us):
    policy(store_us)
    order = delivered_order(store_us, quantity=1)

    results, errors = submit_at_once(4, lambda index: submit(order, key=f"tab-{index}").status)

    assert errors == []
    assert sorted(results) == [S.LABEL_ISSUED, S.REJECTED, S.REJECTED, S.REJECTED]

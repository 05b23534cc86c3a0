"""The refund ledger: money leaves once and never more than was paid, however often and by
however many it is asked for; a platform failure is visible and retried, never doubled."""

from __future__ import annotations

import copy
import datetime as dt
import json
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from customers.models import Order, OrderLine
from helpdesk.exceptions import ApplicationError
from returns.models import Refund
from returns.services.refunds import (
    MAX_ATTEMPTS,
    refund_issue,
    refund_mark_done,
    refund_retry,
    refunds_retry_due,
    retry_delay,
)
from returns.tasks import refunds_retry_due as retry_task
from tests.returns.rules_cast import delivered_order, first_line

pytestmark = pytest.mark.django_db

ORIGINAL = Refund.Method.ORIGINAL_PAYMENT


def issue(order: Order, amount: str, key: str, *, line: bool = True, **kwargs: Any) -> Refund:
    return refund_issue(
        order_line=first_line(order) if line else None,
        order=order,
        amount=Decimal(amount),
        currency=order.currency,
        method=kwargs.pop("method", ORIGINAL),
        idempotency_key=key,
        **kwargs,
    )


def refunded(order: Order) -> Decimal:
    return OrderLine.objects.get(order=order).refunded_amount


# --- the ledger -------------------------------------------------------------------------------------


def test_a_refund_is_recorded_and_reserved_on_the_order_line(store_us, agent_us):
    order = delivered_order(store_us, price=Decimal("40.00"), quantity=2)  # 80.00 paid for the line

    refund = issue(order, "30.00", "ticket-9:refund", actor=agent_us, reason="Broken on arrival")

    assert (refund.amount, refund.currency, refund.created_by) == (Decimal("30.00"), "USD", agent_us)
    assert refund.status == Refund.Status.MANUAL  # this store has no platform connector: by hand
    assert refunded(order) == Decimal("30.00")
    order.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED


def test_refunding_the_whole_order_marks_it_refunded(store_us):
    order = delivered_order(store_us, price=Decimal("40.00"), quantity=1)

    issue(order, "40.00", "line")
    issue(order, "4.90", "shipping", line=False)

    order.refresh_from_db()
    assert order.status == Order.Status.REFUNDED


def test_the_same_key_gives_the_same_refund_and_reserves_once(store_us):
    order = delivered_order(store_us, price=Decimal("40.00"), quantity=2)

    first = issue(order, "30.00", "double-click")
    second = issue(order, "30.00", "double-click")

    assert first.pk == second.pk
    assert Refund.objects.count() == 1
    assert refunded(order) == Decimal("30.00")


def test_a_key_reused_for_another_amount_is_refused(store_us):
    order = delivered_order(store_us, price=Decimal("40.00"), quantity=2)
    issue(order, "30.00", "key-1")

    with pytest.raises(ApplicationError, match="already used"):
        issue(order, "31.00", "key-1")

    assert refunded(order) == Decimal("30.00")


def test_never_more_than_was_paid_for_the_line(store_us):
    order = delivered_order(store_us, price=Decimal("40.00"), quantity=2)
    issue(order, "70.00", "first")

    with pytest.raises(ApplicationError, match=r"Only 10\.00 USD"):
        issue(order, "10.01", "second")

    assert refunded(order) == Decimal("70.00")
    assert Refund.objects.count() == 1
    issue(order, "10.00", "the-rest")
    assert refunded(order) == Decimal("80.00")


def test_an_order_refund_counts_what_the_lines_got(store_us):
    order = delivered_order(store_us, price=Decimal("40.00"), quantity=2)  # total 84.90
    issue(order, "80.00", "items")

    with pytest.raises(ApplicationError, match=r"Only 4\.90 USD of order"):
        issue(order, "5.00", "goodwill", line=False)

    issue(order, "4.90", "shipping", line=False)


@pytest.mark.parametrize(
    ("amount", "currency", "method", "key"),
    [
        ("0.00", "USD", ORIGINAL, "k"),
        ("-5.00", "USD", ORIGINAL, "k"),
        ("1.005", "USD", ORIGINAL, "k"),
        ("NaN", "USD", ORIGINAL, "k"),
        ("5.00", "EUR", ORIGINAL, "k"),
        ("5.00", "USD", "cash", "k"),
        ("5.00", "USD", ORIGINAL, ""),
        ("5.00", "USD", ORIGINAL, "k" * 101),
    ],
    ids=[
        "zero",
        "negative",
        "three-decimals",
        "not-a-number",
        "other-currency",
        "unknown-method",
        "no-key",
        "long-key",
    ],
)
def test_a_bad_refund_request_gets_a_reason_and_records_nothing(store_us, amount, currency, method, key):
    order = delivered_order(store_us)

    with pytest.raises(ApplicationError):
        refund_issue(
            order_line=first_line(order),
            order=order,
            amount=Decimal(amount),
            currency=currency,
            method=method,
            idempotency_key=key,
        )

    assert not Refund.objects.exists()
    assert refunded(order) == 0


def test_a_line_of_another_order_is_refused(store_us):
    order, other = delivered_order(store_us), delivered_order(store_us)

    with pytest.raises(ApplicationError, match="not part of this order"):
        refund_issue(
            order_line=first_line(other),
            order=order,
            amount=Decimal("1"),
            currency="USD",
            method=ORIGINAL,
            idempotency_key="x",
        )


def test_the_database_refuses_a_line_refunded_beyond_what_was_paid(store_us):
    order = delivered_order(store_us, price=Decimal("40.00"), quantity=1)

    with pytest.raises(IntegrityError), transaction.atomic():
        OrderLine.objects.filter(order=order).update(refunded_amount=Decimal("40.01"))


def test_a_refund_done_by_hand_elsewhere_is_recorded_as_done(store_us, agent_us):
    order = delivered_order(store_us)

    refund = issue(order, "10.00", "by-hand", method=Refund.Method.MANUAL, actor=agent_us)

    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.done_by == agent_us
    assert refund.issued_at is not None


def test_an_agent_marks_a_refund_to_be_done_by_hand_as_done(store_us, agent_us):
    refund = issue(delivered_order(store_us), "10.00", "manual")

    done = refund_mark_done(refund=refund, actor=agent_us, reference=" PayPal 7XK29 ")

    assert (done.status, done.done_by, done.platform_reference) == (
        Refund.Status.SUCCEEDED,
        agent_us,
        "PayPal 7XK29",
    )
    with pytest.raises(ApplicationError):
        refund_mark_done(refund=done, actor=agent_us)


def test_only_a_failed_refund_is_sent_again_by_hand(store_us, agent_us):
    refund = issue(delivered_order(store_us), "10.00", "manual")

    with pytest.raises(ApplicationError, match="Only a failed refund"):
        refund_retry(refund=refund, actor=agent_us)


def test_retries_back_off_up_to_six_hours():
    assert [retry_delay(n) for n in (1, 2, 3)] == [dt.timedelta(minutes=m) for m in (1, 2, 4)]
    assert retry_delay(30) == dt.timedelta(hours=6)


def test_a_refund_stuck_sending_after_a_worker_died_is_picked_up_again(store_us):
    refund = issue(delivered_order(store_us), "10.00", "stuck")
    Refund.objects.filter(pk=refund.pk).update(
        status=Refund.Status.PROCESSING, last_attempt_at=timezone.now() - dt.timedelta(minutes=20)
    )

    assert refunds_retry_due() == [refund.pk]


# --- at once, from many threads (PostgreSQL) --------------------------------------------------------


def run_at_once(count: int, work) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

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
        thread.join(timeout=60)
    return results, errors


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite lets one writer in at a time, so there is no race to test; CI runs this on PostgreSQL"
        )


THREADS = 12


@pytest.mark.django_db(transaction=True)
def test_many_requests_for_the_same_refund_at_once_record_exactly_one(postgres_only, store_us):
    order = delivered_order(store_us, price=Decimal("40.00"), quantity=2)

    results, errors = run_at_once(THREADS, lambda _index: issue(order, "30.00", "agent-double-click").pk)

    assert errors == []
    assert len(results) == THREADS
    assert len(set(results)) == 1
    assert Refund.objects.count() == 1
    assert refunded(order) == Decimal("30.00")


@pytest.mark.django_db(transaction=True)
def test_many_keys_racing_for_the_last_of_the_money_never_refund_more_than_was_paid(postgres_only, store_us):
    order = delivered_order(store_us, price=Decimal("40.00"), quantity=2)  # 80.00 paid

    results, errors = run_at_once(THREADS, lambda index: issue(order, "30.00", f"agent-{index}").pk)

    assert len(results) == 2  # 2 × 30 fit in 80, a third does not
    assert len(errors) == THREADS - 2
    assert all(isinstance(error, ApplicationError) and "left to refund" in str(error) for error in errors)
    assert refunded(order) == Decimal("60.00")
    assert sum(Refund.objects.values_list("amount", flat=True)) == Decimal("60.00")


# --- through a platform connector: Shopify, served locally in its own wire format ---------------------

API = "/admin/api/2024-04"
ORDER_ID = 450789469
TOKEN = "shpat_ledger_test"


def shopify_payload(name: str, test: str) -> dict[str, Any]:
    path = Path(settings.NLP_DATA_DIR) / "shopify" / "rest_mock_responses_2024-04" / name
    if not path.exists():
        pytest.skip(f"Shopify's recorded payloads are not on this machine ({path})")
    items = json.loads(path.read_text())["items"]
    return copy.deepcopy(next(item["response"] for item in items if item["test"] == test))


class Shopify:
    """Shopify's answers from its SDK's recorded payloads. ``create`` scripts the answers to
    "create refund": "ok" (201), "down" (503), "lost" (created, but the answer is a 503),
    "refused" (422)."""

    def __init__(self) -> None:
        self.orders = shopify_payload("order.json", "test_1")
        self.calculated = shopify_payload("refund.json", "test_5")
        self.created_template = shopify_payload("refund.json", "test_2")["refund"]
        self.create: list[str] = []
        self.created: list[dict[str, Any]] = []

    def answer(self, method: str, path: str, query: dict[str, list[str]], body: Any) -> tuple[int, Any]:
        if method == "GET" and path == f"{API}/orders.json":
            name = query.get("name", [""])[0]
            return 200, {"orders": [o for o in self.orders["orders"] if o["name"] == name]}
        if method == "GET" and path == f"{API}/orders/{ORDER_ID}/refunds.json":
            return 200, {"refunds": self.created}
        if method == "POST" and path == f"{API}/orders/{ORDER_ID}/refunds/calculate.json":
            return 200, self.calculated
        if method == "POST" and path == f"{API}/orders/{ORDER_ID}/refunds.json":
            outcome = self.create.pop(0) if self.create else "ok"
            if outcome == "refused":
                return 422, {"errors": {"transactions": ["amount exceeds the refundable amount"]}}
            if outcome == "down":
                return 503, {"errors": "Service Unavailable"}
            refund = dict(copy.deepcopy(self.created_template), id=509562969 + len(self.created))
            refund["note"] = body["refund"]["note"]
            self.created.append(refund)
            return (
                (503, {"errors": "Service Unavailable"}) if outcome == "lost" else (201, {"refund": refund})
            )
        return 404, {"errors": "Not Found"}


@pytest.fixture
def shopify(settings, store_us):
    fake = Shopify()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            if self.headers.get("X-Shopify-Access-Token") != TOKEN:
                status, answer = 401, {"errors": "[API] Invalid API key or access token"}
            else:
                status, answer = fake.answer(self.command, url.path, parse_qs(url.query), body)
            payload = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    settings.SHOPIFY_ACCESS_TOKENS = {store_us.external_id: TOKEN}
    settings.SHOPIFY_API_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.SHOPIFY_MAX_ATTEMPTS = 1  # the connector gives up at once; the ledger's own retries are tested
    yield fake
    server.shutdown()
    server.server_close()


def shopify_order(store) -> Order:
    order = delivered_order(store, price=Decimal("40.00"), quantity=1)
    Order.objects.filter(pk=order.pk).update(external_id="#1001")
    order.refresh_from_db()
    return order


def test_a_refund_goes_to_the_platform_after_the_commit(
    shopify, store_us, django_capture_on_commit_callbacks
):
    order = shopify_order(store_us)

    with django_capture_on_commit_callbacks(execute=True):
        refund = issue(order, "30.00", "return-5:line-1")

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.platform_reference == "509562969"
    assert refund.attempts == 1
    assert "[helpdesk:return-5:line-1]" in shopify.created[0]["note"]


def test_a_platform_failure_is_visible_and_retried_with_backoff_without_a_second_refund(
    shopify, store_us, django_capture_on_commit_callbacks
):
    shopify.create = ["down", "ok"]
    order = shopify_order(store_us)
    start = timezone.now()

    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            refund = issue(order, "30.00", "retry-me")
        refund.refresh_from_db()
        assert refund.status == Refund.Status.FAILED
        assert "Shopify failed (503)" in refund.failure_reason
        assert refund.next_retry_at == start + dt.timedelta(minutes=1)
        assert retry_task.delay().get() == 0  # not due yet

    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        assert retry_task.delay().get() == 1

    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.failure_reason) == (Refund.Status.SUCCEEDED, 2, "")
    assert len(shopify.created) == 1
    assert refunded(order) == Decimal("30.00")


def test_a_refund_the_platform_made_but_whose_answer_was_lost_is_found_not_repeated(
    shopify, store_us, django_capture_on_commit_callbacks
):
    shopify.create = ["lost"]
    order = shopify_order(store_us)

    with django_capture_on_commit_callbacks(execute=True):
        refund = issue(order, "30.00", "lost-answer")
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED

    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5), tick=False):
        retry_task.delay()

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert refund.platform_reference == str(shopify.created[0]["id"])
    assert len(shopify.created) == 1


def test_a_refusal_is_final_until_an_agent_acts(
    shopify, store_us, agent_us, django_capture_on_commit_callbacks
):
    shopify.create = ["refused", "ok"]
    order = shopify_order(store_us)

    with django_capture_on_commit_callbacks(execute=True):
        refund = issue(order, "30.00", "refused")
    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert "amount exceeds the refundable amount" in refund.failure_reason
    assert refund.next_retry_at is None
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        assert retry_task.delay().get() == 0

    with django_capture_on_commit_callbacks(execute=True):
        refund_retry(refund=refund, actor=agent_us)

    refund.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED
    assert len(shopify.created) == 1


def test_after_the_last_attempt_a_failed_refund_waits_for_a_person(
    shopify, store_us, agent_us, django_capture_on_commit_callbacks
):
    shopify.create = ["down"] * 2
    order = shopify_order(store_us)
    with django_capture_on_commit_callbacks(execute=True):
        refund = issue(order, "30.00", "give-up")
    Refund.objects.filter(pk=refund.pk).update(attempts=MAX_ATTEMPTS - 1)

    with time_machine.travel(timezone.now() + dt.timedelta(hours=1), tick=False):
        retry_task.delay()

    refund.refresh_from_db()
    assert (refund.status, refund.attempts, refund.next_retry_at) == (
        Refund.Status.FAILED,
        MAX_ATTEMPTS,
        None,
    )
    done = refund_mark_done(refund=refund, actor=agent_us, reference="refunded in Shopify admin")
    assert done.status == Refund.Status.SUCCEEDED
    assert not shopify.created


def test_store_credit_on_a_platform_that_cannot_issue_it_fails_visibly(
    shopify, store_us, django_capture_on_commit_callbacks
):
    order = shopify_order(store_us)

    with django_capture_on_commit_callbacks(execute=True):
        refund = issue(
            order, "30.00", "credit", method=Refund.Method.STORE_CREDIT, bonus_amount=Decimal("3.00")
        )

    refund.refresh_from_db()
    assert refund.status == Refund.Status.FAILED
    assert "store credit" in refund.failure_reason
    assert refund.next_retry_at is None
    assert refund.bonus_amount == Decimal("3.00")

"""Repurchase reminders: a regular buyer whose next order is due by their purchase cycle, and has
not come, shows up in the store owner's follow-ups, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.models import FollowUp, Order
from customers.repurchase import purchase_cycles, repurchase_reminders_create
from customers.selectors import follow_ups_due
from customers.services import FollowUpError, follow_up_create
from customers.tasks import repurchase_reminders_create as nightly_task
from tests.factories import CustomerFactory, OrderFactory, StoreFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

FIRST = dt.datetime(2026, 1, 1, 10, 0, tzinfo=dt.UTC)


@pytest.fixture
def owner():
    return UserFactory(username="owner.anna")


@pytest.fixture
def store(owner):
    return StoreFactory(follow_up_owner=owner)


def buyer_with_orders(store, *days_after_first, status=Order.Status.FULFILLED):
    customer = CustomerFactory()
    for days in days_after_first:
        OrderFactory(store=store, customer=customer, placed_at=FIRST + dt.timedelta(days=days), status=status)
    return customer


def test_the_cycle_is_the_median_gap_between_orders(store):
    odd = buyer_with_orders(store, 0, 30, 70, 90)  # gaps 30, 40, 20
    even = buyer_with_orders(store, 0, 10, 40, 60, 100)  # gaps 10, 30, 20, 40

    cycles = purchase_cycles(customer_ids=[odd.pk, even.pk])

    assert cycles[odd.pk].cycle_days == pytest.approx(30)
    assert cycles[odd.pk].orders == 4
    assert cycles[odd.pk].last_order_at == FIRST + dt.timedelta(days=90)
    assert cycles[even.pk].cycle_days == pytest.approx(25)  # the mean of the middle two, 20 and 30


def test_fewer_than_three_orders_or_uncounted_orders_give_no_cycle(store):
    two = buyer_with_orders(store, 0, 30)
    cancelled = buyer_with_orders(store, 0, 30, 60, status=Order.Status.CANCELLED)

    assert purchase_cycles(customer_ids=[two.pk, cancelled.pk]) == {}


def test_the_reminder_comes_exactly_when_the_next_order_is_due_and_goes_to_the_stores_owner(store, owner):
    customer = buyer_with_orders(store, 0, 30, 70, 90)  # cycle 30: due 30 days after day 90
    due = FIRST + dt.timedelta(days=120)

    assert repurchase_reminders_create(now=due - dt.timedelta(minutes=1)) == 0
    assert repurchase_reminders_create(now=due) == 1

    reminder = FollowUp.objects.get(customer=customer)
    assert (reminder.kind, reminder.owner, reminder.due_at, reminder.done_at) == (
        FollowUp.Kind.REPURCHASE,
        owner,
        due,
        None,
    )
    assert "Buys about every 30 days (4 orders)" in reminder.note
    assert "2026-04-01" in reminder.note  # the last order's day
    assert list(follow_ups_due(user=owner, now=due)) == [reminder]


def test_running_twice_or_every_night_makes_one_reminder_per_cycle(store):
    customer = buyer_with_orders(store, 0, 30, 70, 90)
    due = FIRST + dt.timedelta(days=120)

    assert repurchase_reminders_create(now=due) == 1
    assert repurchase_reminders_create(now=due) == 0
    reminder = FollowUp.objects.get(customer=customer)
    reminder.done_at = due + dt.timedelta(hours=2)
    reminder.save()
    assert repurchase_reminders_create(now=due + dt.timedelta(days=1)) == 0  # done, same cycle: not again
    assert FollowUp.objects.filter(customer=customer).count() == 1


def test_a_new_order_since_moves_the_next_reminder_to_the_next_cycle(store):
    customer = buyer_with_orders(store, 0, 30, 70, 90)
    OrderFactory(store=store, customer=customer, placed_at=FIRST + dt.timedelta(days=115))

    assert repurchase_reminders_create(now=FIRST + dt.timedelta(days=120)) == 0
    assert (
        repurchase_reminders_create(now=FIRST + dt.timedelta(days=145)) == 1
    )  # 115 + median(30, 40, 20, 25)


def test_a_customer_long_past_their_cycle_is_left_to_the_segments(store):
    buyer_with_orders(store, 0, 30, 70, 90)  # due on day 120; two cycles after the last order: day 150

    assert repurchase_reminders_create(now=FIRST + dt.timedelta(days=151)) == 0


def test_without_a_follow_up_owner_the_lead_of_the_stores_regular_team_gets_it(owner):
    store = StoreFactory()
    overflow_lead, regular_lead = UserFactory(username="lead.overflow"), UserFactory(username="lead.regular")
    TeamFactory(name="Overflow", slug="overflow", is_overflow=True, lead=overflow_lead, stores=[store])
    TeamFactory(name="Regular", slug="regular", lead=regular_lead, stores=[store])
    lonely_store = StoreFactory()
    customer = buyer_with_orders(store, 0, 30, 60)
    nobody_to_tell = buyer_with_orders(lonely_store, 0, 30, 60)

    assert repurchase_reminders_create(now=FIRST + dt.timedelta(days=90)) == 1

    assert FollowUp.objects.get(customer=customer).owner == regular_lead
    assert not FollowUp.objects.filter(customer=nobody_to_tell).exists()


def test_merged_and_erased_customers_get_no_reminder(store):
    kept = buyer_with_orders(store, 0, 30, 60)
    merged = buyer_with_orders(store, 0, 30, 60)
    merged.merged_into = kept
    merged.save()
    erased = buyer_with_orders(store, 0, 30, 60)
    erased.erased_at = FIRST
    erased.save()

    assert repurchase_reminders_create(now=FIRST + dt.timedelta(days=90)) == 1
    assert list(FollowUp.objects.values_list("customer", flat=True)) == [kept.pk]


def test_a_second_open_repurchase_reminder_by_hand_is_refused_with_a_reason(store, owner):
    customer = buyer_with_orders(store, 0, 30, 60)
    repurchase_reminders_create(now=FIRST + dt.timedelta(days=90))

    with pytest.raises(FollowUpError, match="already has an open repurchase reminder"):
        follow_up_create(customer=customer, owner=owner, due_at=FIRST, kind=FollowUp.Kind.REPURCHASE)
    assert follow_up_create(customer=customer, owner=owner, due_at=FIRST, kind=FollowUp.Kind.CALL_BACK).pk


def test_the_work_is_one_statement_however_many_customers(store):
    """Set-based: the same queries for one customer as for many (no loop over customers)."""
    buyer_with_orders(store, 0, 30, 60)
    with CaptureQueriesContext(connection) as one:
        repurchase_reminders_create(now=FIRST + dt.timedelta(days=90))
    FollowUp.objects.all().delete()
    for _ in range(6):
        buyer_with_orders(store, 0, 30, 60)
    with CaptureQueriesContext(connection) as seven:
        created = repurchase_reminders_create(now=FIRST + dt.timedelta(days=90))

    assert created == 7
    assert len(seven.captured_queries) == len(one.captured_queries)


def test_the_nightly_task_runs_the_step(store):
    customer = CustomerFactory()
    for days_ago in (90, 60, 30):
        OrderFactory(
            store=store, customer=customer, placed_at=timezone.now() - dt.timedelta(days=days_ago, hours=1)
        )

    assert nightly_task() == 1
    assert nightly_task() == 0

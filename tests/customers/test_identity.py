"""Identity resolution: certain matches merge, uncertain ones are suggested, two people never meet."""

from __future__ import annotations

import pytest

from customers.identity import (
    MergeError,
    customer_merge,
    customer_unmerge,
    identity_resolution_scan,
    identity_resolve_customer,
    match_suggestion_accept,
    match_suggestion_reject,
    normalise_name,
    normalise_phone,
)
from customers.models import Customer, CustomerIdentity, CustomerMerge, IdentityMatchSuggestion, Platform
from customers.services import customer_resolve
from tests.factories import (
    CustomerFactory,
    CustomerIdentityFactory,
    CustomerTagFactory,
    OrderFactory,
    ReturnRequestFactory,
    TicketFactory,
)

pytestmark = pytest.mark.django_db


def test_phone_numbers_are_normalised_to_e164():
    assert normalise_phone("+49 30 1234 5678") == "+493012345678"
    assert normalise_phone("030 1234 5678", country="DE") == "+493012345678"
    assert normalise_phone("(212) 555-0134", country="US") == "+12125550134"
    assert normalise_phone("not a phone") == ""
    assert normalise_phone("030 1234 5678") == ""  # national number, country unknown


def test_names_compare_without_case_accents_or_order():
    assert normalise_name("Anna Müller") == normalise_name("MULLER, anna")
    assert normalise_name("Anna Müller") != normalise_name("Anna Schmidt")


def test_same_email_in_another_case_merges_into_the_older_customer(store_eu, store_us):
    older = CustomerFactory(display_name="Anna Müller", email="anna.mueller@example.de")
    OrderFactory(store=store_eu, customer=older)
    newer = CustomerFactory(display_name="A. Müller", email="Anna.Mueller@Example.de")
    CustomerIdentityFactory(
        customer=newer, platform=Platform.SHOPIFY, kind=CustomerIdentity.Kind.BUYER_ID, value="gid://1"
    )
    newer_ticket = TicketFactory(store=store_us, customer=newer)

    result = identity_resolve_customer(customer=newer)

    assert result.merged_into == older
    newer.refresh_from_db()
    assert newer.merged_into == older
    assert older.identities.filter(value="gid://1").exists()
    newer_ticket.refresh_from_db()
    assert newer_ticket.customer == older
    merge = CustomerMerge.objects.get(source=newer, target=older)
    assert merge.automatic
    assert "same e-mail anna.mueller@example.de" in merge.reason


def test_shared_phone_with_another_name_is_only_suggested(store_eu):
    anna = CustomerFactory(display_name="Anna Müller", email="anna@example.de", phone="+49 30 1234 5678")
    CustomerIdentityFactory(customer=anna)
    ben = CustomerFactory(display_name="Ben Müller", email="", phone="030 1234 5678", country="DE")

    result = identity_resolve_customer(customer=ben)

    assert result.merged_into is None
    ben.refresh_from_db()
    assert ben.merged_into is None
    suggestion = IdentityMatchSuggestion.objects.get()
    assert (suggestion.customer, suggestion.candidate) == (anna, ben)
    assert suggestion.status == IdentityMatchSuggestion.Status.PENDING
    assert suggestion.reasons == ["same phone +493012345678"]
    # Running again adds nothing.
    assert identity_resolve_customer(customer=ben).suggestions == []
    assert IdentityMatchSuggestion.objects.count() == 1


def test_same_name_at_same_address_is_suggested(store_eu):
    first = CustomerFactory(display_name="Anna Müller", email="")
    OrderFactory(
        store=store_eu, customer=first, email="", shipping_name="Anna Müller", shipping_postal_code="10115"
    )
    second = CustomerFactory(display_name="anna muller", email="")
    OrderFactory(
        store=store_eu, customer=second, email="", shipping_name="MÜLLER Anna", shipping_postal_code="10115"
    )

    identity_resolve_customer(customer=second)

    suggestion = IdentityMatchSuggestion.objects.get()
    assert suggestion.reasons == ["same name and address (DE 10115)"]


def test_different_emails_and_different_names_never_match(store_eu):
    anna = CustomerFactory(display_name="Anna Müller", email="anna@example.de", phone="+493012345678")
    OrderFactory(store=store_eu, customer=anna, shipping_postal_code="10115")
    ben = CustomerFactory(display_name="Ben Weber", email="ben@example.de", phone="+493012345678")
    OrderFactory(store=store_eu, customer=ben, shipping_postal_code="10115")

    assert identity_resolution_scan() == 2
    assert not IdentityMatchSuggestion.objects.exists()
    assert not CustomerMerge.objects.exists()


def test_nightly_scan_merges_certain_pairs_once(store_eu):
    older = CustomerFactory(display_name="Anna Müller", email="anna@example.de")
    newer = CustomerFactory(display_name="Anna Müller", email="")
    OrderFactory(store=store_eu, customer=newer, email="ANNA@example.de")

    identity_resolution_scan()
    identity_resolution_scan()

    assert CustomerMerge.objects.filter(source=newer, target=older).count() == 1
    assert Customer.objects.filter(merged_into__isnull=True, id__in=[older.id, newer.id]).count() == 1


def test_unmerge_restores_everything_that_moved_and_keeps_the_audit(store_eu, manager):
    kept = CustomerFactory(display_name="Anna Müller", email="anna@example.de", phone="", orders_count=1)
    merged = CustomerFactory(
        display_name="Anna M.", email="anna.m@example.com", phone="+4915112345678", orders_count=2
    )
    kept_order = OrderFactory(store=store_eu, customer=kept)
    moved_order = OrderFactory(store=store_eu, customer=merged)
    identity = CustomerIdentityFactory(customer=merged)
    ticket = TicketFactory(store=store_eu, customer=merged)
    ret = ReturnRequestFactory(store=store_eu, order=moved_order, customer=merged)
    tag_link = CustomerTagFactory(customer=merged)

    merge = customer_merge(source=merged, target=kept, actor=manager, reason="same person on the phone")
    kept.refresh_from_db()
    assert kept.phone == "+4915112345678"
    assert kept.orders_count == 3
    assert set(kept.orders.all()) == {kept_order, moved_order}
    with pytest.raises(MergeError):
        customer_merge(source=merged, target=kept)  # already merged: refused, nothing doubled

    restored = customer_unmerge(merge=merge, actor=manager)

    assert restored == merged
    assert restored.merged_into is None
    kept.refresh_from_db()
    assert kept.phone == ""
    assert kept.orders_count == 1
    assert list(kept.orders.all()) == [kept_order]
    for record in (moved_order, identity, ticket, ret, tag_link):
        record.refresh_from_db()
        assert record.customer_id == merged.id
    merge.refresh_from_db()
    assert merge.actor == manager
    assert merge.undone_by == manager
    assert merge.undone_at is not None
    assert merge.merged_from["profile"]["email"] == "anna.m@example.com"
    with pytest.raises(MergeError):
        customer_unmerge(merge=merge)
    # Unmerged by a person: the rules never merge the pair again.
    assert IdentityMatchSuggestion.objects.get().status == IdentityMatchSuggestion.Status.REJECTED


def test_accepting_a_suggestion_merges_and_rejecting_one_is_final(store_eu, agent_eu):
    anna = CustomerFactory(display_name="Anna Müller", email="anna@example.de", phone="+493012345678")
    ben = CustomerFactory(display_name="Ben Müller", email="", phone="+493012345678")
    carl = CustomerFactory(display_name="Carl Müller", email="", phone="+493012345678")
    identity_resolution_scan()
    to_accept = IdentityMatchSuggestion.objects.get(customer=anna, candidate=ben)
    to_reject = IdentityMatchSuggestion.objects.get(customer=anna, candidate=carl)

    merge = match_suggestion_accept(suggestion=to_accept, actor=agent_eu)
    match_suggestion_reject(suggestion=to_reject, actor=agent_eu)

    assert (merge.source, merge.target, merge.actor) == (ben, anna, agent_eu)
    to_accept.refresh_from_db()
    assert to_accept.status == IdentityMatchSuggestion.Status.ACCEPTED
    with pytest.raises(MergeError):
        match_suggestion_reject(suggestion=to_accept, actor=agent_eu)
    identity_resolution_scan()
    to_reject.refresh_from_db()
    assert to_reject.status == IdentityMatchSuggestion.Status.REJECTED
    carl.refresh_from_db()
    assert carl.merged_into is None


def test_a_customer_created_by_ingestion_is_matched_once_saved(store_eu, django_capture_on_commit_callbacks):
    known = CustomerFactory(display_name="Anna Müller", email="anna@example.de")  # imported, no identity yet

    with django_capture_on_commit_callbacks(execute=True):
        new = customer_resolve(store=store_eu, email="Anna@Example.de", name="Anna Müller")

    new.refresh_from_db()
    assert new.merged_into == known
    assert known.identities.filter(kind=CustomerIdentity.Kind.EMAIL, value="anna@example.de").exists()

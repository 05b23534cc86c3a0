"""Identity resolution: finding the one person behind several customers, and merging them.

Signals, strongest first: the same e-mail address (normalised), the same platform buyer id
(the identity's unique key already folds those together at ingestion), the same phone number
(E.164), the same name at the same address. A certain match merges at once; an uncertain one
becomes an :class:`IdentityMatchSuggestion` an agent accepts or rejects. Two customers with
different e-mail addresses *and* different names are never matched, whatever else they share
(a household's phone, a shop's pick-up address).

Every merge writes a :class:`CustomerMerge` with what moved, so an unmerge restores it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

import phonenumbers
from django.contrib.auth.models import User
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q, Value
from django.db.models.functions import Lower, Replace
from django.utils import timezone

from customers.models import (
    Customer,
    CustomerIdentity,
    CustomerMerge,
    IdentityMatchSuggestion,
    Order,
)

# Profile fields a merge copies onto the kept customer when it has none; an unmerge clears them.
FILLED_FIELDS = ("display_name", "email", "phone", "country", "language", "timezone")


class MergeError(ValueError):
    """A merge or unmerge that cannot be done; the message says why, for the agent."""


def normalise_email(address: str) -> str:
    return address.strip().lower()


def normalise_phone(number: str, *, country: str = "") -> str:
    """``number`` in E.164 (``+4930123456``), or ``""`` when it is not a valid phone number.

    A national number (``030 123456``) needs the customer's country to be understood.
    """
    number = number.strip()
    if not number:
        return ""
    try:
        parsed = phonenumbers.parse(number, (country or "").upper() or None)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(parsed):
        return ""
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def normalise_name(name: str) -> str:
    """Accents, case, order and punctuation removed: "Müller, Anna" and "anna mueller" differ,
    but "Anna Müller" and "MÜLLER anna" are the same name."""
    decomposed = unicodedata.normalize("NFKD", name)
    letters = "".join(c if c.isalnum() else " " for c in decomposed if not unicodedata.combining(c))
    return " ".join(sorted(letters.casefold().split()))


@dataclass
class Profile:
    """What a customer is known by, normalised for comparison."""

    emails: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    # (country, postal code, normalised name) of each ship-to address.
    addressees: set[tuple[str, str, str]] = field(default_factory=set)


def _profiles(customer_ids: Iterable[int]) -> dict[int, Profile]:
    ids = set(customer_ids)
    profiles = {customer_id: Profile() for customer_id in ids}
    for customer in Customer.objects.filter(id__in=ids).only(
        "id", "email", "phone", "display_name", "country"
    ):
        profile = profiles[customer.id]
        if customer.email:
            profile.emails.add(normalise_email(customer.email))
        if phone := normalise_phone(customer.phone, country=customer.country):
            profile.phones.add(phone)
        if name := normalise_name(customer.display_name):
            profile.names.add(name)
    for identity in CustomerIdentity.objects.filter(customer_id__in=ids).only(
        "customer_id", "kind", "value", "display_name"
    ):
        profile = profiles[identity.customer_id]
        if identity.kind == CustomerIdentity.Kind.EMAIL:
            profile.emails.add(normalise_email(identity.value))
        elif identity.kind == CustomerIdentity.Kind.PHONE and (phone := normalise_phone(identity.value)):
            profile.phones.add(phone)
        if name := normalise_name(identity.display_name):
            profile.names.add(name)
    orders = Order.objects.filter(customer_id__in=ids).values_list(
        "customer_id", "email", "shipping_name", "shipping_country", "shipping_postal_code"
    )
    for customer_id, email, ship_name, country, postal_code in orders:
        profile = profiles[customer_id]
        if email:
            profile.emails.add(normalise_email(email))
        name = normalise_name(ship_name)
        if name and country and postal_code:
            profile.addressees.add((country.upper(), postal_code.replace(" ", "").upper(), name))
    return profiles


class Verdict(Enum):
    CERTAIN = "certain"
    SUGGEST = "suggest"


@dataclass(frozen=True)
class Match:
    verdict: Verdict
    score: float
    reasons: list[str]


def match_profiles(a: Profile, b: Profile) -> Match | None:
    """Whether two customers are one person: certain, worth a suggestion, or not at all."""
    emails_differ = bool(a.emails and b.emails and not a.emails & b.emails)
    names_differ = bool(a.names and b.names and not a.names & b.names)
    if emails_differ and names_differ:
        return None  # Two people, whatever else they share.
    same_email = a.emails & b.emails
    same_phone = a.phones & b.phones
    same_addressee = a.addressees & b.addressees
    reasons = [f"same e-mail {e}" for e in sorted(same_email)]
    reasons += [f"same phone {p}" for p in sorted(same_phone)]
    reasons += [f"same name and address ({c} {z})" for c, z, _n in sorted(same_addressee)]
    if same_email:
        return Match(Verdict.CERTAIN, 1.0, reasons)
    if same_phone and same_addressee and not emails_differ:
        return Match(Verdict.CERTAIN, 0.95, reasons)
    if same_phone:
        return Match(Verdict.SUGGEST, 0.8 if not names_differ else 0.6, reasons)
    if same_addressee:
        return Match(Verdict.SUGGEST, 0.7, reasons)
    return None


def _live(customers: Any) -> Any:
    return customers.filter(merged_into__isnull=True, erased_at__isnull=True)


def _with_phone_digits(customers: Any) -> Any:
    digits: Any = F("phone")
    for separator in (" ", "-", "(", ")", ".", "/"):
        digits = Replace(digits, Value(separator), Value(""))
    return customers.annotate(phone_digits=digits)


def _candidate_ids(customer_id: int, profile: Profile) -> set[int]:
    """Customers sharing at least one key with ``profile`` (one query per kind of key)."""
    ids: set[int] = set()
    if profile.emails:
        ids |= set(
            Customer.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=profile.emails)
            .values_list("id", flat=True)
        )
        ids |= set(
            CustomerIdentity.objects.filter(
                kind=CustomerIdentity.Kind.EMAIL, value__in=profile.emails
            ).values_list("customer_id", flat=True)
        )
        ids |= set(
            Order.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=profile.emails, customer__isnull=False)
            .values_list("customer_id", flat=True)
        )
    if profile.phones:
        ids |= set(
            CustomerIdentity.objects.filter(
                kind=CustomerIdentity.Kind.PHONE, value__in=profile.phones
            ).values_list("customer_id", flat=True)
        )
        # Customer.phone is stored as typed: narrow down by the national digits, and let the
        # profile comparison decide on the exact E.164 number.
        by_digits = Q()
        for phone in profile.phones:
            by_digits |= Q(phone_digits__endswith=str(phonenumbers.parse(phone).national_number))
        ids |= set(
            _with_phone_digits(Customer.objects.exclude(phone=""))
            .filter(by_digits)
            .values_list("id", flat=True)
        )
    if profile.addressees:
        where = Q()
        for country, postal_code, _name in profile.addressees:
            where |= Q(shipping_country__iexact=country, shipping_postal_code__iexact=postal_code)
        ids |= set(Order.objects.filter(where, customer__isnull=False).values_list("customer_id", flat=True))
    ids.discard(customer_id)
    return set(_live(Customer.objects.filter(id__in=ids)).values_list("id", flat=True))


@dataclass
class ResolveResult:
    merged_into: Customer | None = None
    suggestions: list[IdentityMatchSuggestion] = field(default_factory=list)


def identity_resolve_customer(*, customer: Customer) -> ResolveResult:
    """Match one customer against everyone else: merge where certain (into the older
    customer), suggest where not. Running it again changes nothing."""
    result = ResolveResult()
    if customer.merged_into_id or customer.erased_at:
        return result
    own = _profiles([customer.id])[customer.id]
    candidates = _candidate_ids(customer.id, own)
    if not candidates:
        return result
    profiles = _profiles(candidates)
    for candidate_id in sorted(candidates):
        match = match_profiles(own, profiles[candidate_id])
        if match is None:
            continue
        low, high = sorted((customer.id, candidate_id))
        if match.verdict is Verdict.CERTAIN:
            if _rejected(low, high):
                continue  # An agent said these are two people; no rule overrides that.
            target = Customer.objects.get(pk=low)
            source = Customer.objects.get(pk=high)
            try:
                customer_merge(source=source, target=target, automatic=True, reason="; ".join(match.reasons))
            except MergeError:
                continue  # Merged meanwhile by someone else.
            result.merged_into = target if source.pk == customer.pk else result.merged_into
            if source.pk == customer.pk:
                return result
            continue
        suggestion = _suggest(low, high, match)
        if suggestion is not None:
            result.suggestions.append(suggestion)
    return result


def _rejected(low: int, high: int) -> bool:
    return IdentityMatchSuggestion.objects.filter(
        customer_id=low, candidate_id=high, status=IdentityMatchSuggestion.Status.REJECTED
    ).exists()


def _suggest(low: int, high: int, match: Match) -> IdentityMatchSuggestion | None:
    """A new suggestion for the pair; ``None`` when one was already made (whatever its fate)."""
    try:
        with transaction.atomic():
            suggestion, created = IdentityMatchSuggestion.objects.get_or_create(
                customer_id=low,
                candidate_id=high,
                defaults={"score": match.score, "reasons": match.reasons},
            )
    except IntegrityError:
        return None  # Another worker suggested the same pair a moment ago.
    return suggestion if created else None


def _customers_sharing_an_email() -> list[int]:
    """Customers whose e-mail (profile, identity or order) is also another customer's."""
    sql = f"""
        WITH keyed AS (
            SELECT id AS customer_id, LOWER(email) AS email_key
              FROM {Customer._meta.db_table} WHERE email <> ''
            UNION
            SELECT customer_id, LOWER(value) FROM {CustomerIdentity._meta.db_table} WHERE kind = %s
            UNION
            SELECT customer_id, LOWER(email) FROM {Order._meta.db_table}
             WHERE email <> '' AND customer_id IS NOT NULL
        )
        SELECT DISTINCT customer_id FROM keyed WHERE email_key IN (
            SELECT email_key FROM keyed GROUP BY email_key HAVING COUNT(DISTINCT customer_id) > 1
        )
    """  # Table names come from the models; the one value is a parameter.
    with connection.cursor() as cursor:
        cursor.execute(sql, [CustomerIdentity.Kind.EMAIL.value])
        return [row[0] for row in cursor.fetchall()]


def identity_resolution_scan() -> int:
    """The nightly pass: every live customer sharing a key with another is resolved.

    The shared keys are found with GROUP BY in the database, so the Python work is only
    for the few customers who have a possible twin. Returns how many customers were checked.
    """
    live = _live(Customer.objects.all())
    suspect_ids: set[int] = set()

    def shared(queryset: Any, customer_field: str, *keys: str) -> None:
        duplicates = queryset.values(*keys).annotate(n=Count(customer_field, distinct=True)).filter(n__gt=1)
        where = Q()
        for row in duplicates.values(*keys):
            where |= Q(**row)
        if where:
            suspect_ids.update(queryset.filter(where).values_list(customer_field, flat=True))

    suspect_ids.update(_customers_sharing_an_email())
    shared(_with_phone_digits(live.exclude(phone="")), "id", "phone_digits")
    shared(
        CustomerIdentity.objects.filter(
            customer__merged_into__isnull=True,
            kind__in=[CustomerIdentity.Kind.EMAIL, CustomerIdentity.Kind.PHONE],
        ),
        "customer_id",
        "value",
    )
    orders = Order.objects.filter(customer__merged_into__isnull=True, customer__isnull=False)
    shared(
        orders.exclude(shipping_postal_code="").annotate(name_key=Lower("shipping_name")),
        "customer_id",
        "shipping_country",
        "shipping_postal_code",
        "name_key",
    )
    checked = 0
    for customer in live.filter(id__in=suspect_ids).order_by("id"):
        customer.refresh_from_db(fields=["merged_into"])
        if customer.merged_into_id is None:
            identity_resolve_customer(customer=customer)
            checked += 1
    return checked


# --- merge and unmerge ---------------------------------------------------------------------


def _moved_ids(queryset: Any) -> list[int]:
    return list(queryset.values_list("id", flat=True))


@transaction.atomic
def customer_merge(
    *,
    source: Customer,
    target: Customer,
    actor: User | None = None,
    reason: str = "",
    automatic: bool = False,
) -> CustomerMerge:
    """Fold ``source`` into ``target``: identities, orders, tickets, returns, tags and
    follow-ups move; ``source`` stays, marked merged, so links to it keep working."""
    if source.pk == target.pk:
        raise MergeError("A customer cannot be merged into itself.")
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[source.pk, target.pk])}
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise MergeError("One of these customers was already merged into another.")
    if source.erased_at or target.erased_at:
        raise MergeError("An erased customer cannot be merged.")
    target_tag_ids = set(target.tag_links.values_list("tag_id", flat=True))
    tag_links = source.tag_links.exclude(tag_id__in=target_tag_ids)
    filled = [name for name in FILLED_FIELDS if not getattr(target, name) and getattr(source, name)]
    moved: dict[str, Any] = {
        "profile": {name: getattr(source, name) for name in FILLED_FIELDS},
        "filled": {name: getattr(source, name) for name in filled},
        "identities": _moved_ids(source.identities.all()),
        "orders": _moved_ids(source.orders.all()),
        "tickets": _moved_ids(source.tickets.all()),
        "returns": _moved_ids(source.returns.all()),
        "tag_links": _moved_ids(tag_links),
        "follow_ups": _moved_ids(source.follow_ups.all()),
        "counts": {
            "orders_count": source.orders_count,
            "returns_count": source.returns_count,
            "claims_count": source.claims_count,
        },
        "lifetime_value": (
            str(source.lifetime_value)
            if source.lifetime_value_currency == target.lifetime_value_currency
            else "0"
        ),
    }
    source.identities.update(customer=target)
    source.orders.update(customer=target)
    source.tickets.update(customer=target)
    source.returns.update(customer=target)
    tag_links.update(customer=target)
    source.follow_ups.update(customer=target)
    for name in filled:
        setattr(target, name, getattr(source, name))
    target.orders_count += source.orders_count
    target.returns_count += source.returns_count
    target.claims_count += source.claims_count
    target.lifetime_value += Decimal(moved["lifetime_value"])
    if source.first_seen_at and (not target.first_seen_at or source.first_seen_at < target.first_seen_at):
        moved["first_seen_at"] = target.first_seen_at.isoformat() if target.first_seen_at else None
        target.first_seen_at = source.first_seen_at
    target.save()
    source.merged_into = target
    source.save(update_fields=["merged_into"])
    IdentityMatchSuggestion.objects.filter(
        Q(customer_id=min(source.pk, target.pk), candidate_id=max(source.pk, target.pk)),
        status=IdentityMatchSuggestion.Status.PENDING,
    ).update(
        status=IdentityMatchSuggestion.Status.ACCEPTED,
        decided_by=actor,
        decided_at=timezone.now(),
    )
    return CustomerMerge.objects.create(
        source=source,
        target=target,
        merged_from=moved,
        automatic=automatic,
        reason=reason[:300],
        actor=actor,
    )


@transaction.atomic
def customer_unmerge(*, merge: CustomerMerge, actor: User | None = None) -> Customer:
    """Undo a merge: everything that moved goes back to the merged customer, who is live again.

    Records that arrived on the kept customer after the merge stay there.
    """
    merge = CustomerMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at:
        raise MergeError("This merge was already undone.")
    locked = {
        c.pk: c
        for c in Customer.objects.select_for_update().filter(pk__in=[merge.source_id, merge.target_id])
    }
    source, target = locked[merge.source_id], locked[merge.target_id]
    if target.merged_into_id:
        raise MergeError("The kept customer was merged again since; undo that merge first.")
    if source.merged_into_id != target.pk:
        raise MergeError("The merged customer is no longer merged into the kept one.")
    moved = merge.merged_from
    target.identities.filter(id__in=moved["identities"]).update(customer=source)
    target.orders.filter(id__in=moved["orders"]).update(customer=source)
    target.tickets.filter(id__in=moved["tickets"]).update(customer=source)
    target.returns.filter(id__in=moved["returns"]).update(customer=source)
    target.tag_links.filter(id__in=moved["tag_links"]).update(customer=source)
    target.follow_ups.filter(id__in=moved["follow_ups"]).update(customer=source)
    for name, value in moved["filled"].items():
        if getattr(target, name) == value:  # Unless someone has changed it since.
            setattr(target, name, "")
    counts = moved["counts"]
    target.orders_count = max(0, target.orders_count - counts["orders_count"])
    target.returns_count = max(0, target.returns_count - counts["returns_count"])
    target.claims_count = max(0, target.claims_count - counts["claims_count"])
    target.lifetime_value = max(Decimal("0"), target.lifetime_value - Decimal(moved["lifetime_value"]))
    if moved.get("first_seen_at"):
        target.first_seen_at = moved["first_seen_at"]
    target.save()
    source.merged_into = None
    source.save(update_fields=["merged_into"])
    merge.undone_at = timezone.now()
    merge.undone_by = actor
    merge.save(update_fields=["undone_at", "undone_by"])
    # Unmerged by a person: the pair is two people, so no rule merges them again.
    IdentityMatchSuggestion.objects.update_or_create(
        customer_id=min(source.pk, target.pk),
        candidate_id=max(source.pk, target.pk),
        defaults={
            "status": IdentityMatchSuggestion.Status.REJECTED,
            "score": 1.0,
            "decided_by": actor,
            "decided_at": merge.undone_at,
        },
    )
    return source


@transaction.atomic
def match_suggestion_accept(*, suggestion: IdentityMatchSuggestion, actor: User) -> CustomerMerge:
    """The agent confirms the pair is one person: the newer customer is merged into the older."""
    suggestion = IdentityMatchSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != IdentityMatchSuggestion.Status.PENDING:
        raise MergeError("This suggestion was already decided.")
    return customer_merge(
        source=suggestion.candidate,
        target=suggestion.customer,
        actor=actor,
        reason="; ".join(suggestion.reasons)[:300],
    )


@transaction.atomic
def match_suggestion_reject(*, suggestion: IdentityMatchSuggestion, actor: User) -> None:
    """The agent says these are two people; the pair is never suggested or merged again."""
    updated = IdentityMatchSuggestion.objects.filter(
        pk=suggestion.pk, status=IdentityMatchSuggestion.Status.PENDING
    ).update(status=IdentityMatchSuggestion.Status.REJECTED, decided_by=actor, decided_at=timezone.now())
    if not updated:
        raise MergeError("This suggestion was already decided.")

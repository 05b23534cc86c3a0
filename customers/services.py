"""Every write to customers. Identity resolution here is the certain case only (same
e-mail address or same platform buyer id); suggested matches and merges come on top."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from customers.models import Customer, CustomerIdentity, Platform, Store, Tag


def _normalise_email(address: str) -> str:
    return address.strip().lower()


@transaction.atomic
def customer_resolve(
    *, store: Store, email: str = "", buyer_id: str = "", name: str = "", chat_visitor: str = ""
) -> Customer:
    """The customer behind a message: found by platform buyer id, chat visitor id or e-mail,
    created if new.

    Safe when two messages from a new customer arrive at once: the identity's unique
    key decides, and the loser uses the winner's customer.
    """
    email = _normalise_email(email)
    keys: list[tuple[str, str, str]] = []
    if buyer_id:
        keys.append((store.platform, CustomerIdentity.Kind.BUYER_ID, buyer_id))
    if chat_visitor:
        keys.append((Platform.WEB, CustomerIdentity.Kind.CHAT, chat_visitor))
    if email:
        keys.append((Platform.EMAIL, CustomerIdentity.Kind.EMAIL, email))
    if not keys:
        raise ValueError("A message needs a sender address, a platform buyer id or a chat visitor id.")
    for platform, kind, value in keys:
        identity = (
            CustomerIdentity.objects.select_related("customer")
            .filter(platform=platform, kind=kind, value=value)
            .first()
        )
        if identity is not None:
            customer = identity.customer
            while customer.merged_into_id:
                customer = Customer.objects.get(pk=customer.merged_into_id)
            _add_missing_identities(customer, keys, name)
            return customer
    platform, kind, value = keys[0]
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                display_name=name[:200],
                email=email,
                language=store.default_language,
                lifetime_value_currency=store.currency,
                first_seen_at=timezone.now(),
            )
            CustomerIdentity.objects.create(
                customer=customer, platform=platform, kind=kind, value=value, display_name=name[:200]
            )
    except IntegrityError:
        # Another message from the same new customer won the race: theirs stands.
        customer = (
            CustomerIdentity.objects.select_related("customer")
            .get(platform=platform, kind=kind, value=value)
            .customer
        )
    _add_missing_identities(customer, keys[1:], name)
    return customer


def _add_missing_identities(customer: Customer, keys: Sequence[tuple[str, str, str]], name: str) -> None:
    for platform, kind, value in keys:
        try:
            with transaction.atomic():
                CustomerIdentity.objects.get_or_create(
                    platform=platform,
                    kind=kind,
                    value=value,
                    defaults={"customer": customer, "display_name": name[:200]},
                )
        except IntegrityError:
            # Another process created it a moment ago; theirs stands.
            continue


def tag_ensure(*, slug: str, name: str, description: str = "") -> Tag:
    """The tag with ``slug``, created as an automatic tag the first time a rule needs it."""
    tag, _created = Tag.objects.get_or_create(
        slug=slug, defaults={"name": name, "kind": Tag.Kind.AUTOMATIC, "description": description}
    )
    return tag

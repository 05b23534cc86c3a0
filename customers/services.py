"""Every write to customers. Identity resolution here is the certain case only (same
e-mail address or same platform buyer id); matching on phone, name and address, suggested
matches, merges and unmerges are in ``customers.identity``."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer, CustomerIdentity, FollowUp, Platform, Store, Tag


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
    else:
        _resolve_after_commit(customer.pk)
    _add_missing_identities(customer, keys[1:], name)
    return customer


def _resolve_after_commit(customer_id: int) -> None:
    """A new customer may be someone known under another address or platform: match them
    (merge if certain, suggest if not) in the background once the message is saved."""
    # Imported here: the task module imports the services this module's callers use.
    from customers.tasks import customer_identity_resolve

    transaction.on_commit(lambda: customer_identity_resolve.delay(customer_id), robust=True)


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


class FollowUpError(ValueError):
    """A follow-up that cannot be saved; the message says why, for the agent."""


def follow_up_create(
    *,
    customer: Customer,
    owner: User,
    due_at: datetime,
    kind: str = FollowUp.Kind.CALL_BACK,
    note: str = "",
    created_by: User | None = None,
) -> FollowUp:
    """Schedule a follow-up; it shows in the owner's inbox from ``due_at`` until marked done."""
    if kind not in FollowUp.Kind.values:
        raise FollowUpError(_("Unknown kind of follow-up."))
    if customer.merged_into_id or customer.erased_at:
        raise FollowUpError(_("This customer was merged or erased; follow up on the kept customer."))
    try:
        with transaction.atomic():
            return FollowUp.objects.create(
                customer=customer,
                owner=owner,
                due_at=due_at,
                kind=kind,
                note=note[:2000],
                created_by=created_by,
            )
    except IntegrityError as exc:
        # The only unique key: one open repurchase reminder per customer.
        raise FollowUpError(
            _("This customer already has an open repurchase reminder; mark it done or change it.")
        ) from exc


def follow_up_done(*, follow_up: FollowUp) -> FollowUp:
    """Mark a follow-up done; marking it again keeps the first time."""
    FollowUp.objects.filter(pk=follow_up.pk, done_at__isnull=True).update(done_at=timezone.now())
    follow_up.refresh_from_db(fields=["done_at"])
    return follow_up


# --- tags (the API's writes; admin edits them with its own form) ----------------------------------

TAG_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def _tag_save(tag: Tag, *, update_fields: list[str] | None = None) -> Tag:
    if not TAG_COLOUR.fullmatch(tag.color or ""):
        raise ValidationError({"color": [_("A colour like #1f883d.")]})
    tag.full_clean()
    try:
        with transaction.atomic():
            tag.save(update_fields=update_fields)
    except IntegrityError as exc:
        # Another request took the slug between the check and the insert.
        raise ValidationError({"slug": [_("A tag with this slug exists already.")]}) from exc
    return tag


def tag_create(
    *, slug: str, name: str, color: str = "#6e7781", description: str = "", priority_points: int = 0
) -> Tag:
    """A manual tag (automatic ones are made by the rules that set them, ``tag_ensure``)."""
    return _tag_save(
        Tag(
            slug=slug.strip(),
            name=name.strip(),
            kind=Tag.Kind.MANUAL,
            color=color.strip(),
            description=description.strip(),
            priority_points=priority_points,
        )
    )


def tag_update(
    *,
    tag: Tag,
    name: str | None = None,
    color: str | None = None,
    description: str | None = None,
    priority_points: int | None = None,
) -> Tag:
    """Rename or recolour a tag, or change its priority points (``None``: leave as is). The slug
    stays: rules and filters find tags by it."""
    fields = []
    if name is not None:
        tag.name = name.strip()
        fields.append("name")
    if color is not None:
        tag.color = color.strip()
        fields.append("color")
    if description is not None:
        tag.description = description.strip()
        fields.append("description")
    if priority_points is not None:
        tag.priority_points = priority_points
        fields.append("priority_points")
    if not fields:
        return tag
    return _tag_save(tag, update_fields=fields)

"""Writes of reply templates (the API's; admin edits them with its own forms): create, change,
deactivate. Team leads and managers may; a template for every store is for managers only, a
template of one store for those who see that store."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from customers.models import Store, Tag
from helpdesk.access import ALL_STORES, visible_store_ids
from helpdesk.exceptions import ApplicationError
from tickets.models import ReplyTemplate, ReplyTemplateVariant

ADD = "tickets.add_replytemplate"
CHANGE = "tickets.change_replytemplate"
# "en", "de", "zh-hans", "pt-br": a language code as the translation layer knows them.
LANGUAGE_CODE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,4})?")


class Keep(enum.Enum):
    """Leave the field as it is (for fields where ``None`` means something: "every store")."""

    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class VariantText:
    language: str
    subject: str
    body: str


def _check_may(actor: User, permission: str) -> None:
    if not actor.is_active or not actor.has_perm(permission):
        raise ApplicationError(_("Only team leads and managers may write reply templates."))


def _check_store(actor: User, store: Store | None) -> None:
    store_ids = visible_store_ids(actor)
    if store_ids is ALL_STORES:
        return
    if store is None:
        raise ApplicationError(
            _("Only managers may write templates for every store; choose one of your stores.")
        )
    if store.pk not in store_ids:
        raise ApplicationError(_("This store is not one of yours."))


def _checked_variants(variants: Sequence[VariantText]) -> list[VariantText]:
    if not variants:
        raise ValidationError({"variants": [_("Give the text in at least one language.")]})
    cleaned: dict[str, VariantText] = {}
    for variant in variants:
        language = variant.language.strip().lower().replace("_", "-")
        if not LANGUAGE_CODE.fullmatch(language):
            raise ValidationError(
                {
                    "variants": [
                        _("“%(language)s” is not a language code such as en or zh-hans.")
                        % {"language": variant.language}
                    ]
                }
            )
        if language in cleaned:
            raise ValidationError({"variants": [_("Two texts for %(language)s.") % {"language": language}]})
        body = variant.body.strip()
        if not body:
            raise ValidationError(
                {"variants": [_("The %(language)s text is empty.") % {"language": language}]}
            )
        cleaned[language] = VariantText(language=language, subject=variant.subject.strip(), body=body)
    return list(cleaned.values())


def _save(template: ReplyTemplate, *, update_fields: list[str] | None = None) -> None:
    template.full_clean()
    try:
        with transaction.atomic():
            template.save(update_fields=update_fields)
    except IntegrityError as exc:
        raise ValidationError({"slug": [_("A template with this slug exists already.")]}) from exc


def _replace_variants(template: ReplyTemplate, variants: list[VariantText]) -> None:
    template.variants.exclude(language__in=[v.language for v in variants]).delete()
    for variant in variants:
        ReplyTemplateVariant.objects.update_or_create(
            template=template,
            language=variant.language,
            defaults={"subject": variant.subject[:300], "body": variant.body},
        )


@transaction.atomic
def reply_template_create(
    *,
    actor: User,
    name: str,
    slug: str,
    variants: Sequence[VariantText],
    intent: str = "",
    store: Store | None = None,
    set_status: str = "",
    add_tags: Iterable[Tag] = (),
    is_active: bool = True,
) -> ReplyTemplate:
    """A new template with its text in one or more languages."""
    _check_may(actor, ADD)
    _check_store(actor, store)
    texts = _checked_variants(variants)
    template = ReplyTemplate(
        name=name.strip(),
        slug=slug.strip(),
        intent=intent,
        store=store,
        set_status=set_status,
        is_active=is_active,
    )
    _save(template)
    template.add_tags.set(list(add_tags))
    _replace_variants(template, texts)
    return template


@transaction.atomic
def reply_template_update(
    *,
    actor: User,
    template: ReplyTemplate,
    name: str | None = None,
    intent: str | None = None,
    store: Store | Literal[Keep.KEEP] | None = KEEP,
    set_status: str | None = None,
    add_tags: Iterable[Tag] | None = None,
    is_active: bool | None = None,
    variants: Sequence[VariantText] | None = None,
) -> ReplyTemplate:
    """Change a template (``None``/``KEEP``: leave that as it is); ``variants`` replaces the texts
    (a language left out is removed). The slug stays: macros and rules point at it."""
    _check_may(actor, CHANGE)
    locked = ReplyTemplate.objects.select_for_update().get(pk=template.pk)
    _check_store(actor, locked.store)
    fields = []
    if store is not KEEP:
        _check_store(actor, store)
        locked.store = store
        fields.append("store")
    for field, value in (
        ("name", name),
        ("intent", intent),
        ("set_status", set_status),
        ("is_active", is_active),
    ):
        if value is not None:
            setattr(locked, field, value.strip() if isinstance(value, str) and field == "name" else value)
            fields.append(field)
    texts = _checked_variants(variants) if variants is not None else None
    if fields:
        _save(locked, update_fields=fields)
    if add_tags is not None:
        locked.add_tags.set(list(add_tags))
    if texts is not None:
        _replace_variants(locked, texts)
    return locked


def reply_template_deactivate(*, actor: User, template: ReplyTemplate) -> ReplyTemplate:
    """Stop offering a template (it stays for the replies that used it and can be reactivated)."""
    return reply_template_update(actor=actor, template=template, is_active=False)

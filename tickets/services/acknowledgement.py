"""The seasonal acknowledgement: holiday mode's own text for the automatic "we received your
message" confirmation.

While a seasonal rule set is live for the ticket's store and its phase sets
``auto_reply_template`` (a reply template slug, see ``helpdesk.seasons.OVERRIDE_KEYS``), the
confirmation opens with that template's text instead of the everyday one: a holiday greeting,
longer answer times, the last shipping day before Christmas. The variant is the customer's
language (or its primary language), else the store's default language, else English, else the
template's first variant. Placeholders: those of every template (``{name}``, ``{order}``…) plus
``{reference}`` and ``{store}``. Several live rule sets: the newest one whose template exists
and is active wins. A slug that names no active template of the store (or of every store)
leaves the everyday text, and is logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.db.models import Q

from helpdesk.seasons import season_overrides_live
from tickets.models import ReplyTemplate, ReplyTemplateVariant, Ticket
from tickets.selectors import placeholders_fill, reply_placeholder_values

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SeasonAcknowledgement:
    template_slug: str
    language: str
    subject: str  # "" when the variant has none: the caller keeps its own
    body: str


def _variant(template: ReplyTemplate, languages: list[str]) -> ReplyTemplateVariant | None:
    variants = {variant.language: variant for variant in template.variants.all()}
    for language in languages:
        found = variants.get(language) or variants.get(language.split("-")[0])
        if found is not None:
            return found
    return variants.get("en") or next(iter(sorted(variants.values(), key=lambda v: v.pk)), None)


def season_acknowledgement(*, ticket: Ticket, language: str = "") -> SeasonAcknowledgement | None:
    """The live season's acknowledgement for ``ticket`` in ``language``; None outside a season
    (or when no live rule set names a usable template)."""
    store = ticket.store
    slugs = [
        str(overrides["auto_reply_template"])
        for overrides in season_overrides_live(store_id=store.pk, marketplace=store.marketplace)
        if isinstance(overrides.get("auto_reply_template"), str) and overrides["auto_reply_template"]
    ]
    languages = [code for code in (language, ticket.customer.language, store.default_language) if code]
    for slug in reversed(slugs):  # the newest rule set first
        template = (
            ReplyTemplate.objects.filter(slug=slug, is_active=True)
            .filter(Q(store=None) | Q(store=store))
            .prefetch_related("variants")
            .first()
        )
        variant = _variant(template, languages) if template is not None else None
        if variant is None:
            logger.warning(
                "Season acknowledgement template %r has no active variant for store %s", slug, store.pk
            )
            continue
        values = {
            **reply_placeholder_values(ticket=ticket, agent_name=""),
            "reference": ticket.reference,
            "store": store.name,
        }
        return SeasonAcknowledgement(
            template_slug=slug,
            language=variant.language,
            subject=placeholders_fill(body=variant.subject, values=values).strip(),
            body=placeholders_fill(body=variant.body, values=values).strip(),
        )
    return None

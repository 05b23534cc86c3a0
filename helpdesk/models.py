"""Cross-cutting models owned by the project package: seasonal rule sets (holiday mode)."""

from __future__ import annotations

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SeasonalRuleSet(models.Model):
    """A peak season with three phases, each overriding SLA, templates, returns and routing.

    before = [prepare_from, peak_from), during = [peak_from, peak_until),
    after = [peak_until, review_until). Boundaries are instants (UTC in the database),
    entered in the market's time zone.
    """

    class Kind(models.TextChoices):
        BLACK_FRIDAY = "black_friday", _("Black Friday / Cyber Monday")
        CHRISTMAS = "christmas", _("Christmas and New Year")
        SINGLES_DAY = "singles_day", _("Singles' Day (11.11)")
        SIX_EIGHTEEN = "618", _("618")
        CHINESE_NEW_YEAR = "chinese_new_year", _("Chinese New Year")
        VALENTINES = "valentines", _("Valentine's Day")
        PRIME_DAY = "prime_day", _("Prime Day")
        CUSTOM = "custom", _("Custom")

    class Phase(models.TextChoices):
        INACTIVE = "inactive", _("Inactive")
        BEFORE = "before", _("Before: prepare")
        DURING = "during", _("During: peak")
        AFTER = "after", _("After: review")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("season"), max_length=20, choices=Kind.choices)
    markets = models.JSONField(
        _("markets"),
        default=list,
        blank=True,
        help_text=_('ISO country codes, e.g. ["US", "GB"]; empty = all.'),
    )
    stores = models.ManyToManyField(
        "customers.Store",
        verbose_name=_("stores"),
        blank=True,
        related_name="seasonal_rule_sets",
        help_text=_("Empty: every store."),
    )
    timezone = models.CharField(_("market time zone"), max_length=64, default="UTC")
    prepare_from = models.DateTimeField(_("prepare from"))
    peak_from = models.DateTimeField(_("peak from"))
    peak_until = models.DateTimeField(_("peak until"))
    review_until = models.DateTimeField(_("review until"))
    overrides = models.JSONField(
        _("overrides per phase"),
        default=dict,
        blank=True,
        help_text=_(
            '{"before": {...}, "during": {...}, "after": {...}} with keys such as sla_factor, '
            "return_window_extension_until, priority_weights, self_service_threshold, overflow_team, "
            "delivery_padding_days, auto_reply_template, proactive_delay_notices."
        ),
    )
    is_enabled = models.BooleanField(_("enabled"), default=True)
    phase = models.CharField(_("current phase"), max_length=10, choices=Phase.choices, default=Phase.INACTIVE)
    phase_changed_at = models.DateTimeField(_("phase changed"), null=True, blank=True)
    manual_phase = models.BooleanField(
        _("phase set by hand"),
        default=False,
        help_text=_("The scheduled swap leaves a hand-set phase alone."),
    )

    class Meta:
        verbose_name = _("seasonal rule set")
        verbose_name_plural = _("seasonal rule sets")
        ordering = ["peak_from"]
        permissions = [("activate_seasonalruleset", _("Can switch a rule set's phase by hand"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(prepare_from__lte=F("peak_from"))
                & Q(peak_from__lt=F("peak_until"))
                & Q(peak_until__lte=F("review_until")),
                name="rule_set_phases_in_order",
            )
        ]
        indexes = [models.Index(fields=["phase"], name="rule_set_phase_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Every form (admin included) refuses unknown phases, keys and values; see
        # helpdesk.seasons.OVERRIDE_KEYS for what each key does.
        from helpdesk.seasons import validate_overrides

        errors: dict[str, list[str]] = {}
        try:
            validate_overrides(self.overrides)
        except ValidationError as error:
            errors["overrides"] = error.messages
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            errors["timezone"] = [
                _("Unknown time zone “%(zone)s”, e.g. Europe/Berlin.") % {"zone": self.timezone}
            ]
        if errors:
            raise ValidationError(errors)


class RuleSetSwap(models.Model):
    """The log of every phase change, by the scheduler or by a manager."""

    rule_set = models.ForeignKey(
        SeasonalRuleSet, verbose_name=_("rule set"), on_delete=models.CASCADE, related_name="swaps"
    )
    from_phase = models.CharField(_("from"), max_length=10, choices=SeasonalRuleSet.Phase.choices)
    to_phase = models.CharField(_("to"), max_length=10, choices=SeasonalRuleSet.Phase.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the scheduler."),
    )
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("rule set swap")
        verbose_name_plural = _("rule set swaps")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.rule_set}: {self.from_phase} → {self.to_phase}"


# The REST API's tokens and idempotency records live with the API code (helpdesk/api/).
from helpdesk.api.models import ApiToken, IdempotencyKey  # noqa: E402, F401

# Inbound commerce webhooks (helpdesk/commerce/) and outbound webhooks (helpdesk/outbound/).
from helpdesk.commerce.models import CommerceWebhookDelivery  # noqa: E402, F401
from helpdesk.outbound.models import WebhookDelivery, WebhookSubscription  # noqa: E402, F401

# Platform connectors (helpdesk/platforms/): credentials, sync cursors, the call log.
from helpdesk.platforms.models import PlatformCall, PlatformCredential, PlatformSyncCursor  # noqa: E402, F401

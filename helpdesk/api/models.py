"""API credentials and the record that makes a retried POST a replay (helpdesk app models).

Imported by ``helpdesk.models`` so Django registers them under the ``helpdesk`` app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Areas of the API a token may be given; each gets a ":read" and a ":write" scope.
API_AREAS = (
    "tickets",
    "customers",
    "orders",
    "returns",
    "refunds",
    "shipments",
    "templates",
    "tags",
    "seasons",
    "surveys",
    "webhooks",
)
API_SCOPES = tuple(f"{area}:{access}" for area in API_AREAS for access in ("read", "write"))


class ApiToken(models.Model):
    """A bearer token for the REST API. Only a SHA-256 of the secret is kept; the secret is
    shown once, when the token is created. The token acts as ``user`` (and sees that user's
    stores), limited to its scopes."""

    class Kind(models.TextChoices):
        PERSONAL = "personal", _("Personal (a person's scripts)")
        INTEGRATION = "integration", _("Integration (another system)")

    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses it, e.g. “ERP sync”."))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.INTEGRATION)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text=_("The token has this user's permissions and sees this user's stores."),
    )
    prefix = models.CharField(
        _("prefix"), max_length=12, editable=False, help_text=_("The start of the token, to recognise it.")
    )
    token_hash = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True, help_text=_("Empty: never."))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_usable(self, now: object | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class IdempotencyKey(models.Model):
    """The first response to a POST carrying an ``Idempotency-Key`` header, replayed to every
    retry with the same key; the unique constraint lets only one of two concurrent requests run."""

    class State(models.TextChoices):
        PROCESSING = "processing", _("Processing")
        COMPLETED = "completed", _("Completed")

    owner = models.CharField(_("owner"), max_length=40, help_text=_("token:<id> or user:<id>"))
    key = models.CharField(_("key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    request_hash = models.CharField(_("SHA-256 of the request body"), max_length=64)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PROCESSING)
    response_status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    response_body = models.JSONField(_("response body"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "key", "method", "path"], name="idempotencykey_unique_request"
            ),
            models.CheckConstraint(
                condition=Q(state="processing") | Q(response_status__isnull=False),
                name="idempotencykey_completed_has_status",
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotencykey_created_idx")]

    def __str__(self) -> str:
        return f"{self.owner} {self.method} {self.path} {self.key}"

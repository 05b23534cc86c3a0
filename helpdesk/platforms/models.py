"""What the connectors keep: each store's credentials (encrypted), its sync cursors, the call log."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlatformCredential(models.Model):
    """A store's API credentials for its platform, as one Fernet token of a JSON object.

    Only ``helpdesk.platforms.credentials`` reads or writes ``secrets_encrypted``; the raw
    column never holds a secret in the clear (the key is ``PLATFORM_CREDENTIALS_KEY``).
    """

    store = models.OneToOneField(
        "customers.Store",
        verbose_name=_("store"),
        on_delete=models.CASCADE,
        related_name="platform_credential",
    )
    base_url = models.URLField(
        _("API base URL"), help_text=_("The shop's address, e.g. https://shop.example.com")
    )
    secrets_encrypted = models.TextField(_("secrets (encrypted)"), editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("platform credential")
        verbose_name_plural = _("platform credentials")

    def __str__(self) -> str:
        return f"{self.store} ({self.base_url})"


class PlatformSyncCursor(models.Model):
    """Where a store's sync of one kind (orders, …) stopped: the next run resumes from here."""

    store = models.ForeignKey(
        "customers.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20)
    cursor = models.JSONField(_("cursor"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("platform sync cursor")
        verbose_name_plural = _("platform sync cursors")
        constraints = [
            models.UniqueConstraint(fields=["store", "kind"], name="platformsynccursor_unique_store_kind")
        ]

    def __str__(self) -> str:
        return f"{self.store} {self.kind}"


class PlatformCall(models.Model):
    """One HTTP call to a platform and what came of it (each retry is its own row)."""

    store = models.ForeignKey(
        "customers.Store",
        verbose_name=_("store"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    platform = models.CharField(_("platform"), max_length=20)
    operation = models.CharField(_("operation"), max_length=40)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    error = models.CharField(_("error"), max_length=500, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("platform call")
        verbose_name_plural = _("platform calls")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.platform} {self.operation} {self.status_code or '-'}"

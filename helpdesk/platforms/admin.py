"""The managers' surface for connectors: credentials (write-only secrets), cursors, the call log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import ReadOnlyAdminMixin
from helpdesk.platforms.credentials import platform_credential_set
from helpdesk.platforms.models import PlatformCall, PlatformCredential, PlatformSyncCursor


class PlatformCredentialForm(forms.ModelForm):
    base_url = forms.URLField(
        label=_("API base URL"),
        assume_scheme="https",
        help_text=_("The shop's address, e.g. https://shop.example.com"),
    )
    # Write-only: the stored secrets are never shown again; leave both empty to keep them.
    consumer_key = forms.CharField(
        label=_("consumer key"), required=False, widget=forms.PasswordInput(render_value=False)
    )
    consumer_secret = forms.CharField(
        label=_("consumer secret"), required=False, widget=forms.PasswordInput(render_value=False)
    )

    class Meta:
        model = PlatformCredential
        fields = ("store", "base_url")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        key, secret = cleaned.get("consumer_key"), cleaned.get("consumer_secret")
        if (key or secret or not self.instance.pk) and not (key and secret):
            raise forms.ValidationError(_("Enter both the consumer key and the consumer secret."))
        return cleaned


@admin.register(PlatformCredential)
class PlatformCredentialAdmin(admin.ModelAdmin):
    form = PlatformCredentialForm
    list_display = ("store", "base_url", "updated_at")
    list_select_related = ("store",)
    search_fields = ("store__name", "base_url")
    raw_id_fields = ("store",)

    def save_model(self, request: HttpRequest, obj: PlatformCredential, form: Any, change: bool) -> None:
        key, secret = form.cleaned_data.get("consumer_key"), form.cleaned_data.get("consumer_secret")
        if key and secret:
            saved = platform_credential_set(
                store=obj.store,
                base_url=obj.base_url,
                secrets={"consumer_key": key, "consumer_secret": secret},
            )
            obj.pk = saved.pk
        else:
            obj.save(update_fields=["base_url", "updated_at"])


@admin.register(PlatformSyncCursor)
class PlatformSyncCursorAdmin(admin.ModelAdmin):
    list_display = ("store", "kind", "cursor", "updated_at")
    list_filter = ("kind",)
    list_select_related = ("store",)
    raw_id_fields = ("store",)


@admin.register(PlatformCall)
class PlatformCallAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "store", "platform", "operation", "status_code", "duration_ms", "error")
    list_filter = ("platform", "operation", "status_code")
    list_select_related = ("store",)
    search_fields = ("error", "store__name")
    date_hierarchy = "at"

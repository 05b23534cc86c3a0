"""The managers' surface for connectors: credentials (write-only secrets), cursors, the call log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from helpdesk.admin import ReadOnlyAdminMixin
from helpdesk.platforms.base import CREDENTIAL_SECRETS
from helpdesk.platforms.credentials import platform_credential_set
from helpdesk.platforms.models import PlatformCall, PlatformCredential, PlatformSyncCursor


def _secret_help() -> str:
    return "; ".join(
        f"{platform}: {', '.join(names.required)}"
        + (f" ({_('optional')}: {', '.join(names.optional)})" if names.optional else "")
        for platform, names in CREDENTIAL_SECRETS.items()
    )


def parse_secrets(text: str) -> dict[str, str]:
    """``name=value`` per line (blank lines and surrounding spaces ignored)."""
    secrets: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        name, separator, value = line.partition("=")
        if not separator or not name.strip() or not value.strip():
            raise forms.ValidationError(
                _("Line %(number)s is not name=value.") % {"number": number}, code="secret_line"
            )
        secrets[name.strip()] = value.strip()
    return secrets


class PlatformCredentialForm(forms.ModelForm):
    base_url = forms.URLField(
        label=_("API base URL"),
        assume_scheme="https",
        help_text=_("The shop's or the platform's API address, e.g. https://shop.example.com"),
    )
    # Write-only: the stored secrets are never shown again; leave it empty to keep them.
    secrets = forms.CharField(
        label=_("secrets"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off", "spellcheck": "false"}),
        help_text=_(
            "One per line as name=value; never shown again, leave empty to keep the stored ones. "
            "Each platform's names: %(names)s."
        ),
    )

    class Meta:
        model = PlatformCredential
        fields = ("store", "base_url")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["secrets"]
        field.help_text = str(field.help_text) % {"names": _secret_help()}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        try:
            secrets = parse_secrets(cleaned.get("secrets") or "")
        except forms.ValidationError as error:
            self.add_error("secrets", error)
            return cleaned
        store = cleaned.get("store")
        names = CREDENTIAL_SECRETS.get(store.platform) if store is not None else None
        if store is not None and names is None:
            self.add_error("store", _("The helpdesk has no connector for this store's platform."))
            return cleaned
        if names is not None and (secrets or not self.instance.pk):
            missing = [name for name in names.required if name not in secrets]
            unknown = sorted(set(secrets) - set(names.required) - set(names.optional))
            if missing:
                self.add_error(
                    "secrets",
                    _("%(platform)s needs: %(names)s.")
                    % {"platform": store.get_platform_display(), "names": ", ".join(missing)},
                )
            if unknown:
                self.add_error(
                    "secrets", _("Not a secret of this platform: %(names)s.") % {"names": ", ".join(unknown)}
                )
        cleaned["parsed_secrets"] = secrets
        return cleaned


@admin.register(PlatformCredential)
class PlatformCredentialAdmin(admin.ModelAdmin):
    form = PlatformCredentialForm
    list_display = ("store", "base_url", "updated_at")
    list_select_related = ("store",)
    search_fields = ("store__name", "base_url")
    raw_id_fields = ("store",)

    def save_model(self, request: HttpRequest, obj: PlatformCredential, form: Any, change: bool) -> None:
        secrets = form.cleaned_data.get("parsed_secrets")
        if secrets:
            saved = platform_credential_set(store=obj.store, base_url=obj.base_url, secrets=secrets)
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

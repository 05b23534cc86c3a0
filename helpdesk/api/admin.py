"""API tokens in admin: create one (its secret is shown once), revoke, see when each was used."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from helpdesk.api.models import API_SCOPES, ApiToken, IdempotencyKey
from helpdesk.api.services import api_token_create, api_token_revoke


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(
        label=_("scopes"),
        choices=[(scope, scope) for scope in API_SCOPES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("“read” lets the token list and fetch; “write” also lets it create and change."),
    )

    class Meta:
        model = ApiToken
        fields = ("name", "kind", "user", "scopes", "expires_at")

    # Set by the admin: who is creating the token.
    creator: Any = None

    def clean_user(self) -> Any:
        user = self.cleaned_data.get("user")
        creator = self.creator
        if user is not None and user.is_superuser and not (creator is not None and creator.is_superuser):
            raise forms.ValidationError(_("Only a superuser may create a token that acts as a superuser."))
        return user

    def clean_expires_at(self) -> Any:
        expires_at = self.cleaned_data.get("expires_at")
        if expires_at is not None and expires_at <= timezone.now():
            raise forms.ValidationError(_("The expiry date is in the past."))
        return expires_at


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = (
        "name",
        "prefix",
        "kind",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    list_filter = ("kind", ("revoked_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", "prefix", "user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)
    actions = ("revoke",)
    readonly_fields = ("prefix", "created_at", "created_by", "last_used_at", "revoked_at")

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        # Who a token acts as never changes: revoke it and make another.
        if obj is not None:
            return (*self.readonly_fields, "user", "kind")
        return ()

    def get_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> Any:
        if obj is None:
            return ("name", "kind", "user", "scopes", "expires_at")
        return ("name", "kind", "user", "scopes", "expires_at", *self.readonly_fields)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: ModelForm, change: bool) -> None:
        if change:
            obj.save(update_fields=["name", "scopes", "expires_at"])
            return
        created = api_token_create(
            user=obj.user,
            name=obj.name,
            scopes=obj.scopes,
            kind=obj.kind,
            expires_at=obj.expires_at,
            created_by=request.user if request.user.is_authenticated else None,
        )
        obj.pk, obj.prefix, obj.token_hash = created.token.pk, created.token.prefix, created.token.token_hash
        obj.created_at = created.token.created_at
        obj._state.adding = False
        obj._state.db = created.token._state.db
        messages.warning(
            request,
            format_html(
                "{} <code>{}</code>",
                _("Copy this token now; it is not shown again:"),
                created.secret,
            ),
        )

    def get_form(
        self, request: HttpRequest, obj: ApiToken | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type("ApiTokenFormFor", (form,), {"creator": request.user})

    @admin.action(description=_("Revoke the selected tokens"), permissions=["change"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            api_token_revoke(token=token)
            count += 1
        self.message_user(request, _("%(count)d tokens revoked.") % {"count": count}, messages.SUCCESS)


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    """What each retried POST was answered (written only by the API): view only."""

    list_display = ("created_at", "owner", "method", "path", "key", "state", "response_status")
    list_filter = ("state", "method", "created_at")
    search_fields = ("key", "owner", "path")
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: IdempotencyKey | None = None) -> bool:
        return False

"""Admin for holiday mode (seasonal rule sets), plus the small helpers every app's admin shares.

The helpers live here because ``helpdesk`` is the package that provides to every app:
``run_service_per_object`` runs one service call per selected object and reports the
outcome, ``json_block`` shows a raw payload read-only, and the read-only mixins keep
audit trails and service-owned state out of reach of hand edits.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from helpdesk.exceptions import ApplicationError
from helpdesk.models import RuleSetSwap, SeasonalRuleSet
from helpdesk.season_calendar import rule_sets_copy_to_next_year
from helpdesk.seasons import OVERRIDE_KEYS, rule_set_phase_at, rule_set_preview, rule_set_set_phase

ACTION_CHUNK_SIZE = 500
MAX_ERRORS_SHOWN = 10

if TYPE_CHECKING:
    # Lazy translations are accepted wherever a message is; only the type checker needs the alias.
    from django_stubs_ext import StrOrPromise


# --- Shared helpers -------------------------------------------------------------------------


def json_block(value: object) -> str:
    """A JSON value pretty-printed in a <pre>, escaped; the empty marker when there is nothing."""
    if value in (None, "", {}, []):
        return "—"
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    return format_html('<pre style="white-space: pre-wrap; max-height: 40em; overflow: auto;">{}</pre>', text)


def run_service_per_object(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    call: Callable[[Any], object],
    done_message: StrOrPromise,
    message_args: dict[str, object] | None = None,
) -> int:
    """Call ``call(obj)`` for every selected object, each in its own service transaction.

    An ``ApplicationError`` skips that object and is reported as a warning (the first few
    one by one, then a count); ``done_message`` (with ``%(count)d`` and any ``message_args``)
    reports the successes.
    Objects are loaded in chunks of primary keys so "select all" on a big table stays bounded.
    """
    succeeded = 0
    failures: list[str] = []
    pks = list(queryset.order_by().values_list("pk", flat=True))
    for start in range(0, len(pks), ACTION_CHUNK_SIZE):
        chunk = pks[start : start + ACTION_CHUNK_SIZE]
        for obj in queryset.filter(pk__in=chunk).order_by("pk"):
            try:
                call(obj)
            except ApplicationError as exc:
                failures.append(_("%(object)s: %(error)s") % {"object": obj, "error": exc.message})
            else:
                succeeded += 1
    for failure in failures[:MAX_ERRORS_SHOWN]:
        modeladmin.message_user(request, failure, level=messages.WARNING)
    if len(failures) > MAX_ERRORS_SHOWN:
        modeladmin.message_user(
            request,
            _("%(count)d more could not be changed.") % {"count": len(failures) - MAX_ERRORS_SHOWN},
            level=messages.WARNING,
        )
    modeladmin.message_user(
        request,
        done_message % {**(message_args or {}), "count": succeeded},
        level=messages.SUCCESS if succeeded else messages.INFO,
    )
    return succeeded


class ReadOnlyInlineMixin:
    """An inline that shows history: nothing is added, changed or deleted through it."""

    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyAdminMixin:
    """A model written only by services (audit trails, ledgers, provider data): view only.

    Deleting stays governed by the normal permissions, so deleting a parent object still
    cascades through the admin's delete confirmation.
    """

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


# --- Seasonal rule sets ---------------------------------------------------------------------


class RuleSetSwapInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = RuleSetSwap
    fields = ("created_at", "from_phase", "to_phase", "actor")
    readonly_fields = fields
    ordering = ("-created_at",)
    show_change_link = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[RuleSetSwap]:
        return super().get_queryset(request).select_related("actor")


@admin.register(SeasonalRuleSet)
class SeasonalRuleSetAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "phase",
        "manual_phase",
        "is_enabled",
        "prepare_from",
        "peak_from",
        "peak_until",
        "review_until",
        "phase_changed_at",
    )
    list_filter = ("kind", "phase", "is_enabled", "manual_phase", "stores")
    search_fields = ("name", "slug")
    date_hierarchy = "peak_from"
    prepopulated_fields = {"slug": ("name",)}
    filter_horizontal = ("stores",)
    readonly_fields = ("phase", "manual_phase", "phase_changed_at", "scheduled_phase", "preview_links")
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "is_enabled")}),
        (_("Where"), {"fields": ("markets", "stores", "timezone")}),
        (_("When"), {"fields": ("prepare_from", "peak_from", "peak_until", "review_until")}),
        (_("What changes"), {"fields": ("overrides", "preview_links")}),
        (_("State"), {"fields": ("phase", "manual_phase", "phase_changed_at", "scheduled_phase")}),
    )
    inlines = (RuleSetSwapInline,)
    actions = (
        "activate_during",
        "activate_before",
        "activate_after",
        "deactivate",
        "return_to_schedule",
        "copy_to_next_year",
    )

    def has_activate_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("helpdesk.activate_seasonalruleset")

    def get_urls(self) -> list[URLPattern]:
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="helpdesk_seasonalruleset_preview",
        )
        return [preview, *super().get_urls()]

    @admin.display(description=_("preview"))
    def preview_links(self, obj: SeasonalRuleSet) -> str:
        if obj.pk is None:
            return "—"
        url = reverse("admin:helpdesk_seasonalruleset_preview", args=[obj.pk])
        return format_html(
            '<a href="{}?phase=before">{}</a> · <a href="{}?phase=during">{}</a> · <a href="{}?phase=after">{}</a>',
            url,
            SeasonalRuleSet.Phase.BEFORE.label,
            url,
            SeasonalRuleSet.Phase.DURING.label,
            url,
            SeasonalRuleSet.Phase.AFTER.label,
        )

    def preview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """What changes, store by store, if this rule set's phase were active now."""
        rule_set = self.get_object(request, object_id)
        if rule_set is None:
            raise Http404(_("No such seasonal rule set."))
        if not self.has_view_permission(request, rule_set):
            raise PermissionDenied
        phases = [SeasonalRuleSet.Phase.BEFORE, SeasonalRuleSet.Phase.DURING, SeasonalRuleSet.Phase.AFTER]
        phase = request.GET.get("phase") or SeasonalRuleSet.Phase.DURING
        if phase not in phases:
            return HttpResponse(
                _("Unknown phase “%(phase)s”: use before, during or after.") % {"phase": phase}, status=400
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": rule_set,
            "title": _("Preview: %(rule_set)s, %(phase)s")
            % {
                "rule_set": rule_set,
                "phase": SeasonalRuleSet.Phase(phase).label,
            },
            "phase": phase,
            "phases": [(value, SeasonalRuleSet.Phase(value).label) for value in phases],
            "changes": rule_set_preview(rule_set=rule_set, phase=phase),
            "key_help": OVERRIDE_KEYS,
            "live_phase": SeasonalRuleSet.Phase(rule_set.phase).label,
        }
        return TemplateResponse(request, "admin/helpdesk/seasonalruleset/preview.html", context)

    @admin.display(description=_("phase by the calendar now"))
    def scheduled_phase(self, obj: SeasonalRuleSet) -> str:
        if obj.pk is None:
            return "—"
        return str(SeasonalRuleSet.Phase(rule_set_phase_at(rule_set=obj, when=timezone.now())).label)

    def _set_phase(self, request: HttpRequest, queryset: QuerySet[SeasonalRuleSet], phase: str) -> None:
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda rule_set: rule_set_set_phase(
                rule_set=rule_set, phase=phase, actor=request.user, manual=True
            ),
            done_message=_("Rule sets switched to “%(phase)s”: %(count)d."),
            message_args={"phase": SeasonalRuleSet.Phase(phase).label},
        )

    @admin.action(permissions=["activate"], description=_("Activate: during (peak)"))
    def activate_during(self, request: HttpRequest, queryset: QuerySet[SeasonalRuleSet]) -> None:
        self._set_phase(request, queryset, SeasonalRuleSet.Phase.DURING)

    @admin.action(permissions=["activate"], description=_("Activate: before"))
    def activate_before(self, request: HttpRequest, queryset: QuerySet[SeasonalRuleSet]) -> None:
        self._set_phase(request, queryset, SeasonalRuleSet.Phase.BEFORE)

    @admin.action(permissions=["activate"], description=_("Activate: after"))
    def activate_after(self, request: HttpRequest, queryset: QuerySet[SeasonalRuleSet]) -> None:
        self._set_phase(request, queryset, SeasonalRuleSet.Phase.AFTER)

    @admin.action(permissions=["activate"], description=_("Deactivate"))
    def deactivate(self, request: HttpRequest, queryset: QuerySet[SeasonalRuleSet]) -> None:
        self._set_phase(request, queryset, SeasonalRuleSet.Phase.INACTIVE)

    @admin.action(permissions=["activate"], description=_("Return to schedule"))
    def return_to_schedule(self, request: HttpRequest, queryset: QuerySet[SeasonalRuleSet]) -> None:
        now = timezone.now()
        run_service_per_object(
            self,
            request,
            queryset,
            call=lambda rule_set: rule_set_set_phase(
                rule_set=rule_set,
                phase=rule_set_phase_at(rule_set=rule_set, when=now),
                actor=request.user,
                manual=False,
            ),
            done_message=_("Rule sets back on their schedule: %(count)d."),
        )

    @admin.action(permissions=["add"], description=_("Copy to next year"))
    def copy_to_next_year(self, request: HttpRequest, queryset: QuerySet[SeasonalRuleSet]) -> None:
        copies = rule_sets_copy_to_next_year(rule_sets=queryset.order_by("peak_from", "pk"))
        if copies.created:
            self.message_user(
                request,
                _("Created for next year, disabled until you check the dates and enable them: %(names)s.")
                % {"names": ", ".join(str(rule_set) for rule_set in copies.created)},
                level=messages.SUCCESS,
            )
        if copies.skipped:
            self.message_user(
                request,
                _("Skipped: %(reasons)s.")
                % {"reasons": "; ".join(f"{source} ({reason})" for source, reason in copies.skipped)},
                level=messages.INFO if copies.created else messages.WARNING,
            )


@admin.register(RuleSetSwap)
class RuleSetSwapAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "rule_set", "from_phase", "to_phase", "actor")
    list_filter = ("to_phase", "from_phase", "rule_set")
    list_select_related = ("rule_set", "actor")
    search_fields = ("rule_set__name", "rule_set__slug")
    date_hierarchy = "created_at"
    raw_id_fields = ("rule_set", "actor")


# The REST API's tokens (helpdesk/api/admin.py registers them).
import helpdesk.api.admin  # noqa: E402

# Platform connectors: credentials, sync cursors, the call log (helpdesk/platforms/admin.py).
import helpdesk.platforms.admin  # noqa: E402

# Webhooks: outbound subscriptions and deliveries, the inbound commerce log (helpdesk/webhooks_admin.py).
import helpdesk.webhooks_admin  # noqa: E402, F401

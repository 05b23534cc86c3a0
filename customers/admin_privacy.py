"""The managers' GDPR / CCPA surface in admin: export and erase actions, the erasure log.

Both actions need the permission to delete customers (managers have it; agents and team
leads do not).
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from customers import privacy
from customers.models import Customer, ErasureLog


@admin.action(description=gettext_lazy("Export personal data (ZIP)"), permissions=["delete"])
def export_personal_data(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Customer]
) -> HttpResponseBase | None:
    customers = list(queryset[:2])
    if len(customers) != 1:
        modeladmin.message_user(request, _("Select exactly one customer to export."), messages.ERROR)
        return None
    customer = customers[0]
    return FileResponse(
        privacy.customer_export_file(customer=customer),
        as_attachment=True,
        filename=f"customer-{customer.pk}-export.zip",
        content_type="application/zip",
    )


@admin.action(description=gettext_lazy("Erase personal data"), permissions=["delete"])
def erase_personal_data(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Customer]
) -> HttpResponse | None:
    if request.POST.get("confirm") != "yes":
        # The standard admin pattern: a page listing what will happen, posted back with "confirm".
        return TemplateResponse(
            request,
            "admin/customers/erase_confirmation.html",
            {
                **modeladmin.admin_site.each_context(request),
                "title": _("Erase personal data"),
                "customers": queryset,
                "opts": modeladmin.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )
    erased = already = 0
    for customer in queryset:
        result = privacy.customer_erase(customer=customer, actor=request.user)  # type: ignore[arg-type]
        if result.already_erased:
            already += 1
        else:
            erased += 1
    modeladmin.message_user(
        request,
        ngettext("%(count)d customer erased.", "%(count)d customers erased.", erased) % {"count": erased},
        messages.SUCCESS,
    )
    if already:
        modeladmin.message_user(
            request,
            ngettext(
                "%(count)d customer was already erased; nothing changed.",
                "%(count)d customers were already erased; nothing changed.",
                already,
            )
            % {"count": already},
            messages.INFO,
        )
    return None


@admin.register(ErasureLog)
class ErasureLogAdmin(admin.ModelAdmin):
    list_display = ("erased_customer_id", "actor", "at")
    list_select_related = ("actor",)
    search_fields = ("=erased_customer_id",)
    date_hierarchy = "at"
    readonly_fields = ("erased_customer_id", "rows", "actor", "at")

    # The log is written by the erasure only, and kept.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ErasureLog | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ErasureLog | None = None) -> bool:
        return False

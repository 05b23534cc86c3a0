"""Managers' GDPR / CCPA pages: download a customer's data, erase a customer.

Both need the permission to delete customers (managers); anyone else gets 403. A customer
outside the user's stores is a 404, as if it did not exist.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customers import privacy
from customers.models import Customer
from customers.selectors import customer_get_for_user

PRIVACY_PERMISSION = "customers.delete_customer"


def _customer_for_privacy(request: HttpRequest, customer_id: int) -> Customer:
    if not request.user.has_perm(PRIVACY_PERMISSION):
        raise PermissionDenied(_("Only managers may export or erase a customer's data."))
    try:
        return customer_get_for_user(user=request.user, customer_id=customer_id)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def customer_export(request: HttpRequest, customer_id: int) -> HttpResponseBase:
    customer = _customer_for_privacy(request, customer_id)
    return FileResponse(
        privacy.customer_export_file(customer=customer),
        as_attachment=True,
        filename=f"customer-{customer.pk}-export.zip",
        content_type="application/zip",
    )


@login_required
@require_POST
def customer_erase(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _customer_for_privacy(request, customer_id)
    result = privacy.customer_erase(customer=customer, actor=request.user)  # type: ignore[arg-type]
    if result.already_erased:
        messages.info(request, _("This customer was already erased; nothing changed."))
    else:
        messages.success(request, _("The customer's personal data was erased."))
    return redirect("customers:detail", customer_id=customer.pk)

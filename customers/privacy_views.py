"""Managers' GDPR / CCPA pages: download a customer's data, erase a customer.

Both need the permission to delete customers (managers); anyone else gets 403. A customer
outside the user's stores is a 404, as if it did not exist. Erasing asks first: the page
names what goes and what stays, and the manager types the customer's number to confirm.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from customers import privacy
from customers.models import Customer
from customers.selectors import customer_get_for_user

PRIVACY_PERMISSION = privacy.PRIVACY_PERMISSION


def _customer_for_privacy(request: HttpRequest, customer_id: int) -> Customer:
    if not request.user.has_perm(PRIVACY_PERMISSION):
        raise PermissionDenied(_("Only managers may export or erase a customer's data."))
    try:
        return customer_get_for_user(user=request.user, customer_id=customer_id)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc


class EraseConfirmationForm(forms.Form):
    """The customer's number typed again: a slip of the mouse cannot erase anyone."""

    reference = forms.CharField(label=gettext_lazy("Customer number"), max_length=20)

    def __init__(self, *args: object, customer: Customer, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.customer = customer

    def clean_reference(self) -> str:
        typed = self.cleaned_data["reference"].strip().lstrip("#")
        if typed != str(self.customer.pk):
            raise forms.ValidationError(
                _("Type the customer number %(number)s to confirm.") % {"number": self.customer.pk}
            )
        return typed


# POST is the page's button (CSRF-protected); GET keeps links to the export working.
@login_required
@require_http_methods(["GET", "POST"])
def customer_export(request: HttpRequest, customer_id: int) -> HttpResponseBase:
    customer = _customer_for_privacy(request, customer_id)
    return FileResponse(
        privacy.customer_export_file(customer=customer),
        as_attachment=True,
        filename=f"customer-{customer.pk}-export.zip",
        content_type="application/zip",
    )


@login_required
@require_http_methods(["GET", "POST"])
def customer_erase(request: HttpRequest, customer_id: int) -> HttpResponse:
    """GET: the confirmation page. POST with the customer's number: erase, back to the customer."""
    customer = _customer_for_privacy(request, customer_id)
    if request.method == "GET":
        form = EraseConfirmationForm(customer=customer)
        return render(request, "customers/erase_confirm.html", {"customer": customer, "form": form})
    form = EraseConfirmationForm(request.POST, customer=customer)
    if not form.is_valid():
        return render(
            request, "customers/erase_confirm.html", {"customer": customer, "form": form}, status=400
        )
    result = privacy.customer_erase(customer=customer, actor=request.user)  # type: ignore[arg-type]
    if result.already_erased:
        messages.info(request, _("This customer was already erased; nothing changed."))
    else:
        messages.success(request, _("The customer's personal data was erased."))
    return redirect("customers:detail", customer_id=customer.pk)

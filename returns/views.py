"""The returns queue and the return page, with the decisions agents take there.

Thin views: parse input, call one selector or service, turn an ``ApplicationError`` into a
message, redirect back. Returns are fetched through store-scoped selectors, so a return of
another team's store is a 404, the same as a missing one. Deciding needs
``returns.change_returnrequest`` (agents, team leads, managers; see returns migration 0004); inspecting ``returns.change_returnline``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from customers.selectors import store_list_for_user
from helpdesk.exceptions import ApplicationError
from returns.forms import DecisionForm, InspectionForm, decision_forms
from returns.labels import render_return_label
from returns.models import ReturnLine, ReturnPhoto, ReturnRequest
from returns.selectors import return_get_for_user, return_list, return_photo_get_for_user
from returns.services.workflow import return_approve, return_inspect, return_reject

PAGE_SIZE = 50
DECIDE = "returns.change_returnrequest"
INSPECT = "returns.change_returnline"
DECIDABLE = (ReturnRequest.Status.REQUESTED, ReturnRequest.Status.NEEDS_REVIEW)


def _return(request: HttpRequest, return_id: int) -> ReturnRequest:
    try:
        return return_get_for_user(user=request.user, return_id=return_id)
    except ReturnRequest.DoesNotExist as exc:
        raise Http404 from exc


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
@require_GET
def return_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ReturnRequest.Status.values:
        status = ""
    source = request.GET.get("source", "")
    if source not in ReturnRequest.Source.values:
        source = ""
    store_id = _int_or_none(request.GET.get("store"))
    query = request.GET.get("q", "").strip()[:64]
    returns = return_list(user=request.user, status=status, store_id=store_id, source=source, query=query)
    page = Paginator(returns, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "returns/list.html",
        {
            "page_obj": page,
            "returns": page.object_list,
            "status": status,
            "statuses": ReturnRequest.Status.choices,
            "source": source,
            "sources": ReturnRequest.Source.choices,
            "store_id": store_id,
            "stores": store_list_for_user(user=request.user),
            "query": query,
        },
    )


@login_required
@require_GET
def return_detail(request: HttpRequest, return_id: int) -> HttpResponse:
    return_request = _return(request, return_id)
    lines = list(return_request.lines.all())
    may_decide = request.user.has_perm(DECIDE) and return_request.status in DECIDABLE
    may_inspect = request.user.has_perm(INSPECT) and return_request.status == ReturnRequest.Status.RECEIVED
    approve_form, reject_form = decision_forms(return_request) if may_decide else (None, None)
    return _detail_page(
        request,
        return_request,
        lines,
        approve_form=approve_form,
        reject_form=reject_form,
        inspection_form=InspectionForm(lines=lines) if may_inspect else None,
    )


def _detail_page(
    request: HttpRequest,
    return_request: ReturnRequest,
    lines: list[ReturnLine],
    *,
    approve_form: DecisionForm | None = None,
    reject_form: DecisionForm | None = None,
    inspection_form: InspectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    rules = return_request.decision_rules if isinstance(return_request.decision_rules, list) else []
    return render(
        request,
        "returns/detail.html",
        {
            "return": return_request,
            "lines": lines,
            "events": return_request.events.all(),
            "refunds": return_request.refunds.all(),
            "rules": [rule for rule in rules if isinstance(rule, dict)],
            "approve_form": approve_form,
            "reject_form": reject_form,
            "inspection_form": inspection_form,
            "has_label": bool(return_request.label)
            or return_request.status == ReturnRequest.Status.LABEL_ISSUED,
        },
        status=status,
    )


@login_required
@require_POST
def return_approve_view(request: HttpRequest, return_id: int) -> HttpResponse:
    return _decide(request, return_id, approve=True)


@login_required
@require_POST
def return_reject_view(request: HttpRequest, return_id: int) -> HttpResponse:
    return _decide(request, return_id, approve=False)


def _decide(request: HttpRequest, return_id: int, *, approve: bool) -> HttpResponse:
    """Approve or reject with the agent's note; either way back to the return's page."""
    return_request = _return(request, return_id)
    if not request.user.has_perm(DECIDE):
        messages.error(request, _("Your role may not decide returns."))
        return redirect("returns:detail", return_id=return_request.pk)
    approve_form, reject_form = decision_forms(return_request, request.POST)
    form = approve_form if approve else reject_form
    if form.is_valid():
        decide = return_approve if approve else return_reject
        try:
            decided = decide(
                return_request=return_request, actor=request.user, note=form.cleaned_data["note"]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            done = _("Return %(rma)s approved.") if approve else _("Return %(rma)s rejected.")
            messages.success(request, done % {"rma": decided.rma_number})
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("returns:detail", return_id=return_request.pk)


@login_required
@require_POST
def return_inspect_view(request: HttpRequest, return_id: int) -> HttpResponse:
    return_request = _return(request, return_id)
    if not request.user.has_perm(INSPECT):
        messages.error(request, _("Your role may not record inspections."))
        return redirect("returns:detail", return_id=return_request.pk)
    lines = list(return_request.lines.all())
    form = InspectionForm(request.POST, request.FILES, lines=lines)
    if not form.is_valid():
        # The page again, with the errors beside their fields and the notes kept.
        return _detail_page(request, return_request, lines, inspection_form=form, status=400)
    try:
        inspected = return_inspect(
            return_request=return_request, results=form.results, actor=request.user, photos=form.photos
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Inspection of %(rma)s recorded: %(status)s.")
            % {"rma": inspected.rma_number, "status": inspected.get_status_display()},
        )
    return redirect("returns:detail", return_id=return_request.pk)


@login_required
@require_GET
def return_label_view(request: HttpRequest, return_id: int) -> HttpResponseBase:
    """The label PDF for an agent (e.g. to e-mail or print for the customer)."""
    return_request = _return(request, return_id)
    filename = f"{return_request.rma_number}.pdf"
    if return_request.label:
        return FileResponse(
            return_request.label.open("rb"), content_type="application/pdf", filename=filename
        )
    if return_request.status != ReturnRequest.Status.LABEL_ISSUED:
        raise Http404
    # Issued, but the stored file is missing (rendering failed at the time): render it now.
    response = HttpResponse(render_return_label(return_request), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
@require_GET
def return_photo_view(request: HttpRequest, photo_id: int) -> HttpResponseBase:
    """A customer's or inspector's photo, to agents who may see the return."""
    try:
        photo = return_photo_get_for_user(user=request.user, photo_id=photo_id)
    except ReturnPhoto.DoesNotExist as exc:
        raise Http404 from exc
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Content-Security-Policy"] = "default-src 'none'"
    return response

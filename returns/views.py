"""The returns queue and the return page: parse input, call selectors, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from returns.models import ReturnRequest
from returns.selectors import return_get_for_user, return_list

PAGE_SIZE = 50


@login_required
def return_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in ReturnRequest.Status.values:
        status = ""
    page = Paginator(return_list(user=request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "returns/list.html",
        {
            "page_obj": page,
            "returns": page.object_list,
            "status": status,
            "statuses": ReturnRequest.Status.choices,
        },
    )


@login_required
def return_detail(request: HttpRequest, return_id: int) -> HttpResponse:
    try:
        return_request = return_get_for_user(user=request.user, return_id=return_id)
    except ReturnRequest.DoesNotExist as exc:
        raise Http404 from exc
    rules = return_request.decision_rules if isinstance(return_request.decision_rules, list) else []
    return render(
        request,
        "returns/detail.html",
        {
            "return": return_request,
            "lines": return_request.lines.all(),
            "events": return_request.events.all(),
            "refunds": return_request.refunds.all(),
            "rules": [rule for rule in rules if isinstance(rule, dict)],
        },
    )

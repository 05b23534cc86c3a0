"""The customer list and the customer 360: parse input, call selectors, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from customers.models import Customer
from customers.selectors import customer_360, customer_get_for_user, customer_list

PAGE_SIZE = 50


@login_required
def customer_list_view(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    page = Paginator(customer_list(user=request.user, query=query), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "customers/list.html",
        {"page_obj": page, "customers": page.object_list, "query": query},
    )


@login_required
def customer_detail(request: HttpRequest, customer_id: int) -> HttpResponse:
    try:
        customer = customer_get_for_user(user=request.user, customer_id=customer_id)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "customers/detail.html",
        {"customer": customer, "summary": customer_360(user=request.user, customer=customer)},
    )

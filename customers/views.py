"""The customer list and the customer 360: parse input, call selectors, render."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from customers.identity import MergeError, customer_unmerge, match_suggestion_accept, match_suggestion_reject
from customers.models import Customer, CustomerMerge, CustomerTag, FollowUp, Tag
from customers.selectors import (
    SegmentFilters,
    customer_360,
    customer_get_for_user,
    customer_list,
    customer_merge_get_for_user,
    customer_visible_match_suggestions,
    follow_up_get_for_owner,
    follow_ups_due,
    follow_ups_open,
    segment_list,
    segment_members,
    store_list_for_user,
    tag_get_by_slug,
)
from customers.services import FollowUpError, follow_up_create, follow_up_done

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
        {
            "customer": customer,
            "summary": customer_360(user=request.user, customer=customer),
            "follow_up_form": FollowUpForm(),
        },
    )


# --- CRM: follow-ups, identity suggestions, merges, segments ---------------------------------


class FollowUpForm(forms.Form):
    due_at = forms.DateTimeField(
        label=_("Due"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=FollowUp.Kind.choices, initial=FollowUp.Kind.CALL_BACK)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


def _visible_customer_or_404(request: HttpRequest, customer_id: int) -> Customer:
    try:
        return customer_get_for_user(user=request.user, customer_id=customer_id)
    except Customer.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_POST
def follow_up_add(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = _visible_customer_or_404(request, customer_id)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "customers/detail.html",
            {
                "customer": customer,
                "summary": customer_360(user=request.user, customer=customer),
                "follow_up_form": form,
            },
            status=400,
        )
    try:
        follow_up_create(
            customer=customer,
            owner=request.user,  # type: ignore[arg-type]  # login_required: a real user
            created_by=request.user,  # type: ignore[arg-type]
            due_at=form.cleaned_data["due_at"],
            kind=form.cleaned_data["kind"],
            note=form.cleaned_data["note"],
        )
    except FollowUpError as exc:
        messages.error(request, str(exc))
        return redirect("customers:detail", customer_id=customer.pk)
    messages.success(request, _("Follow-up scheduled."))
    return redirect("customers:detail", customer_id=customer.pk)


@login_required
@require_POST
def follow_up_mark_done(request: HttpRequest, follow_up_id: int) -> HttpResponse:
    try:
        follow_up = follow_up_get_for_owner(user=request.user, follow_up_id=follow_up_id)
    except FollowUp.DoesNotExist as exc:
        raise Http404 from exc
    follow_up_done(follow_up=follow_up)
    messages.success(request, _("Follow-up done."))
    return redirect(_back_or(request, "customers:follow_ups"))


@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    """My follow-ups: the due ones first, then the coming ones."""
    now = timezone.now()
    open_follow_ups = list(follow_ups_open(user=request.user)[:200])
    return render(
        request,
        "customers/follow_ups.html",
        {
            "due": [f for f in open_follow_ups if f.due_at <= now],
            "coming": [f for f in open_follow_ups if f.due_at > now],
        },
    )


@login_required
def follow_ups_due_block(request: HttpRequest) -> HttpResponse:
    """The "Follow-ups due" block of the inbox, loaded after the page (no query added to it)."""
    return render(
        request, "customers/_follow_ups_due.html", {"due": list(follow_ups_due(user=request.user)[:20])}
    )


@login_required
@require_POST
def match_suggestion_decide(request: HttpRequest, suggestion_id: int, decision: str) -> HttpResponse:
    if decision not in ("accept", "reject"):
        raise Http404
    suggestion = customer_visible_match_suggestions(user=request.user).filter(pk=suggestion_id).first()
    if suggestion is None:
        raise Http404
    try:
        if decision == "accept":
            merge = match_suggestion_accept(suggestion=suggestion, actor=request.user)  # type: ignore[arg-type]
            messages.success(request, _("Merged: both are now one customer."))
            return redirect("customers:detail", customer_id=merge.target_id)
        match_suggestion_reject(suggestion=suggestion, actor=request.user)  # type: ignore[arg-type]
    except MergeError as exc:
        messages.error(request, str(exc))
        return redirect("customers:detail", customer_id=suggestion.customer_id)
    messages.success(request, _("Kept apart: these two will not be suggested again."))
    return redirect("customers:detail", customer_id=suggestion.customer_id)


@login_required
@require_POST
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    try:
        merge = customer_merge_get_for_user(user=request.user, merge_id=merge_id)
    except CustomerMerge.DoesNotExist as exc:
        raise Http404 from exc
    try:
        restored = customer_unmerge(merge=merge, actor=request.user)  # type: ignore[arg-type]
    except MergeError as exc:
        messages.error(request, str(exc))
        return redirect("customers:detail", customer_id=merge.target_id)
    messages.success(request, _("Unmerged: the orders, tickets and identities that moved are back."))
    return redirect("customers:detail", customer_id=restored.pk)


@login_required
def segment_index(request: HttpRequest) -> HttpResponse:
    return render(request, "customers/segments.html", {"segments": segment_list()})


CSV_COLUMNS = (
    "customer_id",
    "name",
    "email",
    "country",
    "orders",
    "lifetime_value",
    "currency",
    "reason",
    "set_at",
)


@login_required
def segment_detail(request: HttpRequest, slug: str) -> HttpResponseBase:
    tag = tag_get_by_slug(slug=slug)
    if tag is None:
        raise Http404
    store = request.GET.get("store", "")
    filters = SegmentFilters(
        country=request.GET.get("country", "").strip()[:2],
        query=request.GET.get("q", "").strip()[:200],
        store_id=int(store) if store.isdigit() else None,
    )
    members = segment_members(user=request.user, tag=tag, filters=filters)
    if request.GET.get("format") == "csv":
        return _segment_csv(tag, members)
    page = Paginator(members, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "customers/segment_detail.html",
        {
            "tag": tag,
            "page_obj": page,
            "links": page.object_list,
            "filters": filters,
            "stores": store_list_for_user(user=request.user),
            "csv_query": urlencode({**request.GET.dict(), "format": "csv"}),
        },
    )


def _segment_csv(tag: Tag, members: QuerySet[CustomerTag]) -> StreamingHttpResponse:
    """Streamed, so a segment of a hundred thousand customers never sits in memory."""

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for link in members.iterator(chunk_size=2000):
            customer = link.customer
            yield writer.writerow(
                [
                    customer.pk,
                    _csv_safe(customer.display_name),
                    _csv_safe(customer.email),
                    customer.country,
                    customer.orders_count,
                    customer.lifetime_value,
                    customer.lifetime_value_currency,
                    _csv_safe(link.reason),
                    link.set_at.isoformat(),
                ]
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="segment-{tag.slug}.csv"'
    return response


def _csv_safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _back_or(request: HttpRequest, fallback: str) -> str:
    """Back where the form was posted from when that is this site, else ``fallback``."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse(fallback)

"""The analytics pages: the overview, and every registered dashboard with its filter bar and CSV tables."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from analytics.dashboards import DASHBOARDS, Entry, dashboards_in_order
from analytics.exports import table_csv_response
from analytics.filters import filters_from_query
from analytics.selectors import DEFAULT_PERIOD, PERIODS, analytics_overview


@login_required
@permission_required("analytics.view_dashboards", raise_exception=True)
def overview(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", DEFAULT_PERIOD))
    except ValueError:
        days = DEFAULT_PERIOD
    if days not in PERIODS:
        days = DEFAULT_PERIOD
    data = analytics_overview(user=request.user, days=days)
    chart_data = {
        "perDay": data["tickets_per_day"],
        "byIntent": {
            "label": _("Tickets"),
            "labels": [bucket["label"] for bucket in data["tickets_by_intent"]],
            "data": [bucket["count"] for bucket in data["tickets_by_intent"]],
        },
    }
    return render(
        request,
        "analytics/overview.html",
        {
            "overview": data,
            "data": chart_data,
            "days": days,
            "periods": PERIODS,
            "dashboards": _visible_dashboards(request),
        },
    )


def _visible_dashboards(request: HttpRequest) -> list:
    return [
        entry
        for entry in dashboards_in_order()
        if not entry.permission or request.user.has_perm(entry.permission)
    ]


def _options_form(entry: Entry, request: HttpRequest) -> forms.Form | None:
    form_class = entry.options_form_class()
    if form_class is None:
        return None
    asked = {name: request.GET[name] for name in form_class.base_fields if name in request.GET}
    # Nothing asked: an unbound form shows the defaults and gives them to the builder.
    return form_class(asked) if asked else form_class()


def _valid_options(form: forms.Form) -> dict[str, Any]:
    """Each option's valid value, else its default (a bad value is shown as an error and ignored)."""
    defaults = {name: field.initial for name, field in form.fields.items()}
    if not form.is_bound:
        return defaults
    form.is_valid()
    cleaned = getattr(form, "cleaned_data", {})
    return {
        name: cleaned[name]
        if name in cleaned and name not in form.errors and cleaned[name] is not None
        else default
        for name, default in defaults.items()
    }


@login_required
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    entry = DASHBOARDS.get(slug)
    if entry is None:
        raise Http404(_("No such dashboard."))
    if entry.permission and not request.user.has_perm(entry.permission):
        raise PermissionDenied(_("You may not see this dashboard."))
    filters, form = filters_from_query(request.GET, user=request.user)
    options_form = _options_form(entry, request)
    if options_form is not None:
        filters = replace(filters, options=_valid_options(options_form))
    page = entry.builder()(filters)
    export = request.GET.get("export")
    if export:
        table = page.table(export)
        if table is None:
            raise Http404(_("This dashboard has no table “%(key)s”.") % {"key": export})
        return table_csv_response(table, dashboard_slug=slug, filters=filters)
    return render(
        request,
        "analytics/dashboard.html",
        {
            "entry": entry,
            "page": page,
            "form": form,
            "options_form": options_form,
            "filters": filters,
            "charts": [chart.as_json() for chart in page.charts],
            "dashboards": _visible_dashboards(request),
            "base_query": filters.querystring(),
        },
    )

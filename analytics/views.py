"""The analytics overview: parse the period, call one selector, render tables and charts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from analytics.selectors import DEFAULT_PERIOD, PERIODS, analytics_overview


@login_required
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
        {"overview": data, "data": chart_data, "days": days, "periods": PERIODS},
    )

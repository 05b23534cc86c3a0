"""The post-holiday report pages: the list of seasons, one season's report, and its PDF."""

from __future__ import annotations

import dataclasses

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext as _

from analytics.dashboards import Entry, dashboards_in_order
from analytics.exports import table_csv_response
from analytics.report import (
    is_finished,
    season_filters,
    season_get_for_user,
    season_list,
    season_report_cached,
)
from analytics.report.page import season_dashboard
from analytics.report.pdf import render_season_pdf
from helpdesk.models import SeasonalRuleSet

# The permission a dashboard gets when it names none, so the report and the dashboards stay alike.
REPORT_PERMISSION: str = str(next(f.default for f in dataclasses.fields(Entry) if f.name == "permission"))


def _check_permission(request: HttpRequest) -> None:
    if REPORT_PERMISSION and not request.user.has_perm(REPORT_PERMISSION):
        raise PermissionDenied(_("You may not see the analytics."))


def _visible_dashboards(request: HttpRequest) -> list[Entry]:
    return [
        entry
        for entry in dashboards_in_order()
        if not entry.permission or request.user.has_perm(entry.permission)
    ]


def _rule_set_or_404(request: HttpRequest, rule_set_id: int) -> SeasonalRuleSet:
    rule_set = season_get_for_user(user=request.user, rule_set_id=rule_set_id)
    if rule_set is None:
        raise Http404(_("No such season."))
    return rule_set


@login_required
def season_index(request: HttpRequest) -> HttpResponse:
    _check_permission(request)
    return render(
        request,
        "analytics/seasons.html",
        {
            "seasons": season_list(user=request.user),
            "dashboards": _visible_dashboards(request),
            "seasons_page": True,
        },
    )


@login_required
def season_detail(request: HttpRequest, rule_set_id: int) -> HttpResponse:
    _check_permission(request)
    rule_set = _rule_set_or_404(request, rule_set_id)
    context = {"rule_set": rule_set, "dashboards": _visible_dashboards(request), "seasons_page": True}
    if not is_finished(rule_set):
        return render(request, "analytics/season_report.html", {**context, "unfinished": True})
    if request.method == "POST":
        season_report_cached(
            user=request.user, rule_set=rule_set, recompute=bool(request.POST.get("recompute"))
        )
        return redirect("analytics:season", rule_set_id=rule_set.pk)
    report = season_report_cached(user=request.user, rule_set=rule_set)
    page = season_dashboard(report)
    export = request.GET.get("export")
    if export:
        table = page.table(export)
        if table is None:
            raise Http404(_("This report has no table “%(key)s”.") % {"key": export})
        return table_csv_response(
            table,
            dashboard_slug=f"season-{slugify(rule_set.slug)}",
            filters=season_filters(request.user, rule_set),
        )
    return render(
        request,
        "analytics/season_report.html",
        {
            **context,
            "report": report,
            "page": page,
            "charts": [chart.as_json() for chart in page.charts],
        },
    )


@login_required
def season_pdf(request: HttpRequest, rule_set_id: int) -> HttpResponse:
    _check_permission(request)
    rule_set = _rule_set_or_404(request, rule_set_id)
    if not is_finished(rule_set):
        raise Http404(_("The season is not over yet: the report is ready once it ends."))
    report = season_report_cached(user=request.user, rule_set=rule_set)
    response = HttpResponse(render_season_pdf(report), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="season-report-{slugify(rule_set.slug)}.pdf"'
    return response

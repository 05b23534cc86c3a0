"""Automation: questions answered by self-service and how many came back anyway, returns the
rules decided without a person, and how much machine translation the teams lean on."""

from __future__ import annotations

from django.utils.translation import gettext as _

from analytics import ticket_selectors as selectors
from analytics.dashboards import Chart, Column, Dashboard, Dataset, Table
from analytics.dashboards.kpi_text import count_kpi, percent_kpi, share
from analytics.dashboards.volume import rollup_note
from analytics.filters import DashboardFilters
from analytics.query_settings import dashboard_query_settings


def _percent(fraction: float | None) -> float | None:
    return None if fraction is None else round(fraction * 100, 1)


def _sum(per_day: dict, key: str) -> int:
    return sum(row[key] for row in per_day.values())


def build(filters: DashboardFilters) -> Dashboard:
    with dashboard_query_settings():
        return _build(filters)


def _build(filters: DashboardFilters) -> Dashboard:
    previous = filters.previous_period()
    refreshed_at = selectors.rollup_refreshed_at()
    rollup = refreshed_at is not None
    days = filters.day_list()
    labels = [day.isoformat() for day in days]
    empty_self_service = {"tickets": 0, "auto": 0, "came_back": 0}
    self_service = selectors.self_service_by_day(filters, rollup=rollup)
    self_service_before = selectors.self_service_by_day(previous, rollup=rollup)
    tickets, auto, came_back = (_sum(self_service, key) for key in ("tickets", "auto", "came_back"))
    auto_before = _sum(self_service_before, "auto")
    returns = selectors.returns_decisions(filters)
    returns_before = selectors.returns_decisions(previous)
    auto_decided = returns["auto_approved"] + returns["auto_rejected"]
    auto_decided_before = returns_before["auto_approved"] + returns_before["auto_rejected"]
    translations = selectors.translations_by_day(filters, rollup=rollup)
    foreign_messages, translated_messages = (_sum(translations, key) for key in ("foreign", "translated"))
    foreign_tickets = selectors.translated_tickets(filters, rollup=rollup)

    kpis = [
        percent_kpi(
            _("Self-service answer rate"),
            share(auto, tickets),
            share(auto_before, _sum(self_service_before, "tickets")),
            hint=_("Customer tickets answered automatically, of all customer tickets created in the period."),
            up_is_good=True,
        ),
        count_kpi(_("Answered automatically"), auto, auto_before, up_is_good=True),
        percent_kpi(
            _("Came back after self-service"),
            share(came_back, auto),
            share(_sum(self_service_before, "came_back"), auto_before),
            hint=_(
                "Of the tickets answered automatically, the share where the customer wrote again "
                "after the automatic answer or the ticket was reopened."
            ),
            up_is_good=False,
        ),
        percent_kpi(
            _("Returns decided automatically"),
            share(auto_decided, returns["total"]),
            share(auto_decided_before, returns_before["total"]),
            hint=_(
                "Returns requested in the period that the return rules approved or rejected with no person."
            ),
            up_is_good=True,
        ),
        percent_kpi(
            _("Foreign-language tickets translated"),
            share(foreign_tickets["translated"], foreign_tickets["foreign"]),
            hint=_(
                "Customer tickets in another language than their team's working language that have "
                "a machine-translated message."
            ),
            up_is_good=True,
            compare=False,
        ),
        percent_kpi(
            _("Foreign-language messages translated"),
            share(translated_messages, foreign_messages),
            hint=_("Customer messages in another language than their team's working language."),
            up_is_good=True,
            compare=False,
        ),
    ]
    charts = [
        Chart(
            "self-service",
            _("Self-service per day"),
            "bar",
            labels,
            [
                Dataset(
                    _("Answered automatically"),
                    [self_service.get(day, empty_self_service)["auto"] for day in days],
                ),
                Dataset(
                    _("Came back after self-service"),
                    [self_service.get(day, empty_self_service)["came_back"] for day in days],
                ),
                Dataset(
                    _("Self-service answer rate (%)"),
                    [
                        _percent(share(row["auto"], row["tickets"]))
                        for row in (self_service.get(day, empty_self_service) for day in days)
                    ],
                    # An axis id must start with "y" for Chart.js to take it for a vertical axis.
                    {"type": "line", "yAxisID": "yRate"},
                ),
            ],
            wide=True,
            y_label=_("Tickets"),
            options={
                "scales": {
                    "yRate": {"position": "right", "min": 0, "max": 100, "grid": {"drawOnChartArea": False}}
                }
            },
        ),
        Chart(
            "return-decisions",
            _("Who decided the returns"),
            "doughnut",
            [
                _("Approved by the rules"),
                _("Rejected by the rules"),
                _("Decided by a person"),
                _("Not decided yet"),
            ],
            [
                Dataset(
                    _("Returns"),
                    [
                        returns["auto_approved"],
                        returns["auto_rejected"],
                        returns["by_person"],
                        returns["undecided"],
                    ],
                )
            ],
        ),
        Chart(
            "translations",
            _("Messages machine-translated per day"),
            "bar",
            labels,
            [
                Dataset(_("Translated"), [translations.get(day, {}).get("translated", 0) for day in days]),
                Dataset(
                    _("In a foreign language"),
                    [translations.get(day, {}).get("foreign", 0) for day in days],
                    {"type": "line"},
                ),
            ],
            y_label=_("Messages"),
        ),
    ]
    tables = [
        Table(
            "per-day",
            _("Automation per day"),
            [
                Column("day", _("Day")),
                Column("tickets", _("Customer tickets"), numeric=True, format="int"),
                Column("auto", _("Answered automatically"), numeric=True, format="int"),
                Column("rate", _("Self-service answer rate"), numeric=True, format="percent"),
                Column("came_back", _("Came back"), numeric=True, format="int"),
                Column("foreign", _("Foreign-language messages"), numeric=True, format="int"),
                Column("translated", _("Translated"), numeric=True, format="int"),
            ],
            [
                {
                    "day": day,
                    **self_service.get(day, empty_self_service),
                    "rate": share(
                        self_service.get(day, empty_self_service)["auto"],
                        self_service.get(day, empty_self_service)["tickets"],
                    ),
                    "foreign": translations.get(day, {}).get("foreign", 0),
                    "translated": translations.get(day, {}).get("translated", 0),
                }
                for day in days
            ],
        ),
        Table(
            "returns",
            _("Return decisions"),
            [Column("decision", _("Decision")), Column("returns", _("Returns"), numeric=True, format="int")],
            [
                {"decision": _("Requested"), "returns": returns["total"]},
                {"decision": _("Approved by the rules"), "returns": returns["auto_approved"]},
                {"decision": _("Rejected by the rules"), "returns": returns["auto_rejected"]},
                {"decision": _("Decided by a person"), "returns": returns["by_person"]},
                {"decision": _("Not decided yet"), "returns": returns["undecided"]},
            ],
            note=_(
                "A decision with no person recorded is the return rules' own; a lead deciding a return "
                "in review is recorded by name."
            ),
        ),
    ]
    return Dashboard(
        title=_("Automation"),
        kpis=kpis,
        charts=charts,
        tables=tables,
        notes=[
            *rollup_note(refreshed_at),
            _(
                "A language counts as foreign when it differs from the working language of the ticket's "
                "team; tickets without a team are left out of the translation figures."
            ),
        ],
    )

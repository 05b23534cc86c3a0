"""The post-holiday report as a ``Dashboard`` (KPIs, charts, tables) for the page, and the key
figures table the page and the PDF share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from analytics.dashboards import Chart, Column, Dashboard, Dataset, Kpi, Table, Text
from analytics.report import PeriodFigures, SeasonReport, season_days
from analytics.templatetags.analytics_tags import cell


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label: Text
    format: str  # a Column format: int, float1, percent, duration
    peak: float | None
    season: float | None
    previous: float | None
    normal: float | None

    @property
    def multiple(self) -> float | None:
        """Peak against normal weeks; not for counts, whose windows differ in length (per day is)."""
        if self.format == "int" or self.peak is None or not self.normal:
            return None
        return self.peak / self.normal

    def shown(self, value: float | None) -> str:
        return cell({"value": value}, Column("value", "", format=self.format))


_FIGURES: list[tuple[str, Any, str, Callable[[PeriodFigures], float | None]]] = [
    ("per_day", lambda: _("Customer tickets per day"), "float1", lambda f: f.per_day),
    ("tickets", lambda: _("Customer tickets"), "int", lambda f: f.tickets),
    ("proactive", lambda: _("Proactive parcel notices"), "int", lambda f: f.proactive),
    ("frt_median", lambda: _("First response, median"), "duration", lambda f: f.first_response.median),
    ("frt_p90", lambda: _("First response, p90"), "duration", lambda f: f.first_response.p90),
    ("resolution_median", lambda: _("Resolution, median"), "duration", lambda f: f.resolution.median),
    ("resolution_p90", lambda: _("Resolution, p90"), "duration", lambda f: f.resolution.p90),
    ("automation", lambda: _("Answered automatically"), "percent", lambda f: f.automation_rate),
    ("returns", lambda: _("Returns requested"), "int", lambda f: f.returns),
    ("returns_auto", lambda: _("Returns decided automatically"), "percent", lambda f: f.returns_auto_rate),
    ("csat", lambda: _("CSAT average (1–5)"), "float1", lambda f: f.csat_average),
    ("csat_responses", lambda: _("CSAT answers"), "int", lambda f: f.csat_responses),
]


def key_figures(report: SeasonReport) -> list[KeyFigure]:
    def of(figures: PeriodFigures | None, getter: Callable[[PeriodFigures], float | None]) -> float | None:
        return None if figures is None else getter(figures)

    return [
        KeyFigure(
            key,
            label(),
            fmt,
            of(report.during, getter),
            of(report.season, getter),
            of(report.previous, getter),
            of(report.normal, getter),
        )
        for key, label, fmt, getter in _FIGURES
    ]


def _times(value: float | None) -> str:
    if value is None:
        return "—"
    return number_format(value, 1 if value >= 1 else 2) + "×"


def key_figure_columns(report: SeasonReport) -> list[Column]:
    previous = report.previous_rule_set
    return [
        Column("label", _("Figure")),
        Column("peak", _("Peak"), numeric=True),
        Column("season", _("Whole season"), numeric=True),
        Column(
            "previous",
            _("Previous season's peak (%(name)s)") % {"name": previous.name}
            if previous
            else _("Previous season's peak"),
            numeric=True,
        ),
        Column("normal", _("Normal weeks"), numeric=True),
        Column("multiple", _("Peak vs normal"), numeric=True),
    ]


def key_figure_rows(report: SeasonReport) -> list[dict[str, Any]]:
    return [
        {
            "label": str(figure.label),
            "peak": figure.shown(figure.peak),
            "season": figure.shown(figure.season),
            "previous": figure.shown(figure.previous),
            "normal": figure.shown(figure.normal),
            "multiple": _times(figure.multiple),
        }
        for figure in key_figures(report)
    ]


def _kpis(report: SeasonReport) -> list[Kpi]:
    figures = {figure.key: figure for figure in key_figures(report)}

    def kpi(key: str, up_is_good: bool | None) -> Kpi:
        figure = figures[key]
        change = None
        if figure.peak is not None and figure.previous:
            change = figure.peak / figure.previous - 1
        return Kpi(
            figure.label,
            figure.shown(figure.peak),
            hint=_("At the peak; previous: the previous season's peak."),
            previous=figure.shown(figure.previous) if report.previous else "",
            up_is_good=up_is_good,
            change=change,
        )

    return [
        Kpi(
            _("Volume vs normal weeks"),
            _times(report.volume_multiple),
            hint=_("Customer tickets per day at the peak over per day in normal weeks."),
        ),
        kpi("per_day", None),
        kpi("frt_p90", False),
        kpi("resolution_median", False),
        kpi("automation", True),
        kpi("csat", True),
    ]


def _charts(report: SeasonReport) -> list[Chart]:
    days = list(season_days(report))
    normal_per_day = report.normal.per_day if report.normal else None
    per_day = [
        Dataset(_("Customer tickets"), [report.per_day.get(day, 0) for day in days]),
    ]
    if normal_per_day is not None:
        per_day.append(
            Dataset(
                _("Normal weeks, per day"),
                [round(normal_per_day, 2)] * len(days),
                {"borderDash": [6, 4], "pointRadius": 0, "fill": False},
            )
        )
    charts = [
        Chart(
            "season-per-day",
            _("Customer tickets per day over the season"),
            "line",
            [day.isoformat() for day in days],
            per_day,
            wide=True,
        )
    ]
    comparison = [(_("Normal weeks"), report.normal), (_("Previous peak"), report.previous)]
    labels, values = [], []
    for label, figures in [*comparison, (_("This peak"), report.during)]:
        if figures is not None:
            labels.append(str(label))
            values.append(round(figures.per_day or 0, 2))
    charts.append(
        Chart("volume", _("Customer tickets per day"), "bar", labels, [Dataset(_("Tickets a day"), values)])
    )
    if report.intents:
        charts.append(
            Chart(
                "intents",
                _("Top intents per day: peak vs normal"),
                "horizontal-bar",
                [row.label for row in report.intents],
                [
                    Dataset(_("Peak"), [round(row.per_day or 0, 2) for row in report.intents]),
                    Dataset(_("Normal weeks"), [round(row.normal_per_day or 0, 2) for row in report.intents]),
                ],
            )
        )
    if report.lanes:
        charts.append(
            Chart(
                "lanes",
                _("Median transit days: peak vs the lane's usual"),
                "horizontal-bar",
                [f"{row.label} {row.carrier}" for row in report.lanes],
                [
                    Dataset(_("Peak"), [_round(row.median_days) for row in report.lanes]),
                    Dataset(_("Usual"), [_round(row.lane_median_days) for row in report.lanes]),
                ],
            )
        )
    return charts


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def _tables(report: SeasonReport) -> list[Table]:
    return [
        Table("key-figures", _("Key figures"), key_figure_columns(report), key_figure_rows(report)),
        Table(
            "intents",
            _("Top intents at the peak"),
            [
                Column("label", _("Intent")),
                Column("tickets", _("Tickets"), numeric=True, format="int"),
                Column("per_day", _("Per day"), numeric=True, format="float1"),
                Column("normal_per_day", _("Per day, normal weeks"), numeric=True, format="float1"),
                Column("multiple", _("Multiple"), numeric=True, format="float1"),
            ],
            [vars(row) for row in report.intents],
        ),
        Table(
            "products",
            _("Top problem products"),
            [
                Column("sku", _("SKU")),
                Column("title", _("Product")),
                Column("category", _("Category")),
                Column("complaints", _("Complaints"), numeric=True, format="int"),
                Column("units_sold", _("Units sold"), numeric=True, format="int"),
                Column("units_returned", _("Units returned"), numeric=True, format="int"),
                Column("return_rate", _("Return rate"), numeric=True, format="percent"),
                Column("category_rate", _("Category rate"), numeric=True, format="percent"),
            ],
            [vars(row) for row in report.products],
            note=_(
                "Units sold in the whole season and how many of them came back; complaints are tickets "
                "about damaged, wrong, missing or not-as-described items."
            ),
        ),
        Table(
            "lanes",
            _("Top lanes at the peak"),
            [
                Column("lane", _("Lane")),
                Column("carrier", _("Carrier")),
                Column("parcels", _("Delivered parcels"), numeric=True, format="int"),
                Column("median_days", _("Median days"), numeric=True, format="float1"),
                Column("lane_median_days", _("Usual median days"), numeric=True, format="float1"),
                Column("over_median", _("Over the usual"), numeric=True, format="percent"),
            ],
            [{**vars(row), "lane": row.label, "over_median": row.over_median} for row in report.lanes],
            note=_(
                "Parcels shipped during the peak and delivered; the usual median is the lane's statistic."
            ),
        ),
        Table(
            "refunds",
            _("Refunds in the season"),
            [
                Column("currency", _("Currency")),
                Column("refunds", _("Refunds"), numeric=True, format="int"),
                Column("amount", _("Amount"), numeric=True, format="money"),
            ],
            [vars(row) for row in report.refunds],
            note=_("Failed refunds left out."),
        ),
        Table(
            "compensation",
            _("Compensation in the season"),
            [
                Column("label", _("Tier")),
                Column("currency", _("Currency")),
                Column("offers", _("Offers"), numeric=True, format="int"),
                Column("accepted", _("Accepted"), numeric=True, format="int"),
                Column("accepted_amount", _("Accepted value"), numeric=True, format="money"),
            ],
            [vars(row) for row in report.compensation],
        ),
    ]


def season_dashboard(report: SeasonReport) -> Dashboard:
    notes: list[Text] = []
    if report.normal is None:
        notes.append(_("Every normal week before this season lay inside another rule set: no comparison."))
    if report.previous_rule_set is None:
        notes.append(_("No earlier season of this kind to compare with."))
    return Dashboard(
        title=report.rule_set.name,
        kpis=_kpis(report),
        charts=_charts(report),
        tables=_tables(report),
        notes=notes,
    )

"""Customers: satisfaction over time (CSAT, NPS), complaints by destination country, segments."""

from __future__ import annotations

from django.utils.translation import gettext as _

from analytics import customer_selectors as sel
from analytics.dashboards import Chart, Column, Dashboard, Dataset, Kpi, Table
from analytics.dashboards.volume import rollup_values
from analytics.filters import DashboardFilters
from analytics.query_settings import dashboard_query_settings
from analytics.returns_selectors import order_line_rollup_refreshed_at


def _fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else pattern.format(value)


def build(filters: DashboardFilters) -> Dashboard:
    with dashboard_query_settings():
        return _build(filters)


def _build(filters: DashboardFilters) -> Dashboard:
    size = sel.bucket_size(filters)
    csat = sel.csat_trend(filters, size)
    nps_rows = sel.nps_trend(filters, size)
    countries = sel.complaints_by_country(filters)
    segments = sel.segment_sizes(filters)
    entries = sel.segment_entries(filters, size)
    history = sel.segment_history(filters, size)

    labels = [row["period"].isoformat() for row in csat]
    csat_answers = sum(row["responses"] for row in csat)
    csat_average = sum(row["score_sum"] for row in csat) / csat_answers if csat_answers else None
    csat_satisfied = sum(row["satisfied"] for row in csat) / csat_answers if csat_answers else None
    nps_answers = sum(row["responses"] for row in nps_rows)
    nps_overall = sel.nps(
        sum(row["promoters"] for row in nps_rows), sum(row["detractors"] for row in nps_rows), nps_answers
    )
    orders = sum(row["orders"] for row in countries)
    complaints = sum(row["complaints"] for row in countries)
    period_label = _("Week starting") if size == sel.WEEK else _("Month")
    rfm = [row for row in segments if row["kind"] == "segment"]
    for row in segments:
        row["kind_label"] = _("RFM segment") if row["kind"] == "segment" else _("Automatic tag")
    return Dashboard(
        title=_("Customers"),
        notes=_source_notes(),
        kpis=[
            Kpi(
                _("CSAT average"),
                _fmt(csat_average, "{:.2f}"),
                _("Average rating 1–5 of the period's answers."),
            ),
            Kpi(
                _("Satisfied (4–5)"),
                _fmt(None if csat_satisfied is None else 100 * csat_satisfied, "{:.1f} %"),
                _("Share of CSAT answers rating 4 or 5."),
            ),
            Kpi(_("CSAT answers"), f"{csat_answers:,}"),
            Kpi(_("NPS"), _fmt(nps_overall, "{:+.0f}"), _("% promoters (9–10) − % detractors (0–6).")),
            Kpi(_("NPS answers"), f"{nps_answers:,}"),
            Kpi(
                _("Complaints per 100 orders"),
                _fmt(100 * complaints / orders if orders else None, "{:.1f}"),
                _("Complaint tickets about the orders placed in the period."),
            ),
        ],
        charts=[
            Chart(
                "csat",
                _("CSAT per week") if size == sel.WEEK else _("CSAT per month"),
                "line",
                labels,
                [
                    Dataset(_("Average rating (1–5)"), [row["average"] for row in csat], {"yAxisID": "y"}),
                    Dataset(
                        _("Share rating 4–5 (%)"),
                        [
                            None if row["satisfied_share"] is None else round(100 * row["satisfied_share"], 1)
                            for row in csat
                        ],
                        {"yAxisID": "y2"},
                    ),
                ],
                wide=True,
                options={
                    "scales": {
                        "y": {"min": 1, "max": 5, "position": "left"},
                        "y2": {"min": 0, "max": 100, "position": "right", "grid": {"drawOnChartArea": False}},
                    }
                },
            ),
            Chart(
                "nps",
                _("NPS per week") if size == sel.WEEK else _("NPS per month"),
                "line",
                [row["period"].isoformat() for row in nps_rows],
                [Dataset(_("NPS"), [row["nps"] for row in nps_rows])],
                options={"scales": {"y": {"min": -100, "max": 100}}},
            ),
            Chart(
                "segment-entries",
                _("Customers entering each RFM segment"),
                "stacked-bar",
                labels,
                [Dataset(row["name"], entries.get(row["slug"], [])) for row in rfm],
            ),
            Chart(
                "segment-history",
                _("RFM segment members over time"),
                "line",
                labels,
                [Dataset(row["name"], history.get(row["slug"], [])) for row in rfm],
            ),
            Chart(
                "segment-sizes",
                _("RFM segments now"),
                "doughnut",
                [row["name"] for row in rfm],
                [Dataset(_("Customers"), [row["members"] for row in rfm])],
            ),
        ],
        tables=[
            Table(
                "satisfaction",
                _("Satisfaction over time"),
                [
                    Column("period", period_label),
                    Column("csat_answers", _("CSAT answers"), numeric=True, format="int"),
                    Column("csat_average", _("CSAT average"), numeric=True, format="float1"),
                    Column("satisfied_share", _("Rating 4–5"), numeric=True, format="percent"),
                    Column("nps_answers", _("NPS answers"), numeric=True, format="int"),
                    Column("promoters", _("Promoters"), numeric=True, format="int"),
                    Column("detractors", _("Detractors"), numeric=True, format="int"),
                    Column("nps", _("NPS"), numeric=True, format="float1"),
                ],
                [
                    {
                        "period": c["period"],
                        "csat_answers": c["responses"],
                        "csat_average": c["average"],
                        "satisfied_share": c["satisfied_share"],
                        "nps_answers": n["responses"],
                        "promoters": n["promoters"],
                        "detractors": n["detractors"],
                        "nps": n["nps"],
                    }
                    for c, n in zip(csat, nps_rows, strict=True)
                ],
                note=_(
                    "By the date of the answer. CSAT: the survey 7 days after a ticket is solved (1–5). "
                    "NPS: the survey at 30 days (0–10); promoters 9–10, detractors 0–6."
                ),
            ),
            Table(
                "complaints-by-country",
                _("Complaints by destination country"),
                [
                    Column("country", _("Ship-to country")),
                    Column("orders", _("Orders"), numeric=True, format="int"),
                    Column("complaints", _("Complaint tickets"), numeric=True, format="int"),
                    Column("orders_with_complaint", _("Orders with a complaint"), numeric=True, format="int"),
                    Column("complaints_per_order", _("Complaints per order"), numeric=True, format="percent"),
                ],
                countries,
                note=_(
                    "Orders placed in the period by ship-to country, and the complaint tickets (not received, "
                    "damaged, wrong, missing, not as described) linked to those orders, whenever they came. "
                    "Parcel notices the system opened itself and merged tickets are not complaints. Tickets "
                    "without a linked order cannot be placed and are left out. Channel, team and language "
                    "filters do not apply here."
                ),
            ),
            Table(
                "segments",
                _("Customer segments and automatic tags"),
                [
                    Column("name", _("Segment or tag")),
                    Column("kind_label", _("Kind")),
                    Column("members", _("Customers now"), numeric=True, format="int"),
                    Column("entered", _("Entered in the period, still in"), numeric=True, format="int"),
                    Column("description", _("Rule")),
                ],
                segments,
                note=_(
                    "Sizes are today's; entries count customers who joined in the period and are still there. "
                    "The members over time come from a snapshot taken each night after the tagging (the last "
                    "one in each week or month; a gap before the first). Customers are counted when they have "
                    "an order in a store in view."
                ),
            ),
        ],
    )


def _source_notes() -> list[str]:
    refreshed_at = order_line_rollup_refreshed_at()
    if refreshed_at is None:
        return []
    return [
        _(
            "Orders and complaints per country come from the daily order rollup (days in %(tz)s), "
            "refreshed every 10 minutes (last: %(at)s); survey answers and segments are counted live."
        )
        % rollup_values(refreshed_at)
    ]

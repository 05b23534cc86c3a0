"""Logistics: transit times by lane and carrier, on-time, delay and loss rates, carriers side by
side, and parcel anomalies over time."""

from __future__ import annotations

from django.utils.translation import gettext as _

from analytics import logistics_selectors as sel
from analytics.customer_selectors import WEEK, bucket_size, buckets
from analytics.dashboards import Chart, Column, Dashboard, Dataset, Kpi, Table
from analytics.dashboards.volume import rollup_values
from analytics.filters import DashboardFilters
from analytics.logistics_selectors import lane_rollup_refreshed_at
from analytics.query_settings import dashboard_query_settings
from logistics.models import Shipment

TOP_CARRIERS = 12


def _days(value: float | None) -> str:
    return "–" if value is None else _("%(days)s d") % {"days": f"{value:.1f}"}


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f} %"


def _rate_columns() -> list[Column]:
    return [
        Column("finished", _("Parcels finished"), numeric=True, format="int"),
        Column("delivered", _("Delivered"), numeric=True, format="int"),
        Column("median_days", _("Median days"), numeric=True, format="float1"),
        Column("p90_days", _("p90 days"), numeric=True, format="float1"),
        Column("on_time_rate", _("On time"), numeric=True, format="percent"),
        Column("delay_rate", _("Delayed"), numeric=True, format="percent"),
        Column("loss_rate", _("Lost"), numeric=True, format="percent"),
        Column("returned_rate", _("Returned to sender"), numeric=True, format="percent"),
    ]


def build(filters: DashboardFilters) -> Dashboard:
    with dashboard_query_settings():
        return _build(filters)


def _build(filters: DashboardFilters) -> Dashboard:
    transit = sel.transit_figures(filters)
    overall, carriers, lanes = transit.overall, transit.carriers, transit.lanes
    size = bucket_size(filters)
    periods = buckets(filters, size)
    anomalies = sel.anomaly_figures(filters, size)
    over_time, by_kind = anomalies.per_period, anomalies.by_kind
    kind_labels = dict(Shipment.Anomaly.choices)
    for row in by_kind:
        row["label"] = str(kind_labels.get(row["kind"], row["kind"]))
    for row in carriers + lanes:
        row["carrier"] = row["carrier__name"]
    shown = carriers[:TOP_CARRIERS]
    definitions = _(
        "Outbound parcels whose outcome became known in the period (delivered, lost or returned to sender), "
        "as in the nightly lane statistics. Transit = shipped → delivered. On time = delivered by the end of "
        "the promised day (UTC), among delivered parcels with a promised date (the carrier's estimate moves with each scan, so it is no yardstick). Delayed = got a “late” anomaly "
        "(past the promised date or, without one, the lane's usual p80), among finished parcels. Lost = "
        "tracking expired or reported lost. Channel, team and language filters do not apply to parcels."
    )
    return Dashboard(
        title=_("Logistics"),
        notes=_source_notes(),
        kpis=[
            Kpi(_("Parcels finished"), f"{overall['finished']:,}"),
            Kpi(_("Median transit"), _days(overall["median_days"]), _("Shipped → delivered.")),
            Kpi(
                _("p90 transit"),
                _days(overall["p90_days"]),
                _("9 in 10 delivered parcels took at most this."),
            ),
            Kpi(_("On time"), _percent(overall["on_time_rate"]), _("Delivered by the promised date.")),
            Kpi(_("Delayed"), _percent(overall["delay_rate"])),
            Kpi(_("Lost"), _percent(overall["loss_rate"])),
        ],
        charts=[
            Chart(
                "carrier-rates",
                _("Carriers: on time, delayed, lost"),
                "bar",
                [row["carrier"] for row in shown],
                [
                    Dataset(_("On time"), [row["on_time_rate"] for row in shown]),
                    Dataset(_("Delayed"), [row["delay_rate"] for row in shown]),
                    Dataset(_("Lost"), [row["loss_rate"] for row in shown]),
                ],
                percent=True,
            ),
            Chart(
                "carrier-transit",
                _("Carriers: transit days"),
                "bar",
                [row["carrier"] for row in shown],
                [
                    Dataset(_("Median"), [row["median_days"] for row in shown]),
                    Dataset(_("p90"), [row["p90_days"] for row in shown]),
                ],
                y_label=_("days"),
            ),
            Chart(
                "anomalies",
                _("Anomalies per week") if size == WEEK else _("Anomalies per month"),
                "stacked-bar",
                [period.isoformat() for period in periods],
                [
                    Dataset(str(kind_labels.get(kind, kind)), counts)
                    for kind, counts in sorted(over_time.items())
                ],
                wide=True,
            ),
        ],
        tables=[
            Table(
                "carriers",
                _("Carriers compared"),
                [Column("carrier", _("Carrier")), *_rate_columns()],
                carriers,
                note=definitions,
            ),
            Table(
                "lanes",
                _("Lanes"),
                [
                    Column("lane", _("Lane")),
                    Column("carrier", _("Carrier")),
                    *_rate_columns(),
                    Column("usual_median_days", _("Usual median days"), numeric=True, format="float1"),
                    Column("usual_on_time_rate", _("Usual on time"), numeric=True, format="percent"),
                ],
                lanes,
                note=_(
                    "“Usual” = the nightly lane statistics: a trailing 90 days over every store, pulled towards "
                    "the destination's figures when the lane has few parcels (what the anomaly checks expect)."
                ),
            ),
            Table(
                "anomalies",
                _("Anomalies by kind"),
                [
                    Column("label", _("Anomaly")),
                    Column("detected", _("Detected"), numeric=True, format="int"),
                    Column("still_open", _("Still open"), numeric=True, format="int"),
                    Column("severe", _("Severe"), numeric=True, format="int"),
                    Column("ticketed", _("Ticket opened"), numeric=True, format="int"),
                    Column(
                        "seconds_to_resolve", _("Average time to resolve"), numeric=True, format="duration"
                    ),
                ],
                by_kind,
                note=_("Anomalies detected in the period on outbound parcels (one per parcel and kind)."),
            ),
        ],
    )


def _source_notes() -> list[str]:
    refreshed_at = lane_rollup_refreshed_at()
    if refreshed_at is None:
        return []
    return [
        _(
            "Lane, carrier and anomaly figures come from the daily lane and anomaly rollups (days in "
            "%(tz)s), refreshed every 10 minutes (last: %(at)s)."
        )
        % rollup_values(refreshed_at)
    ]

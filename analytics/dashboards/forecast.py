"""Volume forecast and staffing: the next 14 days of customer tickets per hour, and agents per hour.

The forecast starts at the end of the chosen period (now, by default): pick a past period and the
page shows the forecast beside what actually arrived. The fitted forecast and its back-test are
cached per filters and origin hour, so only the first view in an hour pays for the fit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from analytics.dashboards import Chart, Column, Dashboard, Dataset, Kpi, Table, Text
from analytics.filters import DashboardFilters
from analytics.forecast import (
    DEFAULT_TRAINING_WEEKS,
    HOUR,
    HOURS_PER_WEEK,
    Backtest,
    Forecast,
    HourlySeries,
    InsufficientHistory,
    SeasonWindow,
    backtest,
    fit_forecast,
)
from analytics.forecast_selectors import floor_hour, hourly_ticket_counts, season_windows
from analytics.staffing import StaffingNeed, agents_needed

HORIZON_HOURS = 14 * 24
SHOWN_PAST_HOURS = 14 * 24
BACKTEST_ORIGINS = 4
HISTORY_HOURS = (DEFAULT_TRAINING_WEEKS + BACKTEST_ORIGINS) * HOURS_PER_WEEK
CACHE_SECONDS = 2 * 3600
CACHE_VERSION = 1


@dataclass(frozen=True)
class ForecastRun:
    """Everything the page needs that costs a fit; cached."""

    history: HourlySeries  # up to the origin
    actual_after: HourlySeries  # what arrived since the origin (empty when the origin is now)
    forecast: Forecast
    backtest: Backtest | None
    candidates: dict[str, float]  # model → overall back-test MAE
    season_names: dict[str, list[str]]  # kind → names of the upcoming rule sets of that kind


def forecast_origin(filters: DashboardFilters) -> dt.datetime:
    """The first forecast hour: the end of the chosen period, at most the current hour."""
    return min(floor_hour(timezone.now()), floor_hour(filters.end_at))


def _cache_key(filters: DashboardFilters, origin: dt.datetime | dt.date, *, kind: str = "forecast") -> str:
    store_ids = filters.store_ids()
    parts = [
        "all" if store_ids is None else ",".join(str(pk) for pk in sorted(store_ids)),
        filters.channel,
        str(filters.team_id or ""),
        filters.language,
        filters.country,
        ",".join(filters.rule_set_markets),
        origin.isoformat(),
    ]
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
    return f"analytics:{kind}:{CACHE_VERSION}:{digest}"


def forecast_run(filters: DashboardFilters) -> ForecastRun:
    """The cached fit for these filters, computing it on a miss."""
    origin = forecast_origin(filters)
    key = _cache_key(filters, origin)
    run = cache.get(key)
    if run is None:
        run = _compute(filters, origin)
        cache.set(key, run, CACHE_SECONDS)
    return run


def _compute(filters: DashboardFilters, origin: dt.datetime) -> ForecastRun:
    since = origin - HISTORY_HOURS * HOUR
    until = origin + HORIZON_HOURS * HOUR
    now_hour = floor_hour(timezone.now())
    series = hourly_ticket_counts(filters=filters, since=since, until=min(until, now_hour))
    history = series.until(origin).from_first_ticket()
    actual_after = HourlySeries(origin, series.counts[len(series.until(origin).counts) :])
    seasons = season_windows(filters=filters, since=since, until=until)
    # The back-test (8 fits) changes little within a day: it is kept for the origin's day, and
    # the hourly refit is a single fit.
    backtest_key = _cache_key(filters, origin.date(), kind="forecast-backtest")
    results: dict[bool, Backtest] | None = cache.get(backtest_key)
    if results is None:
        results = _backtests(history, seasons)
        cache.set(backtest_key, results, 26 * 3600)
    candidates = {result.model: result.overall.model.mae for result in results.values()}
    # Trend or no trend, whichever back-tested better; without enough history for one, no trend.
    trend = True in results and results[True].overall.model.mae < results[False].overall.model.mae
    forecast = fit_forecast(history, horizon_hours=HORIZON_HOURS, seasons=seasons, trend=trend)
    season_names: dict[str, list[str]] = {}
    for window in seasons:
        if window.end > origin:
            season_names.setdefault(window.kind, []).append(window.name)
    return ForecastRun(
        history=history,
        actual_after=actual_after,
        forecast=forecast,
        backtest=results.get(trend),
        candidates=candidates,
        season_names=season_names,
    )


def _backtests(history: HourlySeries, seasons: list[SeasonWindow]) -> dict[bool, Backtest]:
    results = {}
    for trend in (False, True):
        try:
            results[trend] = backtest(history, seasons=seasons, trend=trend, origins=BACKTEST_ORIGINS)
        except InsufficientHistory:
            break
    return results


@dataclass(frozen=True)
class StaffingSettings:
    handle_minutes: int
    target_minutes: int
    service_level: float
    max_occupancy: float
    shrinkage: float
    per_team: bool


class StaffingOptions(forms.Form):
    """The staffing target, chosen on the page; the defaults come from the FORECAST_* settings."""

    handle_minutes = forms.IntegerField(
        label=gettext_lazy("Handle time (min)"),
        required=False,
        min_value=1,
        max_value=480,
        help_text=gettext_lazy("Empty: the team's setting."),
    )
    target_minutes = forms.IntegerField(
        label=gettext_lazy("First response within (min)"), min_value=1, max_value=10080
    )
    service_level = forms.IntegerField(label=gettext_lazy("Service level (%)"), min_value=1, max_value=99)
    max_occupancy = forms.IntegerField(label=gettext_lazy("Max occupancy (%)"), min_value=10, max_value=100)
    shrinkage = forms.IntegerField(label=gettext_lazy("Shrinkage (%)"), min_value=0, max_value=90)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target_minutes"].initial = settings.FORECAST_TARGET_MINUTES
        self.fields["service_level"].initial = settings.FORECAST_SERVICE_LEVEL_PERCENT
        self.fields["max_occupancy"].initial = settings.FORECAST_MAX_OCCUPANCY_PERCENT
        self.fields["shrinkage"].initial = settings.FORECAST_SHRINKAGE_PERCENT
        for field in self.fields.values():
            field.widget.attrs["style"] = "max-width: 6rem"


def staffing_settings(filters: DashboardFilters) -> StaffingSettings:
    options = filters.options
    handle = settings.FORECAST_HANDLE_MINUTES
    per_team = False
    if filters.team_id is not None:
        from tickets.models import Team

        slug = Team.objects.filter(pk=filters.team_id).values_list("slug", flat=True).first()
        if slug in settings.FORECAST_HANDLE_MINUTES_BY_TEAM:
            handle, per_team = settings.FORECAST_HANDLE_MINUTES_BY_TEAM[slug], True
    if options.get("handle_minutes"):
        handle, per_team = options["handle_minutes"], False
    return StaffingSettings(
        handle_minutes=handle,
        target_minutes=options.get("target_minutes") or settings.FORECAST_TARGET_MINUTES,
        service_level=(options.get("service_level") or settings.FORECAST_SERVICE_LEVEL_PERCENT) / 100,
        max_occupancy=(options.get("max_occupancy") or settings.FORECAST_MAX_OCCUPANCY_PERCENT) / 100,
        shrinkage=(
            options["shrinkage"]
            if options.get("shrinkage") is not None
            else settings.FORECAST_SHRINKAGE_PERCENT
        )
        / 100,
        per_team=per_team,
    )


def _label(hour: dt.datetime) -> str:
    return date_format(timezone.localtime(hour), "D j M H:i")


def build(filters: DashboardFilters) -> Dashboard:
    try:
        run = forecast_run(filters)
    except InsufficientHistory:
        return Dashboard(
            title=_("Forecast and staffing"),
            notes=[_("Not enough history to forecast: at least two weeks of tickets are needed.")],
        )
    staffing = staffing_settings(filters)
    forecast = run.forecast
    hours = forecast.hours()
    needs = [
        agents_needed(
            arrivals_per_hour=mean,
            handle_seconds=staffing.handle_minutes * 60,
            target_seconds=staffing.target_minutes * 60,
            service_level=staffing.service_level,
            max_occupancy=staffing.max_occupancy,
            shrinkage=staffing.shrinkage,
        )
        for mean in forecast.mean
    ]
    actual_after = run.actual_after.window(forecast.origin, len(hours))
    return Dashboard(
        title=_("Forecast and staffing"),
        kpis=_kpis(run, needs, staffing),
        charts=[_volume_chart(run), _agents_chart(hours, needs)],
        tables=[
            _hourly_table(hours, forecast, needs, actual_after),
            _backtest_table(run),
            _seasons_table(run),
        ],
        notes=_notes(run, staffing),
    )


def _kpis(run: ForecastRun, needs: list[StaffingNeed], staffing: StaffingSettings) -> list[Kpi]:
    forecast = run.forecast
    week = sum(forecast.mean[: 7 * 24])
    busiest = max(range(len(forecast.mean)), key=lambda index: forecast.mean[index])
    kpis = [
        Kpi(
            _("Tickets expected, next 7 days"),
            f"{week:,.0f}",
            hint=_("Customer tickets; proactive parcel notices are not counted."),
        ),
        Kpi(
            _("Busiest hour"),
            f"{_label(forecast.hours()[busiest])} · {forecast.mean[busiest]:.1f}",
            hint=_("Forecast tickets in that hour."),
        ),
        Kpi(
            _("Agents to schedule then"),
            str(needs[busiest].scheduled),
            hint=_("%(on_queue)s answering tickets, plus %(shrinkage)s %% shrinkage.")
            % {"on_queue": needs[busiest].on_queue, "shrinkage": round(staffing.shrinkage * 100)},
        ),
    ]
    if run.backtest is not None:
        overall = run.backtest.overall
        kpis.append(
            Kpi(
                _("Back-test error (MAE per hour)"),
                f"{overall.model.mae:.2f} vs {overall.naive.mae:.2f}",
                hint=_("The model against the same hour last week, over the last four weeks."),
            )
        )
    return kpis


def _volume_chart(run: ForecastRun) -> Chart:
    forecast = run.forecast
    past = run.history.counts[-SHOWN_PAST_HOURS:]
    past_hours = [forecast.origin - (len(past) - index) * HOUR for index in range(len(past))]
    labels = [_label(hour) for hour in past_hours + forecast.hours()]
    blank = [None] * len(past)
    arrived = list(past) + run.actual_after.window(forecast.origin, len(forecast.mean))
    level = round(forecast.level * 100)
    return Chart(
        "volume",
        _("Tickets per hour: the last two weeks and the next two"),
        "line",
        labels,
        [
            Dataset(
                _("Lower bound (%(level)s %%)") % {"level": level},
                blank + [round(value, 2) for value in forecast.lower],
                {"borderWidth": 0, "pointRadius": 0, "fill": False},
            ),
            Dataset(
                _("Upper bound (%(level)s %%)") % {"level": level},
                blank + [round(value, 2) for value in forecast.upper],
                {"borderWidth": 0, "pointRadius": 0, "fill": "-1"},
            ),
            Dataset(
                _("Forecast"),
                blank + [round(value, 2) for value in forecast.mean],
                {"fill": False, "borderDash": [6, 3]},
            ),
            Dataset(_("Arrived"), arrived, {"fill": False}),
        ],
        wide=True,
        y_label=_("Tickets"),
    )


def _agents_chart(hours: list[dt.datetime], needs: list[StaffingNeed]) -> Chart:
    return Chart(
        "agents",
        _("Agents needed per hour"),
        "bar",
        [_label(hour) for hour in hours],
        [
            Dataset(_("Scheduled (with shrinkage)"), [need.scheduled for need in needs]),
            Dataset(
                _("Answering tickets"), [need.on_queue for need in needs], {"type": "line", "fill": False}
            ),
        ],
        wide=True,
        y_label=_("Agents"),
    )


def _hourly_table(
    hours: list[dt.datetime], forecast: Forecast, needs: list[StaffingNeed], actual: list
) -> Table:
    rows: list[dict[str, Any]] = [
        {
            "hour": timezone.localtime(hour).strftime("%Y-%m-%d %H:%M"),
            "forecast": round(forecast.mean[index], 2),
            "lower": forecast.lower[index],
            "upper": forecast.upper[index],
            "actual": actual[index],
            "on_queue": needs[index].on_queue,
            "scheduled": needs[index].scheduled,
            "service_level": needs[index].figures.service_level,
            "occupancy": needs[index].figures.occupancy,
        }
        for index, hour in enumerate(hours)
    ]
    return Table(
        "hourly",
        _("Forecast and agents per hour"),
        [
            Column("hour", _("Hour")),
            Column("forecast", _("Forecast"), numeric=True, format="float1"),
            Column("lower", _("Low"), numeric=True, format="int"),
            Column("upper", _("High"), numeric=True, format="int"),
            Column("actual", _("Arrived"), numeric=True, format="int"),
            Column("on_queue", _("Agents answering"), numeric=True, format="int"),
            Column("scheduled", _("Agents to schedule"), numeric=True, format="int"),
            Column("service_level", _("Service level"), numeric=True, format="percent"),
            Column("occupancy", _("Occupancy"), numeric=True, format="percent"),
        ],
        rows,
        page_rows=48,
    )


def _backtest_table(run: ForecastRun) -> Table:
    rows = []
    if run.backtest is not None:
        for row in run.backtest.rows:
            rows.append(
                {
                    "origin": _("Overall")
                    if row.label == "overall"
                    else date_format(timezone.localtime(row.origin), "D j M Y"),
                    "model_mae": row.model.mae,
                    "naive_mae": row.naive.mae,
                    "model_rmse": row.model.rmse,
                    "naive_rmse": row.naive.rmse,
                    "model_wape": row.model.wape,
                    "naive_wape": row.naive.wape,
                    "coverage": row.model.coverage,
                }
            )
    return Table(
        "backtest",
        _("Back-test: each of the last four weeks forecast from the weeks before it"),
        [
            Column("origin", _("Week from")),
            Column("model_mae", _("MAE, model"), numeric=True, format="float1"),
            Column("naive_mae", _("MAE, same hour last week"), numeric=True, format="float1"),
            Column("model_rmse", _("RMSE, model"), numeric=True, format="float1"),
            Column("naive_rmse", _("RMSE, same hour last week"), numeric=True, format="float1"),
            Column("model_wape", _("WAPE, model"), numeric=True, format="percent"),
            Column("naive_wape", _("WAPE, same hour last week"), numeric=True, format="percent"),
            Column("coverage", _("Hours inside the interval"), numeric=True, format="percent"),
        ],
        rows,
        note=_("MAE and RMSE in tickets per hour; WAPE = total absolute error / tickets that arrived."),
    )


def _seasons_table(run: ForecastRun) -> Table:
    rows = []
    for kind, multiplier in sorted(run.forecast.season_multipliers.items()):
        for name in run.season_names.get(kind, []):
            rows.append(
                {
                    "name": name,
                    "multiplier": multiplier,
                    "source": _("learned from past seasons in the history")
                    if multiplier is not None
                    else _("no past season of this kind in the history: no adjustment"),
                }
            )
    return Table(
        "seasons",
        _("Seasonal rule sets in the forecast"),
        [
            Column("name", _("Rule set")),
            Column("multiplier", _("Volume multiplier in its peak"), numeric=True, format="float1"),
            Column("source", _("From")),
        ],
        rows,
    )


def _notes(run: ForecastRun, staffing: StaffingSettings) -> list[Text]:
    forecast = run.forecast
    notes: list[Text] = [
        _(
            "Model: %(model)s on hourly counts of customer tickets (hour of day, day of week%(trend)s "
            "and seasonal peaks), fitted on the last %(weeks)s weeks before %(origin)s; the band is "
            "the %(level)s %% prediction interval."
        )
        % {
            "model": forecast.model,
            "trend": _(", trend") if "trend" in forecast.model else "",
            "weeks": DEFAULT_TRAINING_WEEKS,
            "origin": _label(forecast.origin),
            "level": round(forecast.level * 100),
        },
        _(
            "Agents (Erlang C): %(level)s %% of tickets answered within %(target)s minutes, at most "
            "%(occupancy)s %% occupancy, %(shrinkage)s %% shrinkage, %(handle)s agent minutes per ticket "
            "(%(handle_source)s)."
        )
        % {
            "level": round(staffing.service_level * 100),
            "target": staffing.target_minutes,
            "occupancy": round(staffing.max_occupancy * 100),
            "shrinkage": round(staffing.shrinkage * 100),
            "handle": staffing.handle_minutes,
            "handle_source": _("this team's setting")
            if staffing.per_team
            else _("the default: the data holds no measure of agent time per ticket"),
        },
        _(
            "Seasonal rule sets carry no expected-volume factor: a peak is adjusted only by past peaks of its kind."
        ),
    ]
    if run.backtest is not None:
        verdict = (
            _("The model beats the same-hour-last-week forecast in the back-test.")
            if run.backtest.beats_naive
            else _("The model does NOT beat the same-hour-last-week forecast in the back-test.")
        )
        notes.append(verdict)
    return notes

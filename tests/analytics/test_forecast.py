"""The hourly volume forecast: on synthetic series with known seasonality, and its reads from the DB."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from analytics.filters import DashboardFilters
from analytics.forecast import (
    HOUR,
    HOURS_PER_WEEK,
    HourlySeries,
    InsufficientHistory,
    SeasonWindow,
    backtest,
    fit_forecast,
    seasonal_naive,
)
from analytics.forecast_selectors import hourly_ticket_counts, season_windows
from tests.factories import SeasonalRuleSetFactory, TicketEventFactory, TicketFactory

START = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)  # a Monday


def known_rate(hour: dt.datetime) -> float:
    """A daily wave (quiet at night, busy mid-afternoon UTC) times a weekly shape (Monday peak, quiet weekend)."""
    daily = 3 + 2.5 * np.sin((hour.hour - 9) / 24 * 2 * np.pi)
    weekly = (1.5, 1.1, 1.0, 1.0, 0.9, 0.5, 0.6)[hour.weekday()]
    return float(daily * weekly)


def synthetic(
    weeks: int, *, seed: int = 7, peak: SeasonWindow | None = None, factor: float = 1.0
) -> HourlySeries:
    generator = np.random.default_rng(seed)
    hours = [START + index * HOUR for index in range(weeks * HOURS_PER_WEEK)]
    rates = [known_rate(hour) * (factor if peak and peak.covers(hour) else 1.0) for hour in hours]
    return HourlySeries(START, tuple(int(value) for value in generator.poisson(rates)))


def test_the_forecast_beats_same_hour_last_week_on_a_seasonal_series():
    result = backtest(synthetic(12), origins=4)

    assert len(result.rows) == 5  # four weekly origins, then overall
    assert result.beats_naive
    overall = result.overall
    assert overall.model.mae < 0.85 * overall.naive.mae
    assert overall.model.rmse < overall.naive.rmse
    assert overall.model.wape < overall.naive.wape


def test_the_forecast_recovers_the_known_daily_and_weekly_shape():
    forecast = fit_forecast(synthetic(8), horizon_hours=HOURS_PER_WEEK)
    truth = np.array([known_rate(hour) for hour in forecast.hours()])
    predicted = np.array(forecast.mean)

    # Within 15 % on every day's total, and the busiest and quietest days are the right ones.
    days_truth = truth.reshape(7, 24).sum(axis=1)
    days_predicted = predicted.reshape(7, 24).sum(axis=1)
    assert np.all(np.abs(days_predicted / days_truth - 1) < 0.15)
    assert forecast.hours()[int(np.argmax(predicted))].weekday() == 0
    assert int(np.argmin(days_predicted)) == 5
    # The daily wave: the busiest hour of the day is within two hours of the true one (15:00).
    assert abs(int(np.argmax(predicted.reshape(7, 24).sum(axis=0))) - 15) <= 2


def test_about_eighty_percent_of_hours_fall_inside_the_eighty_percent_interval():
    result = backtest(synthetic(12, seed=11), origins=4)
    assert 0.7 <= result.overall.model.coverage <= 0.92


def test_a_past_peak_teaches_the_multiplier_for_the_next_peak_of_its_kind():
    past_peak = SeasonWindow(
        "black_friday", "Black Friday 2025", START + 3 * 7 * 24 * HOUR, START + 4 * 7 * 24 * HOUR
    )
    history = synthetic(8, peak=past_peak, factor=3.0)
    upcoming = SeasonWindow(
        "black_friday", "Black Friday 2026", history.end + 24 * HOUR, history.end + 48 * HOUR
    )
    other = SeasonWindow("christmas", "Christmas 2026", history.end + 72 * HOUR, history.end + 96 * HOUR)

    forecast = fit_forecast(history, horizon_hours=HOURS_PER_WEEK, seasons=[past_peak, upcoming, other])

    assert forecast.season_multipliers["black_friday"] == pytest.approx(3.0, rel=0.1)
    assert forecast.season_multipliers["christmas"] is None  # never seen: no adjustment
    plain = fit_forecast(synthetic(8), horizon_hours=HOURS_PER_WEEK)
    peak_day = sum(forecast.mean[24:48])
    assert peak_day / sum(plain.mean[24:48]) == pytest.approx(3.0, rel=0.15)
    # Outside the peak the seasons change nothing much.
    assert sum(forecast.mean[72:96]) == pytest.approx(sum(plain.mean[72:96]), rel=0.15)


def test_seasonal_naive_repeats_the_last_week():
    history = synthetic(2)
    naive = seasonal_naive(history, horizon_hours=HOURS_PER_WEEK + 3)
    assert naive.mean[:HOURS_PER_WEEK] == tuple(float(value) for value in history.counts[-HOURS_PER_WEEK:])
    assert naive.mean[HOURS_PER_WEEK:] == naive.mean[:3]


def test_hours_that_never_see_a_ticket_are_forecast_at_zero():
    counts = [0 if hour % 24 < 6 else 4 for hour in range(3 * HOURS_PER_WEEK)]
    forecast = fit_forecast(HourlySeries(START, tuple(counts)), horizon_hours=48)
    assert forecast.mean[:6] == (0.0,) * 6
    assert forecast.mean[6:24] == pytest.approx((4.0,) * 18, rel=1e-3)


def test_too_little_history_is_refused():
    with pytest.raises(InsufficientHistory):
        fit_forecast(synthetic(1), horizon_hours=24)
    with pytest.raises(InsufficientHistory):
        backtest(synthetic(5), origins=4)


# -- reads ---------------------------------------------------------------------------------------


def _filters(user) -> DashboardFilters:
    return DashboardFilters(user=user, start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 31))


@pytest.mark.django_db
def test_hourly_counts_are_customer_tickets_of_the_stores_in_view(agent_eu, store_eu, store_us):
    since = dt.datetime(2026, 5, 4, 8, tzinfo=dt.UTC)
    TicketFactory(store=store_eu, created_at=since + dt.timedelta(minutes=5))
    TicketFactory(store=store_eu, created_at=since + dt.timedelta(minutes=55))
    TicketFactory(store=store_eu, created_at=since + dt.timedelta(hours=2, minutes=1))
    TicketFactory(store=store_us, created_at=since + dt.timedelta(minutes=10))  # another store
    notice = TicketFactory(store=store_eu, created_at=since + dt.timedelta(minutes=20))
    TicketEventFactory(ticket=notice, data={"source": "parcel_anomaly", "notice_only": True})
    TicketFactory(store=store_eu, created_at=since + dt.timedelta(hours=4))  # after the window

    series = hourly_ticket_counts(filters=_filters(agent_eu), since=since, until=since + 4 * HOUR)

    assert series.start == since
    assert series.counts == (2, 0, 1, 0)


@pytest.mark.django_db
def test_season_windows_are_the_peaks_of_rule_sets_covering_the_stores(agent_eu, store_eu, store_us):
    since = dt.datetime(2026, 5, 1, tzinfo=dt.UTC)
    everywhere = SeasonalRuleSetFactory(prepare_from=since, stores=[])
    SeasonalRuleSetFactory(prepare_from=since, stores=[store_us])  # not a store the agent sees
    SeasonalRuleSetFactory(prepare_from=since, is_enabled=False)
    SeasonalRuleSetFactory(prepare_from=since + dt.timedelta(days=90))  # later

    windows = season_windows(filters=_filters(agent_eu), since=since, until=since + dt.timedelta(days=40))

    assert windows == [
        SeasonWindow(everywhere.kind, everywhere.name, everywhere.peak_from, everywhere.peak_until)
    ]

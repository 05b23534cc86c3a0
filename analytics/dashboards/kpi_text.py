"""Headline figures with their previous-period comparison, formatted for the KPI cards."""

from __future__ import annotations

from django.utils.formats import number_format

from analytics.dashboards import Kpi, Text
from analytics.templatetags.analytics_tags import duration

NONE = "—"


def _change(value: float | None, previous: float | None) -> float | None:
    if value is None or previous is None or previous == 0:
        return None
    return (value - previous) / previous


def count_text(value: float | None, digits: int = 0) -> str:
    if value is None:
        return NONE
    # number_format cuts digits off; round first so that 2/3 shows as 66.7, not 66.6.
    return number_format(round(value, digits), digits, force_grouping=True)


def percent_text(value: float | None) -> str:
    return NONE if value is None else number_format(round(value * 100, 1), 1) + " %"


def duration_text(value: float | None) -> str:
    return NONE if value is None else duration(value)


def count_kpi(
    label: Text,
    value: float | None,
    previous: float | None = None,
    *,
    hint: Text = "",
    up_is_good: bool | None = None,
    digits: int = 0,
    compare: bool = True,
) -> Kpi:
    return Kpi(
        label,
        count_text(value, digits),
        hint=hint,
        previous=count_text(previous, digits) if compare else "",
        up_is_good=up_is_good,
        change=_change(value, previous),
    )


def percent_kpi(
    label: Text,
    value: float | None,
    previous: float | None = None,
    *,
    hint: Text = "",
    up_is_good: bool | None = None,
    compare: bool = True,
) -> Kpi:
    return Kpi(
        label,
        percent_text(value),
        hint=hint,
        previous=percent_text(previous) if compare else "",
        up_is_good=up_is_good,
        change=_change(value, previous),
    )


def duration_kpi(
    label: Text,
    value: float | None,
    previous: float | None = None,
    *,
    hint: Text = "",
    compare: bool = True,
) -> Kpi:
    return Kpi(
        label,
        duration_text(value),
        hint=hint,
        previous=duration_text(previous) if compare else "",
        up_is_good=False,
        change=_change(value, previous),
    )


def share(part: int | None, whole: int | None) -> float | None:
    return part / whole if part is not None and whole else None

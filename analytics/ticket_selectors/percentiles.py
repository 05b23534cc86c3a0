"""Medians and p90s: PostgreSQL's ``percentile_cont`` in SQL, the same interpolation in Python
elsewhere (the SQLite test run)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.db.models import (
    Aggregate,
    FloatField,
    Func,
)

FRACTIONS = (0.5, 0.9)


class _Seconds(Func):
    """``end - start`` in seconds (NULL when either is NULL)."""

    arg_joiner = " - "
    output_field = FloatField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM (%(expressions)s))::float8", **extra
        )


class _Percentiles(Aggregate):
    """PostgreSQL ``percentile_cont(ARRAY[...])``: NULL inputs are ignored, as we want."""

    template = "percentile_cont(ARRAY[%(fractions)s]::float8[]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression: Any, fractions: Sequence[float]) -> None:
        super().__init__(
            expression,
            output_field=ArrayField(FloatField()),
            fractions=", ".join(repr(float(fraction)) for fraction in fractions),
        )


def percentile_cont(sorted_values: Sequence[float], fraction: float) -> float | None:
    """PostgreSQL's ``percentile_cont`` on an already sorted list."""
    if not sorted_values:
        return None
    position = fraction * (len(sorted_values) - 1)
    lower = int(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * (position - lower)


def _seconds_between(start: dt.datetime | None, end: dt.datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return (end - start).total_seconds()


@dataclass(frozen=True)
class Spread:
    """How many durations, their median and 90th percentile (seconds)."""

    count: int = 0
    median: float | None = None
    p90: float | None = None


def _spreads_in_python(rows: Iterable[tuple[Hashable, float | None]]) -> dict[Hashable, Spread]:
    grouped: dict[Hashable, list[float]] = {}
    for key, seconds in rows:
        values = grouped.setdefault(key, [])
        if seconds is not None:
            values.append(seconds)
    spreads = {}
    for key, values in grouped.items():
        values.sort()
        spreads[key] = Spread(len(values), percentile_cont(values, 0.5), percentile_cont(values, 0.9))
    return spreads

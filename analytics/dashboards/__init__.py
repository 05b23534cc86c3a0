"""Dashboards: each one a builder that turns ``DashboardFilters`` into KPIs, charts and tables.

A builder lives in its own module here and registers itself in ``DASHBOARDS`` (see
``register``). The one view (``analytics.views.dashboard``) renders any of them with the
shared filter bar and serves every table as CSV (``?export=<table key>``), so a builder
never touches the request or the template.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.utils.functional import Promise

from analytics.filters import DashboardFilters

Text = str | Promise


@dataclass(frozen=True)
class Kpi:
    """One headline figure. ``value`` is already formatted for display; ``hint`` says what it counts."""

    label: Text
    value: str
    hint: Text = ""
    # The same figure over the previous period, formatted, and whether up is good (for the arrow colour).
    previous: str = ""
    up_is_good: bool | None = None
    change: float | None = None  # relative change vs previous, e.g. 0.25 = +25 %


@dataclass(frozen=True)
class Dataset:
    label: Text
    data: Sequence[float | int | None]
    # Chart.js dataset options passed through (e.g. {"type": "line", "yAxisID": "y2", "stack": "a"}).
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Chart:
    """A Chart.js chart: ``kind`` is line, bar, stacked-bar, horizontal-bar, doughnut or scatter."""

    key: str
    title: Text
    kind: str
    labels: Sequence[str]
    datasets: Sequence[Dataset]
    wide: bool = False
    y_label: Text = ""
    # Extra Chart.js options merged into the defaults (e.g. {"scales": {"y": {"max": 1}}}).
    options: dict[str, Any] = field(default_factory=dict)
    percent: bool = False  # values are fractions 0..1 shown as percentages

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": str(self.title),
            "kind": self.kind,
            "labels": [str(label) for label in self.labels],
            "datasets": [
                {"label": str(dataset.label), "data": list(dataset.data), **dataset.options}
                for dataset in self.datasets
            ],
            "yLabel": str(self.y_label),
            "options": self.options,
            "percent": self.percent,
        }


@dataclass(frozen=True)
class Column:
    key: str
    label: Text
    numeric: bool = False
    # How a cell shows on the page: "int", "float1", "percent", "money", "duration" (seconds) or "" (as is).
    format: str = ""


@dataclass(frozen=True)
class Table:
    """A table on the page, downloadable as CSV with the raw (unformatted) values."""

    key: str
    title: Text
    columns: Sequence[Column]
    rows: Sequence[dict[str, Any]]
    note: Text = ""
    # Rows shown on the page (the CSV has them all).
    page_rows: int = 50


@dataclass
class Dashboard:
    title: Text
    kpis: list[Kpi] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[Text] = field(default_factory=list)

    def table(self, key: str) -> Table | None:
        return next((table for table in self.tables if table.key == key), None)


Builder = Callable[[DashboardFilters], Dashboard]


@dataclass(frozen=True)
class Entry:
    slug: str
    title: Text
    module: str  # dotted path of the module with ``build(filters) -> Dashboard``
    order: int = 100
    # Empty: any signed-in user with access to the stores (the figures are scoped to them anyway).
    # Leads and managers hold analytics.view_dashboards (analytics migration 0001); agents do not.
    permission: str = "analytics.view_dashboards"

    # Dotted path of a ``forms.Form`` of this dashboard's own settings, shown in the filter bar;
    # its valid values reach the builder as ``filters.options``.
    options_form: str = ""

    def builder(self) -> Builder:
        builder: Builder = importlib.import_module(self.module).build
        return builder

    def options_form_class(self) -> type[forms.Form] | None:
        if not self.options_form:
            return None
        module, _dot, name = self.options_form.rpartition(".")
        form_class: type[forms.Form] = getattr(importlib.import_module(module), name)
        return form_class


DASHBOARDS: dict[str, Entry] = {}


def register(entry: Entry) -> None:
    DASHBOARDS[entry.slug] = entry


def dashboards_in_order() -> list[Entry]:
    return sorted(DASHBOARDS.values(), key=lambda entry: (entry.order, entry.slug))

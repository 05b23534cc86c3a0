"""Formatting dashboard cells by their column's kind, in the viewer's locale."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from analytics.dashboards import Column

register = template.Library()


def duration(seconds: float) -> str:
    """A duration as a person reads it: 45 s, 12 min, 3.5 h, 2.1 d."""
    if seconds < 60:
        return _("%(n)s s") % {"n": number_format(round(seconds))}
    if seconds < 3600:
        return _("%(n)s min") % {"n": number_format(round(seconds / 60))}
    if seconds < 86400 * 2:
        return _("%(n)s h") % {"n": number_format(round(seconds / 3600, 1), 1)}
    return _("%(n)s d") % {"n": number_format(round(seconds / 86400, 1), 1)}


@register.filter
def cell(row: dict[str, Any], column: Column) -> str:
    value = row.get(column.key)
    if value is None or value == "":
        return "—"
    kind = column.format
    try:
        if kind == "int":
            return number_format(int(value), force_grouping=True)
        if kind == "float1":
            return number_format(round(float(value), 1), 1, force_grouping=True)
        if kind == "percent":
            return number_format(round(float(value) * 100, 1), 1) + " %"
        if kind == "money":
            return number_format(Decimal(value).quantize(Decimal("0.01")), 2, force_grouping=True)
        if kind == "duration":
            return duration(float(value))
    except (TypeError, ValueError, ArithmeticError):
        return str(value)
    return str(value)


@register.filter
def first_rows(rows: list[Any], count: int) -> list[Any]:
    return list(rows)[:count]

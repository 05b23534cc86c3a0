"""Tables as CSV downloads: raw values (no formatting), a header row of the column labels."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.text import slugify

from analytics.dashboards import Table
from analytics.filters import DashboardFilters

# Cells starting with these are formulas to a spreadsheet; a customer-typed subject could start with one.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, Decimal | int):
        return value
    text = str(value)
    if text.startswith(_FORMULA_PREFIXES) and not _looks_numeric(text):
        return "'" + text
    return text


def _looks_numeric(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def table_csv_response(table: Table, *, dashboard_slug: str, filters: DashboardFilters) -> HttpResponse:
    filename = (
        f"{dashboard_slug}-{slugify(table.key)}-{filters.start.isoformat()}-{filters.end.isoformat()}.csv"
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # A byte-order mark so that spreadsheet programs read the UTF-8 (Chinese, accents) right.
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([str(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow([_cell(row.get(column.key)) for column in table.columns])
    return response

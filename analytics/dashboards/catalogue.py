"""Every dashboard, in the order of the analytics tabs. A new dashboard adds one line here."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from analytics.dashboards import Entry, register

register(Entry("returns", _("Returns"), "analytics.dashboards.returns", order=40))
register(Entry("customers", _("Customers"), "analytics.dashboards.customers", order=50))
register(Entry("logistics", _("Logistics"), "analytics.dashboards.logistics", order=60))
register(Entry("volume", _("Volume"), "analytics.dashboards.volume", order=10))
register(Entry("team", _("Team performance"), "analytics.dashboards.team", order=20))
register(Entry("automation", _("Automation"), "analytics.dashboards.automation", order=30))
register(
    Entry(
        "forecast",
        _("Forecast and staffing"),
        "analytics.dashboards.forecast",
        order=70,
        options_form="analytics.dashboards.forecast.StaffingOptions",
    )
)

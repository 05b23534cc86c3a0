from __future__ import annotations

from django.urls import path

from analytics import season_views, views

app_name = "analytics"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("seasons/", season_views.season_index, name="seasons"),
    path("seasons/<int:rule_set_id>/", season_views.season_detail, name="season"),
    path("seasons/<int:rule_set_id>/report.pdf", season_views.season_pdf, name="season-pdf"),
    path("<slug:slug>/", views.dashboard, name="dashboard"),
]

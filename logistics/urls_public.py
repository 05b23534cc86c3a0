"""The customer tracking page: public, no login (mounted at /track/)."""

from __future__ import annotations

from django.urls import path

from logistics import public_views

app_name = "tracking"
urlpatterns = [
    path("", public_views.lookup, name="lookup"),
    path("<str:token>/", public_views.tracking_link, name="link"),
]

"""Endpoints tracking providers post to (no session, no CSRF: each delivery is signed)."""

from django.urls import path

from logistics import webhook_views
from logistics.models import TrackingProvider

app_name = "tracking_webhooks"
urlpatterns = [
    # /webhooks/tracking/aftership/<store key>/, /webhooks/tracking/17track/<store key>/
    path(
        f"{provider}/<str:key>/",
        webhook_views.tracking_webhook,
        {"provider": provider},
        name=provider.replace("17track", "seventeen_track"),
    )
    for provider in TrackingProvider.values
]

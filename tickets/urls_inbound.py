"""Endpoints other systems post messages to (no session, no CSRF: each authenticates itself)."""

from django.urls import path

from tickets import public_views, views
from tickets.ingest.platforms import FAMILIES

app_name = "inbound"
urlpatterns = [
    path("email/<str:token>/", views.inbound_email, name="email"),
    # One endpoint per platform family: /inbound/shopify/<store key>/, /inbound/ebay/<store key>/, …
    *(
        path(f"{platform}/<str:key>/", public_views.platform_webhook, {"platform": platform}, name=platform)
        for platform in FAMILIES
    ),
]

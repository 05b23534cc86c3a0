from __future__ import annotations

from django.urls import path

from helpdesk.platforms import views

app_name = "platforms"
urlpatterns = [
    path("status/", views.platform_status, name="status"),
    path("status/<int:store_id>/sync/", views.platform_sync_now, name="sync_now"),
]

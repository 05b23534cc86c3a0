from __future__ import annotations

from django.urls import path

from returns import views

app_name = "returns"
urlpatterns = [
    path("", views.return_list_view, name="list"),
    path("<int:return_id>/", views.return_detail, name="detail"),
]

from __future__ import annotations

from django.urls import path

from returns import views

app_name = "returns"
urlpatterns = [
    path("", views.return_list_view, name="list"),
    path("<int:return_id>/", views.return_detail, name="detail"),
    path("<int:return_id>/approve/", views.return_approve_view, name="approve"),
    path("<int:return_id>/reject/", views.return_reject_view, name="reject"),
    path("<int:return_id>/inspect/", views.return_inspect_view, name="inspect"),
    path("<int:return_id>/label.pdf", views.return_label_view, name="label"),
    path("photos/<int:photo_id>/", views.return_photo_view, name="photo"),
]

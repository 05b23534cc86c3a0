from __future__ import annotations

from django.urls import path

from customers import privacy_views, views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list_view, name="list"),
    path("<int:customer_id>/", views.customer_detail, name="detail"),
    path("<int:customer_id>/export/", privacy_views.customer_export, name="export"),
    path("<int:customer_id>/erase/", privacy_views.customer_erase, name="erase"),
    path("<int:customer_id>/follow-ups/", views.follow_up_add, name="follow_up_add"),
    path("follow-ups/", views.follow_up_list, name="follow_ups"),
    path("follow-ups/due/", views.follow_ups_due_block, name="follow_ups_due"),
    path("follow-ups/<int:follow_up_id>/done/", views.follow_up_mark_done, name="follow_up_done"),
    path(
        "suggestions/<int:suggestion_id>/<str:decision>/",
        views.match_suggestion_decide,
        name="suggestion_decide",
    ),
    path("merges/<int:merge_id>/undo/", views.merge_undo, name="merge_undo"),
    path("segments/", views.segment_index, name="segments"),
    path("segments/<slug:slug>/", views.segment_detail, name="segment_detail"),
]

from __future__ import annotations

from django.urls import path

from tickets import action_views, live_views, return_views, views

app_name = "tickets"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("live/rows/", live_views.inbox_rows, name="live_rows"),
    path("live/changes/", live_views.inbox_changes, name="live_changes"),
    path("<int:ticket_id>/", views.ticket_detail, name="detail"),
    path("<int:ticket_id>/live/", live_views.ticket_live, name="live"),
    path("<int:ticket_id>/reply/", views.ticket_reply, name="reply"),
    path("<int:ticket_id>/reply/translate/", views.ticket_reply_translate, name="reply_translate"),
    path("bulk/", action_views.inbox_bulk, name="bulk"),
    path("availability/", action_views.agent_availability, name="availability"),
    path("<int:ticket_id>/status/", action_views.ticket_status, name="status"),
    path("<int:ticket_id>/assign/", action_views.ticket_assign_view, name="assign"),
    path("<int:ticket_id>/tags/", action_views.ticket_add_tag_view, name="tag"),
    path("<int:ticket_id>/intent/", action_views.ticket_intent_view, name="intent"),
    path("<int:ticket_id>/merge/", action_views.ticket_merge_view, name="merge"),
    path("<int:ticket_id>/split/", action_views.ticket_split_view, name="split"),
    path("<int:ticket_id>/macro/", action_views.ticket_macro, name="macro"),
    path("<int:ticket_id>/return/", return_views.ticket_return_new, name="return_new"),
    path("<int:ticket_id>/compensation/", action_views.ticket_compensation_offer, name="compensation_offer"),
    path(
        "<int:ticket_id>/compensation/<int:offer_id>/answer/",
        action_views.ticket_compensation_answer,
        name="compensation_answer",
    ),
]

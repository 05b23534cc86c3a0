"""Websocket routes of every app."""

from __future__ import annotations

from django.urls import path

from tickets.consumers import ChatConsumer, InboxConsumer, TicketConsumer

websocket_urlpatterns = [
    path("ws/inbox/", InboxConsumer.as_asgi()),
    path("ws/tickets/<int:ticket_id>/", TicketConsumer.as_asgi()),
]

# Public: the chat widget runs on the shops' own sites, so these routes are not behind the
# allowed-hosts origin check (``helpdesk.asgi``); the consumer allows each store's sites.
public_websocket_urlpatterns = [
    path("ws/chat/<str:store_key>/", ChatConsumer.as_asgi()),
]

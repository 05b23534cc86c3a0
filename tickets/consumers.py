"""Websocket consumers: authenticate, join groups, forward events. Never write."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from tickets.selectors import inbox_groups_for_user


class InboxConsumer(AsyncJsonWebsocketConsumer):
    """Forwards ticket and season events to an agent's open inbox."""

    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.groups_joined = await database_sync_to_async(inbox_groups_for_user)(user=user)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def helpdesk_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])

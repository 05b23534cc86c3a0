"""Websocket consumers: authenticate, join groups, forward events. Never write, except the
public chat consumer, which hands a visitor's messages to a service (``tickets.services.chat``)."""

from __future__ import annotations

import time
from collections import deque
from typing import Any
from urllib.parse import parse_qs

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from customers.selectors import store_for_inbound_key
from helpdesk import broadcast
from tickets import presence
from tickets.selectors import (
    CHAT_HISTORY_LIMIT,
    chat_history,
    chat_ticket,
    inbox_groups_for_user,
    ticket_is_visible,
)
from tickets.services.chat import (
    ChatError,
    chat_language,
    chat_message_receive,
    chat_origin_allowed,
    chat_session_resume,
    chat_session_start,
    chat_welcome,
)

# Close codes the pages know: they stop reconnecting on these.
UNAUTHORISED = 4401
FORBIDDEN = 4403
# A page's "typing" is relayed at most this often per connection.
TYPING_MIN_INTERVAL = 1.0


async def refuse(consumer: AsyncJsonWebsocketConsumer, code: int) -> None:
    """Accept, then close with ``code``: a close before the handshake reaches a browser only
    as a failed connection (1006), which it would retry for ever."""
    await consumer.accept()
    await consumer.close(code=code)


def pong() -> dict[str, Any]:
    """The answer to a page's heartbeat: the live position the server has reached, so a page
    that loses its connection later resumes from here (``helpdesk.broadcast.position_of``)."""
    return {"kind": "pong", "position": broadcast.position_of(timezone.now())}


class InboxConsumer(AsyncJsonWebsocketConsumer):
    """Forwards ticket and season events to an agent's open inbox."""

    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await refuse(self, UNAUTHORISED)
            return
        self.groups_joined = await database_sync_to_async(inbox_groups_for_user)(user=user)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "ping":
            await self.send_json(pong())

    async def helpdesk_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])


class TicketConsumer(AsyncJsonWebsocketConsumer):
    """One open ticket page: its ticket's events, who else is viewing it, who is typing.

    Authorised like the page (``ticket_is_visible``): a ticket the user may not see closes
    with 4403, whether it exists or not.
    """

    ticket_id: int
    group = ""
    display_name = ""
    last_typing = 0.0
    last_viewers: list[presence.Viewer]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await refuse(self, UNAUTHORISED)
            return
        self.ticket_id = int(self.scope["url_route"]["kwargs"]["ticket_id"])
        if not await database_sync_to_async(ticket_is_visible)(user=user, ticket_id=self.ticket_id):
            await refuse(self, FORBIDDEN)
            return
        self.user_id = user.pk
        self.display_name = user.get_full_name() or user.get_username()
        self.group = broadcast.ticket_group(self.ticket_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self._present()

    async def disconnect(self, code: int) -> None:
        if not self.group:
            return
        viewers = await sync_to_async(presence.presence_leave)(
            ticket_id=self.ticket_id, connection=self.channel_name
        )
        await self._announce(viewers)
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "ping":
            await self._present()
            await self.send_json(pong())
        elif kind == "typing":
            now = time.monotonic()
            if now - self.last_typing < TYPING_MIN_INTERVAL:
                return
            self.last_typing = now
            event = broadcast.typing_event(
                ticket_id=self.ticket_id, user_id=self.user_id, name=self.display_name
            )
            await self.channel_layer.group_send(
                self.group, {"type": "helpdesk.event", "event": event, "sender": self.channel_name}
            )

    async def helpdesk_event(self, message: dict[str, Any]) -> None:
        if message.get("sender") == self.channel_name:
            return  # one's own typing
        event = message["event"]
        if event.get("kind") == "presence":
            self.last_viewers = event["viewers"]
        await self.send_json(event)

    async def _present(self) -> None:
        """Record this page as viewing (again: the heartbeat refreshes it) and tell the others
        when the list differs from what this page last heard (someone joined, or expired)."""
        viewers = await sync_to_async(presence.presence_join)(
            ticket_id=self.ticket_id,
            connection=self.channel_name,
            user_id=self.user_id,
            name=self.display_name,
        )
        if viewers != getattr(self, "last_viewers", None):
            await self._announce(viewers)

    async def _announce(self, viewers: list[presence.Viewer]) -> None:
        self.last_viewers = viewers
        event = broadcast.presence_event(
            ticket_id=self.ticket_id, viewers=[dict(viewer) for viewer in viewers]
        )
        await self.channel_layer.group_send(self.group, {"type": "helpdesk.event", "event": event})


# --- The chat widget on the shops' sites ------------------------------------------------------

UNKNOWN_STORE = 4404
TOO_MANY_MESSAGES = 4429


class ChatConsumer(AsyncJsonWebsocketConsumer):
    """A visitor's chat widget (``ws/chat/<store key>/``), public: no login.

    Only the store's own sites may connect (else 4403), an unknown key closes with 4404,
    flooding with 4429; each refusal is preceded by an ``error`` frame saying why. The
    visitor's signed token names the conversation; visitor messages go through the same
    pipeline as e-mail (``chat_message_receive``) and agents' replies arrive as events of
    the conversation's group. Protocol (JSON frames, ``type`` first):

    widget → server: ``resume {token, after}``, ``start {name, email}``, ``message {id, text}``, ``ping``
    server → widget: ``welcome``, ``session {token}``, ``history {messages, more}``,
    ``ack {id, message}``, ``message {message}``, ``error {code, message, id}``, ``pong``
    """

    store: Any = None
    session: Any = None
    group = ""
    language = "en"

    async def connect(self) -> None:
        self.recent: deque[float] = deque()
        key = self.scope["url_route"]["kwargs"]["store_key"]
        self.store = await database_sync_to_async(store_for_inbound_key)(key=key)
        await self.accept()
        if self.store is None:
            await self._refuse(UNKNOWN_STORE, "unknown_store", "There is no chat for this store.")
            return
        if not chat_origin_allowed(
            store=self.store, origin=_header(self.scope, b"origin"), host=_header(self.scope, b"host")
        ):
            await self._refuse(FORBIDDEN, "origin_not_allowed", "The chat is not enabled for this site.")
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin-1"))
        self.language = chat_language(store=self.store, wanted=(query.get("lang") or [""])[0])
        await self.send_json({"type": "welcome", **chat_welcome(store=self.store, language=self.language)})

    async def disconnect(self, code: int) -> None:
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(
        self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any
    ) -> None:
        if self.store is None:
            return
        content = None
        if text_data and len(text_data) <= settings.CHAT_MESSAGE_MAX_CHARS * 4 + 1000:
            try:
                content = await self.decode_json(text_data)
            except ValueError:
                content = None
        if not isinstance(content, dict):
            await self.send_json(
                {"type": "error", "code": "bad_frame", "message": "Frames are JSON objects."}
            )
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type")
        if kind == "ping":
            await self.send_json({"type": "pong"})
            return
        if await self._flooding(content):
            return
        try:
            with translation.override(self.language):
                if kind == "resume":
                    await self._resume(content)
                elif kind == "start":
                    await self._start(content)
                elif kind == "message":
                    await self._message(content)
                else:
                    raise ChatError("unknown_type", "Unknown frame type.")
        except ChatError as error:
            await self.send_json(
                {"type": "error", "code": error.code, "message": error.message, "id": content.get("id")}
            )

    async def helpdesk_event(self, message: dict[str, Any]) -> None:
        await self.send_json(message["event"])

    async def _resume(self, content: dict[str, Any]) -> None:
        self.session = await database_sync_to_async(chat_session_resume)(
            store=self.store, token=str(content.get("token") or "")
        )
        try:
            after = int(content.get("after") or 0)
        except (TypeError, ValueError):
            after = 0
        ticket = await database_sync_to_async(chat_ticket)(
            store_id=self.store.pk, thread_id=self.session.thread_id
        )
        messages: list[dict[str, object]] = []
        if ticket is not None:
            await self._join(ticket.pk)  # before reading, so nothing falls between history and live
            messages = await database_sync_to_async(chat_history)(ticket_id=ticket.pk, after=after)
        await self.send_json(
            {
                "type": "history",
                "name": self.session.name,
                "messages": messages,
                "more": len(messages) >= CHAT_HISTORY_LIMIT,
            }
        )

    async def _start(self, content: dict[str, Any]) -> None:
        self.session, token = await database_sync_to_async(chat_session_start)(
            store=self.store, name=str(content.get("name") or ""), email=str(content.get("email") or "")
        )
        await self.send_json({"type": "session", "token": token, "name": self.session.name})

    async def _message(self, content: dict[str, Any]) -> None:
        if self.session is None:
            raise ChatError("no_session", gettext("Please tell us your name first."))
        text = content.get("text")
        receipt = await database_sync_to_async(chat_message_receive)(
            session=self.session,
            client_id=str(content.get("id") or ""),
            text=text if isinstance(text, str) else "",
        )
        if receipt.token:  # the old conversation was closed: this one goes on in a new ticket
            self.session = receipt.session
            await self.send_json({"type": "session", "token": receipt.token, "name": self.session.name})
        await self._join(receipt.ticket_id)
        await self.send_json(
            {
                "type": "ack",
                "id": content.get("id"),
                "message": receipt.message,
                "duplicate": receipt.duplicate,
            }
        )

    async def _join(self, ticket_id: int) -> None:
        group = broadcast.chat_group(ticket_id)
        if group == self.group:
            return
        if self.group:
            await self.channel_layer.group_discard(self.group, self.channel_name)
        self.group = group
        await self.channel_layer.group_add(group, self.channel_name)

    async def _flooding(self, content: dict[str, Any]) -> bool:
        """Per connection: past the per-minute limit a frame is refused; far past it, the connection closes."""
        now, limit = time.monotonic(), settings.CHAT_MESSAGES_PER_MINUTE
        while self.recent and now - self.recent[0] > 60:
            self.recent.popleft()
        self.recent.append(now)
        if len(self.recent) > 3 * limit:
            await self._refuse(TOO_MANY_MESSAGES, "rate_limited", "Too many messages.")
            return True
        if len(self.recent) > limit:
            with translation.override(self.language):
                text = gettext("You are sending messages too fast. Please wait a moment.")
            await self.send_json(
                {"type": "error", "code": "rate_limited", "message": text, "id": content.get("id")}
            )
            return True
        return False

    async def _refuse(self, code: int, reason: str, text: str) -> None:
        await self.send_json({"type": "error", "code": reason, "message": text})
        await self.close(code=code)
        self.store = None


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""

"""The chat widget's websocket, through the real ASGI application: visitors' messages become
tickets through the same pipeline as e-mail, a resend is a no-op, a reconnect continues the
conversation with what was missed, agents' replies arrive live, foreign sites are refused."""

from __future__ import annotations

import uuid

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator

from customers.models import CustomerIdentity, Platform
from helpdesk.asgi import application
from tests.factories import StoreFactory
from tickets.models import Channel, Message, Ticket
from tickets.services import message_reply, ticket_set_status

SHOP = "https://shop.example.com"


@pytest.fixture
def store(db):
    return StoreFactory(name="Lumen Home", allowed_origins=[SHOP, "https://www.shop.example.com"])


def visitor(store, *, origin: str | None = SHOP, key: str | None = None, host: str = "helpdesk.example.com"):
    headers = [(b"host", host.encode())]
    if origin is not None:
        headers.append((b"origin", origin.encode()))
    return WebsocketCommunicator(
        application, f"/ws/chat/{key or store.inbound_key}/?lang=en", headers=headers
    )


async def connected(store, **kwargs) -> WebsocketCommunicator:
    communicator = visitor(store, **kwargs)
    accepted, _ = await communicator.connect()
    assert accepted
    welcome = await communicator.receive_json_from(timeout=3)
    assert welcome["type"] == "welcome"
    return communicator


async def start(communicator, name="Anna Schmidt", email="anna@example.de") -> str:
    await communicator.send_json_to({"type": "start", "name": name, "email": email})
    session = await communicator.receive_json_from(timeout=3)
    assert session["type"] == "session", session
    return session["token"]


async def say(communicator, text: str, message_id: str | None = None) -> dict:
    message_id = message_id or str(uuid.uuid4())
    await communicator.send_json_to({"type": "message", "id": message_id, "text": text})
    while True:  # the visitor's own message may also come back as a live event first
        # The ack follows the eager triage, whose first run in a process loads its models.
        frame = await communicator.receive_json_from(timeout=20)
        if frame["type"] in ("ack", "error"):
            return frame


async def closed_with(communicator) -> int:
    while True:
        output = await communicator.receive_output(timeout=3)
        if output["type"] == "websocket.close":
            # Let the consumer finish before the event loop closes: its channel-layer read would
            # otherwise be cancelled mid-call at loop shutdown, which can hang the test run.
            await communicator.disconnect()
            return output["code"]


def reply(ticket_id: int, author, body: str, internal: bool = False) -> Message:
    return message_reply(ticket=Ticket.objects.get(pk=ticket_id), author=author, body=body, internal=internal)


@pytest.mark.django_db(transaction=True)
def test_the_first_message_opens_a_chat_ticket_for_the_visitor(store):
    async def scenario():
        communicator = await connected(store)
        await start(communicator)
        ack = await say(communicator, "Hi, my parcel is stuck in customs. What do I do?")
        await communicator.disconnect()
        return ack

    ack = async_to_sync(scenario)()

    assert ack["type"] == "ack"
    assert ack["duplicate"] is False
    ticket = Ticket.objects.select_related("customer").get()
    message = ticket.messages.get()
    assert ticket.channel == message.channel == Channel.CHAT
    assert ticket.subject == "Hi, my parcel is stuck in customs. What do I do?"
    assert ticket.external_thread_id.startswith("chat:")
    assert message.external_id == ack["id"]
    assert message.sender_name == "Anna Schmidt"
    assert ack["message"] == {
        "id": message.pk,
        "client_id": ack["id"],
        "from": "visitor",
        "name": "Anna Schmidt",
        "text": "Hi, my parcel is stuck in customs. What do I do?",
        "at": message.created_at.isoformat(),
    }
    kinds = set(ticket.customer.identities.values_list("platform", "kind"))
    assert kinds == {
        (Platform.WEB, CustomerIdentity.Kind.CHAT),
        (Platform.EMAIL, CustomerIdentity.Kind.EMAIL),
    }


@pytest.mark.django_db(transaction=True)
def test_a_resend_with_the_same_id_is_a_no_op(store):
    async def scenario():
        communicator = await connected(store)
        await start(communicator, email="")
        message_id = str(uuid.uuid4())
        first = await say(communicator, "Where is my order?", message_id)
        again = await say(communicator, "Where is my order?", message_id)
        await communicator.disconnect()
        return first, again

    first, again = async_to_sync(scenario)()

    assert again["duplicate"] is True
    assert again["message"]["id"] == first["message"]["id"]
    assert Message.objects.count() == 1
    assert Ticket.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_reconnect_with_the_token_continues_the_ticket_and_brings_the_missed_replies(store, manager):
    async def scenario():
        first = await connected(store)
        token = await start(first)
        ack = await say(first, "Is the lamp in stock in blue?")
        await first.disconnect()
        ticket_id = await sync_to_async(lambda: Ticket.objects.get().pk)()
        await sync_to_async(reply)(ticket_id, manager, "Yes, blue ships tomorrow.")
        await sync_to_async(reply)(ticket_id, manager, "Internal: check the warehouse", internal=True)

        again = await connected(store)
        await again.send_json_to({"type": "resume", "token": token, "after": ack["message"]["id"]})
        history = await again.receive_json_from(timeout=3)
        follow_up = await say(again, "Great, I will order now.")
        await again.disconnect()
        return history, follow_up

    history, follow_up = async_to_sync(scenario)()

    assert history["type"] == "history"
    assert [(m["from"], m["text"]) for m in history["messages"]] == [("agent", "Yes, blue ships tomorrow.")]
    assert follow_up["type"] == "ack"
    assert Ticket.objects.count() == 1
    assert Ticket.objects.get().messages.filter(direction=Message.Direction.INBOUND).count() == 2
    assert Message.objects.get(direction=Message.Direction.OUTBOUND).delivery_status == Message.Delivery.SENT


@pytest.mark.django_db(transaction=True)
def test_a_page_reload_shows_the_whole_conversation(store, manager):
    async def scenario():
        first = await connected(store)
        token = await start(first)
        await say(first, "Hello?")
        await first.disconnect()
        ticket_id = await sync_to_async(lambda: Ticket.objects.get().pk)()
        await sync_to_async(reply)(ticket_id, manager, "Hello! How can we help?")
        reloaded = await connected(store)
        await reloaded.send_json_to({"type": "resume", "token": token, "after": 0})
        history = await reloaded.receive_json_from(timeout=3)
        await reloaded.disconnect()
        return history

    history = async_to_sync(scenario)()

    assert [(m["from"], m["text"]) for m in history["messages"]] == [
        ("visitor", "Hello?"),
        ("agent", "Hello! How can we help?"),
    ]
    assert history["name"] == "Anna Schmidt"


@pytest.mark.django_db(transaction=True)
def test_an_agent_reply_reaches_the_visitor_live_and_a_note_does_not(store, manager):
    async def scenario():
        communicator = await connected(store)
        await start(communicator)
        await say(communicator, "Can I change the delivery address?")
        ticket_id = await sync_to_async(lambda: Ticket.objects.get().pk)()

        await sync_to_async(reply)(ticket_id, manager, "Internal: order not shipped yet", internal=True)
        await sync_to_async(reply)(ticket_id, manager, "Yes, send us the new address here.")

        live = await communicator.receive_json_from(timeout=3)
        nothing_else = await communicator.receive_nothing(timeout=0.3)
        await communicator.disconnect()
        return live, nothing_else

    live, nothing_else = async_to_sync(scenario)()

    assert live["type"] == "message"
    assert live["message"]["from"] == "agent"
    assert live["message"]["text"] == "Yes, send us the new address here."
    assert nothing_else
    sent = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert sent.delivery_status == Message.Delivery.SENT
    assert sent.sent_at is not None


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("origin", "code", "reason"),
    [("https://evil.example", 4403, "origin_not_allowed"), (None, 4403, "origin_not_allowed")],
)
def test_a_foreign_site_is_refused_with_a_clear_close_code(store, origin, code, reason):
    async def scenario():
        communicator = visitor(store, origin=origin)
        accepted, _ = await communicator.connect()
        error = await communicator.receive_json_from(timeout=3)
        return accepted, error, await closed_with(communicator)

    accepted, error, close_code = async_to_sync(scenario)()

    assert accepted  # accepted only to say why: a refused handshake reaches a browser as a bare 1006
    assert (error["type"], error["code"]) == ("error", reason)
    assert close_code == code


@pytest.mark.django_db(transaction=True)
def test_an_unknown_store_closes_with_4404(store):
    async def scenario():
        communicator = visitor(store, key="no-such-store")
        await communicator.connect()
        error = await communicator.receive_json_from(timeout=3)
        return error, await closed_with(communicator)

    error, code = async_to_sync(scenario)()

    assert error["code"] == "unknown_store"
    assert code == 4404


@pytest.mark.django_db(transaction=True)
def test_the_helpdesks_own_demo_page_may_use_the_widget(store):
    async def scenario():
        communicator = await connected(store, origin="http://testserver", host="testserver")
        await communicator.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_visitor_sending_too_fast_is_slowed_then_cut_off(store, settings):
    settings.CHAT_MESSAGES_PER_MINUTE = 3

    async def scenario():
        communicator = await connected(store)
        await start(communicator, email="")  # counts as one
        answers = [(await say(communicator, f"spam {n}"))["type"] for n in range(3)]
        for n in range(10):
            await communicator.send_json_to({"type": "message", "id": str(uuid.uuid4()), "text": f"more {n}"})
        return answers, await closed_with(communicator)

    answers, code = async_to_sync(scenario)()

    assert answers == ["ack", "ack", "error"]
    assert code == 4429
    assert Message.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_forged_token_and_a_message_before_the_name_are_refused(store):
    async def scenario():
        communicator = await connected(store)
        await communicator.send_json_to({"type": "resume", "token": "forged", "after": 0})
        forged = await communicator.receive_json_from(timeout=3)
        early = await say(communicator, "hello")
        await communicator.send_to(text_data="not json")
        garbage = await communicator.receive_json_from(timeout=3)
        await communicator.send_json_to({"type": "start", "name": "  ", "email": ""})
        nameless = await communicator.receive_json_from(timeout=3)
        await communicator.disconnect()
        return forged, early, garbage, nameless

    forged, early, garbage, nameless = async_to_sync(scenario)()

    assert forged["code"] == "invalid_token"
    assert early["code"] == "no_session"
    assert garbage["code"] == "bad_frame"
    assert nameless["code"] == "name_required"
    assert Message.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_another_stores_token_is_refused(store):
    other = StoreFactory(allowed_origins=[SHOP])

    async def scenario():
        communicator = await connected(store)
        token = await start(communicator)
        await communicator.disconnect()
        elsewhere = await connected(other)
        await elsewhere.send_json_to({"type": "resume", "token": token, "after": 0})
        answer = await elsewhere.receive_json_from(timeout=3)
        await elsewhere.disconnect()
        return answer

    assert async_to_sync(scenario)()["code"] == "invalid_token"


@pytest.mark.django_db(transaction=True)
def test_writing_again_after_the_ticket_was_closed_opens_a_new_conversation_for_the_same_visitor(
    store, manager
):
    async def scenario():
        communicator = await connected(store)
        token = await start(communicator, email="")
        await say(communicator, "First question")
        await communicator.disconnect()
        ticket = await sync_to_async(Ticket.objects.get)()
        await sync_to_async(ticket_set_status)(ticket=ticket, status=Ticket.Status.SOLVED, actor=manager)
        await sync_to_async(ticket_set_status)(ticket=ticket, status=Ticket.Status.CLOSED, actor=manager)

        back = await connected(store)
        await back.send_json_to({"type": "resume", "token": token, "after": 0})
        await back.receive_json_from(timeout=3)
        await back.send_json_to({"type": "message", "id": str(uuid.uuid4()), "text": "A new question"})
        frames = [await back.receive_json_from(timeout=3) for _ in range(2)]
        await back.disconnect()
        return token, frames

    token, frames = async_to_sync(scenario)()

    renewed = next(frame for frame in frames if frame["type"] == "session")
    assert renewed["token"] != token
    assert any(frame["type"] == "ack" for frame in frames)
    old, new = Ticket.objects.order_by("id")
    assert old.status == Ticket.Status.CLOSED
    assert new.status == Ticket.Status.NEW
    assert old.customer_id == new.customer_id
    assert old.external_thread_id != new.external_thread_id

"""The chat widget in a real browser, embedded in a shop's page on another origin.

A small HTTP server plays the shop (its own origin, listed in the store's chat widget
sites); its page carries the one-line embed. The visitor opens the widget, gives a name,
writes; the message becomes a chat ticket. An agent answers: with Redis the answer
appears live; in any case a reload shows the whole conversation (the token in
localStorage continues it). A shop that is not listed gets "not available".
"""

from __future__ import annotations

import contextlib
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.conf import settings

from tests.e2e.conftest import in_another_process
from tests.factories import StoreFactory, UserFactory
from tickets.models import Channel, Message, Ticket
from tickets.services import message_reply


@contextlib.contextmanager
def shop_site(html: str):
    """A shop's site on its own origin (another port), serving one page."""

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def embed(helpdesk, store) -> str:
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Lumen Home</title></head>"
        "<body><h1>Lumen Home: lamps</h1>"
        f"<script src='{helpdesk.url}/static/widget/chat.js' data-store='{store.inbound_key}' async></script>"
        "</body></html>"
    )


def test_a_visitor_chats_from_the_shops_site_and_keeps_the_conversation_across_a_reload(recorder, server):
    store = StoreFactory(name="Lumen Home", brand_color="#0a7d4f")
    agent = UserFactory(username="li.wang", first_name="Li", last_name="Wang")
    with shop_site(embed(server, store)) as shop:
        store.allowed_origins = [shop]
        store.save(update_fields=["allowed_origins"])
        page = recorder.page(viewport={"width": 390, "height": 800})
        page.goto(shop)

        # The visitor opens the widget, says who they are and writes.
        page.click("[data-helpdesk-chat] button.b")
        page.fill("form.i input[name=name]", "Anna Schmidt")
        page.fill("form.i input[name=email]", "anna@example.de")
        page.click("form.i button[type=submit]")
        page.fill("form.c textarea", "Hello, is the blue lamp back in stock?")
        page.press("form.c textarea", "Enter")
        page.wait_for_selector(".m.v:not(.q):has-text('blue lamp')")

        ticket = Ticket.objects.get()
        assert ticket.channel == Channel.CHAT
        assert ticket.messages.get().sender_name == "Anna Schmidt"

        # An agent answers.
        in_another_process(
            message_reply, ticket=ticket, author=agent, body="Yes, it is back since this morning."
        )
        assert Message.objects.get(direction="outbound").delivery_status == Message.Delivery.SENT
        if settings.CHANNEL_LAYERS["default"]["BACKEND"].startswith("channels_redis"):
            page.wait_for_selector(".m.a:has-text('back since this morning')")

        # A reload continues the same conversation, with everything in it.
        page.reload()
        page.click("[data-helpdesk-chat] button.b")
        page.wait_for_selector(".m.a:has-text('back since this morning')")
        assert page.locator(".m.v:has-text('blue lamp')").count() == 1
        assert page.locator("form.i").is_hidden()
        page.fill("form.c textarea", "Great, ordering now.")
        page.press("form.c textarea", "Enter")
        page.wait_for_selector(".m.v:not(.q):has-text('ordering now')")
        assert Ticket.objects.count() == 1
        assert ticket.messages.filter(direction="inbound").count() == 2

    # A shop that is not among the store's sites: the widget says it is not available.
    with shop_site(embed(server, store)) as unlisted:
        page = recorder.page()
        page.goto(unlisted)
        page.click("[data-helpdesk-chat] button.b")
        page.wait_for_selector(".n:has-text('not available')")

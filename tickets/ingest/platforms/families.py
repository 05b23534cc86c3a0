"""One normaliser per platform family: the platform's JSON into the one inbound shape.

Shapes follow what each platform documents for its messages. Where a platform has no
push for buyer messages, its connector (a separate piece) posts the shape documented on
the normaliser, signed with ``X-Helpdesk-Signature``.
"""

from __future__ import annotations

import json
from typing import Any

from helpdesk.webhooks import MalformedPayload
from tickets.ingest.inbound import InboundMessage
from tickets.ingest.platforms.base import (
    Ignored,
    Parts,
    WebhookRequest,
    attachment_note,
    attachment_notes,
    full_name,
    get,
    message,
    note_id,
    text,
    when,
)


def amazon(payload: dict[str, Any], request: WebhookRequest) -> InboundMessage | Ignored:
    """Amazon buyer-seller messages.

    Amazon has no push for buyer messages (the SP-API Messaging API only sends); they
    reach the seller through the Buyer-Seller Messaging relay. The connector posts each
    one as::

        {"messageId": "<relay Message-ID or Seller Central id>",
         "amazonOrderId": "303-1234567-1234567", "marketplaceId": "A1PA6795UKMFR9",
         "buyer": {"buyerId": "AZ1X…", "name": "Anna Schmidt",
                   "email": "k3x…@marketplace.amazon.de"},
         "subject": "…", "body": "…", "bodyHtml": "…", "sentAt": "2025-11-28T10:15:00Z",
         "attachments": [{"name": "photo.jpg", "contentType": "image/jpeg", "url": "https://…"}]}

    One conversation per order (Amazon threads buyer messages by order), else per buyer.
    """
    order = text(payload, "amazonOrderId")
    buyer = text(payload, "buyer.buyerId")
    parts = Parts(
        channel="amazon",
        external_id=text(payload, "messageId", required=True),
        thread_id=f"order:{order}" if order else f"buyer:{buyer}" if buyer else "",
        buyer_id=buyer,
        email=text(payload, "buyer.email"),
        name=text(payload, "buyer.name"),
        order_number=order,
        subject=text(payload, "subject"),
        text=text(payload, "body"),
        html=text(payload, "bodyHtml"),
        sent_at=when(payload, "sentAt"),
        attachments=tuple(
            attachment_notes(payload.get("attachments"), name="name", kind="contentType", url="url")
        ),
    )
    return message(parts, request, payload)


def ebay(payload: dict[str, Any], request: WebhookRequest) -> InboundMessage | Ignored:
    """eBay member messages, in the eBay Message API's shapes (``getConversation``).

    eBay pushes no event for the Message API; the connector posts one message at a time
    with its conversation::

        {"conversationId": "…", "conversationTitle": "…",
         "referenceId": "12-34567-89012", "referenceType": "ORDER" | "LISTING",
         "message": {"messageId": "…", "senderUsername": "anna_s", "recipientUsername": "lumen_home",
                     "subject": "…", "messageBody": "…", "createdDate": "2025-11-28T10:15:00.000Z",
                     "messageMedia": [{"mediaName": "…", "mediaType": "IMAGE", "mediaUrl": "https://…"}]}}

    eBay hides buyers' e-mail addresses: the buyer is their username. The seller's own
    messages in a conversation are ignored.
    """
    body = payload.get("message")
    if not isinstance(body, dict):
        raise MalformedPayload("The field 'message' is missing or not an object.")
    sender = text(body, "senderUsername", required=True)
    if request.store_account and sender.casefold() == request.store_account.casefold():
        return Ignored("The message was sent by the seller.")
    is_order = text(payload, "referenceType").upper() == "ORDER"
    parts = Parts(
        channel="ebay",
        external_id=text(body, "messageId", required=True),
        thread_id=text(payload, "conversationId", required=True),
        buyer_id=sender,
        name=sender,
        order_number=text(payload, "referenceId") if is_order else "",
        subject=text(body, "subject") or text(payload, "conversationTitle"),
        text=text(body, "messageBody"),
        sent_at=when(body, "createdDate"),
        attachments=tuple(
            attachment_notes(body.get("messageMedia"), name="mediaName", kind="mediaType", url="mediaUrl")
        ),
    )
    return message(parts, request, payload)


SHOPIFY_ORDER_TOPICS = {"orders/create", "orders/updated"}
SHOPIFY_MESSAGE_TOPIC = "customer_messages/create"


def shopify(payload: dict[str, Any], request: WebhookRequest) -> InboundMessage | Ignored:
    """Shopify, by ``X-Shopify-Topic``.

    ``orders/create`` and ``orders/updated``: the body is Shopify's Order object; the
    buyer's message is the order ``note`` ("special instructions for the seller").

    ``customer_messages/create``: Shopify has no webhook topic for Shopify Inbox chats or
    the storefront contact form, so the shop's app forwards them under this topic,
    signed the Shopify way, with Shopify's Customer object::

        {"id": "…", "conversation_id": "…", "order_name": "#1001",
         "customer": {"id": 207119551, "email": "bob@example.com", "first_name": "Bob", "last_name": "Norman"},
         "subject": "…", "body": "…", "body_html": "…", "created_at": "2025-11-28T10:15:00-05:00",
         "attachments": [{"filename": "…", "content_type": "image/png", "url": "https://…"}]}

    Other topics are acknowledged and ignored (Shopify retries anything but a 2xx).
    """
    topic = request.headers.get("X-Shopify-Topic", "").strip()
    if topic in SHOPIFY_ORDER_TOPICS:
        note = text(payload, "note")
        if not note:
            return Ignored("The order has no note from the buyer.")
        order_id = text(payload, "id", required=True)
        name = full_name(text(payload, "customer.first_name"), text(payload, "customer.last_name"))
        parts = Parts(
            channel="shopify",
            external_id=note_id("order", order_id, note),
            thread_id=f"order:{order_id}",
            buyer_id=text(payload, "customer.id"),
            email=text(payload, "email") or text(payload, "contact_email"),
            name=name or text(payload, "billing_address.name"),
            order_number=text(payload, "name"),
            text=note,
            sent_at=when(payload, "updated_at") or when(payload, "created_at"),
        )
        return message(parts, request, payload)
    if topic != SHOPIFY_MESSAGE_TOPIC:
        return Ignored(f"The topic {topic[:100]!r} carries no customer message.")
    message_id = text(payload, "id", required=True)
    parts = Parts(
        channel="shopify",
        external_id=message_id,
        thread_id=text(payload, "conversation_id"),
        buyer_id=text(payload, "customer.id"),
        email=text(payload, "customer.email"),
        name=full_name(text(payload, "customer.first_name"), text(payload, "customer.last_name")),
        order_number=text(payload, "order_name"),
        subject=text(payload, "subject"),
        text=text(payload, "body"),
        html=text(payload, "body_html"),
        sent_at=when(payload, "created_at"),
        attachments=tuple(
            attachment_notes(payload.get("attachments"), name="filename", kind="content_type", url="url")
        ),
    )
    return message(parts, request, payload)


WOOCOMMERCE_ORDER_TOPICS = {"order.created", "order.updated"}


def woocommerce_ping(request: WebhookRequest) -> bool:
    """WooCommerce checks a new webhook's URL with an unsigned ``webhook_id=<id>`` form post."""
    body = request.body.decode("ascii", "replace").strip()
    return (
        body.startswith("webhook_id=")
        and body.removeprefix("webhook_id=").isdigit()
        and not request.headers.get("X-WC-Webhook-Signature")
    )


def woocommerce(payload: dict[str, Any], request: WebhookRequest) -> InboundMessage | Ignored:
    """WooCommerce order webhooks (``X-WC-Webhook-Topic: order.created | order.updated``).

    The body is the REST API v3 order object; the buyer's message is its
    ``customer_note`` (written at checkout). The buyer is ``customer_id`` (0 for a guest)
    and the billing e-mail. Other topics are acknowledged and ignored.
    """
    topic = request.headers.get("X-WC-Webhook-Topic", "").strip()
    if topic and topic not in WOOCOMMERCE_ORDER_TOPICS:
        return Ignored(f"The topic {topic[:100]!r} carries no customer message.")
    note = text(payload, "customer_note")
    if not note:
        return Ignored("The order has no note from the buyer.")
    order_id = text(payload, "id", required=True)
    customer_id = text(payload, "customer_id")
    number = text(payload, "number") or order_id
    parts = Parts(
        channel="woocommerce",
        external_id=note_id("order", order_id, note),
        thread_id=f"order:{order_id}",
        buyer_id=customer_id if customer_id not in ("", "0") else "",
        email=text(payload, "billing.email"),
        name=full_name(text(payload, "billing.first_name"), text(payload, "billing.last_name")),
        order_number=number,
        text=note,
        sent_at=when(payload, "date_modified_gmt") or when(payload, "date_created_gmt"),
    )
    return message(parts, request, payload)


def magento(payload: dict[str, Any], request: WebhookRequest) -> InboundMessage | Ignored:
    """Magento 2 / Adobe Commerce: the contact form and order messages, posted by the connector module.

    Magento has no outgoing webhook for these; the module posts the contact form's own
    fields (``name``, ``email``, ``telephone``, ``comment``) and, for a message about an
    order, its increment id. Times are Magento's ``YYYY-MM-DD HH:MM:SS`` in UTC::

        {"event": "contact_form.submitted" | "order_message.created", "message_id": "…",
         "data": {"name": "…", "email": "…", "telephone": "…", "comment": "…", "subject": "…",
                  "order_increment_id": "000000123", "customer_id": 42,
                  "created_at": "2025-11-28 10:15:00"}}
    """
    event = text(payload, "event", required=True)
    if event not in {"contact_form.submitted", "order_message.created"}:
        return Ignored(f"The event {event[:100]!r} carries no customer message.")
    data = payload.get("data")
    if not isinstance(data, dict):
        raise MalformedPayload("The field 'data' is missing or not an object.")
    order = text(data, "order_increment_id")
    parts = Parts(
        channel="magento",
        external_id=text(payload, "message_id", required=True),
        thread_id=f"order:{order}" if order else "",
        buyer_id=text(data, "customer_id"),
        email=text(data, "email"),
        name=text(data, "name"),
        order_number=order,
        subject=text(data, "subject"),
        text=text(data, "comment", required=True),
        sent_at=when(data, "created_at"),
    )
    return message(parts, request, payload)


SHOPEE_WEBCHAT_PUSH = 10


def shopee(payload: dict[str, Any], request: WebhookRequest) -> InboundMessage | Ignored:
    """Shopee Open Platform push, ``code`` 10 (webchat): one buyer chat message.

    The connector relays Shopee's push body as received (Shopee signs it for the
    partner app, not for us)::

        {"shop_id": 1640619651, "code": 10, "timestamp": 1732788900,
         "data": {"type": "message", "content": {
             "message_id": "2385373076638777713", "conversation_id": "28554413104092054",
             "from_id": 6648342, "from_user_name": "anna_s", "to_id": 1640619651,
             "message_type": "text" | "image" | "order" | "item" | "sticker",
             "content": {"text": "…"} | {"url": "…"} | {"order_sn": "…"} | {"item_id": …},
             "created_timestamp": 1732788896}}}

    Other push codes and the shop's own messages are ignored.
    """
    code = get(payload, "code")
    if code != SHOPEE_WEBCHAT_PUSH:
        return Ignored(f"Push code {str(code)[:20]} is not a chat message.")
    if text(payload, "data.type") not in ("", "message"):
        return Ignored("The push is not a new message.")
    chat = get(payload, "data.content")
    if not isinstance(chat, dict):
        raise MalformedPayload("The field 'data.content' is missing or not an object.")
    sender = text(chat, "from_id", required=True)
    if sender in {text(payload, "shop_id"), request.store_account}:
        return Ignored("The message was sent by the shop.")
    kind = text(chat, "message_type") or "text"
    body, order, notes = "", "", []
    if kind == "text":
        body = text(chat, "content.text", required=True)
    elif kind == "order":
        order = text(chat, "content.order_sn", required=True)
        body = f"[order {order}]"
    elif kind in {"image", "video"}:
        notes = [attachment_note("", kind, text(chat, "content.url", required=True))]
    else:
        body = f"[{kind}] {json.dumps(chat.get('content'), ensure_ascii=False)[:500]}"
    parts = Parts(
        channel="shopee",
        external_id=text(chat, "message_id", required=True),
        thread_id=text(chat, "conversation_id", required=True),
        buyer_id=sender,
        name=text(chat, "from_user_name"),
        order_number=order,
        text=body,
        sent_at=when(chat, "created_timestamp"),
        attachments=tuple(notes),
    )
    return message(parts, request, payload)


def aliexpress(payload: dict[str, Any], request: WebhookRequest) -> InboundMessage | Ignored:
    """AliExpress message-centre messages, with the fields of its message API
    (``queryMsgDetailList`` / the new-message push).

    ::

        {"seller_id": "…", "data": {"channel_id": "…", "msg_id": "…", "sender_login_id": "de1234567abc",
         "sender_name": "Anna S.", "content": "…", "gmt_create": 1732788896000,
         "order_id": "8012345678901234", "file_path": ["https://…"]}}

    ``channel_id`` is the conversation with the buyer; ``gmt_create`` is in milliseconds.
    """
    data = payload.get("data")
    if not isinstance(data, dict):
        raise MalformedPayload("The field 'data' is missing or not an object.")
    sender = text(data, "sender_login_id", required=True)
    if sender in {text(payload, "seller_id"), request.store_account}:
        return Ignored("The message was sent by the seller.")
    parts = Parts(
        channel="aliexpress",
        external_id=text(data, "msg_id", required=True),
        thread_id=text(data, "channel_id", required=True),
        buyer_id=sender,
        name=text(data, "sender_name"),
        order_number=text(data, "order_id"),
        text=text(data, "content"),
        sent_at=when(data, "gmt_create"),
        attachments=tuple(attachment_notes(data.get("file_path"), name="", kind="", url="url")),
    )
    return message(parts, request, payload)

"""Template helpers for the conversation on the ticket page."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from tickets.display import html_for_display
from tickets.models import Message

register = template.Library()


@register.filter
def display_html(message: Message) -> SafeString:
    """The message's sanitised HTML body with inline images served by the attachment view.

    Uses ``message.attachments.all()``, which the conversation selector prefetches.
    """
    if not message.body_html:
        return mark_safe("")
    inline = {
        attachment.content_id: reverse("ticket_attachment", args=[attachment.pk])
        for attachment in message.attachments.all()
        if attachment.content_id
    }
    return mark_safe(html_for_display(message.body_html, inline))  # cleaned by nh3 just now

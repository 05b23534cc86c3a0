"""Template helpers for the conversation on the ticket page."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from tickets.display import html_for_display
from tickets.models import Message
from tickets.services.translation import message_translation_notice

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


@register.simple_tag(takes_context=True)
def translation_notice(context: template.Context, message: Message) -> str:
    """The notice ("No translation is installed for fr→zh.") on a customer's message left
    untranslated for want of a pack; the page's ``ticket`` gives the team's working language."""
    ticket = context.get("ticket")
    if ticket is None or ticket.pk != message.ticket_id:
        return ""
    return message_translation_notice(message=message, ticket=ticket)

"""The e-mail that gives the customer the status link of their return."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from returns.models import ReturnRequest
from returns.portal.links import status_url

logger = logging.getLogger(__name__)


def return_status_link_send_on_commit(*, return_request: ReturnRequest) -> None:
    """After the transaction commits, e-mail the customer their return's status link."""
    return_id = return_request.pk
    transaction.on_commit(lambda: return_status_link_send(return_id=return_id))


def return_status_link_send(*, return_id: int) -> bool:
    """Send the status-link e-mail, from the store's support address. A mail server that is
    down must not undo the return the customer just made: the failure is logged, and the
    decision page shows the same link."""
    return_request = (
        ReturnRequest.objects.select_related("store", "order", "customer").filter(pk=return_id).first()
    )
    if return_request is None:
        return False
    order = return_request.order
    recipient = order.email or (return_request.customer.email if return_request.customer else "")
    if not recipient:
        return False
    store = return_request.store
    language = return_request.customer_language or store.default_language or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "return": return_request,
            "store": store,
            "order": order,
            "status_url": status_url(
                return_id=return_request.pk, rma_number=return_request.rma_number, language=language
            ),
            "link_days": settings.RETURNS_STATUS_LINK_DAYS,
        }
        subject = " ".join(render_to_string("returns/portal/email/status_link_subject.txt", context).split())
        body = render_to_string("returns/portal/email/status_link.txt", context)
    message = EmailMessage(
        subject=subject,
        body=body,
        from_email=store.support_email or settings.DEFAULT_FROM_EMAIL,
        to=[recipient],
        headers={"Auto-Submitted": "auto-generated"},
    )
    try:
        message.send()
    except Exception:  # the return stands; the link is on the page the customer sees now
        logger.exception("status link e-mail for %s could not be sent", return_request.rma_number)
        return False
    return True

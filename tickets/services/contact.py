"""The store's public contact form, fed into the same pipeline as e-mail."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from customers.models import Store
from customers.selectors import order_of_buyer
from tickets.ingest.inbound import InboundAttachment, InboundMessage
from tickets.models import Channel
from tickets.services.acknowledgement import season_acknowledgement
from tickets.services.ingestion import IngestResult, message_ingest
from tickets.services.replies import message_auto_reply


@dataclass(frozen=True)
class ContactSubmission:
    """A contact form as the customer sent it, already validated at the edge."""

    nonce: str  # made when the form was shown: a double submit carries the same one
    name: str
    email: str
    subject: str
    message: str
    order_number: str = ""
    attachments: tuple[InboundAttachment, ...] = ()
    language: str = "en"


def contact_external_id(nonce: str) -> str:
    # Shaped like a Message-ID, so replies' In-Reply-To and References stay valid headers.
    return f"<{nonce}@contact-form.invalid>"


def contact_form_submit(*, store: Store, submission: ContactSubmission) -> IngestResult:
    """Store a contact form as a customer message and confirm it by e-mail (once).

    The order number links the ticket to an order only if the order was placed with
    the same e-mail address; otherwise it is kept in the message text. The customer is
    told the same either way, so the form reveals nothing about other people's orders.
    """
    order = order_of_buyer(store=store, number=submission.order_number, email=submission.email)
    text = submission.message.strip()
    warnings: list[str] = []
    if submission.order_number and order is None:
        text = f"{text}\n\nOrder number given in the form: {submission.order_number}"
        warnings.append(
            f"The order number {submission.order_number!r} matches no order of {submission.email}; "
            "the ticket was not linked to an order."
        )
    result = message_ingest(
        inbound=InboundMessage(
            store_id=store.pk,
            channel=Channel.WEB_FORM,
            external_id=contact_external_id(submission.nonce),
            sender_address=submission.email.strip().lower(),
            sender_name=submission.name,
            subject=submission.subject,
            text=text,
            display_text=text,
            order_number=order.external_id if order is not None else "",
            attachments=submission.attachments,
            warnings=tuple(warnings),
            raw_payload={
                "name": submission.name,
                "email": submission.email,
                "order_number": submission.order_number,
                "subject": submission.subject,
                "message": submission.message,
                "attachments": [item.filename for item in submission.attachments],
                "language": submission.language,
            },
        )
    )
    if not result.duplicate and result.ticket is not None:
        # Holiday mode: a live rule set's acknowledgement template opens the confirmation.
        seasonal = season_acknowledgement(ticket=result.ticket, language=submission.language)
        with translation.override(seasonal.language if seasonal is not None else submission.language):
            message_auto_reply(
                ticket=result.ticket,
                subject=(seasonal.subject if seasonal is not None else "") or _("We received your message"),
                body=_confirmation(
                    store,
                    submission,
                    result.ticket.reference,
                    opening=seasonal.body if seasonal is not None else "",
                ),
            )
    return result


def _confirmation(store: Store, submission: ContactSubmission, reference: str, opening: str = "") -> str:
    greeting = (
        [opening, ""]
        if opening
        else [
            _("Hello %(name)s,") % {"name": submission.name},
            "",
            _("Thank you for contacting %(store)s. We received your message and will answer you by e-mail.")
            % {"store": store.name},
        ]
    )
    lines = [
        *greeting,
        _("Your reference: %(reference)s") % {"reference": reference},
        "",
        _("Your message:"),
        *(f"> {line}" for line in submission.message.strip().splitlines()),
    ]
    if submission.order_number:
        lines += ["", _("Order number: %(number)s") % {"number": submission.order_number}]
    lines += ["", store.name]
    return "\n".join(lines)

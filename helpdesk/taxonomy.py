"""The after-sales taxonomy every part speaks: the intents a customer message can have.

One list for the models (`helpdesk.nlp`), the demo corpus and the tickets app's choices,
so a new intent is added in one place.
"""

from __future__ import annotations

INTENTS: tuple[str, ...] = (
    "where_is_my_order",
    "not_received",
    "damaged_item",
    "wrong_item",
    "missing_item",
    "not_as_described",
    "return_request",
    "refund_status",
    "cancel_order",
    "change_order",
    "customs_duties",
    "product_question",
    "invoice_request",
    "payment_issue",
    "feedback_positive",
    "other",
)

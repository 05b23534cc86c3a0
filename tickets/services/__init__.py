"""Every write to tickets, one module per use-case family."""

from tickets.models import OPEN_STATUSES
from tickets.services.assignment import (
    ASSIGNABLE_STATUSES,
    agent_set_availability,
    team_assign_waiting,
    ticket_auto_assign,
)
from tickets.services.ingestion import (
    IngestResult,
    email_ingest,
    message_ingest,
    message_read_again,
    message_store_unprocessable,
)
from tickets.services.replies import StaleTicket, message_deliver, message_delivery_failed, message_reply
from tickets.services.sla import sla_breach_scan, sla_policy_for, ticket_apply_sla
from tickets.services.status import ALLOWED_STATUS_CHANGES, ticket_assign, ticket_set_status
from tickets.services.translation import (
    message_reply_translated,
    message_translate,
    message_translation_for,
    reply_draft_translate,
)

__all__ = [
    "ALLOWED_STATUS_CHANGES",
    "ASSIGNABLE_STATUSES",
    "OPEN_STATUSES",
    "IngestResult",
    "StaleTicket",
    "agent_set_availability",
    "email_ingest",
    "message_deliver",
    "message_delivery_failed",
    "message_ingest",
    "message_read_again",
    "message_reply",
    "message_reply_translated",
    "message_store_unprocessable",
    "message_translate",
    "message_translation_for",
    "reply_draft_translate",
    "sla_breach_scan",
    "sla_policy_for",
    "team_assign_waiting",
    "ticket_apply_sla",
    "ticket_assign",
    "ticket_auto_assign",
    "ticket_set_status",
]

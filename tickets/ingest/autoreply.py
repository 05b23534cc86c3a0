"""Mail no human wrote: auto-replies, vacation notices, mailing lists, bulk mail and bounces.

Such mail must never open a ticket and never be answered automatically (RFC 3834), or two
autoresponders end up mailing each other forever.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

_VACATION_SUBJECT = re.compile(
    r"^\s*(?:out of (?:the )?office|automatic reply|auto(?:matic)?[- ]?reply|autoreply|auto[- ]?response"
    r"|abwesenheitsnotiz|automatische antwort|réponse automatique|respuesta automática"
    r"|fuera de la oficina|risposta automatica|automatisch antwoord|automatyczna odpowiedź"
    r"|自动回复|自動回覆|自動回复|自動応答|自動返信|자동 회신|자동 응답)",
    re.IGNORECASE,
)
_SUPPRESS_VALUES = {"all", "oof", "autoreply"}
_BULK_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
_DAEMONS = {"mailer-daemon", "postmaster"}


class AutoVerdict(NamedTuple):
    auto_submitted: bool
    bounce: bool
    reason: str


def detect_auto(
    *, header: Callable[[str], str], content_type: str, report_type: str, sender: str, subject: str
) -> AutoVerdict:
    """Judge one message; `header(name)` returns a decoded header value or "" when absent."""
    sender_local = sender.strip().lower().split("@", 1)[0]
    if content_type == "multipart/report" and report_type.strip().lower() == "delivery-status":
        return AutoVerdict(True, True, "delivery status notification")
    if header("x-failed-recipients"):
        return AutoVerdict(True, True, "X-Failed-Recipients")
    if sender_local in _DAEMONS:
        return AutoVerdict(True, True, f"sender is {sender_local.upper()}")
    auto_submitted = header("auto-submitted").strip()
    if auto_submitted and auto_submitted.split(";", 1)[0].strip().lower() != "no":
        return AutoVerdict(True, False, f"Auto-Submitted: {auto_submitted}")
    for name, label in (("x-autoreply", "X-Autoreply"), ("x-autorespond", "X-Autorespond")):
        if header(name):
            return AutoVerdict(True, False, label)
    suppress = header("x-auto-response-suppress")
    if {value.strip().lower() for value in suppress.split(",")} & _SUPPRESS_VALUES:
        return AutoVerdict(True, False, f"X-Auto-Response-Suppress: {suppress.strip()}")
    precedence = header("precedence").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return AutoVerdict(True, False, f"Precedence: {precedence}")
    if header("list-id") or header("list-unsubscribe"):
        return AutoVerdict(True, False, "mailing list")
    if header("return-path").strip() == "<>":
        return AutoVerdict(True, False, "Return-Path: <>")
    if _VACATION_SUBJECT.match(subject):
        return AutoVerdict(True, False, "vacation subject")
    return AutoVerdict(False, False, "")

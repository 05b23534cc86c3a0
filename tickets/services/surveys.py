"""Follow-up surveys: CSAT 7 days and loyalty (NPS) 30 days after a ticket is solved.

* Scheduled when a ticket becomes solved (``ticket_set_status`` calls ``surveys_schedule``), at
  exactly +7 and +30 days, once per ticket and kind (a unique constraint). A store may switch
  either survey off and add a personalised offer to the loyalty survey (``SurveySettings``).
* Cancelled when the ticket is reopened; solved again, a survey that was never sent is
  scheduled again from the new solve (still one row: never sent twice).
* Sent by beat (``surveys_send_due``) in batches, in the customer's language, as an automatic
  message on the ticket through the outbound e-mail path, with one-click rating links and a
  comment page (signed, salted, expiring). On a marketplace or shop channel the invitation goes
  to the buyer through the store's platform connector (``message_deliver`` sends it the platform's
  way) when it can send messages. Never to a customer who opted out, never about a ticket that is
  not solved any more, never on a channel neither e-mail nor a connector reaches.
* Answered through the links: one response per survey (answering again updates it), linked to
  the ticket's agent and team. A low score (CSAT ≤ 2, NPS ≤ 6) reopens a ticket solved less than
  30 days ago; an older one gets an internal note and the team lead an e-mail.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from helpdesk import events
from helpdesk.exceptions import ApplicationError
from helpdesk.signed_links import LinkExpired, LinkInvalid, signed_object_load
from tickets.models import (
    Message,
    Survey,
    SurveyOptOut,
    SurveyResponse,
    SurveySettings,
    Ticket,
    TicketEvent,
)
from tickets.services.platform_delivery import platform_can_message
from tickets.services.replies import EMAIL_CHANNELS, message_auto_reply
from tickets.services.status import ticket_event_record, ticket_set_status
from tickets.survey_texts import survey_language, survey_text

logger = logging.getLogger(__name__)

SURVEY_DELAYS: dict[str, dt.timedelta] = {
    Survey.Kind.CSAT: dt.timedelta(days=7),
    Survey.Kind.NPS: dt.timedelta(days=30),
}
SCORE_RANGES: dict[str, range] = {Survey.Kind.CSAT: range(1, 6), Survey.Kind.NPS: range(11)}
LOW_SCORES: dict[str, int] = {Survey.Kind.CSAT: 2, Survey.Kind.NPS: 6}
# A low score reopens the ticket while the conversation is still fresh; later, a person decides.
REOPEN_WITHIN = dt.timedelta(days=30)
BATCH_SIZE = 200
LINK_SALT = "tickets.survey.link"
LINK_MAX_AGE = dt.timedelta(days=60)
SOLVED_STATUSES = (Ticket.Status.SOLVED, Ticket.Status.CLOSED)


class SurveyLinkExpired(ApplicationError):
    """A genuine survey link that is too old."""


class SurveyLinkInvalid(ApplicationError):
    """A link that was not made here, or was changed."""


@dataclass(frozen=True)
class SurveyAnswer:
    response: SurveyResponse
    low_score_action: str  # "", "reopened" or "lead_alerted"


# --- scheduling -----------------------------------------------------------------------------


def surveys_schedule(*, ticket: Ticket, solved_at: dt.datetime) -> list[Survey]:
    """Schedule the CSAT and loyalty surveys of a ticket that was just solved.

    A survey that exists already is left alone, unless it was cancelled before it was sent
    (the ticket was reopened): then it counts from this solve. Called inside the status change.
    """
    if customer_opted_out(customer_id=ticket.customer_id):
        return []
    store_settings = SurveySettings.objects.filter(store_id=ticket.store_id).first()
    kinds = [
        kind
        for kind, enabled in (
            (Survey.Kind.CSAT, store_settings.csat_enabled if store_settings else True),
            (Survey.Kind.NPS, store_settings.nps_enabled if store_settings else True),
        )
        if enabled
    ]
    scheduled = []
    for kind in kinds:
        send_at = solved_at + SURVEY_DELAYS[kind]
        existing = Survey.objects.select_for_update().filter(ticket=ticket, kind=kind).first()
        if existing is None:
            try:
                with transaction.atomic():
                    survey = Survey.objects.create(ticket=ticket, kind=kind, scheduled_for=send_at)
            except IntegrityError:
                continue  # another process scheduled it at the same moment
            scheduled.append(survey)
        elif existing.status == Survey.Status.CANCELLED and existing.sent_at is None:
            existing.status = Survey.Status.SCHEDULED
            existing.scheduled_for = send_at
            existing.save(update_fields=["status", "scheduled_for"])
            scheduled.append(existing)
    return scheduled


def surveys_cancel(*, ticket: Ticket) -> int:
    """Cancel the surveys of ``ticket`` that were not sent yet (it was reopened)."""
    return Survey.objects.filter(ticket=ticket, status=Survey.Status.SCHEDULED).update(
        status=Survey.Status.CANCELLED
    )


def customer_opted_out(*, customer_id: int) -> bool:
    return SurveyOptOut.objects.filter(customer_id=customer_id).exists()


@transaction.atomic
def customer_survey_opt_out(*, customer: Customer, now: dt.datetime | None = None) -> bool:
    """Stop all surveys to ``customer``; ``False`` when they had opted out already."""
    _opt_out, created = SurveyOptOut.objects.get_or_create(
        customer=customer, defaults={"created_at": now or timezone.now()}
    )
    Survey.objects.filter(ticket__customer=customer, status=Survey.Status.SCHEDULED).update(
        status=Survey.Status.CANCELLED
    )
    return created


# --- sending --------------------------------------------------------------------------------


def surveys_send_due(*, now: dt.datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Send the surveys that are due, a batch per transaction; returns how many were sent.

    Safe to run twice and in parallel: each batch claims its rows with ``SKIP LOCKED`` and a
    survey leaves "scheduled" in the same transaction that queues its message.
    """
    now = now or timezone.now()
    sent = 0
    while True:
        with transaction.atomic():
            batch = list(
                Survey.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(status=Survey.Status.SCHEDULED, scheduled_for__lte=now)
                .select_related("ticket__customer", "ticket__store")
                .order_by("scheduled_for", "pk")[:batch_size]
            )
            for survey in batch:
                sent += _survey_send(survey, now)
        if len(batch) < batch_size:
            return sent


def _survey_send(survey: Survey, now: dt.datetime) -> int:
    ticket = survey.ticket
    customer = ticket.customer
    why_not = ""
    if ticket.status not in SOLVED_STATUSES:
        why_not = "ticket not solved"
    elif customer_opted_out(customer_id=customer.pk):
        why_not = "customer opted out"
    elif not _reachable(ticket, customer):
        why_not = "no e-mail channel and no platform connector that sends messages"
    if why_not:
        survey.status = Survey.Status.CANCELLED
        survey.save(update_fields=["status"])
        logger.info("survey %s of ticket %s not sent: %s", survey.pk, ticket.reference, why_not)
        return 0
    language = ticket.language or customer.language or ticket.store.default_language
    if survey.kind == Survey.Kind.NPS:
        store_settings = SurveySettings.objects.filter(store_id=ticket.store_id).first()
        if store_settings is not None and store_settings.offer:
            survey.offer = _fill(store_settings.offer, name=_customer_name(customer))[:300]
    subject, body = survey_email(survey=survey, language=language)
    message = message_auto_reply(ticket=ticket, subject=subject, body=body)
    Message.objects.filter(pk=message.pk).update(kind=Message.Kind.SURVEY, language=survey_language(language))
    survey.status = Survey.Status.SENT
    survey.sent_at = now
    survey.save(update_fields=["status", "sent_at", "offer"])
    return 1


def _reachable(ticket: Ticket, customer: Customer) -> bool:
    if ticket.channel in EMAIL_CHANNELS:
        return bool(customer.email)
    # A marketplace or shop conversation: the platform's own messaging reaches the buyer.
    return platform_can_message(store=ticket.store, channel=ticket.channel)


def survey_email(*, survey: Survey, language: str) -> tuple[str, str]:
    """The subject and plain-text body of ``survey``'s e-mail in ``language``."""
    ticket = survey.ticket
    text = survey_text(language)
    code = survey_language(language)
    store = ticket.store.name
    name = _customer_name(ticket.customer)
    if survey.kind == Survey.Kind.CSAT:
        subject = _fill(text.csat_subject, store=store)
        question = _fill(text.csat_question, subject=ticket.subject or ticket.reference)
        low, high = text.csat_low, text.csat_high
    else:
        subject = _fill(text.nps_subject, store=store)
        question = _fill(text.nps_question, store=store)
        low, high = text.nps_low, text.nps_high
    scores = list(SCORE_RANGES[survey.kind])
    lines = [_fill(text.greeting, name=name), "", question, ""]
    for score in scores:
        label = f" ({low})" if score == scores[0] else f" ({high})" if score == scores[-1] else ""
        stars = "★" * score if survey.kind == Survey.Kind.CSAT else str(score)
        lines.append(f"{stars}{label}: {survey_link(survey=survey, score=score, language=code)}")
    lines += ["", _fill(text.comment_invite, url=survey_link(survey=survey, language=code))]
    if survey.offer:
        lines += ["", survey.offer]
    lines += ["", store, "", _fill(text.opt_out, url=survey_link(survey=survey, language=code, opt_out=True))]
    return subject, "\n".join(lines) + "\n"


def _fill(template: str, **values: str) -> str:
    # str.format would choke on a manager's stray brace in an offer; replace the known names only.
    for key, value in values.items():
        template = template.replace("{" + key + "}", value)
    return template


def _customer_name(customer: Customer) -> str:
    return customer.display_name or customer.email.partition("@")[0] or _("customer")


# --- links ----------------------------------------------------------------------------------


def survey_token(survey: Survey) -> str:
    return signing.dumps({"s": survey.pk}, salt=LINK_SALT, compress=True)


def survey_link(
    *, survey: Survey, score: int | None = None, language: str = "", opt_out: bool = False
) -> str:
    """The absolute signed URL of the comment page, of a one-click score, or of the opt-out."""
    token = survey_token(survey)
    if opt_out:
        path = reverse("surveys:opt_out", kwargs={"token": token})
    elif score is not None:
        path = reverse("surveys:rate", kwargs={"token": token, "score": score})
    else:
        path = reverse("surveys:answer", kwargs={"token": token})
    query = f"?lang={language}" if language else ""
    return settings.HELPDESK_PUBLIC_URL.rstrip("/") + path + query


def survey_from_token(token: str) -> Survey:
    """The sent survey a link names; raises ``SurveyLinkExpired`` or ``SurveyLinkInvalid``."""
    try:
        data = signed_object_load(token, salt=LINK_SALT, max_age=int(LINK_MAX_AGE.total_seconds()))
    except LinkExpired as error:
        raise SurveyLinkExpired(_("This survey link has expired.")) from error
    except LinkInvalid as error:
        raise SurveyLinkInvalid(_("This survey link does not work.")) from error
    survey_id = data.get("s")
    if not isinstance(survey_id, int) or isinstance(survey_id, bool):
        raise SurveyLinkInvalid(_("This survey link does not work."))
    survey = (
        Survey.objects.select_related("ticket__store", "ticket__customer", "response")
        .filter(pk=survey_id, status__in=(Survey.Status.SENT, Survey.Status.ANSWERED))
        .first()
    )
    if survey is None:
        raise SurveyLinkInvalid(_("This survey link does not work."))
    return survey


# --- answers --------------------------------------------------------------------------------


def survey_answer(
    *, survey: Survey, score: int | None, comment: str | None = None, now: dt.datetime | None = None
) -> SurveyAnswer:
    """Record (or change) the customer's answer to ``survey``: one response per survey.

    ``score=None`` keeps the score given before (a comment alone). A score that turns low acts
    once: answering the same low score again does not reopen or alert again.
    """
    now = now or timezone.now()
    with transaction.atomic():
        survey = Survey.objects.select_for_update(of=("self",)).select_related("ticket").get(pk=survey.pk)
        if survey.status not in (Survey.Status.SENT, Survey.Status.ANSWERED):
            raise ApplicationError(_("This survey is closed."))
        previous = SurveyResponse.objects.filter(survey=survey).first()
        if score is None:
            if previous is None:
                raise ApplicationError(_("Please choose a score."))
            score = previous.score
        if score not in SCORE_RANGES[survey.kind]:
            top = SCORE_RANGES[survey.kind][-1]
            raise ApplicationError(
                _("A score from %(low)s to %(top)s, please.")
                % {"low": SCORE_RANGES[survey.kind][0], "top": top}
            )
        comment = (comment or "").strip()[:5000] if comment is not None else None
        ticket = survey.ticket
        if previous is None:
            response = SurveyResponse(
                survey=survey,
                score=score,
                comment=comment or "",
                agent_id=ticket.assignee_id,
                team_id=ticket.team_id,
                responded_at=now,
            )
            response.full_clean()
            response.save()
            survey.status = Survey.Status.ANSWERED
            survey.save(update_fields=["status"])
        else:
            response = previous
            response.score = score
            if comment is not None:
                response.comment = comment
            response.responded_at = now
            response.save(update_fields=["score", "comment", "responded_at"])
        events.emit("survey.answered", events.survey_payload(response), store_id=ticket.store_id)
        was_low = previous is not None and _is_low(survey.kind, previous.score)
        action = ""
        if _is_low(survey.kind, score) and not was_low:
            action = _low_score_act(survey=survey, ticket=ticket, score=score, now=now)
    return SurveyAnswer(response=response, low_score_action=action)


def _is_low(kind: str, score: int) -> bool:
    return score <= LOW_SCORES[kind]


def _low_score_act(*, survey: Survey, ticket: Ticket, score: int, now: dt.datetime) -> str:
    ticket = Ticket.objects.select_for_update(of=("self",)).select_related("team__lead").get(pk=ticket.pk)
    details = {"survey": survey.kind, "score": score}
    if ticket.status == Ticket.Status.SOLVED and ticket.solved_at and now - ticket.solved_at < REOPEN_WITHIN:
        ticket_set_status(ticket=ticket, status=Ticket.Status.OPEN, actor=None)
        ticket_event_record(ticket, TicketEvent.Kind.ESCALATED, None, reasons=["low_survey_score"], **details)
        return "reopened"
    note = _("The customer gave a low %(kind)s score: %(score)s. The ticket was not reopened (%(why)s).") % {
        "kind": survey.get_kind_display(),
        "score": score,
        "why": _("solved more than 30 days ago") if ticket.status == Ticket.Status.SOLVED else _("closed"),
    }
    Message.objects.create(
        ticket=ticket,
        store_id=ticket.store_id,
        channel=ticket.channel,
        direction=Message.Direction.INTERNAL,
        kind=Message.Kind.SYSTEM,
        sender_name=_("Survey"),
        body_text=note,
        body_display=note,
        triage_status=Message.Triage.SKIPPED,
        created_at=now,
    )
    lead = ticket.team.lead if ticket.team is not None else None
    ticket_event_record(
        ticket,
        TicketEvent.Kind.ESCALATED,
        None,
        reasons=["low_survey_score"],
        lead=lead.pk if lead else None,
        **details,
    )
    if lead is not None and lead.email:
        url = settings.HELPDESK_PUBLIC_URL.rstrip("/") + reverse("tickets:detail", args=[ticket.pk])
        subject = _("Low survey score: [#%(reference)s]") % {"reference": ticket.reference}
        body = f"{note}\n\n{url}\n"
        recipient = lead.email
        # robust: a mail server failure is logged and does not lose the recorded answer.
        transaction.on_commit(lambda: send_mail(subject, body, None, [recipient]), robust=True)
    return "lead_alerted"

"""Follow-up surveys: scheduled at exactly +7 and +30 days after a solve, sent once by the beat
task in the customer's language, never to an opted-out customer or about a reopened ticket;
answers recorded once, and a low score reopens the ticket or alerts the lead."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail

from helpdesk.exceptions import ApplicationError
from helpdesk.schedule import periodic_tasks
from tests.factories import CustomerFactory, SurveyFactory, TicketFactory
from tickets.models import Message, Survey, SurveyOptOut, SurveyResponse, SurveySettings, Ticket, TicketEvent
from tickets.services.status import ticket_set_status
from tickets.services.surveys import customer_survey_opt_out, survey_answer, survey_email
from tickets.services.surveys import surveys_send_due as surveys_send_due_in_batches
from tickets.tasks import surveys_send_due

pytestmark = pytest.mark.django_db

SOLVED_AT = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def ticket(store_eu, team_eu, agent_eu):
    customer = CustomerFactory(display_name="Jonas Weber", email="jonas.weber@example.de", language="de")
    return TicketFactory(
        store=store_eu,
        team=team_eu,
        customer=customer,
        assignee=agent_eu,
        status=Ticket.Status.OPEN,
        subject="Lampe kaputt angekommen",
        language="de",
    )


def solve(ticket: Ticket, at: dt.datetime = SOLVED_AT) -> Ticket:
    with time_machine.travel(at, tick=False):
        return ticket_set_status(ticket=ticket, status=Ticket.Status.SOLVED, actor=None)


def send_due(at: dt.datetime, capture) -> int:
    with time_machine.travel(at, tick=False), capture(execute=True):
        return surveys_send_due()


def links(body: str) -> list[str]:
    return re.findall(r"https?://\S+", body)


def test_solving_schedules_csat_at_exactly_7_days_and_nps_at_exactly_30(ticket):
    solve(ticket)

    scheduled = {survey.kind: survey.scheduled_for for survey in ticket.surveys.all()}
    assert scheduled == {
        Survey.Kind.CSAT: SOLVED_AT + dt.timedelta(days=7),
        Survey.Kind.NPS: SOLVED_AT + dt.timedelta(days=30),
    }


def test_a_survey_is_not_sent_a_second_before_it_is_due(ticket, django_capture_on_commit_callbacks):
    solve(ticket)

    assert send_due(SOLVED_AT + dt.timedelta(days=7, seconds=-1), django_capture_on_commit_callbacks) == 0
    assert send_due(SOLVED_AT + dt.timedelta(days=7), django_capture_on_commit_callbacks) == 1
    assert [email.to for email in mail.outbox] == [["jonas.weber@example.de"]]


def test_csat_goes_out_in_the_customers_language_with_five_signed_one_click_links(
    ticket, django_capture_on_commit_callbacks
):
    solve(ticket)
    send_due(SOLVED_AT + dt.timedelta(days=7), django_capture_on_commit_callbacks)

    [email] = mail.outbox
    assert email.subject.startswith("Wie zufrieden waren Sie?")
    assert "Hallo Jonas Weber," in email.body
    assert "„Lampe kaputt angekommen“" in email.body
    rate_links = [link for link in links(email.body) if "/rate/" in link]
    assert [link.split("/rate/")[1].split("/")[0] for link in rate_links] == ["1", "2", "3", "4", "5"]
    survey = ticket.surveys.get(kind=Survey.Kind.CSAT)
    assert survey.status == Survey.Status.SENT
    assert survey.sent_at == SOLVED_AT + dt.timedelta(days=7)
    message = ticket.messages.get(kind=Message.Kind.SURVEY)
    assert message.direction == Message.Direction.OUTBOUND
    assert message.delivery_status == Message.Delivery.SENT


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "How did we do?"),
        ("zh", "我们的服务如何？"),
        ("zh-hans", "我们的服务如何？"),
        ("de", "Wie zufrieden waren Sie?"),
        ("fr", "Êtes-vous satisfait de notre aide ?"),
        ("es", "¿Qué tal lo hicimos?"),
        ("ja", "サポートはいかがでしたか？"),
        ("pt", "Como foi nosso atendimento?"),  # no text written here: the catalogue's
    ],
)
def test_the_survey_text_follows_the_ticket_language(language, expected):
    survey = SurveyFactory(ticket__language=language)

    subject, _body = survey_email(survey=survey, language=language)

    assert subject == expected


def test_the_nps_survey_has_eleven_scores_and_the_stores_personalised_offer(
    ticket, django_capture_on_commit_callbacks
):
    SurveySettings.objects.create(store=ticket.store, offer="{name}, 10 % Rabatt mit dem Code DANKE10")
    solve(ticket)
    send_due(SOLVED_AT + dt.timedelta(days=30), django_capture_on_commit_callbacks)

    nps_email = next(email for email in mail.outbox if "weiterempfehlen" in email.subject)
    rate_links = [link for link in links(nps_email.body) if "/rate/" in link]
    assert len(rate_links) == 11
    assert "Jonas Weber, 10 % Rabatt mit dem Code DANKE10" in nps_email.body
    csat_email = next(email for email in mail.outbox if email is not nps_email)
    assert "DANKE10" not in csat_email.body  # the offer rides with the loyalty survey only


def test_a_store_can_switch_the_nps_survey_off(ticket):
    SurveySettings.objects.create(store=ticket.store, nps_enabled=False)

    solve(ticket)

    assert list(ticket.surveys.values_list("kind", flat=True)) == [Survey.Kind.CSAT]


def test_solving_twice_after_a_reopen_keeps_one_survey_of_each_kind_counted_from_the_last_solve(
    ticket, django_capture_on_commit_callbacks
):
    solve(ticket)
    with time_machine.travel(SOLVED_AT + dt.timedelta(days=2), tick=False):
        ticket_set_status(ticket=ticket, status=Ticket.Status.OPEN, actor=None)
    solve(ticket, SOLVED_AT + dt.timedelta(days=3))

    assert ticket.surveys.count() == 2
    csat = ticket.surveys.get(kind=Survey.Kind.CSAT)
    assert csat.scheduled_for == SOLVED_AT + dt.timedelta(days=10)
    assert send_due(SOLVED_AT + dt.timedelta(days=10), django_capture_on_commit_callbacks) == 1
    assert send_due(SOLVED_AT + dt.timedelta(days=11), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_a_sent_survey_is_never_sent_again_when_the_ticket_is_solved_again(
    ticket, django_capture_on_commit_callbacks
):
    solve(ticket)
    send_due(SOLVED_AT + dt.timedelta(days=7), django_capture_on_commit_callbacks)
    with time_machine.travel(SOLVED_AT + dt.timedelta(days=8), tick=False):
        ticket_set_status(ticket=ticket, status=Ticket.Status.OPEN, actor=None)
    solve(ticket, SOLVED_AT + dt.timedelta(days=9))

    assert send_due(SOLVED_AT + dt.timedelta(days=16), django_capture_on_commit_callbacks) == 0
    assert len(mail.outbox) == 1


def test_a_reopened_ticket_is_not_surveyed(ticket, django_capture_on_commit_callbacks):
    solve(ticket)
    with time_machine.travel(SOLVED_AT + dt.timedelta(days=1), tick=False):
        ticket_set_status(ticket=ticket, status=Ticket.Status.OPEN, actor=None)

    assert send_due(SOLVED_AT + dt.timedelta(days=31), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []
    assert set(ticket.surveys.values_list("status", flat=True)) == {Survey.Status.CANCELLED}


def test_an_opted_out_customer_is_not_surveyed(ticket, django_capture_on_commit_callbacks):
    SurveyOptOut.objects.create(customer=ticket.customer, created_at=SOLVED_AT)

    solve(ticket)

    assert not ticket.surveys.exists()
    assert send_due(SOLVED_AT + dt.timedelta(days=31), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_opting_out_after_the_solve_cancels_the_surveys_still_waiting(
    ticket, django_capture_on_commit_callbacks
):
    solve(ticket)

    assert customer_survey_opt_out(customer=ticket.customer) is True
    assert customer_survey_opt_out(customer=ticket.customer) is False

    assert send_due(SOLVED_AT + dt.timedelta(days=31), django_capture_on_commit_callbacks) == 0
    assert mail.outbox == []


def test_a_ticket_from_a_marketplace_channel_is_not_surveyed_by_email(
    store_eu, django_capture_on_commit_callbacks
):
    ticket = TicketFactory(store=store_eu, channel="amazon", status=Ticket.Status.OPEN)
    solve(ticket)

    assert send_due(SOLVED_AT + dt.timedelta(days=7), django_capture_on_commit_callbacks) == 0
    assert ticket.surveys.get(kind=Survey.Kind.CSAT).status == Survey.Status.CANCELLED


def test_dispatch_works_through_every_batch(store_eu, django_capture_on_commit_callbacks):
    tickets = [TicketFactory(store=store_eu, status=Ticket.Status.OPEN) for _ in range(5)]
    for each in tickets:
        solve(each)

    with time_machine.travel(SOLVED_AT + dt.timedelta(days=7), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert surveys_send_due_in_batches(batch_size=2) == 5
        assert surveys_send_due_in_batches(batch_size=2) == 0
    assert len(mail.outbox) == 5


def sent_csat(ticket: Ticket, capture) -> Survey:
    solve(ticket)
    send_due(SOLVED_AT + dt.timedelta(days=7), capture)
    return ticket.surveys.get(kind=Survey.Kind.CSAT)


def test_answering_twice_updates_the_one_response_linked_to_agent_and_team(
    ticket, agent_eu, team_eu, django_capture_on_commit_callbacks
):
    survey = sent_csat(ticket, django_capture_on_commit_callbacks)

    survey_answer(survey=survey, score=4)
    survey_answer(survey=survey, score=5, comment="Sehr schnell!")

    response = SurveyResponse.objects.get(survey=survey)
    assert (response.score, response.comment, response.agent, response.team) == (
        5,
        "Sehr schnell!",
        agent_eu,
        team_eu,
    )
    survey.refresh_from_db()
    assert survey.status == Survey.Status.ANSWERED


@pytest.mark.parametrize("score", [0, 6, 11])
def test_a_csat_score_out_of_range_is_refused_and_nothing_is_recorded(
    ticket, score, django_capture_on_commit_callbacks
):
    survey = sent_csat(ticket, django_capture_on_commit_callbacks)

    with pytest.raises(ApplicationError, match="from 1 to 5"):
        survey_answer(survey=survey, score=score)
    assert not SurveyResponse.objects.exists()


def test_a_low_score_a_week_after_the_solve_reopens_the_ticket_once(
    ticket, django_capture_on_commit_callbacks
):
    survey = sent_csat(ticket, django_capture_on_commit_callbacks)

    with time_machine.travel(SOLVED_AT + dt.timedelta(days=7, hours=2), tick=False):
        first = survey_answer(survey=survey, score=1)
        second = survey_answer(survey=survey, score=2, comment="Still broken")

    assert (first.low_score_action, second.low_score_action) == ("reopened", "")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN
    assert ticket.reopened_count == 1
    # Reopened: the loyalty survey waiting for day 30 will not go out.
    assert ticket.surveys.get(kind=Survey.Kind.NPS).status == Survey.Status.CANCELLED


def test_a_low_score_on_a_closed_ticket_adds_a_note_and_mails_the_lead(
    ticket, lead_eu, django_capture_on_commit_callbacks
):
    solve(ticket)
    with time_machine.travel(SOLVED_AT + dt.timedelta(days=5), tick=False):
        ticket_set_status(ticket=ticket, status=Ticket.Status.CLOSED, actor=None)
    send_due(SOLVED_AT + dt.timedelta(days=30), django_capture_on_commit_callbacks)
    nps = ticket.surveys.get(kind=Survey.Kind.NPS)
    mail.outbox.clear()

    with (
        time_machine.travel(SOLVED_AT + dt.timedelta(days=31), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        answer = survey_answer(survey=nps, score=3)

    assert answer.low_score_action == "lead_alerted"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.CLOSED
    note = ticket.messages.get(direction=Message.Direction.INTERNAL)
    assert "3" in note.body_text
    [alert] = mail.outbox
    assert alert.to == [lead_eu.email]
    assert ticket.reference in alert.subject
    assert ticket.events.filter(kind=TicketEvent.Kind.ESCALATED, data__score=3).exists()


def test_a_good_score_changes_nothing_on_the_ticket(ticket, django_capture_on_commit_callbacks):
    survey = sent_csat(ticket, django_capture_on_commit_callbacks)

    answer = survey_answer(survey=survey, score=5)

    assert answer.low_score_action == ""
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.SOLVED


def test_beat_sends_due_surveys_every_ten_minutes():
    [entry] = [entry for entry in periodic_tasks() if entry.task == "tickets.tasks.surveys_send_due"]

    assert entry.every_seconds == 600

"""The customer's survey pages: one click records a score once, the comment page takes a comment,
opting out asks first, and a changed or expired link gets a plain page, never an error."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import signing
from django.utils import timezone

from tickets.models import Survey, SurveyOptOut, SurveyResponse
from tickets.services.surveys import LINK_SALT, survey_link

pytestmark = pytest.mark.django_db


def path_of(url: str) -> str:
    """The address the test client opens for an absolute link of the e-mail."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def test_one_click_records_the_score_once_and_opens_the_comment_page(client, survey):
    url = path_of(survey_link(survey=survey, score=4, language="de"))

    first = client.get(url)
    again = client.get(url)

    assert first.status_code == again.status_code == 302
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    page = client.get(first["Location"])
    assert page.status_code == 200
    assert page["Content-Language"] == "de"
    content = page.content.decode()
    assert "Vielen Dank für Ihre Antwort!" in content
    assert "Ihre Bewertung: 4 von 5" in content
    assert 'name="viewport"' in content


def test_a_second_click_on_another_star_changes_the_score(client, survey):
    client.get(path_of(survey_link(survey=survey, score=2)))
    client.get(path_of(survey_link(survey=survey, score=5)))

    assert list(SurveyResponse.objects.values_list("score", flat=True)) == [5]


def test_the_comment_page_saves_a_comment_without_losing_the_score(client, survey):
    client.get(path_of(survey_link(survey=survey, score=5)))
    url = path_of(survey_link(survey=survey, language="de"))

    response = client.post(url, {"comment": "  Sehr schneller Ersatz, danke!  "})

    assert response.status_code == 200
    assert "Danke, Ihr Kommentar ist beim Team angekommen." in response.content.decode()
    answer = SurveyResponse.objects.get(survey=survey)
    assert (answer.score, answer.comment) == (5, "Sehr schneller Ersatz, danke!")


def test_the_comment_page_takes_a_score_from_someone_without_one(client, survey):
    url = path_of(survey_link(survey=survey, language="en"))

    page = client.get(url)
    assert "How would you rate the help you got" in page.content.decode()
    response = client.post(url, {"score": "3", "comment": "OK"})

    assert response.status_code == 200
    assert SurveyResponse.objects.get(survey=survey).score == 3


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"comment": "no score given"}, "Please choose a score."),
        ({"score": "9", "comment": "kept"}, "A score from 1 to 5, please."),
        ({"score": "many"}, "Enter a whole number."),
        ({"score": "4", "comment": "x" * 5001}, "at most 5000 characters"),
    ],
)
def test_bad_input_on_the_comment_page_is_refused_with_a_reason_and_keeps_the_text(
    client, survey, data, reason
):
    url = path_of(survey_link(survey=survey, language="en"))

    response = client.post(url, data)

    assert response.status_code == 400
    content = response.content.decode()
    assert reason in content
    if data.get("comment") == "kept":
        assert ">kept</textarea>" in content
    assert not SurveyResponse.objects.exists()


def test_a_one_click_score_out_of_range_gets_a_clear_page(client, survey):
    response = client.get(path_of(survey_link(survey=survey, score=7, language="en")))

    assert response.status_code == 400
    assert "A score from 1 to 5, please." in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_tampered_link_gets_a_plain_page(client, survey):
    url = path_of(survey_link(survey=survey, score=5))
    token = url.split("/")[2]
    tampered = url.replace(token, token[:-3] + ("abc" if not token.endswith("abc") else "xyz"))

    response = client.get(tampered)

    assert response.status_code == 404
    assert "This survey link does not work" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_token_signed_for_something_else_is_refused(client, survey):
    foreign = signing.dumps({"s": survey.pk}, salt="logistics.tracking.link", compress=True)

    response = client.get(f"/survey/{foreign}/rate/5/")

    assert response.status_code == 404
    assert not SurveyResponse.objects.exists()


def test_an_expired_link_says_so(client, survey):
    url = path_of(survey_link(survey=survey, score=5))

    with time_machine.travel(timezone.now() + dt.timedelta(days=61)):
        response = client.get(url)

    assert response.status_code == 410
    assert "This survey link has expired" in response.content.decode()
    assert not SurveyResponse.objects.exists()


def test_a_link_to_a_survey_that_was_never_sent_does_not_work(client, survey):
    Survey.objects.filter(pk=survey.pk).update(status=Survey.Status.CANCELLED)

    response = client.get(f"/survey/{signing.dumps({'s': survey.pk}, salt=LINK_SALT, compress=True)}/")

    assert response.status_code == 404


def test_opting_out_asks_first_then_stops_surveys(client, survey):
    url = path_of(survey_link(survey=survey, language="de", opt_out=True))

    page = client.get(url)
    assert page.status_code == 200
    assert "Keine Umfragen mehr von uns erhalten?" in page.content.decode()
    assert not SurveyOptOut.objects.exists()

    done = client.post(url)
    client.post(url)

    assert "Sie erhalten keine Umfragen mehr von uns." in done.content.decode()
    assert SurveyOptOut.objects.filter(customer=survey.ticket.customer).count() == 1


def test_a_made_up_language_in_the_link_falls_back_to_english(client, survey):
    url = path_of(survey_link(survey=survey)) + "?lang=%3Cscript%3E"

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert "<script>" not in response.content.decode()

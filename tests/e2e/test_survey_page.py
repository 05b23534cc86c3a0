"""The customer's survey in a real browser: a star clicked in the e-mail records the score, and the
comment form on the page it opens is accepted (a Referrer-Policy of no-referrer made browsers send
"Origin: null" with it, which the CSRF check refused; Django's test client sends no Origin)."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.e2e.conftest import SERVER_SECRET_KEY
from tickets.models import SurveyResponse
from tickets.services.surveys import survey_link


def on(server, url: str) -> str:
    parts = urlsplit(url)
    return f"{server.url}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def test_a_german_customer_clicks_a_star_in_the_mail_and_leaves_a_comment(recorder, server, survey, settings):
    settings.SECRET_KEY = SERVER_SECRET_KEY  # the links are signed as the server would sign them
    star = survey_link(survey=survey, score=4, language="de")
    page = recorder.page(viewport={"width": 390, "height": 844}, locale="de-DE")

    page.goto(on(server, star))

    assert page.get_attribute("html", "lang") == "de"
    assert page.locator(".survey-score").inner_text() == "Ihre Bewertung: 4 von 5"
    assert page.locator("input[name=score][value='4']").is_checked()
    recorder.shot(page, "score-recorded")

    page.fill("#survey-comment", "Sehr schneller Ersatz, danke!")
    page.click("form.public-form button[type=submit]")
    page.wait_for_selector(".survey-saved")

    assert page.locator(".survey-saved").inner_text() == "Danke, Ihr Kommentar ist beim Team angekommen."
    recorder.shot(page, "comment-saved")
    answer = SurveyResponse.objects.get(survey=survey)
    assert (answer.score, answer.comment) == (4, "Sehr schneller Ersatz, danke!")

"""The survey pages of the shops' customers (``/survey/``): public, no login, opened by a signed link.

A one-click score from the e-mail is recorded and leads to the comment page; the comment page
also takes a score from someone who arrives without one; the opt-out asks before it acts (mail
scanners open links). Expired or changed links get a plain page, never an error. Thin views:
parse, call one service, render.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from helpdesk.exceptions import ApplicationError
from tickets.models import Survey, SurveyResponse
from tickets.services.surveys import (
    SCORE_RANGES,
    SurveyLinkExpired,
    customer_survey_opt_out,
    survey_answer,
    survey_from_token,
)
from tickets.survey_texts import page_language_code, survey_language, survey_text

COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
DEFAULT_COLOUR = "#1f6feb"
COMMENT_MAX_LENGTH = 5000


class SurveyAnswerForm(forms.Form):
    score = forms.IntegerField(required=False, min_value=0, max_value=10)
    comment = forms.CharField(required=False, max_length=COMMENT_MAX_LENGTH, widget=forms.Textarea)


@never_cache
@require_GET
def survey_rate(request: HttpRequest, token: str, score: int) -> HttpResponse:
    """``/survey/<token>/rate/<score>/``: the one-click score from the e-mail, then the comment page."""
    try:
        survey = survey_from_token(token)
    except ApplicationError as error:
        return _link_problem(request, error)
    try:
        survey_answer(survey=survey, score=score)
    except ApplicationError as error:
        return _answer_page(request, survey, token, error=error.message, status=400)
    query = f"?{urlencode({'lang': survey_language(request.GET['lang'])})}" if request.GET.get("lang") else ""
    return redirect(reverse("surveys:answer", kwargs={"token": token}) + query, permanent=False)


@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer_page(request: HttpRequest, token: str) -> HttpResponse:
    """``/survey/<token>/``: the score given and a comment box (or a score picker first)."""
    try:
        survey = survey_from_token(token)
    except ApplicationError as error:
        return _link_problem(request, error)
    if request.method == "GET":
        return _answer_page(request, survey, token)
    form = SurveyAnswerForm(request.POST)
    if not form.is_valid():
        return _answer_page(request, survey, token, form=form, status=400)
    try:
        survey_answer(survey=survey, score=form.cleaned_data["score"], comment=form.cleaned_data["comment"])
    except ApplicationError as error:
        return _answer_page(request, survey, token, form=form, error=error.message, status=400)
    return _answer_page(request, survey, token, saved=True)


@never_cache
@require_http_methods(["GET", "POST"])
def survey_opt_out(request: HttpRequest, token: str) -> HttpResponse:
    """``/survey/<token>/opt-out/``: asks, then stops all surveys to this customer."""
    try:
        survey = survey_from_token(token)
    except ApplicationError as error:
        return _link_problem(request, error)
    done = False
    if request.method == "POST":
        customer_survey_opt_out(customer=survey.ticket.customer)
        done = True
    return _render(request, survey, "tickets/survey/opt_out.html", token=token, done=done)


def _answer_page(
    request: HttpRequest,
    survey: Survey,
    token: str,
    *,
    form: SurveyAnswerForm | None = None,
    error: str = "",
    saved: bool = False,
    status: int = 200,
) -> HttpResponse:
    response = SurveyResponse.objects.filter(survey_id=survey.pk).first()
    form = form or SurveyAnswerForm(initial={"comment": response.comment if response else ""})
    scores = list(SCORE_RANGES[survey.kind])
    return _render(
        request,
        survey,
        "tickets/survey/answer.html",
        status=status,
        token=token,
        form=form,
        answer=response,
        scores=scores,
        top=scores[-1],
        error=error,
        saved=saved,
    )


def _render(
    request: HttpRequest, survey: Survey | None, template: str, *, status: int = 200, **context: Any
) -> HttpResponse:
    wanted = request.GET.get("lang", "")
    fallback = survey.ticket.language or survey.ticket.customer.language if survey else ""
    language = survey_language(wanted or fallback or (survey.ticket.store.default_language if survey else ""))
    store = survey.ticket.store if survey else None
    text = survey_text(language)
    page_language = page_language_code(language)
    your_score = ""
    answer = context.get("answer")
    if answer is not None:
        your_score = text.your_score.replace("{score}", str(answer.score)).replace(
            "{top}", str(context["top"])
        )
    question = ""
    if survey is not None:
        question = (
            text.csat_question.replace("{subject}", survey.ticket.subject or survey.ticket.reference)
            if survey.kind == Survey.Kind.CSAT
            else text.nps_question.replace("{store}", survey.ticket.store.name)
        )
    with translation.override(page_language):
        response = render(
            request,
            template,
            {
                "store": store,
                "survey": survey,
                "brand_color": store.brand_color
                if store is not None and COLOUR.match(store.brand_color or "")
                else DEFAULT_COLOUR,
                "language": page_language,
                "lang": language,
                "text": text,
                "question": question,
                "your_score": your_score,
                **context,
            },
            status=status,
        )
    response.headers["Content-Language"] = page_language
    # The signed token is in the address: it must not leak to a logo host. "same-origin", not
    # "no-referrer": under no-referrer browsers send "Origin: null" with the comment form's POST,
    # which Django's CSRF check refuses (403).
    response.headers["Referrer-Policy"] = "same-origin"
    return response


def _link_problem(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    expired = isinstance(error, SurveyLinkExpired)
    return _render(
        request, None, "tickets/survey/link_problem.html", expired=expired, status=410 if expired else 404
    )

"""The customers' survey pages: public, no login, opened by a signed link (mounted at /survey/)."""

from django.urls import path

from tickets import survey_views

app_name = "surveys"
urlpatterns = [
    path("<str:token>/", survey_views.survey_answer_page, name="answer"),
    path("<str:token>/rate/<int:score>/", survey_views.survey_rate, name="rate"),
    path("<str:token>/opt-out/", survey_views.survey_opt_out, name="opt_out"),
]

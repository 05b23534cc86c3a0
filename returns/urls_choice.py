"""The customer's late-parcel choice, reached by a signed link (public, no login)."""

from django.urls import path

from returns import choice_views

app_name = "compensation"
urlpatterns = [
    path("<str:token>/", choice_views.compensation_choice, name="choice"),
]

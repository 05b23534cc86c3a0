"""Endpoints other systems post messages to (no session, no CSRF: each authenticates itself)."""

from django.urls import path

from tickets import views

app_name = "inbound"
urlpatterns = [
    path("email/<str:token>/", views.inbound_email, name="email"),
]

"""Pages for the shops' customers: no login, a store named by its public key."""

from django.urls import path

from tickets import public_views

app_name = "public"
urlpatterns = [
    path("<str:key>/", public_views.contact, name="contact"),
    path("<str:key>/sent/<str:token>/", public_views.contact_sent, name="contact_sent"),
    path("<str:key>/chat-demo/", public_views.chat_demo, name="chat_demo"),
]

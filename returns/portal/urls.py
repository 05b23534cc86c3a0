"""The public returns portal, mounted at ``/returns/portal/``."""

from django.urls import path

from returns.portal import views

app_name = "returns_portal"
urlpatterns = [
    path("", views.lookup, name="lookup"),
    path("order/", views.order_page, name="order"),
    path("o/<str:token>/", views.order_link, name="order_link"),
    path("s/<str:token>/", views.status, name="status"),
    path("s/<str:token>/label.pdf", views.label, name="label"),
    path("s/<str:token>/cancel/", views.cancel, name="cancel"),
]

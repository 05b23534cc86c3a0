from __future__ import annotations

from django.urls import path

from logistics import views

app_name = "logistics"
urlpatterns = [
    path("", views.shipment_list_view, name="list"),
    path("<int:shipment_id>/", views.shipment_detail, name="detail"),
]

"""The parcel list and the parcel page: parse input, call selectors, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from logistics.models import Shipment, TrackingStatus
from logistics.selectors import ANY_ANOMALY, shipment_get_for_user, shipment_list

PAGE_SIZE = 50


@login_required
def shipment_list_view(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in TrackingStatus.values:
        status = ""
    anomaly = request.GET.get("anomaly", "")
    if anomaly != ANY_ANOMALY and anomaly not in Shipment.Anomaly.values:
        anomaly = ""
    shipments = shipment_list(user=request.user, status=status, anomaly=anomaly)
    page = Paginator(shipments, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "logistics/list.html",
        {
            "page_obj": page,
            "shipments": page.object_list,
            "status": status,
            "anomaly": anomaly,
            "statuses": TrackingStatus.choices,
            "anomalies": [(value, label) for value, label in Shipment.Anomaly.choices if value],
            "any_anomaly": ANY_ANOMALY,
        },
    )


@login_required
def shipment_detail(request: HttpRequest, shipment_id: int) -> HttpResponse:
    try:
        shipment = shipment_get_for_user(user=request.user, shipment_id=shipment_id)
    except Shipment.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "logistics/detail.html",
        {"shipment": shipment, "events": shipment.events.all(), "anomalies": shipment.anomalies.all()},
    )

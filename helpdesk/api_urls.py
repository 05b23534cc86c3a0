"""REST API v1, mounted under /api/v1/: one router for every app's viewsets, the OpenAPI
schema, Swagger UI and Redoc (assets from drf-spectacular-sidecar, served by the app)."""

from __future__ import annotations

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from customers import api as customers_api
from helpdesk.api import seasons as seasons_api
from helpdesk.api import webhooks as webhooks_api
from helpdesk.api.errors import not_found_view
from logistics import api as logistics_api
from returns import api as returns_api
from tickets import api as tickets_api

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("tickets", tickets_api.TicketViewSet, basename="ticket")
router.register(
    r"tickets/(?P<ticket_id>[0-9]{1,18})/messages",
    tickets_api.TicketMessageViewSet,
    basename="ticket-message",
)
router.register("templates", tickets_api.ReplyTemplateViewSet, basename="template")
router.register("survey-results", tickets_api.SurveyResultViewSet, basename="survey-result")
router.register("customers", customers_api.CustomerViewSet, basename="customer")
router.register("orders", customers_api.OrderViewSet, basename="order")
router.register("tags", customers_api.TagViewSet, basename="tag")
router.register("returns", returns_api.ReturnViewSet, basename="return")
router.register("refunds", returns_api.RefundViewSet, basename="refund")
router.register("shipments", logistics_api.ShipmentViewSet, basename="shipment")
router.register(
    r"shipments/(?P<shipment_id>[0-9]{1,18})/events",
    logistics_api.TrackingEventViewSet,
    basename="shipment-event",
)
router.register("seasonal-rule-sets", seasons_api.SeasonalRuleSetViewSet, basename="seasonal-rule-set")
router.register(
    "webhook-subscriptions", webhooks_api.WebhookSubscriptionViewSet, basename="webhook-subscription"
)
router.register(
    r"webhook-subscriptions/(?P<subscription_id>[0-9]{1,18})/deliveries",
    webhooks_api.WebhookDeliveryViewSet,
    basename="webhook-delivery",
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    *router.urls,
    # Anything else under /api/v1/ answers in the API's error format, not an HTML page.
    re_path(r"^[\s\S]*$", not_found_view),
]

"""Commerce webhooks: /webhooks/commerce/shopify/<store key>/, /webhooks/commerce/woocommerce/<store key>/."""

from django.urls import path

from helpdesk.commerce.services import SCHEMES
from helpdesk.commerce.views import commerce_webhook

app_name = "commerce_webhooks"
urlpatterns = [
    path(f"{platform}/<str:key>/", commerce_webhook, {"platform": platform}, name=platform)
    for platform in SCHEMES
]

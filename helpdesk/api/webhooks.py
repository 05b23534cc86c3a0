"""REST API v1 for outbound webhooks: subscriptions (the secret is shown once, on create), their
delivery log, and redelivery. Managers only: a subscription sends customer data to another
system, so an agent's or a team lead's token gets a 403 even with the "webhooks" scope."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from customers.models import Store
from customers.selectors import store_list_for_user
from helpdesk.api.base import ApiViewSet
from helpdesk.api.fields import BooleanFilter, ReadModelSerializer, related_id
from helpdesk.api.permissions import HasRolePermission
from helpdesk.outbound.models import EventType, WebhookDelivery, WebhookSubscription
from helpdesk.outbound.selectors import webhook_deliveries_of, webhook_subscriptions
from helpdesk.outbound.services import (
    webhook_redeliver,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_update,
)

MANAGERS_ONLY = _("Only managers may see or change webhook subscriptions.")


class WebhookSubscriptionSerializer(ReadModelSerializer):
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=EventType.choices))
    stores = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = WebhookSubscription
        fields: tuple[str, ...] = ("id", "name", "url", "event_types", "is_active", "stores", "created_at")
        read_only_fields: tuple[str, ...] = fields


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionSerializer):
    secret = serializers.CharField(
        help_text="Signs every delivery (X-Helpdesk-Signature). Shown only in this response: keep it."
    )

    class Meta(WebhookSubscriptionSerializer.Meta):
        fields = (*WebhookSubscriptionSerializer.Meta.fields, "secret")
        read_only_fields = fields


class WebhookSubscriptionInputSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Empty: the URL's host."
    )
    url = serializers.URLField(
        max_length=500, help_text="An http:// or https:// address events are POSTed to."
    )
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.choices),
        min_length=1,
        max_length=50,
        help_text="The events to send.",
    )
    is_active = serializers.BooleanField(required=False, default=True)
    stores = related_id(
        Store.objects.none(),
        many=True,
        required=False,
        help_text="Only events of these stores; empty: every store.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        queryset = store_list_for_user(user=request.user) if request is not None else Store.objects.none()
        self.fields["stores"].child_relation.queryset = queryset


class WebhookDeliverySerializer(ReadModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = (
            "id",
            "subscription",
            "delivery_id",
            "event_id",
            "event_type",
            "store",
            "status",
            "attempts",
            "last_attempt_at",
            "last_response_code",
            "last_response_body",
            "last_error",
            "next_retry_at",
            "delivered_at",
            "created_at",
            "payload",
        )
        read_only_fields = fields


class WebhookSubscriptionFilter(filters.FilterSet):
    is_active = BooleanFilter()

    class Meta:
        model = WebhookSubscription
        fields: list[str] = []


class WebhookDeliveryFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=WebhookDelivery.Status.choices)
    event_type = filters.ChoiceFilter(choices=EventType.choices)

    class Meta:
        model = WebhookDelivery
        fields: list[str] = []


class ManagersOnly:
    api_area: str | None = "webhooks"
    role_message = MANAGERS_ONLY


@extend_schema_view(
    list=extend_schema(summary="List webhook subscriptions (never their secrets)"),
    retrieve=extend_schema(summary="Get a webhook subscription (never its secret)"),
    destroy=extend_schema(summary="Delete a webhook subscription and its delivery log"),
)
class WebhookSubscriptionViewSet(
    ManagersOnly,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    ApiViewSet,
):
    serializer_class = WebhookSubscriptionSerializer
    filterset_class = WebhookSubscriptionFilter
    ordering_fields = ("id", "name", "created_at")
    permission_classes = [*ApiViewSet.permission_classes, HasRolePermission]
    action_permissions = {
        "create": "helpdesk.add_webhooksubscription",
        "destroy": "helpdesk.delete_webhooksubscription",
        # Agents hold every "view" permission; reading subscriptions is for who may change them.
        "*": "helpdesk.change_webhooksubscription",
    }

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        return webhook_subscriptions()

    @extend_schema(
        summary="Subscribe another system to events; the answer carries the signing secret, once",
        request=WebhookSubscriptionInputSerializer,
        responses={201: WebhookSubscriptionCreatedSerializer},
    )
    def create(self, request: Request) -> Response:
        data = WebhookSubscriptionInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        created = webhook_subscription_create(
            name=values.get("name", ""),
            url=values["url"],
            event_types=values["event_types"],
            is_active=values["is_active"],
            stores=values.get("stores", []),
        )
        subscription = self.get_queryset().get(pk=created.subscription.pk)
        body = {**WebhookSubscriptionSerializer(subscription).data, "secret": created.secret}
        return Response(body, status=status.HTTP_201_CREATED)

    def _update(self, request: Request, *, partial: bool) -> Response:
        subscription = self.get_object()
        data = WebhookSubscriptionInputSerializer(
            data=request.data, partial=partial, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        values = data.validated_data
        webhook_subscription_update(
            subscription=subscription,
            name=values.get("name"),
            url=values.get("url"),
            event_types=values.get("event_types"),
            is_active=values.get("is_active"),
            stores=values.get("stores", None if partial else []),
        )
        return Response(WebhookSubscriptionSerializer(self.get_queryset().get(pk=subscription.pk)).data)

    @extend_schema(
        summary="Replace a webhook subscription's URL, events, stores and state (the secret stays)",
        request=WebhookSubscriptionInputSerializer,
        responses=WebhookSubscriptionSerializer,
    )
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        summary="Change some of a webhook subscription's fields (the secret stays)",
        request=WebhookSubscriptionInputSerializer(partial=True),
        responses=WebhookSubscriptionSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=True)

    def perform_destroy(self, instance: WebhookSubscription) -> None:
        webhook_subscription_delete(subscription=instance)


SUBSCRIPTION_ID = OpenApiParameter(
    "subscription_id", int, OpenApiParameter.PATH, description="The subscription's id."
)


@extend_schema_view(
    list=extend_schema(
        summary="List a subscription's deliveries, newest first", parameters=[SUBSCRIPTION_ID]
    ),
    retrieve=extend_schema(summary="Get one delivery with its payload", parameters=[SUBSCRIPTION_ID]),
)
class WebhookDeliveryViewSet(ManagersOnly, mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """The delivery log: what was sent to the subscriber, how often, and what it answered."""

    serializer_class = WebhookDeliverySerializer
    filterset_class = WebhookDeliveryFilter
    queryset = WebhookDelivery.objects.none()  # the schema's model; requests use get_queryset
    ordering_fields = ("id", "created_at")
    permission_classes = [*ApiViewSet.permission_classes, HasRolePermission]
    action_permissions = {"*": "helpdesk.change_webhooksubscription"}

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        return webhook_deliveries_of(subscription_id=int(self.kwargs["subscription_id"]))

    @extend_schema(
        summary="Send a delivery again (same delivery id, a fresh round of attempts)",
        request=None,
        parameters=[SUBSCRIPTION_ID],
        responses={202: WebhookDeliverySerializer},
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request: Request, subscription_id: str, pk: str) -> Response:
        delivery = self.get_object()
        webhook_redeliver(delivery=delivery)
        delivery.refresh_from_db()
        return Response(WebhookDeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)

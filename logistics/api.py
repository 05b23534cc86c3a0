"""REST API v1 for shipments and their tracking events; adding a parcel to follow."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from customers.models import Order, Store
from customers.selectors import order_visible_to, store_list_for_user
from helpdesk.api.base import ApiViewSet
from helpdesk.api.fields import DateTimeFilter, IdFilter, ReadModelSerializer, SlugReference, related_id
from logistics.models import Carrier, Shipment, TrackingEvent, TrackingStatus
from logistics.selectors import shipment_events_for_api, shipment_get_for_user, shipment_visible_to
from logistics.services.shipments import shipment_add

ADD_SHIPMENT = "logistics.add_shipment"


class TrackingEventSerializer(ReadModelSerializer):
    class Meta:
        model = TrackingEvent
        fields = (
            "id",
            "occurred_at",
            "status",
            "sub_status",
            "raw_status",
            "description",
            "location",
            "country",
            "provider",
            "received_at",
        )
        read_only_fields = fields


class ShipmentSerializer(ReadModelSerializer):
    carrier = serializers.SlugRelatedField(slug_field="code", read_only=True, allow_null=True)
    tracking_url = serializers.CharField(read_only=True)

    class Meta:
        model = Shipment
        fields: tuple[str, ...] = (
            "id",
            "store",
            "order",
            "carrier",
            "tracking_number",
            "tracking_url",
            "direction",
            "status",
            "sub_status",
            "origin_country",
            "destination_country",
            "shipped_at",
            "promised_by",
            "estimated_delivery_at",
            "delivered_at",
            "last_event_at",
            "last_location",
            "anomaly",
            "created_at",
            "updated_at",
        )
        read_only_fields: tuple[str, ...] = fields


class ShipmentDetailSerializer(ShipmentSerializer):
    events = TrackingEventSerializer(many=True, read_only=True)

    class Meta(ShipmentSerializer.Meta):
        fields = (*ShipmentSerializer.Meta.fields, "events")
        read_only_fields = fields


class ShipmentAddSerializer(serializers.Serializer):
    store = related_id(Store.objects.none())
    order = related_id(Order.objects.none(), required=False, allow_null=True, default=None)
    tracking_number = serializers.CharField(max_length=80)
    carrier = SlugReference(
        slug_field="code",
        queryset=Carrier.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="A carrier code; empty: taken from the number's format when it names one carrier.",
    )
    direction = serializers.ChoiceField(
        choices=Shipment.Direction.choices, default=Shipment.Direction.OUTBOUND
    )
    origin_country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, allow_blank=True, default="")
    destination_country = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, allow_blank=True, default=""
    )
    shipped_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    promised_by = serializers.DateField(required=False, allow_null=True, default=None)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["store"].queryset = store_list_for_user(user=request.user)
            self.fields["order"].queryset = order_visible_to(user=request.user)


class ShipmentFilter(filters.FilterSet):
    store = IdFilter(field_name="store_id")
    order = IdFilter(field_name="order_id")
    status = filters.ChoiceFilter(choices=TrackingStatus.choices)
    anomaly = filters.ChoiceFilter(choices=[c for c in Shipment.Anomaly.choices if c[0]])
    direction = filters.ChoiceFilter(choices=Shipment.Direction.choices)
    carrier = filters.CharFilter(field_name="carrier__code")
    tracking_number = filters.CharFilter(field_name="tracking_number", lookup_expr="iexact")
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Shipment
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="List shipments"),
    retrieve=extend_schema(
        summary="Get a shipment with its tracking events", responses=ShipmentDetailSerializer
    ),
)
class ShipmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    api_area = "shipments"
    serializer_class = ShipmentSerializer
    filterset_class = ShipmentFilter
    ordering_fields = ("id", "created_at", "last_event_at")

    def get_queryset(self) -> QuerySet[Shipment]:
        return shipment_visible_to(user=self.request.user).select_related("carrier").order_by("-id")

    def get_object(self) -> Shipment:
        return shipment_get_for_user(user=self.request.user, shipment_id=int(self.kwargs["pk"]))

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return Response(ShipmentDetailSerializer(self.get_object()).data)

    @extend_schema(
        summary="Add a shipment to follow",
        request=ShipmentAddSerializer,
        responses={201: ShipmentDetailSerializer, 200: ShipmentDetailSerializer},
    )
    def create(self, request: Request) -> Response:
        if not request.user.has_perm(ADD_SHIPMENT):
            raise exceptions.PermissionDenied(_("Your role may not add shipments."))
        data = ShipmentAddSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        added = shipment_add(
            store=values["store"],
            order=values["order"],
            tracking_number=values["tracking_number"],
            carrier=values["carrier"],
            direction=values["direction"],
            origin_country=values["origin_country"],
            destination_country=values["destination_country"],
            shipped_at=values["shipped_at"],
            promised_by=values["promised_by"],
        )
        shipment = shipment_get_for_user(user=request.user, shipment_id=added.shipment.pk)
        return Response(
            ShipmentDetailSerializer(shipment).data,
            status=status.HTTP_201_CREATED if added.created else status.HTTP_200_OK,
        )


SHIPMENT_ID = OpenApiParameter("shipment_id", int, OpenApiParameter.PATH, description="The shipment's id.")


@extend_schema_view(
    list=extend_schema(summary="List a shipment's tracking events", parameters=[SHIPMENT_ID]),
    retrieve=extend_schema(summary="Get one tracking event", parameters=[SHIPMENT_ID]),
)
class TrackingEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    """A parcel's checkpoints, in the order they happened."""

    api_area = "shipments"
    serializer_class = TrackingEventSerializer
    queryset = TrackingEvent.objects.none()  # the schema's model; requests use get_queryset
    ordering = ("id",)
    ordering_fields = ("id", "occurred_at")

    def get_queryset(self) -> QuerySet[TrackingEvent]:
        if getattr(self, "swagger_fake_view", False):
            return TrackingEvent.objects.none()
        shipment = shipment_get_for_user(user=self.request.user, shipment_id=int(self.kwargs["shipment_id"]))
        return shipment_events_for_api(shipment=shipment)

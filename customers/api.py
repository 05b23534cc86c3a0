"""REST API v1 for customers, orders (with their lines) and tags: read only, scoped to the
stores the caller may see (a customer counts when they have an order or a ticket there)."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from customers.models import Customer, Order, OrderLine, Tag
from customers.selectors import customer_visible_for_api, order_visible_to, tag_list
from helpdesk.api.base import ApiViewSet
from helpdesk.api.fields import DateTimeFilter, IdFilter, ReadModelSerializer


class CustomerSerializer(ReadModelSerializer):
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Customer
        fields = (
            "id",
            "display_name",
            "email",
            "phone",
            "country",
            "language",
            "timezone",
            "lifetime_value",
            "lifetime_value_currency",
            "orders_count",
            "returns_count",
            "claims_count",
            "first_seen_at",
            "tags",
            "created_at",
        )
        read_only_fields = fields


class OrderLineSerializer(ReadModelSerializer):
    class Meta:
        model = OrderLine
        fields = (
            "id",
            "external_id",
            "product",
            "sku",
            "title",
            "quantity",
            "unit_price",
            "total_paid",
            "refunded_amount",
        )
        read_only_fields = fields


class OrderSerializer(ReadModelSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = (
            "id",
            "store",
            "customer",
            "external_id",
            "status",
            "placed_at",
            "currency",
            "subtotal",
            "shipping_total",
            "tax_total",
            "total",
            "email",
            "shipping_name",
            "shipping_country",
            "shipping_postal_code",
            "is_gift",
            "lines",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields


class TagSerializer(ReadModelSerializer):
    class Meta:
        model = Tag
        fields = ("id", "slug", "name", "kind", "color", "description", "priority_points")
        read_only_fields = fields


class TagFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=Tag.Kind.choices)

    class Meta:
        model = Tag
        fields: list[str] = []


class CustomerFilter(filters.FilterSet):
    email = filters.CharFilter(field_name="email", lookup_expr="iexact")
    country = filters.CharFilter(field_name="country", lookup_expr="iexact")
    language = filters.CharFilter(field_name="language", lookup_expr="iexact")
    tag = filters.CharFilter(field_name="tags__slug", distinct=True)
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Customer
        fields: list[str] = []


class OrderFilter(filters.FilterSet):
    store = IdFilter(field_name="store_id")
    customer = IdFilter(field_name="customer_id")
    status = filters.ChoiceFilter(choices=Order.Status.choices)
    number = filters.CharFilter(field_name="external_id", help_text="The order number.")
    email = filters.CharFilter(field_name="email", lookup_expr="iexact")
    placed_after = DateTimeFilter(field_name="placed_at", lookup_expr="gte")
    placed_before = DateTimeFilter(field_name="placed_at", lookup_expr="lt")

    class Meta:
        model = Order
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="List customers"), retrieve=extend_schema(summary="Get a customer")
)
class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    api_area = "customers"
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ("id", "created_at")

    def get_queryset(self) -> QuerySet[Customer]:
        return customer_visible_for_api(user=self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List orders"), retrieve=extend_schema(summary="Get an order with its lines")
)
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    api_area = "orders"
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    ordering_fields = ("id", "placed_at")

    def get_queryset(self) -> QuerySet[Order]:
        return order_visible_to(user=self.request.user)


@extend_schema_view(list=extend_schema(summary="List tags"), retrieve=extend_schema(summary="Get a tag"))
class TagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    api_area = "tags"
    serializer_class = TagSerializer
    filterset_class = TagFilter
    ordering_fields = ("id", "name")

    def get_queryset(self) -> QuerySet[Tag]:
        return tag_list().order_by("-id")

"""REST API v1 for customers, orders (with their lines) and tags: read only, scoped to the
stores the caller may see (a customer counts when they have an order or a ticket there) —
except the two GDPR / CCPA requests on a customer: export everything, and erase — and tags,
which team leads create and managers change."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from customers import privacy
from customers.models import Customer, Order, OrderLine, Tag
from customers.selectors import customer_visible_for_api, order_visible_to, tag_list
from customers.services import tag_create, tag_update
from helpdesk.api.base import ApiViewSet
from helpdesk.api.fields import DateTimeFilter, IdFilter, ReadModelSerializer
from helpdesk.api.permissions import HasRolePermission


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


class EraseSerializer(serializers.Serializer):
    confirm = serializers.CharField(
        max_length=20, help_text="The customer's id again: a slip cannot erase the wrong person."
    )

    def validate_confirm(self, value: str) -> str:
        customer = self.context["customer"]
        if value.strip().lstrip("#") != str(customer.pk):
            raise serializers.ValidationError(
                _("Type the customer number %(number)s to confirm.") % {"number": customer.pk}
            )
        return value


class ErasureSerializer(serializers.Serializer):
    customer_id = serializers.IntegerField()
    already_erased = serializers.BooleanField(
        help_text="True when an earlier request had erased the customer."
    )
    rows = serializers.DictField(child=serializers.IntegerField(), help_text="Rows changed, per table.")


@extend_schema_view(
    list=extend_schema(summary="List customers"), retrieve=extend_schema(summary="Get a customer")
)
class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    api_area = "customers"
    serializer_class = CustomerSerializer
    filterset_class = CustomerFilter
    ordering_fields = ("id", "created_at")
    # An export hands over everything about a person: a token needs the write scope for it.
    write_actions = ("export",)

    def get_queryset(self) -> QuerySet[Customer]:
        return customer_visible_for_api(user=self.request.user)

    def _check_may_handle_personal_data(self, request: Request) -> None:
        # Both requests hand over or destroy everything about a person: only managers may.
        if not request.user.has_perm(privacy.PRIVACY_PERMISSION):
            raise exceptions.PermissionDenied(_("Only managers may export or erase a customer's data."))

    @extend_schema(
        summary="Export everything about a customer (GDPR / CCPA): a ZIP of JSON and attachments",
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The ZIP archive")
        },
    )
    @action(detail=True, methods=["get"])
    def export(self, request: Request, pk: str) -> FileResponse:
        customer = self.get_object()
        self._check_may_handle_personal_data(request)
        return FileResponse(
            privacy.customer_export_file(customer=customer),
            as_attachment=True,
            filename=f"customer-{customer.pk}-export.zip",
            content_type="application/zip",
        )

    @extend_schema(
        summary="Erase a customer (GDPR / CCPA): personal data anonymised everywhere, aggregates kept",
        request=EraseSerializer,
        responses=ErasureSerializer,
    )
    @action(detail=True, methods=["post"])
    def erase(self, request: Request, pk: str) -> Response:
        customer = self.get_object()
        self._check_may_handle_personal_data(request)
        confirmation = EraseSerializer(data=request.data, context={"customer": customer})
        confirmation.is_valid(raise_exception=True)
        result = privacy.customer_erase(customer=customer, actor=request.user)  # type: ignore[arg-type]
        return Response(
            ErasureSerializer(
                {
                    "customer_id": result.customer_id,
                    "already_erased": result.already_erased,
                    "rows": result.rows,
                }
            ).data
        )


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


class TagCreateSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=60, help_text="Fixed once created: rules and filters use it.")
    name = serializers.CharField(max_length=100)
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False, default="#6e7781")
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    priority_points = serializers.IntegerField(
        min_value=-50, max_value=50, required=False, default=0, help_text="Added to the priority of tickets."
    )


class TagUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", required=False)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True)
    priority_points = serializers.IntegerField(min_value=-50, max_value=50, required=False)


@extend_schema_view(list=extend_schema(summary="List tags"), retrieve=extend_schema(summary="Get a tag"))
class TagViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    api_area = "tags"
    serializer_class = TagSerializer
    filterset_class = TagFilter
    ordering_fields = ("id", "name")
    permission_classes = [*ApiViewSet.permission_classes, HasRolePermission]
    # As in admin: team leads add tags, managers also change them.
    action_permissions = {
        "create": "customers.add_tag",
        "update": "customers.change_tag",
        "partial_update": "customers.change_tag",
    }
    role_message = gettext_lazy("Team leads create tags; only managers change them.")

    def get_queryset(self) -> QuerySet[Tag]:
        return tag_list().order_by("-id")

    @extend_schema(
        summary="Create a (manual) tag", request=TagCreateSerializer, responses={201: TagSerializer}
    )
    def create(self, request: Request) -> Response:
        data = TagCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        tag = tag_create(**data.validated_data)
        return Response(TagSerializer(tag).data, status=status.HTTP_201_CREATED)

    def _update(self, request: Request, *, partial: bool) -> Response:
        tag = self.get_object()
        data = TagUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        tag = tag_update(tag=tag, **data.validated_data)
        return Response(TagSerializer(tag).data)

    @extend_schema(
        summary="Change a tag (its slug stays)", request=TagUpdateSerializer, responses=TagSerializer
    )
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        summary="Change some of a tag's fields (its slug stays)",
        request=TagUpdateSerializer(partial=True),
        responses=TagSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=True)

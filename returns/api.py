"""REST API v1 for returns and refunds.

Opening a return runs the same rules as the portal (``return_request_submit``); approving and
rejecting go through the RMA workflow; a refund goes through the refund ledger, which records
it once per key and never above what was paid.
"""

from __future__ import annotations

import hashlib
import secrets
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from customers.models import Order, OrderLine
from customers.selectors import order_lines, order_visible_to
from helpdesk.api.base import IDEMPOTENCY_HEADER, ApiViewSet, idempotency_owner
from helpdesk.api.fields import DateTimeFilter, IdFilter, ReadModelSerializer, id_field, related_id
from helpdesk.api.schema import IDEMPOTENCY_KEY_SCHEMA
from returns.models import ItemCondition, Refund, Resolution, ReturnLine, ReturnReason, ReturnRequest
from returns.selectors import refund_visible_to, return_get_for_user, return_list_for_api, return_visible_to
from returns.services.refunds import refund_issue
from returns.services.requests import ReturnLineInput, return_request_submit
from returns.services.workflow import return_approve, return_reject

OPEN_RETURN = "returns.add_returnrequest"
DECIDE = "returns.change_returnrequest"
ISSUE_REFUND = "returns.add_refund"


def _request_key(request: Request, *, prefix: str, length: int) -> str | None:
    """A ledger key derived from the caller's Idempotency-Key (their keys never meet another
    caller's), or ``None`` when the request has none."""
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None or not key.strip():
        return None
    digest = hashlib.sha256(f"{idempotency_owner(request)}\0{key.strip()}".encode()).hexdigest()
    return f"{prefix}{digest}"[:length]


def _visible_orders(serializer: serializers.Serializer) -> QuerySet[Order]:
    request = serializer.context.get("request")
    return order_visible_to(user=request.user) if request is not None else Order.objects.none()


# --- serializers --------------------------------------------------------------------------------


class ReturnLineSerializer(ReadModelSerializer):
    class Meta:
        model = ReturnLine
        fields = (
            "id",
            "order_line",
            "quantity",
            "reason",
            "condition",
            "comment",
            "inspection",
            "exchange_for",
            "refund_amount",
            "restocking_fee",
        )
        read_only_fields = fields


class ReturnSerializer(ReadModelSerializer):
    lines = ReturnLineSerializer(many=True, read_only=True)

    class Meta:
        model = ReturnRequest
        fields = (
            "id",
            "rma_number",
            "store",
            "order",
            "customer",
            "ticket",
            "status",
            "resolution",
            "source",
            "decision_reason",
            "customer_pays_shipping",
            "returnless",
            "currency",
            "refund_total",
            "restocking_fee_total",
            "return_shipping_fee",
            "review_due_at",
            "ship_by",
            "return_shipment",
            "lines",
            "requested_at",
            "decided_at",
            "closed_at",
            "updated_at",
        )
        read_only_fields = fields


class ReturnLineInputSerializer(serializers.Serializer):
    order_line = id_field(help_text="The id of a line of the order.")
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    condition = serializers.ChoiceField(choices=ItemCondition.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReturnOpenSerializer(serializers.Serializer):
    order = related_id(Order.objects.none())
    lines = ReturnLineInputSerializer(many=True, allow_empty=False, max_length=100)
    resolution = serializers.ChoiceField(choices=Resolution.choices, default=Resolution.REFUND)
    language = serializers.RegexField(
        r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$",
        max_length=10,
        required=False,
        allow_blank=True,
        default="",
        help_text="The customer's language for the texts, e.g. de; empty: the customer's or the store's.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = _visible_orders(self)


class DecisionSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="", help_text="Required to reject."
    )


class RefundSerializer(ReadModelSerializer):
    class Meta:
        model = Refund
        fields = (
            "id",
            "order",
            "order_line",
            "return_request",
            "amount",
            "bonus_amount",
            "currency",
            "method",
            "status",
            "platform_reference",
            "failure_reason",
            "reason",
            "attempts",
            "created_at",
            "issued_at",
        )
        read_only_fields = fields


class RefundIssueSerializer(serializers.Serializer):
    order = related_id(Order.objects.none())
    order_line = id_field(
        required=False, allow_null=True, default=None, help_text="Refund one line of the order."
    )
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    currency = serializers.RegexField(r"^[A-Z]{3}$", help_text="ISO 4217; must be the order's currency.")
    method = serializers.ChoiceField(
        choices=[(value, label) for value, label in Refund.Method.choices if value != Refund.Method.MANUAL],
        default=Refund.Method.ORIGINAL_PAYMENT,
    )
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["order"].queryset = _visible_orders(self)


# --- filters ------------------------------------------------------------------------------------


class ReturnFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=ReturnRequest.Status.choices)
    store = IdFilter(field_name="store_id")
    order = IdFilter(field_name="order_id")
    source = filters.ChoiceFilter(choices=ReturnRequest.Source.choices)
    rma_number = filters.CharFilter(field_name="rma_number", lookup_expr="iexact")
    requested_after = DateTimeFilter(field_name="requested_at", lookup_expr="gte")
    requested_before = DateTimeFilter(field_name="requested_at", lookup_expr="lt")

    class Meta:
        model = ReturnRequest
        fields: list[str] = []


class RefundFilter(filters.FilterSet):
    order = IdFilter(field_name="order_id")
    return_request = IdFilter(field_name="return_request_id")
    status = filters.ChoiceFilter(choices=Refund.Status.choices)
    method = filters.ChoiceFilter(choices=Refund.Method.choices)
    created_after = DateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = DateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Refund
        fields: list[str] = []


# --- views --------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="List returns"), retrieve=extend_schema(summary="Get a return with its lines")
)
class ReturnViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    api_area = "returns"
    serializer_class = ReturnSerializer
    filterset_class = ReturnFilter
    ordering_fields = ("id", "requested_at")

    def get_queryset(self) -> QuerySet[ReturnRequest]:
        return return_list_for_api(user=self.request.user)

    def get_object(self) -> ReturnRequest:
        return return_get_for_user(user=self.request.user, return_id=int(self.kwargs["pk"]))

    @extend_schema(
        summary="Open a return",
        description="Decided at once by the store's return rules: approved (with a label or a "
        "returnless refund), sent to review, or rejected with the reason.",
        request=ReturnOpenSerializer,
        responses={201: ReturnSerializer, 200: ReturnSerializer},
    )
    def create(self, request: Request) -> Response:
        if not request.user.has_perm(OPEN_RETURN):
            raise exceptions.PermissionDenied(_("Your role may not open returns."))
        data = ReturnOpenSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        order: Order = data.validated_data["order"]
        lines_by_id: dict[int, OrderLine] = {line.pk: line for line in order_lines(order=order)}
        unknown = [
            line["order_line"]
            for line in data.validated_data["lines"]
            if line["order_line"] not in lines_by_id
        ]
        if unknown:
            raise serializers.ValidationError(
                {"lines": [_("Not lines of this order: %(ids)s.") % {"ids": ", ".join(map(str, unknown))}]}
            )
        key = _request_key(request, prefix="api-", length=64) or f"api-{secrets.token_hex(20)}"
        existed = return_visible_to(user=request.user).filter(submission_key=key).exists()
        return_request = return_request_submit(
            order=order,
            lines=[
                ReturnLineInput(
                    order_line=lines_by_id[line["order_line"]],
                    quantity=line["quantity"],
                    reason=line["reason"],
                    condition=line["condition"],
                    comment=line["comment"],
                )
                for line in data.validated_data["lines"]
            ],
            resolution=data.validated_data["resolution"],
            source=ReturnRequest.Source.API,
            submission_key=key,
            actor=request.user,
            language=data.validated_data["language"],
        )
        body = ReturnSerializer(return_get_for_user(user=request.user, return_id=return_request.pk)).data
        return Response(body, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve a return in review", request=DecisionSerializer, responses=ReturnSerializer
    )
    @action(detail=True, methods=["post"], serializer_class=ReturnSerializer)
    def approve(self, request: Request, pk: str) -> Response:
        return self._decide(request, approve=True)

    @extend_schema(
        summary="Reject a return (say why)", request=DecisionSerializer, responses=ReturnSerializer
    )
    @action(detail=True, methods=["post"], serializer_class=ReturnSerializer)
    def reject(self, request: Request, pk: str) -> Response:
        return self._decide(request, approve=False)

    def _decide(self, request: Request, *, approve: bool) -> Response:
        return_request = self.get_object()
        if not request.user.has_perm(DECIDE):
            raise exceptions.PermissionDenied(_("Your role may not decide returns."))
        data = DecisionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        decide = return_approve if approve else return_reject
        decide(return_request=return_request, actor=request.user, note=data.validated_data["note"])
        return Response(ReturnSerializer(self.get_object()).data)


@extend_schema_view(
    list=extend_schema(summary="List refunds (the ledger)"), retrieve=extend_schema(summary="Get a refund")
)
class RefundViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    api_area = "refunds"
    serializer_class = RefundSerializer
    filterset_class = RefundFilter
    ordering_fields = ("id", "created_at")

    def get_queryset(self) -> QuerySet[Refund]:
        return refund_visible_to(user=self.request.user)

    @extend_schema(
        summary="Issue a refund",
        description="Needs an Idempotency-Key header: the same key always means the same refund. "
        "Never more than what is left of what was paid (order, and line when given).",
        request=RefundIssueSerializer,
        responses={201: RefundSerializer, 200: RefundSerializer},
        parameters=[
            OpenApiParameter(
                IDEMPOTENCY_HEADER, IDEMPOTENCY_KEY_SCHEMA, OpenApiParameter.HEADER, required=True
            )
        ],
    )
    def create(self, request: Request) -> Response:
        if not request.user.has_perm(ISSUE_REFUND):
            raise exceptions.PermissionDenied(_("Your role may not issue refunds."))
        key = _request_key(request, prefix="api:", length=100)
        if key is None:
            raise exceptions.ValidationError(
                {
                    IDEMPOTENCY_HEADER: [
                        _("A refund needs an Idempotency-Key header, so a retry never pays twice.")
                    ]
                }
            )
        data = RefundIssueSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        order: Order = data.validated_data["order"]
        order_line = None
        if data.validated_data["order_line"] is not None:
            order_line = order_lines(order=order).filter(pk=data.validated_data["order_line"]).first()
            if order_line is None:
                raise serializers.ValidationError({"order_line": [_("Not a line of this order.")]})
        existed = refund_visible_to(user=request.user).filter(idempotency_key=key).exists()
        refund = refund_issue(
            order=order,
            order_line=order_line,
            amount=data.validated_data["amount"],
            currency=data.validated_data["currency"],
            method=data.validated_data["method"],
            idempotency_key=key,
            actor=request.user,
            reason=data.validated_data["reason"],
        )
        return Response(
            RefundSerializer(refund).data, status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

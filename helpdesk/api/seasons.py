"""REST API v1 for seasonal rule sets (holiday mode): managers create and change them, and switch
a phase by hand, through the same season services as admin and the scheduled swap (a rule set's
phase is never written directly)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from customers.models import Store
from customers.selectors import store_list_for_user
from helpdesk.api.base import ApiViewSet
from helpdesk.api.fields import BooleanFilter, ReadModelSerializer, related_id
from helpdesk.api.permissions import HasRolePermission
from helpdesk.api.selectors import rule_sets_for_api
from helpdesk.models import SeasonalRuleSet
from helpdesk.seasons import KEEP_PHASE, rule_set_create, rule_set_switch, rule_set_update


class SeasonalRuleSetSerializer(ReadModelSerializer):
    stores = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = SeasonalRuleSet
        fields = (
            "id",
            "name",
            "slug",
            "kind",
            "markets",
            "stores",
            "timezone",
            "prepare_from",
            "peak_from",
            "peak_until",
            "review_until",
            "overrides",
            "is_enabled",
            "phase",
            "phase_changed_at",
            "manual_phase",
        )
        read_only_fields = fields


class SeasonalRuleSetUpdateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=SeasonalRuleSet.Kind.choices)
    markets = serializers.ListField(
        child=serializers.RegexField(r"^[A-Za-z]{2}$"),
        required=False,
        default=list,
        max_length=250,
        help_text='ISO country codes, e.g. ["US", "GB"]; empty: every market.',
    )
    stores = related_id(Store.objects.none(), many=True, required=False, help_text="Empty: every store.")
    timezone = serializers.CharField(
        max_length=64, required=False, default="UTC", help_text="The market's, e.g. America/New_York."
    )
    prepare_from = serializers.DateTimeField()
    peak_from = serializers.DateTimeField()
    peak_until = serializers.DateTimeField()
    review_until = serializers.DateTimeField()
    overrides = serializers.DictField(
        child=serializers.DictField(),
        required=False,
        default=dict,
        help_text='Per phase, e.g. {"during": {"sla_factor": 1.5}} (keys as in admin\'s help).',
    )
    is_enabled = serializers.BooleanField(required=False, default=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        queryset = store_list_for_user(user=request.user) if request is not None else Store.objects.none()
        self.fields["stores"].child_relation.queryset = queryset


class SeasonalRuleSetCreateSerializer(SeasonalRuleSetUpdateSerializer):
    slug = serializers.SlugField(max_length=80, help_text="Fixed once created.")


PHASES = [(KEEP_PHASE, "Back on its schedule"), *SeasonalRuleSet.Phase.choices]


class PhaseSerializer(serializers.Serializer):
    phase = serializers.ChoiceField(
        choices=PHASES,
        help_text="A phase, held against the schedule until set back to “scheduled”.",
    )


class SeasonalRuleSetFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(choices=SeasonalRuleSet.Kind.choices)
    phase = filters.ChoiceFilter(choices=SeasonalRuleSet.Phase.choices)
    is_enabled = BooleanFilter()

    class Meta:
        model = SeasonalRuleSet
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(summary="List seasonal rule sets"),
    retrieve=extend_schema(summary="Get a seasonal rule set"),
)
class SeasonalRuleSetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    api_area = "seasons"
    serializer_class = SeasonalRuleSetSerializer
    filterset_class = SeasonalRuleSetFilter
    ordering_fields = ("id", "peak_from")
    permission_classes = [*ApiViewSet.permission_classes, HasRolePermission]
    action_permissions = {
        "create": "helpdesk.add_seasonalruleset",
        "update": "helpdesk.change_seasonalruleset",
        "partial_update": "helpdesk.change_seasonalruleset",
        "phase": "helpdesk.activate_seasonalruleset",
    }
    role_message = _("Only managers may change seasonal rule sets.")

    def get_queryset(self) -> QuerySet[SeasonalRuleSet]:
        return rule_sets_for_api()

    @extend_schema(
        summary="Create a seasonal rule set (it takes the phase its dates give now)",
        request=SeasonalRuleSetCreateSerializer,
        responses={201: SeasonalRuleSetSerializer},
    )
    def create(self, request: Request) -> Response:
        data = SeasonalRuleSetCreateSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        rule_set = rule_set_create(
            actor=request.user,
            stores=values.pop("stores", []),
            time_zone=values.pop("timezone"),
            **values,
        )
        return Response(
            SeasonalRuleSetSerializer(self.get_queryset().get(pk=rule_set.pk)).data,
            status=status.HTTP_201_CREATED,
        )

    def _update(self, request: Request, *, partial: bool) -> Response:
        rule_set = self.get_object()
        data = SeasonalRuleSetUpdateSerializer(
            data=request.data, partial=partial, context={"request": request}
        )
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        stores = changes.pop("stores", None if partial else [])
        rule_set_update(rule_set=rule_set, actor=request.user, changes=changes, stores=stores)
        return Response(SeasonalRuleSetSerializer(self.get_queryset().get(pk=rule_set.pk)).data)

    @extend_schema(
        summary="Replace a seasonal rule set's settings (its slug and phase stay; see …/phase/)",
        request=SeasonalRuleSetUpdateSerializer,
        responses=SeasonalRuleSetSerializer,
    )
    def update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=False)

    @extend_schema(
        summary="Change some of a seasonal rule set's settings",
        request=SeasonalRuleSetUpdateSerializer(partial=True),
        responses=SeasonalRuleSetSerializer,
    )
    def partial_update(self, request: Request, pk: str) -> Response:
        return self._update(request, partial=True)

    @extend_schema(
        summary="Switch a rule set's phase by hand, or put it back on its schedule",
        request=PhaseSerializer,
        responses=SeasonalRuleSetSerializer,
    )
    @action(detail=True, methods=["post"])
    def phase(self, request: Request, pk: str) -> Response:
        rule_set = self.get_object()
        data = PhaseSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rule_set_switch(rule_set=rule_set, phase=data.validated_data["phase"], actor=request.user)
        return Response(SeasonalRuleSetSerializer(self.get_queryset().get(pk=rule_set.pk)).data)

"""REST API v1 for seasonal rule sets (holiday mode): read only; managers edit them in admin."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers

from helpdesk.api.base import ApiViewSet
from helpdesk.api.fields import BooleanFilter, ReadModelSerializer
from helpdesk.api.selectors import rule_sets_for_api
from helpdesk.models import SeasonalRuleSet


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

    def get_queryset(self) -> QuerySet[SeasonalRuleSet]:
        return rule_sets_for_api()

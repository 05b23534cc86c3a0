"""Reads of the helpdesk app's own models for the API."""

from __future__ import annotations

from django.db.models import QuerySet

from helpdesk.models import SeasonalRuleSet


def rule_sets_for_api() -> QuerySet[SeasonalRuleSet]:
    """Every seasonal rule set (they configure the whole helpdesk, not one store's data)."""
    return SeasonalRuleSet.objects.prefetch_related("stores").order_by("-id")

"""The report's windows (peak, season, normal weeks), its scope, and which seasons a viewer sees."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from analytics.filters import DashboardFilters
from helpdesk.access import ALL_STORES, Viewer, visible_store_ids
from helpdesk.models import SeasonalRuleSet

# How far back "normal weeks" reach before the season's prepare phase.
NORMAL_WEEKS = 8


@dataclass(frozen=True)
class Window:
    """One or more half-open spans of time [start, end)."""

    spans: tuple[tuple[dt.datetime, dt.datetime], ...]

    @classmethod
    def between(cls, start: dt.datetime, end: dt.datetime) -> Window:
        return cls(((start, end),))

    @property
    def days(self) -> float:
        return sum((end - start).total_seconds() for start, end in self.spans) / 86400

    @property
    def is_empty(self) -> bool:
        return self.days <= 0

    def q(self, field_name: str) -> Q:
        condition = Q(pk__in=[])
        for start, end in self.spans:
            condition |= Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})
        return condition


def normal_window(rule_set: SeasonalRuleSet, *, weeks: int = NORMAL_WEEKS) -> Window:
    """The ``weeks`` before the prepare phase, minus every day inside any rule set."""
    start, end = rule_set.prepare_from - dt.timedelta(weeks=weeks), rule_set.prepare_from
    busy = sorted(
        SeasonalRuleSet.objects.filter(prepare_from__lt=end, review_until__gt=start).values_list(
            "prepare_from", "review_until"
        )
    )
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    cursor = start
    for busy_start, busy_end in busy:
        if busy_start > cursor:
            spans.append((cursor, min(busy_start, end)))
        cursor = max(cursor, busy_end)
        if cursor >= end:
            break
    if cursor < end:
        spans.append((cursor, end))
    return Window(tuple(span for span in spans if span[1] > span[0]))


def season_filters(user: Viewer, rule_set: SeasonalRuleSet) -> DashboardFilters:
    """The shared filters narrowed to the rule set's stores and markets, over its whole season.

    The report's queries pass ``date=None`` and choose their own window (peak, season, normal
    weeks); the dates here are for CSV file names."""
    return DashboardFilters(
        user=user,
        start=timezone.localdate(rule_set.prepare_from),
        end=timezone.localdate(rule_set.review_until - dt.timedelta(microseconds=1)),
        rule_set_id=rule_set.pk,
        rule_set_store_ids=tuple(store.pk for store in rule_set.stores.all()),
        rule_set_markets=tuple(str(market).upper() for market in (rule_set.markets or [])),
    )


def rule_set_visible_to(user: Viewer, rule_set: SeasonalRuleSet) -> bool:
    """A rule set for every store is everyone's; one for some stores, of who sees one of them."""
    visible = visible_store_ids(user)
    if visible is ALL_STORES:
        return True
    store_ids = {store.pk for store in rule_set.stores.all()}
    return not store_ids or bool(store_ids & visible)


def is_finished(rule_set: SeasonalRuleSet, *, now: dt.datetime | None = None) -> bool:
    return rule_set.review_until <= (now or timezone.now())


@dataclass(frozen=True)
class SeasonEntry:
    rule_set: SeasonalRuleSet
    finished: bool


def season_list(*, user: Viewer, now: dt.datetime | None = None) -> list[SeasonEntry]:
    """Every rule set the viewer may see, newest peak first, each marked finished or not."""
    rule_sets = SeasonalRuleSet.objects.prefetch_related("stores").order_by("-peak_from")
    return [
        SeasonEntry(rule_set, is_finished(rule_set, now=now))
        for rule_set in rule_sets
        if rule_set_visible_to(user, rule_set)
    ]


def season_get_for_user(*, user: Viewer, rule_set_id: int) -> SeasonalRuleSet | None:
    rule_set = SeasonalRuleSet.objects.prefetch_related("stores").filter(pk=rule_set_id).first()
    if rule_set is None or not rule_set_visible_to(user, rule_set):
        return None
    return rule_set


def previous_season(rule_set: SeasonalRuleSet) -> SeasonalRuleSet | None:
    """The latest rule set of the same kind whose peak ended before this one's began."""
    return (
        SeasonalRuleSet.objects.prefetch_related("stores")
        .filter(kind=rule_set.kind, peak_until__lte=rule_set.peak_from)
        .exclude(pk=rule_set.pk)
        .order_by("-peak_until", "-pk")
        .first()
    )

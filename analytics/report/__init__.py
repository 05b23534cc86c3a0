"""The post-holiday report: how a finished seasonal rule set went, in numbers.

A season is compared twice: with the previous season of the same kind (its peak) and with
"normal weeks" — the ``NORMAL_WEEKS`` weeks before the season's prepare phase, leaving out
any day inside a rule set (a Singles' Day just before Black Friday is no normal week). The
normal figures are per day, so a normal window shortened by another season still compares.

Every figure is scoped to the rule set (its stores and markets; empty = all) and to the
viewer's stores. Tickets the system opened itself about a parcel (proactive notices) are not
customer contacts: they are counted apart and left out of volume, response and intent figures.
The package: ``windows`` (peak, season, normal weeks; which seasons a viewer sees), ``figures``
(one period), ``tops`` (intents, products, lanes, money), this module (the report and its
cache), ``rules`` (recommendations), ``page`` (the page as a ``Dashboard``) and ``pdf``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone, translation

from analytics.report.figures import (
    PeriodFigures,
    Spread,
    customer_tickets,
    period_figures,
    ratio,
    tickets_per_day,
)
from analytics.report.tops import (
    CompensationRow,
    IntentRow,
    LaneRow,
    ProductRow,
    RefundRow,
    compensation_rows,
    intent_rows,
    lane_rows,
    product_rows,
    refund_rows,
)
from analytics.report.windows import (
    NORMAL_WEEKS,
    SeasonEntry,
    Window,
    is_finished,
    normal_window,
    previous_season,
    rule_set_visible_to,
    season_filters,
    season_get_for_user,
    season_list,
)
from helpdesk.access import ALL_STORES, Viewer, visible_store_ids
from helpdesk.models import SeasonalRuleSet

if TYPE_CHECKING:
    from analytics.report.rules import Recommendation

__all__ = [
    "FINISHED_REPORT_SECONDS",
    "NORMAL_WEEKS",
    "CompensationRow",
    "IntentRow",
    "LaneRow",
    "PeriodFigures",
    "ProductRow",
    "RefundRow",
    "SeasonEntry",
    "SeasonReport",
    "Spread",
    "Window",
    "customer_tickets",
    "is_finished",
    "normal_window",
    "rule_set_visible_to",
    "season_days",
    "season_filters",
    "season_get_for_user",
    "season_list",
    "season_report",
    "season_report_cached",
    "season_report_key",
]

# A season still running or in review: its report is kept this long (seconds), and any new row
# or ticket change computes it afresh.
REPORT_CACHE_SECONDS = 15 * 60
# A finished season's figures no longer move (its tickets are solved, its refunds paid): the
# report is kept this long, built ahead by beat, and recomputed on request ("Recompute").
FINISHED_REPORT_SECONDS = 40 * 24 * 3600
REPORT_CACHE_VERSION = 2


@dataclass
class SeasonReport:
    rule_set: SeasonalRuleSet
    during_window: Window
    season_window: Window
    normal_window: Window
    during: PeriodFigures
    season: PeriodFigures
    normal: PeriodFigures | None  # None: every normal week lay inside another rule set
    previous_rule_set: SeasonalRuleSet | None
    previous: PeriodFigures | None  # the previous season's peak
    per_day: dict[dt.date, int]
    intents: list[IntentRow]
    products: list[ProductRow]
    lanes: list[LaneRow]
    refunds: list[RefundRow]
    compensation: list[CompensationRow]
    recommendations: list[Recommendation] = field(default_factory=list)
    computed_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def has_data(self) -> bool:
        return self.season.has_data or bool(self.lanes or self.refunds or self.compensation)

    @property
    def volume_multiple(self) -> float | None:
        """Customer tickets per day at the peak over per day in normal weeks."""
        return ratio(self.during.per_day, self.normal.per_day if self.normal else None)

    @property
    def season_volume_multiple(self) -> float | None:
        return ratio(self.season.per_day, self.normal.per_day if self.normal else None)

    @property
    def volume_vs_previous(self) -> float | None:
        """Peak tickets per day over the previous season's peak per day."""
        return ratio(self.during.per_day, self.previous.per_day if self.previous else None)

    @property
    def first_response_p90_multiple(self) -> float | None:
        return ratio(self.during.first_response.p90, self.normal.first_response.p90 if self.normal else None)


def season_report(*, user: Viewer, rule_set: SeasonalRuleSet) -> SeasonReport:
    """Every figure of the report for ``rule_set`` as ``user`` may see it, and the recommendations."""
    from analytics.report.rules import recommendations_for

    scope = season_filters(user, rule_set)
    during_window = Window.between(rule_set.peak_from, rule_set.peak_until)
    season_window = Window.between(rule_set.prepare_from, rule_set.review_until)
    normal = normal_window(rule_set)
    during = period_figures(scope, during_window)
    previous_rule_set = previous_season(rule_set)
    previous = None
    if previous_rule_set is not None:
        previous = period_figures(
            season_filters(user, previous_rule_set),
            Window.between(previous_rule_set.peak_from, previous_rule_set.peak_until),
        )
    normal_figures = None if normal.is_empty else period_figures(scope, normal)
    report = SeasonReport(
        rule_set=rule_set,
        during_window=during_window,
        season_window=season_window,
        normal_window=normal,
        during=during,
        season=period_figures(scope, season_window),
        normal=normal_figures,
        previous_rule_set=previous_rule_set,
        previous=previous,
        per_day=tickets_per_day(scope, season_window),
        intents=intent_rows(during, normal_figures),
        products=product_rows(scope, season_window),
        lanes=lane_rows(scope, during_window),
        refunds=refund_rows(scope, season_window),
        compensation=compensation_rows(scope, season_window),
    )
    report.recommendations = recommendations_for(report)
    return report


def _data_fingerprint() -> list[str]:
    """What changes when the report's data does, from cheap index lookups: the newest row of each
    table the report reads, the latest ticket change, and when this database was migrated (a
    rebuilt database, e.g. a new test run, never reads an older one's report)."""
    from django.db.migrations.recorder import MigrationRecorder

    from customers.models import OrderLine
    from logistics.models import LaneStatistic, Shipment
    from returns.models import CompensationOffer, Refund, ReturnLine, ReturnRequest
    from tickets.models import SurveyResponse, Ticket

    newest = [
        model.objects.aggregate(newest=Max("pk"))["newest"]
        for model in (
            OrderLine,
            ReturnRequest,
            ReturnLine,
            Refund,
            CompensationOffer,
            Shipment,
            SurveyResponse,
        )
    ]
    tickets = Ticket.objects.aggregate(newest=Max("pk"), changed=Max("updated_at"))
    lanes = LaneStatistic.objects.aggregate(computed=Max("computed_at"))
    rule_sets = SeasonalRuleSet.objects.aggregate(newest=Max("pk"))  # a new season reshapes normal weeks
    migrated = MigrationRecorder.Migration.objects.aggregate(at=Max("applied"))
    return [
        str(value)
        for value in (
            *newest,
            tickets["newest"],
            tickets["changed"],
            lanes["computed"],
            rule_sets["newest"],
            migrated["at"],
        )
    ]


def season_report_cached(*, user: Viewer, rule_set: SeasonalRuleSet, recompute: bool = False) -> SeasonReport:
    """``season_report`` kept in the cache: the page, its CSVs and the PDF are one computation.

    The key holds everything the figures depend on: the rule set's own settings, the viewer's
    stores, language and time zone, and — while the season is not over — the data's fingerprint
    (kept ``REPORT_CACHE_SECONDS``). A finished season's report is kept
    ``FINISHED_REPORT_SECONDS`` whatever changes later; ``recompute`` builds it afresh."""
    key = season_report_key(rule_set=rule_set, visible=visible_store_ids(user))
    report: SeasonReport | None = None if recompute else cache.get(key)
    if report is None:
        report = season_report(user=user, rule_set=rule_set)
        cache.set(key, report, FINISHED_REPORT_SECONDS if is_finished(rule_set) else REPORT_CACHE_SECONDS)
    return report


def season_report_key(*, rule_set: SeasonalRuleSet, visible: frozenset[int] | None) -> str:
    """The cache key of ``rule_set``'s report for a viewer of ``visible`` stores, in the active
    language and time zone."""
    parts = [
        str(rule_set.pk),
        rule_set.kind,
        *(
            value.isoformat()
            for value in (
                rule_set.prepare_from,
                rule_set.peak_from,
                rule_set.peak_until,
                rule_set.review_until,
            )
        ),
        ",".join(sorted(str(market) for market in rule_set.markets or [])),
        ",".join(sorted(str(store.pk) for store in rule_set.stores.all())),
        "all" if visible is ALL_STORES else ",".join(str(pk) for pk in sorted(visible)),
        translation.get_language() or "",
        timezone.get_current_timezone_name(),
        *(_finished_fingerprint() if is_finished(rule_set) else _data_fingerprint()),
    ]
    return f"analytics:season-report:{REPORT_CACHE_VERSION}:{hashlib.sha256('|'.join(parts).encode()).hexdigest()}"


def _finished_fingerprint() -> list[str]:
    """A finished season's report changes only with the database itself (rebuilt, migrated) and
    with the seasons around it (a new season reshapes "normal weeks" and "previous season")."""
    from django.db.migrations.recorder import MigrationRecorder

    rule_sets = SeasonalRuleSet.objects.aggregate(newest=Max("pk"))
    migrated = MigrationRecorder.Migration.objects.aggregate(at=Max("applied"))
    return [str(rule_sets["newest"]), str(migrated["at"])]


def season_days(report: SeasonReport) -> Iterable[dt.date]:
    """Each day of the season in the viewer's time zone (for the per-day chart)."""
    tz = timezone.get_current_timezone()
    first = timezone.localtime(report.rule_set.prepare_from, tz).date()
    last = timezone.localtime(report.rule_set.review_until - dt.timedelta(microseconds=1), tz).date()
    return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]

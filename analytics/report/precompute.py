"""Finished seasons' reports built ahead, so the first manager to open one does not wait.

A report over a million tickets takes 15–25 s to compute; beat builds each finished season's
report once, as a viewer of every store sees it, in each shipped language in the site's time
zone — the key a manager with all stores reads. Other viewers (agents' leads with some stores,
another time zone) still compute theirs on first view, and it is then kept like this one.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache
from django.utils import timezone, translation

from analytics.report import FINISHED_REPORT_SECONDS, season_report, season_report_key
from helpdesk.access import ALL_STORES
from helpdesk.models import SeasonalRuleSet

logger = logging.getLogger(__name__)

# The languages the staff pages ship in (the other catalogues hold the customer-facing strings).
STAFF_LANGUAGES = ("en", "zh-hans")


def _every_store_viewer() -> User:
    """An unsaved active superuser: sees every store, as the managers the report is built for."""
    return User(username="season-report", is_active=True, is_superuser=True)


def season_reports_precompute(*, now: dt.datetime | None = None) -> int:
    """Build the reports of finished seasons not in the cache yet; returns how many were built."""
    viewer = _every_store_viewer()
    built = 0
    finished = SeasonalRuleSet.objects.filter(review_until__lte=now or timezone.now()).prefetch_related(
        "stores"
    )
    for rule_set in finished.order_by("-review_until"):
        for language in STAFF_LANGUAGES:
            with translation.override(language), timezone.override(settings.TIME_ZONE):
                key = season_report_key(rule_set=rule_set, visible=ALL_STORES)
                if cache.get(key) is not None:
                    continue
                cache.set(key, season_report(user=viewer, rule_set=rule_set), FINISHED_REPORT_SECONDS)
                built += 1
                logger.info("season report built ahead: %s (%s)", rule_set.slug, language)
    return built

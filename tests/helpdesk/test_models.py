"""A seasonal rule set's phases run in calendar order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from tests.factories import SeasonalRuleSetFactory

pytestmark = pytest.mark.django_db

PREPARE = datetime(2025, 11, 10, 5, 0, tzinfo=UTC)
PEAK = datetime(2025, 11, 28, 5, 0, tzinfo=UTC)
PEAK_END = datetime(2025, 12, 2, 5, 0, tzinfo=UTC)
REVIEW_END = datetime(2025, 12, 20, 5, 0, tzinfo=UTC)


def test_a_rule_set_with_its_phases_in_order_is_saved():
    rule_set = SeasonalRuleSetFactory(
        prepare_from=PREPARE, peak_from=PEAK, peak_until=PEAK_END, review_until=REVIEW_END
    )

    assert rule_set.pk is not None


def test_a_peak_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        SeasonalRuleSetFactory(
            prepare_from=PREPARE, peak_from=PEAK, peak_until=PEAK - timedelta(days=1), review_until=REVIEW_END
        )


def test_a_peak_cannot_be_empty():
    with pytest.raises(IntegrityError), transaction.atomic():
        SeasonalRuleSetFactory(prepare_from=PREPARE, peak_from=PEAK, peak_until=PEAK, review_until=REVIEW_END)


def test_preparation_cannot_start_after_the_peak():
    with pytest.raises(IntegrityError), transaction.atomic():
        SeasonalRuleSetFactory(
            prepare_from=PEAK + timedelta(hours=1),
            peak_from=PEAK,
            peak_until=PEAK_END,
            review_until=REVIEW_END,
        )


def test_the_review_cannot_end_before_the_peak_does():
    with pytest.raises(IntegrityError), transaction.atomic():
        SeasonalRuleSetFactory(
            prepare_from=PREPARE,
            peak_from=PEAK,
            peak_until=PEAK_END,
            review_until=PEAK_END - timedelta(hours=1),
        )


def test_a_rule_set_slug_is_unique():
    SeasonalRuleSetFactory(slug="black-friday-2025")

    with pytest.raises(IntegrityError), transaction.atomic():
        SeasonalRuleSetFactory(slug="black-friday-2025")

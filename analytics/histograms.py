"""Duration histograms for percentiles that can be summed across rollup rows.

Bucket 0 holds durations under a minute; bucket ``i >= 1`` holds [60·1.1^(i−1), 60·1.1^i)
seconds, so a percentile read back is within 10 % of the true value (usually far closer:
it is interpolated inside its bucket, as ``percentile_cont`` interpolates between ranks).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

GROWTH = 1.1
FIRST_EDGE = 60.0
LAST_BUCKET = 250  # ~ 60 s × 1.1^250: far beyond any ticket's lifetime


def bucket_of(seconds: float) -> int:
    if seconds < FIRST_EDGE:
        return 0
    return min(LAST_BUCKET, int(math.log(seconds / FIRST_EDGE, GROWTH)) + 1)


def bucket_bounds(bucket: int) -> tuple[float, float]:
    if bucket == 0:
        return 0.0, FIRST_EDGE
    return FIRST_EDGE * GROWTH ** (bucket - 1), FIRST_EDGE * GROWTH**bucket


def add(histogram: dict[str, int], seconds: float) -> None:
    """Count one duration (keys are strings: the histogram is stored as JSON)."""
    key = str(bucket_of(seconds))
    histogram[key] = histogram.get(key, 0) + 1


def merge(into: dict[int, int], histogram: Mapping[str, int]) -> None:
    for key, count in histogram.items():
        into[int(key)] = into.get(int(key), 0) + count


def _value_at(ordered: list[tuple[int, int]], rank: int) -> float:
    """The estimated ``rank``-th smallest duration (0-based): the bucket's durations are spread
    evenly over it, each at the middle of its share."""
    below = 0
    for bucket, count in ordered:
        if rank < below + count:
            low, high = bucket_bounds(bucket)
            return low + (high - low) * (rank - below + 0.5) / count
        below += count
    return bucket_bounds(ordered[-1][0])[1]


def percentile(histogram: Mapping[int, int], fraction: float) -> float | None:
    """The ``fraction`` percentile, interpolated between the two nearest ranks like
    ``percentile_cont`` (rank (n−1)·fraction)."""
    ordered = sorted((bucket, count) for bucket, count in histogram.items() if count)
    total = sum(count for _bucket, count in ordered)
    if not total:
        return None
    rank = fraction * (total - 1)
    lower = int(rank)
    value = _value_at(ordered, lower)
    if rank == lower:
        return value
    return value + (_value_at(ordered, lower + 1) - value) * (rank - lower)

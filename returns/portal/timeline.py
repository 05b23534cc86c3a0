"""The steps of a return as the customer sees them, with the date each was reached."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from returns.models import Resolution, ReturnRequest

S = ReturnRequest.Status
# The end of a return that stops early: nothing after it will happen.
STOPS = (S.REJECTED, S.CANCELLED, S.EXPIRED)
RESOLVED_BY: dict[str, str] = {
    Resolution.REFUND: S.REFUNDED,
    Resolution.KEEP_ITEM: S.REFUNDED,
    Resolution.STORE_CREDIT: S.STORE_CREDIT_ISSUED,
    Resolution.EXCHANGE: S.EXCHANGED,
}


@dataclass(frozen=True)
class Step:
    status: str
    label: str
    at: dt.datetime | None
    done: bool
    current: bool


def return_timeline(*, return_request: ReturnRequest) -> list[Step]:
    """requested → approved → label issued → in transit → received → inspected → refunded /
    exchanged / store credit → closed, with review and early ends where they happened.
    Expects ``return_request.events`` prefetched (oldest first)."""
    reached: dict[str, dt.datetime] = {}
    for event in return_request.events.all():
        reached.setdefault(event.to_status, event.created_at)
    reached.setdefault(S.REQUESTED, return_request.requested_at)
    resolved = RESOLVED_BY.get(return_request.resolution, S.REFUNDED)
    if return_request.returnless:
        path = [S.REQUESTED, S.APPROVED, resolved, S.CLOSED]
    else:
        path = [
            S.REQUESTED,
            S.APPROVED,
            S.LABEL_ISSUED,
            S.IN_TRANSIT,
            S.RECEIVED,
            S.INSPECTED,
            resolved,
            S.CLOSED,
        ]
    if S.NEEDS_REVIEW in reached:
        path.insert(1, S.NEEDS_REVIEW)
    # A resolution reached in another way (an agent's choice) shows as it happened.
    for other in (S.REFUNDED, S.STORE_CREDIT_ISSUED, S.EXCHANGED):
        if other in reached and other not in path:
            path[path.index(resolved)] = other
            resolved = other
    current = return_request.status
    if current in STOPS:
        done = [status for status in path if status in reached]
        path = [*done, current]
    position = path.index(current) if current in path else -1
    return [
        Step(
            status=status,
            label=str(S(status).label),
            at=reached.get(status),
            # Reached, or passed on the way to where the return is now.
            done=status in reached or index <= position,
            current=status == current,
        )
        for index, status in enumerate(path)
    ]

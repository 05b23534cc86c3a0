"""A return moves only along its workflow, and every move is logged."""

from __future__ import annotations

import pytest

from helpdesk.exceptions import ApplicationError
from returns.models import ReturnEvent, ReturnRequest
from returns.services import ALLOWED_TRANSITIONS, return_approve, return_reject, return_transition
from tests.factories import ReturnRequestFactory

pytestmark = pytest.mark.django_db

S = ReturnRequest.Status
ALLOWED = sorted((current, new) for current, targets in ALLOWED_TRANSITIONS.items() for new in targets)
FORBIDDEN = [
    (S.REQUESTED, S.REFUNDED),
    (S.REQUESTED, S.LABEL_ISSUED),
    (S.NEEDS_REVIEW, S.RECEIVED),
    (S.APPROVED, S.REQUESTED),
    (S.LABEL_ISSUED, S.REFUNDED),
    (S.IN_TRANSIT, S.REFUNDED),
    (S.IN_TRANSIT, S.CANCELLED),
    (S.RECEIVED, S.REFUNDED),
    (S.REFUNDED, S.REFUNDED),
    (S.REJECTED, S.APPROVED),
    (S.CLOSED, S.REQUESTED),
    (S.CANCELLED, S.APPROVED),
    (S.EXPIRED, S.LABEL_ISSUED),
]
FINAL = {S.CLOSED, S.CANCELLED, S.EXPIRED, S.REJECTED}


@pytest.mark.parametrize(("current", "new"), ALLOWED)
def test_an_allowed_transition_moves_the_return_and_logs_from_and_to(agent_eu, current, new):
    return_request = ReturnRequestFactory(status=current)

    moved = return_transition(return_request=return_request, to_status=new, actor=agent_eu, note="checked")

    return_request.refresh_from_db()
    assert return_request.status == new
    assert moved.status == new
    [event] = ReturnEvent.objects.filter(return_request=return_request)
    assert (event.from_status, event.to_status) == (current, new)
    assert event.actor == agent_eu
    assert event.note == "checked"


@pytest.mark.parametrize(("current", "new"), FORBIDDEN)
def test_a_forbidden_transition_is_refused_and_changes_nothing(agent_eu, current, new):
    return_request = ReturnRequestFactory(status=current)

    with pytest.raises(ApplicationError):
        return_transition(return_request=return_request, to_status=new, actor=agent_eu)

    return_request.refresh_from_db()
    assert return_request.status == current
    assert not ReturnEvent.objects.filter(return_request=return_request).exists()


@pytest.mark.parametrize("final", sorted(FINAL))
def test_a_return_that_reaches_a_final_state_is_closed(agent_eu, final):
    current = next(state for state, targets in ALLOWED_TRANSITIONS.items() if final in targets)
    return_request = ReturnRequestFactory(status=current)

    return_transition(return_request=return_request, to_status=final, actor=agent_eu, note="done")

    return_request.refresh_from_db()
    assert return_request.closed_at is not None


def test_a_return_still_in_progress_is_not_closed(agent_eu):
    return_request = ReturnRequestFactory(status=S.APPROVED)

    return_transition(return_request=return_request, to_status=S.LABEL_ISSUED, actor=agent_eu)

    return_request.refresh_from_db()
    assert return_request.closed_at is None


def test_approving_records_who_decided_when_and_why(agent_eu):
    return_request = ReturnRequestFactory(status=S.NEEDS_REVIEW)

    return_approve(return_request=return_request, actor=agent_eu, note="Photo shows the crack")

    return_request.refresh_from_db()
    assert return_request.status == S.APPROVED
    assert return_request.decided_by == agent_eu
    assert return_request.decided_at >= return_request.requested_at
    assert return_request.decision_reason == "Photo shows the crack"


@pytest.mark.parametrize("note", ["", "   "])
def test_a_return_cannot_be_rejected_without_saying_why(agent_eu, note):
    return_request = ReturnRequestFactory(status=S.REQUESTED)

    with pytest.raises(ApplicationError):
        return_reject(return_request=return_request, actor=agent_eu, note=note)

    return_request.refresh_from_db()
    assert return_request.status == S.REQUESTED
    assert not ReturnEvent.objects.filter(return_request=return_request).exists()


def test_a_rejection_tells_the_customer_why(agent_eu):
    return_request = ReturnRequestFactory(status=S.REQUESTED)

    return_reject(return_request=return_request, actor=agent_eu, note="Outside the 30-day window")

    return_request.refresh_from_db()
    assert return_request.status == S.REJECTED
    assert return_request.decision_reason == "Outside the 30-day window"
    [event] = ReturnEvent.objects.filter(return_request=return_request)
    assert (event.from_status, event.to_status, event.note) == (
        S.REQUESTED,
        S.REJECTED,
        "Outside the 30-day window",
    )


def test_a_full_journey_leaves_one_event_per_step(agent_eu):
    return_request = ReturnRequestFactory(status=S.REQUESTED)
    steps = [S.APPROVED, S.LABEL_ISSUED, S.IN_TRANSIT, S.RECEIVED, S.INSPECTED, S.REFUNDED, S.CLOSED]

    for step in steps:
        return_transition(return_request=return_request, to_status=step, actor=None)

    events = ReturnEvent.objects.filter(return_request=return_request).order_by("id")
    assert [(e.from_status, e.to_status) for e in events] == list(
        zip([S.REQUESTED, *steps[:-1]], steps, strict=True)
    )

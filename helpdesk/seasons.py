"""Holiday mode: which phase of each seasonal rule set is live, and switching it."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction
from django.utils import timezone

from helpdesk import broadcast
from helpdesk.models import RuleSetSwap, SeasonalRuleSet


def rule_set_phase_at(*, rule_set: SeasonalRuleSet, when: datetime) -> str:
    """The phase a rule set's calendar gives at ``when`` (a pure function of its dates)."""
    Phase = SeasonalRuleSet.Phase
    if not rule_set.is_enabled:
        return Phase.INACTIVE
    if rule_set.prepare_from <= when < rule_set.peak_from:
        return Phase.BEFORE
    if rule_set.peak_from <= when < rule_set.peak_until:
        return Phase.DURING
    if rule_set.peak_until <= when < rule_set.review_until:
        return Phase.AFTER
    return Phase.INACTIVE


@transaction.atomic
def rule_set_set_phase(
    *, rule_set: SeasonalRuleSet, phase: str, actor: User | AnonymousUser | None, manual: bool
) -> bool:
    """Switch a rule set to ``phase`` and log it. Returns False when nothing changed."""
    locked = SeasonalRuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if locked.phase == phase and locked.manual_phase == manual:
        return False
    now = timezone.now()
    RuleSetSwap.objects.create(
        rule_set=locked,
        from_phase=locked.phase,
        to_phase=phase,
        actor=actor if actor is not None and actor.is_authenticated else None,
        created_at=now,
    )
    locked.phase, locked.manual_phase, locked.phase_changed_at = phase, manual, now
    locked.save(update_fields=["phase", "manual_phase", "phase_changed_at"])
    broadcast.broadcast_on_commit(
        [broadcast.SEASONS], {"kind": "season.changed", "rule_set": locked.pk, "phase": phase}
    )
    return True

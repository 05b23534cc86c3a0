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


def season_overrides_live(*, store_id: int, marketplace: str) -> list[dict[str, object]]:
    """The overrides of the phases live now for a store (its own and the all-store rule sets
    of its market), one dict per rule set; keys as in ``SeasonalRuleSet.overrides``."""
    from django.db.models import Q

    live = []
    rule_sets = (
        SeasonalRuleSet.objects.filter(is_enabled=True)
        .exclude(phase=SeasonalRuleSet.Phase.INACTIVE)
        .filter(Q(stores=None) | Q(stores=store_id))
        .distinct()
        .order_by("pk")
    )
    for rule_set in rule_sets:
        markets = [str(market).upper() for market in rule_set.markets or []]
        if markets and marketplace.upper() not in markets:
            continue
        phase_overrides = (rule_set.overrides or {}).get(rule_set.phase)
        if isinstance(phase_overrides, dict):
            live.append(phase_overrides)
    return live

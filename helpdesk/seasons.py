"""Holiday mode: which phase of each seasonal rule set is live, and switching it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import broadcast
from helpdesk.models import RuleSetSwap, SeasonalRuleSet

if TYPE_CHECKING:
    from customers.models import Store


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
    *,
    rule_set: SeasonalRuleSet,
    phase: str,
    actor: User | AnonymousUser | None,
    manual: bool,
    only_if_scheduled: bool = False,
) -> bool:
    """Switch a rule set to ``phase`` and log it. Returns False when nothing changed.

    ``only_if_scheduled``: the scheduler's call; leaves the rule set alone if a manager took it
    over by hand since it was read (the check happens under the row lock).
    """
    locked = SeasonalRuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if locked.phase == phase and locked.manual_phase == manual:
        return False
    if only_if_scheduled and locked.manual_phase:
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
    # The name travels with the event: the inbox banner says which season changed.
    broadcast.broadcast_on_commit(
        [broadcast.SEASONS],
        {"kind": "season.changed", "rule_set": locked.pk, "name": locked.name, "phase": phase},
    )
    return True


def season_rule_sets_live(
    *, store_id: int, marketplace: str
) -> list[tuple[SeasonalRuleSet, dict[str, object]]]:
    """The rule sets live now for a store (its own and the all-store ones of its market), by id,
    each with the overrides of its live phase."""
    live = []
    rule_sets = (
        SeasonalRuleSet.objects.filter(is_enabled=True)
        .exclude(phase=SeasonalRuleSet.Phase.INACTIVE)
        .filter(Q(stores=None) | Q(stores=store_id))
        .distinct()
        .order_by("pk")
    )
    for rule_set in rule_sets:
        if not _covers_market(rule_set, marketplace):
            continue
        phase_overrides = (rule_set.overrides or {}).get(rule_set.phase)
        if isinstance(phase_overrides, dict):
            live.append((rule_set, phase_overrides))
    return live


def season_overrides_live(*, store_id: int, marketplace: str) -> list[dict[str, object]]:
    """THE selector through which triage, SLA, routing and priority read holiday mode: the
    overrides of the phases live now for a store, one dict per rule set (oldest rule set first);
    keys as in ``OVERRIDE_KEYS``. Returns and logistics look at a rule set's calendar instead
    (an order bought in the season keeps its extension after the season ends), through
    ``returns.services.eligibility`` and ``logistics.selectors.season_rules``."""
    return [
        overrides
        for _rule_set, overrides in season_rule_sets_live(store_id=store_id, marketplace=marketplace)
    ]


def _covers_market(rule_set: SeasonalRuleSet, marketplace: str) -> bool:
    markets = [str(market).upper() for market in rule_set.markets or []]
    return not markets or marketplace.upper() in markets


# --- Preview: what changes if a rule set were active now ------------------------------------


@dataclass(frozen=True)
class PreviewChange:
    """One override for one store: what the live rule sets give now and what this one would."""

    store: str
    key: str
    live: tuple[tuple[str, object], ...]  # (rule set name, value), oldest first
    proposed: object


def rule_set_preview(*, rule_set: SeasonalRuleSet, phase: str) -> list[PreviewChange]:
    """What changes, store by store, if ``rule_set`` were in ``phase`` now: every key its phase
    sets, beside the values the rule sets live now give that store (the rule set's own live
    phase left out, since it would be replaced). Stores: the rule set's own, else every store
    of its markets."""
    from customers.models import Store

    proposed = (rule_set.overrides or {}).get(phase)
    if not isinstance(proposed, dict) or not proposed:
        return []
    stores = list(rule_set.stores.order_by("name")) if rule_set.pk else []
    if not stores:
        stores = [
            store for store in Store.objects.order_by("name") if _covers_market(rule_set, store.marketplace)
        ]
    changes = []
    for store in stores:
        live = [
            (other, overrides)
            for other, overrides in season_rule_sets_live(store_id=store.pk, marketplace=store.marketplace)
            if other.pk != rule_set.pk
        ]
        for key, value in proposed.items():
            changes.append(
                PreviewChange(
                    store=str(store),
                    key=key,
                    live=tuple((other.name, overrides[key]) for other, overrides in live if key in overrides),
                    proposed=value,
                )
            )
    return changes


# --- The overrides a phase may set ----------------------------------------------------------

# Every key ``SeasonalRuleSet.overrides[phase]`` may hold, with what it does and who reads it.
# The one place these are documented (the README's "Holiday mode" section points here); the admin
# refuses any other key so that a typo ("sla_facter") cannot silently do nothing at the peak.
OVERRIDE_KEYS: dict[str, str] = {
    "sla_factor": "number > 0: SLA targets are multiplied by it (1.5 = half as long again). "
    "Read by tickets.services.sla.",
    "auto_reply_template": "template slug of the acknowledgement for the phase, e.g. a holiday greeting "
    "with a translation per language: it opens the contact form's automatic confirmation, in the "
    "customer's language (else the store's, else English). Read by tickets.services.acknowledgement.",
    "return_window_extension_until": "ISO date: orders bought in the season may come back until then. "
    "Read by returns.services.eligibility.",
    "return_extension_bought_from": "ISO date: first purchase day that counts as bought in the season "
    "(default: the rule set's prepare_from).",
    "return_extension_bought_until": "ISO date: last purchase day that counts (default: peak_until).",
    "priority_weights": 'object {reason code: factor}, e.g. {"gift_order": 2.0}: gift orders that must '
    "arrive before 24 December rank higher. Read by tickets.services.priority.",
    "self_service_threshold": "number 0..1: the intent confidence above which self-service answers "
    "by itself (replaces the store's own). Read by tickets.services.deflection.",
    "overflow_team": "team slug that takes tickets when the regular team has no room. "
    "Read by tickets.services.routing.",
    "delivery_padding_days": 'whole days, or {country: days, "*": days}, added to expected delivery '
    "(Chinese New Year: carriers and warehouses slow down). Read by logistics.selectors.",
    "proactive_delay_notices": "true/false: tell customers of a late parcel before they ask (stalled, "
    "customs, late, slower than the lane). false holds those notices while the phase is live (the "
    "anomaly says why); true turns them back on over an older rule set's false. Default: on. "
    "Read by logistics.services.care.",
    "staffing_note": "text shown to agents in the banner (e.g. who is on overflow duty).",
    "survey_offer": "text of the offer in the after-peak survey.",
    "review_report": "true/false: mark the phase for the post-holiday review report.",
}


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_iso_date(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _padding_ok(value: object) -> bool:
    if isinstance(value, dict):
        return all(
            isinstance(days, int) and not isinstance(days, bool) and days >= 0 for days in value.values()
        )
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


_VALUE_CHECKS: dict[str, tuple[Callable[[object], bool], str]] = {
    "sla_factor": (lambda value: _is_number(value) and float(value) > 0, "a number above 0"),  # type: ignore[arg-type]
    "return_window_extension_until": (_is_iso_date, "a date such as 2027-01-31"),
    "return_extension_bought_from": (_is_iso_date, "a date such as 2026-11-01"),
    "return_extension_bought_until": (_is_iso_date, "a date such as 2026-12-24"),
    "priority_weights": (
        lambda value: isinstance(value, dict) and all(_is_number(weight) for weight in value.values()),
        'an object of numbers such as {"gift_order": 2.0}',
    ),
    "self_service_threshold": (
        lambda value: _is_number(value) and 0 <= float(value) <= 1,  # type: ignore[arg-type]
        "a number from 0 to 1",
    ),
    "overflow_team": (lambda value: isinstance(value, str) and bool(value), "a team slug"),
    "auto_reply_template": (lambda value: isinstance(value, str) and bool(value), "a template slug"),
    "delivery_padding_days": (_padding_ok, 'whole days, or {"US": 5, "*": 2}'),
    "proactive_delay_notices": (lambda value: isinstance(value, bool), "true or false"),
    "review_report": (lambda value: isinstance(value, bool), "true or false"),
    "staffing_note": (lambda value: isinstance(value, str), "a text"),
    "survey_offer": (lambda value: isinstance(value, str), "a text"),
}


def validate_overrides(overrides: object) -> None:
    """Raise ``ValidationError`` naming every unknown phase, unknown key and wrong value."""
    if not isinstance(overrides, dict):
        raise ValidationError(_('Overrides must be an object such as {"during": {"sla_factor": 1.5}}.'))
    phases = [SeasonalRuleSet.Phase.BEFORE, SeasonalRuleSet.Phase.DURING, SeasonalRuleSet.Phase.AFTER]
    errors: list[str] = []
    for phase, values in overrides.items():
        if phase not in phases:
            errors.append(_("Unknown phase “%(phase)s”: use before, during or after.") % {"phase": phase})
            continue
        if not isinstance(values, dict):
            errors.append(_("The overrides of “%(phase)s” must be an object.") % {"phase": phase})
            continue
        for key, value in values.items():
            if key not in OVERRIDE_KEYS:
                errors.append(
                    _("Unknown key “%(key)s” in “%(phase)s”; known keys: %(known)s.")
                    % {"key": key, "phase": phase, "known": ", ".join(sorted(OVERRIDE_KEYS))}
                )
                continue
            check, expected = _VALUE_CHECKS[key]
            if not check(value):
                errors.append(
                    _("“%(key)s” in “%(phase)s” must be %(expected)s.")
                    % {"key": key, "phase": phase, "expected": expected}
                )
    if errors:
        raise ValidationError(errors)


# --- The scheduled swap ---------------------------------------------------------------------


def rule_sets_swap_due(*, now: datetime | None = None) -> list[int]:
    """Put every rule set not held by hand into the phase its calendar gives now.

    Idempotent: a rule set already in its phase is left alone (no swap logged, no banner), so
    running it twice, or from two beat ticks at once, changes nothing the second time. A phase
    a manager set by hand (``manual_phase``) is kept until the manager returns the rule set to
    its schedule. Returns the ids of the rule sets swapped.
    """
    now = now or timezone.now()
    swapped = []
    for rule_set in SeasonalRuleSet.objects.filter(manual_phase=False).order_by("pk"):
        phase = rule_set_phase_at(rule_set=rule_set, when=now)
        if phase == rule_set.phase:
            continue
        if rule_set_set_phase(
            rule_set=rule_set, phase=phase, actor=None, manual=False, only_if_scheduled=True
        ):
            swapped.append(rule_set.pk)
    return swapped


# --- Creating and changing rule sets (the API's writes; admin has its own form) --------------

KEEP_PHASE = "scheduled"  # the API's word for "back on its schedule"


def _contains_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_contains_nul(key) or _contains_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_contains_nul(item) for item in value)
    return False


def _rule_set_check(rule_set: SeasonalRuleSet) -> None:
    errors: dict[str, list[str]] = {}
    if not (rule_set.prepare_from <= rule_set.peak_from < rule_set.peak_until <= rule_set.review_until):
        errors["peak_from"] = [
            _("The dates must follow each other: prepare from ≤ peak from < peak until ≤ review until.")
        ]
    if _contains_nul(rule_set.overrides):
        errors["overrides"] = [_("Texts may not contain NUL characters.")]
    markets = [str(market).strip().upper() for market in rule_set.markets or []]
    if any(len(market) != 2 or not market.isascii() or not market.isalpha() for market in markets):
        errors["markets"] = [_('ISO country codes of two letters, e.g. ["US", "GB"].')]
    rule_set.markets = list(dict.fromkeys(markets))
    if errors:
        raise ValidationError(errors)
    rule_set.full_clean(exclude=["stores"])


def _follow_schedule(rule_set: SeasonalRuleSet, actor: User | AnonymousUser | None) -> None:
    """A rule set on its schedule takes the phase its calendar gives now, through the same switch
    the scheduled swap uses (logged); a phase a manager set by hand stays."""
    if rule_set.manual_phase:
        return
    phase = rule_set_phase_at(rule_set=rule_set, when=timezone.now())
    if phase != rule_set.phase:
        rule_set_set_phase(rule_set=rule_set, phase=phase, actor=actor, manual=False, only_if_scheduled=True)


@transaction.atomic
def rule_set_create(
    *,
    actor: User | AnonymousUser | None,
    name: str,
    slug: str,
    kind: str,
    prepare_from: datetime,
    peak_from: datetime,
    peak_until: datetime,
    review_until: datetime,
    markets: list[str] | None = None,
    stores: list[Store] | None = None,
    time_zone: str = "UTC",
    overrides: dict[str, object] | None = None,
    is_enabled: bool = True,
) -> SeasonalRuleSet:
    """A new rule set; when its calendar says a phase is live now, it switches into it at once."""
    rule_set = SeasonalRuleSet(
        name=name.strip(),
        slug=slug.strip(),
        kind=kind,
        markets=markets or [],
        timezone=time_zone.strip(),
        prepare_from=prepare_from,
        peak_from=peak_from,
        peak_until=peak_until,
        review_until=review_until,
        overrides=overrides or {},
        is_enabled=is_enabled,
    )
    _rule_set_check(rule_set)
    try:
        with transaction.atomic():
            rule_set.save()
    except IntegrityError as exc:
        raise ValidationError({"slug": [_("A rule set with this slug exists already.")]}) from exc
    rule_set.stores.set(stores or [])
    _follow_schedule(rule_set, actor)
    rule_set.refresh_from_db()
    return rule_set


RULE_SET_FIELDS = (
    "name",
    "kind",
    "markets",
    "timezone",
    "prepare_from",
    "peak_from",
    "peak_until",
    "review_until",
    "overrides",
    "is_enabled",
)


@transaction.atomic
def rule_set_update(
    *,
    rule_set: SeasonalRuleSet,
    actor: User | AnonymousUser | None,
    changes: dict[str, object],
    stores: list[Store] | None = None,
) -> SeasonalRuleSet:
    """Change a rule set's fields (``changes``: any of ``RULE_SET_FIELDS``; ``stores``: None leaves
    them). Its phase follows: on its schedule it takes the phase the new calendar gives now (the
    scheduled swap's switch, logged), a phase set by hand stays until a manager returns it to its
    schedule. The slug stays: templates and reports name rule sets by it."""
    unknown = set(changes) - set(RULE_SET_FIELDS)
    if unknown:
        raise ValueError(f"Not changeable here: {sorted(unknown)}")
    locked = SeasonalRuleSet.objects.select_for_update().get(pk=rule_set.pk)
    for field, value in changes.items():
        setattr(
            locked,
            field,
            value.strip() if field in ("name", "timezone") and isinstance(value, str) else value,
        )
    _rule_set_check(locked)
    if changes:
        locked.save(update_fields=list(changes))
    if stores is not None:
        locked.stores.set(stores)
    _follow_schedule(locked, actor)
    locked.refresh_from_db()
    return locked


def rule_set_switch(
    *, rule_set: SeasonalRuleSet, phase: str, actor: User | AnonymousUser | None
) -> SeasonalRuleSet:
    """A manager's switch, as admin's actions: a phase by hand (held against the schedule), or
    ``KEEP_PHASE`` ("scheduled"): back to the phase its calendar gives now."""
    if phase == KEEP_PHASE:
        rule_set_set_phase(
            rule_set=rule_set,
            phase=rule_set_phase_at(rule_set=rule_set, when=timezone.now()),
            actor=actor,
            manual=False,
        )
    else:
        if phase not in SeasonalRuleSet.Phase.values:
            raise ValidationError({"phase": [_("Unknown phase “%(phase)s”.") % {"phase": phase}]})
        rule_set_set_phase(rule_set=rule_set, phase=phase, actor=actor, manual=True)
    rule_set.refresh_from_db()
    return rule_set

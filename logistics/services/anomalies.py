"""Parcel anomalies: the rules, detection after each tracking event and in a periodic scan, and
resolution when the condition clears.

Each rule looks at an outbound parcel, its lane's figures (``LaneStatistic``) and the seasonal
padding (``logistics.selectors.season_padding_days``) at a moment ``now``:

==================  ==============================================================  ==========================
kind                fires when                                                      severity
==================  ==============================================================  ==========================
``stalled``         pending (shipped), info received, in transit or out for          medium; high past twice
                    delivery, and no scan for longer than the lane's median gap      the threshold and at least
                    between scans × ``STALL_GAP_FACTOR``, at least ``STALL_FLOOR``,  ``STALL_SEVERE_AFTER``
                    plus the padding
``customs``         held in customs for more than ``CUSTOMS_HOLD_DAYS`` + padding     medium; high past twice
                    (counted from the first scan of the current hold)                 that
``failed_delivery`` the last scan is a failed delivery attempt                         medium
``exception``       the carrier reports an exception                                  high for lost, damaged,
                                                                                      destroyed, confiscated;
                                                                                      else medium
``returned``        the parcel is being returned to the sender                         high
``late``            not delivered after the end of ``promised_by`` or, without a       medium; high more than
                    promise, after the lane's p80 + padding from shipping              ``LATE_SEVERE_DAYS`` late
``early_warning``   not late yet, but in transit longer than                          low
                    ``EARLY_WARNING_FACTOR`` × the lane's median + padding
==================  ==============================================================  ==========================

The seasonal padding pads what the lane leads us to expect; it does not move a date promised to
the customer. Return parcels (coming back from the customer) are not checked.

A parcel has at most one anomaly of each kind (unique (shipment, kind)): finding it again is a
no-op, apart from bringing its severity and detail up to date. It is resolved when its condition
clears (delivered, moving again) and reopened (same row) if it comes back, so the customer is
told once per kind. ``Shipment.anomaly`` is the most severe open one.

A new anomaly gets a notice time, the next sensible hour of the customer's day
(``logistics.notices.notice_time``), and, after commit, ``parcel_anomaly_needs_care`` is sent;
a high one that has no ticket yet asks for one the same way. The tickets app does the rest.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk import events
from logistics.models import LaneStatistic, Shipment, ShipmentAnomaly, TrackingEvent, TrackingStatus
from logistics.notices import customer_zone, notice_time
from logistics.selectors import (
    FINAL_STATUSES,
    LaneKey,
    SeasonRules,
    lane_key,
    lanes_for_shipments,
    season_padding_days,
    season_rules,
)
from logistics.signals import parcel_anomaly_needs_care

Kind = Shipment.Anomaly
Severity = ShipmentAnomaly.Severity

STALL_STATUSES = frozenset(
    {
        TrackingStatus.PENDING,
        TrackingStatus.INFO_RECEIVED,
        TrackingStatus.IN_TRANSIT,
        TrackingStatus.OUT_FOR_DELIVERY,
    }
)
# The parcels the periodic scan looks at: every status after which something may still happen.
SCANNED_STATUSES = (
    TrackingStatus.PENDING,
    TrackingStatus.INFO_RECEIVED,
    TrackingStatus.IN_TRANSIT,
    TrackingStatus.OUT_FOR_DELIVERY,
    TrackingStatus.AVAILABLE_FOR_PICKUP,
    TrackingStatus.FAILED_ATTEMPT,
    TrackingStatus.CUSTOMS_HOLD,
    TrackingStatus.EXCEPTION,
)
# Stalled: silence longer than the lane's usual gap between scans times this, and never less
# than the floor (scans a few hours apart at the origin do not make a one-day pause alarming).
STALL_GAP_FACTOR = 5
STALL_FLOOR = dt.timedelta(hours=72)
STALL_SEVERE_AFTER = dt.timedelta(days=7)
CUSTOMS_HOLD_DAYS = 4
LATE_SEVERE_DAYS = 7
EARLY_WARNING_FACTOR = 1.3
SEVERE_EXCEPTIONS = frozenset({"lost", "damaged", "destroyed", "confiscated"})
# Among open anomalies of equal severity, the one shown on the parcel: the first here.
KIND_ORDER = (
    Kind.RETURNED,
    Kind.EXCEPTION,
    Kind.CUSTOMS,
    Kind.FAILED_DELIVERY,
    Kind.STALLED,
    Kind.LATE,
    Kind.EARLY_WARNING,
)
SCAN_BATCH = 500


@dataclass(frozen=True)
class Finding:
    kind: str
    severity: int
    detail: str


@dataclass(frozen=True)
class Expectations:
    """What the parcel's lane and the season lead us to expect (None: the lane has no figures)."""

    median_days: float | None = None
    p80_days: float | None = None
    gap_hours: float | None = None
    padding_days: int = 0


def expectations_for(*, lane: LaneStatistic | None, padding_days: int) -> Expectations:
    if lane is None:
        return Expectations(padding_days=padding_days)
    return Expectations(
        median_days=float(lane.median_days),
        p80_days=float(lane.p80_days),
        gap_hours=float(lane.median_scan_gap_hours) or None,
        padding_days=padding_days,
    )


def _days(span: dt.timedelta) -> int:
    """Whole days, so a detail changes (and is written) at most once a day."""
    return max(0, math.floor(span.total_seconds() / 86400))


def anomaly_findings(
    *,
    shipment: Shipment,
    expectations: Expectations,
    now: dt.datetime,
    customs_since: dt.datetime | None = None,
) -> list[Finding]:
    """The anomalies the rules find on a parcel at ``now`` (a pure function; see the table above).

    ``customs_since``: when the current customs hold began (its first scan); defaults to the
    last scan.
    """
    if shipment.direction != Shipment.Direction.OUTBOUND:
        return []
    status = shipment.status
    padding = dt.timedelta(days=expectations.padding_days)
    findings: list[Finding] = []

    last_sign = shipment.last_event_at or shipment.shipped_at
    if status in STALL_STATUSES and last_sign is not None:
        usual_gap = dt.timedelta(hours=(expectations.gap_hours or 0) * STALL_GAP_FACTOR)
        threshold = max(STALL_FLOOR, usual_gap) + padding
        silent = now - last_sign
        if silent > threshold:
            severe = silent > max(2 * threshold, STALL_SEVERE_AFTER + padding)
            if expectations.gap_hours:
                detail = _("No scan for %(days)s days; this lane usually scans every %(gap)s hours.") % {
                    "days": _days(silent),
                    "gap": round(expectations.gap_hours),
                }
            else:
                detail = _("No scan for %(days)s days.") % {"days": _days(silent)}
            findings.append(Finding(Kind.STALLED, Severity.HIGH if severe else Severity.MEDIUM, detail))

    if status == TrackingStatus.CUSTOMS_HOLD:
        since = customs_since or shipment.last_event_at
        limit = dt.timedelta(days=CUSTOMS_HOLD_DAYS) + padding
        if since is not None and now - since > limit:
            held = now - since
            findings.append(
                Finding(
                    Kind.CUSTOMS,
                    Severity.HIGH if held > 2 * limit else Severity.MEDIUM,
                    _("Held in customs for %(days)s days.") % {"days": _days(held)},
                )
            )

    reason = shipment.sub_status.replace("_", " ") or shipment.last_location
    if status == TrackingStatus.FAILED_ATTEMPT:
        detail = (
            _("Delivery attempt failed: %(reason)s.") % {"reason": reason}
            if reason
            else _("Delivery attempt failed.")
        )
        findings.append(Finding(Kind.FAILED_DELIVERY, Severity.MEDIUM, detail))
    if status == TrackingStatus.EXCEPTION:
        severe = shipment.sub_status.lower() in SEVERE_EXCEPTIONS
        detail = (
            _("The carrier reports an exception: %(reason)s.") % {"reason": reason}
            if reason
            else _("The carrier reports an exception.")
        )
        findings.append(Finding(Kind.EXCEPTION, Severity.HIGH if severe else Severity.MEDIUM, detail))
    if status == TrackingStatus.RETURNED_TO_SENDER:
        findings.append(
            Finding(Kind.RETURNED, Severity.HIGH, _("The carrier is returning the parcel to the sender."))
        )

    if status not in FINAL_STATUSES and shipment.shipped_at is not None:
        late = _late(shipment=shipment, expectations=expectations, padding=padding, now=now)
        if late is not None:
            findings.append(late)
        elif expectations.median_days is not None:
            elapsed = now - shipment.shipped_at
            limit = dt.timedelta(days=expectations.median_days * EARLY_WARNING_FACTOR) + padding
            if elapsed > limit:
                findings.append(
                    Finding(
                        Kind.EARLY_WARNING,
                        Severity.LOW,
                        _("%(days)s days in transit; parcels on this lane usually take %(median)s days.")
                        % {"days": _days(elapsed), "median": f"{expectations.median_days:.1f}"},
                    )
                )
    return findings


def _late(
    *, shipment: Shipment, expectations: Expectations, padding: dt.timedelta, now: dt.datetime
) -> Finding | None:
    assert shipment.shipped_at is not None
    if shipment.promised_by is not None:
        deadline = dt.datetime.combine(shipment.promised_by + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        detail = _("Promised by %(date)s; %(days)s days late.")
    elif expectations.p80_days is not None:
        deadline = shipment.shipped_at + dt.timedelta(days=expectations.p80_days) + padding
        detail = _("%(days)s days late against this lane: 80%% of its parcels arrive within %(p80)s days.")
    else:
        return None
    if now <= deadline:
        return None
    overdue = now - deadline
    values = {
        "date": shipment.promised_by.isoformat() if shipment.promised_by else "",
        "days": max(1, _days(overdue)),
        "p80": f"{(expectations.p80_days or 0) + padding.days:.1f}",
    }
    severity = Severity.HIGH if overdue > dt.timedelta(days=LATE_SEVERE_DAYS) else Severity.MEDIUM
    return Finding(Kind.LATE, severity, detail % values)


# --- applying the rules -----------------------------------------------------------------------


@dataclass
class CheckOutcome:
    shipment_id: int
    opened: list[str] = field(default_factory=list)
    resolved: list[str] = field(default_factory=list)
    anomaly: str = ""


def shipment_anomalies_check(*, shipment_id: int, now: dt.datetime | None = None) -> CheckOutcome | None:
    """Run the rules on one parcel (after its tracking events changed); None if it is gone.

    Holds the parcel's row lock, so two checks of one parcel (the event task and the periodic
    scan) never open an anomaly twice or race on ``Shipment.anomaly``.
    """
    now = now or timezone.now()
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(of=("self",))
            .select_related("order__customer", "store")
            .filter(pk=shipment_id)
            .first()
        )
        if shipment is None:
            return None
        context = _BatchContext.load([shipment])
        return _check(shipment, context=context, now=now)


@dataclass(frozen=True)
class ScanOutcome:
    checked: int
    opened: int
    resolved: int
    care_requests: int


def shipments_scan_anomalies(*, now: dt.datetime | None = None, batch_size: int = SCAN_BATCH) -> ScanOutcome:
    """The periodic scan: every outbound parcel still under way, in batches along the
    ``shipment_scan_idx`` index (status, last scan), each batch in its own transaction.

    Parcels another worker is checking right now are skipped (they are being checked). Then
    the parcels that finished while an anomaly stayed open (a lost event task), and the care
    that is due but was not given (notices whose scheduled task was lost, tickets not opened).
    """
    now = now or timezone.now()
    rules = season_rules()
    checked = opened = resolved = 0
    for ids in _scan_batches(batch_size):
        with transaction.atomic():
            shipments = list(
                Shipment.objects.select_for_update(of=("self",), skip_locked=True)
                .select_related("order__customer", "store")
                .filter(pk__in=ids)
                .order_by("pk")
            )
            context = _BatchContext.load(shipments, rules=rules)
            for shipment in shipments:
                outcome = _check(shipment, context=context, now=now)
                checked += 1
                opened += len(outcome.opened)
                resolved += len(outcome.resolved)
    finished_with_open = (
        ShipmentAnomaly.objects.filter(resolved_at__isnull=True, shipment__status__in=FINAL_STATUSES)
        .exclude(kind=Kind.RETURNED, shipment__status=TrackingStatus.RETURNED_TO_SENDER)
        .values_list("shipment_id", flat=True)
        .distinct()
    )
    for shipment_id in list(finished_with_open):
        rechecked = shipment_anomalies_check(shipment_id=shipment_id, now=now)
        if rechecked is not None:
            checked += 1
            resolved += len(rechecked.resolved)
    return ScanOutcome(checked, opened, resolved, anomalies_care_due(now=now))


def _scan_batches(batch_size: int) -> Iterator[list[int]]:
    """Ids of the parcels to scan, status by status in (last scan, id) order (keyset pages)."""
    for status in SCANNED_STATUSES:
        base = Shipment.objects.filter(status=status, direction=Shipment.Direction.OUTBOUND)
        last_id = 0
        while ids := list(
            base.filter(last_event_at__isnull=True, pk__gt=last_id)
            .order_by("pk")
            .values_list("pk", flat=True)[:batch_size]
        ):
            yield ids
            last_id = ids[-1]
        position: tuple[dt.datetime, int] | None = None
        while True:
            page = base.filter(last_event_at__isnull=False)
            if position is not None:
                page = page.filter(
                    Q(last_event_at__gt=position[0]) | Q(last_event_at=position[0], pk__gt=position[1])
                )
            rows = list(page.order_by("last_event_at", "pk").values_list("last_event_at", "pk")[:batch_size])
            if not rows:
                break
            yield [pk for _, pk in rows]
            last_at, last_pk = rows[-1]
            assert last_at is not None  # filtered above
            position = (last_at, last_pk)


def anomalies_care_due(*, now: dt.datetime | None = None) -> int:
    """Ask again for the care still owed: notices due and not sent, severe anomalies without
    their ticket. Receivers claim each once, so asking twice is harmless. Returns the requests."""
    now = now or timezone.now()
    due = ShipmentAnomaly.objects.filter(
        resolved_at__isnull=True, customer_notified_at__isnull=True, notice_due_at__lte=now
    ).values_list("pk", "notice_due_at")
    unescalated = ShipmentAnomaly.objects.filter(
        resolved_at__isnull=True, severity=Severity.HIGH, escalated_at__isnull=True
    ).values_list("pk", flat=True)
    requests: dict[int, dict[str, object]] = defaultdict(lambda: {"notify_at": None, "escalate": False})
    for anomaly_id, due_at in due:
        requests[anomaly_id]["notify_at"] = due_at
    for anomaly_id in unescalated:
        requests[anomaly_id]["escalate"] = True
    for anomaly_id, request in requests.items():
        parcel_anomaly_needs_care.send(sender=ShipmentAnomaly, anomaly_id=anomaly_id, **request)
    return len(requests)


@dataclass
class _BatchContext:
    """What the rules need for a batch of parcels, read in a few queries."""

    lanes: dict[LaneKey, LaneStatistic]
    rules: SeasonRules
    customs_since: dict[int, dt.datetime]
    anomalies: dict[int, dict[str, ShipmentAnomaly]]

    @classmethod
    def load(cls, shipments: list[Shipment], *, rules: SeasonRules | None = None) -> _BatchContext:
        anomalies: dict[int, dict[str, ShipmentAnomaly]] = defaultdict(dict)
        for anomaly in ShipmentAnomaly.objects.filter(shipment__in=shipments):
            anomalies[anomaly.shipment_id][anomaly.kind] = anomaly
        return cls(
            lanes=lanes_for_shipments(shipments),
            rules=rules if rules is not None else season_rules(),
            customs_since=_customs_holds_since(
                s for s in shipments if s.status == TrackingStatus.CUSTOMS_HOLD
            ),
            anomalies=anomalies,
        )


def _customs_holds_since(shipments: Iterable[Shipment]) -> dict[int, dt.datetime]:
    """When each parcel's current customs hold began: the first customs scan after the last
    scan of another kind."""
    ids = [shipment.pk for shipment in shipments]
    if not ids:
        return {}
    since: dict[int, dt.datetime] = {}
    done: set[int] = set()
    events = (
        TrackingEvent.objects.filter(shipment_id__in=ids)
        .order_by("shipment_id", "-occurred_at", "-id")
        .values_list("shipment_id", "status", "occurred_at")
    )
    for shipment_id, status, occurred_at in events:
        if shipment_id in done:
            continue
        if status == TrackingStatus.CUSTOMS_HOLD:
            since[shipment_id] = occurred_at
        else:
            done.add(shipment_id)
    return since


def _check(shipment: Shipment, *, context: _BatchContext, now: dt.datetime) -> CheckOutcome:
    outcome = CheckOutcome(shipment_id=shipment.pk)
    key = lane_key(shipment)
    expectations = expectations_for(
        lane=context.lanes.get(key) if key is not None else None,
        padding_days=season_padding_days(shipment, rules=context.rules),
    )
    findings = {
        finding.kind: finding
        for finding in anomaly_findings(
            shipment=shipment,
            expectations=expectations,
            now=now,
            customs_since=context.customs_since.get(shipment.pk),
        )
    }
    existing = context.anomalies[shipment.pk]
    for kind, finding in findings.items():
        anomaly = existing.get(kind)
        created = False
        if anomaly is None:
            anomaly, created = _anomaly_create(shipment=shipment, finding=finding, now=now)
            existing[kind] = anomaly
        _anomaly_update(shipment=shipment, anomaly=anomaly, finding=finding, created=created, now=now)
        if created:
            outcome.opened.append(kind)
    for kind, anomaly in existing.items():
        if kind not in findings and anomaly.resolved_at is None:
            anomaly.resolved_at = max(now, anomaly.detected_at)
            anomaly.save(update_fields=["resolved_at"])
            outcome.resolved.append(kind)
    open_anomalies = [anomaly for anomaly in existing.values() if anomaly.resolved_at is None]
    shown = min(
        open_anomalies,
        key=lambda anomaly: (-anomaly.severity, KIND_ORDER.index(Kind(anomaly.kind))),
        default=None,
    )
    outcome.anomaly = shown.kind if shown is not None else Kind.NONE
    if shipment.anomaly != outcome.anomaly:
        shipment.anomaly = outcome.anomaly
        shipment.save(update_fields=["anomaly", "updated_at"])
    return outcome


def _anomaly_create(
    *, shipment: Shipment, finding: Finding, now: dt.datetime
) -> tuple[ShipmentAnomaly, bool]:
    try:
        with transaction.atomic():
            anomaly = ShipmentAnomaly.objects.create(
                shipment=shipment,
                kind=finding.kind,
                severity=finding.severity,
                detail=finding.detail[:300],
                detected_at=now,
            )
            events.emit("shipment.anomaly", events.anomaly_payload(anomaly), store_id=shipment.store_id)
            return anomaly, True
    except IntegrityError:
        # Found at the same moment by a check that did not hold the parcel's lock: theirs stands.
        return ShipmentAnomaly.objects.get(shipment=shipment, kind=finding.kind), False


def _anomaly_update(
    *, shipment: Shipment, anomaly: ShipmentAnomaly, finding: Finding, created: bool, now: dt.datetime
) -> None:
    fields: list[str] = []
    reopened = anomaly.resolved_at is not None
    if reopened:
        anomaly.resolved_at = None
        fields.append("resolved_at")
    worse = finding.severity > anomaly.severity
    if anomaly.severity != finding.severity:
        anomaly.severity = finding.severity
        fields.append("severity")
    if anomaly.detail != finding.detail[:300]:
        anomaly.detail = finding.detail[:300]
        fields.append("detail")
    notify_at = None
    # A notice not sent yet (never scheduled, or the anomaly cleared before its time came and
    # is back) is timed from now: a stale time could fall in the customer's night.
    if anomaly.customer_notified_at is None and not anomaly.notice_note and (created or reopened):
        anomaly.notice_due_at = notify_at = notice_time(now=now, zone=_customer_zone(shipment))
        fields.append("notice_due_at")
    if fields:
        anomaly.save(update_fields=fields)
    escalate = (
        anomaly.severity == Severity.HIGH and anomaly.escalated_at is None and (created or reopened or worse)
    )
    if notify_at is not None or escalate:
        transaction.on_commit(
            partial(
                parcel_anomaly_needs_care.send,
                sender=ShipmentAnomaly,
                anomaly_id=anomaly.pk,
                notify_at=notify_at,
                escalate=escalate,
            )
        )


def _customer_zone(shipment: Shipment) -> dt.tzinfo:
    customer = shipment.order.customer if shipment.order is not None else None
    return customer_zone(
        customer_timezone=customer.timezone if customer is not None else "",
        country=(customer.country if customer is not None and customer.country else "")
        or shipment.destination_country,
        store_timezone=shipment.store.timezone,
    )

"""Polling tracking APIs for parcels no webhook reports on (``Shipment.provider == "carrier"``).

The beat task queues one batch per ``max_batch`` parcels of each polling account
(``logistics.tasks.tracking_poll_due``); each batch asks the API once and records what comes
back through ``tracking_events_record``, so polling twice stores nothing twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from logistics.models import Shipment, TrackingProviderAccount
from logistics.normalise import ParcelUpdate, ProviderEvent
from logistics.selectors import shipments_due_for_poll
from logistics.services.events import tracking_events_record
from logistics.tracking_clients import CarrierTrackingClient, TrackingQuery, client_for_account


@dataclass
class PollResult:
    parcels: int = 0
    stored: int = 0
    duplicates: int = 0
    changed: list[int] = field(default_factory=list)  # parcels whose status moved


def shipments_poll(
    *,
    account: TrackingProviderAccount,
    shipment_ids: Sequence[int],
    client: CarrierTrackingClient | None = None,
) -> PollResult:
    """Ask the account's API about these parcels (those still due) and record the answers.

    Raises ``TrackingClientError`` when the API cannot answer (``retryable`` says whether a
    later try may succeed); events of the batches already recorded stay recorded.
    """
    shipments = list(
        shipments_due_for_poll(account=account).filter(pk__in=list(shipment_ids)).select_related("carrier")
    )
    result = PollResult(parcels=len(shipments))
    if not shipments:
        return result
    if client is None:
        client = client_for_account(account)
    for start in range(0, len(shipments), client.max_batch):
        batch = shipments[start : start + client.max_batch]
        events = client.fetch([_query(shipment) for shipment in batch])
        _record(account=account, batch=batch, events=events, provider=client.provider, result=result)
    return result


def _query(shipment: Shipment) -> TrackingQuery:
    code = shipment.carrier.seventeen_track_code if shipment.carrier is not None else None
    return TrackingQuery(number=shipment.tracking_number, carrier_code=code)


def _record(
    *,
    account: TrackingProviderAccount,
    batch: list[Shipment],
    events: list[ProviderEvent],
    provider: str,
    result: PollResult,
) -> None:
    by_number: dict[str, list[ProviderEvent]] = defaultdict(list)
    for event in events:
        by_number[event.tracking_number.upper()].append(event)
    for shipment in batch:
        found = by_number.get(shipment.tracking_number.upper())
        if not found:
            continue
        update = ParcelUpdate(
            provider=provider,
            tracking_number=shipment.tracking_number,
            carrier_code=found[0].carrier_code,
            events=tuple(found),
        )
        recorded = tracking_events_record(store=account.store, update=update, shipment=shipment)
        result.stored += recorded.stored
        result.duplicates += recorded.duplicates
        if recorded.status_changed:
            result.changed.append(shipment.pk)

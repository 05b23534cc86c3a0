"""Clients for tracking APIs the helpdesk polls (``base.CarrierTrackingClient``), by provider."""

from __future__ import annotations

from logistics.models import TrackingProvider, TrackingProviderAccount
from logistics.tracking_clients.base import CarrierTrackingClient, TrackingClientError, TrackingQuery
from logistics.tracking_clients.seventeen_track import SeventeenTrackClient

__all__ = [
    "CarrierTrackingClient",
    "TrackingClientError",
    "TrackingQuery",
    "batch_size_for",
    "client_for_account",
]


def client_for_account(account: TrackingProviderAccount) -> SeventeenTrackClient:
    """The polling client of an account; only 17TRACK accounts poll (a model constraint)."""
    if account.provider != TrackingProvider.SEVENTEEN_TRACK:
        raise TrackingClientError(f"{account.get_provider_display()} accounts cannot be polled.")
    return SeventeenTrackClient(api_key=account.secret, base_url=account.api_url)


def batch_size_for(account: TrackingProviderAccount) -> int:
    """How many parcels one API call of the account's provider answers about."""
    return SeventeenTrackClient.max_batch

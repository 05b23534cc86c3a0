"""Signals logistics sends to the apps that act on parcels (CONVENTIONS 7: custom, cross-app).

Logistics finds parcel anomalies but does not write to customers or open tickets itself (DESIGN:
dependencies point from tickets to logistics, never back). The tickets app listens (connected in
``TicketsConfig.ready``) and sends the proactive notice and opens the ticket for severe anomalies.
"""

from __future__ import annotations

from django.dispatch import Signal

# Sent after commit when an anomaly needs care, and again by the periodic scan while it still
# does (a scheduled task can be lost). Keyword arguments:
#   anomaly_id: int
#   notify_at: datetime | None  -- the customer's notice is due then (None: no notice now)
#   escalate: bool              -- severe and no ticket opened for it yet
# Receivers must be idempotent: logistics.services.care claims each notice and ticket once.
parcel_anomaly_needs_care = Signal()

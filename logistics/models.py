"""Parcels and what carriers say about them: carriers, shipments, tracking events, lanes."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class TrackingStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    INFO_RECEIVED = "info_received", _("Info received")
    IN_TRANSIT = "in_transit", _("In transit")
    OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
    AVAILABLE_FOR_PICKUP = "available_for_pickup", _("Available for pick-up")
    DELIVERED = "delivered", _("Delivered")
    FAILED_ATTEMPT = "failed_attempt", _("Failed attempt")
    EXCEPTION = "exception", _("Exception")
    CUSTOMS_HOLD = "customs_hold", _("Held in customs")
    RETURNED_TO_SENDER = "returned_to_sender", _("Returned to sender")
    EXPIRED = "expired", _("Expired")


class Carrier(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    country = models.CharField(_("home country"), max_length=2, blank=True)
    tracking_url_template = models.CharField(
        _("tracking page URL"),
        max_length=300,
        blank=True,
        help_text=_("Public tracking page; {number} is replaced by the tracking number."),
    )
    aftership_slug = models.CharField(_("AfterShip slug"), max_length=60, blank=True)
    seventeen_track_code = models.PositiveIntegerField(_("17TRACK carrier code"), null=True, blank=True)

    class Meta:
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def tracking_url(self, number: str) -> str:
        return self.tracking_url_template.replace("{number}", number) if number else ""


class Shipment(models.Model):
    """A parcel, outbound to the customer or coming back as a return."""

    class Direction(models.TextChoices):
        OUTBOUND = "outbound", _("Outbound")
        RETURN = "return", _("Return")

    class Anomaly(models.TextChoices):
        NONE = "", _("None")
        STALLED = "stalled", _("Stalled")
        CUSTOMS = "customs", _("Held in customs")
        FAILED_DELIVERY = "failed_delivery", _("Failed delivery")
        EXCEPTION = "exception", _("Exception")
        RETURNED = "returned", _("Returned to sender")
        LATE = "late", _("Late")
        EARLY_WARNING = "early_warning", _("Slower than the lane")

    store = models.ForeignKey(
        "customers.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="shipments"
    )
    order = models.ForeignKey(
        "customers.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="shipments",
    )
    carrier = models.ForeignKey(
        Carrier,
        verbose_name=_("carrier"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="shipments",
    )
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.OUTBOUND
    )
    status = models.CharField(
        _("status"), max_length=24, choices=TrackingStatus.choices, default=TrackingStatus.PENDING
    )
    sub_status = models.CharField(_("sub-status"), max_length=40, blank=True)
    origin_country = models.CharField(_("from"), max_length=2, blank=True)
    destination_country = models.CharField(_("to"), max_length=2, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    promised_by = models.DateField(_("promised by"), null=True, blank=True)
    estimated_delivery_at = models.DateTimeField(_("estimated delivery"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_event_at = models.DateTimeField(_("last scan"), null=True, blank=True)
    last_location = models.CharField(_("last location"), max_length=200, blank=True)
    anomaly = models.CharField(
        _("anomaly"), max_length=20, choices=Anomaly.choices, default=Anomaly.NONE, blank=True
    )
    provider = models.CharField(
        _("tracking provider"), max_length=20, blank=True, help_text=_("aftership, 17track, carrier")
    )
    # The carrier and number told to the order's sales platform (once; see
    # logistics.services.platform_tracking).
    tracking_pushed_at = models.DateTimeField(
        _("tracking sent to the platform"),
        null=True,
        blank=True,
        help_text=_("When the order's platform was told the carrier and tracking number."),
    )
    tracking_push_reference = models.CharField(
        _("platform's reference"), max_length=200, blank=True, help_text=_("The platform's id of the update.")
    )
    tracking_push_error = models.CharField(
        _("platform refused the tracking"),
        max_length=500,
        blank=True,
        help_text=_("Why the platform refused it; it is not sent again until this is cleared."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "tracking_number"], name="shipment_unique_carrier_number"
            ),
            models.UniqueConstraint(
                fields=["tracking_number"],
                condition=Q(carrier__isnull=True),
                name="shipment_unique_number_no_carrier",
            ),
            models.CheckConstraint(
                condition=Q(delivered_at__isnull=True)
                | Q(shipped_at__isnull=True)
                | Q(delivered_at__gte=F("shipped_at")),
                name="shipment_delivered_after_shipped",
            ),
        ]
        indexes = [
            # The stalled-parcel scan: parcels still moving, oldest last scan first.
            models.Index(fields=["status", "last_event_at"], name="shipment_scan_idx"),
            models.Index(
                fields=["origin_country", "destination_country", "carrier"], name="shipment_lane_idx"
            ),
            models.Index(fields=["tracking_number"], name="shipment_number_idx"),
        ]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def tracking_url(self) -> str:
        return self.carrier.tracking_url(self.tracking_number) if self.carrier is not None else ""


class TrackingEvent(models.Model):
    """One checkpoint reported by a provider; stored once however often it is delivered."""

    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="events"
    )
    provider = models.CharField(_("provider"), max_length=20)
    provider_event_id = models.CharField(
        _("provider event id"),
        max_length=128,
        help_text=_("The provider's id, or a hash of number, time, status and text when it has none."),
    )
    occurred_at = models.DateTimeField(_("time (UTC)"))
    local_timezone = models.CharField(_("local time zone"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=TrackingStatus.choices)
    sub_status = models.CharField(_("sub-status"), max_length=40, blank=True)
    raw_status = models.CharField(_("provider status"), max_length=60, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    raw = models.JSONField(_("provider payload"), default=dict, blank=True, editable=False)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["shipment", "occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_event_id"], name="trackingevent_unique_provider_id"
            )
        ]
        indexes = [models.Index(fields=["shipment", "occurred_at"], name="trackingevent_timeline_idx")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class ShipmentAnomaly(models.Model):
    """An anomaly found on a parcel; one per kind, so the customer is told once."""

    class Severity(models.IntegerChoices):
        LOW = 1, _("Low")
        MEDIUM = 2, _("Medium")
        HIGH = 3, _("High")

    shipment = models.ForeignKey(
        Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="anomalies"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Shipment.Anomaly.choices)
    severity = models.PositiveSmallIntegerField(
        _("severity"), choices=Severity.choices, default=Severity.MEDIUM
    )
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    detected_at = models.DateTimeField(_("detected"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    customer_notified_at = models.DateTimeField(_("customer notified"), null=True, blank=True)
    notice_due_at = models.DateTimeField(
        _("notice due"),
        null=True,
        blank=True,
        help_text=_("When the customer is to be told: the next sensible hour of their day."),
    )
    notice_note = models.CharField(
        _("notice"), max_length=300, blank=True, help_text=_("Why no notice was sent, when none was.")
    )
    escalated_at = models.DateTimeField(
        _("ticket opened"), null=True, blank=True, help_text=_("Severe anomalies open a ticket, once.")
    )

    class Meta:
        verbose_name = _("shipment anomaly")
        verbose_name_plural = _("shipment anomalies")
        ordering = ["-detected_at"]
        indexes = [
            # The sweep for notices whose scheduled task was lost (a worker restart, a broker flush).
            models.Index(
                fields=["notice_due_at"],
                condition=Q(customer_notified_at__isnull=True, notice_due_at__isnull=False),
                name="anomaly_notice_due_idx",
            ),
            # Open anomalies, for the sweep of severe ones that still need their ticket.
            models.Index(fields=["severity"], condition=Q(resolved_at__isnull=True), name="anomaly_open_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["shipment", "kind"], name="anomaly_unique_shipment_kind"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("detected_at")),
                name="anomaly_resolved_after_detected",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment} · {self.get_kind_display()}"


class LaneStatistic(models.Model):
    """How long a lane (origin → destination by one carrier) usually takes; computed nightly."""

    origin_country = models.CharField(_("from"), max_length=2)
    destination_country = models.CharField(_("to"), max_length=2)
    carrier = models.ForeignKey(
        Carrier, verbose_name=_("carrier"), on_delete=models.CASCADE, related_name="lanes"
    )
    sample_size = models.PositiveIntegerField(_("parcels"), default=0)
    median_days = models.DecimalField(_("median days"), max_digits=6, decimal_places=2)
    p80_days = models.DecimalField(_("p80 days"), max_digits=6, decimal_places=2)
    p95_days = models.DecimalField(_("p95 days"), max_digits=6, decimal_places=2)
    median_scan_gap_hours = models.DecimalField(
        _("median gap between scans (h)"), max_digits=8, decimal_places=2, default=0
    )
    on_time_rate = models.DecimalField(_("on time"), max_digits=5, decimal_places=4, default=0)
    loss_rate = models.DecimalField(_("lost"), max_digits=5, decimal_places=4, default=0)
    returned_rate = models.DecimalField(_("returned to sender"), max_digits=5, decimal_places=4, default=0)
    computed_at = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("lane statistic")
        verbose_name_plural = _("lane statistics")
        ordering = ["origin_country", "destination_country", "carrier"]
        constraints = [
            models.UniqueConstraint(
                fields=["origin_country", "destination_country", "carrier"], name="lane_unique"
            ),
            models.CheckConstraint(
                condition=Q(median_days__gte=0)
                & Q(p80_days__gte=F("median_days"))
                & Q(p95_days__gte=F("p80_days")),
                name="lane_percentiles_ordered",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{rate}__gte": 0}) & Q(**{f"{rate}__lte": 1}),
                    name=f"lane_{rate}_between_0_and_1",
                )
                for rate in ("on_time_rate", "loss_rate", "returned_rate")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.origin_country}→{self.destination_country} {self.carrier}"


class TrackingProvider(models.TextChoices):
    AFTERSHIP = "aftership", "AfterShip"
    SEVENTEEN_TRACK = "17track", "17TRACK"


class TrackingProviderAccount(models.Model):
    """A store's account with a tracking provider: verifies its webhooks, and may poll it.

    Webhooks post to ``/webhooks/tracking/<provider>/<store's public key>/``; the secret
    proves they come from the provider.
    """

    provider = models.CharField(_("provider"), max_length=20, choices=TrackingProvider.choices)
    store = models.ForeignKey(
        "customers.Store",
        verbose_name=_("store"),
        on_delete=models.CASCADE,
        related_name="tracking_accounts",
    )
    secret = models.CharField(
        _("secret"),
        max_length=200,
        help_text=_(
            "AfterShip: the webhook secret (Settings › Webhooks). 17TRACK: the security key, "
            "which signs its webhooks and is the API key for polling."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    poll = models.BooleanField(
        _("poll"),
        default=False,
        help_text=_(
            "Ask the provider's API regularly about this store's parcels whose tracking provider "
            "is “carrier” (no webhook of their own). 17TRACK only."
        ),
    )
    api_url = models.URLField(
        _("API address"),
        blank=True,
        help_text=_("Empty: the provider's own (https://api.17track.net/track/v2.2)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("tracking provider account")
        verbose_name_plural = _("tracking provider accounts")
        ordering = ["store", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "provider"], name="trackingaccount_unique_store_provider"
            ),
            models.CheckConstraint(
                condition=Q(poll=False) | Q(provider=TrackingProvider.SEVENTEEN_TRACK),
                name="trackingaccount_poll_17track_only",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_provider_display()} · {self.store}"

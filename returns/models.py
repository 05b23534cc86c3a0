"""Returns, the rules that decide them, the refunds they lead to, and compensation offers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from helpdesk.money import currency_field, currency_is_iso, money_field, not_negative


class ReturnReason(models.TextChoices):
    DAMAGED = "damaged_item", _("Arrived damaged")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    MISSING_ITEM = "missing_item", _("Parts or items missing")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    DOES_NOT_FIT = "does_not_fit", _("Does not fit")
    CHANGED_MIND = "changed_mind", _("Changed my mind")
    DEFECTIVE = "defective", _("Stopped working")
    ARRIVED_LATE = "arrived_late", _("Arrived too late")


class ItemCondition(models.TextChoices):
    UNOPENED = "unopened", _("Unopened")
    LIKE_NEW = "like_new", _("Opened, as new")
    USED = "used", _("Used")
    DAMAGED = "damaged", _("Damaged")


class Resolution(models.TextChoices):
    REFUND = "refund", _("Refund to original payment")
    STORE_CREDIT = "store_credit", _("Store credit")
    EXCHANGE = "exchange", _("Exchange")
    KEEP_ITEM = "keep_item", _("Keep the item, partial refund")


class ReturnPolicy(models.Model):
    """Rules for one store and, optionally, one product category. Edited by managers."""

    store = models.ForeignKey(
        "customers.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="return_policies"
    )
    name = models.CharField(_("name"), max_length=200)
    category = models.CharField(
        _("product category"), max_length=100, blank=True, help_text=_("Empty: every category.")
    )
    window_days = models.PositiveIntegerField(_("return window (days from delivery)"), default=30)
    honour_holiday_extension = models.BooleanField(_("apply holiday extension"), default=True)
    final_sale = models.BooleanField(_("final sale (not returnable)"), default=False)
    accepted_conditions = models.JSONField(
        _("accepted conditions"),
        default=list,
        blank=True,
        help_text=_("Item conditions accepted; empty accepts any."),
    )
    restocking_fee_percent = models.DecimalField(
        _("restocking fee %"), max_digits=5, decimal_places=2, default=0
    )
    seller_pays_shipping_reasons = models.JSONField(
        _("reasons where the seller pays return shipping"), default=list, blank=True
    )
    returnless_max_value = money_field(
        _("returnless refund up to"), help_text=_("Refund without a return when the item costs less.")
    )
    returnless_shipping_share = models.DecimalField(
        _("returnless when shipping exceeds this share of value"),
        max_digits=4,
        decimal_places=2,
        default=0,
        help_text=_("0.5 = when return shipping costs more than half the item; 0 disables."),
    )
    serial_returner_rate = models.DecimalField(
        _("review customers whose return rate exceeds"), max_digits=4, decimal_places=2, default=0.5
    )
    auto_refund_on_receipt = models.BooleanField(_("refund when the parcel arrives"), default=False)
    expire_after_days = models.PositiveIntegerField(
        _("expire approved returns not shipped after (days)"), default=14
    )
    priority = models.PositiveSmallIntegerField(_("precedence"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("return policy")
        verbose_name_plural = _("return policies")
        ordering = ["store", "priority", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "category"],
                condition=Q(is_active=True),
                name="returnpolicy_one_active_per_category",
            ),
            models.CheckConstraint(
                condition=Q(restocking_fee_percent__gte=0) & Q(restocking_fee_percent__lte=100),
                name="returnpolicy_restocking_fee_percent",
            ),
            not_negative("returnless_max_value", "returnpolicy_returnless_not_negative"),
            models.CheckConstraint(
                condition=Q(serial_returner_rate__gte=0) & Q(serial_returner_rate__lte=1),
                name="returnpolicy_serial_rate_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReturnRequest(models.Model):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        NEEDS_REVIEW = "needs_review", _("Needs review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        LABEL_ISSUED = "label_issued", _("Label issued")
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")
        INSPECTED = "inspected", _("Inspected")
        REFUNDED = "refunded", _("Refunded")
        EXCHANGED = "exchanged", _("Exchanged")
        STORE_CREDIT_ISSUED = "store_credit_issued", _("Store credit issued")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    class Source(models.TextChoices):
        PORTAL = "portal", _("Customer portal")
        AGENT = "agent", _("Agent")
        API = "api", _("API")
        PLATFORM = "platform", _("Platform")

    rma_number = models.CharField(_("RMA number"), max_length=20, unique=True)
    store = models.ForeignKey(
        "customers.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="returns"
    )
    order = models.ForeignKey(
        "customers.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="returns"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="returns",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="returns",
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.REQUESTED)
    resolution = models.CharField(
        _("resolution"), max_length=20, choices=Resolution.choices, default=Resolution.REFUND
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    submission_key = models.CharField(
        _("submission key"),
        max_length=64,
        unique=True,
        help_text=_("Idempotency key of the request that created it (portal form, API)."),
    )
    decision_rules = models.JSONField(
        _("rules evaluated"),
        default=list,
        blank=True,
        help_text=_("Each rule evaluated with its outcome, so anyone can see why."),
    )
    decision_reason = models.CharField(_("decision reason"), max_length=300, blank=True)
    customer_pays_shipping = models.BooleanField(_("customer pays return shipping"), default=False)
    returnless = models.BooleanField(_("returnless refund"), default=False)
    return_shipment = models.ForeignKey(
        "logistics.Shipment",
        verbose_name=_("return parcel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="return_requests",
    )
    label = models.FileField(_("label"), upload_to="returns/labels/%Y/%m/", blank=True)
    requested_at = models.DateTimeField(_("requested"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True) | Q(decided_at__gte=F("requested_at")),
                name="return_decided_after_requested",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(closed_at__gte=F("requested_at")),
                name="return_closed_after_requested",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="return_queue_idx"),
        ]

    def __str__(self) -> str:
        return self.rma_number


class ReturnLine(models.Model):
    class Inspection(models.TextChoices):
        PENDING = "pending", _("Not inspected")
        PASSED = "passed", _("Passed")
        FAILED = "failed", _("Failed")

    return_request = models.ForeignKey(
        ReturnRequest, verbose_name=_("return"), on_delete=models.CASCADE, related_name="lines"
    )
    order_line = models.ForeignKey(
        "customers.OrderLine",
        verbose_name=_("order line"),
        on_delete=models.PROTECT,
        related_name="return_lines",
    )
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    reason = models.CharField(_("reason"), max_length=20, choices=ReturnReason.choices)
    condition = models.CharField(
        _("condition"), max_length=10, choices=ItemCondition.choices, default=ItemCondition.UNOPENED
    )
    comment = models.TextField(_("comment"), blank=True)
    inspection = models.CharField(
        _("inspection"), max_length=10, choices=Inspection.choices, default=Inspection.PENDING
    )
    inspection_notes = models.TextField(_("inspection notes"), blank=True)

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.UniqueConstraint(
                fields=["return_request", "order_line"], name="returnline_unique_order_line"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="returnline_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.sku}"


class ReturnEvent(models.Model):
    """Every status change of a return: who, when, from what, to what."""

    return_request = models.ForeignKey(
        ReturnRequest, verbose_name=_("return"), on_delete=models.CASCADE, related_name="events"
    )
    from_status = models.CharField(_("from"), max_length=24, choices=ReturnRequest.Status.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=24, choices=ReturnRequest.Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("return event")
        verbose_name_plural = _("return events")
        ordering = ["return_request", "created_at"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status}"


class Refund(models.Model):
    """A line in the refund ledger. The idempotency key makes a retried request a no-op."""

    class Method(models.TextChoices):
        ORIGINAL_PAYMENT = "original_payment", _("Original payment")
        STORE_CREDIT = "store_credit", _("Store credit")
        MANUAL = "manual", _("Marked as done by hand")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")

    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    order = models.ForeignKey(
        "customers.Order", verbose_name=_("order"), on_delete=models.PROTECT, related_name="refunds"
    )
    order_line = models.ForeignKey(
        "customers.OrderLine",
        verbose_name=_("order line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    return_request = models.ForeignKey(
        ReturnRequest,
        verbose_name=_("return"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="refunds",
    )
    amount = money_field(_("amount"))
    currency = currency_field()
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    platform_reference = models.CharField(_("platform reference"), max_length=100, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"))
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="refund_amount_positive"),
            currency_is_iso("currency", "refund_currency_iso"),
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True) | Q(issued_at__gte=F("created_at")),
                name="refund_issued_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.get_status_display()})"


class CompensationOffer(models.Model):
    """Goodwill for a bad experience, in three tiers (coupon → partial refund → full + gift)."""

    class Tier(models.IntegerChoices):
        COUPON = 1, _("Level 1: coupon or points")
        PARTIAL = 2, _("Level 2: partial refund or free reship")
        FULL = 3, _("Level 3: full refund plus a gift")

    class Kind(models.TextChoices):
        COUPON = "coupon", _("Coupon")
        POINTS = "points", _("Loyalty points")
        PARTIAL_REFUND = "partial_refund", _("Partial refund")
        RESHIP = "reship", _("Free reship")
        FULL_REFUND_GIFT = "full_refund_gift", _("Full refund and a gift")
        CHOICE = "choice", _("Customer's choice")

    class Status(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")

    order = models.ForeignKey(
        "customers.Order", verbose_name=_("order"), on_delete=models.CASCADE, related_name="compensations"
    )
    customer = models.ForeignKey(
        "customers.Customer",
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="compensations",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="compensations",
    )
    tier = models.PositiveSmallIntegerField(_("tier"), choices=Tier.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = money_field(_("value"))
    currency = currency_field()
    options = models.JSONField(_("options offered"), default=list, blank=True)
    chosen_option = models.CharField(_("customer's choice"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    reason = models.CharField(_("why"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"))
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("compensation offer")
        verbose_name_plural = _("compensation offers")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(tier__gte=1) & Q(tier__lte=3), name="compensation_tier_1_to_3"
            ),
            not_negative("amount", "compensation_amount_not_negative"),
            currency_is_iso("currency", "compensation_currency_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} · {self.order}"

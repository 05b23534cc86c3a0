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


def default_photo_reasons() -> list[str]:
    return [ReturnReason.DAMAGED.value, ReturnReason.WRONG_ITEM.value]


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
        _("reasons where the seller pays return shipping"),
        default=list,
        blank=True,
        help_text=_(
            "The seller's fault (damaged, wrong item…): the seller pays return shipping and no "
            "restocking fee is charged. Other reasons (changed mind, does not fit) are the customer's."
        ),
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
    serial_returner_min_orders = models.PositiveIntegerField(
        _("judge the return rate from this many orders"),
        default=3,
        help_text=_("A customer with fewer orders is never treated as a serial returner."),
    )
    photos_required_reasons = models.JSONField(
        _("reasons that need photos"),
        default=default_photo_reasons,
        blank=True,
        help_text=_("The customer must attach photos for these reasons (e.g. damaged or wrong item)."),
    )
    return_shipping_cost = money_field(
        _("cost of a return label"),
        help_text=_(
            "What one return label costs (store currency). Deducted from the refund when the customer "
            "pays return shipping; compared with the item's value for returnless refunds."
        ),
    )
    return_carrier = models.ForeignKey(
        "logistics.Carrier",
        verbose_name=_("return carrier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Carrier of the return labels. Empty: the store's usual carrier."),
    )
    exchange_allowed = models.BooleanField(_("offer exchanges"), default=True)
    store_credit_allowed = models.BooleanField(_("offer store credit"), default=True)
    store_credit_bonus_percent = models.DecimalField(
        _("store credit bonus %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_("Added to the refund when the customer takes store credit instead of money."),
    )
    keep_item_refund_percent = models.DecimalField(
        _("keep-the-item refund %"),
        max_digits=5,
        decimal_places=2,
        default=0,
        help_text=_("Share of the price refunded when the customer keeps the item; 0 never offers it."),
    )
    keep_item_reasons = models.JSONField(
        _("reasons where keeping the item is offered"),
        default=list,
        blank=True,
        help_text=_("Empty: every reason."),
    )
    review_answer_hours = models.PositiveIntegerField(
        _("answer reviews within (hours)"),
        default=48,
        help_text=_("What the customer is promised when a return needs review."),
    )
    auto_refund_on_receipt = models.BooleanField(_("refund when the parcel arrives"), default=False)
    expire_after_days = models.PositiveIntegerField(
        _("expire approved returns not shipped after (days)"), default=14
    )
    return_address = models.TextField(
        _("return address"),
        blank=True,
        help_text=_(
            "Where returned parcels go, one line per address line, printed on the label. "
            "Empty: the store's name and marketplace."
        ),
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
            models.CheckConstraint(
                condition=Q(store_credit_bonus_percent__gte=0) & Q(store_credit_bonus_percent__lte=100),
                name="returnpolicy_store_credit_bonus_percent",
            ),
            models.CheckConstraint(
                condition=Q(keep_item_refund_percent__gte=0) & Q(keep_item_refund_percent__lte=100),
                name="returnpolicy_keep_item_refund_percent",
            ),
            not_negative("return_shipping_cost", "returnpolicy_shipping_cost_not_negative"),
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
    customer_language = models.CharField(
        _("customer's language"), max_length=10, blank=True, help_text=_("For texts and the portal.")
    )
    currency = currency_field()
    refund_total = money_field(
        _("refund due"), help_text=_("Sum of the lines' refunds after fees and any store-credit bonus.")
    )
    restocking_fee_total = money_field(_("restocking fees"))
    return_shipping_fee = money_field(
        _("return shipping deducted"),
        help_text=_("The label's cost, when the customer pays return shipping."),
    )
    review_due_at = models.DateTimeField(_("review answer due"), null=True, blank=True)
    label_issued_at = models.DateTimeField(_("label issued"), null=True, blank=True)
    ship_by = models.DateTimeField(
        _("ship by"), null=True, blank=True, help_text=_("Not shipped by then: the return expires.")
    )
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
            not_negative("refund_total", "return_refund_total_not_negative"),
            not_negative("restocking_fee_total", "return_restocking_fee_not_negative"),
            not_negative("return_shipping_fee", "return_shipping_fee_not_negative"),
            currency_is_iso("currency", "return_currency_iso"),
        ]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="return_queue_idx"),
            # The expiry scan: approved returns not shipped, oldest deadline first.
            models.Index(fields=["status", "ship_by"], name="return_ship_by_idx"),
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
    exchange_for = models.ForeignKey(
        "customers.Product",
        verbose_name=_("exchange for"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="exchange_return_lines",
        help_text=_("The variant the customer wants instead."),
    )
    refund_amount = money_field(
        _("refund"), help_text=_("What this line refunds, after any restocking fee and before a bonus.")
    )
    restocking_fee = money_field(_("restocking fee"))

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.UniqueConstraint(
                fields=["return_request", "order_line"], name="returnline_unique_order_line"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="returnline_quantity_positive"),
            not_negative("refund_amount", "returnline_refund_not_negative"),
            not_negative("restocking_fee", "returnline_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.order_line.sku}"


class ReturnPhoto(models.Model):
    """A photo of a returned item: the customer's (damage, wrong item) or the inspector's."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer", _("From the customer")
        INSPECTION = "inspection", _("From the inspection")

    return_line = models.ForeignKey(
        ReturnLine, verbose_name=_("return line"), on_delete=models.CASCADE, related_name="photos"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CUSTOMER)
    file = models.FileField(_("file"), upload_to="returns/photos/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the customer."),
    )
    uploaded_at = models.DateTimeField(_("uploaded"))

    class Meta:
        verbose_name = _("return photo")
        verbose_name_plural = _("return photos")
        ordering = ["return_line", "uploaded_at", "id"]
        constraints = [
            # The same picture sent twice (a double submit) is kept once.
            models.UniqueConstraint(
                fields=["return_line", "kind", "sha256"], name="returnphoto_unique_line_kind_hash"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.sha256[:12]}"


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
        PLATFORM = "platform", _("Refunded on the platform")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        PROCESSING = "processing", _("Sending to the platform")
        MANUAL = "manual", _("To be done by hand")
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
    bonus_amount = money_field(
        _("store credit bonus"),
        help_text=_("Credit added on top of the amount; not money paid back, so not counted against it."),
    )
    currency = currency_field()
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    platform_reference = models.CharField(_("platform reference"), max_length=100, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=500, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_retry_at = models.DateTimeField(
        _("next retry"), null=True, blank=True, help_text=_("Empty on a failed refund: no more retries.")
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by hand by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
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
            not_negative("bonus_amount", "refund_bonus_not_negative"),
            currency_is_iso("currency", "refund_currency_iso"),
            models.CheckConstraint(
                condition=Q(issued_at__isnull=True) | Q(issued_at__gte=F("created_at")),
                name="refund_issued_after_created",
            ),
        ]
        indexes = [
            # The retry scan: failed or stuck refunds whose next attempt is due.
            models.Index(fields=["status", "next_retry_at"], name="refund_retry_idx"),
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
    # The ticket the offer was made on (0: the order alone). Kept when the ticket is deleted,
    # so the one-offer-per-tier rule never collides with offers whose ticket went away.
    scope_ticket_id = models.PositiveBigIntegerField(_("offered on ticket"), default=0, editable=False)
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
    reasons = models.JSONField(
        _("why this tier"),
        default=list,
        blank=True,
        help_text=_("The suggestion's reasons, as the agent saw them."),
    )
    terms = models.JSONField(
        _("terms"),
        default=dict,
        blank=True,
        help_text=_("What each option is worth: coupon, refund, points, gift, reship carrier."),
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("offered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    refund = models.ForeignKey(
        Refund,
        verbose_name=_("refund"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reship_shipment = models.ForeignKey(
        "logistics.Shipment",
        verbose_name=_("reship parcel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

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
            # One offer per tier for a ticket's order (or for the order alone): a double click
            # or a second agent gets the same offer back, never a second one.
            models.UniqueConstraint(
                fields=["order", "scope_ticket_id", "tier"], name="compensation_unique_scope_tier"
            ),
        ]
        indexes = [
            # The monthly caps: a store's offers of one tier since the first of the month.
            models.Index(fields=["tier", "created_at"], name="compensation_tier_month_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} · {self.order}"


class CompensationPolicy(models.Model):
    """How much goodwill a store gives, per tier, and its limits. Edited by managers in admin.

    Amounts are in the store's currency. A limit left empty is no limit; 0 never offers the tier.
    """

    store = models.OneToOneField(
        "customers.Store",
        verbose_name=_("store"),
        on_delete=models.CASCADE,
        related_name="compensation_policy",
    )
    is_active = models.BooleanField(
        _("suggest compensation"),
        default=True,
        help_text=_("Off: no compensation is suggested for this store."),
    )
    coupon_value = money_field(_("level 1 coupon: at least"), default=5)
    coupon_percent = models.DecimalField(
        _("level 1 coupon: percent of the order"),
        max_digits=5,
        decimal_places=2,
        default=10,
        help_text=_("The coupon is worth this share of the order when that is more than the minimum."),
    )
    points = models.PositiveIntegerField(
        _("level 1 loyalty points"),
        default=0,
        help_text=_("Given instead of a coupon to repeat customers; 0 always gives a coupon."),
    )
    points_value = money_field(_("what the points are worth"), help_text=_("Counted against the limits."))
    partial_refund_percent = models.DecimalField(
        _("level 2 partial refund %"), max_digits=5, decimal_places=2, default=20
    )
    gift = models.CharField(_("level 3 gift"), max_length=200, blank=True)
    gift_value = money_field(_("what the gift is worth"))
    reship_carrier = models.ForeignKey(
        "logistics.Carrier",
        verbose_name=_("faster carrier for reships"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the fastest carrier on the parcel's lane."),
    )
    moderate_delay_days = models.PositiveSmallIntegerField(_("late by this many days: level 2"), default=5)
    severe_delay_days = models.PositiveSmallIntegerField(_("late by this many days: level 3"), default=14)
    high_value_order = money_field(
        _("high-value order from"),
        default=200,
        help_text=_(
            "A claim on an order worth this much starts at level 2: a coupon would not match the loss."
        ),
    )
    vip_lifetime_value = money_field(_("valued customer: lifetime spend from"), default=500)
    vip_orders_count = models.PositiveIntegerField(_("valued customer: orders from"), default=5)
    tier1_max_per_order = money_field(_("level 1: most per order"), null=True, blank=True, default=None)
    tier2_max_per_order = money_field(_("level 2: most per order"), null=True, blank=True, default=None)
    tier3_max_per_order = money_field(_("level 3: most per order"), null=True, blank=True, default=None)
    tier1_monthly_budget = money_field(_("level 1: most per month"), null=True, blank=True, default=None)
    tier2_monthly_budget = money_field(_("level 2: most per month"), null=True, blank=True, default=None)
    tier3_monthly_budget = money_field(_("level 3: most per month"), null=True, blank=True, default=None)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("compensation policy")
        verbose_name_plural = _("compensation policies")
        ordering = ["store"]
        constraints = [
            models.CheckConstraint(
                condition=Q(coupon_percent__gte=0) & Q(coupon_percent__lte=100),
                name="compensationpolicy_coupon_percent",
            ),
            models.CheckConstraint(
                condition=Q(partial_refund_percent__gte=0) & Q(partial_refund_percent__lte=100),
                name="compensationpolicy_partial_refund_percent",
            ),
            models.CheckConstraint(
                condition=Q(moderate_delay_days__gte=1) & Q(severe_delay_days__gte=F("moderate_delay_days")),
                name="compensationpolicy_delays_ordered",
            ),
            *[
                not_negative(field, f"compensationpolicy_{field}_not_negative")
                for field in (
                    "coupon_value",
                    "points_value",
                    "gift_value",
                    "high_value_order",
                    "vip_lifetime_value",
                    "tier1_max_per_order",
                    "tier2_max_per_order",
                    "tier3_max_per_order",
                    "tier1_monthly_budget",
                    "tier2_monthly_budget",
                    "tier3_monthly_budget",
                )
            ],
        ]

    def __str__(self) -> str:
        return str(_("Compensation policy of %(store)s") % {"store": self.store})


class CompensationTagRule(models.Model):
    """Part of a store's compensation policy: customers with a tag get a level more, a level
    less, at most some level, or nothing without a lead's review (e.g. VIP one level up,
    serial returner nothing automatic)."""

    class Effect(models.TextChoices):
        UP = "up", _("One level up")
        DOWN = "down", _("One level down")
        MAX_COUPON = "max_1", _("At most level 1")
        MAX_PARTIAL = "max_2", _("At most level 2")
        REVIEW = "review", _("Nothing automatic: a lead reviews")

    policy = models.ForeignKey(
        CompensationPolicy,
        verbose_name=_("compensation policy"),
        on_delete=models.CASCADE,
        related_name="tag_rules",
    )
    tag = models.ForeignKey(
        "customers.Tag", verbose_name=_("customer tag"), on_delete=models.CASCADE, related_name="+"
    )
    effect = models.CharField(_("effect"), max_length=10, choices=Effect.choices)

    class Meta:
        verbose_name = _("compensation rule for a customer tag")
        verbose_name_plural = _("compensation rules for customer tags")
        ordering = ["policy", "id"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "tag"], name="compensationtagrule_unique_tag"),
        ]

    def __str__(self) -> str:
        return f"{self.tag}: {self.get_effect_display()}"

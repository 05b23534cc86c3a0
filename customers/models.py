"""Who sells, who buys and what was bought: stores, customers, products, orders, tags."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from helpdesk.money import currency_field, currency_is_iso, money_field, not_negative


class Platform(models.TextChoices):
    AMAZON = "amazon", "Amazon"
    EBAY = "ebay", "eBay"
    SHOPIFY = "shopify", "Shopify"
    WOOCOMMERCE = "woocommerce", "WooCommerce"
    MAGENTO = "magento", "Magento"
    SHOPEE = "shopee", "Shopee"
    ALIEXPRESS = "aliexpress", "AliExpress"
    EMAIL = "email", _("E-mail")
    WEB = "web", _("Web form")


def new_inbound_key() -> str:
    """The public name of a store in its contact-form, chat and webhook URLs."""
    return secrets.token_urlsafe(24)


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class Store(models.Model):
    """A seller's account on one platform (an Amazon marketplace, a Shopify shop, a mailbox)."""

    name = models.CharField(_("name"), max_length=200)
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    external_id = models.CharField(
        _("platform account id"),
        max_length=200,
        help_text=_("Seller id, shop domain or mailbox address on the platform."),
    )
    marketplace = models.CharField(
        _("marketplace country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2")
    )
    currency = currency_field()
    default_language = models.CharField(_("default language"), max_length=10, default="en")
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    support_email = models.EmailField(_("support e-mail"), blank=True)
    brand_color = models.CharField(_("brand colour"), max_length=7, default="#1f6feb")
    logo_url = models.URLField(_("logo URL"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    inbound_key = models.CharField(
        _("public key"),
        max_length=64,
        unique=True,
        default=new_inbound_key,
        help_text=_(
            "Names the store in the contact form, chat widget and platform webhook URLs. "
            "Public (it is in the shop's pages); change it to retire old URLs."
        ),
    )
    webhook_secret = models.CharField(
        _("webhook secret"),
        max_length=200,
        default=new_webhook_secret,
        help_text=_(
            "Verifies platform webhooks: Shopify's app API secret key, the WooCommerce webhook's "
            "secret, or the key of the X-Helpdesk-Signature HMAC for the other platforms."
        ),
    )
    allowed_origins = models.JSONField(
        _("chat widget sites"),
        default=list,
        blank=True,
        help_text=_('Origins allowed to embed the chat widget, e.g. ["https://shop.example.com"].'),
    )
    auto_answer_threshold = models.FloatField(
        _("answer automatically from confidence"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_(
            "Where-is-my-order (with a linked parcel), return-policy and refund-status questions "
            "are answered at once, with live facts, when the intent confidence is at least this "
            "(0–1, e.g. 0.8). Empty: never answer automatically."
        ),
    )
    follow_up_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("follow-ups go to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_(
            "Who gets the automatic follow-ups of this store's customers (repurchase reminders). "
            "Empty: the lead of a team that covers the store."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("store")
        verbose_name_plural = _("stores")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["platform", "external_id"], name="store_unique_platform_account"),
            currency_is_iso("currency", "store_currency_iso"),
            models.CheckConstraint(
                condition=Q(auto_answer_threshold__isnull=True)
                | Q(auto_answer_threshold__gte=0, auto_answer_threshold__lte=1),
                name="store_auto_answer_threshold_0_to_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_platform_display()})"


class Customer(models.Model):
    """One person, however many platforms and addresses they write from."""

    display_name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("primary e-mail"), blank=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    country = models.CharField(_("country"), max_length=2, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, blank=True)
    lifetime_value = money_field(_("lifetime value"))
    lifetime_value_currency = currency_field()
    orders_count = models.PositiveIntegerField(_("orders"), default=0)
    returns_count = models.PositiveIntegerField(_("returns"), default=0)
    claims_count = models.PositiveIntegerField(_("claims"), default=0)
    first_seen_at = models.DateTimeField(_("first seen"), null=True, blank=True)
    surveys_opt_out = models.BooleanField(_("opted out of surveys"), default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged_customers",
    )
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField("Tag", through="CustomerTag", related_name="customers")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at"]
        constraints = [
            not_negative("lifetime_value", "customer_ltv_not_negative"),
            currency_is_iso("lifetime_value_currency", "customer_ltv_currency_iso"),
            models.CheckConstraint(condition=~Q(merged_into=F("id")), name="customer_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email or f"#{self.pk}"


class CustomerIdentity(models.Model):
    """How a customer is known on one platform: an e-mail, a buyer id, a phone number."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("E-mail address")
        BUYER_ID = "buyer_id", _("Platform buyer id")
        PHONE = "phone", _("Phone")
        CHAT = "chat", _("Chat visitor")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="identities"
    )
    platform = models.CharField(_("platform"), max_length=20, choices=Platform.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(
        _("value"), max_length=254, help_text=_("Normalised: lower-case e-mail, E.164 phone.")
    )
    display_name = models.CharField(_("name on platform"), max_length=200, blank=True)
    verified = models.BooleanField(_("verified"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer identity")
        verbose_name_plural = _("customer identities")
        constraints = [
            models.UniqueConstraint(
                fields=["platform", "kind", "value"], name="identity_unique_platform_kind_value"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()} {self.get_kind_display()}: {self.value}"


class Product(models.Model):
    store = models.ForeignKey(
        Store, verbose_name=_("store"), on_delete=models.CASCADE, related_name="products"
    )
    sku = models.CharField(_("SKU"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    category = models.CharField(_("category"), max_length=100, blank=True, db_index=True)
    price = money_field(_("price"))
    currency = currency_field()
    external_id = models.CharField(_("platform product id"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["store", "sku"]
        constraints = [
            models.UniqueConstraint(fields=["store", "sku"], name="product_unique_store_sku"),
            not_negative("price", "product_price_not_negative"),
            currency_is_iso("currency", "product_currency_iso"),
        ]

    def __str__(self) -> str:
        return f"{self.sku} — {self.title}"


class Order(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending payment")
        PAID = "paid", _("Paid")
        FULFILLED = "fulfilled", _("Shipped")
        PARTIALLY_REFUNDED = "partially_refunded", _("Partially refunded")
        REFUNDED = "refunded", _("Refunded")
        CANCELLED = "cancelled", _("Cancelled")

    store = models.ForeignKey(Store, verbose_name=_("store"), on_delete=models.PROTECT, related_name="orders")
    customer = models.ForeignKey(
        Customer,
        verbose_name=_("customer"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    external_id = models.CharField(
        _("order number"), max_length=64, help_text=_("The order number on the platform.")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PAID)
    placed_at = models.DateTimeField(_("placed"))
    currency = currency_field()
    subtotal = money_field(_("subtotal"))
    shipping_total = money_field(_("shipping"))
    tax_total = money_field(_("tax"))
    total = money_field(_("total"))
    email = models.EmailField(_("order e-mail"), blank=True)
    shipping_name = models.CharField(_("ship-to name"), max_length=200, blank=True)
    shipping_country = models.CharField(_("ship-to country"), max_length=2, blank=True)
    shipping_postal_code = models.CharField(_("ship-to postal code"), max_length=20, blank=True)
    shipping_address = models.JSONField(_("ship-to address"), default=dict, blank=True)
    is_gift = models.BooleanField(_("gift"), default=False)
    raw = models.JSONField(_("platform payload"), default=dict, blank=True, editable=False)
    # The platform's own id of the order (Shopify's 450789469, WooCommerce's 727): what its
    # webhooks name the order by, while ``external_id`` is the number the customer sees.
    platform_id = models.CharField(_("platform order id"), max_length=64, blank=True)
    platform_updated_at = models.DateTimeField(
        _("updated on the platform"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at"]
        constraints = [
            models.UniqueConstraint(fields=["store", "external_id"], name="order_unique_store_number"),
            models.UniqueConstraint(
                fields=["store", "platform_id"],
                condition=~Q(platform_id=""),
                name="order_unique_store_platform_id",
            ),
            not_negative("subtotal", "order_subtotal_not_negative"),
            not_negative("shipping_total", "order_shipping_not_negative"),
            not_negative("tax_total", "order_tax_not_negative"),
            not_negative("total", "order_total_not_negative"),
            currency_is_iso("currency", "order_currency_iso"),
        ]
        indexes = [
            models.Index(fields=["customer", "-placed_at"], name="order_customer_recent_idx"),
            models.Index(fields=["email"], name="order_email_idx"),
        ]

    def __str__(self) -> str:
        return self.external_id


class OrderLine(models.Model):
    order = models.ForeignKey(Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="order_lines",
    )
    external_id = models.CharField(_("platform line id"), max_length=64)
    sku = models.CharField(_("SKU"), max_length=100)
    title = models.CharField(_("title"), max_length=300)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    unit_price = money_field(_("unit price"))
    total_paid = money_field(_("paid"), help_text=_("What the customer paid for this line, after discounts."))
    refunded_amount = money_field(
        _("refunded"), help_text=_("Sum of the refunds recorded for this line (the refund ledger keeps it).")
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "external_id"], name="orderline_unique_order_line_id"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="orderline_quantity_positive"),
            not_negative("unit_price", "orderline_unit_price_not_negative"),
            not_negative("total_paid", "orderline_paid_not_negative"),
            not_negative("refunded_amount", "orderline_refunded_not_negative"),
            # The database backstop for "never refund more than was paid".
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("total_paid")), name="orderline_refund_within_paid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.sku}"


class Tag(models.Model):
    class Kind(models.TextChoices):
        MANUAL = "manual", _("Manual")
        AUTOMATIC = "automatic", _("Automatic (rule)")

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MANUAL)
    color = models.CharField(_("colour"), max_length=7, default="#6e7781")
    description = models.CharField(_("description"), max_length=300, blank=True)
    priority_points = models.SmallIntegerField(
        _("priority points"),
        default=0,
        validators=[MinValueValidator(-50), MaxValueValidator(50)],
        help_text=_(
            "Added to the priority score of every ticket from a customer with this tag, "
            "e.g. 15 for VIP (-50 to 50; 0: none). The ticket page shows it among the reasons."
        ),
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomerTag(models.Model):
    """A customer's membership of a tag or segment, with why and when it was set."""

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="tag_links"
    )
    tag = models.ForeignKey(
        Tag, verbose_name=_("tag"), on_delete=models.CASCADE, related_name="customer_links"
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    set_at = models.DateTimeField(_("set"), auto_now_add=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("set by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("customer tag")
        verbose_name_plural = _("customer tags")
        constraints = [models.UniqueConstraint(fields=["customer", "tag"], name="customertag_unique")]

    def __str__(self) -> str:
        return f"{self.customer} · {self.tag}"


class IdentityMatchSuggestion(models.Model):
    """Two customers who may be one person, waiting for an agent to merge them or say no.

    Kept with the lower id first, so a pair is suggested once whichever side is found first.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        ACCEPTED = "accepted", _("Merged")
        REJECTED = "rejected", _("Not the same person")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="match_suggestions"
    )
    candidate = models.ForeignKey(
        Customer, verbose_name=_("possibly the same as"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.FloatField(_("confidence"), validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    reasons = models.JSONField(_("why"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    created_at = models.DateTimeField(_("suggested"), auto_now_add=True)

    class Meta:
        verbose_name = _("identity match suggestion")
        verbose_name_plural = _("identity match suggestions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["customer", "candidate"], name="matchsuggestion_unique_pair"),
            models.CheckConstraint(
                condition=Q(customer__lt=F("candidate")), name="matchsuggestion_ordered_pair"
            ),
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="matchsuggestion_status_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} ≟ {self.candidate_id}"


class CustomerMerge(models.Model):
    """The audit trail of one merge: who folded which customer into which, and what moved,
    so an unmerge can put every identity, order, ticket and return back."""

    target = models.ForeignKey(
        Customer, verbose_name=_("kept customer"), on_delete=models.CASCADE, related_name="merges_in"
    )
    source = models.ForeignKey(
        Customer, verbose_name=_("merged customer"), on_delete=models.CASCADE, related_name="merges_out"
    )
    merged_from = models.JSONField(
        _("what moved"),
        default=dict,
        help_text=_("The merged customer's profile and the ids of the records moved to the kept one."),
    )
    automatic = models.BooleanField(_("automatic"), default=False)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("merged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("merged"), auto_now_add=True)
    undone_at = models.DateTimeField(_("unmerged"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("unmerged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(condition=~Q(source=F("target")), name="customermerge_not_into_itself"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class FollowUp(models.Model):
    """A task to come back to a customer at a set time; it shows in the owner's inbox when due."""

    class Kind(models.TextChoices):
        CALL_BACK = "call_back", _("Call back")
        REPURCHASE = "repurchase", _("Repurchase reminder")
        CHECK_IN = "check_in", _("Check in")
        OTHER = "other", _("Other")

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    due_at = models.DateTimeField(_("due"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.CALL_BACK)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["owner", "due_at"], condition=Q(done_at__isnull=True), name="followup_open_idx"
            )
        ]
        constraints = [
            # The nightly reminder step may run twice or overlap a manual one: one open at a time.
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(kind="repurchase", done_at__isnull=True),
                name="followup_one_open_repurchase",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.customer} · {self.due_at:%Y-%m-%d}"


class ErasureLog(models.Model):
    """That a customer was erased, by whom, when, and how many rows each table had changed.

    Holds no personal data: the customer's id points at the anonymised profile that remains.
    """

    erased_customer_id = models.PositiveBigIntegerField(_("customer id"), db_index=True)
    rows = models.JSONField(_("rows changed per table"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("erased"))

    class Meta:
        verbose_name = _("erasure log entry")
        verbose_name_plural = _("erasure log")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"customer #{self.erased_customer_id} · {self.at:%Y-%m-%d %H:%M}"

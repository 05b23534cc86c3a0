"""Conversations: teams and agents, tickets, messages, translations, templates, SLA, surveys."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    AMAZON = "amazon", "Amazon"
    EBAY = "ebay", "eBay"
    SHOPIFY = "shopify", "Shopify"
    WOOCOMMERCE = "woocommerce", "WooCommerce"
    MAGENTO = "magento", "Magento"
    SHOPEE = "shopee", "Shopee"
    ALIEXPRESS = "aliexpress", "AliExpress"
    WEB_FORM = "web_form", _("Web form")
    CHAT = "chat", _("Chat")
    API = "api", _("API")


class Intent(models.TextChoices):
    WHERE_IS_MY_ORDER = "where_is_my_order", _("Where is my order")
    NOT_RECEIVED = "not_received", _("Not received")
    DAMAGED_ITEM = "damaged_item", _("Damaged item")
    WRONG_ITEM = "wrong_item", _("Wrong item")
    MISSING_ITEM = "missing_item", _("Missing item")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    RETURN_REQUEST = "return_request", _("Return request")
    REFUND_STATUS = "refund_status", _("Refund status")
    CANCEL_ORDER = "cancel_order", _("Cancel order")
    CHANGE_ORDER = "change_order", _("Change order")
    CUSTOMS_DUTIES = "customs_duties", _("Customs and duties")
    PRODUCT_QUESTION = "product_question", _("Product question")
    INVOICE_REQUEST = "invoice_request", _("Invoice request")
    PAYMENT_ISSUE = "payment_issue", _("Payment issue")
    FEEDBACK_POSITIVE = "feedback_positive", _("Positive feedback")
    OTHER = "other", _("Other")


class Sentiment(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    NEUTRAL = "neutral", _("Neutral")
    POSITIVE = "positive", _("Positive")


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    stores = models.ManyToManyField(
        "customers.Store", verbose_name=_("stores covered"), related_name="teams", blank=True
    )
    languages = models.JSONField(
        _("languages served"), default=list, blank=True, help_text=_('ISO 639-1 codes, e.g. ["en", "de"].')
    )
    working_language = models.CharField(
        _("working language"), max_length=10, default="en", help_text=_("Messages are translated into it.")
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    business_hours = models.JSONField(
        _("business hours"),
        default=dict,
        blank=True,
        help_text=_('Per weekday (0 = Monday): {"0": [["09:00", "18:00"]], …}; empty = around the clock.'),
    )
    holiday_country = models.CharField(
        _("public holidays of"), max_length=2, blank=True, help_text=_("ISO country code; empty = none.")
    )
    is_overflow = models.BooleanField(_("overflow team"), default=False)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team lead"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgentProfile(models.Model):
    class Availability(models.TextChoices):
        ONLINE = "online", _("Online")
        AWAY = "away", _("Away")
        OFFLINE = "offline", _("Offline")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="agent"
    )
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), related_name="members", blank=True)
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    working_language = models.CharField(_("working language"), max_length=10, default="en")
    capacity = models.PositiveSmallIntegerField(
        _("capacity"), default=20, help_text=_("Open tickets this agent can hold at once.")
    )
    availability = models.CharField(
        _("availability"), max_length=10, choices=Availability.choices, default=Availability.OFFLINE
    )
    timezone = models.CharField(_("time zone"), max_length=64, default="UTC")
    skills = models.JSONField(_("skills (intents)"), default=list, blank=True)
    last_assigned_at = models.DateTimeField(_("last assigned"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent profile")
        verbose_name_plural = _("agent profiles")
        indexes = [models.Index(fields=["availability"], name="agent_availability_idx")]

    def __str__(self) -> str:
        return str(self.user)


class SLAPolicy(models.Model):
    """Response and resolution targets; the most specific active policy that matches wins."""

    name = models.CharField(_("name"), max_length=100)
    store = models.ForeignKey(
        "customers.Store",
        verbose_name=_("store"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sla_policies",
        help_text=_("Empty: every store."),
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, blank=True, help_text=_("Empty: every channel.")
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, null=True, blank=True, help_text=_("Empty: every priority.")
    )
    first_response_minutes = models.PositiveIntegerField(_("first response (minutes)"))
    next_response_minutes = models.PositiveIntegerField(_("next response (minutes)"))
    resolution_minutes = models.PositiveIntegerField(_("resolution (minutes)"))
    business_hours_only = models.BooleanField(_("count business hours only"), default=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_response_minutes__gt=0)
                & Q(next_response_minutes__gt=0)
                & Q(resolution_minutes__gte=F("first_response_minutes")),
                name="sla_targets_positive_and_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name


# Statuses that still need work; the inbox's partial indexes are built on exactly this list.
OPEN_STATUSES = ("new", "open", "pending", "on_hold")


class Ticket(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING = "pending", _("Waiting on customer")
        ON_HOLD = "on_hold", _("On hold")
        SOLVED = "solved", _("Solved")
        CLOSED = "closed", _("Closed")

    reference = models.CharField(
        _("reference"), max_length=16, unique=True, help_text=_("Shown in subjects: [#REF].")
    )
    store = models.ForeignKey(
        "customers.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="tickets"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="tickets"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    external_thread_id = models.CharField(
        _("platform thread id"), max_length=200, blank=True, help_text=_("Conversation id on the platform.")
    )
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.NEW)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    priority_score = models.DecimalField(_("priority score"), max_digits=6, decimal_places=2, default=0)
    priority_reasons = models.JSONField(_("why this priority"), default=list, blank=True)
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    intent = models.CharField(_("intent"), max_length=30, choices=Intent.choices, blank=True)
    intent_confidence = models.FloatField(_("intent confidence"), null=True, blank=True)
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices, blank=True)
    angry = models.BooleanField(_("angry"), default=False)
    claim_risk = models.FloatField(_("claim risk"), null=True, blank=True)
    claim_risk_reasons = models.JSONField(_("claim risk reasons"), default=list, blank=True)
    claim_review = models.BooleanField(
        _("claim under review"),
        default=False,
        help_text=_(
            "A risky claim: a lead reviews it and no refund or compensation is offered automatically."
        ),
    )
    order = models.ForeignKey(
        "customers.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    shipment = models.ForeignKey(
        "logistics.Shipment",
        verbose_name=_("parcel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    tags = models.ManyToManyField("customers.Tag", verbose_name=_("tags"), related_name="tickets", blank=True)
    sla_policy = models.ForeignKey(
        SLAPolicy,
        verbose_name=_("SLA policy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    first_response_due_at = models.DateTimeField(_("first response due"), null=True, blank=True)
    next_response_due_at = models.DateTimeField(_("next response due"), null=True, blank=True)
    resolution_due_at = models.DateTimeField(_("resolution due"), null=True, blank=True)
    sla_due_at = models.DateTimeField(
        _("next SLA deadline"), null=True, blank=True, help_text=_("The nearest of the running targets.")
    )
    sla_breached = models.BooleanField(_("SLA breached"), default=False)
    first_responded_at = models.DateTimeField(_("first response"), null=True, blank=True)
    last_customer_message_at = models.DateTimeField(_("last customer message"), null=True, blank=True)
    last_agent_message_at = models.DateTimeField(_("last agent message"), null=True, blank=True)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("reopened"), default=0)
    auto_answered = models.BooleanField(_("answered automatically"), default=False)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
    )
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Bumped on every visible change; guards against stale replies.")
    )
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-priority", "sla_due_at", "-id"]
        permissions = [
            ("view_all_tickets", _("Can see tickets of every store")),
            ("assign_ticket", _("Can assign tickets to other agents")),
            ("merge_ticket", _("Can merge tickets")),
            ("export_tickets", _("Can export tickets")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "channel", "external_thread_id"],
                condition=~Q(external_thread_id=""),
                name="ticket_unique_platform_thread",
            ),
            models.CheckConstraint(
                condition=Q(solved_at__isnull=True) | Q(solved_at__gte=F("created_at")),
                name="ticket_solved_after_created",
            ),
            models.CheckConstraint(
                condition=Q(first_responded_at__isnull=True) | Q(first_responded_at__gte=F("created_at")),
                name="ticket_responded_after_created",
            ),
            models.CheckConstraint(condition=~Q(merged_into=F("id")), name="ticket_not_merged_into_itself"),
        ]
        indexes = [
            # Inbox views, in the inbox's own order (most urgent, soonest due, newest) so a page is
            # an index range scan, not a sort: all open work, a team's, an agent's, a store's.
            models.Index(
                F("priority").desc(),
                F("sla_due_at").asc(),
                F("id").desc(),
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_open_queue_idx",
            ),
            models.Index(
                "team",
                F("priority").desc(),
                F("sla_due_at").asc(),
                F("id").desc(),
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_team_queue_idx",
            ),
            models.Index(
                "assignee",
                F("priority").desc(),
                F("sla_due_at").asc(),
                F("id").desc(),
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_assignee_queue_idx",
            ),
            models.Index(
                "store",
                F("priority").desc(),
                F("sla_due_at").asc(),
                F("id").desc(),
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_store_queue_idx",
            ),
            models.Index(
                F("priority").desc(), F("sla_due_at").asc(), F("id").desc(), name="ticket_queue_idx"
            ),
            # The inbox sorted by SLA due time (soonest first, no deadline last), open work only.
            models.Index(
                F("sla_due_at").asc(),
                F("priority").desc(),
                F("id").desc(),
                condition=Q(status__in=OPEN_STATUSES),
                name="ticket_open_due_queue_idx",
            ),
            # The SLA breach scan: running deadlines in time order.
            models.Index(
                fields=["sla_due_at"],
                condition=Q(sla_breached=False) & Q(sla_due_at__isnull=False),
                name="ticket_sla_due_idx",
            ),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_idx"),
            models.Index(fields=["created_at"], name="ticket_created_idx"),
            # Live resync: "what changed since position P" (helpdesk.broadcast.position_of).
            models.Index(fields=["updated_at", "id"], name="ticket_updated_idx"),
        ]

    def __str__(self) -> str:
        return f"[#{self.reference}] {self.subject}"


class Translation(models.Model):
    """A machine translation, cached by (text hash, source, target) so text is translated once."""

    source_hash = models.CharField(_("source SHA-256"), max_length=64)
    source_language = models.CharField(_("from"), max_length=10)
    target_language = models.CharField(_("to"), max_length=10)
    translated_text = models.TextField(_("translation"))
    engine = models.CharField(_("engine"), max_length=100, help_text=_("Engine and model version."))
    pivot_language = models.CharField(
        _("through"),
        max_length=10,
        blank=True,
        help_text=_("The language translated through when no direct pack is installed (English)."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["source_hash", "source_language", "target_language"], name="translation_unique_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source_language}→{self.target_language} {self.source_hash[:10]}"


# How much earlier than its arrival a customer's message may stand in its conversation.
WRITTEN_AT_MAX_EARLIER = dt.timedelta(days=2)


class Message(models.Model):
    class Direction(models.TextChoices):
        INBOUND = "inbound", _("From the customer")
        OUTBOUND = "outbound", _("To the customer")
        INTERNAL = "internal", _("Internal note")

    class Kind(models.TextChoices):
        MESSAGE = "message", _("Message")
        AUTO_REPLY = "auto_reply", _("Automatic answer")
        PROACTIVE = "proactive", _("Proactive notice")
        SURVEY = "survey", _("Survey")
        SYSTEM = "system", _("System")

    class Delivery(models.TextChoices):
        NOT_APPLICABLE = "", _("Not applicable")
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Triage(models.TextChoices):
        PENDING = "pending", _("Waiting for triage")
        DONE = "done", _("Triaged")
        FAILED = "failed", _("Triage failed")
        SKIPPED = "skipped", _("Not triaged")

    ticket = models.ForeignKey(
        Ticket,
        verbose_name=_("ticket"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
        help_text=_("Empty only for mail that could not be processed."),
    )
    store = models.ForeignKey(
        "customers.Store", verbose_name=_("store"), on_delete=models.PROTECT, related_name="messages"
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    external_id = models.CharField(
        _("external id"), max_length=300, blank=True, help_text=_("Message-ID or the platform's message id.")
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.MESSAGE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages",
    )
    sender_name = models.CharField(_("sender name"), max_length=200, blank=True)
    sender_address = models.CharField(_("sender address"), max_length=320, blank=True)
    recipients = models.JSONField(_("recipients"), default=list, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body_text = models.TextField(_("text"), blank=True)
    body_html = models.TextField(_("sanitised HTML"), blank=True)
    body_display = models.TextField(
        _("text without quoted history"), blank=True, help_text=_("What the conversation view shows.")
    )
    original_body = models.TextField(
        _("agent's draft before translation"), blank=True, help_text=_("Outbound only.")
    )
    original_language = models.CharField(_("draft language"), max_length=10, blank=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=300, blank=True)
    references = models.TextField(_("References"), blank=True)
    raw = models.BinaryField(_("raw original"), null=True, blank=True, editable=False)
    raw_payload = models.JSONField(_("raw platform payload"), null=True, blank=True, editable=False)
    parse_error = models.TextField(_("processing error"), blank=True)
    warnings = models.JSONField(
        _("warnings"), default=list, blank=True, help_text=_("Problems worked around while reading it.")
    )
    is_auto_submitted = models.BooleanField(
        _("auto-submitted"),
        default=False,
        help_text=_("An auto-reply or a bounce: never answered automatically."),
    )
    language = models.CharField(_("language"), max_length=10, blank=True)
    language_confidence = models.FloatField(_("language confidence"), null=True, blank=True)
    translation = models.ForeignKey(
        Translation,
        verbose_name=_("translation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    intent = models.CharField(_("intent"), max_length=30, choices=Intent.choices, blank=True)
    intent_confidence = models.FloatField(_("intent confidence"), null=True, blank=True)
    sentiment = models.CharField(_("sentiment"), max_length=10, choices=Sentiment.choices, blank=True)
    sentiment_confidence = models.FloatField(_("sentiment confidence"), null=True, blank=True)
    angry = models.BooleanField(_("angry"), default=False)
    anger_reasons = models.JSONField(
        _("anger reasons"), default=list, blank=True, help_text=_("chargeback_threat, insult, shouting, …")
    )
    entities = models.JSONField(_("entities"), default=dict, blank=True)
    triage_status = models.CharField(
        _("triage"), max_length=10, choices=Triage.choices, default=Triage.PENDING
    )
    model_version = models.CharField(_("model version"), max_length=60, blank=True)
    delivery_status = models.CharField(
        _("delivery"), max_length=10, choices=Delivery.choices, default=Delivery.NOT_APPLICABLE, blank=True
    )
    delivery_error = models.CharField(_("delivery error"), max_length=500, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("received or written"))

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["ticket", "created_at", "id"]
        constraints = [
            # Redelivery of the same mail or platform message is a no-op.
            models.UniqueConstraint(
                fields=["store", "channel", "external_id"],
                condition=~Q(external_id=""),
                name="message_unique_external_id",
            ),
            # Only mail that could not be processed, or an auto-reply/bounce that belongs to no
            # conversation, is kept without a ticket (stored, never lost, never a new ticket).
            models.CheckConstraint(
                condition=Q(ticket__isnull=False) | ~Q(parse_error="") | Q(is_auto_submitted=True),
                name="message_ticket_unless_unprocessable",
            ),
        ]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="message_conversation_idx"),
            models.Index(
                fields=["created_at"], condition=~Q(parse_error=""), name="message_unprocessable_idx"
            ),
            models.Index(
                fields=["created_at"], condition=Q(triage_status="pending"), name="message_triage_backlog_idx"
            ),
            # Replies still waiting to go out, for the sweep that queues them again.
            models.Index(
                fields=["created_at"],
                condition=Q(delivery_status="queued"),
                name="message_delivery_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def written_at(self) -> dt.datetime:
        """Where the message stands in its conversation: a customer's message when they wrote it
        (it may arrive late, retried or reordered by a platform or a mail server), never later
        than its arrival nor earlier than ``WRITTEN_AT_MAX_EARLIER`` before it (a sender's wrong
        clock must not bury it under older replies); any other message when it was stored.
        ``tickets.selectors.ticket_conversation`` orders by the same rule in SQL."""
        if self.direction != Message.Direction.INBOUND or self.sent_at is None:
            return self.created_at
        return min(self.created_at, max(self.sent_at, self.created_at - WRITTEN_AT_MAX_EARLIER))


def new_inbound_token() -> str:
    return secrets.token_urlsafe(32)


MIN_POLL_SECONDS = 10  # IMAP providers throttle clients that log in more often


class Mailbox(models.Model):
    """A support address: polled over IMAP, or fed by an inbound-mail provider's webhook."""

    store = models.ForeignKey(
        "customers.Store", verbose_name=_("store"), on_delete=models.CASCADE, related_name="mailboxes"
    )
    address = models.EmailField(_("address"), unique=True)
    imap_host = models.CharField(
        _("IMAP host"), max_length=200, blank=True, help_text=_("Empty: webhook only.")
    )
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_ssl = models.BooleanField(
        _("IMAP over TLS"),
        default=True,
        help_text=_(
            "On: TLS from the start (usually port 993). Off: port 143, upgraded with STARTTLS "
            "when the server offers it."
        ),
    )
    imap_user = models.CharField(_("IMAP user"), max_length=200, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=500, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=200, default="INBOX")
    imap_poll_seconds = models.PositiveIntegerField(
        _("poll every (seconds)"), default=60, validators=[MinValueValidator(MIN_POLL_SECONDS)]
    )
    imap_backfill_days = models.PositiveSmallIntegerField(
        _("backfill (days)"),
        default=30,
        help_text=_(
            "On the first connection, and when the server renumbers the folder (UIDVALIDITY "
            "changes), also fetch the mail received in this many past days. 0: only new mail."
        ),
    )
    # Where polling stands. Everything up to imap_last_uid in folder imap_source (as numbered
    # under imap_uidvalidity) is stored; UIDs up to imap_backfill_uid existed on the first
    # connection and are fetched only when received since imap_backfill_since.
    imap_source = models.CharField(_("position in"), max_length=500, blank=True, editable=False)
    imap_uidvalidity = models.PositiveBigIntegerField(_("UIDVALIDITY"), null=True, blank=True, editable=False)
    imap_last_uid = models.PositiveBigIntegerField(_("last UID stored"), default=0, editable=False)
    imap_backfill_uid = models.PositiveBigIntegerField(_("backfill up to UID"), default=0, editable=False)
    imap_backfill_since = models.DateField(_("backfill since"), null=True, blank=True, editable=False)
    imap_next_poll_at = models.DateTimeField(_("next poll"), null=True, blank=True, editable=False)
    imap_failures = models.PositiveIntegerField(_("failed polls in a row"), default=0, editable=False)
    # A worker polling this mailbox holds it until then (claimed with a conditional update).
    imap_lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    inbound_token = models.CharField(
        _("inbound webhook token"),
        max_length=64,
        unique=True,
        default=new_inbound_token,
        help_text=_("Secret in the raw-MIME webhook URL given to the inbound-mail provider."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_error = models.CharField(_("last error"), max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")
        ordering = ["address"]
        constraints = [
            models.CheckConstraint(
                condition=Q(imap_poll_seconds__gte=MIN_POLL_SECONDS), name="mailbox_poll_interval_min"
            )
        ]

    def __str__(self) -> str:
        return self.address


class Attachment(models.Model):
    message = models.ForeignKey(
        Message, verbose_name=_("message"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("file"), upload_to="attachments/%Y/%m/", max_length=300)
    filename = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=150)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    content_id = models.CharField(_("Content-ID"), max_length=300, blank=True)
    is_inline = models.BooleanField(_("inline"), default=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.UniqueConstraint(
                fields=["message", "sha256", "filename"], name="attachment_unique_per_message"
            )
        ]

    def __str__(self) -> str:
        return self.filename


class TicketEvent(models.Model):
    """The audit trail of a ticket: every change, who made it and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        PRIORITY = "priority", _("Priority changed")
        TEAM = "team", _("Routed")
        TAGGED = "tagged", _("Tagged")
        MERGED = "merged", _("Merged")
        SLA_BREACHED = "sla_breached", _("SLA breached")
        INTENT_CORRECTED = "intent_corrected", _("Intent corrected")
        ESCALATED = "escalated", _("Escalated")
        CLAIM_FLAGGED = "claim_flagged", _("Claim flagged for review")
        SPLIT = "split", _("Split")
        AUTO_ANSWERED = "auto_answered", _("Answered automatically")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    data = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["ticket", "created_at"]
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticketevent_ticket_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"


class ReplyTemplate(models.Model):
    """A canned reply (and optional macro) with one variant per language."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    intent = models.CharField(_("intent"), max_length=30, choices=Intent.choices, blank=True)
    store = models.ForeignKey(
        "customers.Store",
        verbose_name=_("store"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reply_templates",
        help_text=_("Empty: every store."),
    )
    set_status = models.CharField(
        _("then set status"), max_length=10, choices=Ticket.Status.choices, blank=True
    )
    add_tags = models.ManyToManyField(
        "customers.Tag", verbose_name=_("then add tags"), blank=True, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)
    usage_count = models.PositiveIntegerField(_("used"), default=0)

    class Meta:
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ReplyTemplateVariant(models.Model):
    template = models.ForeignKey(
        ReplyTemplate, verbose_name=_("template"), on_delete=models.CASCADE, related_name="variants"
    )
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    body = models.TextField(
        _("body"),
        help_text=_("Placeholders: {name}, {order}, {tracking}, {tracking_url}, {return_url}, {agent}."),
    )

    class Meta:
        verbose_name = _("template variant")
        verbose_name_plural = _("template variants")
        ordering = ["template", "language"]
        constraints = [
            models.UniqueConstraint(fields=["template", "language"], name="templatevariant_unique_language")
        ]

    def __str__(self) -> str:
        return f"{self.template} [{self.language}]"


class Macro(models.Model):
    """One click on the ticket page: a reply from a template, then tags, assignee, priority, status."""

    class Assign(models.TextChoices):
        KEEP = "", _("Keep the assignee")
        ME = "me", _("Assign to me")
        UNASSIGN = "unassign", _("Unassign")

    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=300, blank=True)
    reply_template = models.ForeignKey(
        ReplyTemplate,
        verbose_name=_("reply with template"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="macros",
        help_text=_("Sent in the customer's language (else English). Empty: no reply."),
    )
    set_status = models.CharField(
        _("then set status"),
        max_length=10,
        choices=[(value, label) for value, label in Ticket.Status.choices if value != Ticket.Status.NEW],
        blank=True,
    )
    add_tags = models.ManyToManyField(
        "customers.Tag", verbose_name=_("then add tags"), blank=True, related_name="+"
    )
    assign = models.CharField(_("assignee"), max_length=10, choices=Assign.choices, blank=True)
    set_priority = models.PositiveSmallIntegerField(
        _("then set priority"), choices=Priority.choices, null=True, blank=True
    )
    store = models.ForeignKey(
        "customers.Store",
        verbose_name=_("store"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text=_("Empty: every store."),
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="macros",
        help_text=_("Empty: every team."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    usage_count = models.PositiveIntegerField(_("used"), default=0)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(set_status="new"), name="macro_never_sets_new"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        template = self.reply_template
        if template is not None and template.store_id and self.store_id != template.store_id:
            raise ValidationError(
                {"reply_template": _("This template belongs to another store than the macro.")}
            )


class Survey(models.Model):
    """A follow-up survey about a solved ticket: CSAT at +7 days, loyalty (NPS) at +30."""

    class Kind(models.TextChoices):
        CSAT = "csat", _("Satisfaction (CSAT, 1–5)")
        NPS = "nps", _("Loyalty (NPS, 0–10)")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        ANSWERED = "answered", _("Answered")
        CANCELLED = "cancelled", _("Cancelled")

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="surveys"
    )
    kind = models.CharField(_("kind"), max_length=4, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    scheduled_for = models.DateTimeField(_("send at"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    offer = models.CharField(_("personalised offer"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        ordering = ["-scheduled_for"]
        constraints = [models.UniqueConstraint(fields=["ticket", "kind"], name="survey_once_per_ticket_kind")]
        indexes = [
            models.Index(fields=["scheduled_for"], condition=Q(status="scheduled"), name="survey_due_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.ticket.reference}"


class SurveyResponse(models.Model):
    survey = models.OneToOneField(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="response"
    )
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("agent"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(_("answered"))

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["-responded_at"]
        constraints = [
            models.CheckConstraint(condition=Q(score__lte=10), name="surveyresponse_score_0_to_10"),
        ]

    def __str__(self) -> str:
        return f"{self.score} · {self.survey}"


class SurveyOptOut(models.Model):
    """A customer who asked for no more surveys (kept in tickets: the customers app's schema is
    another change's; one row per customer, checked when a survey is scheduled and sent)."""

    customer = models.OneToOneField(
        "customers.Customer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        related_name="survey_opt_out",
    )
    created_at = models.DateTimeField(_("opted out"))

    class Meta:
        verbose_name = _("survey opt-out")
        verbose_name_plural = _("survey opt-outs")

    def __str__(self) -> str:
        return str(self.customer)


class SurveySettings(models.Model):
    """A store's survey choices; a store without a row gets both surveys and no offer."""

    store = models.OneToOneField(
        "customers.Store",
        verbose_name=_("store"),
        on_delete=models.CASCADE,
        related_name="survey_settings",
    )
    csat_enabled = models.BooleanField(_("CSAT survey at +7 days"), default=True)
    nps_enabled = models.BooleanField(_("loyalty (NPS) survey at +30 days"), default=True)
    offer = models.CharField(
        _("personalised offer"),
        max_length=300,
        blank=True,
        help_text=_(
            "Added to the loyalty survey, e.g. “{name}, take 10 percent off your next order with code THANKS10”. "
            "{name} is the customer's name. Empty: no offer."
        ),
    )

    class Meta:
        verbose_name = _("survey settings")
        verbose_name_plural = _("survey settings")

    def __str__(self) -> str:
        return str(self.store)


class RoutingRule(models.Model):
    """A manager's dispatch rule: tickets that match go to a team, before the language default.

    Rules are tried in ``position`` order (then by id); the first active rule of the ticket's
    store (or of every store) whose conditions all hold routes the ticket. An empty condition
    matches anything; a filled one matches when the ticket has any of its values.
    """

    name = models.CharField(_("name"), max_length=200)
    position = models.PositiveIntegerField(
        _("order"), default=100, help_text=_("Rules with a lower number are tried first.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    store = models.ForeignKey(
        "customers.Store",
        verbose_name=_("store"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="routing_rules",
        help_text=_("Empty: every store (the team must cover the ticket's store)."),
    )
    customer_tags = models.ManyToManyField(
        "customers.Tag",
        verbose_name=_("customer has any of these tags"),
        blank=True,
        related_name="routing_rules",
        help_text=_("Empty: any customer."),
    )
    intents = models.JSONField(
        _("intents"),
        default=list,
        blank=True,
        help_text=_('Any of these intents, e.g. ["damaged_item", "not_received"]; empty: any.'),
    )
    languages = models.JSONField(
        _("languages"),
        default=list,
        blank=True,
        help_text=_('Any of these customer languages, e.g. ["de", "fr"]; empty: any.'),
    )
    channels = models.JSONField(
        _("channels"),
        default=list,
        blank=True,
        help_text=_('Any of these channels, e.g. ["email", "chat"]; empty: any.'),
    )
    team = models.ForeignKey(
        Team, verbose_name=_("send to team"), on_delete=models.CASCADE, related_name="routing_rules"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["is_active", "position"], name="routingrule_active_idx")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for field_name, known in (("intents", Intent.values), ("channels", Channel.values)):
            value = getattr(self, field_name)
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                errors[field_name] = _('A list of codes, e.g. [] or ["%(example)s"].') % {"example": known[0]}
                continue
            unknown = sorted(set(value) - set(known))
            if unknown:
                errors[field_name] = _("Unknown: %(unknown)s. Known: %(known)s.") % {
                    "unknown": ", ".join(unknown),
                    "known": ", ".join(known),
                }
        if not isinstance(self.languages, list) or not all(
            isinstance(item, str) and 2 <= len(item) <= 10 for item in self.languages
        ):
            errors["languages"] = _('A list of language codes, e.g. ["de", "fr"].')
        if (
            self.store_id is not None
            and self.team_id is not None
            and not self.team.stores.filter(pk=self.store_id).exists()
        ):
            errors["team"] = _("%(team)s does not cover %(store)s; add the store to the team first.") % {
                "team": self.team.name,
                "store": self.store.name,
            }
        if errors:
            raise ValidationError(errors)

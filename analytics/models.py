"""Analytics reads every app live; rollup tables are added here only where a query is too slow.

At the 1M-ticket demo scale the last month holds most tickets and counting it live took seconds, so the
volume, team and automation dashboards read daily rollups: ``TicketDay``, ``IntentDay`` and
``AgentDay``, rewritten for recent days by ``analytics.services.rollups_refresh`` from the beat
schedule (``helpdesk.schedule``), with ``RollupState`` saying when.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TicketDay(models.Model):
    """Tickets of one day with one combination of the dimensions the dashboards filter by.

    ``day`` is a date in ``settings.TIME_ZONE`` (UTC by default). Each count is dated by its
    own event: ``created`` (and the automation counts) by the ticket's creation, ``solved`` by
    its solve, the message counts by the message. The dimensions are the ticket's at refresh time.
    """

    day = models.DateField(_("day"))
    # Plain ids, not foreign keys: a rollup row must not block deleting a store or a team.
    store_id = models.PositiveIntegerField(_("store"))
    channel = models.CharField(_("channel"), max_length=20)
    team_id = models.PositiveIntegerField(_("team"), default=0, help_text=_("0: no team."))
    language = models.CharField(_("language"), max_length=10, blank=True)
    country = models.CharField(_("customer's country"), max_length=2, blank=True)
    proactive = models.BooleanField(_("opened about a parcel anomaly"), default=False)
    created = models.PositiveIntegerField(_("tickets created"), default=0)
    solved = models.PositiveIntegerField(_("tickets solved"), default=0)
    auto_answered = models.PositiveIntegerField(_("answered automatically"), default=0)
    came_back = models.PositiveIntegerField(
        _("came back after self-service"),
        default=0,
        help_text=_("Answered automatically, then the customer wrote again or it was reopened."),
    )
    foreign_tickets = models.PositiveIntegerField(_("tickets in a foreign language"), default=0)
    translated_tickets = models.PositiveIntegerField(_("foreign-language tickets translated"), default=0)
    foreign_messages = models.PositiveIntegerField(_("customer messages in a foreign language"), default=0)
    translated_messages = models.PositiveIntegerField(_("foreign-language messages translated"), default=0)

    class Meta:
        verbose_name = _("tickets per day")
        verbose_name_plural = _("tickets per day")
        permissions = [("view_dashboards", _("Can see the analytics dashboards"))]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "store_id", "channel", "team_id", "language", "country", "proactive"],
                name="ticketday_unique_dims",
            ),
            models.CheckConstraint(condition=~Q(store_id=0), name="ticketday_has_store"),
        ]
        # The unique key starts with the day: it is also the index the dashboards' range reads use.

    def __str__(self) -> str:
        return f"{self.day} store {self.store_id} {self.channel}"


class IntentDay(models.Model):
    """Customer tickets created on one day per intent and the filters' dimensions: the intent
    breakdown only, kept apart so that ``TicketDay`` stays a few times smaller."""

    day = models.DateField(_("day"))
    store_id = models.PositiveIntegerField(_("store"))
    channel = models.CharField(_("channel"), max_length=20)
    team_id = models.PositiveIntegerField(_("team"), default=0, help_text=_("0: no team."))
    language = models.CharField(_("language"), max_length=10, blank=True)
    country = models.CharField(_("customer's country"), max_length=2, blank=True)
    intent = models.CharField(_("intent"), max_length=30, blank=True)
    created = models.PositiveIntegerField(_("tickets created"), default=0)

    class Meta:
        verbose_name = _("tickets per day and intent")
        verbose_name_plural = _("tickets per day and intent")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "store_id", "channel", "team_id", "language", "country", "intent"],
                name="intentday_unique_dimensions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.intent}"


class RollupState(models.Model):
    """When a rollup was last refreshed, so that readers know whether to trust it."""

    DAILY = "daily"
    ORDER_LINES = "order_lines"  # OrderLineDay and OrderDay
    ORDER_TICKETS = "order_tickets"  # OrderTicketDay
    RETURN_LINES = "return_lines"  # ReturnLineDay

    name = models.CharField(_("rollup"), max_length=60, unique=True)
    refreshed_at = models.DateTimeField(_("refreshed"), null=True, blank=True)
    time_zone = models.CharField(_("time zone of its days"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("rollup state")
        verbose_name_plural = _("rollup states")

    def __str__(self) -> str:
        return self.name


class AgentDay(models.Model):
    """Team-performance counts of one day for one agent and one combination of the filters'
    dimensions, with response-time histograms for the percentiles.

    Each count is dated by its own event and belongs to its own agent: received tickets (and
    their first response) by creation and assignee, solves by solve and assignee, replies by
    the message and its author, CSAT answers by the answer and the agent it rated. Proactive
    tickets are not counted. A histogram maps a bucket number (``analytics.histograms``) to
    how many durations fell in it.
    """

    day = models.DateField(_("day"))
    store_id = models.PositiveIntegerField(_("store"))
    channel = models.CharField(_("channel"), max_length=20)
    team_id = models.PositiveIntegerField(_("team"), default=0, help_text=_("0: no team."))
    language = models.CharField(_("language"), max_length=10, blank=True)
    country = models.CharField(_("customer's country"), max_length=2, blank=True)
    agent_id = models.PositiveIntegerField(_("agent"), default=0, help_text=_("0: nobody."))
    tickets = models.PositiveIntegerField(_("tickets received"), default=0)
    with_due = models.PositiveIntegerField(_("with an SLA due time"), default=0)
    breached = models.PositiveIntegerField(_("SLA breached"), default=0)
    first_responses = models.JSONField(_("first response times"), default=dict)
    solved = models.PositiveIntegerField(_("tickets solved"), default=0)
    reopened = models.PositiveIntegerField(_("solved tickets reopened before"), default=0)
    resolutions = models.JSONField(_("resolution times"), default=dict)
    replies = models.PositiveIntegerField(_("replies sent"), default=0)
    csat_answers = models.PositiveIntegerField(_("CSAT answers"), default=0)
    csat_total = models.PositiveIntegerField(_("sum of CSAT scores"), default=0)
    csat_satisfied = models.PositiveIntegerField(_("CSAT answers of 4 or 5"), default=0)

    class Meta:
        verbose_name = _("agent day")
        verbose_name_plural = _("agent days")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "store_id", "channel", "team_id", "language", "country", "agent_id"],
                name="agentday_unique_dimensions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} agent {self.agent_id}"


class OrderLineDay(models.Model):
    """Order lines of orders placed on one day (orders not pending or cancelled) per store,
    ship-to country, product and SKU: the denominators of the returns dashboard's rates.

    ``complained_lines`` counts the lines whose order has a ticket complaining about an item
    (``analytics.returns_selectors.PRODUCT_COMPLAINT_INTENTS``). Returned units stay live:
    returns of old orders keep arriving, and there are far fewer return lines than order lines.
    """

    day = models.DateField(_("day the order was placed"))
    store_id = models.PositiveIntegerField(_("store"))
    country = models.CharField(_("ship-to country"), max_length=2, blank=True)
    product_id = models.PositiveIntegerField(_("product"), default=0, help_text=_("0: no product record."))
    sku = models.CharField(_("SKU"), max_length=100, blank=True)
    units_sold = models.PositiveIntegerField(_("units sold"), default=0)
    lines = models.PositiveIntegerField(_("order lines"), default=0)
    complained_lines = models.PositiveIntegerField(_("lines of orders with a complaint"), default=0)

    class Meta:
        verbose_name = _("order lines per day")
        verbose_name_plural = _("order lines per day")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "store_id", "country", "product_id", "sku"], name="orderlineday_unique_dims"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} store {self.store_id} {self.sku}"


class LaneDay(models.Model):
    """Outbound parcels whose outcome became known on one day (``settings.TIME_ZONE``), per store
    and lane, counted as the logistics dashboard counts them (``analytics.logistics_selectors``).

    ``transit`` maps a transit time in tenths of a day (as a string: JSON) to how many
    delivered parcels took it, so that medians and p90s can be read back over any set of rows
    to within 0.05 days.
    """

    LANES = "lanes"  # its RollupState name

    day = models.DateField(_("day"))
    store_id = models.PositiveIntegerField(_("store"))
    origin_country = models.CharField(_("origin country"), max_length=2)
    destination_country = models.CharField(_("destination country"), max_length=2)
    carrier_id = models.PositiveIntegerField(_("carrier"))
    finished = models.PositiveIntegerField(_("parcels finished"), default=0)
    delivered = models.PositiveIntegerField(_("delivered"), default=0)
    promised = models.PositiveIntegerField(_("delivered with a promised date"), default=0)
    on_time = models.PositiveIntegerField(_("delivered on time"), default=0)
    lost = models.PositiveIntegerField(_("lost"), default=0)
    returned = models.PositiveIntegerField(_("returned to sender"), default=0)
    delayed = models.PositiveIntegerField(_("got a late anomaly"), default=0)
    transit = models.JSONField(_("transit times"), default=dict)

    class Meta:
        verbose_name = _("lane day")
        verbose_name_plural = _("lane days")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "store_id", "origin_country", "destination_country", "carrier_id"],
                name="laneday_unique_dimensions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.origin_country} → {self.destination_country} carrier {self.carrier_id}"


class OrderDay(models.Model):
    """Orders placed on one day (not pending or cancelled) per store and ship-to country, with the
    complaint tickets about them (``customers.segments.COMPLAINT_INTENTS``; customers' tickets
    only, merged duplicates left out): the customers dashboard's complaints by country."""

    day = models.DateField(_("day the order was placed"))
    store_id = models.PositiveIntegerField(_("store"))
    country = models.CharField(_("ship-to country"), max_length=2, blank=True)
    orders = models.PositiveIntegerField(_("orders"), default=0)
    complaints = models.PositiveIntegerField(_("complaint tickets"), default=0)
    orders_with_complaint = models.PositiveIntegerField(_("orders with a complaint"), default=0)

    class Meta:
        verbose_name = _("orders per day")
        verbose_name_plural = _("orders per day")
        constraints = [
            models.UniqueConstraint(fields=["day", "store_id", "country"], name="orderday_unique_dims"),
        ]

    def __str__(self) -> str:
        return f"{self.day} store {self.store_id} {self.country}"


# ``OrderTicketDay``'s "no such ticket": a day before every period.
NO_EARLIER_TICKET = dt.date(1, 1, 1)


class OrderTicketDay(models.Model):
    """Customers' tickets about an order, created on one day (``settings.TIME_ZONE``), per store
    and customer's country, by the days of the same order's previous two customer tickets: the
    volume dashboard's tickets per order, exact over any range of days.

    Of an order's tickets inside a period, the one whose previous ticket is before the period
    (or has none) is its first there, so those count the period's distinct orders; the one whose
    previous ticket is inside and the one before that is not is its second, so those count the
    orders with two tickets or more. ``NO_EARLIER_TICKET`` stands for "none".
    """

    day = models.DateField(_("day"))
    store_id = models.PositiveIntegerField(_("store"))
    country = models.CharField(_("customer's country"), max_length=2, blank=True)
    previous_day = models.DateField(_("day of the order's previous ticket"))
    before_previous_day = models.DateField(_("day of the order's ticket before that"))
    tickets = models.PositiveIntegerField(_("tickets"), default=0)

    class Meta:
        verbose_name = _("order tickets per day")
        verbose_name_plural = _("order tickets per day")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "store_id", "country", "previous_day", "before_previous_day"],
                name="orderticketday_unique_dims",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} store {self.store_id} {self.country}"


class ReturnLineDay(models.Model):
    """Returned units of the orders placed on one day (``settings.TIME_ZONE``), per store, ship-to
    country, product, SKU, reason and the day the return was requested: the returns dashboard's
    numerators, counted as ``analytics.returns_selectors.returned_lines`` counts them (orders
    sold, returns not rejected, cancelled or expired), whenever the return came.

    Returns of an order keep arriving for weeks, so a refresh recounts every placed day whose
    orders had a return requested or changed since the refresh before.
    """

    day = models.DateField(_("day the order was placed"))
    store_id = models.PositiveIntegerField(_("store"))
    country = models.CharField(_("ship-to country"), max_length=2, blank=True)
    product_id = models.PositiveIntegerField(_("product"), default=0, help_text=_("0: no product record."))
    sku = models.CharField(_("SKU"), max_length=100, blank=True)
    reason = models.CharField(_("reason"), max_length=20)
    requested_day = models.DateField(_("day the return was requested"))
    units = models.PositiveIntegerField(_("units returned"), default=0)
    lines = models.PositiveIntegerField(_("return lines"), default=0)

    class Meta:
        verbose_name = _("returned units per day")
        verbose_name_plural = _("returned units per day")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "store_id", "country", "product_id", "sku", "reason", "requested_day"],
                name="returnlineday_unique_dims",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} store {self.store_id} {self.sku} {self.reason}"


class AnomalyDay(models.Model):
    """Anomalies of outbound parcels detected on one day (``settings.TIME_ZONE``) per store,
    destination country and kind, counted as the logistics dashboard counts them: still open,
    severe, with a ticket, resolved, and the seconds they took to resolve (summed)."""

    ANOMALIES = "anomalies"  # its RollupState name

    day = models.DateField(_("day detected"))
    store_id = models.PositiveIntegerField(_("store"))
    country = models.CharField(_("destination country"), max_length=2, blank=True)
    kind = models.CharField(_("kind"), max_length=20)
    detected = models.PositiveIntegerField(_("detected"), default=0)
    still_open = models.PositiveIntegerField(_("still open"), default=0)
    severe = models.PositiveIntegerField(_("severe"), default=0)
    ticketed = models.PositiveIntegerField(_("with a ticket"), default=0)
    resolved = models.PositiveIntegerField(_("resolved"), default=0)
    resolve_seconds = models.BigIntegerField(_("seconds to resolve (sum)"), default=0)

    class Meta:
        verbose_name = _("anomalies per day")
        verbose_name_plural = _("anomalies per day")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "store_id", "country", "kind"], name="anomalyday_unique_dims"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} store {self.store_id} {self.kind}"


class SegmentDay(models.Model):
    """Members of each automatic tag and RFM segment on one day, per customer's country and per
    store the customer bought in (``store_id`` 0: every customer, each once), snapshotted nightly
    after the tagging: the tagging keeps only current membership, so this is its history."""

    EVERY_STORE = 0

    day = models.DateField(_("day"))
    store_id = models.PositiveIntegerField(_("store"), help_text=_("0: every customer, each once."))
    country = models.CharField(_("customer's country"), max_length=2, blank=True)
    slug = models.CharField(_("segment or tag"), max_length=60)
    members = models.PositiveIntegerField(_("members"), default=0)

    class Meta:
        verbose_name = _("segment members per day")
        verbose_name_plural = _("segment members per day")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "store_id", "country", "slug"], name="segmentday_unique_dims"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.slug} {self.members}"

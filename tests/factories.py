"""factory_boy factories, one per model, with defaults that look like real after-sales data.

Related objects are built so that they agree with each other (an order line's product belongs
to the order's store, a message belongs to its ticket's store and channel) unless a test says
otherwise.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from customers.models import (
    Customer,
    CustomerIdentity,
    CustomerTag,
    Order,
    OrderLine,
    Platform,
    Product,
    Store,
    Tag,
)
from helpdesk.models import RuleSetSwap, SeasonalRuleSet
from logistics.models import Carrier, LaneStatistic, Shipment, ShipmentAnomaly, TrackingEvent, TrackingStatus
from returns.models import (
    CompensationOffer,
    CompensationPolicy,
    ItemCondition,
    Refund,
    ReturnEvent,
    ReturnLine,
    ReturnPolicy,
    ReturnReason,
    ReturnRequest,
)
from tickets.models import (
    AgentProfile,
    Attachment,
    Channel,
    Message,
    ReplyTemplate,
    ReplyTemplateVariant,
    SLAPolicy,
    Survey,
    SurveyResponse,
    Team,
    Ticket,
    TicketEvent,
    Translation,
)

# --- customers ----------------------------------------------------------------------------


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store

    name = factory.Sequence(lambda n: f"Lumen Home {n}")
    platform = Platform.SHOPIFY
    external_id = factory.Sequence(lambda n: f"lumen-home-{n}.myshopify.com")
    marketplace = "US"
    currency = "USD"
    default_language = "en"
    timezone = "America/New_York"
    support_email = factory.Sequence(lambda n: f"support{n}@lumen-home.example.com")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    display_name = factory.Sequence(lambda n: f"Anna Schmidt {n}")
    email = factory.Sequence(lambda n: f"anna.schmidt{n}@example.de")
    country = "DE"
    language = "de"
    lifetime_value = Decimal("129.80")
    lifetime_value_currency = "EUR"
    orders_count = 2
    first_seen_at = factory.LazyFunction(timezone.now)
    # Last: in the class body this name shadows django.utils.timezone.
    timezone = "Europe/Berlin"


class CustomerIdentityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerIdentity

    customer = factory.SubFactory(CustomerFactory)
    platform = Platform.EMAIL
    kind = CustomerIdentity.Kind.EMAIL
    value = factory.LazyAttribute(lambda o: o.customer.email.lower())
    display_name = factory.LazyAttribute(lambda o: o.customer.display_name)
    verified = True


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    store = factory.SubFactory(StoreFactory)
    sku = factory.Sequence(lambda n: f"LMP-{n:05d}")
    title = factory.Sequence(lambda n: f"Rechargeable LED desk lamp, model {n}")
    category = "lighting"
    price = Decimal("39.90")
    currency = factory.SelfAttribute("store.currency")
    external_id = factory.Sequence(lambda n: f"gid://shopify/Product/{7_000_000 + n}")


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    store = factory.SubFactory(StoreFactory)
    customer = factory.SubFactory(CustomerFactory)
    external_id = factory.Sequence(lambda n: f"#{100_000 + n}")
    status = Order.Status.FULFILLED
    placed_at = factory.LazyFunction(timezone.now)
    currency = factory.SelfAttribute("store.currency")
    subtotal = Decimal("79.80")
    shipping_total = Decimal("4.90")
    tax_total = Decimal("0.00")
    total = Decimal("84.70")
    email = factory.LazyAttribute(lambda o: o.customer.email if o.customer else "buyer@example.com")
    shipping_name = factory.LazyAttribute(lambda o: o.customer.display_name if o.customer else "Buyer")
    shipping_country = "DE"
    shipping_postal_code = "10115"
    shipping_address = factory.LazyFunction(
        lambda: {"line1": "Invalidenstraße 117", "city": "Berlin", "postal_code": "10115", "country": "DE"}
    )


class OrderLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderLine

    order = factory.SubFactory(OrderFactory)
    product = factory.SubFactory(ProductFactory, store=factory.SelfAttribute("..order.store"))
    external_id = factory.Sequence(lambda n: f"line-{n}")
    sku = factory.LazyAttribute(lambda o: o.product.sku if o.product else "UNKNOWN")
    title = factory.LazyAttribute(lambda o: o.product.title if o.product else "Unknown item")
    quantity = 2
    unit_price = factory.LazyAttribute(lambda o: o.product.price if o.product else Decimal("39.90"))
    total_paid = factory.LazyAttribute(lambda o: o.unit_price * o.quantity)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    slug = factory.Sequence(lambda n: f"vip-{n}")
    name = factory.Sequence(lambda n: f"VIP {n}")
    kind = Tag.Kind.MANUAL


class CustomerTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CustomerTag

    customer = factory.SubFactory(CustomerFactory)
    tag = factory.SubFactory(TagFactory)
    reason = "Spent more than 500 EUR in a year"


# --- logistics ----------------------------------------------------------------------------


class CarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Carrier

    code = factory.Sequence(lambda n: f"yunexpress-{n}")
    name = factory.Sequence(lambda n: f"YunExpress {n}")
    country = "CN"
    tracking_url_template = "https://www.yuntrack.com/parcelTracking?id={number}"
    aftership_slug = "yunexpress"
    seventeen_track_code = 190008


class ShipmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shipment

    store = factory.SubFactory(StoreFactory)
    order = factory.SubFactory(OrderFactory, store=factory.SelfAttribute("..store"))
    carrier = factory.SubFactory(CarrierFactory)
    tracking_number = factory.Sequence(lambda n: f"YT{2_400_000_000_000_000 + n}")
    direction = Shipment.Direction.OUTBOUND
    status = TrackingStatus.IN_TRANSIT
    origin_country = "CN"
    destination_country = "DE"
    shipped_at = factory.LazyFunction(timezone.now)
    last_event_at = factory.LazyFunction(timezone.now)
    last_location = "Shenzhen sorting centre"
    provider = "17track"


class TrackingEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrackingEvent

    shipment = factory.SubFactory(ShipmentFactory)
    provider = "17track"
    provider_event_id = factory.Sequence(lambda n: f"evt_{n:08d}")
    occurred_at = factory.LazyFunction(timezone.now)
    local_timezone = "Asia/Shanghai"
    status = TrackingStatus.IN_TRANSIT
    raw_status = "InTransit_PickedUp"
    description = "Departed from the sorting centre"
    location = "Shenzhen"
    country = "CN"


class ShipmentAnomalyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShipmentAnomaly

    shipment = factory.SubFactory(ShipmentFactory)
    kind = Shipment.Anomaly.STALLED
    severity = ShipmentAnomaly.Severity.MEDIUM
    detail = "No scan for 6 days on a lane that usually scans every 30 hours"
    detected_at = factory.LazyFunction(timezone.now)


class LaneStatisticFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LaneStatistic

    origin_country = "CN"
    destination_country = "DE"
    carrier = factory.SubFactory(CarrierFactory)
    sample_size = 412
    median_days = Decimal("9.50")
    p80_days = Decimal("13.00")
    p95_days = Decimal("19.00")
    median_scan_gap_hours = Decimal("28.00")
    on_time_rate = Decimal("0.8700")
    loss_rate = Decimal("0.0040")
    returned_rate = Decimal("0.0110")
    computed_at = factory.LazyFunction(timezone.now)


# --- tickets (teams and users first: returns refer to tickets) ----------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"agent{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@helpdesk.example.com")
    first_name = "Li"
    last_name = factory.Sequence(lambda n: f"Wei {n}")
    password = factory.django.Password("correct horse battery staple")
    is_active = True

    @factory.post_generation
    def groups(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.add(*extracted)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Support team {n}")
    slug = factory.Sequence(lambda n: f"support-team-{n}")
    languages = factory.LazyFunction(lambda: ["en", "de"])
    working_language = "zh-hans"
    timezone = "Asia/Shanghai"
    business_hours = factory.LazyFunction(lambda: {str(day): [["09:00", "18:00"]] for day in range(5)})

    @factory.post_generation
    def stores(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.stores.add(*extracted)


class AgentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentProfile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    languages = factory.LazyFunction(lambda: ["zh", "en"])
    working_language = "zh-hans"
    capacity = 20
    availability = AgentProfile.Availability.ONLINE
    timezone = "Asia/Shanghai"
    skills = factory.LazyFunction(lambda: ["where_is_my_order", "return_request"])

    @factory.post_generation
    def teams(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.teams.add(*extracted)


class SLAPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SLAPolicy

    name = factory.Sequence(lambda n: f"Standard e-mail SLA {n}")
    store = None
    channel = Channel.EMAIL
    priority = None
    first_response_minutes = 8 * 60
    next_response_minutes = 24 * 60
    resolution_minutes = 72 * 60
    business_hours_only = True
    is_active = True


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    reference = factory.Sequence(lambda n: f"HD{482_100 + n}")
    store = factory.SubFactory(StoreFactory)
    customer = factory.SubFactory(CustomerFactory)
    channel = Channel.EMAIL
    external_thread_id = ""
    subject = factory.Sequence(lambda n: f"Where is my order #{100_000 + n}?")
    status = Ticket.Status.NEW
    language = "de"
    created_at = factory.LazyFunction(timezone.now)
    updated_at = factory.SelfAttribute("created_at")


class TranslationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Translation

    source_hash = factory.Sequence(lambda n: f"{n:064x}")
    source_language = "de"
    target_language = "zh-hans"
    translated_text = "我的包裹在哪里？"
    engine = "argostranslate 1.9 de→en→zh"


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    ticket = factory.SubFactory(TicketFactory)
    store = factory.LazyAttribute(lambda o: o.ticket.store if o.ticket else StoreFactory())
    channel = factory.LazyAttribute(lambda o: o.ticket.channel if o.ticket else Channel.EMAIL)
    external_id = factory.Sequence(lambda n: f"<CAF{n:08d}.buyer@mail.example.de>")
    direction = Message.Direction.INBOUND
    kind = Message.Kind.MESSAGE
    sender_name = "Anna Schmidt"
    sender_address = "anna.schmidt@example.de"
    subject = factory.LazyAttribute(lambda o: o.ticket.subject if o.ticket else "Wo ist meine Bestellung?")
    body_text = "Hallo, meine Bestellung ist seit drei Wochen unterwegs. Wo ist mein Paket?"
    body_display = factory.SelfAttribute("body_text")
    language = "de"
    created_at = factory.LazyFunction(timezone.now)


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    message = factory.SubFactory(MessageFactory)
    file = "attachments/2025/11/damaged-box.jpg"
    filename = "damaged-box.jpg"
    content_type = "image/jpeg"
    size = 182_344
    sha256 = factory.Sequence(lambda n: f"{n:064x}")


class TicketEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketEvent

    ticket = factory.SubFactory(TicketFactory)
    kind = TicketEvent.Kind.CREATED
    data = factory.LazyFunction(dict)
    created_at = factory.LazyFunction(timezone.now)


class ReplyTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReplyTemplate

    name = factory.Sequence(lambda n: f"Parcel in transit {n}")
    slug = factory.Sequence(lambda n: f"parcel-in-transit-{n}")
    intent = "where_is_my_order"


class ReplyTemplateVariantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReplyTemplateVariant

    template = factory.SubFactory(ReplyTemplateFactory)
    language = "en"
    subject = "Your parcel is on its way"
    body = "Hi {name}, your order {order} is on its way. Follow it here: {tracking_url}"


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Survey

    ticket = factory.SubFactory(TicketFactory, status=Ticket.Status.SOLVED)
    kind = Survey.Kind.CSAT
    status = Survey.Status.SCHEDULED
    scheduled_for = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class SurveyResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SurveyResponse

    survey = factory.SubFactory(SurveyFactory, status=Survey.Status.ANSWERED)
    score = 5
    comment = "Fast and friendly, thank you!"
    responded_at = factory.LazyFunction(timezone.now)


# --- returns ------------------------------------------------------------------------------


class ReturnPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnPolicy

    store = factory.SubFactory(StoreFactory)
    name = factory.Sequence(lambda n: f"Standard 30-day returns {n}")
    category = ""
    window_days = 30
    accepted_conditions = factory.LazyFunction(lambda: ["unopened", "like_new"])
    restocking_fee_percent = Decimal("0.00")
    seller_pays_shipping_reasons = factory.LazyFunction(lambda: ["damaged_item", "wrong_item"])
    returnless_max_value = Decimal("15.00")


class ReturnRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnRequest

    rma_number = factory.Sequence(lambda n: f"RMA-{240_000 + n}")
    store = factory.SubFactory(StoreFactory)
    order = factory.SubFactory(OrderFactory, store=factory.SelfAttribute("..store"))
    customer = factory.SelfAttribute("order.customer")
    status = ReturnRequest.Status.REQUESTED
    source = ReturnRequest.Source.PORTAL
    submission_key = factory.Sequence(lambda n: f"portal-{n:032x}")
    requested_at = factory.LazyFunction(timezone.now)


class ReturnLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnLine

    return_request = factory.SubFactory(ReturnRequestFactory)
    order_line = factory.SubFactory(OrderLineFactory, order=factory.SelfAttribute("..return_request.order"))
    quantity = 1
    reason = ReturnReason.DOES_NOT_FIT
    condition = ItemCondition.UNOPENED
    comment = "Too small, I need one size larger."


class ReturnEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReturnEvent

    return_request = factory.SubFactory(ReturnRequestFactory)
    from_status = ""
    to_status = ReturnRequest.Status.REQUESTED
    created_at = factory.LazyFunction(timezone.now)


class RefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Refund

    idempotency_key = factory.Sequence(lambda n: f"refund-{n:032x}")
    order = factory.SubFactory(OrderFactory)
    amount = Decimal("39.90")
    currency = factory.SelfAttribute("order.currency")
    method = Refund.Method.ORIGINAL_PAYMENT
    status = Refund.Status.PENDING
    created_at = factory.LazyFunction(timezone.now)


class CompensationOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompensationOffer

    order = factory.SubFactory(OrderFactory)
    customer = factory.SelfAttribute("order.customer")
    tier = CompensationOffer.Tier.COUPON
    kind = CompensationOffer.Kind.COUPON
    amount = Decimal("5.00")
    currency = factory.SelfAttribute("order.currency")
    reason = "Parcel arrived a week late"
    created_at = factory.LazyFunction(timezone.now)
    scope_ticket_id = factory.LazyAttribute(
        lambda offer: offer.ticket.pk if getattr(offer, "ticket", None) else 0
    )


class CompensationPolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompensationPolicy

    store = factory.SubFactory(StoreFactory)
    coupon_value = Decimal("5.00")
    coupon_percent = Decimal("10")
    partial_refund_percent = Decimal("20")
    gift = "LED bulb set"
    gift_value = Decimal("8.00")


# --- helpdesk -----------------------------------------------------------------------------


class SeasonalRuleSetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SeasonalRuleSet
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Black Friday {2024 + n}")
    slug = factory.Sequence(lambda n: f"black-friday-{2024 + n}")
    kind = SeasonalRuleSet.Kind.BLACK_FRIDAY
    markets = factory.LazyFunction(lambda: ["US", "GB", "DE"])
    prepare_from = factory.LazyFunction(timezone.now)
    peak_from = factory.LazyAttribute(lambda o: o.prepare_from + timedelta(days=14))
    peak_until = factory.LazyAttribute(lambda o: o.peak_from + timedelta(days=5))
    review_until = factory.LazyAttribute(lambda o: o.peak_until + timedelta(days=21))
    overrides = factory.LazyFunction(lambda: {"during": {"sla_factor": 1.5}, "after": {"sla_factor": 1.2}})
    # Last: in the class body this name shadows django.utils.timezone.
    timezone = "America/New_York"

    @factory.post_generation
    def stores(self, create: bool, extracted: list | None, **kwargs: object) -> None:
        if create and extracted:
            self.stores.add(*extracted)


class RuleSetSwapFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RuleSetSwap

    rule_set = factory.SubFactory(SeasonalRuleSetFactory)
    from_phase = SeasonalRuleSet.Phase.INACTIVE
    to_phase = SeasonalRuleSet.Phase.BEFORE
    created_at = factory.LazyFunction(timezone.now)

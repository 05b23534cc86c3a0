"""Customers, their orders and the parcels that carry them, with tracking histories."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from customers.models import (
    Customer,
    CustomerIdentity,
    CustomerTag,
    Order,
    OrderLine,
    Platform,
    Store,
)
from helpdesk.bulk import bulk_insert
from helpdesk.demo import corpus
from logistics.models import Shipment, ShipmentAnomaly, TrackingEvent, TrackingStatus
from tickets.demo.keys import CENT, SEED, customer_of_order, order_number, rng, tracking_number
from tickets.demo.reference import COUNTRY_LANGUAGE, COUNTRY_TIMEZONE, STORES
from tickets.demo.rhythm import order_placed_at
from tickets.demo.scenarios import CROSS_BORDER_CARRIERS, DOMESTIC_CARRIER, LANE_DAYS, SCENARIOS
from tickets.demo.state import BlockState, Context


def _store_for_customer(c: int, ctx: Context) -> tuple[Store, str]:
    r = rng("customer-store", c)
    spec = r.choices(STORES, weights=(22, 14, 12, 20, 10, 12, 5, 5))[0]
    return ctx.stores[spec.key], r.choice(spec.countries)


class CommerceBuilder(BlockState):
    def _customers(self, customer_ids: range) -> None:
        emails = {c: self._customer_email(c) for c in customer_ids}
        existing = dict(
            CustomerIdentity.objects.filter(
                platform=Platform.EMAIL, kind="email", value__in=emails.values()
            ).values_list("value", "customer_id")
        )
        new: list[Customer] = []
        for c in customer_ids:
            if emails[c] in existing:
                continue
            store, country = _store_for_customer(c, self.ctx)
            r = rng("customer", c)
            language = COUNTRY_LANGUAGE[country]
            name = f"{r.choice(corpus.FIRST_NAMES[language])} {r.choice(corpus.LAST_NAMES[language])}"
            if language in {"zh", "ja", "ko"}:
                name = name.replace(" ", "")
            new.append(
                Customer(
                    display_name=name,
                    email=emails[c],
                    country=country,
                    language=language,
                    timezone=COUNTRY_TIMEZONE[country],
                    lifetime_value_currency=store.currency,
                    phone=f"+{r.randint(1, 99)} {r.randint(100000000, 999999999)}"
                    if r.random() < 0.4
                    else "",
                    first_seen_at=self.ctx.now - dt.timedelta(days=r.randint(20, 900)),
                    surveys_opt_out=r.random() < 0.03,
                )
            )
        bulk_insert(Customer, new)
        identities, links = [], []
        by_email = {customer.email: customer for customer in new}
        for c in customer_ids:
            customer = by_email.get(emails[c])
            if customer is None:
                continue
            store, _ = _store_for_customer(c, self.ctx)
            identities.append(
                CustomerIdentity(
                    customer=customer, platform=Platform.EMAIL, kind="email", value=emails[c], verified=True
                )
            )
            if store.platform not in {Platform.EMAIL, Platform.WEB, Platform.SHOPIFY, Platform.WOOCOMMERCE}:
                identities.append(
                    CustomerIdentity(
                        customer=customer,
                        platform=store.platform,
                        kind="buyer_id",
                        value=f"{store.platform[:2].upper()}{SEED % 1000}{c:08d}",
                        display_name=customer.display_name,
                    )
                )
            r = rng("customer-tags", c)
            for slug, share in (
                ("vip", 0.04),
                ("high-value", 0.08),
                ("serial-returner", 0.03),
                ("frequent-complainer", 0.04),
                ("first-time-buyer", 0.15),
                ("champions", 0.05),
                ("at-risk", 0.06),
            ):
                if r.random() < share:
                    links.append(
                        CustomerTag(
                            customer=customer,
                            tag=self.ctx.tags[slug],
                            reason="Demo data: set by the nightly segment rules",
                        )
                    )
            self.customers[c] = customer
        bulk_insert(CustomerIdentity, identities)
        bulk_insert(CustomerTag, links)
        missing = [c for c in customer_ids if c not in self.customers]
        if missing:
            found = Customer.objects.in_bulk([existing[emails[c]] for c in missing])
            for c in missing:
                self.customers[c] = found[existing[emails[c]]]

    @staticmethod
    def _customer_email(c: int) -> str:
        r = rng("customer", c)
        tld = r.choice(("com", "net", "org"))
        return f"customer{c:07d}@example.{tld}"

    # --- orders, parcels -------------------------------------------------------------------
    def _orders(self, order_ids: range) -> None:
        ctx = self.ctx
        keys = {}
        for o in order_ids:
            c = customer_of_order(o)
            store, _ = _store_for_customer(c, ctx)
            keys[o] = (store, order_number(store.platform, o, rng("order", o)))
        existing = {
            (order.store_id, order.external_id): order
            for order in Order.objects.filter(external_id__in=[number for _, number in keys.values()])
        }
        new_orders, plans = [], {}
        for o in order_ids:
            store, number = keys[o]
            if (store.pk, number) in existing:
                self.orders[o] = existing[(store.pk, number)]
                continue
            customer = self.customers[customer_of_order(o)]
            r = rng("order", o)
            r.random()
            # Orders follow the weight of their tickets' window (see rhythm.order_placed_at).
            placed = order_placed_at(now=ctx.now, u=r.random(), u_within_hour=r.random())
            products = r.sample(ctx.products[store.pk], k=r.choice((1, 1, 1, 2, 2, 3)))
            lines = []
            for index, product in enumerate(products):
                quantity = r.choice((1, 1, 1, 2, 3))
                paid = (product.price * quantity * Decimal(r.choice(("1", "1", "0.9", "0.85")))).quantize(
                    CENT
                )
                lines.append(
                    OrderLine(
                        product=product,
                        external_id=f"{o}-{index + 1}",
                        sku=product.sku,
                        title=product.title,
                        quantity=quantity,
                        unit_price=product.price,
                        total_paid=paid,
                    )
                )
            subtotal = sum((line.total_paid for line in lines), Decimal(0))
            shipping = (
                Decimal(r.choice(("0", "0", "2.99", "4.99"))) if store.currency != "JPY" else Decimal(500)
            )
            tax = (
                (subtotal * Decimal("0.1")).quantize(CENT)
                if customer.country in {"US", "CA", "JP"}
                else Decimal(0)
            )
            order = Order(
                store=store,
                customer=customer,
                external_id=number,
                placed_at=placed,
                currency=store.currency,
                subtotal=subtotal,
                shipping_total=shipping,
                tax_total=tax,
                total=subtotal + shipping + tax,
                email=customer.email,
                shipping_name=customer.display_name,
                shipping_country=customer.country,
                shipping_postal_code=f"{r.randint(10000, 99999)}",
                shipping_address={
                    "city": r.choice(corpus.CITIES.get(customer.country, ["—"])),
                    "country": customer.country,
                },
                is_gift=r.random() < 0.08,
                status=Order.Status.FULFILLED,
            )
            new_orders.append(order)
            plans[o] = (order, lines)
        bulk_insert(Order, new_orders)
        all_lines = []
        for o, (order, lines) in plans.items():
            for line in lines:
                line.order = order
            all_lines.extend(lines)
            self.orders[o] = order
            self.lines[o] = lines
        bulk_insert(OrderLine, all_lines)
        missing_lines = [o for o in order_ids if o not in self.lines]
        if missing_lines:
            by_order: dict[int, list[OrderLine]] = {}
            for line in OrderLine.objects.filter(order__in=[self.orders[o] for o in missing_lines]).order_by(
                "id"
            ):
                by_order.setdefault(line.order_id, []).append(line)
            for o in missing_lines:
                self.lines[o] = by_order.get(self.orders[o].pk, [])
        self._shipments(order_ids, plans)

    def _shipments(self, order_ids: range, plans: dict) -> None:
        ctx = self.ctx
        new_shipments, events_by_shipment = [], {}
        for o in order_ids:
            r = rng("shipment", o)
            self.scenario[o] = r.choices([s[0] for s in SCENARIOS], weights=[s[1] for s in SCENARIOS])[0]
            if o not in plans:
                continue
            order = plans[o][0]
            destination = order.shipping_country
            local = order.store.platform == Platform.AMAZON and r.random() < 0.5
            carrier_code = DOMESTIC_CARRIER[destination] if local else r.choice(CROSS_BORDER_CARRIERS)
            if order.store.platform == Platform.AMAZON and local:
                carrier_code = "amazon-logistics" if destination == "US" else DOMESTIC_CARRIER[destination]
            shipment, events = self._parcel(order, o, carrier_code, destination, local, self.scenario[o], r)
            new_shipments.append(shipment)
            events_by_shipment[id(shipment)] = events
        bulk_insert(Shipment, new_shipments)
        events, anomalies = [], []
        for shipment in new_shipments:
            for event in events_by_shipment[id(shipment)]:
                event.shipment = shipment
                events.append(event)
            if shipment.anomaly:
                anomalies.append(
                    ShipmentAnomaly(
                        shipment=shipment,
                        kind=shipment.anomaly,
                        severity=3 if shipment.anomaly in {"exception", "returned"} else 2,
                        detected_at=shipment.last_event_at or ctx.now,
                        detail="Found by the demo data",
                    )
                )
        bulk_insert(TrackingEvent, events)
        bulk_insert(ShipmentAnomaly, anomalies)
        for shipment in new_shipments:
            self.shipments[shipment.order.pk] = shipment
        missing = [self.orders[o].pk for o in order_ids if self.orders[o].pk not in self.shipments]
        if missing:
            for shipment in Shipment.objects.filter(
                order_id__in=missing, direction=Shipment.Direction.OUTBOUND
            ):
                self.shipments[shipment.order_id] = shipment

    def _parcel(
        self,
        order: Order,
        order_index: int,
        carrier_code: str,
        destination: str,
        local: bool,
        scenario: str,
        r: random.Random,
    ) -> tuple[Shipment, list[TrackingEvent]]:
        now = self.ctx.now
        origin = destination if local else "CN"
        lane_days = 3 if local else LANE_DAYS.get(destination, 12)
        shipped = order.placed_at + dt.timedelta(hours=r.uniform(12, 60))
        transit = lane_days * r.uniform(0.7, 1.25) * (1.8 if scenario == "delivered_late" else 1)
        promised = (shipped + dt.timedelta(days=lane_days * 1.5)).date()
        checkpoints = [("info_received", 0.0), ("in_transit", 0.1), ("in_transit", 0.3)]
        if not local:
            checkpoints += [("in_transit", 0.55), ("in_transit", 0.7)]
        final = {s[0]: s[2] for s in SCENARIOS}[scenario]
        sub = {s[0]: s[3] for s in SCENARIOS}[scenario]
        if scenario.startswith("delivered"):
            checkpoints += [("out_for_delivery", 0.95), ("delivered", 1.0)]
        elif scenario == "customs":
            checkpoints += [("customs_hold", 0.75)]
        elif scenario == "failed_attempt":
            checkpoints += [("out_for_delivery", 0.93), ("failed_attempt", 0.96)]
        elif scenario == "lost":
            checkpoints += [("exception", 0.8)]
        elif scenario == "returned":
            checkpoints += [("failed_attempt", 0.9), ("returned_to_sender", 1.1)]
        elif scenario == "stalled":
            checkpoints = checkpoints[:4]
        events = []
        last_at = None
        carrier = self.ctx.carriers[carrier_code]
        number = tracking_number(carrier_code, order_index, r)
        for index, (status, share) in enumerate(checkpoints):
            at = shipped + dt.timedelta(days=transit * share, hours=r.uniform(0, 6))
            if at > now:
                break
            in_origin = share < 0.5 and not local
            country = origin if in_origin else destination
            events.append(
                TrackingEvent(
                    provider="demo",
                    provider_event_id=f"demo-{number}-{index}",
                    occurred_at=at,
                    local_timezone="Asia/Shanghai" if in_origin else COUNTRY_TIMEZONE.get(destination, "UTC"),
                    status=status,
                    sub_status=sub if status == final else "",
                    raw_status=status,
                    description=r.choice(corpus.CHECKPOINTS[status]),
                    location=r.choice(corpus.CITIES.get(country, ["—"])),
                    country=country,
                )
            )
            last_at = at
        status = events[-1].status if events else TrackingStatus.PENDING
        delivered = events[-1].occurred_at if events and status == TrackingStatus.DELIVERED else None
        anomaly = ""
        if scenario == "stalled" and last_at and (now - last_at).days > 5:
            anomaly = Shipment.Anomaly.STALLED
        elif status == TrackingStatus.CUSTOMS_HOLD:
            anomaly = Shipment.Anomaly.CUSTOMS
        elif status == TrackingStatus.FAILED_ATTEMPT:
            anomaly = Shipment.Anomaly.FAILED_DELIVERY
        elif status == TrackingStatus.EXCEPTION:
            anomaly = Shipment.Anomaly.EXCEPTION
        elif status == TrackingStatus.RETURNED_TO_SENDER:
            anomaly = Shipment.Anomaly.RETURNED
        elif delivered and delivered.date() > promised:
            anomaly = Shipment.Anomaly.LATE
        shipment = Shipment(
            store=order.store,
            order=order,
            carrier=carrier,
            tracking_number=number,
            status=status,
            sub_status=events[-1].sub_status if events else "",
            origin_country=origin,
            destination_country=destination,
            shipped_at=shipped,
            promised_by=promised,
            estimated_delivery_at=shipped + dt.timedelta(days=lane_days),
            delivered_at=delivered,
            last_event_at=last_at,
            last_location=events[-1].location if events else "",
            anomaly=anomaly,
            provider="demo",
        )
        return shipment, events

    # --- tickets ---------------------------------------------------------------------------

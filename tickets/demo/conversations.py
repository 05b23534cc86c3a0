"""Tickets, their messages and the surveys that follow them."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from zoneinfo import ZoneInfo

from helpdesk.demo import corpus
from tickets.demo.keys import customer_of_order, order_of_ticket, rng, ticket_reference
from tickets.demo.rhythm import contact_time
from tickets.demo.scenarios import INTENTS_BY_SCENARIO, NEGATIVE_INTENTS, TICKET_STATUS_WEIGHTS, URGENCY
from tickets.demo.state import BlockState
from tickets.models import Channel, Message, Priority, Survey, SurveyResponse, Ticket


def _in_local_daytime(when: dt.datetime, tzname: str, shift_hours: float) -> dt.datetime:
    """Move a time to between 08:00 and 23:00 where the customer lives: people write by day."""
    local_hour = when.astimezone(ZoneInfo(tzname)).hour
    if local_hour < 8:
        return when + dt.timedelta(hours=8 - local_hour + shift_hours)
    return when


class ConversationBuilder(BlockState):
    def _ticket(self, j: int) -> tuple[Ticket, dict]:
        ctx = self.ctx
        r = rng("ticket", j)
        o = order_of_ticket(j)
        order = self.orders[o]
        customer = self.customers[customer_of_order(o)]
        store = order.store
        scenario = self.scenario[o]
        intent = r.choice(INTENTS_BY_SCENARIO[scenario])
        language = customer.language
        status = r.choices(
            [s for s, _ in TICKET_STATUS_WEIGHTS], weights=[w for _, w in TICKET_STATUS_WEIGHTS]
        )[0]
        # Draw every number whatever the branch, so the data does not depend on the clock.
        when, still_open, daytime_shift, recent_minutes = (
            r.random(),
            r.random(),
            r.uniform(0, 4),
            r.uniform(10, 120),
        )
        # Tickets arrive at a steady weekly rhythm (rhythm.contact_time) and the status agrees with
        # the age: an unanswered ("new") ticket is at most two days old, and three in four open or
        # on-hold tickets older than six days are solved by now.
        created = contact_time(placed=order.placed_at, now=ctx.now, tzname=customer.timezone, u=when)
        by_day = _in_local_daytime(created, customer.timezone, daytime_shift)
        # A night-time message of the last hours stays at night rather than piling up at "now".
        if by_day <= ctx.now - dt.timedelta(minutes=10):
            created = by_day
        if created > ctx.now - dt.timedelta(minutes=10):
            created = ctx.now - dt.timedelta(minutes=recent_minutes)
        age = ctx.now - created
        if status == "new" and age > dt.timedelta(hours=48):
            status = "open"
        if status in {"open", "on_hold"} and age > dt.timedelta(days=6) and still_open >= 0.25:
            status = "solved"
        platform_channel = store.platform if store.platform in Channel.values else Channel.EMAIL
        channel = r.choices(
            (platform_channel, Channel.EMAIL, Channel.WEB_FORM, Channel.CHAT), weights=(60, 28, 8, 4)
        )[0]
        angry = intent in NEGATIVE_INTENTS and r.random() < 0.25
        sentiment = (
            "negative"
            if intent in NEGATIVE_INTENTS or angry
            else "positive"
            if intent == "feedback_positive"
            else r.choice(("neutral", "neutral", "negative"))
        )
        priority = min(
            4,
            URGENCY.get(intent, 1)
            + (1 if angry else 0)
            + (1 if customer.country == "US" and order.is_gift else 0),
        )
        priority = max(priority, Priority.LOW)
        team = ctx.team_for_ticket(store, language)
        agents = ctx.agents_by_team.get(team.pk, []) if team else []
        # Always draw, so the rest of this ticket's data does not depend on who exists.
        pick = r.random()
        assignee = agents[int(pick * len(agents))] if agents and status != "new" else None
        subject, body = r.choice(corpus.CUSTOMER_MESSAGES[language][intent])
        fill = {
            "name": customer.display_name.split(" ")[0],
            "order": order.external_id,
            "tracking": self.shipments.get(order.pk).tracking_number if order.pk in self.shipments else "",
            "product": (self.lines.get(o) or [None])[0].title if self.lines.get(o) else "",
            "days": max(1, (created - order.placed_at).days),
        }
        first_response = created + dt.timedelta(minutes=r.uniform(20, 60 * 30)) if status != "new" else None
        if first_response and first_response > ctx.now:
            first_response = ctx.now - dt.timedelta(minutes=1)
            first_response = max(first_response, created)
        solved = None
        if status in {"solved", "closed"}:
            solved = min(ctx.now, (first_response or created) + dt.timedelta(hours=r.uniform(1, 72)))
        first_due = created + dt.timedelta(hours=8 if priority < 4 else 1)
        waiting_on_us = status in {"new", "open"}
        next_due = None
        if waiting_on_us and first_response is not None:
            # The customer wrote back recently; the next answer is due soon, or just overdue.
            next_due = max(first_response, ctx.now - dt.timedelta(hours=6)) + dt.timedelta(
                hours=r.uniform(0, 26)
            )
        resolution_due = created + dt.timedelta(days=5) if status in {"new", "open", "on_hold"} else None
        running = [
            due
            for due in (first_due if first_response is None else None, next_due, resolution_due)
            if due is not None and waiting_on_us
        ]
        sla_due = min(running) if running else None
        breached = sla_due is not None and sla_due < ctx.now
        ticket = Ticket(
            reference=ticket_reference(j),
            store=store,
            customer=customer,
            channel=channel,
            external_thread_id=f"demo-thread-{j}" if channel not in {Channel.EMAIL, Channel.WEB_FORM} else "",
            subject=subject.format(**fill)[:300],
            status=status,
            priority=priority,
            priority_score=Decimal(priority * 20 + r.randint(0, 19)),
            priority_reasons=[{"factor": "intent", "value": intent, "points": URGENCY.get(intent, 1) * 10}]
            + ([{"factor": "anger", "value": True, "points": 15}] if angry else []),
            team=team,
            assignee_id=assignee,
            language=language,
            intent=intent,
            intent_confidence=round(r.uniform(0.62, 0.99), 2),
            sentiment=sentiment,
            angry=angry,
            claim_risk=round(r.uniform(0, 0.9), 2)
            if intent in {"not_received", "damaged_item", "wrong_item"}
            else None,
            order=order,
            shipment=self.shipments.get(order.pk),
            first_response_due_at=first_due,
            next_response_due_at=next_due,
            resolution_due_at=resolution_due,
            sla_due_at=sla_due,
            sla_breached=breached,
            first_responded_at=first_response,
            last_customer_message_at=created,
            last_agent_message_at=first_response,
            solved_at=solved,
            closed_at=solved + dt.timedelta(days=4) if status == "closed" and solved else None,
            created_at=created,
            updated_at=solved or first_response or created,
        )
        if ticket.closed_at and ticket.closed_at > ctx.now:
            ticket.closed_at = ctx.now
        plan = {"r": r, "fill": fill, "body": body.format(**fill), "gift": order.is_gift}
        return ticket, plan

    def _messages(self, ticket: Ticket, plan: dict) -> list[Message]:
        r: random.Random = plan["r"]
        language, intent = ticket.language, ticket.intent
        customer = ticket.customer
        messages: list[Message] = []

        def add(direction: str, text: str, at: dt.datetime, **extra: object) -> None:
            sequence = len(messages) + 1
            if direction == Message.Direction.INTERNAL:
                external_id = ""
            elif ticket.channel == Channel.EMAIL:
                external_id = f"<demo.{ticket.reference}.{sequence}@mail.example>"
            else:
                external_id = f"demo-{ticket.reference}-{sequence}"
            if direction == Message.Direction.INBOUND:
                extra = {
                    "sender_name": customer.display_name,
                    "sender_address": customer.email,
                    "triage_status": Message.Triage.DONE,
                    "model_version": "demo",
                    **extra,
                }
            else:
                extra = {"author_id": ticket.assignee_id, "triage_status": Message.Triage.SKIPPED, **extra}
            messages.append(
                Message(
                    ticket=ticket,
                    store=ticket.store,
                    channel=ticket.channel,
                    external_id=external_id,
                    direction=direction,
                    body_text=text,
                    body_display=text,
                    created_at=at,
                    **extra,
                )
            )

        reply_subject = f"Re: {ticket.subject}"[:300]
        add(
            Message.Direction.INBOUND,
            plan["body"],
            ticket.created_at,
            subject=ticket.subject,
            language=language,
            language_confidence=round(r.uniform(0.8, 1.0), 2),
            intent=intent,
            intent_confidence=ticket.intent_confidence,
            sentiment=ticket.sentiment,
            angry=ticket.angry,
        )
        if ticket.first_responded_at:
            shipment = ticket.shipment
            reply = corpus.AGENT_REPLIES[language][intent].format(
                name=plan["fill"]["name"],
                order=plan["fill"]["order"],
                tracking=plan["fill"]["tracking"],
                tracking_url=shipment.tracking_url if shipment else "",
                return_url="https://lumio.example/returns",
                agent="Lumio Support",
            )
            add(
                Message.Direction.OUTBOUND,
                reply,
                ticket.first_responded_at,
                sender_name="Lumio Support",
                subject=reply_subject,
                language=language,
                delivery_status=Message.Delivery.SENT,
                sent_at=ticket.first_responded_at,
            )
            writes_back = r.random() < 0.45
            follow_at = ticket.first_responded_at + dt.timedelta(hours=r.uniform(1, 30))
            text = r.choice(corpus.FOLLOW_UPS[language]).format(**plan["fill"])
            if writes_back and follow_at < (ticket.solved_at or self.ctx.now):
                add(Message.Direction.INBOUND, text, follow_at, subject=reply_subject, language=language)
            if r.random() < 0.2:
                note = "Checked with the warehouse: parcel left on time. 已与仓库确认，按时发出。"
                add(Message.Direction.INTERNAL, note, ticket.first_responded_at + dt.timedelta(minutes=3))
        return messages

    def _survey(self, ticket: Ticket, r: random.Random) -> tuple[Survey, SurveyResponse | None]:
        scheduled = ticket.solved_at + dt.timedelta(days=7)
        sent = scheduled <= self.ctx.now
        answered = sent and r.random() < 0.45
        survey = Survey(
            ticket=ticket,
            kind=Survey.Kind.CSAT,
            scheduled_for=scheduled,
            status=Survey.Status.ANSWERED
            if answered
            else Survey.Status.SENT
            if sent
            else Survey.Status.SCHEDULED,
            sent_at=scheduled if sent else None,
        )
        if not answered:
            return survey, None
        score = r.choices((1, 2, 3, 4, 5), weights=(6, 6, 12, 30, 46))[0]
        return survey, SurveyResponse(
            score=score,
            agent_id=ticket.assignee_id,
            team_id=ticket.team_id,
            responded_at=min(self.ctx.now, scheduled + dt.timedelta(hours=r.uniform(1, 48))),
            comment="" if score > 3 else "Slow answer and the parcel is still not here.",
        )

    # --- returns, refunds, compensation ----------------------------------------------------

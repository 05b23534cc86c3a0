"""The reference data every block needs, and what a block has built so far."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from customers.models import (
    Customer,
    Order,
    OrderLine,
    Product,
    Store,
    Tag,
)
from logistics.models import Carrier, Shipment
from tickets.models import Team


@dataclass
class Context:
    """Reference objects every block needs, loaded once."""

    now: dt.datetime
    stores: dict[str, Store]
    carriers: dict[str, Carrier]
    teams: dict[str, Team]
    agents_by_team: dict[int, list[int]]
    products: dict[int, list[Product]]
    tags: dict[str, Tag]
    team_for: dict[tuple[int, str], Team] = field(default_factory=dict)

    def team_for_ticket(self, store: Store, language: str) -> Team | None:
        key = (store.pk, language)
        if key not in self.team_for:
            candidates = [
                team
                for team in self.teams.values()
                if not team.is_overflow and store.pk in team.store_ids and language in team.languages
            ]
            self.team_for[key] = (
                candidates[0]
                if candidates
                else next(
                    (
                        team
                        for team in self.teams.values()
                        if store.pk in team.store_ids and not team.is_overflow
                    ),
                    None,
                )
            )
        return self.team_for[key]


class BlockState:
    """What one block has built so far, shared by the builders below."""

    def __init__(self, ctx: Context, first: int, last: int) -> None:
        self.ctx, self.first, self.last = ctx, first, last
        self.orders: dict[int, Order] = {}
        self.customers: dict[int, Customer] = {}
        self.shipments: dict[int, Shipment] = {}
        self.scenario: dict[int, str] = {}
        self.lines: dict[int, list[OrderLine]] = {}

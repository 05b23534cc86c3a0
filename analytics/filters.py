"""The filters every dashboard shares: a period, a store, a channel, a team, a language,
a country and a seasonal rule set, read from the query string.

A dashboard builder never parses the request: it gets a ``DashboardFilters`` and asks
it to narrow a queryset (``filters.tickets(qs)`` or ``filters.apply(qs, ...)`` with the
model's own field paths). Choosing a seasonal rule set narrows the period to the rule
set's phases (prepare → review), its stores and its markets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helpdesk.access import ALL_STORES, Viewer, scope_to_user, visible_store_ids

PRESET_DAYS = (7, 30, 90, 365)
DEFAULT_DAYS = 30
# A longer range than this would make a live query read most of the table for no use.
MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class DashboardFilters:
    """What the viewer asked for. ``start``/``end`` are dates in the viewer's time zone, ``end`` included."""

    user: Viewer
    start: dt.date
    end: dt.date
    store_id: int | None = None
    channel: str = ""
    team_id: int | None = None
    language: str = ""
    country: str = ""
    rule_set_id: int | None = None
    # Set when a rule set is chosen: its stores ("()" = every store) and markets ("()" = every market).
    rule_set_store_ids: tuple[int, ...] = field(default=())
    rule_set_markets: tuple[str, ...] = field(default=())
    # A dashboard's own settings from its options form (e.g. the staffing target), already validated.
    options: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    # -- the period -----------------------------------------------------------------------------

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def start_at(self) -> dt.datetime:
        """The first instant of the period (midnight of ``start`` in the viewer's time zone)."""
        return dt.datetime.combine(self.start, dt.time.min, tzinfo=timezone.get_current_timezone())

    @property
    def end_at(self) -> dt.datetime:
        """The first instant after the period (exclusive upper bound)."""
        return dt.datetime.combine(
            self.end + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
        )

    def day_list(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=offset) for offset in range(self.days)]

    def previous_period(self) -> DashboardFilters:
        """The same filters over the period of equal length just before this one (for "vs previous")."""
        return replace(
            self, start=self.start - dt.timedelta(days=self.days), end=self.start - dt.timedelta(days=1)
        )

    # -- narrowing querysets --------------------------------------------------------------------

    def apply(
        self,
        queryset: QuerySet[Any],
        *,
        date: str | None = "created_at",
        store: str | None = "store",
        channel: str | None = None,
        team: str | None = None,
        language: str | None = None,
        country: str | None = None,
    ) -> QuerySet[Any]:
        """Narrow ``queryset`` by every filter the model can answer.

        Each keyword names the model's field path for that filter (``None``: the model has no
        such thing and the filter is ignored for it). Scoping to the viewer's stores always applies
        when ``store`` is given.
        """
        if date:
            queryset = queryset.filter(**{f"{date}__gte": self.start_at, f"{date}__lt": self.end_at})
        if store:
            queryset = scope_to_user(queryset, self.user, store_field=store)
            if self.store_id is not None:
                queryset = queryset.filter(**{store: self.store_id})
            if self.rule_set_store_ids:
                queryset = queryset.filter(**{f"{store}__in": self.rule_set_store_ids})
        if channel and self.channel:
            queryset = queryset.filter(**{channel: self.channel})
        if team and self.team_id is not None:
            queryset = queryset.filter(**{team: self.team_id})
        if language and self.language:
            queryset = queryset.filter(**{language: self.language})
        if country:
            if self.country:
                queryset = queryset.filter(**{country: self.country})
            if self.rule_set_markets:
                queryset = queryset.filter(**{f"{country}__in": self.rule_set_markets})
        return queryset

    def tickets(
        self, queryset: QuerySet[Any] | None = None, *, date: str | None = "created_at"
    ) -> QuerySet[Any]:
        """Tickets matching every filter; ``date`` picks which timestamp falls in the period."""
        if queryset is None:
            from tickets.models import Ticket

            queryset = Ticket.objects.all()
        return self.apply(
            queryset,
            date=date,
            store="store",
            channel="channel",
            team="team",
            language="language",
            country="customer__country",
        )

    def store_ids(self) -> frozenset[int] | None:
        """The stores in view after scoping and the store/rule-set filters; ``None``: every store."""
        visible = visible_store_ids(self.user)
        chosen: set[int] | None = None if visible is ALL_STORES else set(visible)
        for narrowing in (
            {self.store_id} if self.store_id is not None else None,
            set(self.rule_set_store_ids) or None,
        ):
            if narrowing is not None:
                chosen = narrowing if chosen is None else chosen & narrowing
        return None if chosen is None else frozenset(chosen)

    def store_q(self, field_name: str = "store_id") -> Q:
        """A ``Q`` for rollup tables keyed by store id."""
        ids = self.store_ids()
        return Q() if ids is None else Q(**{f"{field_name}__in": ids})

    def querystring(self, **changes: Any) -> str:
        """The query string that reproduces these filters (for CSV links), with ``changes`` applied."""
        params = QueryDict(mutable=True)
        values: dict[str, Any] = {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "store": self.store_id,
            "channel": self.channel,
            "team": self.team_id,
            "language": self.language,
            "country": self.country,
            "rule_set": self.rule_set_id,
        }
        values.update(self.options)
        values.update(changes)
        for key, value in values.items():
            if value not in (None, ""):
                params[key] = str(value)
        return params.urlencode()


class FilterForm(forms.Form):
    """The filter bar. Every field is optional; a bad value gets an error and is ignored."""

    days = forms.TypedChoiceField(
        label=_("Period"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Custom"))]
        + [(str(days), _("Last %(days)s days") % {"days": days}) for days in PRESET_DAYS],
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    store = forms.TypedChoiceField(label=_("Store"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("Channel"), required=False)
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)
    language = forms.CharField(label=_("Language"), required=False, max_length=10)
    country = forms.CharField(label=_("Country"), required=False, max_length=2)
    rule_set = forms.TypedChoiceField(
        label=_("Seasonal rule set"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, data: QueryDict, *, user: Viewer) -> None:
        super().__init__(data)
        from customers.models import Store
        from helpdesk.models import SeasonalRuleSet
        from tickets.models import Channel, Team

        stores = scope_to_user(Store.objects.order_by("name"), user, store_field="pk")
        everything = [("", _("All"))]
        self._choice_field("store").choices = everything + [(str(store.pk), store.name) for store in stores]
        self._choice_field("channel").choices = everything + list(Channel.choices)
        teams = Team.objects.order_by("name")
        visible = visible_store_ids(user)
        if visible is not ALL_STORES:
            teams = teams.filter(stores__in=visible).distinct()
        self._choice_field("team").choices = everything + [(str(team.pk), team.name) for team in teams]
        rule_sets = SeasonalRuleSet.objects.order_by("-peak_from")
        self._choice_field("rule_set").choices = everything + [
            (str(rule_set.pk), rule_set.name) for rule_set in rule_sets
        ]

    def _choice_field(self, name: str) -> forms.ChoiceField:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        return field

    def clean_country(self) -> str:
        country = self.cleaned_data.get("country", "").strip().upper()
        if country and (len(country) != 2 or not country.isalpha()):
            raise forms.ValidationError(_("A two-letter country code, e.g. DE."))
        return country

    def clean_language(self) -> str:
        return self.cleaned_data.get("language", "").strip().lower()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error("end", _("The end comes before the start."))
        elif start and end and (end - start).days + 1 > MAX_DAYS:
            self.add_error("end", _("At most %(days)s days at a time.") % {"days": MAX_DAYS})
        return data


def filters_from_query(query: QueryDict, *, user: Viewer) -> tuple[DashboardFilters, FilterForm]:
    """The filters asked for in ``query``; invalid fields are reported on the form and left out."""
    form = FilterForm(query, user=user)
    form.is_valid()
    data = {
        name: value for name, value in getattr(form, "cleaned_data", {}).items() if name not in form.errors
    }
    today = timezone.localdate()
    days = data.get("days")
    start, end = data.get("start"), data.get("end")
    if days or not (start or end):
        end = today
        start = today - dt.timedelta(days=(days or DEFAULT_DAYS) - 1)
    elif start and not end:
        end = min(today, start + dt.timedelta(days=MAX_DAYS - 1))
    elif end and not start:
        start = end - dt.timedelta(days=DEFAULT_DAYS - 1)
    assert start is not None
    assert end is not None
    end = max(start, end)
    filters = DashboardFilters(
        user=user,
        start=start,
        end=end,
        store_id=data.get("store"),
        channel=data.get("channel") or "",
        team_id=data.get("team"),
        language=data.get("language") or "",
        country=data.get("country") or "",
    )
    rule_set_id = data.get("rule_set")
    if rule_set_id is not None:
        filters = _narrow_to_rule_set(filters, rule_set_id)
    return filters, form


def _narrow_to_rule_set(filters: DashboardFilters, rule_set_id: int) -> DashboardFilters:
    from helpdesk.models import SeasonalRuleSet

    rule_set = SeasonalRuleSet.objects.filter(pk=rule_set_id).prefetch_related("stores").first()
    if rule_set is None:
        return filters
    tz = timezone.get_current_timezone()
    return replace(
        filters,
        rule_set_id=rule_set.pk,
        start=timezone.localtime(rule_set.prepare_from, tz).date(),
        end=timezone.localtime(rule_set.review_until - dt.timedelta(microseconds=1), tz).date(),
        rule_set_store_ids=tuple(store.pk for store in rule_set.stores.all()),
        rule_set_markets=tuple(str(market).upper() for market in (rule_set.markets or [])),
    )

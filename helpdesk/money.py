"""Shared field helpers for money: Decimal amounts with an ISO-4217 currency."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

MONEY_DIGITS = 14
MONEY_PLACES = 2


def money_field(verbose_name: Any, **kwargs: Any) -> models.DecimalField:
    kwargs.setdefault("default", 0)
    return models.DecimalField(verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs)


def currency_field(**kwargs: Any) -> models.CharField:
    kwargs.setdefault("default", "USD")
    return models.CharField(_("currency"), max_length=3, **kwargs)


def currency_is_iso(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__regex": r"^[A-Z]{3}$"}), name=name)


def not_negative(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=models.Q(**{f"{field}__gte": 0}), name=name)

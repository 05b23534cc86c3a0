"""Template helpers shared by every app."""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.db import models
from django.utils.translation import get_language

register = template.Library()


@lru_cache(maxsize=512)
def _labels(model: type[models.Model], field_name: str, language: str | None) -> dict[object, str]:
    field = model._meta.get_field(field_name)
    return {value: str(label) for value, label in field.flatchoices}  # type: ignore[union-attr]


@register.filter
def choice(obj: models.Model, field_name: str) -> str:
    """The translated label of a choice field, like ``get_FOO_display`` but without
    translating every choice on every call (that cost 2,000 lookups per inbox page)."""
    value = getattr(obj, field_name)
    return _labels(type(obj), field_name, get_language()).get(value, "" if value is None else str(value))

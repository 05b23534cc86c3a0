"""Fields and filters whose every schema-valid value is accepted and every other one is a 400
naming the field, on every database (SQLite overflows where PostgreSQL finds nothing; PostgreSQL
refuses time zone offsets past 15:59 and text with NUL bytes)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

MAX_ID = 2**63 - 1


class StrictIntegerField(forms.IntegerField):
    def to_python(self, value: Any) -> int | None:
        if value == "":  # given but empty: not an id (a missing parameter is None)
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    field_class = StrictIntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class UtcIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value: Any) -> dt.datetime | None:
        if value == "":  # given but empty: not an instant (a missing parameter is None)
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


@extend_schema_field({"type": "string", "format": "date-time"})
class DateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 instant, compared in UTC (any offset the format allows)."""

    field_class = UtcIsoDateTimeField


def id_field(**kwargs: Any) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


def related_id(queryset: QuerySet[Any], **kwargs: Any) -> serializers.PrimaryKeyRelatedField:
    """A reference by id to one of ``queryset`` (narrowed to what the caller may see at runtime)."""
    return serializers.PrimaryKeyRelatedField(
        queryset=queryset, pk_field=serializers.IntegerField(min_value=1, max_value=MAX_ID), **kwargs
    )


class SlugReference(serializers.SlugRelatedField):
    """A reference by code; text PostgreSQL cannot hold (a NUL byte) is invalid, not a crash."""

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)


class ReadModelSerializer(serializers.ModelSerializer):
    """A read-only model serializer whose schema still says a choice field may be blank."""

    def include_extra_kwargs(self, kwargs: dict[str, Any], extra_kwargs: dict[str, Any]) -> dict[str, Any]:
        allow_blank = kwargs.get("allow_blank")
        kwargs = super().include_extra_kwargs(kwargs, extra_kwargs)
        if allow_blank and "choices" in kwargs:
            kwargs["allow_blank"] = True
        return kwargs


class StrictBooleanField(forms.Field):
    """``true`` or ``false`` (also 1/0); anything else is a 400, not "no filter"."""

    def to_python(self, value: Any) -> bool | None:
        if value is None:
            return None
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise forms.ValidationError(_("Use true or false."), code="invalid")


@extend_schema_field({"type": "boolean"})
class BooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The plain widget hands the text over as sent (django-filter's turns "maybe" into None).
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class StrictFilterBackend(DjangoFilterBackend):
    """django-filter, except that a filter given with an empty value (``status=``) is a 400
    naming it rather than "no filter" (text filters excepted: an empty text is a text)."""

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            empty = [
                name
                for name, declared in filterset_class.base_filters.items()
                if request.query_params.get(name) == "" and not isinstance(declared, filters.CharFilter)
            ]
            if empty:
                raise serializers.ValidationError(
                    {name: [_("Give a value or leave the parameter out.")] for name in empty}
                )
        return super().filter_queryset(request, queryset, view)

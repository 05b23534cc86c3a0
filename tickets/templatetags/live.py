"""Template helpers of the live inbox and ticket page."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from helpdesk.broadcast import position_of

register = template.Library()


@register.filter
def micros(value: dt.datetime | None) -> str:
    """A time as microseconds since the epoch (live positions and sort keys); "" for none."""
    return "" if value is None else str(position_of(value))


@register.simple_tag
def live_position() -> int:
    """Where the live stream stands now: a page rendered now resumes from here."""
    return position_of(timezone.now())

"""Reading the signed tokens in customers' links (tracking page, returns portal).

Each kind of link has its own salt, so no other signed token of the project is accepted as one,
and its own lifetime; reading one tells an old link (worth a "this link has expired" page)
from one that was never made here or was changed.
"""

from __future__ import annotations

from typing import Any

from django.core import signing


class LinkExpired(Exception):
    """A genuine link that is too old."""


class LinkInvalid(Exception):
    """A link that was not made here, or was changed."""


def signed_object_load(token: str, *, salt: str, max_age: int) -> dict[str, Any]:
    """The JSON object a token signs; raises ``LinkExpired`` or ``LinkInvalid``."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    if not isinstance(data, dict):
        raise LinkInvalid
    return data

"""Photos of returned items: the customer's (damage, wrong item) and the inspector's.

The edge (portal form, API, inspection form) validates the image by its content and strips
EXIF before it gets here; this module stores it once per line, kind and content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser, User
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.exceptions import ApplicationError
from returns.models import ReturnLine, ReturnPhoto

EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif"}


@dataclass(frozen=True)
class PhotoInput:
    name: str
    content_type: str
    data: bytes
    width: int
    height: int


def photo_check(photo: PhotoInput) -> None:
    """The last line of defence: what the edge should already have refused."""
    if not photo.data:
        raise ApplicationError(_("The photo “%(name)s” is empty.") % {"name": photo.name})
    if photo.content_type not in EXTENSIONS:
        raise ApplicationError(_("“%(name)s” is not a JPEG, PNG, WebP or GIF image.") % {"name": photo.name})
    if photo.width <= 0 or photo.height <= 0:
        raise ApplicationError(_("The photo “%(name)s” has no size.") % {"name": photo.name})


def photo_attach(
    *,
    return_line: ReturnLine,
    photo: PhotoInput,
    kind: str = ReturnPhoto.Kind.CUSTOMER,
    actor: User | AnonymousUser | None = None,
    now: dt.datetime | None = None,
) -> ReturnPhoto:
    """Store a photo on a return line; the same picture sent twice is kept once."""
    photo_check(photo)
    digest = hashlib.sha256(photo.data).hexdigest()
    existing = ReturnPhoto.objects.filter(return_line=return_line, kind=kind, sha256=digest).first()
    if existing is not None:
        return existing
    # The stored name is the content's hash: the customer's file name never reaches the disk.
    name = f"{digest[:32]}{EXTENSIONS[photo.content_type]}"
    record = ReturnPhoto(
        return_line=return_line,
        kind=kind,
        content_type=photo.content_type,
        size=len(photo.data),
        width=photo.width,
        height=photo.height,
        sha256=digest,
        uploaded_by=actor if isinstance(actor, User) and actor.is_authenticated else None,
        uploaded_at=now or timezone.now(),
    )
    record.file.save(name, ContentFile(photo.data), save=False)
    record.save(force_insert=True)
    return record

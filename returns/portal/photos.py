"""Customers' and inspectors' photos: checked by what they contain, re-encoded without metadata.

A photo is accepted when Pillow reads it as a JPEG, PNG or WebP image (the file's name and the
browser's content type count for nothing), it is no larger than ``RETURNS_PHOTO_MAX_BYTES``
and has a sane number of pixels. It is then turned upright and encoded again from its pixels
alone, so EXIF (GPS position, camera serial, time) and any other metadata are gone, and
nothing hidden in the original file is kept.
"""

from __future__ import annotations

import io
import warnings
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from returns.services.photos import PhotoInput

# What Pillow opens, with the type and extension each is stored as.
FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
ACCEPT = ",".join(content_type for content_type, _extension in FORMATS.values())
# Larger pictures are refused (a "decompression bomb" is a small file of enormous pixels) ...
MAX_PIXELS = 60_000_000
# ... and sharp enough ones are scaled down to this on the long side: enough to see a scratch.
MAX_SIDE = 4096


def photos_clean(uploads: list[UploadedFile]) -> list[PhotoInput]:
    """Every upload cleaned, or a ValidationError listing each file that is refused and why."""
    limit = settings.RETURNS_PHOTOS_PER_LINE
    if len(uploads) > limit:
        raise ValidationError(
            ngettext(
                "You can add at most %(count)d photo per item.",
                "You can add at most %(count)d photos per item.",
                limit,
            )
            % {"count": limit},
            code="too_many",
        )
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(photo_clean(upload))
        except ValidationError as error:
            errors.extend(error.error_list)
    if errors:
        raise ValidationError(errors)
    return cleaned


def photo_clean(upload: UploadedFile) -> PhotoInput:
    name = PurePath(upload.name or "photo").name[:100] or "photo"
    limit = settings.RETURNS_PHOTO_MAX_BYTES
    if (upload.size or 0) > limit:
        raise ValidationError(
            _("%(name)s is larger than %(limit)s. Please send a smaller photo.")
            % {"name": name, "limit": filesizeformat(limit)},
            code="too_large",
        )
    data = upload.read(limit + 1)
    if len(data) > limit:  # the declared size was wrong
        raise ValidationError(
            _("%(name)s is larger than %(limit)s. Please send a smaller photo.")
            % {"name": name, "limit": filesizeformat(limit)},
            code="too_large",
        )
    return photo_reencode(data, name=name)


def photo_reencode(data: bytes, *, name: str) -> PhotoInput:
    not_a_photo = ValidationError(
        _("%(name)s is not a photo we can read. Please send a JPEG, PNG or WebP picture.") % {"name": name},
        code="not_a_photo",
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                kind = probe.format or ""
                if kind not in FORMATS:
                    raise not_a_photo
                if probe.width * probe.height > MAX_PIXELS:
                    raise ValidationError(
                        _("%(name)s has too many pixels. Please send a smaller photo.") % {"name": name},
                        code="too_many_pixels",
                    )
                probe.verify()  # a truncated or corrupt file fails here, before decoding
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image) or image
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError):
        raise not_a_photo from None
    except Image.DecompressionBombWarning:
        raise not_a_photo from None
    return _encode(upright, kind=kind, name=name)


def _encode(image: Image.Image, *, kind: str, name: str) -> PhotoInput:
    content_type, extension = FORMATS[kind]
    icc_profile = image.info.get("icc_profile")  # colours, not personal data: kept
    if max(image.size) > MAX_SIDE:
        image.thumbnail((MAX_SIDE, MAX_SIDE))
    # Only the pixels travel on: a new image has no EXIF, XMP, comments or text chunks.
    if kind == "JPEG":
        pixels = image if image.mode in ("RGB", "L") else image.convert("RGB")
    else:  # palette and exotic modes become plain RGBA, which a fresh image can take as is
        pixels = image if image.mode in ("RGB", "RGBA", "L", "LA") else image.convert("RGBA")
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)
    options: dict[str, object] = {}
    if kind == "JPEG":
        options = {"quality": 88, "optimize": True}
    elif kind == "WEBP":
        options = {"quality": 88}
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    clean.save(buffer, format=kind, **options)
    try:
        stem = get_valid_filename(PurePath(name).stem)[:80]
    except SuspiciousFileOperation:  # nothing usable left of the name
        stem = "photo"
    return PhotoInput(
        name=f"{stem}.{extension}",
        content_type=content_type,
        data=buffer.getvalue(),
        width=clean.width,
        height=clean.height,
    )

"""Input checks of the public contact form: fields, attachments, and spam protection.

No third party: a honeypot field people never see, a signed token made when the form is
shown (a form sent back too fast is a bot; the token's nonce makes a double submit one
message), and a per-address rate limit in the cache.
"""

from __future__ import annotations

import logging
import mimetypes
import time
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from redis.exceptions import RedisError

from tickets.ingest.inbound import InboundAttachment

logger = logging.getLogger(__name__)

FORM_SALT = "tickets.contact.form"
FORM_MAX_AGE = 24 * 3600  # a form left open longer is shown again with a fresh token
HONEYPOT = "fax_number"


def new_form_token() -> str:
    return signing.dumps({"n": uuid.uuid4().hex, "t": time.time()}, salt=FORM_SALT)


def rate_limit_exceeded(address: str) -> bool:
    """Count one submission from ``address``; True once it is past the limit for the window.

    With the cache unreachable (Redis restarting) the submission is not counted and passes: the
    honeypot and the signed token still stand, and a customer's message is worth more than a
    few minutes without the limit (a 500 would lose it)."""
    key = f"contact-form:rate:{address}"
    try:
        cache.add(key, 0, timeout=settings.CONTACT_FORM_RATE_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=settings.CONTACT_FORM_RATE_WINDOW)
            count = 1
    except (RedisError, OSError) as error:
        logger.warning("contact form rate limit skipped: the cache is unreachable (%s)", error)
        return False
    return count > settings.CONTACT_FORM_RATE_LIMIT


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=100)
    email = forms.EmailField(label=_("Your e-mail address"))
    order_number = forms.CharField(label=_("Order number (optional)"), max_length=64, required=False)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Your message"), max_length=10000, widget=forms.Textarea(attrs={"rows": 7})
    )
    attachments = MultipleFileField(label=_("Photos or documents (optional)"), required=False)
    token = forms.CharField(widget=forms.HiddenInput)
    fax_number = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.nonce = ""
        self.expired = False
        for name in ("name", "email", "subject", "message"):
            self.fields[name].widget.attrs["autocomplete"] = {"name": "name", "email": "email"}.get(
                name, "off"
            )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_subject(self) -> str:
        # One line: the subject ends up in the Subject header of the replies.
        return " ".join(self.cleaned_data["subject"].split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get(HONEYPOT):  # filled in by a bot: people never see the field
            raise forms.ValidationError(_("Your message could not be sent."), code="spam")
        return cleaned

    def clean_token(self) -> str:
        token = self.cleaned_data["token"]
        try:
            data = signing.loads(token, salt=FORM_SALT, max_age=FORM_MAX_AGE)
            nonce, shown_at = str(data["n"]), float(data["t"])
        except signing.SignatureExpired:
            self.expired = True
            raise forms.ValidationError(
                _("This form was open for too long. Please check your message and send it again."),
                code="expired",
            ) from None
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise forms.ValidationError(_("Your message could not be sent."), code="tampered") from None
        if time.time() - shown_at < settings.CONTACT_FORM_MIN_SECONDS:
            raise forms.ValidationError(
                _("That was very fast. Please wait a moment, then send the form again."), code="too_fast"
            )
        self.nonce = nonce
        return token

    def clean_attachments(self) -> list[InboundAttachment]:
        files = self.cleaned_data.get("attachments") or []
        limit = settings.CONTACT_FORM_MAX_FILES
        if len(files) > limit:
            raise forms.ValidationError(
                ngettext(
                    "You can attach at most %(count)d file.", "You can attach at most %(count)d files.", limit
                )
                % {"count": limit}
            )
        return [self._attachment(upload) for upload in files]

    def _attachment(self, upload: UploadedFile) -> InboundAttachment:
        name = upload.name or "attachment"
        if (upload.size or 0) > settings.CONTACT_FORM_MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("%(name)s is larger than %(limit)s.")
                % {"name": name, "limit": filesizeformat(settings.CONTACT_FORM_MAX_FILE_BYTES)}
            )
        payload = upload.read()
        content_type = sniff(payload, name)
        if content_type not in settings.CONTACT_FORM_FILE_TYPES:
            raise forms.ValidationError(_("%(name)s is not a file type we accept.") % {"name": name})
        return InboundAttachment(filename=name[:200], content_type=content_type, payload=payload)


# What a file's first bytes say it is: a renamed program is not a photo.
_SIGNATURES: list[tuple[str, Any]] = [
    ("image/jpeg", lambda head: head.startswith(b"\xff\xd8\xff")),
    ("image/png", lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    ("image/gif", lambda head: head[:6] in (b"GIF87a", b"GIF89a")),
    ("image/webp", lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
    ("application/pdf", lambda head: head.startswith(b"%PDF-")),
    ("image/heic", lambda head: head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1")),
    ("video/mp4", lambda head: head[4:8] == b"ftyp"),
]


def sniff(payload: bytes, filename: str) -> str:
    """The type a file's content shows; for types without a known signature, what its name says."""
    head = payload[:32]
    for content_type, matches in _SIGNATURES:
        if matches(head):
            return content_type
    guessed = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    # A name claiming a type we can recognise, on content that is not that type, is refused.
    return "application/octet-stream" if guessed in dict(_SIGNATURES) else guessed

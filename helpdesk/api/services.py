"""Writes of the API layer: tokens (create, revoke, note use) and idempotency records."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.api.models import API_SCOPES, ApiToken, IdempotencyKey
from helpdesk.exceptions import ApplicationError

TOKEN_PREFIX = "hdk_"
IDEMPOTENCY_KEY_PATTERN = re.compile(r"[!-~]([ -~]*[!-~])?")
# Writing "last used" on every request would make each read a write; a minute is precise enough.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once; only its hash is stored


def api_token_create(
    *,
    user: User,
    name: str,
    scopes: Iterable[str],
    kind: str = ApiToken.Kind.INTEGRATION,
    expires_at: dt.datetime | None = None,
    created_by: User | None = None,
) -> NewToken:
    """A new token acting as ``user``; the returned secret is the only time it is readable."""
    name = name.strip()
    if not name:
        raise ApplicationError(_("Name the token after who uses it."))
    wanted = list(dict.fromkeys(scopes))
    unknown = sorted(set(wanted) - set(API_SCOPES))
    if unknown:
        raise ApplicationError(
            _("Unknown scopes: %(unknown)s.") % {"unknown": ", ".join(unknown)},
            extra={"known": list(API_SCOPES)},
        )
    if expires_at is not None and expires_at <= timezone.now():
        raise ApplicationError(_("The expiry date is in the past."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name[:100],
        kind=kind,
        user=user,
        prefix=secret[: len(TOKEN_PREFIX) + 6],
        token_hash=token_hash(secret),
        scopes=wanted,
        expires_at=expires_at,
        created_by=created_by,
    )
    token.full_clean()
    token.save()
    return NewToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Stop a token from working (at once, for every request after this one)."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=token.revoked_at)
    return token


def api_token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Note that the token was used (at most once a minute per token)."""
    now = now or timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_PRECISION)
    ).update(last_used_at=now)
    token.last_used_at = now


# --- idempotency -------------------------------------------------------------------------------


class IdempotencyConflict(ApplicationError):
    """The key was used for another request body, or its first request is still running."""


@dataclass(frozen=True)
class Claim:
    """Either this request runs (``record`` to complete) or the stored response is replayed."""

    record: IdempotencyKey
    replay: bool


def idempotency_claim(*, owner: str, key: str, method: str, path: str, request_hash: str) -> Claim:
    """Claim ``key`` for this request, or find the first request's stored response.

    The insert is its own transaction: of two concurrent requests with one key, exactly one
    inserts the row; the other sees it (waiting on the unique index until the first commits)
    and gets a conflict while the first is still running, or its response afterwards.
    """
    key = key.strip()
    if not IDEMPOTENCY_KEY_PATTERN.fullmatch(key) or len(key) > 255:
        raise ApplicationError(
            _("The Idempotency-Key header must have 1 to 255 printable ASCII characters."),
            extra={"code": "invalid_idempotency_key"},
        )
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                owner=owner, key=key, method=method, path=path[:500], request_hash=request_hash
            )
        return Claim(record=record, replay=False)
    except IntegrityError:
        record = IdempotencyKey.objects.get(owner=owner, key=key, method=method, path=path[:500])
    if record.request_hash != request_hash:
        raise IdempotencyConflict(
            _("This Idempotency-Key was already used with a different request body."),
            extra={"code": "idempotency_key_reused"},
        )
    if record.state == IdempotencyKey.State.PROCESSING:
        raise IdempotencyConflict(
            _("A request with this Idempotency-Key is still being processed; retry in a moment."),
            extra={"code": "idempotency_key_in_progress"},
        )
    return Claim(record=record, replay=True)


def idempotency_complete(*, record: IdempotencyKey, status: int, body: Any) -> None:
    """Store the first response, to be replayed to every retry."""
    IdempotencyKey.objects.filter(pk=record.pk).update(
        state=IdempotencyKey.State.COMPLETED, response_status=status, response_body=body
    )


def idempotency_release(*, record: IdempotencyKey) -> None:
    """The request failed on the server's side: free the key so a retry runs again."""
    IdempotencyKey.objects.filter(pk=record.pk, state=IdempotencyKey.State.PROCESSING).delete()


def idempotency_keys_purge(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> int:
    """Forget stored responses after a day (clients retry within minutes)."""
    deleted, _by_model = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - older_than).delete()
    return deleted

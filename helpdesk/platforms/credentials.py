"""Stores' platform credentials, encrypted at rest with Fernet (``PLATFORM_CREDENTIALS_KEY``).

The secrets are one JSON object per store (WooCommerce: ``consumer_key``, ``consumer_secret``),
sealed as a Fernet token; several keys may be configured (newest first) so a key can be rotated
without re-entering every store's credentials.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import transaction

from helpdesk.exceptions import ApplicationError
from helpdesk.platforms.models import PlatformCredential

if TYPE_CHECKING:
    from customers.models import Store

logger = logging.getLogger(__name__)


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in settings.PLATFORM_CREDENTIALS_KEYS])


def secrets_seal(secrets: dict[str, str]) -> str:
    return _fernet().encrypt(json.dumps(secrets, sort_keys=True).encode()).decode()


def secrets_open(token: str) -> dict[str, str]:
    try:
        opened = json.loads(_fernet().decrypt(token.encode()))
    except InvalidToken as error:
        raise ApplicationError(
            "The stored platform credentials cannot be decrypted with PLATFORM_CREDENTIALS_KEY; "
            "enter them again."
        ) from error
    return {str(name): str(value) for name, value in opened.items()}


@transaction.atomic
def platform_credential_set(*, store: Store, base_url: str, secrets: dict[str, str]) -> PlatformCredential:
    """Create or replace ``store``'s credentials."""
    if not secrets or not all(isinstance(value, str) and value for value in secrets.values()):
        raise ApplicationError("Every credential needs a value.")
    credential = PlatformCredential.objects.select_for_update().filter(store=store).first()
    if credential is None:
        credential = PlatformCredential(store=store)
    credential.base_url = base_url.strip().rstrip("/")
    credential.secrets_encrypted = secrets_seal(secrets)
    credential.full_clean()
    credential.save()
    return credential


def platform_credential_secrets(*, credential: PlatformCredential) -> dict[str, str]:
    return secrets_open(credential.secrets_encrypted)


def stored_secrets(*, store: Store, label: str) -> tuple[PlatformCredential, dict[str, str]] | None:
    """``store``'s credentials and their secrets, or None: none stored, or they cannot be opened
    with the configured key (logged under ``label``, the platform's name; the store then has no
    connector and work is done by hand)."""
    credential = PlatformCredential.objects.filter(store=store).first()
    if credential is None:
        return None
    try:
        return credential, platform_credential_secrets(credential=credential)
    except ApplicationError as error:
        logger.warning("%s store %s: %s", label, store.pk, error.message)
        return None

"""Settings for the test suite: base settings with fast, isolated parts.

``DATABASE_URL`` and ``REDIS_URL`` are honoured, so CI runs the same suite on
PostgreSQL and Redis; with nothing set it runs on SQLite.
"""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production-use-0123456789")
os.environ.setdefault("PLATFORM_CREDENTIALS_KEY", "6QY8jtWtfPPUYOrLd3Mm6m2mvULkMeaHyCH0wgwKz_4=")
os.environ.setdefault("VAR_DIR", str(Path(__file__).resolve().parent.parent.parent / "var" / "test"))

from helpdesk.settings.base import *  # noqa: F403
from helpdesk.settings.base import CACHES, REDIS_URL

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
# nlp_train reads no database corrections unless a test asks for them (most train without a database).
NLP_CORRECTION_SOURCES: list[str] = []
CELERY_BROKER_URL = "memory://"
CELERY_BROKER_TRANSPORT_OPTIONS = {}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
if not REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES["default"]["KEY_PREFIX"] = "helpdesk-test"

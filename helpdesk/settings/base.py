"""Settings read from the environment (see .env.example for every variable).

With nothing set the project runs on one machine with no services: SQLite under
``var/``, an in-memory channel layer and Celery's filesystem transport. Setting
``DATABASE_URL`` and ``REDIS_URL`` moves it onto PostgreSQL and Redis.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from helpdesk.settings.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("VAR_DIR") or BASE_DIR / "var").resolve()

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. `make run` generates one for local use; in production set "
        "SECRET_KEY to a long random string (see .env.example)."
    )
if len(SECRET_KEY) < 50 and not DEBUG:
    # Django's deploy check (security.W009) asks for 50; fail at start-up, not later.
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "django_celery_beat",
    "django_htmx",
    "helpdesk.apps.HelpdeskConfig",
    "customers.apps.CustomersConfig",
    "logistics.apps.LogisticsConfig",
    "returns.apps.ReturnsConfig",
    "tickets.apps.TicketsConfig",
    "analytics.apps.AnalyticsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "helpdesk.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "helpdesk.urls"
ASGI_APPLICATION = "helpdesk.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "helpdesk.context_processors.navigation",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATABASE_URL = env_url("DATABASE_URL", schemes=("postgres", "postgresql", "pgsql", "sqlite"))
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            # 0 by default: daphne runs each request's database work in a thread of its own, and
            # connections kept per thread climbed to PostgreSQL's limit under load (bench/peak.py,
            # docs/peak/: 99 of 100 connections and HTTP 500s at 2 messages/s; 21 with 0).
            conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file: WAL lets readers run beside the writer, and
    # IMMEDIATE transactions wait for the lock instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, channel layer, cache ----------------------------------------------------------
REDIS_URL = env_url("REDIS_URL", schemes=("redis", "rediss", "unix"))

if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # channels-redis waits for events with a 5 s BZPOPMIN; redis-py's default 5 s read
                # timeout would end that wait with a TimeoutError and kill every consumer that has
                # heard nothing for 5 s. Reads get longer than the blocking wait.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                "prefix": env_str("CHANNELS_PREFIX", "helpdesk"),
                # At a holiday peak an open inbox can fall a few seconds behind; past the default
                # 100 waiting events its channel drops new ones, and the agent misses rows until
                # a reload. 1,000 events, kept for a minute, ride out the bursts of bench/peak.py.
                "capacity": 1000,
                "expiry": 60,
            },
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_PREFIX", "helpdesk"),
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels.layers.InMemoryChannelLayer",
            "CONFIG": {"capacity": 1000, "expiry": 60},
        }
    }
    CACHES = {
        "default": {
            # Shared by web, worker and beat processes, unlike the local-memory cache.
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery -------------------------------------------------------------------------------
CELERY_BROKER_URL = (
    env_url(
        "CELERY_BROKER_URL",
        schemes=("redis", "rediss", "amqp", "amqps", "pyamqp", "filesystem", "memory"),
    )
    or REDIS_URL
    or "filesystem://"
)
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery" / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir),
        "data_folder_out": str(_broker_dir),
        "control_folder": str(VAR_DIR / "celery" / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
# A task is acknowledged only when it has finished, so a killed worker's task runs again
# (every task is idempotent).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Auth ---------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "tickets:inbox"
LOGOUT_REDIRECT_URL = "login"

# --- I18n and time ------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("zh-hans", _("Simplified Chinese")),
    # The customers' languages of the returns portal (catalogues under locale/).
    ("es", _("Spanish")),
    ("de", _("German")),
    ("fr", _("French")),
    ("it", _("Italian")),
    ("ja", _("Japanese")),
    ("pt", _("Portuguese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and media ---------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT") or VAR_DIR / "staticfiles")
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail -------------------------------------------------------------------------------
EMAIL_HOST = env_str("EMAIL_HOST")
EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
if EMAIL_USE_TLS and EMAIL_USE_SSL and EMAIL_HOST:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "support@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    # Without an SMTP server, outgoing mail is written to files a developer can open.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = str(VAR_DIR / "mail")

# --- Security -----------------------------------------------------------------------------
# Secure by default; `make run` serves plain http on localhost with DEBUG on.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS")

# --- REST framework -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First, so an API request without credentials is a 401 asking for a bearer token.
        "helpdesk.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # REST API v1 (helpdesk/api/): one error format, cursor pages, filters, per-token throttling.
    "EXCEPTION_HANDLER": "helpdesk.api.errors.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "helpdesk.api.pagination.IdCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["helpdesk.api.throttling.TokenRateThrottle"],
    "DEFAULT_SCHEMA_CLASS": "helpdesk.api.schema.ApiAutoSchema",
}
# Requests per token (or per signed-in user, or per address when anonymous), e.g. "600/min".
API_THROTTLE_RATE = env_str("API_THROTTLE_RATE", "600/min")
_rate_count, _slash, _rate_period = API_THROTTLE_RATE.partition("/")
if not _rate_count.isdigit() or _rate_period[:1] not in ("s", "m", "h", "d"):
    raise ImproperlyConfigured(
        f"API_THROTTLE_RATE={API_THROTTLE_RATE!r}: use <requests>/<s|min|hour|day>, e.g. 600/min."
    )
SPECTACULAR_SETTINGS = {
    "TITLE": "Helpdesk API",
    "DESCRIPTION": "Tickets, customers, orders, returns, refunds, shipments and more (REST API v1).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set shared by several fields (helpdesk/api/schema.py).
    "ENUM_NAME_OVERRIDES": {
        "TicketChannelEnum": "tickets.models.Channel",
        "ApiChannelEnum": "tickets.api.API_CHANNELS",
        "TicketStatusEnum": "tickets.models.Ticket.Status",
        "MessageDirectionEnum": "tickets.models.Message.Direction",
        "MessageKindEnum": "tickets.models.Message.Kind",
        "ShipmentDirectionEnum": "logistics.models.Shipment.Direction",
        "TrackingStatusEnum": "logistics.models.TrackingStatus",
        "ReturnStatusEnum": "returns.models.ReturnRequest.Status",
        "RefundStatusEnum": "returns.models.Refund.Status",
        "OrderStatusEnum": "customers.models.Order.Status",
        "TagKindEnum": "customers.models.Tag.Kind",
        "SeasonKindEnum": "helpdesk.models.SeasonalRuleSet.Kind",
        "ReplyStatusEnum": "tickets.api.REPLY_STATUSES",
        "WebhookEventTypeEnum": "helpdesk.outbound.models.EventType",
    },
}

# --- Uploads ------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1024)
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)

# --- IMAP polling (each mailbox's interval and backfill are set on the mailbox in admin) ---
IMAP_TIMEOUT_SECONDS = env_int("IMAP_TIMEOUT_SECONDS", 30, minimum=1)
IMAP_FETCH_BATCH = env_int("IMAP_FETCH_BATCH", 20, minimum=1)
IMAP_MAX_MESSAGES_PER_POLL = env_int("IMAP_MAX_MESSAGES_PER_POLL", 500, minimum=1)
# Executables and scripts are not kept as attachments (the raw original still holds them).
ATTACHMENT_BLOCKED_EXTENSIONS = env_list(
    "ATTACHMENT_BLOCKED_EXTENSIONS",
    [
        "exe",
        "com",
        "scr",
        "bat",
        "cmd",
        "pif",
        "msi",
        "dll",
        "js",
        "jse",
        "vbs",
        "vbe",
        "wsf",
        "ps1",
        "jar",
        "hta",
        "lnk",
    ],
)

# --- Logging ------------------------------------------------------------------------------
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, got {LOG_LEVEL!r}"
    )
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Product ------------------------------------------------------------------------------
HELPDESK_PUBLIC_URL = env_str("HELPDESK_PUBLIC_URL", "http://localhost:8000")
HEARTBEAT_SECONDS = env_int("HEARTBEAT_SECONDS", 30, minimum=1)
# A run of triage holds its message this long (a worker killed mid-run gives it up only then), and
# beat queues again a message still waiting for triage this long after it arrived (its task was
# lost with the broker, or its worker died).
TRIAGE_CLAIM_SECONDS = env_int("TRIAGE_CLAIM_SECONDS", 120, minimum=1)
TRIAGE_REQUEUE_AFTER_SECONDS = env_int("TRIAGE_REQUEUE_AFTER_SECONDS", 300, minimum=1)

# --- Translation (argostranslate) ---------------------------------------------------------
# Installed language packs (`manage.py translation_packs`); argostranslate reads the same
# variable. Nothing is downloaded while translating.
ARGOS_PACKAGES_DIR = Path(env_str("ARGOS_PACKAGES_DIR") or VAR_DIR / "argos-packages").resolve()
ARGOS_PACKAGE_INDEX = env_url(
    "ARGOS_PACKAGE_INDEX",
    schemes=("https", "http"),
    default="https://raw.githubusercontent.com/argosopentech/argospm-index/main/",
)
# Longer messages are translated up to this many characters (the rest stays in the original).
TRANSLATION_MAX_CHARS = env_int("TRANSLATION_MAX_CHARS", 5000, minimum=100)
# CPU threads one process uses per translation (0 = all cores); scale with worker processes.
TRANSLATION_THREADS = env_int("TRANSLATION_THREADS", 1, minimum=0)

# --- Triage models (helpdesk/nlp; `manage.py nlp_train`) -----------------------------------
# Trained artefacts: <NLP_MODELS_DIR>/<name>-<version>/ and <name>.latest.
NLP_MODELS_DIR = Path(env_str("NLP_MODELS_DIR") or VAR_DIR / "models").resolve()
# Public data sets used to rebuild the sentiment/anger models and to evaluate sentiment
# (UMSAB, XED, Bitext). Absent on most machines: the bundled models are used instead.
NLP_DATA_DIR = Path(env_str("NLP_DATA_DIR") or BASE_DIR.parent / "shared" / "data").resolve()
# Agents' intent corrections as JSON Lines ({"text", "subject", "intent"}); nlp_train learns from them.
NLP_CORRECTIONS_FILE = env_str("NLP_CORRECTIONS_FILE")
# Dotted path of a tracking-number detector (text -> list of matches); the logistics app's
# carrier-aware one (check digits, 50 formats) unless overridden; set it empty for the built-in finder.
NLP_TRACKING_DETECTOR = env_str("NLP_TRACKING_DETECTOR", "logistics.tracking_numbers.find_in_text")
# Where nlp_train also reads agents' corrections: dotted paths of callables yielding
# (text, subject, intent) or (text, intent). The tickets app stores corrections as ticket events.
NLP_CORRECTION_SOURCES = ["tickets.selectors.intent_corrections"]

# --- Triage scores (tickets/services/priority.py, claim_risk.py) --------------------------
# A claim scoring at least this (0-100) is flagged for a lead's review: no automatic money on it.
CLAIM_RISK_REVIEW_THRESHOLD = env_int("CLAIM_RISK_REVIEW_THRESHOLD", 40, minimum=1)
# A customer whose lifetime value reaches this (in their currency) is high-value: anger escalates.
HIGH_VALUE_CUSTOMER = env_int("HIGH_VALUE_CUSTOMER", 1000, minimum=1)

# --- Public entry points: contact form, chat widget, platform webhooks ---------------------
# Files a customer may attach to the contact form: how many, how large, which types (by content).
CONTACT_FORM_MAX_FILES = env_int("CONTACT_FORM_MAX_FILES", 3, minimum=0)
CONTACT_FORM_MAX_FILE_BYTES = env_int("CONTACT_FORM_MAX_FILE_BYTES", 10 * 1024 * 1024, minimum=1024)
CONTACT_FORM_FILE_TYPES = env_list(
    "CONTACT_FORM_FILE_TYPES",
    ["image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "application/pdf", "video/mp4"],
)
# Spam protection without third parties: a form sent back faster than this is refused, and
# one address may send this many forms per window.
CONTACT_FORM_MIN_SECONDS = env_int("CONTACT_FORM_MIN_SECONDS", 3, minimum=0)
CONTACT_FORM_RATE_LIMIT = env_int("CONTACT_FORM_RATE_LIMIT", 10, minimum=1)
CONTACT_FORM_RATE_WINDOW = env_int("CONTACT_FORM_RATE_WINDOW", 600, minimum=1)
CHAT_MESSAGES_PER_MINUTE = env_int("CHAT_MESSAGES_PER_MINUTE", 20, minimum=1)
CHAT_MESSAGE_MAX_CHARS = env_int("CHAT_MESSAGE_MAX_CHARS", 4000, minimum=100)
CHAT_TOKEN_MAX_AGE_DAYS = env_int("CHAT_TOKEN_MAX_AGE_DAYS", 90, minimum=1)
INBOUND_WEBHOOK_MAX_BYTES = env_int("INBOUND_WEBHOOK_MAX_BYTES", 1024 * 1024, minimum=1024)
# Outbound webhooks (helpdesk/outbound/): the first retry after this many seconds, doubling
# each time (at most 6 hours), this many attempts in all, this long to wait for an answer.
OUTBOUND_WEBHOOK_RETRY_SECONDS = env_int("OUTBOUND_WEBHOOK_RETRY_SECONDS", 30, minimum=1)
OUTBOUND_WEBHOOK_MAX_ATTEMPTS = env_int("OUTBOUND_WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
OUTBOUND_WEBHOOK_TIMEOUT_SECONDS = env_int("OUTBOUND_WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)

# --- Returns portal (returns/portal/) -----------------------------------------------------
# Order look-ups: per IP address and per order number, in a window (seconds); every look-up
# takes at least the minimum, so a wrong e-mail and an unknown order cannot be told apart.
RETURNS_PORTAL_LOOKUPS_PER_IP = env_int("RETURNS_PORTAL_LOOKUPS_PER_IP", 20, minimum=1)
RETURNS_PORTAL_LOOKUPS_PER_ORDER = env_int("RETURNS_PORTAL_LOOKUPS_PER_ORDER", 8, minimum=1)
RETURNS_PORTAL_LOOKUP_WINDOW = env_int("RETURNS_PORTAL_LOOKUP_WINDOW", 900, minimum=1)
RETURNS_PORTAL_LOOKUP_MIN_MS = env_int("RETURNS_PORTAL_LOOKUP_MIN_MS", 400, minimum=0)
# How long a found order stays open in the customer's session (minutes), and how long the
# e-mailed status link and the returns link of automatic answers stay valid (days).
RETURNS_PORTAL_SESSION_MINUTES = env_int("RETURNS_PORTAL_SESSION_MINUTES", 30, minimum=1)
RETURNS_STATUS_LINK_DAYS = env_int("RETURNS_STATUS_LINK_DAYS", 90, minimum=1)
RETURNS_ORDER_LINK_DAYS = env_int("RETURNS_ORDER_LINK_DAYS", 30, minimum=1)
# Photos of a returned item: how many per item and bytes each (JPEG, PNG or WebP by content).
RETURNS_PHOTOS_PER_LINE = env_int("RETURNS_PHOTOS_PER_LINE", 5, minimum=1)
RETURNS_PHOTO_MAX_BYTES = env_int("RETURNS_PHOTO_MAX_BYTES", 8 * 1024 * 1024, minimum=1024)

# --- Customer tracking page (logistics/public_views.py, /track/) ---------------------------
# Order look-ups per IP address and per order number in a window (seconds); every look-up takes
# at least the minimum, so a wrong e-mail and an unknown order cannot be told apart. Signed
# tracking links (replies, proactive notices) stay valid this many days.
TRACKING_LOOKUPS_PER_IP = env_int("TRACKING_LOOKUPS_PER_IP", 20, minimum=1)
TRACKING_LOOKUPS_PER_ORDER = env_int("TRACKING_LOOKUPS_PER_ORDER", 8, minimum=1)
TRACKING_LOOKUP_WINDOW = env_int("TRACKING_LOOKUP_WINDOW", 900, minimum=1)
TRACKING_LOOKUP_MIN_MS = env_int("TRACKING_LOOKUP_MIN_MS", 300, minimum=0)
TRACKING_LINK_DAYS = env_int("TRACKING_LINK_DAYS", 120, minimum=1)

# --- Privacy (customers/privacy.py) --------------------------------------------------------
# Message bodies and attachments older than this many months are purged nightly (the tickets and
# the messages' metadata stay). 0 keeps them for ever.
MESSAGE_RETENTION_MONTHS = env_int("MESSAGE_RETENTION_MONTHS", 0, minimum=0)

# --- Platform connectors (helpdesk/platforms/) ---------------------------------------------
# Shopify Admin API access tokens per shop: "shop.myshopify.com=shpat_…,other.myshopify.com=…".
# A Shopify store (its platform account id is the shop domain) without a token refunds by hand.
SHOPIFY_ACCESS_TOKENS: dict[str, str] = {}
for _entry in env_list("SHOPIFY_ACCESS_TOKENS"):
    _shop, _sep, _token = _entry.partition("=")
    if not _sep or not _shop.strip() or not _token.strip():
        raise ImproperlyConfigured(
            f"SHOPIFY_ACCESS_TOKENS entries must be shop.myshopify.com=token, got {_entry.split('=')[0]!r}…"
        )
    SHOPIFY_ACCESS_TOKENS[_shop.strip().lower()] = _token.strip()
# Only for a test or a proxy: the shop's base URL, "{shop}" standing for its domain.
SHOPIFY_API_BASE_URL = env_str("SHOPIFY_API_BASE_URL")
# Attempts per Shopify call on 429, 5xx and timeouts before the refund is left to the ledger's retries.
SHOPIFY_MAX_ATTEMPTS = env_int("SHOPIFY_MAX_ATTEMPTS", 4, minimum=1)

# --- Platform connectors (helpdesk/platforms/) -------------------------------------------------
# Fernet keys that encrypt stores' platform credentials at rest, newest first (older ones still
# decrypt: rotate by prepending). Required in production; with DEBUG a key derived from
# SECRET_KEY is used, so credentials entered locally do not survive a SECRET_KEY change.
PLATFORM_CREDENTIALS_KEYS = env_list("PLATFORM_CREDENTIALS_KEY")
if not PLATFORM_CREDENTIALS_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            'PLATFORM_CREDENTIALS_KEY is not set. Generate one with `python -c "from cryptography.fernet '
            'import Fernet; print(Fernet.generate_key().decode())"` (see .env.example).'
        )
    PLATFORM_CREDENTIALS_KEYS = [
        base64.urlsafe_b64encode(
            hashlib.sha256(b"platform-credentials:" + SECRET_KEY.encode()).digest()
        ).decode()
    ]
for _key in PLATFORM_CREDENTIALS_KEYS:
    try:
        _key_bytes = base64.urlsafe_b64decode(_key.encode())
    except (binascii.Error, ValueError):
        _key_bytes = b""
    if len(_key_bytes) != 32:  # what Fernet needs
        raise ImproperlyConfigured(
            "PLATFORM_CREDENTIALS_KEY must be url-safe base64 of 32 bytes (a Fernet key)."
        )
# How often a sync of every store with credentials runs (seconds), and pages per store per run.
PLATFORM_SYNC_SECONDS = env_int("PLATFORM_SYNC_SECONDS", 900, minimum=60)
PLATFORM_SYNC_MAX_PAGES = env_int("PLATFORM_SYNC_MAX_PAGES", 20, minimum=1)

# SQLite, the filesystem broker, the file cache and collected static files live here; a
# read-only deployment that uses none of them (PostgreSQL, Redis, S3) may not be able to.
_folders = [VAR_DIR, STATIC_ROOT]
if CELERY_BROKER_URL.startswith("filesystem://"):
    _folders += [
        Path(str(folder)) for folder in CELERY_BROKER_TRANSPORT_OPTIONS.values() if isinstance(folder, str)
    ]
for _directory in _folders:
    with contextlib.suppress(OSError):
        _directory.mkdir(parents=True, exist_ok=True)

# --- Volume forecast and staffing (analytics/dashboards/forecast.py) ---------------------------
# Agent minutes per ticket (the Erlang C handle time). The data holds no measure of it (the time
# between a customer's message and the reply is waiting, not work), so it is set here: a default
# and per team, "team-slug=minutes,…".
FORECAST_HANDLE_MINUTES = env_int("FORECAST_HANDLE_MINUTES", 6, minimum=1)
FORECAST_HANDLE_MINUTES_BY_TEAM: dict[str, int] = {}
for _entry in env_list("FORECAST_HANDLE_MINUTES_BY_TEAM"):
    _team, _sep, _minutes = _entry.partition("=")
    if not _sep or not _team.strip() or not _minutes.strip().isdigit() or int(_minutes) < 1:
        raise ImproperlyConfigured(
            f"FORECAST_HANDLE_MINUTES_BY_TEAM entries must be team-slug=minutes, got {_entry!r}"
        )
    FORECAST_HANDLE_MINUTES_BY_TEAM[_team.strip()] = int(_minutes)
# The staffing target: this share of tickets gets a first response within this many minutes.
FORECAST_TARGET_MINUTES = env_int("FORECAST_TARGET_MINUTES", 60, minimum=1)
FORECAST_SERVICE_LEVEL_PERCENT = env_int("FORECAST_SERVICE_LEVEL_PERCENT", 80, minimum=1)
FORECAST_MAX_OCCUPANCY_PERCENT = env_int("FORECAST_MAX_OCCUPANCY_PERCENT", 85, minimum=1)
# Paid time not spent on tickets (breaks, meetings, training, absence).
FORECAST_SHRINKAGE_PERCENT = env_int("FORECAST_SHRINKAGE_PERCENT", 30, minimum=0)
if (
    FORECAST_SERVICE_LEVEL_PERCENT >= 100
    or FORECAST_MAX_OCCUPANCY_PERCENT > 100
    or FORECAST_SHRINKAGE_PERCENT >= 100
):
    raise ImproperlyConfigured(
        "FORECAST_SERVICE_LEVEL_PERCENT must be < 100, FORECAST_MAX_OCCUPANCY_PERCENT <= 100 "
        "and FORECAST_SHRINKAGE_PERCENT < 100."
    )

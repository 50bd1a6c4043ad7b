"""badgehub settings, read from the environment.

With no environment at all the app runs on the *embedded default*: a SQLite
file under ``var/``, Celery tasks executed in-process, e-mails printed to the
console. ``BADGEHUB_MODE=production`` turns on the production shape and makes
startup fail fast when a required variable is missing.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BADGEHUB_VAR_DIR", BASE_DIR / "var"))

env = environ.Env()

MODE = env.str("BADGEHUB_MODE", default="development")
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured(f"BADGEHUB_MODE must be 'development' or 'production', not {MODE!r}.")
PRODUCTION = MODE == "production"

REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "DATABASE_URL", "SITE_URL", "KEY_ENCRYPTION_KEY", "ALLOWED_HOSTS")
if PRODUCTION:
    missing = [name for name in REQUIRED_IN_PRODUCTION if not os.environ.get(name)]
    if missing:
        raise ImproperlyConfigured(
            "badgehub refuses to start in production without: " + ", ".join(missing)
            + ". See README.md, section 'Configuration'."
        )

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
# Development-only defaults: production requires real values (checked above).
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-secret-key-change-me-0123456789abcdef")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

# Fernet keys (comma-separated, newest first) that encrypt issuers' private signing keys.
KEY_ENCRYPTION_KEYS = env.list("KEY_ENCRYPTION_KEY", default=["ZGV2LW9ubHkta2V5LWVuY3J5cHRpb24ta2V5LTAwMDA="])
for _key in KEY_ENCRYPTION_KEYS:
    try:
        Fernet(_key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            "KEY_ENCRYPTION_KEY must be Fernet keys (32 url-safe base64 bytes, comma-separated); generate one with "
            "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
        ) from None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    # OAuth 2.0 server of the Open Badges 3.0 API (badges/ob3api/).
    "oauth2_provider",
    "badgehub",
    "issuers",
    "badges",
    "pathways",
    "endorsements",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "badges.middleware.RateLimitMiddleware",
    # Last: turns a locked account (django-axes) into our 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "badgehub.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

WSGI_APPLICATION = "badgehub.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'badgehub.sqlite3'}"),
}
if not os.environ.get("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default's SQLite file and media live here
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Before any password is checked: a locked account (django-axes), a client that failed too often.
    "axes.backends.AxesStandaloneBackend",
    "badges.auth.ClientLoginLimitBackend",
    "badges.auth.EmailOrUsernameBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# The client address that abuse limits count by (badges/throttle.py, django-axes): REMOTE_ADDR by
# default; behind N reverse proxies of ours, the X-Forwarded-For entry our outermost proxy added.
# Never more than the proxies really in front: the entries further left are the client's own words.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 (no proxy) or the number of proxies in front.")
# Password guessing: an account is locked after this many failures, for AXES_COOLOFF_TIME; a
# successful sign-in resets its count. Signing in by e-mail link stays open meanwhile.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Per client, axes would lock a whole workshop behind one address after 5 typos: the client's cap
# is badges.auth.ClientLoginLimitBackend's (throttle.LOGIN_FAILURES_PER_CLIENT), hence this check off.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "badges.auth.lockout_username"
AXES_CLIENT_IP_CALLABLE = "badges.throttle.client_ip"
AXES_LOCKOUT_CALLABLE = "badges.auth.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:after_login"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploads: evidence files and badge images are validated again by the forms.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
BADGEHUB_MAX_UPLOAD_BYTES = env.int("BADGEHUB_MAX_UPLOAD_BYTES", default=10 * 1024 * 1024)
BADGEHUB_MAX_IMAGE_PIXELS = 40_000_000

# E-mail: console in development, SMTP (EMAIL_URL) in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="badgehub <no-reply@badgehub.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: a Redis broker when REDIS_URL is set; otherwise tasks run in-process
# (the embedded default only; tests and production always have a broker).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
# The cache (form throttling) lives in Redis database 1 by default: never in the
# broker's database, whose queues a cache flush would wipe.
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache",
         "LOCATION": env.str("CACHE_URL", default=REDIS_URL.rsplit("/", 1)[0] + "/1")}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = None
# A message is acknowledged once its task has run: a worker that dies mid-task leaves
# it to another (reject_on_worker_lost: at once when a pool process dies; after the
# visibility timeout when the whole worker does, or sooner through the sweeper below).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# One message reserved per process: a killed worker holds few, and a long batch chunk
# never keeps other tasks waiting behind it.
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# The longest task runs at most 600 s (time_limit) and a retry waits at most
# TASK_MAX_RETRY_DELAY_S: Redis gives a reserved message to another worker only after
# this, so no running or waiting task is ever delivered twice by the broker itself
# (tests/foundation/test_settings.py checks every task against it).
TASK_MAX_RETRY_DELAY_S = 600
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 1800,
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 3
# A request queuing a task while Redis is down waits at most ~0.5 s before the task is
# kept in the database instead (badges.services.queueing).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0.2, "interval_step": 0.2,
                                    "interval_max": 0.2}
# Celery closes the database connection after every task unless told otherwise: in
# production a worker process keeps it for this many tasks instead of reconnecting.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=100 if PRODUCTION else 0)
# Parallel test processes each get their own queue so one worker never eats
# another process's tasks (their databases differ).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="badgehub") + os.environ.get("PYTEST_XDIST_WORKER", "")
# The sweeper (badges.services.recovery): badges left unsigned, e-mails left pending,
# batches that stopped moving, and tasks kept while the broker was down are queued
# again once they have waited this long.
BADGEHUB_STALLED_AFTER_SECONDS = env.int("BADGEHUB_STALLED_AFTER_SECONDS", default=180)
# Award e-mails wait this long, so that badges issued together to one person (three
# steps, then the key badge the progress engine issues) go out as one e-mail listing them
# all; a beat job sends those due (badges.services.emails). No broker-side countdown: a
# task held by a worker until its time is what a broker outage loses. 0 sends each one at
# once (and is the only choice without a broker: nothing would run the beat job).
BADGEHUB_AWARD_EMAIL_GROUPING_SECONDS = env.int("BADGEHUB_AWARD_EMAIL_GROUPING_SECONDS",
                                                default=30 if REDIS_URL else 0)
CELERY_BEAT_SCHEDULE = {
    "requeue-stalled-work": {"task": "badges.tasks.requeue_stalled_work",
                             "schedule": env.float("BADGEHUB_SWEEP_SECONDS", default=60.0)},
    "retry-failed-emails": {"task": "badges.tasks.retry_failed_emails", "schedule": 900.0},
    "send-due-award-emails": {"task": "badges.tasks.send_due_award_emails",
                              "schedule": env.float("BADGEHUB_AWARD_EMAIL_SWEEP_SECONDS", default=10.0)},
    # Files of partner forms left unconfirmed (services.uploads.draft_files_purge).
    "purge-draft-files": {"task": "badges.tasks.purge_draft_files", "schedule": crontab(hour=4, minute=15)},
    # The public verifier's jobs expire after an hour (services.verifier.verification_jobs_purge).
    "purge-verification-jobs": {"task": "badges.tasks.purge_verification_jobs", "schedule": 900.0},
    # Expired tokens and codes of the OB 3.0 API (badges/ob3api/).
    "purge-oauth-tokens": {"task": "badges.tasks.purge_oauth_tokens", "schedule": crontab(hour=4, minute=45)},
    # Webhook deliveries whose next try is due (badges.api_v1.webhooks).
    "sweep-webhooks": {"task": "badges.api_v1.tasks.sweep_webhooks", "schedule": 60.0},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # problem+json for /api/v1/; the older endpoint's answers are unchanged (see the handler).
    "EXCEPTION_HANDLER": "badges.api_v1.errors.exception_handler",
}

# The API v1's OpenAPI 3.1 schema (/api/v1/schema/) and its docs (/api/v1/docs/).
SPECTACULAR_SETTINGS = {
    "TITLE": "badgehub — API des émetteurs",
    "DESCRIPTION": "Délivrer, lister et révoquer des badges Open Badges, décider des demandes, suivre les "
                   "parcours. Authentification : `Authorization: Bearer <jeton>` (espace partenaire → Jetons d'API).",
    "VERSION": "1.0.0",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "PREPROCESSING_HOOKS": ["badges.api_v1.docs.only_v1"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# The 1EdTech Open Badges 3.0 API (badges/ob3api/): django-oauth-toolkit is its OAuth 2.0 server.
# Authorization code with PKCE S256 only (no "plain", no implicit or password grant), refresh
# tokens rotated (a refresh token used twice revokes the family), access and refresh tokens
# stored as SHA-256 checksums only, client secrets hashed like passwords.
# oauthlib (our OB 3.0 API client, badges/ob3api/consumer.py) refuses plain http; outside
# production a platform on this machine is reached over http (tests, development).
if not PRODUCTION:
    os.environ.setdefault("OAUTHLIB_INSECURE_TRANSPORT", "1")
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"  # badges.ClientProfile points at it
OB3_SCOPE = "https://purl.imsglobal.org/spec/ob/v3p0/scope/"
OAUTH2_PROVIDER = {
    "SCOPES": {
        OB3_SCOPE + "credential.readonly": _("Voir tous vos badges, y compris ceux que vous gardez privés"),
        OB3_SCOPE + "credential.upsert": _("Ajouter des badges à votre passeport"),
        OB3_SCOPE + "profile.readonly": _("Voir votre nom et votre adresse e-mail"),
        OB3_SCOPE + "profile.update": _("Modifier le nom affiché de votre profil"),
    },
    "DEFAULT_SCOPES": [OB3_SCOPE + "credential.readonly"],
    "OAUTH2_VALIDATOR_CLASS": "badges.ob3api.oauth.Validator",
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,  # RFC 9207: the code comes with who issued it
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 90 * 24 * 3600,
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REQUEST_APPROVAL_PROMPT": "force",
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token"],
    # Redirect URIs: https only in production (badges/ob3api/registration.py also checks them).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"] if PRODUCTION else ["https", "http"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}

# Content-Security-Policy on every response (django-csp): no inline script or style anywhere,
# so injected markup cannot run. Views that serve people's files set their own, stricter
# policy (sandbox); the middleware keeps a header a view has already set.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # https: badges imported from other platforms show their image from there.
        "img-src": ["'self'", "data:", "https:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

# The public verifier never fetches private-network addresses (SSRF); tests that
# stand up a fake "other platform" on 127.0.0.1 turn this on.
BADGEHUB_VERIFIER_ALLOW_PRIVATE = env.bool("BADGEHUB_VERIFIER_ALLOW_PRIVATE", default=False)

"""Settings for the provincial drug procurement platform.

Everything that differs between machines comes from the environment (twelve-factor). The defaults
are the safe production ones: ``DEBUG`` off, secure cookies, HTTPS redirects, no default secret.
``DEBUG=true`` (the demo and the tests set it) relaxes only what a developer machine needs.

Policy values that DOMAIN.md marks "our choice" are not settings: each app declares them
(``procurement.core.policy``) and the platform administrator edits them in the back office; an
environment variable ``POLICY_<NAME>`` gives one its first default.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import environ
import pghistory
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
TESTING = env.bool("TESTING", default=False)

if DEBUG:
    SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-never-use-in-production-0123456789")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
else:
    # No default: a production deployment that forgets its secret must not start.
    SECRET_KEY = env.str("SECRET_KEY")
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured("SECRET_KEY must be set to a random string of at least 32 characters.")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    # The shared core
    "procurement.core",
    "procurement.organisations",
    "procurement.catalogue",
    "procurement.workdays",
    "procurement.orders",
    "procurement.credit",
    "procurement.web",
    # One app per procurement channel
    "listings",
    "negotiation",
    "vbp",
    "filings",
    "settlement",
    "supervision",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "procurement.core.audit.AuditContextMiddleware",
    "procurement.web.errors.FaultsInTheOneShapeMiddleware",
    "procurement.web.errors.NoNulCharactersMiddleware",
    # Last, as its documentation asks: it answers a locked-out sign-in (issue 11 #6).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "procurement.urls"
WSGI_APPLICATION = "procurement.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "procurement.web.context_processors.navigation",
            ],
            "builtins": ["procurement.web.templatetags.platform"],
        },
    },
]

DATABASES = {
    "default": env.db(
        "DATABASE_URL",
        default="postgres://postgres@127.0.0.1:5432/procurement" if DEBUG else environ.Env.NOTSET,
    )
}
# A Unix socket directory is written percent-encoded in the URL (postgres://user@%2Fpath%2Fto/db).
DATABASES["default"]["HOST"] = unquote(DATABASES["default"].get("HOST", ""))
# Persistent connections: opening one per request costs the database about half its CPU
# (ECOSYSTEM.md, measured on these machines).
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
# A threaded server (the demo's runserver) opens a connection per thread and keeps it: bursts of
# parallel requests then exhaust PostgreSQL's connections. DB_POOL_MAX gives such a server one pool
# of at most that many connections instead (psycopg's pool; bin/demo sets it).
DB_POOL_MAX = env.int("DB_POOL_MAX", default=0)
if DB_POOL_MAX:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {"min_size": 1, "max_size": DB_POOL_MAX, "timeout": 10}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A database out of reach or frozen must not hang a request (issue 11 #12): connect within a few
# seconds; in the web processes (STATEMENT_TIMEOUT_SECONDS, set for them by docker-compose.yml and
# bin/demo) no statement runs longer than that. The request then answers 503 in the error shape.
# Workers, beat and management commands (nightly jobs, bulk loads, migrations) keep no limit.
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DB_CONNECT_TIMEOUT_SECONDS", default=5)
STATEMENT_TIMEOUT_SECONDS = env.int("STATEMENT_TIMEOUT_SECONDS", default=0)
if STATEMENT_TIMEOUT_SECONDS:
    DATABASES["default"]["OPTIONS"]["options"] = f"-c statement_timeout={STATEMENT_TIMEOUT_SECONDS}s"
# Django binds parameters on the client, which never prepares; the few hot reads of every HIS request
# ask for preparation explicitly (procurement.core.internals), which psycopg only does with a threshold.
DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 5

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "organisations.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "procurement.organisations.validators.CharacterClassesValidator", "OPTIONS": {"classes": 3}},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The suite's clients all come from 127.0.0.1 within minutes: the tests of the limits set them.
    for _name in ("API_RATE_HIS", "API_RATE_USER", "API_RATE_ANON"):
        os.environ.setdefault(_name, "1000000/minute")
    os.environ.setdefault("HIS_KEY_FAILURES", "1000000/15m")
    os.environ.setdefault("PUBLIC_EXPORT_RATE", "1000000/h")

AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out user name or address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, the session's user read with its organisation and region.
    "procurement.organisations.backends.UserWithOrganisationBackend",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Chinese by default, English available (DOMAIN.md, issue 2).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
# Feed files of a province run to hundreds of megabytes; they are streamed to disk, never memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Security: safe by default, relaxed only with DEBUG.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Every asset is the platform's own and no page carries inline script or style (issue 11 #14): the
# policy allows the platform's own files only. The API's documentation pages relax style-src for the
# styles their bundles inject (procurement/api/urls.py), never script-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)

# Guessing, limited (issue 11 #6). The client's address is the peer's, or behind
# TRUSTED_PROXY_COUNT proxies the one the nearest of them saw (never a header the client chose).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Sign-in (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords a user name is locked, from any
# address, and so is an address, for any user name, until LOGIN_COOLOFF_MINUTES pass without another
# failure; a success clears the count. The attempts and lockouts are listed in the back office.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "procurement.core.ratelimit.client_address"
AXES_VERBOSE = False
# HIS keys: this many unknown keys from one address in the window, and that address is refused (429)
# until the window ends, whatever key it sends.
HIS_KEY_FAILURES = env.str("HIS_KEY_FAILURES", default="20/15m")
# The anonymous Excel export of the public list: rows at most, and exports per address.
PUBLIC_EXPORT_MAX_ROWS = env.int("PUBLIC_EXPORT_MAX_ROWS", default=100_000)
PUBLIC_EXPORT_RATE = env.str("PUBLIC_EXPORT_RATE", default="10/h")
# Alliance price imports write this many rows in each short transaction: a HIS pull (R-ORD-5) waits
# for one batch at most, never for the whole file (issue 11 #5).
ALLIANCE_IMPORT_BATCH_ROWS = env.int("ALLIANCE_IMPORT_BATCH_ROWS", default=1000)

# Redis: cache and Celery broker. Without REDIS_URL (the embedded demo) the cache is in memory
# and Celery runs tasks in-process.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 4 * 3600
CELERY_TASK_SOFT_TIME_LIMIT = 3 * 3600
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
NIGHTLY_HOUR = env.int("NIGHTLY_HOUR", default=1)
CELERY_BEAT_SCHEDULE = {
    # The nightly jobs run in the order they are registered (procurement.core.jobs), in one task,
    # so that each sees what the previous one wrote.
    "nightly-jobs": {
        "task": "procurement.core.tasks.run_nightly_jobs",
        "schedule": crontab(hour=NIGHTLY_HOUR, minute=0),
    },
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "procurement.api.authentication.HisTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "procurement.api.pagination.PagePagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "procurement.api.ordering.DeclaredOrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "procurement.api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    # Per HIS key, per signed-in user, per anonymous address (procurement.api.throttling).
    "DEFAULT_THROTTLE_CLASSES": [
        "procurement.api.throttling.HisKeyThrottle",
        "procurement.api.throttling.UserThrottle",
        "procurement.api.throttling.AnonThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "his": env.str("API_RATE_HIS", default="1200/minute"),
        "user": env.str("API_RATE_USER", default="600/minute"),
        "anon": env.str("API_RATE_ANON", default="120/minute"),
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": True,
}

SPECTACULAR_SETTINGS = {
    # Chinese first (the platform's readers), English after it (issue 12).
    "TITLE": "药品阳光采购和综合监管平台接口 · Provincial drug procurement platform API",
    "DESCRIPTION": (
        "供医院信息系统（HIS）和浏览器使用的药品阳光采购和综合监管平台 REST 接口。"
        "HIS 以 `Authorization: Token <密钥>` 认证，密钥由医院的机构管理员在“HIS 接口密钥”页签发，只代表该医院。"
        '每个错误都是同一形式 `{"errors": [{"field", "rule", "code", "message"}]}`：'
        "`field` 指出出错的字段，`rule` 指出违反的规则编号（如 R-ORD-5）。\n\n"
        "REST API of the provincial drug sunshine-procurement and supervision platform for hospital "
        "information systems (HIS) and the browser. HIS clients authenticate with `Authorization: Token <key>`; "
        "the key is issued by the hospital's administrator (HIS API keys page) and bound to that hospital. "
        'Every error has the shape `{"errors": [{"field", "rule", "code", "message"}]}`: `field` names the '
        "field at fault, `rule` the rule refused (e.g. R-ORD-5)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "procurement.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "FilingBasisEnum": "filings.choices.FilingBasis",
        "StandardBasisEnum": "settlement.choices.StandardBasis",
        "ProvinceEnum": "procurement.organisations.choices.PROVINCE_CHOICES",
        "ListingStatusEnum": "listings.choices.ListingStatus",
        "DeclarationStatusEnum": "listings.choices.DeclarationStatus",
        "NoticeStatusEnum": "listings.choices.NoticeStatus",
        "RequestStatusEnum": "listings.choices.RequestStatus",
        "ProposalStatusEnum": "listings.choices.ProposalStatus",
        "ImportStatusEnum": "procurement.catalogue.choices.ImportStatus",
        "NegotiationPartyEnum": "negotiation.choices.Party",
        "ThreadStatusEnum": "negotiation.choices.ThreadStatus",
        "AgreementStatusEnum": "negotiation.choices.AgreementStatus",
        "ZoneEnum": "negotiation.choices.Zone",
        "CreditEventKindEnum": "procurement.credit.choices.CreditEventKind",
        "SeverityEnum": "procurement.credit.choices.Severity",
    },
}

# Audit trail (issue 2): every tracked table gets an append-only event table filled by triggers;
# the context (who, from where, why) is stored in the event row itself so that nothing outside
# the event table can change what it says.
PGHISTORY_APPEND_ONLY = True
PGHISTORY_CONTEXT_FIELD = pghistory.ContextJSONField()
PGHISTORY_OBJ_FIELD = pghistory.ObjForeignKey(db_index=True)
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")
PGHISTORY_ADMIN_MODEL = "pghistory.MiddlewareEvents"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# The province this platform serves: its own rows in the national feed are not "another
# province" (DOMAIN.md §2, national lowest). GB/T 2260 two-digit code; 64 = 宁夏回族自治区.
HOME_PROVINCE = env.str("HOME_PROVINCE", default="64")

# R-VBP-9: the key that seals VBP bid prices until their round opens (32 bytes, base64). Never in the
# database; without it the key is derived from SECRET_KEY (vbp.sealing). Changing it while a round
# takes bids makes those bids unopenable: set it once, before the first round.
VBP_BID_KEY = env.str("VBP_BID_KEY", default="")

PLATFORM_NAME = _("Provincial Drug Sunshine Procurement and Supervision Platform")

# R-SUP-7: open data in the Open Contracting Data Standard 1.1. Every ocid starts with the publisher's prefix,
# registered with the Open Contracting Partnership (``ocds-`` + 6 characters); the default is a placeholder
# to replace before publishing. ``OCDS_PUBLIC_URL``: where the platform is reached, for the package's uri.
OCDS_OCID_PREFIX = env.str("OCDS_OCID_PREFIX", default="ocds-nx0000")
OCDS_PUBLIC_URL = env.str("OCDS_PUBLIC_URL", default="https://ybj.nx.gov.cn/procurement")
OCDS_EXPORT_MAX_RELEASES = env.int("OCDS_EXPORT_MAX_RELEASES", default=50_000)

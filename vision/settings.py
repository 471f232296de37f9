"""Settings for the Norrköping vision intranet, read from the environment.

Without any environment the app runs for development: SQLite, DEBUG on and a
generated key kept in ``.dev-secret-key``. With ``DEBUG=0`` the secret key and
allowed hosts must be given; a missing one stops start-up.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def development_secret_key() -> str:
    """Return a per-checkout key so development sessions survive restarts."""
    key_file = BASE_DIR / ".dev-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


DEBUG = env_bool("DEBUG", True)

if DEBUG:
    SECRET_KEY = os.environ.get("SECRET_KEY") or development_secret_key()
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]", "testserver"]
else:
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must be set when DEBUG is off (comma-separated host names)."
        )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "treebeard",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "vision",
    "goals",
    "goals.followup",
    "dialogue",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so a database outage anywhere below (even loading the session's user) is a 503.
    "vision.outage.DatabaseOutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vision.auth.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes requires: it turns a lock-out flagged during sign-in into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "vision.urls"
WSGI_APPLICATION = "vision.wsgi.application"

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
                "goals.pages.context.content_language",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Without IMMEDIATE, concurrent writers fail with "database is locked"
    # instead of waiting their turn (measured: 72-87% of concurrent writes).
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# Dialogue media: upload limits in bytes, and an nginx internal location
# (e.g. /protected-media/) to hand downloads to with X-Accel-Redirect.
DIALOGUE_MAX_MATERIAL_BYTES = int(os.environ.get("DIALOGUE_MAX_MATERIAL_BYTES", 300 * 2**20))
DIALOGUE_MAX_VIDEO_BYTES = int(os.environ.get("DIALOGUE_MAX_VIDEO_BYTES", 4 * 2**30))
DIALOGUE_MAX_CAPTIONS_BYTES = int(os.environ.get("DIALOGUE_MAX_CAPTIONS_BYTES", 2 * 2**20))
DIALOGUE_MAX_POSTER_BYTES = int(os.environ.get("DIALOGUE_MAX_POSTER_BYTES", 10 * 2**20))
DIALOGUE_MAX_UNPACKED_BYTES = int(os.environ.get("DIALOGUE_MAX_UNPACKED_BYTES", 2**30))
DIALOGUE_X_ACCEL_REDIRECT = os.environ.get("DIALOGUE_X_ACCEL_REDIRECT", "")
# "process": an upload starts `manage.py render_previews` for its slide images once committed;
# "manual": an operator or a timer runs that command (dialogue/previews.py, README).
DIALOGUE_PREVIEWS = os.environ.get("DIALOGUE_PREVIEWS", "process")

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

# Media in object storage (S3 protocol: AWS, MinIO, Ceph, ...) when a bucket is named, so that
# several app servers share one copy; credentials come from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY in the environment, which boto3 reads itself.
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "location": os.environ.get("AWS_LOCATION", ""),
            # Private objects: files reach users only through the signed-in view.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }

# Room for every goal page of a large municipality: at the default 300 entries the cache
# culled a third of itself every few hundred pages, version keys included.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }
# How long a cached goal tree, goal page or unit list lives (goals/cache.py); unset: 30 s with
# the per-process local memory cache, a day with Redis, where every change shows at once.
if os.environ.get("GOALS_CACHE_SECONDS"):
    GOALS_CACHE_SECONDS = int(os.environ["GOALS_CACHE_SECONDS"])

# The public site (/public/: the vision, decided goals, open data, no sign-in): on in
# development, off in production unless PUBLIC_SITE=1.
PUBLIC_SITE = env_bool("PUBLIC_SITE", DEBUG)

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Token first: DRF takes the 401 challenge from the first class, so an
    # anonymous client gets 401 with "WWW-Authenticate: Token" rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Norrköpings visionsintranät API",
    "DESCRIPTION": "Read-only access to mandate periods, units, the goal tree and dialogue material.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page loads Swagger UI from our own static files, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # A deep link is an <a> inside each operation's expand button, which axe-core reports (nested-interactive).
    "SWAGGER_UI_SETTINGS": {"deepLinking": False},
    "REDOC_DIST": "SIDECAR",
    # Several choice sets are called "status": each gets its own name in the schema
    # (otherwise drf-spectacular warns, and check --deploy --fail-level WARNING fails).
    "ENUM_NAME_OVERRIDES": {
        "GoalStatusEnum": "goals.models.GoalStatus",
        "AssessmentStatusEnum": "goals.followup.models.rounds.AssessmentStatus",
        "IndicatorStatusEnum": "goals.followup.status.Status",
        "PreviewStatusEnum": "dialogue.models.PreviewStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "vision.api_schema.document_errors",
    ],
}

# Kolada (RKA's open municipal key figures) for kolada_sync. With KOLADA_OFFLINE_DIR the
# answers are read from files laid out as the API's URL paths below the base (the demo's snapshot).
KOLADA_BASE_URL = os.environ.get("KOLADA_BASE_URL", "https://api.kolada.se/v3")
KOLADA_MUNICIPALITY = os.environ.get("KOLADA_MUNICIPALITY", "0581")
KOLADA_OFFLINE_DIR = os.environ.get("KOLADA_OFFLINE_DIR", "")
KOLADA_TIMEOUT_SECONDS = float(os.environ.get("KOLADA_TIMEOUT_SECONDS", "20"))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading binds every host under the parent domain to HTTPS for
    # browsers: the municipality's IT decides that, not this app; hence W021 is silenced.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Sign-in: local accounts always (break-glass administrators), OpenID Connect when configured ---
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account or address is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
# Entra ID and ADFS publish their endpoints at a discovery URL; explicit endpoints win over it.
OIDC_OP_DISCOVERY_URL = os.environ.get("OIDC_OP_DISCOVERY_URL", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_ISSUER = os.environ.get("OIDC_OP_ISSUER", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
OIDC_TIMEOUT = 10
OIDC_USE_PKCE = True
OIDC_CREATE_USER = env_bool("OIDC_CREATE_USER", True)
OIDC_USERNAME_ALGO = "vision.auth.username_from_email"
OIDC_AUTHENTICATE_CLASS = "vision.auth.OIDCAuthenticationRequestView"
OIDC_CALLBACK_CLASS = "vision.auth.OIDCCallbackView"
LOGIN_REDIRECT_URL_FAILURE = "login"
# Roles from the provider's groups claim: OIDC_ADMIN_GROUPS="g1,g2" and
# OIDC_UNIT_GROUPS="group=unit-slug:editor,group2=unit-slug:viewer".
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups")
OIDC_ADMIN_GROUPS = env_list("OIDC_ADMIN_GROUPS")
OIDC_UNIT_GROUPS = env_list("OIDC_UNIT_GROUPS")
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("vision.auth.OIDCBackend")
    if not OIDC_OP_DISCOVERY_URL and not (
        OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_USER_ENDPOINT
    ):
        raise ImproperlyConfigured(
            "OIDC_RP_CLIENT_ID is set: also set OIDC_OP_DISCOVERY_URL, or the authorization, "
            "token, userinfo and JWKS endpoints."
        )

# --- Health: /healthz checks and the answer during a database outage (vision/outage.py) ---
OUTAGE_RETRY_AFTER_SECONDS = int(os.environ.get("OUTAGE_RETRY_AFTER_SECONDS", "30"))

# --- Lock-out after repeated failed sign-ins (django-axes) ---
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
# An account is locked for the address its failures came from, never everywhere:
# otherwise anyone could lock the administrator out by guessing wrong on purpose.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# And an address trying many accounts is locked for all of them, at a higher threshold
# (vision/lockout.py; offices behind one NAT address share it).
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_HANDLER = "vision.lockout.AccountAndAddressHandler"
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "vision.auth.lockout_response"
# Behind nginx or a load balancer set AXES_PROXY_COUNT (the number of proxies),
# or every client shares the proxy's address and one lock-out: the client's
# address is then the one the outermost proxy appended to X-Forwarded-For.
# Without it only REMOTE_ADDR counts, as a client can write that header itself.
TRUSTED_PROXY_COUNT = int(os.environ.get("AXES_PROXY_COUNT") or 0)
AXES_CLIENT_IP_CALLABLE = "vision.auth.client_ip"

# --- Content-Security-Policy (django-csp 4): nothing inline, nothing from elsewhere ---
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        # A template that truly needs an inline script uses {{ request.csp_nonce }}.
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "media-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# --- E-mail (follow-up reminders): SMTP from the environment; the console in development ---
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT") or 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "vision@norrkoping.se")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
# Days before a round's due date when the editors of units with unassessed goals are reminded
# (and once more on the day after it); comma-separated.
FOLLOWUP_REMINDER_DAYS = [int(day) for day in env_list("FOLLOWUP_REMINDER_DAYS") or ["7", "1"]]
# The address links in e-mails start with (a command has no request to take it from).
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000").rstrip("/")

"""OneStop settings: every value comes from the environment, with safe embedded defaults.

Production needs at least SECRET_KEY, AUDIT_CHAIN_KEY, DATABASE_URL and ALLOWED_HOSTS
(see README.md).
"""

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from onestop.lib.env import envbool, envint, envlist, envstr

SRC_DIR = Path(__file__).resolve().parent
BASE_DIR = SRC_DIR.parent.parent
VAR_DIR = Path(envstr("ONESTOP_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = envbool("DEBUG", False)
TESTING = envbool("ONESTOP_TESTING", False)
EMBEDDED = envbool("ONESTOP_EMBEDDED", False)


def _secret(name: str) -> str:
    """A secret from the environment variable `name`, else a random one kept in var/ (created
    once, mode 0600) under the lower-cased name."""
    key = envstr(name, "")
    if key:
        return key
    path = VAR_DIR / name.lower()
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret("SECRET_KEY")

# The audit chain's HMAC key (cases/audit.py), which the database never holds. Production sets
# it in the environment, the same on every node (system check cases.E001 refuses the key kept
# in var/ there); after a rotation the old keys stay listed, comma-separated, so that the
# events they bound still verify.
AUDIT_CHAIN_KEY = _secret("AUDIT_CHAIN_KEY")
AUDIT_CHAIN_KEY_FROM_ENV = bool(envstr("AUDIT_CHAIN_KEY", ""))
AUDIT_CHAIN_OLD_KEYS = envlist("AUDIT_CHAIN_OLD_KEYS", [])

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "ninja",  # serves the API docs from local static files, not a CDN
    "onestop.core",
    "onestop.org",
    "onestop.workdays",
    "onestop.catalog",
    "onestop.cases",
    "onestop.fees",
    "onestop.documents",
    "onestop.apitokens",
    "onestop.notify",
    "onestop.supervision",
    "onestop.evaluation",
    "onestop.hotline",
    "onestop.hall",
    "onestop.parallel",
    "onestop.draws",
    "onestop.trading",
    "onestop.intermediaries",
    "onestop.disclosure",
    "onestop.portal",
    "onestop.staff",
    "onestop.demo",  # the demo deployment's loaders and `serve`; nothing imports it
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "onestop.portal.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "onestop.portal.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A kiosk's or a rating pad's session reaches only its own pages (after authentication).
    "onestop.hall.devices.DeviceSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it sees the authentication result of every other middleware.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "onestop.urls"
WSGI_APPLICATION = "onestop.wsgi.application"
ASGI_APPLICATION = "onestop.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onestop.org.context_processors.staff_context",
                "onestop.core.deployment.names",
            ],
        },
    },
]

# Database: SQLite (WAL) under var/ by default; DATABASE_URL switches to PostgreSQL.
_default_sqlite = f"sqlite:///{VAR_DIR / 'onestop.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", _default_sqlite), conn_max_age=envint("DB_CONN_MAX_AGE", 0)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write lock
            # at BEGIN so that two transactions never deadlock upgrading a read lock.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
IS_POSTGRES = DATABASES["default"]["ENGINE"].startswith("django.db.backends.postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # Refuses every sign-in from an address that sprayed one password across usernames.
    "onestop.lib.lockout.SprayGuardBackend",
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "org:login"
LOGIN_REDIRECT_URL = "org:after_login"
LOGOUT_REDIRECT_URL = "portal:home"
# Where the faces start (the wiring names them, so that the base apps never name a face).
PUBLIC_HOME = "portal:home"
STAFF_HOME = "staff:home"

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failures for one username from one
# address, further attempts are refused for AXES_COOLOFF_MINUTES. Axes cannot see passwords:
# onestop.lib.lockout also locks an address out once one password has failed
# AXES_FAILURE_LIMIT times from it, whatever the usernames (password spraying), for sign-in
# pages, the admin and API tokens alike.
AXES_FAILURE_LIMIT = envint("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = envint("AXES_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "org/locked_out.html"
AXES_ENABLED = envbool("AXES_ENABLED", True)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [SRC_DIR / "static"]
# Uploaded materials: local disk under MEDIA_ROOT by default; an S3-compatible bucket when
# S3_BUCKET is set (MinIO, Ceph, a cloud provider), never public: files are served by the
# application after an access check.
S3_BUCKET = envstr("S3_BUCKET", "")
_default_storage: dict = (
    {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": envstr("S3_ENDPOINT_URL", "") or None,
            "region_name": envstr("S3_REGION", "") or None,
            "access_key": envstr("S3_ACCESS_KEY", "") or None,
            "secret_key": envstr("S3_SECRET_KEY", "") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
    if S3_BUCKET
    else {"BACKEND": "django.core.files.storage.FileSystemStorage"}
)
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media/"
MAX_UPLOAD_BYTES = envint("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
# An uploaded archive (.xlsx, .ofd) is refused before it is opened if its members would unpack
# beyond this, or one member shrank more than UPLOAD_MAX_ZIP_RATIO times (a zip bomb).
UPLOAD_MAX_UNZIPPED_BYTES = envint("UPLOAD_MAX_UNZIPPED_BYTES", 200 * 1024 * 1024)
UPLOAD_MAX_ZIP_RATIO = envint("UPLOAD_MAX_ZIP_RATIO", 200)
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 12 * 1024 * 1024)

# Documents: the public address printed in certificates' QR codes (else the request's host), and
# an optional TrueType CJK font file for PDFs (default: Debian's fonts-wqy-zenhei).
PUBLIC_BASE_URL = envstr("PUBLIC_BASE_URL", "")
DOCUMENTS_FONT = envstr("DOCUMENTS_FONT", "")

# Security: secure cookies and HSTS outside DEBUG, unless the deployment serves plain HTTP on
# the loopback (the embedded run) or runs the tests.
SECURE = envbool("SECURE_COOKIES", not (DEBUG or EMBEDDED or TESTING))
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 3600 if SECURE else 0)
if envbool("BEHIND_HTTPS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

REDIS_URL = envstr("REDIS_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    # pypdf warns about every malformed PDF an upload check reads; a refusal is the answer.
    "loggers": {"axes": {"level": "WARNING"}, "pypdf": {"level": "ERROR"}},
}

# Celery (production): broker and results on Redis; the embedded run needs neither.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", REDIS_URL or "redis://127.0.0.1:6379/0")
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "Asia/Shanghai"
# The in-process scheduler of the embedded run (off where Celery beat runs the jobs).
INPROCESS_JOBS = envbool("INPROCESS_JOBS", EMBEDDED)

# Lights: yellow when this share of the limit is used or this many working days are left.
LIGHT_YELLOW_SHARE = float(envstr("LIGHT_YELLOW_SHARE", "0.8"))
LIGHT_YELLOW_DAYS = envint("LIGHT_YELLOW_DAYS", 1)

# Hotline: the trained department router (a joblib file, loaded only when its SHA-256 matches
# the digest train_router recorded in the database).
HOTLINE_ROUTER_PATH = envstr("HOTLINE_ROUTER_PATH", str(VAR_DIR / "hotline_router.joblib"))

# Open311: the ticket types whose tickets GET requests.json publishes to anyone (redacted, and
# never anonymous ones). None by default; 举报 and 求助 can never be published.
OPEN311_PUBLIC_SERVICES = envlist("OPEN311_PUBLIC_SERVICES", [])
if not set(OPEN311_PUBLIC_SERVICES) <= {"consult", "complaint", "suggestion", "praise"}:
    raise ImproperlyConfigured(
        "OPEN311_PUBLIC_SERVICES may list only consult, complaint, suggestion and praise "
        f"(举报 report and 求助 help are never public), not {OPEN311_PUBLIC_SERVICES!r}"
    )

# Working-day and end-of-day arithmetic happens in the centre's zone (STYLE.md §4).
CENTRE_TIME_ZONE = "Asia/Shanghai"

# The deployment's names: nothing in code names a place. Neutral defaults; the demo (`make run`)
# sets its district's names through these variables.
ONESTOP_DEPLOYMENT_NAME = envstr("ONESTOP_DEPLOYMENT_NAME", "政务服务网")  # the public site
ONESTOP_CENTRE_NAME = envstr("ONESTOP_CENTRE_NAME", "政务服务中心")  # in footers, Open311
# The short place name before "12345热线" and "公共资源交易中心" (SMS signatures, scripts).
ONESTOP_PLACE_NAME = envstr("ONESTOP_PLACE_NAME", "")
SMS_SIGNATURE = envstr("SMS_SIGNATURE", "政务服务")  # the 【signature】 of the centre's SMS

# Trading open data (OCDS): the publisher's registered ocid prefix and name.
OCDS_OCID_PREFIX = envstr("OCDS_OCID_PREFIX", "ocds-xq0403")
OCDS_PUBLISHER = envstr("OCDS_PUBLISHER", "公共资源交易中心")

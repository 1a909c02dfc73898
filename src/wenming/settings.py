"""Settings come from the environment; the defaults run the embedded demo on SQLite."""

import datetime
import json
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
# Runtime files (SQLite database, uploads, the embedded task queue) live outside the package.
VAR_DIR = Path(os.environ.get("WENMING_VAR_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
# WENMING_ENV=production: the keys must come from the environment (below), and the deploy
# settings follow it (docs/DEPLOYMENT.md)
PRODUCTION = os.environ.get("WENMING_ENV", "").strip().lower() == "production"
PUBLIC_DEVELOPMENT_KEY = "wenming-insecure-development-key-change-me"


def kept_secret(name: str) -> str:
    """A random secret of this installation, made on first use and kept in VAR_DIR (mode 0600):
    a demo or development set-up never runs on a key printed in the source."""
    import secrets

    path = VAR_DIR / name
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(48)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(value)
        return value
    except FileExistsError:  # another process made it meanwhile
        return path.read_text().strip()


def _keys_from_env() -> list[str]:
    return [k.strip() for k in os.environ.get("WENMING_DATA_KEY", "").split(",") if k.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY") or kept_secret("secret_key")
# Personal data (phones, ID numbers) is encrypted with DATA_KEYS (core.crypto): the first
# encrypts, all decrypt; comma-separated in WENMING_DATA_KEY, newest first, to rotate.
DATA_KEYS = _keys_from_env() or [kept_secret("data_key")]
# the key of the lookup digests; kept apart so that rotating the data keys leaves lookups alone
# (an installation that had SECRET_KEY set keeps its digests, which were keyed from it)
DIGEST_KEY = os.environ.get("WENMING_DIGEST_KEY") or os.environ.get("SECRET_KEY") or kept_secret("digest_key")
if PRODUCTION:
    from django.core.exceptions import ImproperlyConfigured

    problems = []
    if not os.environ.get("SECRET_KEY") or len(SECRET_KEY) < 32 or SECRET_KEY == PUBLIC_DEVELOPMENT_KEY:
        problems.append("SECRET_KEY (at least 32 characters) must be set in the environment")
    if not _keys_from_env() or any(len(k) < 32 for k in DATA_KEYS) or SECRET_KEY in DATA_KEYS:
        problems.append("WENMING_DATA_KEY (at least 32 characters, not SECRET_KEY) must be set in the environment")
    if DEBUG:
        problems.append("DEBUG must be off")
    if problems:
        raise ImproperlyConfigured("WENMING_ENV=production, but: " + "; ".join(problems))
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "huey.contrib.djhuey",
    "axes",
    "csp",
    "wenming.core",
    "wenming.regions",
    "wenming.volunteers",
    "wenming.orders",
    "wenming.activities",
    "wenming.demands",
    "wenming.assessment",
    "wenming.open311",
    "wenming.dashboard",
    "wenming.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # before anything reads a form: a control character in any field is a 400
    "wenming.middleware.ControlCharacterGuard",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wenming.core.middleware.DomainErrorMiddleware",
    # last: it answers a locked-out sign-in (pages, admin, token API) with 429
    "axes.middleware.AxesMiddleware",
]

# Sign-in guessing (django-axes): after AXES_FAILURE_LIMIT wrong passwords for one account from
# one address, that pair is locked for AXES_COOLOFF_MINUTES. Not by address alone: a district's
# offices sit behind a few intranet addresses. Attempts are kept in the database, so every
# worker and instance counts them together; the address is core.clientip's.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "wenming.core.clientip.client_ip"
AXES_LOCKOUT_CALLABLE = "wenming.core.views.locked_out"
AXES_VERBOSE = False
# API tokens expire after this, and when the account's password changes (regions.auth)
TOKEN_TTL = datetime.timedelta(hours=int(os.environ.get("TOKEN_TTL_HOURS", str(7 * 24))))
# how long a creation call's Idempotency-Key is remembered (core.idempotency)
IDEMPOTENCY_HOURS = int(os.environ.get("IDEMPOTENCY_HOURS", "24"))
# a signed-in page session lasts this long (Django's default is two weeks)
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_HOURS", "24")) * 3600
# How many reverse proxies of our own stand in front of the app (core.clientip): 0 = none,
# X-Forwarded-For ignored; behind one nginx: 1.
TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))

# HTTPS (Django's `check --deploy`): on by default with WENMING_ENV=production, each one
# settable from the environment; an intranet served over plain HTTP turns them off
# explicitly (docs/SECURITY.md).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", PRODUCTION)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", PRODUCTION)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600 if PRODUCTION else 0)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", PRODUCTION)
# behind our proxy, which terminates HTTPS and says so in X-Forwarded-Proto
if env_bool("SECURE_PROXY_SSL_HEADER", TRUSTED_PROXIES > 0):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts only from our own /static/ — no inline script or
# event handler anywhere (static/js/app.js carries the pages' small behaviours), so a stored
# name that slips past escaping still cannot run. Inline style attributes stay allowed; images
# may be data:/blob: (QR codes, chart downloads); nothing is fetched from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ROOT_URLCONF = "wenming.urls"
WSGI_APPLICATION = "wenming.wsgi.application"

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
                "wenming.core.context_processors.navigation",
            ],
        },
    },
]

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'wenming.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
# a kept connection is tested before a request uses it: after a failover or a restarted
# server, the request reconnects instead of failing with a 500
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside one writer; IMMEDIATE makes a writing transaction take the
    # write lock at BEGIN, so concurrent writers queue on the busy timeout instead of failing
    # with "database is locked" halfway through.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "regions.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "full_name", "phone")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise warns when STATIC_ROOT is missing, which it is until the first collectstatic
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# the runserver/tests path finds files without collectstatic
WHITENOISE_USE_FINDERS = True
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# behind nginx: the internal location that serves MEDIA_ROOT (e.g. "/_media/"); the app checks
# who may read a file and answers with X-Accel-Redirect there (docs/SECURITY.md)
MEDIA_ACCEL_REDIRECT = os.environ.get("MEDIA_ACCEL_REDIRECT", "")

REDIS_URL = os.environ.get("REDIS_URL", "")

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    HUEY = {"huey_class": "huey.RedisHuey", "name": "wenming", "url": REDIS_URL, "immediate": False}
else:
    # in the database, not in each process: the request throttles must count one client's calls
    # across all workers (a per-process cache let 131 of 250 rapid calls through, not 30)
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "wenming_cache"}}
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "wenming",
        "filename": str(VAR_DIR / "tasks.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE", False),
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wenming.regions.auth.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "wenming.core.api.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "wenming.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "wenming.core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "order_place_anon": os.environ.get("ORDER_PLACE_ANON_RATE", "20/hour"),
        "auth_token": "30/minute",
        "volunteer_register_anon": os.environ.get("VOLUNTEER_REGISTER_ANON_RATE", "20/hour"),
    },
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Wenming Cloud API",
    "DESCRIPTION": "文明实践云平台 API: service orders (点单 → 派单 → 接单 → 评单) and the records behind them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # the docs page loads Swagger UI from the installed package, never from a CDN
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"OrderStatusEnum": "wenming.orders.choices.OrderStatus",
                            "ActivityKindEnum": "wenming.activities.choices.ActivityKind",
                            "RecordKindEnum": "wenming.volunteers.models.ServiceRecord.Kind",
                            "ActivityStatusEnum": "wenming.activities.choices.ActivityStatus",
                            "SignupStatusEnum": "wenming.activities.choices.SignupStatus",
                            "ReviewStatusEnum": "wenming.volunteers.models.Volunteer.Status",
                            "HonourCategoryEnum": "wenming.activities.models.Honour.Category"},
}

# Business settings an operator may change.
WENMING = {
    # working days allowed for each step of an order before it counts as overdue
    "ORDER_DEADLINE_DAYS": {
        "submitted": int(os.environ.get("ORDER_DISPATCH_DAYS", 1)),
        "dispatched": int(os.environ.get("ORDER_ACCEPT_DAYS", 1)),
        "accepted": int(os.environ.get("ORDER_COMPLETE_DAYS", 5)),
    },
    # completed orders nobody rated close themselves after this many calendar days
    "ORDER_AUTO_RATE_DAYS": int(os.environ.get("ORDER_AUTO_RATE_DAYS", 7)),
    "ORDER_DEFAULT_SCORE": 5,
    "UPLOAD_MAX_BYTES": int(os.environ.get("UPLOAD_MAX_BYTES", 5 * 1024 * 1024)),
    "TEXT_MAX_LENGTH": 2000,
    "DISTRICT_CODE": "511902",
    # staff of these roles get one SMS digest a day instead of an SMS per notice (urgent ones aside)
    "DIGEST_ROLES": ["office_admin", "dept_handler", "center_admin", "institute_admin", "leader", "inspector"],
}

# Outside channels (docs/NOTICES.md). Without credentials a channel writes to the outbox log
# (provider "log", listed on /notices/outbox/), so the demo runs offline.
NOTICE_CHANNELS = {
    "SMS": {
        # Tencent Cloud SMS (短信): API credentials, the SDK app, the approved signature, and the
        # approved template id of each kind of message ({"orders:dispatched": "2188888", …})
        "SECRET_ID": os.environ.get("TENCENTCLOUD_SECRET_ID", ""),
        "SECRET_KEY": os.environ.get("TENCENTCLOUD_SECRET_KEY", ""),
        "REGION": os.environ.get("TENCENTCLOUD_SMS_REGION", "ap-guangzhou"),
        "SDK_APP_ID": os.environ.get("TENCENTCLOUD_SMS_APP_ID", ""),
        "SIGN_NAME": os.environ.get("TENCENTCLOUD_SMS_SIGN", "巴州文明实践"),
        "TEMPLATES": json.loads(os.environ.get("TENCENTCLOUD_SMS_TEMPLATES", "{}") or "{}"),
        "DEFAULT_TEMPLATE": os.environ.get("TENCENTCLOUD_SMS_DEFAULT_TEMPLATE", ""),
        # "host:port" and "http" only to point the SDK at a loopback fake in tests and benchmarks
        "ENDPOINT": os.environ.get("TENCENTCLOUD_SMS_ENDPOINT", ""),
        "SCHEME": os.environ.get("TENCENTCLOUD_SMS_SCHEME", "https"),
        "PER_SECOND": int(os.environ.get("SMS_PER_SECOND", 20)),  # the account's send rate
        "QUIET_HOURS": (22, 8),  # no SMS from 22:00 to 08:00 (Asia/Shanghai) but urgent ones
    },
    "WECHAT": {
        # the district's 公众号: template messages (模板消息) to the openid bound at WeChat sign-in
        "APP_ID": os.environ.get("WECHAT_APP_ID", ""),
        "APP_SECRET": os.environ.get("WECHAT_APP_SECRET", ""),
        "TEMPLATES": json.loads(os.environ.get("WECHAT_TEMPLATES", "{}") or "{}"),
        "DEFAULT_TEMPLATE": os.environ.get("WECHAT_DEFAULT_TEMPLATE", ""),
        "API_BASE": os.environ.get("WECHAT_API_BASE", "https://api.weixin.qq.com/cgi-bin/"),
        # web sign-in from the 公众号 menu (网页授权, snsapi_base): where the code is exchanged for the openid
        "OAUTH_API_BASE": os.environ.get("WECHAT_OAUTH_API_BASE", "https://api.weixin.qq.com/"),
        "PER_SECOND": int(os.environ.get("WECHAT_PER_SECOND", 50)),
    },
    "SITE_URL": os.environ.get("WENMING_SITE_URL", "http://127.0.0.1:8000"),  # for links in messages
    "RETRY_SECONDS": [60, 300, 1800, 7200],  # the waits after failed attempts; then it is failed
}

# The Open311 GeoReport v2 interface (docs/OPEN311.md).
OPEN311 = {
    "JURISDICTION_ID": os.environ.get("OPEN311_JURISDICTION_ID", "bazhou.gov.cn"),
    "CONTACT": os.environ.get("OPEN311_CONTACT", "巴州区文明办 0827-0000000"),
    "KEY_SERVICE": os.environ.get("OPEN311_KEY_SERVICE", "向区文明办申请，在后台「Open311 密钥」签发"),
    # calls per key (or per address without a key) and period: "N/second|minute|hour|day"
    "KEY_RATE": os.environ.get("OPEN311_KEY_RATE", "120/minute"),
    "ANON_RATE": os.environ.get("OPEN311_ANON_RATE", "60/minute"),
    # coordinates farther than this from every station lie outside the jurisdiction
    "MAX_DISTANCE_KM": float(os.environ.get("OPEN311_MAX_DISTANCE_KM", 30)),
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

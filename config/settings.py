"""ClearCheck settings: one module, every value read from the environment with a safe default.

Unset ``DATABASE_URL`` means the embedded SQLite database (WAL, immediate transactions);
PostgreSQL is used through psycopg 3 with persistent connections (or the psycopg pool).
"""

import os
import secrets
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CLEARCHECK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean flag from the environment ("1", "true", "yes" are true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    # A production deployment sets DJANGO_SECRET_KEY; the embedded demo keeps a generated one in var/.
    if key := os.environ.get("DJANGO_SECRET_KEY"):
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Which network zone this deployment serves (ADR 0006): "all" (embedded), "internet" or "government".
CLEARCHECK_ZONE = os.environ.get("CLEARCHECK_ZONE", "all")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "clearcheck.core",
    "clearcheck.accounts",
    "clearcheck.audit",
    "clearcheck.registry",
    "clearcheck.alerts",
    "clearcheck.catalog",
    "clearcheck.planning",
    "clearcheck.inspections",
    "clearcheck.sampling",
    "clearcheck.supervision",
    "clearcheck.feedback",
    "clearcheck.exchange",
    "clearcheck.disclosure",
]
# The demo county and its commands (demo_load, demo_accounts) exist only where asked for: `make run` and the
# test suite set CLEARCHECK_DEMO=1; a production install has neither the commands nor the demo passwords.
CLEARCHECK_DEMO = env_bool("CLEARCHECK_DEMO", False)
if CLEARCHECK_DEMO:
    INSTALLED_APPS.append("clearcheck.demo")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "clearcheck.core.csp.ContentSecurityPolicyMiddleware",  # every HTML response (issue 20)
    "clearcheck.core.middleware.RequestIdMiddleware",
    "clearcheck.core.request_log.RequestLogMiddleware",  # one log line per request (issue 21)
    "clearcheck.core.problems.ApiProblemMiddleware",
    "clearcheck.core.api_input.ApiInputMiddleware",
    "clearcheck.core.api_input.FormTextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "clearcheck.accounts.middleware.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "clearcheck.core.middleware.ZoneMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "clearcheck" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "clearcheck.core.context_processors.platform",
                "clearcheck.core.csp.csp_nonce",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "clearcheck.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN,
    # so a check-then-write service never fails half-way with "database is locked".
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # A file (not :memory:) so that tests with real threads see real locking, as production does.
    # One file per test process, so that parallel runs never share it.
    _db.setdefault("TEST", {})["NAME"] = str(VAR_DIR / f"test-clearcheck-{os.getpid()}.sqlite3")
elif _db["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_POOL", False):
    # The psycopg pool replaces persistent connections (Django requires CONN_MAX_AGE=0 with it).
    _db["CONN_MAX_AGE"] = 0
    _db.setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": int(os.environ.get("DB_POOL_MAX", "10"))}
if _db["ENGINE"] == "django.db.backends.postgresql" and env_bool("DB_PREPARED_STATEMENTS", True):
    # Lets core.rows.prepared_cursor prepare the hot paths' statements (ADR 0016). Django's default, None,
    # turns psycopg's prepared statements off altogether; the ORM's client-side cursors never prepare either
    # way. Off (DB_PREPARED_STATEMENTS=0) behind a pooler in transaction mode that cannot keep them.
    _db.setdefault("OPTIONS", {})["prepare_threshold"] = 5

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "disclosure:workspace"
LOGOUT_REDIRECT_URL = "disclosure:home"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if env_bool("CLEARCHECK_FAST_PASSWORDS", False):
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Internationalisation: Chinese first, English available --------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "clearcheck" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files: everything vendored, nothing from a CDN ---------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns about a missing root even when it serves from finders
STATICFILES_DIRS = [BASE_DIR / "clearcheck" / "static"]
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = Path(os.environ.get("CLEARCHECK_MEDIA_ROOT", VAR_DIR / "files"))

# --- Security ------------------------------------------------------------------------------------
# Production behind TLS (docs/deployment.md, "Behind TLS"); the embedded `make run` keeps plain HTTP.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)
# "HTTP_X_FORWARDED_PROTO,https" when a proxy that terminates TLS sets that header (and strips a client's own).
if _proxy_ssl_header := os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", ""):
    SECURE_PROXY_SSL_HEADER = tuple(part.strip() for part in _proxy_ssl_header.split(",", 1))
# The health check and the code landing page must answer over plain HTTP inside the network, too.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024

# --- ClearCheck ----------------------------------------------------------------------------------
CLEARCHECK = {
    # API bearer tokens expire after this many hours.
    "API_TOKEN_HOURS": int(os.environ.get("CLEARCHECK_API_TOKEN_HOURS", "12")),
    # Ed25519 signing key for audit checkpoints (PEM); made only by `clearcheck init` (docs/deployment.md "Keys").
    "SIGNING_KEY_FILE": os.environ.get("CLEARCHECK_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "audit-ed25519.pem")),
    # "on_commit" seals the audit chain after each committed write (embedded default);
    # "job" leaves sealing to the periodic job (`clearcheck audit seal`, Celery beat in production).
    "AUDIT_SEAL_MODE": os.environ.get("CLEARCHECK_AUDIT_SEAL_MODE", "on_commit"),
    # Ed25519 key that signs enterprise codes and e-credential tokens (separate from the audit key).
    "CODE_SIGNING_KEY_FILE": os.environ.get("CLEARCHECK_CODE_SIGNING_KEY_FILE", str(VAR_DIR / "keys" / "code-ed25519.pem")),
    # Key (32 random bytes, hex) of the pseudonyms under which individual businesses appear in published draws
    # (ADR 0017); escrowed for the judicial bureau's audit. Made only by `clearcheck init`.
    "PSEUDONYM_KEY_FILE": os.environ.get("CLEARCHECK_PSEUDONYM_KEY_FILE", str(VAR_DIR / "keys" / "pseudonym.key")),
    # Daily archived heads of the audit chain and the mark of the last verification (`clearcheck audit archive`,
    # `audit verify --incremental`): point it at a write-once or off-server mount (docs/deployment.md).
    "AUDIT_ARCHIVE_DIR": os.environ.get("CLEARCHECK_AUDIT_ARCHIVE_DIR", str(VAR_DIR / "audit-archive")),
    # The retired signing keys with their periods (`clearcheck keys rotate`); empty: history.json beside the
    # audit signing key. Back it up with the keys: verification of what a retired key signed needs it.
    "KEY_HISTORY_FILE": os.environ.get("CLEARCHECK_KEY_HISTORY_FILE", ""),
    # Public keys (PEM files, comma-separated) of retired code keys whose tokens still verify after a rotation.
    "CODE_RETIRED_PUBLIC_KEY_FILES": [p for p in os.environ.get("CLEARCHECK_CODE_RETIRED_PUBLIC_KEY_FILES", "").split(",") if p],
    # Origin printed into QR codes (enterprise code landing page, e-credential verify page).
    "CODE_BASE_URL": os.environ.get("CLEARCHECK_CODE_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
    # An e-credential token is valid for this many seconds (R15: at most 60).
    "CREDENTIAL_WINDOW_SECONDS": min(60, int(os.environ.get("CLEARCHECK_CREDENTIAL_WINDOW_SECONDS", "60"))),
    # The officer's credential page fetches a fresh QR this often (well inside the window).
    "CREDENTIAL_REFRESH_SECONDS": int(os.environ.get("CLEARCHECK_CREDENTIAL_REFRESH_SECONDS", "30")),
    "REGION_CODE": os.environ.get("CLEARCHECK_REGION_CODE", "371524"),
    # In the internet zone /healthz shows details (the database's error, the engine) only to a caller that
    # sends this value as X-Health-Token (a monitoring system); on the government network it shows them to all.
    "HEALTH_TOKEN": os.environ.get("CLEARCHECK_HEALTH_TOKEN", ""),
    # Where browsers report Content-Security-Policy violations (report-uri); empty: not reported.
    "CSP_REPORT_URI": os.environ.get("CLEARCHECK_CSP_REPORT_URI", ""),
    "PLATFORM_NAME": "清检",
}

# On-site work (issue 4). The inspections app reads each with its own default (see README); here they are
# taken from the environment only when set, so a default lives in one place.
for _name in (
    "CHECKIN_RADIUS_M", "CHECKIN_CONFIRM_MINUTES", "AV_GAP_SECONDS", "RECHECK_WINDOW_DAYS",
    "EVIDENCE_MAX_BYTES_PHOTO", "EVIDENCE_MAX_BYTES_AUDIO", "EVIDENCE_MAX_BYTES_VIDEO", "EVIDENCE_MAX_BYTES_DOCUMENT",
    "EVIDENCE_DIRECT_MAX_BYTES", "EVIDENCE_CHUNK_BYTES", "EVIDENCE_CHUNK_MAX_BYTES", "EVIDENCE_UPLOAD_TTL_HOURS",
    "EVIDENCE_OPEN_UPLOADS_MAX", "SIGNATURE_MAX_BYTES", "DRAW_REVEAL_GRACE_DAYS",
    "EVALUATION_WINDOW_DAYS", "COMPLAINT_DAYS",
):
    if (_value := os.environ.get(f"CLEARCHECK_{_name}")) not in (None, ""):
        globals()[f"CLEARCHECK_{_name}"] = int(_value)
for _name in ("DOCUMENT_REVIEW_BODY", "DOCUMENT_CORRECTION_BASIS"):
    if os.environ.get(f"CLEARCHECK_{_name}"):
        globals()[f"CLEARCHECK_{_name}"] = os.environ[f"CLEARCHECK_{_name}"]

# Accounts that resist guessing (issue 20; accounts reads each with its own default, docs/deployment.md).
# Sign-in throttle: free failures per account / per client address, then a delay doubling from
# LOGIN_DELAY_SECONDS up to LOGIN_DELAY_MAX_SECONDS; counts forgotten LOGIN_FORGET_HOURS after the last failure.
for _name in ("LOGIN_ACCOUNT_FREE", "LOGIN_ADDRESS_FREE", "LOGIN_DELAY_SECONDS", "LOGIN_DELAY_MAX_SECONDS",
              "LOGIN_FORGET_HOURS", "SESSION_IDLE_MINUTES"):
    if (_value := os.environ.get(f"CLEARCHECK_{_name}")) not in (None, ""):
        globals()[f"CLEARCHECK_{_name}"] = int(_value)
# The WSGI variable that holds the client's address when a proxy overwrites it (e.g. HTTP_X_REAL_IP);
# empty: REMOTE_ADDR.
CLEARCHECK_CLIENT_ADDRESS_HEADER = os.environ.get("CLEARCHECK_CLIENT_ADDRESS_HEADER", "")
# Key of the TOTP secrets at rest (empty: derived from DJANGO_SECRET_KEY; changing it means enrolling again).
CLEARCHECK_SECOND_FACTOR_KEY = os.environ.get("CLEARCHECK_SECOND_FACTOR_KEY", "")
# The province's unified identity (OIDC), the production sign-in option: configured, not yet wired to a
# provider (clearcheck/accounts/federation.py); with ISSUER, CLIENT_ID and AUTHORIZATION_ENDPOINT set the
# login page offers "统一身份认证登录".
for _name in ("ISSUER", "CLIENT_ID", "CLIENT_SECRET", "AUTHORIZATION_ENDPOINT", "TOKEN_ENDPOINT",
              "USERINFO_ENDPOINT", "JWKS_URI", "SCOPES", "USERNAME_CLAIM", "REDIRECT_URI"):
    globals()[f"CLEARCHECK_OIDC_{_name}"] = os.environ.get(f"CLEARCHECK_OIDC_{_name}", "")

# Monitoring (issue 21, docs/deployment.md "Monitoring"). /metrics (government zone only) asks for
# "Authorization: Bearer <token>" when this is set. CLEARCHECK_STALE_<JOB>_SECONDS overrides when /healthz calls a
# periodic job's work stale (AUDIT_SEAL, ROLLUPS_FOLD, ALERTS_RUN: core.freshness).
CLEARCHECK_METRICS_TOKEN = os.environ.get("CLEARCHECK_METRICS_TOKEN", "")
for _name in ("AUDIT_SEAL", "ROLLUPS_FOLD", "ALERTS_RUN"):
    if (_value := os.environ.get(f"CLEARCHECK_STALE_{_name}_SECONDS")) not in (None, ""):
        globals()[f"CLEARCHECK_STALE_{_name}_SECONDS"] = int(_value)

# Logs on stderr: one JSON object per line (CLEARCHECK_LOG_FORMAT=json, the default) or plain text (`make run`).
# clearcheck.request writes one line per request at INFO (CLEARCHECK_REQUEST_LOG_LEVEL=WARNING keeps only errors).
_LOG_FORMAT = "text" if os.environ.get("CLEARCHECK_LOG_FORMAT", "json").strip().lower() == "text" else "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "clearcheck.core.log_format.JsonFormatter"},
        "text": {"()": "clearcheck.core.log_format.TextFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": _LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {
        "clearcheck.request": {"handlers": ["console"], "propagate": False,
                               "level": os.environ.get("CLEARCHECK_REQUEST_LOG_LEVEL", "INFO")},
        # Django's own line for a 4xx/5xx repeats what clearcheck.request says; its tracebacks (ERROR) stay.
        "django.request": {"level": "ERROR"},
    },
}

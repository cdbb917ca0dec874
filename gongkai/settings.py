"""Gongkai settings: one file, configured from the environment (12-factor).

Defaults are for the embedded setup (SQLite, no servers). Production sets DATABASE_URL,
REDIS_URL, SECRET_KEY, ALLOWED_HOSTS and HTTPS=1; see docs/deploy.md.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("GONGKAI_VAR_DIR", BASE_DIR / "var"))


def postgres_statement_options(threshold: str) -> dict[str, object]:
    """psycopg options from PG_PREPARE_THRESHOLD: a count of runs after which a query is
    prepared on its connection, or ``off`` (client-side parameters, nothing prepared)."""
    value = threshold.strip().lower()
    if value in ("off", "0", "none", "no", "false"):
        return {"server_side_binding": False, "prepare_threshold": None}
    if not value.isdecimal():
        raise ImproperlyConfigured(
            f"PG_PREPARE_THRESHOLD must be a whole number or off, not {threshold!r}"
        )
    return {"server_side_binding": True, "prepare_threshold": int(value)}


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no setting. A value that is neither (``PAGE_CACHE=ture``) stops the start, so a
    typo never quietly turns a safeguard off."""
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word not in TRUE_WORDS | FALSE_WORDS:
        raise ImproperlyConfigured(
            f"{name}={value!r} is neither yes nor no: use 1/0, true/false, yes/no or on/off."
        )
    return word in TRUE_WORDS


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None


def env_pair(name: str, default: tuple[int, int]) -> tuple[int, int]:
    """A rate limit written ``COUNT/SECONDS`` (``5/600``: five in ten minutes)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    count, _, seconds = value.partition("/")
    if not (count.strip().isdecimal() and seconds.strip().isdecimal()):
        raise ImproperlyConfigured(f"{name}={value!r} must be COUNT/SECONDS, e.g. 5/600.")
    return int(count), int(seconds)


def env_json(name: str, default: Any) -> Any:
    """A structured setting (a table, a list) written as JSON."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise ImproperlyConfigured(f"{name} is not valid JSON: {exc}") from None


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY and os.environ.get("SECRET_KEY_FILE"):
    SECRET_KEY = Path(os.environ["SECRET_KEY_FILE"]).read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is required (or SECRET_KEY_FILE) unless DEBUG=1. "
            "`make run` creates one in var/secret_key for you."
        )
    SECRET_KEY = "insecure-debug-only-key"  # noqa: S105 - only ever with DEBUG on

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "gongkai.portal.views.csrf_failure"
# The site's public address (https://jyj.example.gov.cn): printed QR codes, the static export
# and mail link to it. Required when DEBUG is off (system check site_url.E001).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "").strip().rstrip("/")

INSTALLED_APPS = [
    # The Django admin with Gongkai's site: system administrators of the root only, no
    # secrets, no deletes, every change audited (accounts/adminsite.py, decision 0015).
    "gongkai.accounts.apps.GongkaiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Django's form templates, found by the project's engine (FORM_RENDERER below), so that
    # gongkai/templates/django/forms/ can say a widget's words in Chinese.
    "django.forms",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_htmx",
    "huey.contrib.djhuey",
    "gongkai.core",
    "gongkai.accounts",
    "gongkai.organisations",
    "gongkai.catalogue",
    "gongkai.records",
    "gongkai.screening",
    "gongkai.search",
    "gongkai.interpretations",
    "gongkai.concerns",
    "gongkai.disclosures",
    "gongkai.applications",
    "gongkai.consultations",
    "gongkai.supervision",
    "gongkai.portal",
    "gongkai.holidays",
    "gongkai.notifications",
    "gongkai.workbench",
    "gongkai.ocr",
    "gongkai.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: no-store for staff pages and anyone signed in (before sessions: see why).
    "gongkai.core.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gongkai.accounts.middleware.PasswordChangeMiddleware",
    "gongkai.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gongkai.core.middleware.ClientAddressMiddleware",
    "gongkai.portal.pagecache.PageCacheMiddleware",
    # Last: it must see a failed login after auth has run.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gongkai.urls"
WSGI_APPLICATION = "gongkai.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gongkai" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gongkai.core.context_processors.site",
            ],
            # {% url %} with the addresses it reversed kept (gongkai/core/templatetags/kept_urls).
            "builtins": ["gongkai.core.templatetags.kept_urls"],
        },
    },
]
# Forms render through the TEMPLATES engine above: the project's templates come first.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'gongkai.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web workers read while the job runner writes; IMMEDIATE transactions take
    # the write lock up front so two writers queue instead of failing with "database is locked".
    # Connections are kept like PostgreSQL's: opening one and running the PRAGMAs cost more
    # than a whole record page (1.3 ms); between requests a kept connection holds no lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;",
    }
else:
    # Server-side parameters let PostgreSQL keep a query's plan: psycopg prepares a statement
    # after it has run PG_PREPARE_THRESHOLD times on a connection, and planning the record
    # page's join then no longer costs more than running it (docs/decisions/0012). Behind a
    # pooler in transaction mode (PgBouncer < 1.21) set PG_PREPARE_THRESHOLD=off.
    DATABASES["default"]["OPTIONS"] = {
        **DATABASES["default"].get("OPTIONS", {}),
        **postgres_statement_options(os.environ.get("PG_PREPARE_THRESHOLD", "2")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and background jobs ---------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CACHES: dict[str, dict[str, object]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

VAR_DIR.mkdir(parents=True, exist_ok=True)
HUEY: dict[str, object]
if REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "gongkai",
        "url": REDIS_URL,
        "immediate": False,
        "consumer": {"workers": 4, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "gongkai",
        "filename": str(VAR_DIR / "jobs.sqlite3"),
        "immediate": False,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# --- Accounts and security -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # Length and character classes come from the security administrator's policy.
    {"NAME": "gongkai.accounts.policy.PolicyPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Everyone lands on their own workbench: what waits for them (gongkai/workbench).
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Lockout after repeated failures (等保 requires it); by user name and address together.
# The numbers are the security administrator's (accounts/policy.py, edited in the browser);
# these two are what applies until they first save the policy.
GONGKAI_LOCKOUT_FAILURES = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
GONGKAI_LOCKOUT_MINUTES = round(float(os.environ.get("AXES_COOLOFF_HOURS", "0.5")) * 60)
AXES_FAILURE_LIMIT = "gongkai.accounts.policy.failure_limit"
AXES_COOLOFF_TIME = "gongkai.accounts.policy.cool_off"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Two-factor sign-in (TOTP) for reviewers, supervisors and administrators on staff pages:
# "required" (default) or "off" (the local demo only; docs/decisions/0010).
GONGKAI_2FA = os.environ.get("TWO_FACTOR", "required").strip().lower()
if GONGKAI_2FA not in ("required", "off"):
    raise ImproperlyConfigured(f"TWO_FACTOR={GONGKAI_2FA!r}: use required (the default) or off.")
OTP_TOTP_ISSUER = os.environ.get("SITE_NAME", "义务教育政务公开专栏")

# Sessions end after 30 minutes without activity.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", "1800"))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Scripts live in files: a nonce would go stale in cached pages.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Language and time -----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
# One language, so no LocaleMiddleware: it could only ever choose zh-hans, and its
# "Vary: Accept-Language" would split every cached page by the browser's language list.
LANGUAGES = [("zh-hans", "简体中文")]
# A few strings Django's own Chinese catalogue lacks (the admin's); loaded once per process.
LOCALE_PATHS = [BASE_DIR / "gongkai" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
# Date inputs are rendered ISO (2026-12-02); Django's zh-hans default (2026/12/02) makes an
# <input type="date"> look empty and lose its value on the next save (gongkai/formats/).
FORMAT_MODULE_PATH = ["gongkai.formats"]

# --- Files -----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "gongkai" / "static"]
# Uploaded files live outside any static path; they are served by views that check access.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "/files/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Mail ------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "gongkai@localhost")
# When the daily digest of notifications goes to those who chose it (HH:MM, local time).
GONGKAI_NOTIFICATION_DIGEST_AT = os.environ.get("NOTIFICATION_DIGEST_AT", "08:30")

# --- The site's identity (footer metadata government sites carry) -----------------------------
GONGKAI_SITE = {
    "name": os.environ.get("SITE_NAME", "义务教育政务公开专栏"),
    "sponsor": os.environ.get("SITE_SPONSOR", "聊城市教育和体育局"),
    "site_code": os.environ.get("SITE_CODE", ""),  # 网站标识码
    "icp": os.environ.get("SITE_ICP", ""),  # ICP 备案号
    "police_record": os.environ.get("SITE_POLICE_RECORD", ""),  # 公安机关备案号
    "contact": os.environ.get("SITE_CONTACT", ""),
    # When applications are received in person (依申请公开): the static export's apply page.
    "office_hours": os.environ.get("SITE_OFFICE_HOURS", ""),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # huey's consumer adds its own handler; don't print every line twice.
        "huey": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# --- Publishing ------------------------------------------------------------------------------
# 索引号 pattern: {uscc} (or the organisation code when it has none), {code}, {year}, {month},
# {item}, {serial:05d}. The serial counts per prefix and is never reused.
GONGKAI_INDEX_PATTERN = os.environ.get("INDEX_PATTERN", "{uscc}/{year}-{serial:05d}")
# The size cap on one attachment (and on any uploaded file checked like one), in MB.
GONGKAI_MAX_ATTACHMENT_MB = env_int("MAX_ATTACHMENT_MB", 20)
# Public pages for anonymous readers are written here and purged on every publication
# (gongkai/portal/pagecache.py); nginx can serve them directly (docs/deploy.md).
GONGKAI_PAGE_CACHE = env_bool("PAGE_CACHE", True)
# The catalogue and organisation directory are held in each process (gongkai/core/refdata.py)
# and rebuilt on change, or at the latest after this many seconds.
GONGKAI_REFDATA_SECONDS = float(os.environ.get("REFDATA_SECONDS", "30"))
# Where the page cache writes the pages (nginx reads them there).
GONGKAI_PAGE_CACHE_DIR = Path(os.environ.get("PAGE_CACHE_DIR", VAR_DIR / "pages"))
# A listing's filtered and further pages are stored under their query string (portal/pagecache.py)
# only while the page-cache disk has at least this much free space (MB).
GONGKAI_PAGE_CACHE_MIN_FREE_MB = int(os.environ.get("PAGE_CACHE_MIN_FREE_MB", "1024"))

# --- Audit trail -----------------------------------------------------------------------------
# The audit chain is keyed (HMAC-SHA256) with a secret kept outside the database, so whoever can
# write the database cannot recompute it after an edit (docs/decisions/0013). AUDIT_KEY, or
# AUDIT_KEY_FILE with one key per line: the first signs new rows, the others (retired keys)
# still verify the rows they signed. `make run` creates var/audit_key; required unless DEBUG=1
# (a system check says so). Keep a copy with the backups: without it the chain cannot be checked.
GONGKAI_AUDIT_KEYS = [k for k in [os.environ.get("AUDIT_KEY", "").strip()] if k]
if not GONGKAI_AUDIT_KEYS and os.environ.get("AUDIT_KEY_FILE"):
    GONGKAI_AUDIT_KEYS = [
        line.strip()
        for line in Path(os.environ["AUDIT_KEY_FILE"]).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
# Signed chain heads ("anchors": row id, hash, time, HMAC) are appended here by the daily job
# and `audit anchor`, and written to the log and each backup manifest; `audit verify` checks
# the chain against them, so a rewritten chain or removed newest rows are reported.
GONGKAI_AUDIT_ANCHOR_FILE = Path(
    os.environ.get("AUDIT_ANCHOR_FILE", VAR_DIR / "audit_anchors.jsonl")
)

# --- Client addresses, lockout, counts shared by every worker --------------------------------
# Behind nginx (BEHIND_PROXY=1) the client is the address nginx puts last in X-Forwarded-For,
# believed only from TRUSTED_PROXIES (addresses or networks; empty: any peer, so bind the app
# servers where only nginx reaches them). Without BEHIND_PROXY the header is never believed.
GONGKAI_TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# Sign-in lockout counts the account together with that real client address: behind the proxy
# every request would otherwise come from nginx, and anyone could lock anyone out.
AXES_CLIENT_IP_CALLABLE = "gongkai.core.middleware.client_address"
# Rate limits and one-time tokens must be counted once for all workers and processes
# (core/cache.py): a database cache on the embedded default (its table is made by `migrate`),
# Redis with REDIS_URL. The default cache above stays per process for data each may copy.
CACHES["shared"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "gongkai.core.cache.DatabaseCache",
        "LOCATION": "gongkai_shared_cache",
        # Entries expire with their window; the cap only stops runaway growth (at the cap
        # Django deletes a third of the entries, which would forget spent tokens).
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    }
)
# Not from the environment: the name of that cache in CACHES (core/cache.py).
GONGKAI_SHARED_CACHE = "shared"

# --- The apps' settings -----------------------------------------------------------------------
# Every GONGKAI_* setting is declared in this file with its default; the apps read them without
# defaults of their own (their conf.py modules are typed accessors). Each comes from the
# environment variable it names; a rate limit is written COUNT/SECONDS (5/600), a table as
# JSON. System checks (core/checks.py and the apps' checks.py) say what a wrong value is.

# Who must pass the second factor (role codes, comma-separated; docs/decisions/0010).
GONGKAI_2FA_ROLES = env_list(
    "TWO_FACTOR_ROLES",
    "document_reviewer,disclosure_reviewer,supervisor,system_admin,security_admin,audit_admin",
)
# Not from the environment: the append-only triggers on the audit table stay on in every
# deployment; only the test suite turns them off (settings_test.py, docs/decisions/0013).
GONGKAI_AUDIT_DB_TRIGGERS = True
# Not from the environment: set while `manage.py export` renders the static copy (no forms).
GONGKAI_STATIC_EXPORT = False
# Public forms' text challenge: how long a question stays valid (seconds) ...
GONGKAI_CHALLENGE_MAX_AGE = env_int("CHALLENGE_MAX_AGE", 7200)
# ... and how many wrong answers one client address may give in a window.
GONGKAI_CHALLENGE_ATTEMPT_LIMIT = env_pair("CHALLENGE_ATTEMPT_LIMIT", (10, 600))

# 依申请公开: the From address of reminder mail to staff.
GONGKAI_APPLICATION_REMINDER_FROM = os.environ.get("APPLICATION_REMINDER_FROM", DEFAULT_FROM_EMAIL)
# Online applications accepted per client address (each starts a statutory clock, 第三十三条).
GONGKAI_APPLICATION_RATE_LIMIT = env_pair("APPLICATION_RATE_LIMIT", (5, 3600))
# Wrong tracking code or secret entries per client address before lookups pause.
GONGKAI_APPLICATION_TRACK_ADDRESS_LIMIT = env_pair("APPLICATION_TRACK_ADDRESS_LIMIT", (10, 900))
# Wrong secrets for one tracking code, from any address.
GONGKAI_APPLICATION_TRACK_CODE_LIMIT = env_pair("APPLICATION_TRACK_CODE_LIMIT", (5, 1800))
# Overrides of the clock's numbers (applications/rules.py), e.g. {"third_party_days": 15}.
GONGKAI_APPLICATION_RULES: dict[str, int] = env_json("APPLICATION_RULES", {})

# 回应关切: per level, the clocks that start at discovery, in natural hours (聊城标准 四(四),
# 国办发〔2016〕61号: authoritative information within 5 hours, a response within 48).
GONGKAI_CONCERN_CLOCKS: dict[str, dict[str, int]] = env_json(
    "CONCERN_CLOCKS",
    {
        "especially_serious": {"authoritative": 5, "press_conference": 24},
        "serious": {"authoritative": 5, "press_conference": 24},
        "major": {"response": 48},
        "general": {"response": 48},
    },
)
# When the officer is reminded: [name, "50%" of the clock | "-60m" before | "+0m" after,
# whether the supervisors are told too].
GONGKAI_CONCERN_REMINDERS: list[list[Any]] = env_json(
    "CONCERN_REMINDERS",
    [["half", "50%", False], ["last_hour", "-60m", False], ["overdue", "+0m", True]],
)
# The size cap on one concern screenshot, in MB.
GONGKAI_CONCERN_SCREENSHOT_MB = env_int("CONCERN_SCREENSHOT_MB", 5)

# 公众参与: the shortest comment period in natural days (《重大行政决策程序暂行条例》第十五条).
GONGKAI_CONSULTATION_MIN_DAYS = env_int("CONSULTATION_MIN_DAYS", 30)
# Natural days after closing by which the adoption feedback should be published.
GONGKAI_FEEDBACK_DAYS = env_int("FEEDBACK_DAYS", 30)
# The default cap on one comment, in characters (each consultation may set its own).
GONGKAI_COMMENT_MAX_LENGTH = env_int("COMMENT_MAX_LENGTH", 2000)
# A new mailbox's reply deadline in working days (the inspection fails a site at 3 months).
GONGKAI_MAILBOX_REPLY_WORKING_DAYS = env_int("MAILBOX_REPLY_WORKING_DAYS", 15)
# Remind the handling unit this many working days before a reply is due; 0 turns it off.
GONGKAI_MAILBOX_DUE_SOON_WORKING_DAYS = env_int("MAILBOX_DUE_SOON_WORKING_DAYS", 3)
# Comments and messages accepted per client address.
GONGKAI_PARTICIPATION_RATE_LIMIT = env_pair("PARTICIPATION_RATE_LIMIT", (5, 600))

# 政策解读: item codes that need an interpretation besides those the catalogue marks.
GONGKAI_INTERPRETATION_EXTRA_ITEMS = env_list("INTERPRETATION_EXTRA_ITEMS")
# Interpretations per page of the public list.
GONGKAI_INTERPRETATION_PAGE_SIZE = env_int("INTERPRETATION_PAGE_SIZE", 20)
# The size cap on an interpretation's video, in MB.
GONGKAI_MAX_VIDEO_MB = env_int("MAX_VIDEO_MB", 200)

# 站内检索: results per page, deepest page, snippet length and text kept per entry.
GONGKAI_SEARCH_PAGE_SIZE = env_int("SEARCH_PAGE_SIZE", 20)
GONGKAI_SEARCH_MAX_PAGES = env_int("SEARCH_MAX_PAGES", 100)
GONGKAI_SEARCH_SNIPPET_CHARS = env_int("SEARCH_SNIPPET_CHARS", 120)
GONGKAI_SEARCH_TEXT_CHARS = env_int("SEARCH_TEXT_CHARS", 20000)
# Relevance ranks the newest N matches only (docs/decisions/0003); unset, each database
# backend's own number applies (2000 on SQLite, 500 on PostgreSQL: search/backends.py).
if os.environ.get("SEARCH_CANDIDATES"):
    GONGKAI_SEARCH_CANDIDATES = env_int("SEARCH_CANDIDATES", 2000)

# 监督评估: working days ahead that count as "due soon" in a unit's digest ...
GONGKAI_SUPERVISION_DUE_SOON_DAYS = env_int("SUPERVISION_DUE_SOON_DAYS", 5)
# ... and how many units below target the supervisors' digest names.
GONGKAI_SUPERVISION_WORST_OFFENDERS = env_int("SUPERVISION_WORST_OFFENDERS", 5)
# Sections whose columns are 政策文件类 (stale after 6 months; 国办秘函〔2019〕19号).
GONGKAI_SUPERVISION_POLICY_SECTIONS = env_list("SUPERVISION_POLICY_SECTIONS", "01")
# Items that are 动态、要闻类 (stale after 2 weeks); the standard has none.
GONGKAI_SUPERVISION_NEWS_ITEMS = env_list("SUPERVISION_NEWS_ITEMS")
# The link checker: seconds per request, links per run, pause per host, bytes read per page.
GONGKAI_SUPERVISION_LINK_CHECK: dict[str, float] = {
    "timeout": 5.0,
    "max_links": 200,
    "per_host_delay": 1.0,
    "max_bytes": 65536,
    **env_json("SUPERVISION_LINK_CHECK", {}),
}
# The catalogue item the annual report is filed under.
GONGKAI_SUPERVISION_ANNUAL_REPORT_ITEM = os.environ.get("SUPERVISION_ANNUAL_REPORT_ITEM", "02.01")
# Which catalogue items feed 年报表二's rows (规章 has none: bureaus make no rules).
GONGKAI_SUPERVISION_TABLE_TWO_ITEMS: dict[str, list[str]] = {
    "rules": [],
    "normative": ["01.02"],
    "licensing": ["03.02"],
    **env_json("SUPERVISION_TABLE_TWO_ITEMS", {}),
}
# Not from the environment: how core asks whether a user holds one of some roles (the staff
# shell's links), without importing the accounts app that defines roles (core is the ground floor).
GONGKAI_ROLE_CHECK = "gongkai.accounts.permissions.has_role"

# --- Accounts issued by administrators ---------------------------------------------------------
# How long a one-time sign-in link stays valid (hours); it works once either way.
GONGKAI_SIGN_IN_LINK_HOURS = env_int("SIGN_IN_LINK_HOURS", 72)

# --- Search ------------------------------------------------------------------------------------
# "tantivy": the embedded index in SEARCH_INDEX_DIR (one machine; counts and ranks every match);
# "database": SQLite FTS5 / PostgreSQL full text (several app servers; docs/decisions/0018).
GONGKAI_SEARCH_BACKEND = os.environ.get("SEARCH_BACKEND", "tantivy")
# On the app server's own disk, never a network share (Tantivy maps its files into memory).
GONGKAI_SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", VAR_DIR / "search"))

# --- OCR: scanned pages and images are read before screening (gongkai/ocr) -------------------
# Read by the embedded engine in the job runner; off only where a person checks every scan.
GONGKAI_OCR_ENABLED = env_bool("OCR", True)
# PDF pages are rendered at this resolution for reading, previews and redaction.
GONGKAI_OCR_DPI = env_int("OCR_DPI", 200)
# Pages read at once by one job (one ONNX Runtime thread each); the cores of the job runner.
GONGKAI_OCR_THREADS = env_int("OCR_THREADS", min(2, os.cpu_count() or 1))
# Pages read per file; later pages keep their "needs a person's look" finding.
GONGKAI_OCR_MAX_PAGES = env_int("OCR_MAX_PAGES", 300)
# A page read with less average confidence still needs a person's look.
GONGKAI_OCR_MIN_CONFIDENCE = float(os.environ.get("OCR_MIN_CONFIDENCE", "0.8"))
# A reading with no progress for this long is queued again (its worker died).
GONGKAI_OCR_STALE_SECONDS = env_int("OCR_STALE_SECONDS", 600)

"""Settings for the test suite: the real settings with fast, deterministic overrides."""

import atexit
import os
import shutil
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
# Production configuration: printed QR codes and exported links use a real public address.
os.environ.setdefault("SITE_URL", "https://jyj.example.gov.cn")
if "GONGKAI_VAR_DIR" not in os.environ:
    # A scratch folder for this run (processes it starts inherit it), removed when it ends.
    _scratch = tempfile.mkdtemp(prefix="gongkai-test-")
    os.environ["GONGKAI_VAR_DIR"] = _scratch
    atexit.register(shutil.rmtree, _scratch, ignore_errors=True)
os.environ.setdefault("AUDIT_KEY", "test-only-audit-key-not-secret-0123456789")

from gongkai.settings import *

# Tests hash thousands of passwords; Argon2 stays the production default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "immediate": True}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost", "jyj.example.gov.cn"]  # SITE_URL's host
GONGKAI_LOCKOUT_FAILURES = 5
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The page cache is tested on its own (portal/tests/test_pagecache.py), not under every test.
GONGKAI_PAGE_CACHE = False
# Tests sign in with force_login; the second factor is tested on its own
# (accounts/tests/test_twofactor.py turns it on).
GONGKAI_2FA = "off"
# Transactional tests empty every table afterwards; the append-only triggers on the audit
# table would refuse that. core/tests/test_audit.py installs them for its own test.
GONGKAI_AUDIT_DB_TRIGGERS = False
GONGKAI_PAGE_CACHE_DIR = VAR_DIR / "pages"

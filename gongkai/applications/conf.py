"""Settings of the applications app, each with a default (no change to settings.py needed)."""

from __future__ import annotations

from django.conf import settings


def reminder_sender() -> str:
    """``GONGKAI_APPLICATION_REMINDER_FROM``: the From address of reminder mail."""
    return str(getattr(settings, "GONGKAI_APPLICATION_REMINDER_FROM", settings.DEFAULT_FROM_EMAIL))


def staff_base_url() -> str:
    """``GONGKAI_SITE_URL``: prefixed to links in reminder mail (empty: relative links)."""
    return str(getattr(settings, "GONGKAI_SITE_URL", "")).rstrip("/")

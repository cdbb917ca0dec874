"""Settings of the applications app, each with a default (no change to settings.py needed)."""

from __future__ import annotations

from django.conf import settings


def reminder_sender() -> str:
    """``GONGKAI_APPLICATION_REMINDER_FROM``: the From address of reminder mail."""
    return str(getattr(settings, "GONGKAI_APPLICATION_REMINDER_FROM", settings.DEFAULT_FROM_EMAIL))


def staff_base_url() -> str:
    """``GONGKAI_SITE_URL``: prefixed to links in reminder mail (empty: relative links)."""
    return str(getattr(settings, "GONGKAI_SITE_URL", "")).rstrip("/")


def _pair(name: str, default: tuple[int, int]) -> tuple[int, int]:
    value = getattr(settings, name, default)
    return int(value[0]), int(value[1])


def tracking_address_limit() -> tuple[int, int]:
    """``GONGKAI_APPLICATION_TRACK_ADDRESS_LIMIT`` ((10, 900)): wrong tracking code or secret
    entries allowed per client address in that many seconds, before lookups are paused."""
    return _pair("GONGKAI_APPLICATION_TRACK_ADDRESS_LIMIT", (10, 900))


def tracking_code_limit() -> tuple[int, int]:
    """``GONGKAI_APPLICATION_TRACK_CODE_LIMIT`` ((5, 1800)): wrong secrets allowed for one
    tracking code, from any address: the secret cannot be guessed from many addresses."""
    return _pair("GONGKAI_APPLICATION_TRACK_CODE_LIMIT", (5, 1800))


def filing_rate_limit() -> tuple[int, int]:
    """``GONGKAI_APPLICATION_RATE_LIMIT`` ((5, 3600)): online applications accepted per client
    address in that many seconds. Each one starts a statutory clock (第三十三条), so a robot
    filing fifteen in half a second is stopped at the fifth; wrong answers to the challenge
    are capped as for the mailbox (core/antispam.py)."""
    return _pair("GONGKAI_APPLICATION_RATE_LIMIT", (5, 3600))


def public_base_url() -> str:
    """Prefixed to the tracking-page link in mail to applicants: ``GONGKAI_SITE_URL``, else
    ``SITE_URL``. The applicant reads the mail outside the site, so the link must be whole."""
    url = getattr(settings, "GONGKAI_SITE_URL", "") or getattr(settings, "SITE_URL", "")
    return str(url).rstrip("/")

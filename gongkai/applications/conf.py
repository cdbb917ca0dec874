"""The applications app's settings, typed; each is declared with its default in settings.py."""

from __future__ import annotations

from django.conf import settings


def reminder_sender() -> str:
    """The From address of reminder mail."""
    return str(settings.GONGKAI_APPLICATION_REMINDER_FROM)


def site_url() -> str:
    """Prefixed to links in mail (to staff and applicants): mail is read outside the site, so
    every link must be whole."""
    return str(settings.SITE_URL)


def tracking_address_limit() -> tuple[int, int]:
    """Wrong tracking code or secret entries allowed per client address in that many
    seconds, before lookups are paused."""
    return settings.GONGKAI_APPLICATION_TRACK_ADDRESS_LIMIT


def tracking_code_limit() -> tuple[int, int]:
    """Wrong secrets allowed for one tracking code, from any address: the secret cannot be
    guessed from many addresses."""
    return settings.GONGKAI_APPLICATION_TRACK_CODE_LIMIT


def filing_rate_limit() -> tuple[int, int]:
    """Online applications accepted per client address in that many seconds. Each one starts
    a statutory clock (第三十三条), so a robot filing fifteen in half a second is stopped at
    the fifth; wrong answers to the challenge are capped as for the mailbox
    (core/antispam.py)."""
    return settings.GONGKAI_APPLICATION_RATE_LIMIT

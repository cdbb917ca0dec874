"""System checks for settings that can be wrong in a way nobody notices until paper is printed.

Django runs them before ``migrate``, ``serve``, ``check`` and the other management commands, so
a release with a missing or malformed setting stops at the first command, with the fix named.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

SITE_URL_EXAMPLE = "SITE_URL=https://jyj.example.gov.cn"


def _is_loopback_or_private(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified


def site_url_problems(value: str, *, debug: bool) -> list[CheckMessage]:
    """What is wrong with a ``SITE_URL`` value (the site's public address: printed QR codes,
    the static export and mail to applicants link to it)."""
    if not value:
        if debug:
            return []
        return [
            Error(
                "SITE_URL is not set. It is the site's public address: the QR codes printed on "
                "bulletin-board sheets (公示栏), the static export for reading points and the "
                "links in mail to applicants point to it.",
                hint=f"Set it in the environment, for example {SITE_URL_EXAMPLE} "
                "(scheme and host only, no path). See docs/deploy.md.",
                id="site_url.E001",
            )
        ]
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return [
            Error(
                f"SITE_URL={value!r} is not an address a phone can open: it must start with "
                "https:// (or http://) followed by the site's host name.",
                hint=f"For example {SITE_URL_EXAMPLE}.",
                id="site_url.E002",
            )
        ]
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        return [
            Error(
                f"SITE_URL={value!r} has a path, query or fragment; Gongkai's pages are served "
                "from the root of the site, so printed links would be wrong.",
                hint=f"Give the scheme and host only, for example {SITE_URL_EXAMPLE}.",
                id="site_url.E003",
            )
        ]
    return []


@register()
def check_site_url(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return site_url_problems(str(getattr(settings, "SITE_URL", "") or ""), debug=settings.DEBUG)


@register(deploy=True)
def check_site_url_is_public(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``check --deploy``: an address only this machine can reach, or plain http behind HTTPS."""
    value = str(getattr(settings, "SITE_URL", "") or "")
    parts = urlsplit(value)
    if not value or not parts.hostname:
        return []
    found: list[CheckMessage] = []
    if _is_loopback_or_private(parts.hostname):
        found.append(
            Warning(
                f"SITE_URL={value!r} is an address only this machine or network can reach: "
                "QR codes printed for bulletin boards would not open on a parent's phone.",
                hint=f"Use the public address, for example {SITE_URL_EXAMPLE}.",
                id="site_url.W001",
            )
        )
    if getattr(settings, "HTTPS", False) and parts.scheme != "https":
        found.append(
            Warning(
                f"HTTPS is on but SITE_URL={value!r} starts with http://: every printed link "
                "would go through a redirect, and some phones' scanners warn about it.",
                hint="Write SITE_URL with https://.",
                id="site_url.W002",
            )
        )
    return found

"""System checks for settings that can be wrong in a way nobody notices until paper is printed.

Django runs them before ``migrate``, ``serve``, ``check`` and the other management commands, so
a release with a missing or malformed setting stops at the first command, with the fix named.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register
from django.http.request import validate_host

SITE_URL_EXAMPLE = "SITE_URL=https://jyj.example.gov.cn"
#: A host name has at most 253 characters; with the scheme and a port an address is shorter
#: than this (bytes in UTF-8). Every sitemap line holds it once, and a part of 50,000 lines
#: must stay under the protocol's 50 MB (portal/tests/test_sitemaps.py).
MAX_SITE_URL_LENGTH = 300


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
    if len(value.encode()) > MAX_SITE_URL_LENGTH or any(c in value for c in "&<>\"' "):
        shown = value if len(value) <= 80 else value[:80] + "…"
        return [
            Error(
                f"SITE_URL={shown!r} is longer than {MAX_SITE_URL_LENGTH} bytes or contains a "
                "space or one of & < > \" ': a site's public address has neither.",
                hint=f"Give the scheme and host only, for example {SITE_URL_EXAMPLE}.",
                id="site_url.E005",
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
    return site_url_problems(settings.SITE_URL, debug=settings.DEBUG)


@register(deploy=True)
def check_site_url_is_allowed(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The job runner renders pages as a reader on ``SITE_URL`` would get them (warming the
    page cache after a scheduled publication): its host must be one Django answers."""
    hostname = urlsplit(settings.SITE_URL).hostname
    if settings.DEBUG or not hostname:
        return []
    allowed = list(settings.ALLOWED_HOSTS)
    if validate_host(hostname, allowed):
        return []
    return [
        Error(
            f"The host of SITE_URL ({hostname}) is not in ALLOWED_HOSTS: pages rendered for "
            "that address (the page cache after a scheduled publication) would be refused.",
            hint=f"Add {hostname} to ALLOWED_HOSTS.",
            id="site_url.E004",
        )
    ]


@register(deploy=True)
def check_site_url_is_public(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """``check --deploy``: an address only this machine can reach, or plain http behind HTTPS."""
    value = settings.SITE_URL
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
    if settings.HTTPS and parts.scheme != "https":
        found.append(
            Warning(
                f"HTTPS is on but SITE_URL={value!r} starts with http://: every printed link "
                "would go through a redirect, and some phones' scanners warn about it.",
                hint="Write SITE_URL with https://.",
                id="site_url.W002",
            )
        )
    return found


#: HMAC keys shorter than this are guessable offline from a single audit row.
MIN_AUDIT_KEY_LENGTH = 32


@register(Tags.security)
def audit_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    keys = list(settings.GONGKAI_AUDIT_KEYS)
    if not keys:
        if settings.DEBUG:
            return []
        return [
            Error(
                "AUDIT_KEY (or AUDIT_KEY_FILE) is not set: the audit chain cannot be signed, "
                "so someone with database access could rewrite it unnoticed.",
                hint='Create a random key outside the database, e.g. `python -c "import '
                'secrets; print(secrets.token_urlsafe(48))" > /etc/gongkai/audit_key`, and set '
                "AUDIT_KEY_FILE to it (`make run` creates var/audit_key). Back the key up "
                "separately from the database.",
                id="gongkai.E001",
            )
        ]
    if any(len(key) < MIN_AUDIT_KEY_LENGTH for key in keys):
        return [
            Error(
                f"An audit key is shorter than {MIN_AUDIT_KEY_LENGTH} characters.",
                hint="Use a random key of at least 32 characters (secrets.token_urlsafe(48)).",
                id="gongkai.E002",
            )
        ]
    return []


@register(Tags.security)
def trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for entry in settings.GONGKAI_TRUSTED_PROXIES:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            messages.append(
                Error(
                    f"TRUSTED_PROXIES has {entry!r}, which is not an address or network.",
                    hint="Give addresses or networks, comma-separated: 10.0.0.5,10.0.1.0/24",
                    id="gongkai.E003",
                )
            )
    return messages


@register(Tags.security, deploy=True)
def proxy_without_trusted_list(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """(--deploy) Behind the proxy, the client address comes from a header; who may send it?"""
    if not settings.BEHIND_PROXY or settings.GONGKAI_TRUSTED_PROXIES:
        return []
    return [
        Warning(
            "BEHIND_PROXY is set without TRUSTED_PROXIES: X-Forwarded-For is believed from any "
            "peer, so the application servers must be reachable only by nginx.",
            hint="Set TRUSTED_PROXIES to nginx's address(es) (docs/deploy.md).",
            id="gongkai.W004",
        )
    ]


# --- Numbers the apps run on ------------------------------------------------------------------


def number_problems(names: Iterable[str], *, minimum: int = 1, code: str) -> list[CheckMessage]:
    """Errors for each setting (a number, or a ``(count, seconds)`` rate limit) with a value
    below ``minimum``: a limit of 0 would refuse everyone, a size cap of 0 every file. The
    apps' checks call this for their own settings (declared in settings.py)."""
    found: list[CheckMessage] = []
    for name in names:
        value = getattr(settings, name)
        parts = value if isinstance(value, tuple | list) else (value,)
        if not all(
            isinstance(v, int | float) and not isinstance(v, bool) and v >= minimum for v in parts
        ):
            found.append(
                Error(
                    f"{name}={value!r} must be a number of at least {minimum}"
                    + (" in each part" if len(parts) > 1 else "")
                    + ".",
                    hint="Set it in the environment (the variable without GONGKAI_); "
                    "gongkai/settings.py gives its default and what it means.",
                    id=code,
                )
            )
    return found


@register()
def challenge_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return number_problems(
        ["GONGKAI_CHALLENGE_MAX_AGE", "GONGKAI_CHALLENGE_ATTEMPT_LIMIT"], code="gongkai.E005"
    )

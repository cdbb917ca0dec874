"""System checks for settings that can be wrong (or missing) without anything failing at once."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

#: HMAC keys shorter than this are guessable offline from a single audit row.
MIN_AUDIT_KEY_LENGTH = 32


def audit_key(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    keys = list(getattr(settings, "GONGKAI_AUDIT_KEYS", []))
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


def trusted_proxies(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    for entry in getattr(settings, "GONGKAI_TRUSTED_PROXIES", []):
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


def proxy_without_trusted_list(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """(--deploy) Behind the proxy, the client address comes from a header; who may send it?"""
    if not getattr(settings, "BEHIND_PROXY", False) or getattr(
        settings, "GONGKAI_TRUSTED_PROXIES", []
    ):
        return []
    return [
        Warning(
            "BEHIND_PROXY is set without TRUSTED_PROXIES: X-Forwarded-For is believed from any "
            "peer, so the application servers must be reachable only by nginx.",
            hint="Set TRUSTED_PROXIES to nginx's address(es) (docs/deploy.md).",
            id="gongkai.W004",
        )
    ]

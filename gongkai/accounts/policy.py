"""The security administrator's rules, as Django and django-axes read them.

The rules are one row (``SecurityPolicy``) edited in the browser; until the first edit they
are the defaults from settings (``GONGKAI_LOCKOUT_FAILURES``, ``GONGKAI_LOCKOUT_MINUTES``).
Every process keeps the row in memory (core/refdata.py) and rebuilds it when it is saved, so
a sign-in costs no extra query.

- ``PolicyPasswordValidator`` sits in AUTH_PASSWORD_VALIDATORS: minimum length and character
  classes.
- ``failure_limit`` and ``cool_off`` are named by AXES_FAILURE_LIMIT and AXES_COOLOFF_TIME:
  the numbers only; *what* is counted (account, address) is axes' AXES_LOCKOUT_PARAMETERS.
- ``password_expired`` tells the middleware that a password is older than the policy allows.
"""

from __future__ import annotations

import string
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongkai.accounts.models import SecurityPolicy
from gongkai.core.refdata import Reference


def defaults() -> SecurityPolicy:
    return SecurityPolicy(
        pk=1,
        lockout_failures=int(settings.GONGKAI_LOCKOUT_FAILURES),
        lockout_minutes=int(settings.GONGKAI_LOCKOUT_MINUTES),
    )


def _build() -> SecurityPolicy:
    return SecurityPolicy.objects.filter(pk=1).first() or defaults()


_policy = Reference("security_policy", _build, [SecurityPolicy])


def current() -> SecurityPolicy:
    """The policy in force (a stored row, or the defaults before anyone saved one)."""
    return _policy.get()


# --- passwords ------------------------------------------------------------------------------

CLASSES: list[tuple[str, Any]] = [
    ("大写字母", str.isupper),
    ("小写字母", str.islower),
    ("数字", str.isdigit),
    ("符号", lambda ch: ch in string.punctuation or (not ch.isalnum() and not ch.isspace())),
]


def classes_in(password: str) -> int:
    return sum(1 for _, test in CLASSES if any(test(ch) for ch in password))


class PolicyPasswordValidator:
    """Length and character classes from the security policy (等保 asks for both)."""

    def validate(self, password: str, user: Any = None) -> None:
        policy = current()
        problems = []
        if len(password) < policy.password_min_length:
            problems.append(
                ValidationError(
                    "密码太短：至少需要 %(min)d 个字符。",
                    code="password_too_short",
                    params={"min": policy.password_min_length},
                )
            )
        if classes_in(password) < policy.password_min_classes:
            problems.append(
                ValidationError(
                    "密码须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。",
                    code="password_too_simple",
                    params={"n": policy.password_min_classes},
                )
            )
        if problems:
            raise ValidationError(problems)

    def get_help_text(self) -> str:
        policy = current()
        return (
            f"至少 {policy.password_min_length} 个字符，包含大写字母、小写字母、数字、符号中的"
            f"至少 {policy.password_min_classes} 类。"
        )


def password_expired(user: Any, now: Any = None) -> bool:
    days = current().password_max_age_days
    if not days:
        return False
    changed = user.password_changed_at or user.date_joined
    return bool(changed and (now or timezone.now()) - changed > timedelta(days=days))


# --- lockout (django-axes) ------------------------------------------------------------------


def failure_limit(request: Any = None, credentials: Any = None) -> int:
    return int(current().lockout_failures)


def cool_off(request: Any = None) -> timedelta:
    return timedelta(minutes=current().lockout_minutes)

"""Sign-in events in the audit trail: signed in, signed out, failed, locked out.

等保 2.0 asks that logins and failed logins be audited with where they came from. Django's
auth signals (``user_logged_in``, ``user_logged_out``, ``user_login_failed``) and django-axes'
``user_locked_out`` are the third-party hooks for that — the one place signals belong
(CONVENTIONS: "keep them for third-party decoupling"); ``CoreConfig.ready`` connects them.
The second factor writes its own rows (accounts/twofactor.py).

No password ever reaches a row: Django masks it in the credentials it sends, and only the
user name is read from them. A name that is no account is not stored either (people type
their password into the name field): the row keeps a keyed fingerprint of it instead, so
repeated attempts at the same name can still be told apart.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from gongkai.core.audit import record_event
from gongkai.core.middleware import client_address
from gongkai.core.verbs import Verb

SIGN_IN = Verb.ACCOUNT_SIGN_IN
SIGN_OUT = Verb.ACCOUNT_SIGN_OUT
SIGN_IN_FAILED = Verb.ACCOUNT_SIGN_IN_FAILED
LOCKED_OUT = Verb.ACCOUNT_LOCKED_OUT


def _ip(request: HttpRequest | None) -> str | None:
    return client_address(request) if request is not None else None


def _account(username: Any) -> tuple[Any, dict[str, Any]]:
    """The account a typed name belongs to, and what of the name the row may keep."""
    name = str(username or "")[:150]
    user_model = get_user_model()
    user = user_model._default_manager.filter(**{user_model.USERNAME_FIELD: name}).first()
    if user is not None:
        return user, {"username": name}
    fingerprint = salted_hmac("gongkai.signins.unknown-name", name, algorithm="sha256")
    return None, {"unknown_account": True, "name_fingerprint": fingerprint.hexdigest()[:12]}


def signed_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    with transaction.atomic():
        record_event(SIGN_IN, actor=user, target=user, ip=_ip(request))


def signed_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is None or not getattr(user, "is_authenticated", False):
        return  # signing out without a session changes nothing
    with transaction.atomic():
        record_event(SIGN_OUT, actor=user, target=user, ip=_ip(request))


def sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    user, name = _account(credentials.get("username"))
    data = {
        **name,
        # Axes has counted this attempt already (its receiver is connected first).
        "locked": bool(getattr(request, "axes_locked_out", False)),
    }
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is not None:
        data["failures"] = int(failures)
    with transaction.atomic():
        record_event(SIGN_IN_FAILED, target=user, ip=_ip(request), data=data)


def locked_out(
    sender: Any,
    request: HttpRequest | None = None,
    username: Any = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    """The moment an account and address are locked. Axes sends the signal again for each
    attempt refused during the lockout (which also restarts the cool-off); those are audited
    as failed sign-ins (locked), so the lockout itself is one row."""
    from axes.helpers import get_failure_limit
    from django.conf import settings

    failures = getattr(request, "axes_failures_since_start", None)
    credentials = getattr(request, "axes_credentials", None) or {}
    if failures is None or failures != get_failure_limit(request, credentials):
        return
    user, name = _account(username)
    data = {**name, "failures": int(failures), "cool_off_hours": settings.AXES_COOLOFF_TIME}
    with transaction.atomic():
        record_event(LOCKED_OUT, target=user, ip=ip_address or _ip(request), data=data)


def connect() -> None:
    from axes.signals import user_locked_out
    from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

    user_logged_in.connect(signed_in, dispatch_uid="gongkai.audit.sign_in")
    user_logged_out.connect(signed_out, dispatch_uid="gongkai.audit.sign_out")
    user_login_failed.connect(sign_in_failed, dispatch_uid="gongkai.audit.sign_in_failed")
    user_locked_out.connect(locked_out, dispatch_uid="gongkai.audit.locked_out")

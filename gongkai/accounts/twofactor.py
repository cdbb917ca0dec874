"""Two-factor sign-in (TOTP) for the people whose decisions carry weight.

等保 2.0 三级 asks for two kinds of proof for privileged users. Reviewers (they release
information), supervisors (they see every unit's state) and the three administrators sign in
with a password and then a six-digit code from an authenticator app (RFC 6238 TOTP, through
django-otp, which also refuses a code that was already used). Clerks and concern officers are
not required to, but may enrol.

Who must use it is ``GONGKAI_2FA_ROLES`` and whether it is enforced at all is
``GONGKAI_2FA`` ("required" by default; "off" for the local demo, see docs/decisions/0010).
The first time a person who must use it signs in, they enrol: the page shows a QR code and
the secret written out, and a code from the app confirms the enrolment.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import roles_of
from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb

if TYPE_CHECKING:
    from gongkai.accounts.models import User

DEFAULT_ROLES = frozenset(
    {
        Role.DOCUMENT_REVIEWER,
        Role.DISCLOSURE_REVIEWER,
        Role.SUPERVISOR,
        Role.SYSTEM_ADMIN,
        Role.SECURITY_ADMIN,
        Role.AUDIT_ADMIN,
    }
)
DEVICE_NAME = "身份验证器"


def enforced() -> bool:
    return str(settings.GONGKAI_2FA).lower() != "off"


def required_for(user: Any) -> bool:
    """Whether ``user`` must pass the second factor before any staff page."""
    if not enforced() or not getattr(user, "is_authenticated", False):
        return False
    roles = set(settings.GONGKAI_2FA_ROLES)
    return bool(roles_of(user) & roles) or bool(user.is_superuser)


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled (one per person, made on first visit)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The secret as authenticator apps want it typed: base32, in groups of four."""
    raw = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The provisioning URI (issuer: OTP_TOTP_ISSUER) as a QR code: an SVG data URI, which
    needs no script and is allowed by the CSP's img-src."""
    qr = segno.make(device.config_url, error="m")
    return str(qr.svg_data_uri(scale=4, border=2))


def clean_token(token: str) -> str:
    return "".join(c for c in token if c.isdecimal())


WRONG_CODE = "验证码不正确或已使用过，请等待应用显示新的验证码后再试。"


def _refusal(device: TOTPDevice) -> str | None:
    """Why no code is accepted just now (django-otp throttles after each wrong code)."""
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    wait = data.get("locked_until") if data else None
    if wait is not None:
        from django.utils import timezone

        seconds = max(1, int((wait - timezone.now()).total_seconds()) + 1)
        return f"验证码错误次数过多，请 {seconds} 秒后再试。"
    return "暂时不能验证，请稍后再试。"


def _audit_throttled(device: TOTPDevice) -> None:
    """A code typed while django-otp still refuses codes (after wrong ones): audited, since a
    run of these is someone trying codes."""
    record_event(Verb.ACCOUNT_2FA_THROTTLED, actor=device.user, target=device.user)


def confirm_enrolment(request: Any, device: TOTPDevice, token: str) -> str | None:
    """Confirm a new device with a first code; the session counts as verified.
    Returns why it was refused, or None when it succeeded."""
    refusal = _refusal(device)
    if refusal:
        _audit_throttled(device)
        return refusal
    if device.confirmed or not device.verify_token(clean_token(token)):
        record_event(Verb.ACCOUNT_2FA_ENROL_FAILURE, actor=device.user, target=device.user)
        return "验证码不正确。请确认手机时间准确，并输入应用当前显示的6位数字。"
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        record_event(Verb.ACCOUNT_2FA_ENROL, actor=device.user, target=device.user)
    otp_login(request, device)
    return None


def verify(request: Any, token: str) -> str | None:
    """Check a code from an enrolled person's app; None when it was accepted."""
    device = confirmed_device(request.user)
    if device is None:
        return "尚未设置身份验证器。"
    refusal = _refusal(device)
    if refusal:
        _audit_throttled(device)
        return refusal
    if not device.verify_token(clean_token(token)):
        record_event(Verb.ACCOUNT_2FA_FAILURE, actor=device.user, target=device.user)
        return WRONG_CODE
    otp_login(request, device)
    record_event(Verb.ACCOUNT_2FA_SUCCESS, actor=device.user, target=device.user)
    return None


def reset(user: User, *, by: User) -> None:
    """Remove a person's devices (lost phone); they enrol again at their next sign-in.
    Only the security administrator does this, never for themselves."""
    from gongkai.accounts.permissions import has_role

    if by is None or by.pk == user.pk or not has_role(by, Role.SECURITY_ADMIN):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("只有安全管理员可以为他人重置双因素认证。")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        record_event(Verb.ACCOUNT_2FA_RESET, actor=by, target=user)

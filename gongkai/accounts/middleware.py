"""Staff pages need the second factor from those who must use it (accounts/twofactor.py);
a person signed in with a temporary password (or an expired one) sets their own first."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from gongkai.accounts import policy, twofactor

PROTECTED_PREFIXES = ("/staff/", "/system/")


class TwoFactorMiddleware:
    """After django_otp's OTPMiddleware: ``request.user.is_verified()`` is known here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith(PROTECTED_PREFIXES)
            and twofactor.required_for(user)
            and not user.is_verified()  # type: ignore[union-attr]
        ):
            name = "accounts:2fa_verify"
            if twofactor.confirmed_device(user) is None:
                name = "accounts:2fa_setup"
            return HttpResponseRedirect(
                f"{reverse(name)}?next={quote(request.get_full_path(), safe='/')}"
            )
        return self.get_response(request)


#: What someone who must change their password may still reach: the change page itself,
#: signing out, static files, and the sign-in link that brought them here.
PASSWORD_CHANGE_EXEMPT = ("/accounts/password/", "/accounts/logout/", "/static/", "/accounts/link/")


class PasswordChangeMiddleware:
    """Until a temporary password is replaced (or an expired one renewed), every page sends
    the person to the change-password page. Anonymous requests pass without a query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(PASSWORD_CHANGE_EXEMPT)
            and (user.must_change_password or policy.password_expired(user))
        ):
            target = reverse("accounts:password_change")
            return HttpResponseRedirect(f"{target}?next={quote(request.get_full_path(), safe='/')}")
        return self.get_response(request)

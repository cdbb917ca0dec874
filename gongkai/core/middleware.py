"""Request-wide concerns: who the client is (behind the proxy too), and staff pages kept out of
every cache."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from gongkai.core.audit import current_ip


def _address(value: str | None) -> str | None:
    """A valid IP address in its normal form, else None (a header can hold anything)."""
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def _from_trusted_proxy(peer: str | None) -> bool:
    networks = settings.GONGKAI_TRUSTED_PROXIES
    if not networks:
        return True  # BEHIND_PROXY without a list: the deployment lets only nginx connect
    if peer is None:
        return False
    address = ipaddress.ip_address(peer)
    for network in networks:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue  # a wrong entry is reported by the system check (gongkai.E003)
    return False


def client_address(request: HttpRequest) -> str | None:
    """The client's address: the TCP peer, or behind the documented proxy (BEHIND_PROXY=1)
    the address nginx saw, which it puts last in X-Forwarded-For. A client can send its own
    X-Forwarded-For; without BEHIND_PROXY, or from a peer outside TRUSTED_PROXIES, the header
    is ignored. Sign-in lockout (AXES_CLIENT_IP_CALLABLE), rate limits and audit rows all use
    this one function."""
    peer = _address(request.META.get("REMOTE_ADDR"))
    if settings.BEHIND_PROXY and _from_trusted_proxy(peer):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            # nginx appends (or sets) the address it saw: the last hop is the one to trust.
            return _address(forwarded.split(",")[-1]) or peer
    return peer


class ClientAddressMiddleware:
    """Make the client address available to services, so audit rows record 'from where'."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_address(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)


#: Pages for staff and accounts, and the applicant's own pages (the tracking code and secret,
#: the application): never stored by a browser, a proxy or the back button's cache.
PRIVATE_PREFIXES = (
    "/staff/",
    "/accounts/",
    "/system/",
    "/applications/filed/",
    "/applications/track/",
    "/mailbox/track/",
)


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on staff pages and on every response to a signed-in person.

    A shared computer's browser cache, the back button after signing out, or a caching proxy
    would otherwise keep pages with personal data and unpublished drafts. Placed before the
    session middleware: it looks at the user only on the way out, and only when a session
    cookie came in, so anonymous public pages (and the page cache) are untouched."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(PRIVATE_PREFIXES) or self._signed_in(request):
            add_never_cache_headers(response)
        return response

    @staticmethod
    def _signed_in(request: HttpRequest) -> bool:
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return False
        user = getattr(request, "user", None)
        return bool(user is not None and user.is_authenticated)

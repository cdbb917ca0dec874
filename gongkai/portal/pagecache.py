"""A file-based page cache for anonymous readers of the public column.

Parents look for enrolment results all on the same few days. Public pages are written to
``GONGKAI_PAGE_CACHE_DIR`` the first time an anonymous visitor asks for them, and served from
there afterwards: by this middleware on the embedded setup, or directly by nginx
(``try_files``, see docs/deploy.md) so that Python is not on the hot path at all.

What is cached is decided by the response, not by a list of URLs: only 200 responses to
anonymous GETs without a query string, that set no cookie, hold no CSRF token (pages with
forms are never cached) and do not say ``Cache-Control: no-store`` (print sheets). Visitors
in large-type mode (gk_large cookie) bypass the cache.

Invalidation is deliberately coarse: every publication, new version, withdrawal or validity
change purges the whole cache (one directory rename, so a change is visible at once).
Publications are rare next to reads, and a coarse purge cannot forget a page.
"""

from __future__ import annotations

import mimetypes
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SKIP_PREFIXES = (
    "/staff/",
    "/accounts/",
    "/system/",
    "/files/",
    "/display/",
    "/api/",
    "/healthz",
    "/static/",
)


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_UMASK = _current_umask()


def cache_dir() -> Path:
    return Path(settings.GONGKAI_PAGE_CACHE_DIR)


def enabled() -> bool:
    return bool(getattr(settings, "GONGKAI_PAGE_CACHE", False))


def file_for(path: str) -> Path | None:
    """Where a URL path is stored; None for paths that cannot be stored safely."""
    if ".." in path or "\x00" in path or not path.startswith("/"):
        return None
    relative = path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    target = cache_dir() / relative
    return target if target.resolve().is_relative_to(cache_dir().resolve()) else None


def _request_cacheable(request: HttpRequest) -> bool:
    return (
        enabled()
        and request.method in ("GET", "HEAD")
        and not request.META.get("QUERY_STRING")
        and not request.path.startswith(SKIP_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "gk_large" not in request.COOKIES
    )


def _response_cacheable(response: HttpResponse) -> bool:
    content_type = response.get("Content-Type", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "no-store" not in response.get("Cache-Control", "")
        and (content_type.startswith("text/html") or "xml" in content_type)
        and b"csrfmiddlewaretoken" not in response.content
    )


def store(path: str, content: bytes) -> None:
    target = file_for(path)
    if target is None:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)
    # mkstemp makes the file private to us; nginx runs as another user and must read it.
    os.chmod(tmp, 0o644 & ~_UMASK)
    os.replace(tmp, target)  # readers see the old file or the new one, never half of one


def purge() -> None:
    """Drop every cached page at once; deletion of the old files happens in the background."""
    root = cache_dir()
    if not root.exists():
        return
    doomed = root.with_name(f"{root.name}.purged-{uuid.uuid4().hex}")
    try:
        os.replace(root, doomed)
    except FileNotFoundError:
        return
    threading.Thread(
        target=shutil.rmtree, args=(doomed,), kwargs={"ignore_errors": True}, daemon=True
    ).start()


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cacheable = _request_cacheable(request)
        if cacheable:
            target = file_for(request.path)
            if target is not None and target.is_file():
                try:
                    content = target.read_bytes()
                except FileNotFoundError:  # purged between the check and the read
                    content = None
                if content is not None:
                    kind = mimetypes.guess_type(target.name)[0] or "text/html"
                    response = HttpResponse(content, content_type=f"{kind}; charset=utf-8")
                    response["X-Page-Cache"] = "hit"
                    return response
        response = self.get_response(request)
        if cacheable and _response_cacheable(response):
            store(request.path, response.content)
            response["X-Page-Cache"] = "miss"
        return response

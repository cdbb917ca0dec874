"""A file-based page cache for anonymous readers of the public column.

Parents look for enrolment results all on the same few days. Public pages are written to
``GONGKAI_PAGE_CACHE_DIR`` the first time an anonymous visitor asks for them, and served from
there afterwards: by this middleware on the embedded setup, or directly by nginx
(``try_files $uri $uri/index.html @app``, see docs/deploy.md) so that Python is not on the hot
path at all.

What is cached is decided by the response, not by a list of URLs: only 200 responses to
anonymous GETs without a query string, that set no cookie, hold no CSRF token (pages with
forms are never cached) and do not say ``Cache-Control: no-store`` (print sheets). Visitors
in large-type mode (gk_large cookie) bypass the cache. URLs with a query string are never
stored, so a path has exactly one file: the one ``file_for`` names and nginx serves.

Invalidation is targeted: a publication, withdrawal, validity change or reclassification
removes the files of the pages that showed the record (``purge_paths``, called after commit
by ``portal.invalidation``); a renamed organisation or catalogue item, whose name is on
every page, and the other workflows' changes drop the whole cache (``purge``: one directory
rename). A page rendered from data read before a purge is never stored after it: each purge
first moves a generation stamp, and a write re-checks the stamp once its file is in place.

Writing is best effort: a full disk or a directory the server may not write skips the write
(the page is still served) and leaves no temporary file behind.
"""

from __future__ import annotations

import errno
import io
import logging
import mimetypes
import os
import shutil
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

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
    return bool(settings.GONGKAI_PAGE_CACHE)


def file_for(path: str) -> Path | None:
    """Where a URL path is stored; None for paths that cannot be stored safely."""
    if ".." in path or "\x00" in path or not path.startswith("/"):
        return None
    relative = path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    target = cache_dir() / relative
    return target if target.resolve().is_relative_to(cache_dir().resolve()) else None


# --- The generation stamp -------------------------------------------------------------------


def _stamp_file() -> Path:
    # Beside the cache directory, not in it: a whole purge renames the directory away.
    root = cache_dir()
    return root.with_name(f".{root.name}.generation")


def generation() -> str:
    try:
        return _stamp_file().read_text()
    except OSError:
        return ""


def _move_generation() -> None:
    stamp = _stamp_file()
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=stamp.parent, prefix=".tmp-stamp-")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(uuid.uuid4().hex)
            os.replace(tmp, stamp)
        except BaseException:
            _unlink(Path(tmp))
            raise
    except OSError as exc:  # the files are still removed below; only the race guard is lost
        logger.warning("page cache: could not move the generation stamp: %s", exc)


# --- Writing --------------------------------------------------------------------------------


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


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        logger.warning("page cache: could not remove %s: %s", path, exc)


def store(path: str, content: bytes, *, rendered_in: str | None = None) -> bool:
    """Write a page; False if it was not written. ``rendered_in`` is the generation the page
    was rendered in: if a purge moved it since, the page may show what was purged, and is
    not kept. Never raises for a disk that is full, read-only or not ours."""
    target = file_for(path)
    if target is None:
        return False
    tmp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        # mkstemp makes the file private to us; nginx runs as another user and must read it.
        os.chmod(tmp, 0o644 & ~_UMASK)
        os.replace(tmp, target)  # readers see the old file or the new one, never half of one
        tmp = None
    except OSError as exc:
        if exc.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EROFS, errno.EPERM):
            logger.exception("page cache: could not write %s", target)
        else:
            logger.warning("page cache: not stored %s: %s", target, exc)
        return False
    finally:
        if tmp is not None:
            _unlink(Path(tmp))
    if rendered_in is not None and generation() != rendered_in:
        _unlink(target)  # a purge ran while this page was being rendered
        return False
    return True


# --- Purging --------------------------------------------------------------------------------


def purge_paths(paths: Iterable[str]) -> list[str]:
    """Remove the stored files of these URL paths (the files nginx would serve for them);
    returns the paths that had a file."""
    if not cache_dir().exists():
        return []
    _move_generation()  # first: a page rendered before this purge is not stored after it
    removed = []
    for path in sorted(set(paths)):
        target = file_for(path)
        if target is not None and target.exists():
            _unlink(target)
            removed.append(path)
    return removed


def purge() -> None:
    """Drop every cached page at once; deletion of the old files happens in the background."""
    root = cache_dir()
    if not root.exists():
        return
    _move_generation()
    doomed = root.with_name(f"{root.name}.purged-{uuid.uuid4().hex}")
    try:
        os.replace(root, doomed)
    except FileNotFoundError:
        return
    except OSError as exc:  # cannot rename (permissions): remove what we can in place
        logger.warning("page cache: could not rename %s away: %s", root, exc)
        doomed = root
    threading.Thread(
        target=shutil.rmtree, args=(doomed,), kwargs={"ignore_errors": True}, daemon=True
    ).start()


# --- Warming --------------------------------------------------------------------------------

_handler: Any = None


def warm(paths: Iterable[str]) -> list[str]:
    """Render these pages now, as an anonymous reader would ask for them, so that they are
    stored before the first reader comes (the scheduler's publications). Returns the paths
    that were stored."""
    global _handler
    if not enabled():
        return []
    from django.core.handlers.wsgi import WSGIHandler, WSGIRequest

    if _handler is None:
        _handler = WSGIHandler()
    site = urlsplit(settings.SITE_URL)
    host = site.hostname or "localhost"
    port = str(site.port or (443 if site.scheme == "https" else 80))
    stored = []
    for path in paths:
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": host,
            "SERVER_PORT": port,
            "HTTP_HOST": site.netloc or host,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            # As nginx forwards a reader's request (BEHIND_PROXY trusts this header for HTTPS).
            "HTTP_X_FORWARDED_PROTO": site.scheme or "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": io.StringIO(),
            "wsgi.url_scheme": site.scheme or "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        try:
            response = _handler.get_response(WSGIRequest(environ))
        except Exception:  # a page that fails here fails for its reader too: not our job
            logger.exception("page cache: warming %s failed", path)
            continue
        if response.get("X-Page-Cache") in ("miss", "hit"):
            stored.append(path)
        # Not response.close(): that sends request_finished, which closes this process's
        # database connection (the caller's, with its transaction) as after a real request.
    return stored


class PageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cacheable = _request_cacheable(request)
        rendered_in = None
        if cacheable:
            target = file_for(request.path)
            if target is not None and target.is_file():
                try:
                    content = target.read_bytes()
                except OSError:  # purged between the check and the read
                    content = None
                if content is not None:
                    kind = mimetypes.guess_type(target.name)[0] or "text/html"
                    response = HttpResponse(content, content_type=f"{kind}; charset=utf-8")
                    response["X-Page-Cache"] = "hit"
                    return response
            rendered_in = generation()
        response = self.get_response(request)
        if (
            cacheable
            and _response_cacheable(response)
            and store(request.path, response.content, rendered_in=rendered_in)
        ):
            response["X-Page-Cache"] = "miss"
        return response

"""A file-based page cache for anonymous readers of the public column.

Parents look for enrolment results all on the same few days. Public pages are written to
``GONGKAI_PAGE_CACHE_DIR`` the first time an anonymous visitor asks for them, and served from
there afterwards: by this middleware on the embedded setup, or directly by nginx (the file
named from the address, ``$gongkai_page_file`` in deploy/nginx/gongkai-http.conf) so that
Python is not on the hot path at all.

What is cached is decided by the response, not by a list of URLs: only 200 responses to
anonymous GETs, that set no cookie, hold no CSRF token (pages with forms are never cached)
and do not say ``Cache-Control: no-store`` (print sheets). Visitors in large-type mode
(gk_large cookie) bypass the cache.

A listing's filtered and further pages (``?org=…&year=2025``, ``?page=2``, the keyset
``?before=…&n=51``) are stored too, under a file named by the raw query string beside the
page's own file (``<path>/.query/<query string>``, which nginx tries with ``$args``), but only
when every parameter is a listing parameter (``QUERY_PARAMETERS``, in that order, each once,
letters, digits, ``_`` and ``-`` only, short), and the view said it understood each value and
found something to list (``understand``): an organisation that exists and contains the
publisher, a year and validity that are counted, a page number that is not past the end, a
keyset place that is a row of the listing. Search (``?q=``), campaign tags and any other
parameter never reach the disk, and nor does a filter with nothing in it, so the files a
reader (or a robot) can make are bounded by the listings' real pages. A last guard: below
``PAGE_CACHE_MIN_FREE_MB`` of free disk, query-string pages are not stored.

Invalidation is targeted: a publication, withdrawal, validity change or reclassification
removes the files of the pages that showed the record, each with all its query-string
variants (``purge_paths``, called after commit by ``portal.invalidation``); a renamed
organisation or catalogue item, whose name is on every page, and the other workflows'
changes drop the whole cache (``purge``: one directory rename). A page rendered from data
read before a purge is never stored after it: each purge first moves a generation stamp, and
a write re-checks the stamp once its file is in place.

Writing is best effort: a full disk or a directory the server may not write skips the write
(the page is still served) and leaves no temporary file behind.
"""

from __future__ import annotations

import errno
import io
import logging
import mimetypes
import os
import re
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


#: The query parameters a stored page may carry: a listing's filters, then which page (its
#: number, or the keyset place and number past the numbered pages). The listings' forms and
#: links write them in this order; a query string in another order is not stored.
QUERY_PARAMETERS = ("org", "school", "year", "validity", "form", "page", "before", "after", "n")
#: nginx (gongkai-http.conf) tries a file only for query strings of these characters and at
#: most this long, and the application stores no other.
QUERY_MAX_LENGTH = 200
_QUERY_VALUE = re.compile(r"[A-Za-z0-9_-]{0,40}")
#: The directory beside a page's file that holds its query-string variants.
QUERY_DIR = ".query"


def storable_query(query: str) -> bool:
    """Whether a raw query string can name a stored page (its values are checked by the
    view, ``understand``): listing parameters only, in order, each once, plain values."""
    if not query or len(query) > QUERY_MAX_LENGTH:
        return False
    last = -1
    for pair in query.split("&"):
        name, equals, value = pair.partition("=")
        if not equals or name not in QUERY_PARAMETERS or not _QUERY_VALUE.fullmatch(value):
            return False
        position = QUERY_PARAMETERS.index(name)
        if position <= last:
            return False
        last = position
    return True


def file_for(path: str, query: str = "") -> Path | None:
    """Where a URL path (with a query string: a listing's page under it) is stored; None
    for addresses that cannot be stored safely."""
    if ".." in path or "\x00" in path or not path.startswith("/"):
        return None
    if query and not (path.endswith("/") and storable_query(query)):
        return None
    relative = path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += f"{QUERY_DIR}/{query}" if query else "index.html"
    target = cache_dir() / relative
    return target if target.resolve().is_relative_to(cache_dir().resolve()) else None


def understand(request: HttpRequest, **values: str) -> None:
    """A listing says which query values it understood and found rows for (``org`` an
    organisation that exists, ``page`` a page that is there …); its page is stored under
    the reader's query string only if every non-empty value in it is one of these."""
    known = getattr(request, "_page_cache_understood", {})
    request._page_cache_understood = {**known, **values}  # type: ignore[attr-defined]


def _understood(request: HttpRequest, query: str) -> bool:
    known = getattr(request, "_page_cache_understood", None)
    if known is None:
        return False
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        if value and known.get(name) != value:
            return False
    return True


def _room_for_queries() -> bool:
    floor = getattr(settings, "GONGKAI_PAGE_CACHE_MIN_FREE_MB", 1024) * 1024 * 1024
    where = cache_dir()
    while not where.exists() and where != where.parent:  # not made yet: the disk it will be on
        where = where.parent
    try:
        return shutil.disk_usage(where).free >= floor
    except OSError:
        return True  # the write itself says what is wrong


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
    query = request.META.get("QUERY_STRING", "")
    return (
        enabled()
        and request.method in ("GET", "HEAD")
        and (not query or (request.path.endswith("/") and storable_query(query)))
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


def store(path: str, content: bytes, *, rendered_in: str | None = None, query: str = "") -> bool:
    """Write a page (``query``: a listing's page under that query string); False if it was
    not written. ``rendered_in`` is the generation the page was rendered in: if a purge
    moved it since, the page may show what was purged, and is not kept. Never raises for a
    disk that is full, read-only or not ours."""
    target = file_for(path, query)
    if target is None or (query and not _room_for_queries()):
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
    """Remove the stored files of these URL paths (the files nginx would serve for them),
    each with its query-string variants; returns the paths that had a file."""
    if not cache_dir().exists():
        return []
    _move_generation()  # first: a page rendered before this purge is not stored after it
    removed = []
    doomed = []
    for path in sorted(set(paths)):
        target = file_for(path)
        if target is None:
            continue
        if target.exists():
            _unlink(target)
            removed.append(path)
        if path.endswith("/"):
            variants = target.parent / QUERY_DIR
            away = variants.with_name(f"{QUERY_DIR}.purged-{uuid.uuid4().hex}")
            try:  # one rename: nginx sees every variant go at once
                os.replace(variants, away)
            except FileNotFoundError:
                continue
            except OSError as exc:
                logger.warning("page cache: could not rename %s away: %s", variants, exc)
                away = variants
            doomed.append(away)
            if path not in removed:
                removed.append(path)
    if doomed:
        _remove_later(doomed)
    return removed


def _remove_later(directories: list[Path]) -> None:
    """Delete renamed-away variant directories after the caller has gone on (a listing may
    have thousands); not a daemon thread, so a short-lived process (a management command)
    finishes the deletion before it exits."""

    def remove() -> None:
        for directory in directories:
            shutil.rmtree(directory, ignore_errors=True)

    threading.Thread(target=remove, daemon=False).start()


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
        query = request.META.get("QUERY_STRING", "") if cacheable else ""
        rendered_in = None
        if cacheable:
            target = file_for(request.path, query)
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
            and (not query or _understood(request, query))
            and _response_cacheable(response)
            and store(request.path, response.content, rendered_in=rendered_in, query=query)
        ):
            response["X-Page-Cache"] = "miss"
        return response

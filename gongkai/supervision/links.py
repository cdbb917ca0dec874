"""A bounded, polite link checker for record bodies and attachments.

Bounded: at most ``max_links`` links per run, a timeout per request, only the first bytes of
a response read. Polite: one request at a time, ``per_host_delay`` seconds between two
requests to the same host, a HEAD first (GET only if HEAD is refused). Only http(s) URLs;
mailto:, javascript: and relative links are skipped. A network failure marks the link broken
and never stops the run.
"""

from __future__ import annotations

import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit

from gongkai.supervision import conf

USER_AGENT = "GongkaiLinkCheck/1.0 (self-inspection; polite, bounded)"


@dataclass(frozen=True)
class LinkResult:
    url: str
    ok: bool
    status: int | None
    reason: str
    source: str  # where the link was found (record title)


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in {"href", "src"} and value:
                self.hrefs.append(value.strip())


def extract_links(html: str) -> list[str]:
    parser = _Hrefs()
    parser.feed(html or "")
    text_urls = re.findall(r"https?://[^\s<>\"'）)]+", re.sub(r"<[^>]+>", " ", html or ""))
    seen: dict[str, None] = {}
    for url in [*parser.hrefs, *text_urls]:
        if urlsplit(url).scheme in {"http", "https"} and urlsplit(url).hostname:
            seen.setdefault(url, None)
    return list(seen)


class _NoRedirectLoops(urllib.request.HTTPRedirectHandler):
    max_redirections = 3


def check_links(
    links: Iterable[tuple[str, str]],
    *,
    timeout: float | None = None,
    max_links: int | None = None,
    per_host_delay: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> list[LinkResult]:
    """Check (url, source) pairs; returns one result per distinct URL checked."""
    settings = conf.link_check()
    timeout = settings["timeout"] if timeout is None else timeout
    max_links = settings["max_links"] if max_links is None else max_links
    per_host_delay = settings["per_host_delay"] if per_host_delay is None else per_host_delay
    opener = urllib.request.build_opener(_NoRedirectLoops())
    last_hit: dict[str, float] = {}
    results: list[LinkResult] = []
    seen: set[str] = set()
    for url, source in links:
        if url in seen or urlsplit(url).scheme not in {"http", "https"}:
            continue
        if len(results) >= max_links:
            break
        seen.add(url)
        host = urlsplit(url).netloc
        if host in last_hit:
            wait = per_host_delay - (time.monotonic() - last_hit[host])
            if wait > 0:
                sleep(wait)
        results.append(_check_one(opener, url, source, timeout, settings["max_bytes"]))
        last_hit[host] = time.monotonic()
    return results


def _check_one(
    opener: urllib.request.OpenerDirector, url: str, source: str, timeout: float, max_bytes: int
) -> LinkResult:
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})  # noqa: S310 - scheme checked above
        try:
            with opener.open(request, timeout=timeout) as response:
                if method == "GET":
                    response.read(max_bytes)
                return LinkResult(url, True, response.status, "可以访问", source)
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in {403, 405, 501}:
                continue  # some servers refuse HEAD: try a GET
            return LinkResult(url, False, exc.code, f"HTTP {exc.code}", source)
        except (urllib.error.URLError, TimeoutError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            return LinkResult(url, False, None, f"无法访问：{reason}", source)
    return LinkResult(url, False, None, "无法访问", source)

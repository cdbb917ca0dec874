"""The public column as a static site, for a USB stick at a reading point (公开查阅点).

The exporter crawls the public pages through Django's test client, starting from the home
page, and writes each page as a file. Links are rewritten to relative paths, so the site
works when opened straight from a folder (file://) with no server. Attachments and static
assets are copied; a pre-built search index (a JS file, since browsers do not let file://
pages fetch JSON) powers an offline search page.
"""

from __future__ import annotations

import json
import posixpath
import re
import shutil
from collections import deque
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from urllib.parse import unquote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.utils.html import strip_tags

from gongkai.records.models import Attachment, Record

#: Paths the static site leaves out: staff pages, forms that need a server, machine endpoints.
SKIP = (
    "/staff/",
    "/accounts/",
    "/system/",
    "/api/",
    "/display/",
    "/search/",
    "/feeds/",
    "/healthz",
    "/applications/",
    "/mailbox/new",
)
#: Files the exporter writes itself: linked relatively, never crawled.
EXPORT_ONLY = ("/search.html",)
LINK = re.compile(r'(?P<attr>href|src)="(?P<url>/[^"]*)"')


@dataclass
class ExportReport:
    pages: int = 0
    files: int = 0
    skipped: list[str] = field(default_factory=list)


def page_file(path: str) -> str:
    """URL path → file path inside the export: /catalogue/05.04/ → catalogue/05.04/index.html."""
    path = unquote(path.split("#", 1)[0].split("?", 1)[0])
    relative = path.lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    return relative


def relative_link(from_file: str, to_path: str) -> str:
    fragment = ""
    if "#" in to_path:
        to_path, fragment = to_path.split("#", 1)
        fragment = "#" + fragment
    target = page_file(to_path) if to_path else from_file
    start = posixpath.dirname(from_file) or "."
    return posixpath.relpath(target, start) + fragment


def _wanted(path: str) -> bool:
    return not path.startswith(SKIP) and "?" not in path


def export_site(target: Path) -> ExportReport:
    """Write the whole public column under ``target`` (created or replaced)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    report = ExportReport()
    with override_settings(
        GONGKAI_STATIC_EXPORT=True, GONGKAI_PAGE_CACHE=False, ALLOWED_HOSTS=["*"]
    ):
        client = Client()
        queue: deque[str] = deque(["/"])
        seen = {"/"}
        while queue:
            path = queue.popleft()
            response = client.get(path)
            if response.status_code != 200:
                report.skipped.append(f"{path} ({response.status_code})")
                continue
            if path.startswith("/files/"):
                continue  # attachments are copied from storage below
            content_type = response.get("Content-Type", "")
            body = (
                b"".join(response.streaming_content)  # type: ignore[attr-defined]
                if response.streaming
                else response.content
            )
            out = page_file(path)
            if content_type.startswith("text/html"):
                html = body.decode("utf-8")
                for match in LINK.finditer(html):
                    link = match.group("url").split("#", 1)[0]
                    if (
                        link
                        and _wanted(link)
                        and link not in seen
                        and not link.startswith("/static/")
                        and link not in EXPORT_ONLY
                    ):
                        seen.add(link)
                        queue.append(link)
                html = LINK.sub(partial(_rewrite_match, out), html)
                body = html.encode("utf-8")
            _write(target / out, body)
            report.pages += 1
    report.files += _copy_static(target)
    report.files += _copy_attachments(target)
    _write_search_index(target)
    return report


def _rewrite_match(from_file: str, match: re.Match[str]) -> str:
    return f'{match.group("attr")}="{_rewrite(from_file, match.group("url"))}"'


def _rewrite(from_file: str, url: str) -> str:
    if url.startswith("/static/"):
        return relative_link(from_file, url.split("?", 1)[0])
    if not _wanted(url):
        # A page that needs the online service: point at the site itself.
        return settings.SITE_URL + url
    return relative_link(from_file, url)


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _copy_static(target: Path) -> int:
    count = 0
    for name in ("gongkai/site.css", "gongkai/print.css", "gongkai/offline-search.js"):
        found = finders.find(name)
        if found:
            destination = target / "static" / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(found, destination)
            count += 1
    return count


def _copy_attachments(target: Path) -> int:
    count = 0
    public = Record.objects.published().exclude(current_version=None)
    for record in public.select_related("current_version").iterator():
        version = record.current_version
        assert version is not None
        for attachment in Attachment.objects.filter(pk__in=version.attachment_ids):
            destination = target / "files" / str(attachment.pk) / attachment.original_name
            destination.parent.mkdir(parents=True, exist_ok=True)
            with attachment.file.open("rb") as source, destination.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            count += 1
    return count


def _tokens(text: str) -> set[str]:
    import rjieba

    return {t.strip().lower() for t in rjieba.cut_for_search(text) if len(t.strip()) > 1}


def _write_search_index(target: Path) -> None:
    docs: list[list[str]] = []
    terms: dict[str, list[int]] = {}
    records = (
        Record.objects.published()
        .select_related("organisation", "current_version")
        .order_by("-published_at")
    )
    for record in records.iterator():
        version = record.current_version
        assert version is not None
        index = len(docs)
        docs.append(
            [
                page_file(f"/records/{record.pk}/"),
                version.title,
                record.organisation.name,
                record.published_at.date().isoformat() if record.published_at else "",
            ]
        )
        text = version.title + " " + strip_tags(version.body)[:2000]
        for token in _tokens(text):
            terms.setdefault(token, []).append(index)
    payload = json.dumps({"docs": docs, "terms": terms}, ensure_ascii=False, separators=(",", ":"))
    _write(target / "search-index.js", f"window.GONGKAI_INDEX={payload};\n".encode())
    _write(target / "search.html", _search_page().encode("utf-8"))


def _search_page() -> str:
    name = settings.GONGKAI_SITE["name"]
    return f"""<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>站内检索 - {name}</title><link rel="stylesheet" href="static/gongkai/site.css"></head>
<body><main id="main" class="wrap"><p><a href="index.html">返回首页</a></p>
<h1>站内检索（离线）</h1>
<form class="search-box" id="offline-search" role="search">
<label class="visually-hidden" for="q">检索词</label>
<input type="search" id="q" name="q" placeholder="例如：招生范围">
<button type="submit" class="primary">检索</button></form>
<p id="summary" role="status"></p><ul class="record-list" id="results"></ul>
<noscript><p>离线检索需要浏览器启用脚本；也可以从首页按目录查找。</p></noscript>
</main><script src="search-index.js"></script>
<script src="static/gongkai/offline-search.js"></script></body></html>
"""


def export_size(target: Path) -> int:
    return sum(f.stat().st_size for f in target.rglob("*") if f.is_file())


__all__ = ["ExportReport", "export_site", "export_size", "page_file", "relative_link"]

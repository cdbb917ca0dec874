"""The public column as a static site, for a USB stick at a reading point (公开查阅点).

The exporter crawls the public pages through Django's test client, starting from the home
page, and writes each page as a file. Links are rewritten to relative paths, so the site
works when opened straight from a folder (file://) with no server.

- **Assets** are copied under exactly the names the pages use: with the production storage
  those are the hashed names (``site.eeb1c3887f82.css``), read from ``STATIC_ROOT``, so
  ``collectstatic`` must have run, as it has on any deployed server. Stylesheets are read for
  the files they refer to (``url()``, ``@import``), which are copied too.
- **Links stay offline.** A link to a page of the export is made relative; a page reached
  with a query string (``/powers/?org=…``) is exported as its own file. What needs the
  online service is replaced by an offline page: search by the offline search page
  (``search.html``, an index built here), 依申请公开 by a page explaining how to apply in
  person (``apply.html``: the receiving organisations' addresses and telephone numbers from
  the organisation directory, the office hours from ``SITE_OFFICE_HOURS``, and what to bring,
  from the application form's own fields), anything else (the mailbox form, feeds, sign-in)
  by ``online.html``, which says the service needs the internet and where to find it.
- **Published versions only**: the pages are the public pages; the search index and the
  attachments come from each record's current ``RecordVersion``.
"""

from __future__ import annotations

import hashlib
import html
import json
import mimetypes
import posixpath
import re
import shutil
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from gongkai.records.models import Attachment, Record, Validity

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
    "/filters/",
)
#: Online-only paths and the offline page that stands in for them (the first match wins);
#: any other skipped path goes to ``online.html``.
OFFLINE = (("/search/", "/search.html"), ("/applications/", "/apply.html"))
#: Files the exporter writes itself: linked relatively, never crawled.
EXPORT_ONLY = ("/search.html", "/apply.html", "/online.html", "/search-index.js")
LINK = re.compile(r'(?P<attr>href|src)="(?P<url>/[^"]*)"')
CSS_REFERENCE = re.compile(
    r"""url\(\s*(?P<q1>['"]?)(?P<url>[^'")]+)(?P=q1)\s*\)|@import\s+(?P<q2>['"])(?P<imp>[^'"]+)(?P=q2)"""
)


class ExportError(Exception):
    """The export would be broken (an asset the pages use cannot be found)."""


@dataclass
class ExportReport:
    pages: int = 0
    files: int = 0
    skipped: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def page_file(path: str) -> str:
    """URL path → file path inside the export: /catalogue/05.04/ → catalogue/05.04/index.html.

    A page reached with a query string gets its own file beside it, named by the query's
    digest: /powers/?org=C1 → powers/index.q-<10 hex digits>.html."""
    path, _, query = path.split("#", 1)[0].partition("?")
    relative = unquote(path).lstrip("/")
    if relative == "" or relative.endswith("/"):
        relative += "index.html"
    if query:
        stem, dot, suffix = relative.rpartition(".")
        digest = hashlib.sha256(html.unescape(query).encode()).hexdigest()[:10]
        relative = f"{stem}.q-{digest}.{suffix}" if dot and "/" not in suffix else relative
    return relative


def relative_link(from_file: str, to_path: str) -> str:
    fragment = ""
    if "#" in to_path:
        to_path, fragment = to_path.split("#", 1)
        fragment = "#" + fragment
    target = page_file(to_path) if to_path else from_file
    start = posixpath.dirname(from_file) or "."
    return posixpath.relpath(target, start) + fragment


def _crawled(path: str) -> bool:
    """A page of the site the export holds (attachments are copied, not crawled)."""
    return not path.startswith((*SKIP, "/static/", "/files/")) and path not in EXPORT_ONLY


def offline_target(url: str) -> str:
    """Where a link of the site points inside the export (a URL path of the export)."""
    if url.split("?", 1)[0].split("#", 1)[0] in EXPORT_ONLY:
        return url
    if url.startswith(SKIP):
        return next((page for prefix, page in OFFLINE if url.startswith(prefix)), "/online.html")
    return url


def export_site(target: Path) -> ExportReport:
    """Write the whole public column under ``target`` (created or replaced)."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    report = ExportReport()
    assets: set[str] = set()
    pages: dict[str, str] = {}  # URL path -> HTML, written once every file name is known
    names: dict[str, str] = {}  # URL path -> file in the export
    with override_settings(
        GONGKAI_STATIC_EXPORT=True, GONGKAI_PAGE_CACHE=False, ALLOWED_HOSTS=["*"]
    ):
        client = Client()
        queue: deque[str] = deque(["/"])
        seen = {"/"}

        def add_page(path: str, markup: str) -> None:
            pages[path] = markup
            names[path] = page_file(path)
            for found in _site_links(markup):
                if found.startswith("/static/"):
                    assets.add(found.split("?", 1)[0].split("#", 1)[0])
                    continue
                link = offline_target(found).split("#", 1)[0]
                if link and _crawled(link) and link not in seen:
                    seen.add(link)
                    queue.append(link)

        def crawl() -> None:
            while queue:
                path = queue.popleft()
                response = client.get(path)
                if response.status_code != 200:
                    report.skipped.append(f"{path} ({response.status_code})")
                    continue
                body = (
                    b"".join(response.streaming_content)  # type: ignore[attr-defined]
                    if response.streaming
                    else response.content
                )
                kind = response.get("Content-Type", "").split(";", 1)[0].strip()
                if kind == "text/html":
                    add_page(path, body.decode("utf-8"))
                else:
                    names[path] = _file_name(path, kind)
                    _write(target / names[path], body)
                    report.pages += 1

        crawl()
        for path, markup in _offline_pages():
            add_page(path, markup)
        crawl()  # pages linked only from the offline pages
    for path, markup in pages.items():
        _write(target / names[path], _rewrite_links(names[path], markup, names).encode("utf-8"))
        report.pages += 1
    report.files += _copy_assets(target, assets, report)
    report.files += _copy_attachments(target)
    _write_search_index(target)
    return report


def _file_name(path: str, content_type: str) -> str:
    """A file that is not a page (an image, a CSV) keeps its name, or is named by its type
    when its address ends in a slash: a browser opening files from a folder goes by the
    extension."""
    name = page_file(path)
    if name.endswith("index.html") and content_type != "text/html":
        extension = mimetypes.guess_extension(content_type) or ".bin"
        name = name[: -len(".html")] + extension
    return name


def _site_links(markup: str) -> Iterable[str]:
    for match in LINK.finditer(markup):
        yield html.unescape(match.group("url"))


def _rewrite_links(from_file: str, markup: str, names: dict[str, str]) -> str:
    start = posixpath.dirname(from_file) or "."

    def rewrite(match: re.Match[str]) -> str:
        url = html.unescape(match.group("url"))
        if url.startswith("/static/"):
            link = relative_link(from_file, url.split("?", 1)[0])
        else:
            address, hash_mark, fragment = offline_target(url).partition("#")
            if address in names:
                link = posixpath.relpath(names[address], start) + hash_mark + fragment
            else:
                link = relative_link(from_file, address + hash_mark + fragment)
        return f'{match.group("attr")}="{html.escape(link)}"'

    return LINK.sub(rewrite, markup)


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


# --- Assets ---------------------------------------------------------------------------------


def _asset_source(name: str) -> Path | None:
    """The file served as /static/<name>: the collected file (hashed names exist only in
    STATIC_ROOT), else the source file found by the static-file finders (DEBUG setups)."""
    try:
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
    except NotImplementedError:  # a remote storage: only the finders can help
        pass
    found = finders.find(name)
    return Path(found) if isinstance(found, str) else None


def _css_references(name: str, css: str) -> set[str]:
    """Static names a stylesheet refers to, relative to the static root."""
    found = set()
    for match in CSS_REFERENCE.finditer(css):
        ref = (match.group("url") or match.group("imp") or "").strip()
        if not ref or ref.startswith(("data:", "#", "http:", "https:", "//")):
            continue
        ref = unquote(ref.split("?", 1)[0].split("#", 1)[0])
        if ref.startswith(settings.STATIC_URL):
            found.add(ref[len(settings.STATIC_URL) :])
        elif not ref.startswith("/"):
            found.add(posixpath.normpath(posixpath.join(posixpath.dirname(name), ref)))
    return found


def _copy_assets(target: Path, urls: set[str], report: ExportReport) -> int:
    """Copy every asset the pages use, and every file those stylesheets use."""
    prefix = settings.STATIC_URL
    queue = deque(sorted(unquote(u[len(prefix) :]) for u in urls if u.startswith(prefix)))
    done: set[str] = set()
    while queue:
        name = queue.popleft()
        if name in done:
            continue
        done.add(name)
        source = _asset_source(name)
        if source is None:
            report.missing.append(prefix + name)
            continue
        destination = target / "static" / name
        destination.parent.mkdir(parents=True, exist_ok=True)
        if name.endswith(".css"):
            css = source.read_text(encoding="utf-8")
            queue.extend(sorted(_css_references(name, css) - done))
            # An absolute /static/ address does not open from a folder: make it relative.
            css = css.replace(f"url({prefix}", "url(" + "../" * name.count("/"))
            destination.write_text(css, encoding="utf-8")
        else:
            shutil.copyfile(source, destination)
    if report.missing:
        raise ExportError(
            "这些静态文件找不到，导出的页面会缺少样式或脚本："
            + "、".join(report.missing)
            + "。请先运行 manage.py collectstatic。"
        )
    return len(done)


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


# --- Pages written by the exporter ----------------------------------------------------------


def _offline_pages() -> list[tuple[str, str]]:
    from gongkai.applications.models import DeliveryForm, DeliveryMethod, IdType
    from gongkai.organisations.models import Kind, Organisation

    factory = RequestFactory()

    def render(path: str, template: str, context: dict[str, Any]) -> tuple[str, str]:
        request = factory.get(path)
        request.user = AnonymousUser()
        return path, render_to_string(template, context, request)

    receivers = Organisation.objects.active().exclude(kind=Kind.SCHOOL).order_by("path")
    return [
        render("/search.html", "portal/export/search.html", {}),
        render(
            "/apply.html",
            "portal/export/apply.html",
            {
                "receivers": receivers,
                "hours": settings.GONGKAI_SITE.get("office_hours", ""),
                "id_types": IdType.labels,
                "delivery_forms": DeliveryForm.labels,
                "delivery_methods": DeliveryMethod.labels,
                "online_url": settings.SITE_URL + "/applications/",
            },
        ),
        render("/online.html", "portal/export/online.html", {"site_url": settings.SITE_URL}),
    ]


# --- The offline search index ---------------------------------------------------------------


def _postings(index: dict[str, list[int]]) -> dict[str, str]:
    """Posting lists as gaps in base 36, comma-separated: a third of the size of JSON numbers."""
    out = {}
    for token, docs in index.items():
        previous = -1
        gaps = []
        for doc in docs:
            gaps.append(_base36(doc - previous))
            previous = doc
        out[token] = ",".join(gaps)
    return out


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if number == 0:
            return text


def search_index() -> dict[str, Any]:
    """The offline search index, built from the published versions with the online index's
    own tokens (``search.services.document``): words of the title side (title, publisher,
    文号, year) and of the text (summary, body, attachments), and character pairs.

    ``docs`` are newest first: [address, title, publisher, date, validity label, the
    normalised title, the normalised publisher and year] — the last two are what the online
    ranking (``search.backends.title_rank``) weighs."""
    from gongkai.search import segmenter
    from gongkai.search.services import document, plain_text

    docs: list[list[str]] = []
    words: dict[str, list[int]] = {}
    grams: dict[str, list[int]] = {}
    records = (
        Record.objects.published()
        .select_related("current_version")
        .order_by("-published_at", "-id")
    )
    for record in records.iterator(chunk_size=500):
        version = record.current_version
        assert version is not None
        attachment_texts = (
            [
                text
                for text in Attachment.objects.filter(pk__in=version.attachment_ids)
                .order_by("order", "pk")
                .values_list("text", flat=True)
                if text
            ]
            if version.attachment_ids
            else []
        )
        metadata = version.metadata or {}
        publisher = str(metadata.get("organisation") or "")
        published = timezone.localtime(record.published_at) if record.published_at else None
        year = published.year if published else None
        tokens = document(
            title=version.title,
            text=plain_text(version.summary, version.body, attachment_texts),
            publisher=[publisher, str(metadata.get("document_number") or "")],
            year=year,
            item_key="",
            organisation_path="",
        )
        index = len(docs)
        docs.append(
            [
                page_file(f"/records/{record.pk}/"),
                version.title,
                publisher,
                published.date().isoformat() if published else "",
                "" if record.validity == Validity.VALID else Validity(record.validity).label,
                segmenter.normalise(version.title),
                segmenter.normalise(f"{publisher} {year or ''}"),
            ]
        )
        for token in set((tokens.title_side + " " + tokens.body).split()):
            words.setdefault(token, []).append(index)
        for token in set(tokens.grams.split()):
            grams.setdefault(token, []).append(index)
    return {
        "docs": docs,
        "words": _postings(words),
        "grams": _postings(grams),
        "stopwords": sorted(segmenter.STOPWORDS),
        "maxQueryChars": segmenter.MAX_QUERY_CHARS,
        "maxQueryTerms": segmenter.MAX_QUERY_TERMS,
    }


def _write_search_index(target: Path) -> None:
    payload = json.dumps(search_index(), ensure_ascii=False, separators=(",", ":"))
    # A script, not JSON: browsers do not let a page opened from a folder fetch a file.
    _write(target / "search-index.js", f"window.GONGKAI_INDEX={payload};\n".encode())


def export_size(target: Path) -> int:
    return sum(f.stat().st_size for f in target.rglob("*") if f.is_file())


__all__ = [
    "ExportError",
    "ExportReport",
    "export_site",
    "export_size",
    "offline_target",
    "page_file",
    "relative_link",
    "search_index",
]

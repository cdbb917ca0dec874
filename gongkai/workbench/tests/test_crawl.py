"""Signed in as every demo role, in production configuration, every page is reachable by clicks.

One demo database (``seed_demo``), DEBUG off, hashed static files (collectstatic into a temporary
directory, the production storage), a real SITE_URL. For each demo account the crawler starts
at the sign-in page, signs in through the form, and follows every same-site link (GET only)
from where it lands, at most ``PER_PATTERN`` URLs of each URL pattern. It fails on:

- a server error (5xx), anywhere;
- a broken link: a linked URL that answers 404, or 403 (a link shown to someone it refuses);
- a stylesheet, script or image of a page that does not load;
- a staff page the role can open (every parameterless ``/staff/`` URL, tried directly after
  the crawl, and the annual report for those who write or review it) that no page linked;
- on staff pages: a label, heading, button, table header or legend in ASCII letters only (an
  English label), or an audit verb's code (``record.submit``) or a status code shown as text.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404

from gongkai.accounts.models import Role
from gongkai.core import verbs
from gongkai.core import workflow as workflows
from gongkai.demo.steps import DEMO_ACCOUNTS
from gongkai.testing import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

SITE_URL = "https://gongkai.example.gov.cn"
SAME_SITE = {"testserver", urlsplit(SITE_URL).hostname}
#: URLs visited per URL pattern (records:detail, portal:item …) per role: enough to see each
#: kind of page, few enough to crawl eleven roles in well under a minute.
PER_PATTERN = 2
MAX_PAGES = 600
#: Links that are forms' business, not pages (sign-out is a POST).
NOT_LINKS = ("/accounts/logout/",)
#: Pages of the Django admin are visited when linked but not crawled further (another
#: area; its own tests).
NOT_EXPANDED = ("/system/admin/",)
LABEL_TAGS = ("label", "h1", "h2", "h3", "h4", "h5", "h6", "button", "th", "legend", "summary")
ENGLISH = re.compile(r"[A-Za-z][A-Za-z .,:;()'/-]*")


@dataclass
class Crawl:
    role: str
    landing: str = ""
    visited: int = 0
    names: set[str] = field(default_factory=set)
    problems: list[str] = field(default_factory=list)


@pytest.fixture
def production(settings, tmp_path):
    settings.DEBUG = False
    settings.SITE_URL = SITE_URL
    settings.ALLOWED_HOSTS = ["testserver", urlsplit(SITE_URL).hostname]
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings


@pytest.fixture
def demo(django_capture_on_commit_callbacks):
    # Run the after-commit work too: the demo's reviews leave notifications to follow.
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", verbosity=0)


def _staff_pages() -> dict[str, str]:
    """url name → URL of every parameterless page under /staff/."""
    found: dict[str, str] = {}

    def walk(patterns: list, prefix: str, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = f"{namespace}:{p.namespace}" if p.namespace else namespace
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern) and p.name:
                route = prefix + str(p.pattern)
                if route.startswith("staff/") and not p.pattern.converters:
                    found[f"{namespace}:{p.name}".lstrip(":")] = "/" + route

    walk(get_resolver().url_patterns, "", "")
    return found


def _codes() -> tuple[set[str], set[str]]:
    """Every audit verb code and every status code of a workflow (never shown as text)."""
    # Only the product's workflows: other tests register throwaway ones in the same registry.
    flows = [f for name, f in workflows.registered().items() if name in verbs.SUBJECTS]
    codes = {str(v.value) for v in verbs.Verb}
    codes |= {f"{flow.name}.{t.action}" for flow in flows for t in flow.transitions}
    states = {state for flow in flows for state in flow.states if state}
    return codes, states


def _same_site(base: str, href: str) -> str | None:
    href = href.strip()
    if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    absolute = urljoin(base, href)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https") or parts.hostname not in SAME_SITE:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _words(html: lxml.html.HtmlElement, path: str, codes: set[str], states: set[str]) -> list[str]:
    """What a staff page must not say in English or in developer codes."""
    problems = []
    for element in html.iter(*LABEL_TAGS):
        text = " ".join(element.text_content().split())
        if text and ENGLISH.fullmatch(text) and len(re.sub(r"[^A-Za-z]", "", text)) > 1:
            problems.append(f"{path}: English {element.tag} “{text}”")
    for element in html.iter("input"):
        if element.get("type") in ("submit", "button") and ENGLISH.fullmatch(
            element.get("value", "")
        ):
            problems.append(f"{path}: English button “{element.get('value')}”")
    main = html.get_element_by_id("main", None)
    if main is None:
        return problems
    for bad in main.xpath(".//script|.//style"):
        bad.drop_tree()
    text = main.text_content()
    # The audit log (/staff/accounts/audit/) is the audit administrator's evidence page and
    # is built in the accounts app, which may show a row's raw codes beside their labels;
    # every other staff page shows labels only.
    if path.startswith("/staff/accounts/"):
        return problems
    for code in sorted(codes):
        if re.search(rf"(?<![\w/.-]){re.escape(code)}(?![\w/-])", text):
            problems.append(f"{path}: shows the verb code “{code}”")
    for state in sorted(states):
        if re.search(rf"(?<![\w/.@-]){re.escape(state)}(?![\w/.@-])", text):
            problems.append(f"{path}: shows the status code “{state}”")
    return problems


def _sign_in(client: Client, username: str, crawl: Crawl) -> str | None:
    page = client.get("/accounts/login/")
    if page.status_code != 200:
        crawl.problems.append(f"sign-in page answered {page.status_code}")
        return None
    forms = lxml.html.document_fromstring(page.content.decode()).forms
    form = next(f for f in forms if "password" in f.fields)
    fields = {name: value for name, value in form.fields.items() if value is not None}
    fields.update({"username": username, "password": DEMO_PASSWORD})
    response = client.post(form.action or "/accounts/login/", fields)
    if response.status_code != 302:
        crawl.problems.append(f"sign-in as {username} answered {response.status_code}")
        return None
    return _same_site("http://testserver/accounts/login/", response["Location"])


def _crawl(
    client: Client, crawl: Crawl, start: str, public_done: set[str], assets: dict[str, int]
) -> None:
    codes, states = _codes()
    queue: deque[tuple[str, str]] = deque([(start, "/accounts/login/")])
    seen: set[str] = set()
    per_pattern: Counter[str] = Counter()
    while queue and crawl.visited < MAX_PAGES:
        url, referrer = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        path = urlsplit(url).path
        try:
            name = resolve(path).view_name
        except Resolver404:
            crawl.problems.append(f"broken link {url} (no such page) on {referrer}")
            continue
        crawl.names.add(name)
        is_staff = path.startswith(("/staff/", "/system/", "/accounts/"))
        if not is_staff and url in public_done:
            continue
        if per_pattern[name] >= PER_PATTERN:
            continue
        per_pattern[name] += 1
        response = client.get(url)
        crawl.visited += 1
        if not is_staff:
            public_done.add(url)
        status = response.status_code
        if status >= 500:
            crawl.problems.append(f"{status} on {url} (linked from {referrer})")
            continue
        if status in (403, 404, 410):
            crawl.problems.append(f"broken link {url} → {status} (linked from {referrer})")
            continue
        if status in (301, 302, 303, 307, 308):
            target = _same_site(f"http://testserver{url}", response["Location"])
            if target is not None:
                queue.append((target, url))
            continue
        if "html" not in response.get("Content-Type", "") or path.startswith(NOT_EXPANDED):
            continue
        html = lxml.html.document_fromstring(response.content.decode())
        if path.startswith("/staff/"):
            crawl.problems.extend(_words(html, path, codes, states))
        for element in html.xpath("//link[@href]|//script[@src]|//img[@src]"):
            asset = _same_site(f"http://testserver{url}", element.get("href") or element.get("src"))
            if asset is not None and asset not in assets:
                assets[asset] = client.get(asset).status_code
                if assets[asset] != 200:
                    crawl.problems.append(f"{asset} → {assets[asset]} (on {url})")
        for element in html.iter("a"):
            target = _same_site(f"http://testserver{url}", element.get("href", ""))
            if target is not None and not target.startswith(NOT_LINKS) and target not in seen:
                queue.append((target, url))


def _unreachable(client: Client, crawl: Crawl, username: str, role: str) -> list[str]:
    """Staff pages this role can open that no page linked to."""
    missing = []
    for name, url in _staff_pages().items():
        if name in crawl.names:
            continue
        if client.get(url).status_code == 200:
            missing.append(f"{name} ({url}) opens for {username} but nothing links to it")
    # Those who write (clerk) or review (supervisor) the annual report reach it by clicks.
    if role in (Role.CLERK, Role.SUPERVISOR) and "supervision:annual" not in crawl.names:
        missing.append(f"the annual report is not reachable for {username}")
    return missing


def test_every_demo_role_reaches_its_pages_by_clicks_without_errors(production, demo):
    public_done: set[str] = set()
    assets: dict[str, int] = {}
    failures: list[str] = []
    anonymous = Client()
    login = anonymous.get("/accounts/login/")
    assert login.status_code == 200 and "工作人员登录" in login.content.decode()
    for username, _name, role, _where in DEMO_ACCOUNTS:
        client = Client()
        crawl = Crawl(role=str(role))
        landing = _sign_in(client, username, crawl)
        if landing is not None:
            assert landing == "/staff/", f"{username} lands on {landing}, not the workbench"
            _crawl(client, crawl, landing, public_done, assets)
            crawl.problems.extend(_unreachable(client, crawl, username, str(role)))
        failures.extend(f"[{username}] {p}" for p in crawl.problems)
        assert crawl.visited < MAX_PAGES, f"{username}: the crawl hit its page limit"
    assert not failures, "\n".join(failures)


def test_the_word_check_catches_english_labels_and_codes():
    """The crawl's own check can fail: an English label, a verb code, a status code."""
    codes, states = _codes()
    page = lxml.html.document_fromstring(
        '<main id="main"><label for="a">Action</label><button>提交</button>'
        "<p>张三 record.submit（submitted → draft）</p><p>网址 https://x.cn/draft/1</p></main>"
    )
    problems = _words(page, "/staff/x/", codes, states)
    assert any("English label “Action”" in p for p in problems)
    assert any("“record.submit”" in p for p in problems)
    assert any("“submitted”" in p for p in problems) and any("“draft”" in p for p in problems)
    assert not any("提交" in p for p in problems)
    assert len([p for p in problems if "draft" in p]) == 1  # not the one inside the URL

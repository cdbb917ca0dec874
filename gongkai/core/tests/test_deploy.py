"""The documented deployment, for real: gunicorn behind nginx with deploy/nginx/*.conf, in
production configuration (DEBUG off, hashed static files, a real SITE_URL, page cache on).

Issue 19 found every URL with a query string, and every request with a session or large-type
cookie, answering 500 through the documented nginx: its `if` branches proxied without the Host
header. Nothing had ever sent such a request through nginx, so these tests do: anonymous pages
(first from the app, then from the page cache), query strings (search reaches the app; a
filtered listing's page is stored under its query string, served by nginx, and purged by a
publication made in another process), the large-type cookie, a staff sign-in and session, a
foreign Host, and the hashed static files.

They need Debian's nginx. Without it they are skipped, saying so; CI installs nginx and sets
GONGKAI_REQUIRE_NGINX=1, so there a missing nginx fails the run.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[3]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
HOST = "gongkai.test"
DEMO_PASSWORD = "Gongkai-demo-2026"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], name: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{name} did not start listening on {port}")


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: str
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def from_app(self) -> bool:
        # Django's middleware adds X-Frame-Options to every response; a page nginx serves
        # from the page cache is a plain file and has none.
        return "x-frame-options" in self.headers


@dataclass
class Site:
    port: int
    app_port: int
    root: Path
    env: dict[str, str] = field(default_factory=dict)

    def manage(self, *args: str) -> None:
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [sys.executable, str(REPO / "manage.py"), *args],
            cwd=REPO,
            env=self.env,
            check=True,
            timeout=300,
            capture_output=True,
        )

    def get(
        self,
        path: str,
        *,
        cookies: dict[str, str] | None = None,
        host: str = HOST,
        port: int | None = None,
    ) -> Response:
        return self._request("GET", path, cookies=cookies, host=host, port=port)

    def post(self, path: str, data: dict[str, str], *, cookies: dict[str, str]) -> Response:
        return self._request("POST", path, cookies=cookies, body=urlencode(data))

    def _request(
        self,
        method: str,
        path: str,
        *,
        cookies: dict[str, str] | None = None,
        host: str = HOST,
        port: int | None = None,
        body: str | None = None,
    ) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", port or self.port, timeout=30)
        headers = {"Host": host}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}{path}"
        connection.request(method, path, body=body, headers=headers)
        raw = connection.getresponse()
        text = raw.read().decode("utf-8", "replace")
        set_cookies = {}
        for name, value in raw.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                set_cookies[key.strip()] = rest.split(";", 1)[0]
        result = Response(
            raw.status, {k.lower(): v for k, v in raw.getheaders()}, text, set_cookies
        )
        connection.close()
        return result


def _nginx_conf(root: Path, *, port: int, app_port: int) -> str:
    return f"""
worker_processes 1;
pcre_jit on;
pid {root}/nginx.pid;
error_log {root}/nginx-error.log warn;
daemon off;
events {{ worker_connections 256; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {root}/nginx-body;
    proxy_temp_path {root}/nginx-proxy;
    fastcgi_temp_path {root}/nginx-fastcgi;
    uwsgi_temp_path {root}/nginx-uwsgi;
    scgi_temp_path {root}/nginx-scgi;
    include {REPO}/deploy/nginx/gongkai-http.conf;
    upstream gongkai {{ server 127.0.0.1:{app_port}; keepalive 8; }}
    server {{
        listen 127.0.0.1:{port};
        server_name {HOST};
        root {root}/pages;
        set $gongkai_static {root}/static;
        include {REPO}/deploy/nginx/gongkai-locations.conf;
    }}
}}
"""


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    if not Path(NGINX).exists():
        if os.environ.get("GONGKAI_REQUIRE_NGINX"):
            pytest.fail("GONGKAI_REQUIRE_NGINX is set but nginx is not installed")
        pytest.skip("nginx is not installed: apt-get install nginx (.ci/run does this)")
    root = Path(tempfile.mkdtemp(prefix="gk-deploy-"))
    root.chmod(0o755)  # nginx's workers may run as another user
    port, app_port = _free_port(), _free_port()
    python = sys.executable
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DEBUG"))},
        "DATABASE_URL": f"sqlite:///{root}/gongkai.sqlite3",
        "SECRET_KEY": "deploy-test-" + "x" * 50,
        "AUDIT_KEY": "deploy-test-audit-key-" + "x" * 30,
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}",
        "BEHIND_PROXY": "1",
        "PAGE_CACHE": "1",
        "PAGE_CACHE_DIR": str(root / "pages"),
        "STATIC_ROOT": str(root / "static"),
        "MEDIA_ROOT": str(root / "media"),
        "GONGKAI_VAR_DIR": str(root / "var"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    manage = [python, str(REPO / "manage.py")]
    for command in (["migrate", "--noinput"], ["seed_demo"], ["collectstatic", "--noinput"]):
        subprocess.run(  # noqa: S603 - our own interpreter and manage.py
            [*manage, *command, "--verbosity", "0"], cwd=REPO, env=env, check=True, timeout=600
        )
    (root / "pages").mkdir(exist_ok=True)
    for path in root.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)
    gunicorn = Path(python).with_name("gunicorn")
    app = subprocess.Popen(  # noqa: S603 - the venv's own gunicorn
        [
            str(gunicorn),
            *("gongkai.wsgi:application", "--bind", f"127.0.0.1:{app_port}"),
            *("--workers", "1", "--umask", "0022"),
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(root / "gunicorn.log").open("wb"),
    )
    conf = root / "nginx.conf"
    conf.write_text(_nginx_conf(root, port=port, app_port=app_port))
    proxy = subprocess.Popen(  # noqa: S603 - Debian's nginx, our own config
        [NGINX, "-p", str(root), "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=(root / "nginx.log").open("wb"),
    )
    try:
        _wait_for(app_port, app, "gunicorn")
        _wait_for(port, proxy, "nginx")
        yield Site(port=port, app_port=app_port, root=root, env=env)
    finally:
        for process in (proxy, app):
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(root, ignore_errors=True)


def _links(page: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="(/[^"#]*)"', page)]


def test_an_anonymous_page_is_served_by_the_app_then_from_the_page_cache(site):
    first = site.get("/")
    assert first.status == 200 and "义务教育" in first.body
    assert first.from_app
    assert (site.root / "pages" / "index.html").exists()
    second = site.get("/")
    assert second.status == 200 and not second.from_app
    assert second.body == first.body


def test_a_feed_and_a_section_page_are_served_from_the_page_cache_too(site):
    """Pages end in a slash (their file is index.html) and feeds do not (the file is the
    address itself): nginx finds both, and a feed keeps its XML type."""
    for path, stored, kind in (
        ("/sections/01/", "sections/01/index.html", "text/html"),
        ("/feeds/rss.xml", "feeds/rss.xml", "xml"),
    ):
        first = site.get(path)
        assert first.status == 200 and first.from_app, path
        assert (site.root / "pages" / stored).exists(), stored
        second = site.get(path)
        assert second.status == 200 and not second.from_app, path
        assert second.body == first.body
        assert kind in second.headers.get("content-type", ""), second.headers


def _public_routes_without_a_final_slash() -> list[str]:
    """The public addresses without parameters that do not end in a slash, from the URL
    configuration (the page cache's skipped prefixes left out)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    from gongkai.portal.pagecache import SKIP_PREFIXES

    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route and not route.endswith("/"):
                path = "/" + route
                if "<" not in route and not path.startswith(SKIP_PREFIXES):
                    found.append(path)

    walk(get_resolver().url_patterns, "")
    return found


def test_every_address_without_a_slash_that_the_app_stores_is_served_by_nginx(site):
    """gongkai-http.conf names the file of an address without a final slash only for the
    endings it lists ("*.xml"): every such address the page cache stores — feeds, the
    sitemap index and its parts — must be one of them, or nginx would never serve it."""
    index = site.get("/sitemap.xml").body
    parts = [urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", index)]
    assert parts, index
    stored = []
    for path in _public_routes_without_a_final_slash() + parts:
        first = site.get(path)
        if first.status != 200 or not (site.root / "pages" / path.lstrip("/")).exists():
            continue
        stored.append(path)
        second = site.get(path)
        assert second.status == 200 and not second.from_app, path
        assert second.body == first.body, path
        assert "xml" in second.headers.get("content-type", ""), (path, second.headers)
    assert {"/feeds/rss.xml", "/feeds/atom.xml", "/sitemap.xml", *parts} <= set(stored)


def test_a_form_posted_to_a_cached_page_reaches_the_app(site):
    """nginx answers only what a file can answer: a POST to an address whose page is in the
    cache goes to the application (here Django refuses it for want of a CSRF token), never
    nginx's own 405."""
    assert site.get("/sections/02/").from_app and not site.get("/sections/02/").from_app
    posted = site.post("/sections/02/", {"q": "1"}, cookies={})
    assert posted.from_app, posted.status
    assert posted.status in (403, 405), posted.status


def test_a_cached_page_without_its_slash_is_redirected_on_the_readers_scheme(site):
    """A path naming a directory of the page cache is sent to its page with a relative
    Location, so that a reader behind TLS is not sent to http://."""
    assert site.get("/sections/03/").status == 200
    response = site.get("/sections/03")
    assert response.status in (301, 302), response.status
    assert response.headers["location"] in ("/sections/03/", f"http://{HOST}/sections/03/")
    assert not response.headers["location"].startswith(f"http://{HOST}:")
    assert site.get(response.headers["location"].removeprefix(f"http://{HOST}")).status == 200


def test_urls_with_a_query_string_reach_the_app_with_their_host(site):
    home = site.get("/").body
    listings = [link for link in _links(home) if link.startswith("/items/")] or [
        link for link in _links(home) if link.count("/") >= 2 and not link.startswith("/static/")
    ]
    assert listings, "the home page links to the catalogue's listings"
    paths = [
        "/search/?" + urlencode({"q": "招生"}),
        listings[0] + "?page=2",
        listings[0] + "?year=2025",
        "/?utm_source=" + quote("公众号"),
    ]
    for path in paths:
        response = site.get(path)
        assert response.status in (200, 404), (path, response.status)
        assert response.status != 500 and response.from_app, path
    assert site.get(paths[0]).status == 200


# A publication made by another process (a second app server, the job runner): the record is
# imported as published, under the listing below, by the county whose filter it is read with.
PUBLISH = """
from datetime import date
from django.db import transaction
from django.utils import timezone
from gongkai.catalogue.models import Item
from gongkai.organisations.models import Organisation
from gongkai.records.importing import ImportRow, import_author, import_record
item = Item.objects.current().get(code="05.04")
fields = {
    "title": "部署测试新发布的招生范围公告", "body": "<p>正文</p>", "item": item,
    "organisation": Organisation.objects.get(code="371502"), "formed_on": date(2026, 5, 1),
    "five_disclosure": item.five_disclosure,
}
with transaction.atomic():
    import_record(ImportRow(row=1, fields=fields, published_at=timezone.now()),
                  author=import_author(None), by=None, source="部署测试", written_files=[])
"""


def test_a_filtered_listing_is_served_by_nginx_until_a_publication_purges_it(site):
    listing = "/catalogue/05.04/"
    paths = [listing + "?org=371502", listing + "?org=371502&year=&validity=", listing + "?page=1"]
    stored = site.root / "pages" / "catalogue" / "05.04" / ".query"
    first = {}
    for path in paths:
        first[path] = site.get(path)
        assert first[path].status == 200 and first[path].from_app, path
        assert "部署测试新发布" not in first[path].body
    assert sorted(f.name for f in stored.iterdir()) == sorted(p.split("?")[1] for p in paths)
    for path in paths:
        again = site.get(path)
        assert again.status == 200 and not again.from_app, path  # nginx, from the file
        assert again.body == first[path].body
    # Search and other query strings still reach the app, with the reader's Host.
    assert site.get("/search/?" + urlencode({"q": "招生"})).from_app
    assert site.get(listing + "?utm_source=x").from_app

    site.manage("shell", "-c", PUBLISH)

    assert not stored.exists()  # every variant went with the page, in one rename
    assert not list(stored.parent.glob(".query.purged-*"))  # and was deleted
    for path in paths:
        fresh = site.get(path)
        assert fresh.status == 200 and fresh.from_app, path
        assert "部署测试新发布的招生范围公告" in fresh.body, path
    assert not site.get(paths[0]).from_app  # stored again


def test_a_large_type_reader_is_served_by_the_app(site):
    site.get("/")  # the cached file exists
    response = site.get("/", cookies={"gk_large": "1"})
    assert response.status == 200 and response.from_app


def test_staff_sign_in_and_session_work_through_nginx(site):
    login = site.get("/accounts/login/")
    assert login.status == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.body)
    assert token, "the sign-in form carries a CSRF token"
    cookies = dict(login.cookies)
    signed_in = site.post(
        "/accounts/login/",
        {
            "csrfmiddlewaretoken": token.group(1),
            "username": "county_clerk",
            "password": DEMO_PASSWORD,
        },
        cookies=cookies,
    )
    assert signed_in.status == 302, signed_in.body[:500]
    cookies.update(signed_in.cookies)
    assert "sessionid" in cookies
    landing = signed_in.headers["location"]
    for path in (landing, "/staff/", "/staff/?status=draft", "/"):
        response = site.get(path, cookies=cookies)
        assert response.status == 200, (path, response.status)
        assert response.from_app, path


def test_a_foreign_host_gets_400_not_500(site):
    # (A production site answers other names in a default server, site.conf.example; here
    # the only server takes them, and a query string sends them on to Django.)
    through_nginx = site.get("/?x=1", host="evil.example")
    assert through_nginx.status == 400
    assert "无法处理的请求" in through_nginx.body
    direct = site.get("/?x=1", host="evil.example", port=site.app_port)
    assert direct.status == 400


def test_hashed_static_files_are_served_by_nginx_for_a_year(site):
    page = site.get("/").body
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
    assert stylesheets and all(re.search(r"\.[0-9a-f]{12}\.css$", s) for s in stylesheets)
    response = site.get(stylesheets[0])
    assert response.status == 200 and not response.from_app
    assert "immutable" in response.headers.get("cache-control", "")

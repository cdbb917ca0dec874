"""Self-inspection and the bounded, polite link checker (a local server on 127.0.0.1 only)."""

from __future__ import annotations

import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from gongkai.supervision import inspection
from gongkai.supervision.links import check_links, extract_links
from gongkai.supervision.testing import Team

pytestmark = pytest.mark.django_db


class Handler(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_HEAD(self) -> None:
        Handler.hits.append(self.path)
        if self.path == "/nohead":
            self.send_response(405)
        elif self.path == "/slow":
            threading.Event().wait(1.0)
            self.send_response(200)
        else:
            self.send_response(200 if self.path.startswith("/ok") else 404)
        self.end_headers()

    def do_GET(self) -> None:
        Handler.hits.append("GET " + self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server():
    Handler.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_links_are_extracted_from_bodies_only_for_http(server):
    html = (f'<p><a href="{server}/ok">a</a><a href="mailto:x@y.cn">m</a>'
            f'<a href="javascript:alert(1)">j</a><a href="/relative">r</a> {server}/ok2</p>')  # fmt: skip
    assert extract_links(html) == [f"{server}/ok", f"{server}/ok2"]


def test_the_checker_reports_broken_links_and_survives_network_failures(server):
    pairs = [
        (f"{server}/ok", "甲"),
        (f"{server}/missing", "乙"),
        (f"{server}/nohead", "丙"),
        (f"{server}/slow", "丁"),
        ("http://127.0.0.1:9/refused", "戊"),
        ("ftp://127.0.0.1/file", "己"),
    ]
    results = {r.url.rsplit("/", 1)[1]: r for r in check_links(pairs, timeout=0.3,
                                                               per_host_delay=0)}  # fmt: skip
    assert results["ok"].ok
    assert not results["missing"].ok and results["missing"].status == 404
    assert results["nohead"].ok and "GET /nohead" in Handler.hits
    assert not results["slow"].ok and "无法访问" in results["slow"].reason
    assert not results["refused"].ok
    assert "file" not in results


def test_the_checker_is_bounded_and_waits_between_requests_to_one_host(server):
    waits: list[float] = []
    pairs = [(f"{server}/ok{n}", "x") for n in range(10)]
    results = check_links(pairs, max_links=3, per_host_delay=0.5, sleep=waits.append)
    assert len(results) == 3
    assert len(waits) == 2 and all(0 < w <= 0.5 for w in waits)


def test_self_inspection_finds_blank_and_stale_columns_and_flags_the_single_veto(county, settings):
    team = Team(county)
    team.published(county, "01.02", date(2025, 1, 6), date(2025, 1, 7))
    report = inspection.inspect(county, today=date(2026, 1, 15))
    blank = {f.item.code for f in report.blank if f.organisation == county}
    assert "01.02" not in blank and "05.01" in blank
    assert [f.item.code for f in report.stale] == ["01.02"]
    assert any("单项否决" in v and "空白栏目" in v for v in report.vetoes)


def test_published_records_without_a_date_are_listed(county):
    from gongkai.records.models import Record

    record = Team(county).published(county, "05.04", date(2025, 6, 3), date(2025, 6, 10))
    Record.objects.filter(pk=record.pk).update(published_at=None)
    report = inspection.inspect(county, today=date(2026, 1, 15))
    assert [r.pk for r in report.undated] == [record.pk]
    assert any("没有发布日期" in v for v in report.vetoes)


def test_a_link_check_run_is_stored_and_each_county_reads_its_own_part(
    server, city, county, other_county, settings
):
    settings.GONGKAI_SUPERVISION_LINK_CHECK = {
        **settings.GONGKAI_SUPERVISION_LINK_CHECK,
        "per_host_delay": 0,
        "timeout": 2,
    }
    ok, gone = f"{server}/ok", f"{server}/gone"
    Team(county).published(county, "05.04", date(2025, 6, 3), date(2025, 6, 10),
                           body=f'<p><a href="{ok}">好</a><a href="{gone}">坏</a></p>')  # fmt: skip
    Team(other_county).published(other_county, "05.04", date(2025, 6, 3), date(2025, 6, 10),
                                 body=f'<p><a href="{gone}">坏</a></p>')  # fmt: skip
    run = inspection.run_link_check(city)
    assert run.checked == 2 and len(run.broken) == 2
    report = inspection.inspect(county, today=date(2026, 1, 15))
    assert [(r.url, r.reason) for r in report.broken_links] == [(gone, "HTTP 404")]

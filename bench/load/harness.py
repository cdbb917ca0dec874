"""Load harness: browsing citizens and working clerks against running Gongkai servers.

A small threads harness on the standard library (one thread per simulated user, a cookie jar
each), so it needs nothing installed. Every loop is bounded by ``--duration``; every request
by a timeout. Only ever point it at 127.0.0.1.

    python bench/load/harness.py --base http://127.0.0.1:8101,http://127.0.0.1:8102 \
        --data DATA.json --browsers 200 --clerks 20 --duration 300 \
        --titles TITLES.txt --out RESULT.json

Browsers read the home page, item pages, record pages and the organisation list. Clerks sign
in with their password, open the new-record form, save a draft and submit it for review, and
log each title the server confirmed (``TITLE<TAB>created`` / ``TITLE<TAB>submitted``).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter, defaultdict
from http.cookiejar import CookieJar
from typing import Any

TIMEOUT = 30
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SELECT = r'<select name="{}"[^>]*>(.*?)</select>'
OPTION = re.compile(r'<option value="([^"]+)"')


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.statuses: Counter[str] = Counter()
        self.errors: Counter[str] = Counter()
        self.server_errors: list[str] = []

    def add(self, kind: str, status: int, seconds: float, url: str) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            self.statuses[f"{status // 100}xx"] += 1
            if status >= 500:
                self.server_errors.append(f"{status} {url}")

    def error(self, kind: str, exc: Exception) -> None:
        with self.lock:
            self.errors[f"{kind}: {type(exc).__name__}"] += 1


class User:
    def __init__(self, base: str, stats: Stats) -> None:
        self.base = base
        self.stats = stats
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(
        self, kind: str, path: str, data: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """(status, body, Location) — never raises for an HTTP status."""
        url = self.base + path
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body)  # noqa: S310 - http://127.0.0.1 only (main checks)
        start = time.monotonic()
        try:
            with self.opener.open(req, timeout=TIMEOUT) as resp:
                status, text, location = resp.status, resp.read().decode("utf-8", "replace"), ""
        except urllib.error.HTTPError as exc:
            status = exc.code
            text = exc.read().decode("utf-8", "replace")
            location = exc.headers.get("Location", "")
        self.stats.add(kind, status, time.monotonic() - start, url)
        return status, text, location


def browse(user: User, data: dict[str, Any], deadline: float) -> None:
    items, records = data["items"], data["records"]
    while time.monotonic() < deadline:
        roll = random.random()
        try:
            if roll < 0.2:
                user.request("home", "/")
            elif roll < 0.5:
                user.request("item", f"/catalogue/{random.choice(items)}/")
            elif roll < 0.9 and records:
                user.request("record", f"/records/{random.choice(records)}/")
            else:
                user.request("organisations", "/organisations/")
        except Exception as exc:  # connection refused, reset, timeout: counted, not fatal
            user.stats.error("browse", exc)
        time.sleep(random.uniform(0.5, 1.5))


def _choices(page: str, name: str) -> list[str]:
    found = re.search(SELECT.format(name), page, re.S)
    return OPTION.findall(found.group(1)) if found else []


def clerk(
    user: User, username: str, password: str, deadline: float, log: Any, log_lock: threading.Lock
) -> None:
    def write(title: str, state: str) -> None:
        with log_lock:
            log.write(f"{title}\t{state}\n")
            log.flush()

    signed_in = False
    while time.monotonic() < deadline:
        try:
            if not signed_in:
                _, page, _ = user.request("login", "/accounts/login/")
                token = CSRF.search(page)
                status, _, _ = user.request(
                    "login",
                    "/accounts/login/",
                    {
                        "csrfmiddlewaretoken": token.group(1) if token else "",
                        "username": username,
                        "password": password,
                    },
                )
                signed_in = status == 302
                if not signed_in:
                    time.sleep(2)
                    continue
            status, page, _ = user.request("form", "/staff/records/new/")
            token = CSRF.search(page)
            items, orgs = _choices(page, "item"), _choices(page, "organisation")
            if status != 200 or not token or not items or not orgs:
                signed_in = status == 200
                time.sleep(2)
                continue
            title = f"压测-{username}-{uuid.uuid4().hex[:12]}"
            status, _, location = user.request(
                "create",
                "/staff/records/new/",
                {
                    "csrfmiddlewaretoken": token.group(1),
                    "title": title,
                    "summary": "压力测试生成的信息。",
                    "body": "<p>压力测试正文：根据就近入学原则，现将招生范围公告如下。</p>",
                    "item": random.choice(items),
                    "organisation": orgs[0],
                    "document_number": "",
                    "written_on": "2026-03-02",
                    "formed_on": "2026-03-03",
                    "theme": "教育",
                    "five_disclosure": "",
                    "disclosure": "proactive",
                    "withheld_ground": "",
                    "reassess_on": "",
                    "revision": "",
                },
            )
            found = re.search(r"/staff/records/(\d+)/$", location)
            if status != 302 or not found:
                time.sleep(1)
                continue
            write(title, "created")
            pk = found.group(1)
            time.sleep(random.uniform(0.5, 1.5))
            _, page, _ = user.request("detail", f"/staff/records/{pk}/")
            token = CSRF.search(page)
            status, _, _ = user.request(
                "submit",
                f"/staff/records/{pk}/act/",
                {"csrfmiddlewaretoken": token.group(1) if token else "", "action": "submit"},
            )
            if status == 302:
                _, page, _ = user.request("detail", f"/staff/records/{pk}/")
                if "已完成：提交审核" in page:
                    write(title, "submitted")
        except Exception as exc:
            user.stats.error("clerk", exc)
        time.sleep(random.uniform(1.0, 3.0))


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", required=True, help="comma-separated http://127.0.0.1:PORT")
    parser.add_argument("--data", required=True)
    parser.add_argument("--browsers", type=int, default=200)
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--duration", type=float, default=300)
    parser.add_argument("--titles", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    bases = args.base.split(",")
    for base in bases:
        if urllib.parse.urlparse(base).hostname != "127.0.0.1":
            raise SystemExit("load is only ever sent to 127.0.0.1")
    with open(args.data, encoding="utf-8") as fh:
        data = json.load(fh)
    stats = Stats()
    started = time.monotonic()
    deadline = started + args.duration
    threads = []
    log_lock = threading.Lock()
    with open(args.titles, "w", encoding="utf-8") as log:
        for n in range(args.browsers):
            user = User(bases[n % len(bases)], stats)
            threads.append(threading.Thread(target=browse, args=(user, data, deadline)))
        for n in range(args.clerks):
            user = User(bases[n % len(bases)], stats)
            name = data["clerks"][n]
            threads.append(
                threading.Thread(
                    target=clerk, args=(user, name, data["password"], deadline, log, log_lock)
                )
            )
        for t in threads:
            t.daemon = True
            t.start()
            time.sleep(0.01)  # ramp up over a couple of seconds
        for t in threads:
            t.join(timeout=max(0.0, deadline - time.monotonic()) + TIMEOUT + 10)
    elapsed = time.monotonic() - started
    total = sum(len(v) for v in stats.latencies.values())
    result = {
        "duration_s": round(elapsed, 1),
        "browsers": args.browsers,
        "clerks": args.clerks,
        "servers": bases,
        "requests": total,
        "requests_per_s": round(total / elapsed, 1),
        "statuses": dict(stats.statuses),
        "server_errors": len(stats.server_errors),
        "server_error_examples": stats.server_errors[:10],
        "client_errors": dict(stats.errors),
        "latency_ms": {
            kind: {
                "n": len(v),
                "p50": round(statistics.median(v) * 1000),
                "p95": round(percentile(v, 0.95) * 1000),
                "p99": round(percentile(v, 0.99) * 1000),
            }
            for kind, v in sorted(stats.latencies.items())
        },
    }
    with open(args.out, "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False, indent=2)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()

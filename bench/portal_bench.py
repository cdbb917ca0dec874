"""Load benchmark of the public column through the documented nginx, in one run.

    DATABASE_URL=… .venv/bin/python bench/portal_bench.py --seconds 15

Load the database first with bench/portal_dataset.py. nginx runs with the deployed
configuration (deploy/nginx/gongkai-http.conf and gongkai-locations.conf, framed by
bench/nginx/portal.conf) in front of gunicorn as ``manage.py serve`` starts it (2 sync
workers). Measured with wrk, every request counted; a non-2xx answer or a socket error is an
error, and the run fails (exit 1) if any check had one:

1. uncached (``PAGE_CACHE=0``): the record page, the item listing and a county-filtered
   listing, from gunicorn directly and through nginx (target: ≥ 500 req/s on 2 cores);
2. cached (``PAGE_CACHE=1``): each page once through nginx (the app renders and stores it),
   then checked to be nginx's answer (no ``X-Frame-Options``, which only Django adds) and
   loaded in alternating rounds (A B B A …) with nginx serving a plain static file of the
   same size (the yardstick; target ≥ 90 %, the median of the rounds' ratios): the record
   page, the listing, and the listing under query strings — a county and year filter,
   ``?page=2`` and the keyset page past the numbered ones. These pairs go to a second nginx
   with the same configuration but one worker, on a CPU of its own (the last one), and wrk
   runs on the others, so that nginx is the bound and neither takes the other's CPU: the
   ratio of requests per second is then the ratio of nginx's CPU per request, which is also
   reported (from /proc). Everything else goes to nginx as deployed (a worker per CPU);
3. what must reach the application, through nginx with the page cache on (target: 0
   errors): a large-type reader (``gk_large`` cookie), a signed-in clerk's session on the
   staff workbench and on a public listing, and a search.

Only 127.0.0.1 is ever loaded; each wrk run is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@dataclass
class Result:
    setup: str
    page: str
    rate: float
    p99: str
    errors: int
    load: float
    #: nginx's CPU per request in µs (measured for the cached pages and their yardsticks)
    cpu_us: float = 0.0


def cpu_seconds(master: int) -> float:
    """The CPU time (user + system) nginx's worker processes have used so far."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    total = 0
    for pid in children:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def wrk(
    url: str,
    *,
    seconds: int,
    connections: int,
    headers: list[str] = (),  # type: ignore[assignment]
    nginx: int | None = None,
    cpus: list[int] | None = None,
) -> Result:
    """One wrk run; with ``nginx`` (its master's pid) also the workers' CPU per request;
    with ``cpus``, wrk runs on those CPUs only, one thread each."""
    load = os.getloadavg()[0]
    before = cpu_seconds(nginx) if nginx else 0.0
    threads = f"-t{len(cpus)}" if cpus else "-t2"
    command = ["wrk", threads, f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    if cpus:
        command = ["taskset", "-c", ",".join(map(str, cpus)), *command]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    cpu = (cpu_seconds(nginx) - before) / requests * 1e6 if nginx and requests else 0.0
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    errors = 0
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(found.group(1))
    if found := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(n) for n in found.groups())
    return Result("", "", rate, p99.group(1) if p99 else "?", errors, load, cpu)


def combined(rounds: list[Result]) -> Result:
    """Several rounds of one setup as one row: the mean rate, the worst p99, every error."""
    return Result(
        "",
        "",
        statistics.mean(r.rate for r in rounds),
        max((r.p99 for r in rounds), key=duration),
        sum(r.errors for r in rounds),
        statistics.mean(r.load for r in rounds),
        statistics.mean(r.cpu_us for r in rounds),
    )


def duration(text: str) -> float:
    """wrk's latency ("812.00us", "2.24ms", "1.01s") in seconds."""
    found = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not found:
        return float("inf")
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[found.group(2)]
    return float(found.group(1)) * scale


def fetch(
    url: str, headers: dict[str, str] | None = None, timeout: float = 60
) -> tuple[bytes, dict[str, str]]:
    deadline = time.monotonic() + timeout
    while True:
        try:
            request = urllib.request.Request(url, headers=headers or {})  # noqa: S310
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.read(), {k.lower(): v for k, v in response.headers.items()}
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def gunicorn(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    """gunicorn as `manage.py serve` and docs/deploy.md start it (without the access log)."""
    from gongkai.core.management.commands.serve import gunicorn_arguments

    return subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            *gunicorn_arguments(
                bind=f"127.0.0.1:{port}", workers=workers, threads=threads, access_log=False
            ),
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


TARGETS = """
import json
from gongkai.accounts.models import Role, User
from gongkai.accounts.services import grant_role
from gongkai.catalogue import reference
from gongkai.organisations import reference as organisations
from gongkai.organisations.models import Kind
from gongkai.records import public
from gongkai.records.models import PublicRecord, PublicTally
from django.test import Client

def count(*args, **kw):
    return public.count(public.key(*args, **kw))

item = max(reference.current_items(), key=lambda i: count("item", i.key))
counties = [o for o in organisations.counties() if o.kind == Kind.COUNTY_BUREAU]
county = max(counties, key=lambda c: count("item", item.key, place=c.pk))
years = sorted({int(k.split("|")[1]) for k in PublicTally.objects.filter(key__startswith="all|")
    .exclude(key__startswith="all|*").values_list("key", flat=True)})
year = next(y for y in reversed(years) if count("item", item.key, place=county.pk, year=y))
clerk, made = User.objects.get_or_create(
    username="bench_clerk", defaults={"full_name": "基准测试办事员"}
)
if made:
    grant_role(clerk, Role.CLERK, county, by=None)
client = Client()
client.force_login(clerk)
print(json.dumps({
    "record": PublicRecord.objects.order_by("-published_at", "-record_id")
        .values_list("pk", flat=True)[0],
    "item": item.code, "county": county.code, "year": year,
    "session": client.cookies["sessionid"].value,
}))
"""


def targets(env: dict[str, str]) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", TARGETS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def split_cpus() -> tuple[int | None, list[int] | None]:
    """nginx's CPU (the last this process may use) and wrk's (the others); on one CPU, none."""
    usable = sorted(os.sched_getaffinity(0))
    if len(usable) < 2 or not shutil.which("taskset"):
        return None, None
    return usable[-1], usable[:-1]


def nginx_conf(work: Path, name: str, *, app_port: int, port: int, cpu: int | None) -> Path:
    """The bench's frame around the deployed configuration: a worker per CPU, or with
    ``cpu`` one worker on that CPU alone."""
    prefix = work / name
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    (work / "same-size").mkdir(exist_ok=True)
    conf = (ROOT / "bench/nginx/portal.conf").read_text(encoding="utf-8")
    for key, value in {
        "@PREFIX@": str(prefix),
        "@UPSTREAM@": f"127.0.0.1:{app_port}",
        "@PORT@": str(port),
        "@SAMESIZE@": str(work / "same-size"),
        "@STATIC@": str(work / "static"),
        "@PAGES@": str(work / "pages"),
        "@ROOT@": str(ROOT),
        # worker_cpu_affinity's mask: CPU n is the n-th bit from the right.
        "@WORKERS@": "auto" if cpu is None else "1",
        "@AFFINITY@": f"worker_cpu_affinity {1 << cpu:b};" if cpu is not None else "",
    }.items():
        conf = conf.replace(key, value)
    (prefix / "nginx.conf").write_text(conf, encoding="utf-8")
    return prefix


def keyset_path(front: str, listing: str) -> str:
    body = fetch(f"{front}{listing}?page=50")[0].decode()
    found = re.search(r'href="\?([^"]*before=[^"]*)"', body)
    if not found:
        raise SystemExit(f"{listing} has fewer than 50 pages: no keyset page to measure")
    return f"{listing}?{found.group(1).replace('&amp;', '&')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--app-port", type=int, default=8471)
    parser.add_argument("--nginx-port", type=int, default=8472)
    parser.add_argument(
        "--pinned-port", type=int, default=8473, help="the one-worker nginx of the cached pairs"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=4,
        help="alternating rounds of a cached page and its static yardstick (A B B A …)",
    )
    parser.add_argument("--json", help="write the results here too")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gk-portal-bench-"))
    work.chmod(0o755)  # nginx's workers run as another user
    env = {
        **os.environ,
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-secret"),
        "AUDIT_KEY": os.environ.get("AUDIT_KEY", "bench-only-audit-key-not-secret-0123456789"),
        "SITE_URL": "http://localhost",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "TWO_FACTOR": "off",  # the clerk's session is measured, not the sign-in
        "GONGKAI_VAR_DIR": str(work / "var"),
        "STATIC_ROOT": str(work / "static"),
        "PAGE_CACHE_DIR": str(work / "pages"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    found = targets(env)
    listing = f"/catalogue/{found['item']}/"
    uncached = {
        "record": f"/records/{found['record']}/",
        "item listing": listing,
        "listing, county filter": f"{listing}?org={found['county']}",
    }
    run = {"seconds": args.seconds, "connections": args.connections}
    short = {"seconds": max(1, args.seconds // args.rounds), "connections": args.connections}
    ratios: dict[str, list[float]] = {}
    cpu_ratios: dict[str, list[float]] = {}
    results: list[Result] = []
    app = f"http://127.0.0.1:{args.app_port}"
    front = f"http://127.0.0.1:{args.nginx_port}"
    print(f"database: {os.environ.get('DATABASE_URL', 'sqlite (default)')}; {found}", flush=True)

    def record(setup: str, page: str, result: Result) -> None:
        result.setup, result.page = setup, page
        results.append(result)
        print(
            f"  {setup:42} {page:34} {result.rate:10,.0f} req/s  p99 {result.p99:>8}"
            f"  errors {result.errors}  (load {result.load:.1f})",
            flush=True,
        )

    nginx_cpu, wrk_cpus = split_cpus()
    deployed = nginx_conf(work, "nginx", app_port=args.app_port, port=args.nginx_port, cpu=None)
    pinned = nginx_conf(
        work, "nginx-pinned", app_port=args.app_port, port=args.pinned_port, cpu=nginx_cpu
    )
    nginx, nginx_pinned = (
        subprocess.Popen(
            ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")],
            stderr=subprocess.PIPE,
        )
        for prefix in (deployed, pinned)
    )
    alone = f"http://127.0.0.1:{args.pinned_port}"
    server = gunicorn({**env, "PAGE_CACHE": "0"}, args.app_port, args.workers, args.threads)
    try:
        # 1. Uncached: every request renders.
        for name, path in uncached.items():
            fetch(app + path)
            wrk(app + path, seconds=3, connections=args.connections)  # warm-up
            record("gunicorn, page cache off", name, wrk(app + path, **run))
            record("nginx → gunicorn, page cache off", name, wrk(front + path, **run))
        stop(server)

        # 2. Cached: each page stored by the app, then served by nginx from its file.
        server = gunicorn({**env, "PAGE_CACHE": "1"}, args.app_port, args.workers, args.threads)
        fetch(front + "/")
        cached = {
            "record": uncached["record"],
            "item listing": listing,
            "?org=&year= (county, year)": f"{listing}?org={found['county']}&year={found['year']}",
            "?page=2": f"{listing}?page=2",
            "keyset ?before=…&n=51": keyset_path(front, listing),
        }
        for n, (name, path) in enumerate(cached.items()):
            body, headers = fetch(front + path)  # a miss: rendered by Django and stored
            assert "x-frame-options" in headers, f"{path}: the first answer was not the app's"
            again, headers = fetch(front + path)
            # Django adds X-Frame-Options to everything it answers; nginx's file has none.
            assert "x-frame-options" not in headers, f"{path} was not served from the page cache"
            assert again == body, f"{path}: nginx served another page"
            static = f"page{n}-{len(body)}.html"
            (work / "same-size" / static).write_bytes(body)
            assert fetch(alone + path)[0] == body, f"{path}: the pinned nginx served another page"
            pair = (
                ("nginx, page cache", alone + path),
                (f"nginx, static file of {len(body):,} bytes", f"{alone}/same-size/{static}"),
            )
            # Rounds in the order A B B A A B …: a load that rises or falls during the pair
            # weighs on both sides alike. Each round is --seconds / --rounds long.
            rounds: dict[str, list[Result]] = {setup: [] for setup, _ in pair}
            for turn in range(args.rounds):
                for setup, url in pair if turn % 2 == 0 else pair[::-1]:
                    rounds[setup].append(wrk(url, **short, nginx=nginx_pinned.pid, cpus=wrk_cpus))
            for setup, _ in pair:
                record(setup, name, combined(rounds[setup]))
            pairs = list(zip(*rounds.values(), strict=True))
            ratios[name] = sorted(a.rate / b.rate for a, b in pairs)
            cpu_ratios[name] = sorted(b.cpu_us / a.cpu_us for a, b in pairs if a.cpu_us)

        # 3. What the page cache must not answer reaches the app, without an error.
        session = f"Cookie: sessionid={found['session']}"
        for name, path, headers in [
            ("large type (gk_large cookie)", listing, ["Cookie: gk_large=1"]),
            ("clerk session, staff workbench", "/staff/", [session]),
            ("clerk session, public listing", listing, [session]),
            ("search ?q=招生", "/search/?q=%E6%8B%9B%E7%94%9F", []),
        ]:
            text = fetch(front + path, {h.split(": ")[0]: h.split(": ", 1)[1] for h in headers})[0]
            assert text, path
            record(
                "nginx → gunicorn, page cache on", name, wrk(front + path, **run, headers=headers)
            )
    finally:
        for process in (nginx, nginx_pinned):
            process.terminate()
            process.wait(timeout=20)
        stop(server)
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"\nwrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"gunicorn --workers {args.workers} --threads {args.threads}; "
        f"nginx: a worker per CPU; for the cached pairs 1 worker on CPU {nginx_cpu} and wrk on"
        f" CPUs {wrk_cpus}"
    )
    print("| setup | page | req/s | p99 | errors | load |\n|---|---|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r.setup} | {r.page} | {r.rate:,.0f} | {r.p99} | {r.errors} | {r.load:.1f} |")
    print()
    print(f"cached ÷ static file, {args.rounds} alternating rounds of {short['seconds']} s:")
    for name, each in ratios.items():
        middle = statistics.median(each)
        spread = ", ".join(f"{r:.0%}" for r in each)
        print(f"  {name}: median {middle:.0%} of the same-size static file (rounds: {spread})")
    print("nginx's CPU per request, static file ÷ cached page (the same ratio when CPU-bound):")
    for name, each in cpu_ratios.items():
        page = next(r for r in results if r.setup == "nginx, page cache" and r.page == name)
        yardstick = next(
            r for r in results if r.setup.startswith("nginx, static") and r.page == name
        )
        spread = ", ".join(f"{r:.0%}" for r in each)
        print(
            f"  {name}: {page.cpu_us:.1f} µs against {yardstick.cpu_us:.1f} µs, median"
            f" {statistics.median(each) if each else 0:.0%} (rounds: {spread})"
        )
    errors = sum(r.errors for r in results)
    print(f"errors: {errors}")
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in results], indent=1))
    if errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""Load benchmark of the public column: wrk against gunicorn (2 workers, as `manage.py serve`)
and against nginx serving the page cache as in docs/deploy.md.

    DATABASE_URL=… .venv/bin/python bench/portal_bench.py --seconds 15

Load the database first with bench/portal_dataset.py. Measured, in one run:

1. uncached: PAGE_CACHE off, gunicorn only — the record page and an item listing;
2. cached: PAGE_CACHE on behind nginx (try_files on the page-cache directory), the same two
   pages, next to nginx serving a plain static file of the same size (the yardstick);
3. for the embedded setup, gunicorn's own page-cache middleware answering a cache hit.

Only 127.0.0.1 is ever loaded; each wrk run is bounded by --seconds.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
APP_PORT = 8471
NGINX_PORT = 8472


def wrk(url: str, *, seconds: int, connections: int, check: bool = True) -> tuple[float, str]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 30,
    ).stdout
    if check and ("Non-2xx" in out or "Socket errors" in out):
        raise SystemExit(f"errors while loading {url}:\n{out}")
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.MULTILINE)
    return rate, p99.group(1) if p99 else "?"


def wait_for(url: str, timeout: float = 60) -> bytes:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - localhost
                return response.read()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def gunicorn(
    env: dict[str, str], workers: int, threads: int, port: int = APP_PORT
) -> subprocess.Popen[bytes]:
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


def targets(env: dict[str, str]) -> tuple[int, str]:
    """The newest public record and the busiest school-level item (招生范围 by default)."""
    code = (
        "from gongkai.records.models import Record;"
        "print(Record.objects.public().order_by('-published_at').values_list('pk', flat=True)[0])"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return int(out.strip().splitlines()[-1]), "05.04"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (gthread)")
    parser.add_argument("--app-port", type=int, default=APP_PORT, help="gunicorn's port")
    parser.add_argument("--nginx-port", type=int, default=NGINX_PORT, help="nginx's port")
    args = parser.parse_args()
    app_port, nginx_port = args.app_port, args.nginx_port
    work = Path(tempfile.mkdtemp(prefix="gk-portal-bench-"))
    work.chmod(0o755)  # nginx's workers run as another user
    env = {
        **os.environ,
        "SECRET_KEY": "bench-only-not-secret",
        "AUDIT_KEY": "bench-only-audit-key-not-secret-0123456789",
        "SITE_URL": "http://localhost",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "GONGKAI_VAR_DIR": str(work / "var"),
        "STATIC_ROOT": str(work / "static"),
        "PAGE_CACHE_DIR": str(work / "pages"),
    }
    subprocess.run(  # as `make run` does: the manifest storage needs collected files
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    record_pk, item_code = targets(env)
    pages = {"record": f"/records/{record_pk}/", "item": f"/catalogue/{item_code}/"}
    run = {"seconds": args.seconds, "connections": args.connections}
    results: list[tuple[str, str, float, str]] = []
    app = f"http://127.0.0.1:{app_port}"
    print(f"database: {os.environ.get('DATABASE_URL', 'sqlite (default)')}; pages: {pages}")

    # nginx as docs/deploy.md configures it, for the whole run: with the page cache off every
    # request falls through try_files to gunicorn, as a miss or a filtered listing does.
    prefix = work / "nginx"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    same_size = work / "same-size"
    same_size.mkdir()
    conf = (ROOT / "bench/nginx/portal.conf").read_text(encoding="utf-8")
    for key, value in {
        "@PREFIX@": str(prefix),
        "@UPSTREAM@": f"127.0.0.1:{app_port}",
        "@PORT@": str(nginx_port),
        "@SAMESIZE@": str(same_size),
        "@STATIC@": str(work / "static"),
        "@PAGES@": str(work / "pages"),
        "@ROOT@": str(ROOT),
    }.items():
        conf = conf.replace(key, value)
    (prefix / "nginx.conf").write_text(conf, encoding="utf-8")
    nginx = subprocess.Popen(
        ["nginx", "-p", str(prefix), "-c", str(prefix / "nginx.conf")], stderr=subprocess.PIPE
    )
    front = f"http://127.0.0.1:{nginx_port}"

    # 1. Uncached: every request renders.
    server = gunicorn({**env, "PAGE_CACHE": "0"}, args.workers, args.threads, app_port)
    try:
        for name, path in pages.items():
            wait_for(app + path)
            wrk(app + path, seconds=3, connections=args.connections, check=False)  # warm-up
            rate, p99 = wrk(app + path, **run)
            results.append(("gunicorn, PAGE_CACHE off", name, rate, p99))
            rate, p99 = wrk(front + path, **run)
            results.append(("nginx → gunicorn, PAGE_CACHE off", name, rate, p99))
    except BaseException:
        nginx.terminate()
        raise
    finally:
        stop(server)

    # 2 and 3. Cached: gunicorn with the page cache, nginx in front of it.
    server = gunicorn({**env, "PAGE_CACHE": "1"}, args.workers, args.threads, app_port)
    front = f"http://127.0.0.1:{nginx_port}"
    try:
        for name, path in pages.items():
            body = wait_for(front + path)  # a miss: rendered by Django and stored
            stored = work / "pages" / path.strip("/") / "index.html"
            assert stored.read_bytes() == body, f"{path} was not stored in the page cache"
            shutil.copy(stored, same_size / f"{name}.html")
            with urllib.request.urlopen(front + path, timeout=10) as response:  # noqa: S310
                # Django marks what it answers; nginx's own try_files answer has no mark.
                assert response.headers.get("X-Page-Cache") is None, "nginx did not serve it"
            rate, p99 = wrk(front + path, **run)
            results.append(("nginx, page cache (try_files)", name, rate, p99))
            rate, p99 = wrk(f"{front}/same-size/{name}.html", **run)
            results.append((f"nginx, static file of {len(body):,} bytes", name, rate, p99))
            rate, p99 = wrk(app + path, **run)
            results.append(("gunicorn alone, page-cache hit", name, rate, p99))
    finally:
        nginx.terminate()
        nginx.wait(timeout=20)
        stop(server)
        shutil.rmtree(work, ignore_errors=True)

    print(
        f"\nwrk -t2 -c{args.connections} -d{args.seconds}s, "
        f"gunicorn --workers {args.workers} --threads {args.threads}"
    )
    print("| setup | page | req/s | p99 |\n|---|---|---:|---:|")
    for setup, name, rate, p99 in results:
        print(f"| {setup} | {name} | {rate:,.0f} | {p99} |")
    by = {(s.split(",")[0] + ("/static" if "static" in s else ""), n): r for s, n, r, _ in results}
    for name in pages:
        ratio = by[("nginx", name)] / by[("nginx/static", name)]
        print(f"{name}: cached via nginx = {ratio:.0%} of the same-size static file")


if __name__ == "__main__":
    main()

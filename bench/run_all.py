"""Every benchmark in bench/ at a small size, one after another, and one table of the results.

    make bench                       # or: .venv/bin/python bench/run_all.py
    BENCH_PORT=9300 make bench       # the first of four ports the servers may use
    BENCH_PG=postgres://user:pass@127.0.0.1:5432 make bench   # also the PostgreSQL load test
                                     # (it drops and recreates BENCH_PG_DB, gk_bench_load)

Sizes are chosen to take seconds each, so this shows that every benchmark still runs and
roughly how fast, not the figures in docs/benchmarks.md: those come from each script's own
command at full size (written at the top of each script). Data goes to a temporary folder
that is removed afterwards; servers listen on 127.0.0.1 only and are stopped by the scripts.
A benchmark that needs what this machine lacks (wrk and nginx, a PostgreSQL server) is
listed as skipped with what it needs. The exit status is 1 if any benchmark failed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
#: Enough for any one of them at these sizes on a busy machine; a hung one is a failure.
TIMEOUT = 600


@dataclass
class Bench:
    name: str
    size: str
    command: list[str]
    env: dict[str, str] = field(default_factory=dict)
    #: Commands run first (loading data), each timed with the benchmark.
    before: list[list[str]] = field(default_factory=list)
    #: Why it cannot run here, or "" when it can.
    missing: Callable[[], str] = lambda: ""


def _programs(*names: str) -> str:
    absent = [name for name in names if shutil.which(name) is None]
    return f"needs {', '.join(absent)} on PATH" if absent else ""


def benches(work: Path, port: int, postgres: str, load_db: str) -> list[Bench]:
    production = {
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "SECRET_KEY": "bench-only-not-secret",
        "AUDIT_KEY": "bench-only-audit-key-not-secret-0123456789",
        "SITE_URL": "https://bench.example.gov.cn",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "GONGKAI_VAR_DIR": str(work / "var"),
    }
    portal_db = {**production, "DATABASE_URL": f"sqlite:///{work / 'portal.sqlite3'}"}
    return [
        Bench(
            "screening",
            "1 MB of text, a 5-page PDF",
            [PYTHON, "bench/screening_bench.py", "--mb", "1", "--pages", "5"],
        ),
        Bench(
            "search (SQLite)",
            "500 entries, 1 round",
            [
                PYTHON,
                "bench/search_bench.py",
                *"--vendor sqlite --records 500".split(),
                *"--rounds 1 --workers 1 --database".split(),
                str(work / "search.sqlite3"),
            ],
        ),
        Bench(
            "supervision (SQLite)",
            "40 organisations, 2,000 records",
            [PYTHON, "bench/supervision_bench.py", "--orgs", "40", "--records", "2000"],
            env={"GONGKAI_VAR_DIR": str(work / "supervision")},
        ),
        Bench(
            "portal: dataset, then wrk",
            "300 records, 1 s per page and server",
            [
                PYTHON,
                "bench/portal_bench.py",
                *"--seconds 1 --connections 4 --workers 1".split(),
                "--app-port",
                str(port),
                "--nginx-port",
                str(port + 1),
            ],
            env=portal_db,
            before=[
                [PYTHON, "manage.py", "migrate", "--noinput", "--verbosity", "0"],
                [PYTHON, "bench/portal_dataset.py", "--records", "300", "--organisations", "20"],
            ],
            missing=lambda: _programs("wrk", "nginx"),
        ),
        Bench(
            "load (PostgreSQL)",
            "4 readers, 2 clerks, 5 s",
            ["bash", "bench/load/run.sh"],
            env={
                "DURATION": "5",
                "BROWSERS": "4",
                "CLERKS": "2",
                "NO_DOCS": "1",
                "PORT1": str(port + 2),
                "PORT2": str(port + 3),
                "PG": postgres,
                "LOAD_DB": load_db,
            },
            missing=lambda: "" if postgres else "needs PostgreSQL: set BENCH_PG=postgres://…",
        ),
    ]


def summary(output: str) -> str:
    """The benchmark's last words: its verdict or its last figure."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    return lines[-1][:90] if lines else ""


def run(bench: Bench, work: Path) -> tuple[str, float, str]:
    reason = bench.missing()
    if reason:
        return "skipped", 0.0, reason
    env = {**os.environ, "PYTHONPATH": str(ROOT), **bench.env}
    log = work / f"{bench.name.split()[0].strip(':')}.log"
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        for command in [*bench.before, bench.command]:
            try:
                done = subprocess.run(
                    command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                    timeout=TIMEOUT, check=False,
                )  # fmt: skip
            except subprocess.TimeoutExpired:
                return "FAILED", time.monotonic() - started, f"over {TIMEOUT} s"
            if done.returncode != 0:
                text = log.read_text(encoding="utf-8")
                return "FAILED", time.monotonic() - started, summary(text)
    return "ok", time.monotonic() - started, summary(log.read_text(encoding="utf-8"))


def main() -> int:
    port = int(os.environ.get("BENCH_PORT", "8471"))
    postgres = os.environ.get("BENCH_PG", "")
    load_db = os.environ.get("BENCH_PG_DB", "gk_bench_load")
    work = Path(tempfile.mkdtemp(prefix="gk-bench-"))
    work.chmod(0o755)  # nginx's workers may run as another user
    rows = []
    try:
        for bench in benches(work, port, postgres, load_db):
            print(f"== {bench.name} ({bench.size})", flush=True)
            status, seconds, result = run(bench, work)
            print(f"   {status}, {seconds:.1f} s: {result}", flush=True)
            rows.append((bench.name, bench.size, status, seconds, result))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print()
    print("| benchmark | size | status | seconds | result |")
    print("|---|---|---|---:|---|")
    for name, size, status, seconds, result in rows:
        print(f"| {name} | {size} | {status} | {seconds:.1f} | {result} |")
    return 1 if any(status == "FAILED" for _, _, status, _, _ in rows) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Run Gongkai as a county would in production: gunicorn for the web, huey for the jobs.

One command so `make run` needs no process manager; in a real deployment each runs under
systemd (see docs/deploy.md).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


def gunicorn_arguments(
    *, bind: str, workers: int, threads: int, access_log: bool = True
) -> list[str]:
    """gunicorn's command line (after the executable), shared with bench/portal_bench.py.

    With one thread a worker is gunicorn's sync worker: the fastest for pages that are CPU
    work, and safe behind nginx, which buffers slow clients. More threads (gthread) let a
    worker wait on slow uploads or the database without blocking the others."""
    arguments = ["gongkai.wsgi:application", "--bind", bind, "--workers", str(workers)]
    if threads > 1:
        arguments += ["--threads", str(threads), "--worker-class", "gthread"]
    if access_log:
        arguments += ["--access-logfile", "-"]
    return [*arguments, "--timeout", "60", "--graceful-timeout", "20"]


class Command(BaseCommand):
    help = "Start the web server (gunicorn) and the background job runner (huey) together."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        # Sync workers by default (one thread each): the fastest for the public pages, which
        # are CPU work (docs/benchmarks.md, Portal); --threads 4 for many slow uploads.
        parser.add_argument("--threads", type=int, default=1)

    def handle(self, *args: Any, bind: str, workers: int, threads: int, **options: Any) -> None:
        bin_dir = os.path.dirname(sys.executable)
        web = subprocess.Popen(  # noqa: S603 - fixed argument list, our own executables
            [
                os.path.join(bin_dir, "gunicorn"),
                *gunicorn_arguments(bind=bind, workers=workers, threads=threads),
            ]
        )
        # --flush-locks: a consumer killed while holding a task lock (huey's SQLite storage has
        # no expiry) would otherwise stop that job for good (docs/decisions/0002).
        jobs = subprocess.Popen([sys.executable, "manage.py", "run_huey", "--flush-locks"])
        children = [web, jobs]

        def stop(signum: int, frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.terminate()

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        self.stdout.write(f"Gongkai is running on http://{bind}/ (Ctrl-C to stop)")
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=25)
                except subprocess.TimeoutExpired:
                    child.kill()
        if any(c.returncode not in (0, -15, None) for c in children):
            raise SystemExit(1)

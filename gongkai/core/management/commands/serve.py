"""Run Gongkai as a county would in production: gunicorn for the web, huey for the jobs.

One command so `make run` needs no process manager; in a real deployment each runs under
systemd (see docs/deploy.md). The job runner is supervised: when it dies it is restarted and
the web server keeps serving (core/tests/test_serve.py kills it to show this).
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


#: The job runner is restarted after this many seconds, doubled while it keeps dying young.
FIRST_RESTART_DELAY = 1.0
MAX_RESTART_DELAY = 60.0
#: A runner that ran at least this long was healthy: the next restart is quick again.
HEALTHY_SECONDS = 30.0


class Supervisor:
    """The web server and the job runner as child processes. The web server is what readers
    need: if it stops, everything stops (and `serve` exits with an error). The job runner may
    die (killed, out of memory, a bug): it is restarted, with a growing delay while it keeps
    dying, and the web server never notices."""

    def __init__(self, web_command: list[str], jobs_command: list[str], log: Any) -> None:
        self.web_command = web_command
        self.jobs_command = jobs_command
        self.log = log
        self.stopping = False
        self.web: subprocess.Popen[bytes] | None = None
        self.jobs: subprocess.Popen[bytes] | None = None
        self.jobs_started = 0.0
        self.delay = FIRST_RESTART_DELAY
        self.restarts = 0

    def start(self) -> None:
        self.web = subprocess.Popen(self.web_command)  # noqa: S603 - our own executables
        self.start_jobs()

    def start_jobs(self) -> None:
        self.jobs = subprocess.Popen(self.jobs_command)  # noqa: S603 - our own executables
        self.jobs_started = time.monotonic()

    def run(self) -> int:
        """Watch the children until asked to stop or the web server ends; the exit status."""
        assert self.web is not None and self.jobs is not None
        restart_at: float | None = None
        while not self.stopping:
            if self.web.poll() is not None:
                self.log(f"web server stopped (exit status {self.web.returncode})")
                break
            if restart_at is None and self.jobs.poll() is not None:
                lived = time.monotonic() - self.jobs_started
                self.delay = FIRST_RESTART_DELAY if lived >= HEALTHY_SECONDS else self.delay
                self.log(
                    f"job runner stopped (exit status {self.jobs.returncode}) after "
                    f"{lived:.0f} s; restarting it in {self.delay:.0f} s, the web server "
                    "goes on"
                )
                restart_at = time.monotonic() + self.delay
                self.delay = min(MAX_RESTART_DELAY, self.delay * 2)
            if restart_at is not None and time.monotonic() >= restart_at:
                restart_at = None
                self.restarts += 1
                self.start_jobs()
            time.sleep(0.2)
        self.stop()
        if self.stopping:
            return 0
        return 1

    def request_stop(self, signum: int, frame: Any) -> None:
        self.stopping = True

    def stop(self) -> None:
        children = [c for c in (self.web, self.jobs) if c is not None]
        for child in children:
            if child.poll() is None:
                child.terminate()
        for child in children:
            try:
                child.wait(timeout=25)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(timeout=10)


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
        web = [
            os.path.join(bin_dir, "gunicorn"),
            *gunicorn_arguments(bind=bind, workers=workers, threads=threads),
        ]
        # --flush-locks: a consumer killed while holding a task lock (huey's SQLite storage has
        # no expiry) would otherwise stop that job for good (docs/decisions/0002).
        jobs = [sys.executable, "manage.py", "run_huey", "--flush-locks"]
        supervisor = Supervisor(web, jobs, log=lambda line: self.stderr.write(f"serve: {line}"))
        signal.signal(signal.SIGINT, supervisor.request_stop)
        signal.signal(signal.SIGTERM, supervisor.request_stop)
        supervisor.start()
        self.stdout.write(f"Gongkai is running on http://{bind}/ (Ctrl-C to stop)")
        status = supervisor.run()
        if status:
            raise SystemExit(status)

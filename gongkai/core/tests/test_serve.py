"""`manage.py serve` supervises the job runner: killing it does not take the web server down,
and a new runner is started. Before, the first child to die stopped both."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def job_runners(parent: int) -> list[int]:
    """Process ids of ``run_huey`` children of ``parent`` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            command = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        parent_id = int(stat.rsplit(")", 1)[1].split()[1])
        state = stat.rsplit(")", 1)[1].split()[0]
        if parent_id == parent and state != "Z" and b"run_huey" in command:
            found.append(int(entry.name))
    return found


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server
            return response.status == 200 and b'"ok"' in response.read()
    except OSError:
        return False


def wait_for(condition, *, seconds: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out after {seconds}s waiting for {what}")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_a_killed_job_runner_is_restarted_and_the_web_server_keeps_answering(tmp_path):
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "SECRET_KEY": "serve-test-only",
        "AUDIT_KEY": "serve-test-only-audit-key-0123456789abcdef",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.sqlite3'}",
        "GONGKAI_VAR_DIR": str(tmp_path / "var"),
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    log = (tmp_path / "serve.log").open("wb")
    serve = subprocess.Popen(  # noqa: S603 - our own code, our own interpreter
        [sys.executable, "manage.py", "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    health = f"http://127.0.0.1:{port}/healthz"
    try:
        wait_for(lambda: answers(health), seconds=90, what="the web server")
        (first,) = wait_for(lambda: job_runners(serve.pid), seconds=60, what="the job runner")

        os.kill(first, signal.SIGKILL)

        (second,) = wait_for(
            lambda: [p for p in job_runners(serve.pid) if p != first],
            seconds=60,
            what="a new job runner",
        )
        assert second != first
        assert serve.poll() is None
        assert answers(health)  # the web server never went away
        time.sleep(2)
        assert job_runners(serve.pid) == [second]  # the new one keeps running
    finally:
        if serve.poll() is None:
            serve.send_signal(signal.SIGTERM)
        try:
            status = serve.wait(timeout=60)
        except subprocess.TimeoutExpired:
            serve.kill()
            status = serve.wait(timeout=10)
        log.close()
    output = (tmp_path / "serve.log").read_text(errors="replace")
    assert status == 0, output[-3000:]
    assert "job runner stopped (exit status -9)" in output
    assert not answers(health)  # and Ctrl-C / SIGTERM still stops everything

"""Several processes on one embedded index, as in production: the job runner's follower
writes, a publishing process only queues and wakes it, a reader (a gunicorn worker) sees the
publication within the bound; a follower killed and restarted applies what was queued.

Real processes on a database of their own (a file SQLite database) and an index directory of
their own, like core/tests/test_faults.py.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]

#: Seconds from a publication's commit to the moment another process finds it.
BOUND = 2.0

PUBLISH = """
import sys, time
import django
django.setup()
from gongkai.accounts.models import Role
from gongkai.organisations.models import Kind, Organisation
from gongkai.records import hooks, services
from gongkai.search.backends import backend
from gongkai.testing import make_organisation, make_record, make_user

if not Organisation.objects.exists():
    city = make_organisation(kind=Kind.CITY_BUREAU, code="C0001")
    make_organisation(kind=Kind.COUNTY_BUREAU, parent=city, code="C0100")
county = Organisation.objects.get(code="C0100")
n = Organisation.objects.count() + int(time.time() * 1000) % 100000
clerk = make_user(username=f"clerk{n}", roles=[Role.CLERK], organisation=county)
doc = make_user(username=f"doc{n}", roles=[Role.DOCUMENT_REVIEWER], organisation=county)
dis = make_user(username=f"dis{n}", roles=[Role.DISCLOSURE_REVIEWER], organisation=county)
if sys.argv[2] == "crash":
    # The process dies right after the commit: its after-commit work never runs.
    hooks._registry["search"].on_commit_public = []
record = make_record(by=clerk, title=sys.argv[1])
record = services.submit(record, by=clerk)
record = services.approve_document(record, by=doc)
record = services.approve_disclosure(record, by=dis)
runner = backend().runner_is_running()
services.publish(record, by=clerk)
print(time.time(), runner, flush=True)
"""

READ = """
import sys, time
import django
django.setup()
from gongkai.search.queries import search

wanted = int(sys.argv[1])
print("ready", search("招生范围").total, flush=True)
deadline = time.time() + 120
while time.time() < deadline:
    results = search("招生范围")
    if results.total >= wanted:
        print(time.time(), results.total, flush=True)
        break
    time.sleep(0.01)
"""


@pytest.fixture
def site(tmp_path: Path) -> dict[str, str]:
    var = tmp_path / "var"
    var.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "gongkai.settings",
        "SECRET_KEY": "search-processes-test-only",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'live.sqlite3'}",
        "GONGKAI_VAR_DIR": str(var),
        "SEARCH_BACKEND": "tantivy",
        "SEARCH_INDEX_DIR": str(var / "search"),
        "REDIS_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env


def _python(code: str, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own code, our own interpreter
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout.strip().splitlines()[-1]


def _start(args: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own code, our own interpreter
        [sys.executable, *args], cwd=ROOT, env=env, text=True, **kwargs
    )


def _publish_and_find(env: dict[str, str], title: str, wanted: int, how: str) -> tuple[float, bool]:
    """Publish in one process while another searches; the delay and whether a runner ran."""
    reader = _start(["-c", READ, str(wanted)], env, stdout=subprocess.PIPE)
    assert reader.stdout is not None
    assert reader.stdout.readline().split()[0] == "ready"
    committed, runner = _python(PUBLISH, env, title, how).split()
    line = reader.stdout.readline().split()
    reader.wait(timeout=30)
    assert line, f"the reader never found {title}"
    return float(line[0]) - float(committed), runner == "True"


def _queued(env: dict[str, str]) -> int:
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM search_indexchange").fetchone()[0])


@pytest.mark.slow
def test_the_runner_writes_publishers_wake_it_and_readers_see_each_publication(
    site: dict[str, str], tmp_path: Path
) -> None:
    log = (tmp_path / "follower.log").open("w")
    follower = _start(["manage.py", "search", "follow"], site, stdout=log, stderr=log)
    try:
        time.sleep(3)  # let it take the runner lock
        delay, runner = _publish_and_find(site, "第一份招生范围公告", 1, "normal")
        assert runner, "the publishing process should have left the index to the runner"
        assert delay < BOUND

        # The runner dies (kill -9). A publication now is applied by its own process...
        follower.send_signal(signal.SIGKILL)
        follower.wait(timeout=10)
        delay, runner = _publish_and_find(site, "第二份招生范围公告", 2, "normal")
        assert not runner and delay < BOUND

        # ...and one whose process dies after the commit stays queued until a runner starts.
        _python(PUBLISH, site, "第三份招生范围公告", "crash")
        assert _queued(site) == 1
        reader = _start(["-c", READ, "3"], site, stdout=subprocess.PIPE)
        assert reader.stdout is not None
        assert reader.stdout.readline().split() == ["ready", "2"]
        started = time.time()
        follower = _start(["manage.py", "search", "follow"], site, stdout=log, stderr=log)
        line = reader.stdout.readline().split()
        reader.wait(timeout=30)
        assert line and int(line[1]) == 3
        assert float(line[0]) - started < 60  # the interpreter and Django start, then recovery
        assert _queued(site) == 0
    finally:
        if follower.poll() is None:
            follower.send_signal(signal.SIGTERM)
            follower.wait(timeout=20)
        log.close()
    assert follower.returncode == 0, (tmp_path / "follower.log").read_text()[-2000:]

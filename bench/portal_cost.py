"""CPU per request of every public page type, in process (no server, no page cache).

One database:

    DATABASE_URL=sqlite:////tmp/portal-100k.sqlite3 SECRET_KEY=x STATIC_ROOT=… \\
        .venv/bin/python bench/portal_cost.py --repeat 40 --json /tmp/cost-100k.json

Several databases in one run, in rounds (A B C, A B C, …: the machine is shared, so each
size is measured next to the others, and the median of the rounds is kept), with the
growth of each page's cost between the sizes:

    .venv/bin/python bench/portal_cost.py --rounds 3 --repeat 40 \\
        --databases postgres://…/p100k postgres://…/p1m postgres://…/p3m

Search is measured where its index holds the records (``manage.py search reindex`` with that
database; ``--indexes`` gives each database's ``SEARCH_INDEX_DIR``); elsewhere its rows say
"not measured". A search's total is counted once and read back by
the next searches (embedded.COUNT_MEMO), and carried over a commit by counting what it
changed, so each search is measured twice: repeated, and as the first search after a commit
(a record indexed again, untimed, before each request, as a publication does).
Load the databases first with bench/portal_dataset.py. Each page is
requested a few times to warm the process (reference data, prepared statements), then
``--repeat`` times; the CPU time of this process per request (``time.process_time``: Django,
the template and the database driver; with SQLite the database's own work is in it too) is
reported as the median, with the number of queries. On PostgreSQL the server's CPU for this
connection is read from /proc (its backend process, same machine) around the repeats and
reported as a mean per request: app + database is what a request costs the machine. The
pages are chosen from the data the same way at every size (the busiest item, its busiest
county and that county's busiest school, the middle record, the middle sitemap part …).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
    os.environ["PAGE_CACHE"] = "0"
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()


def pages() -> list[tuple[str, str]]:
    """(label, URL) of each public page type, chosen from the data alike at every size."""
    from gongkai.catalogue import reference
    from gongkai.organisations import reference as organisations
    from gongkai.organisations.models import Kind
    from gongkai.records import public
    from gongkai.records.models import PublicRecord, PublicTally

    def count(scope: str, ident: object, **kw: Any) -> int:
        return public.count(public.key(scope, ident, **kw))

    items = reference.current_items()
    item = max(items, key=lambda i: count("item", i.key))
    counties = [o for o in organisations.counties() if o.kind == Kind.COUNTY_BUREAU]
    county = max(counties, key=lambda c: count("item", item.key, place=c.pk))
    city = organisations.ancestors(county)[0]
    schools = [
        s
        for t in organisations.children(county)
        for s in [t, *organisations.children(t)]
        if s.kind == Kind.SCHOOL
    ]
    school = max(schools, key=lambda s: count("item", item.key, place=s.pk))
    busiest_org = max([*schools, county], key=lambda o: count("org", o.pk))
    newest = PublicRecord.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    oldest = PublicRecord.objects.order_by("pk").values_list("pk", flat=True).first() or 0
    middle = (
        PublicRecord.objects.filter(pk__gte=(newest + oldest) // 2, kind="document")
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    part = ((newest + oldest) // 2) // public.PART_SIZE
    part_path = "/sitemap-records.xml" if part == 0 else f"/sitemap-records-{part}.xml"
    guide = (
        PublicRecord.objects.filter(kind="service_guide", withdrawn_at__isnull=True)
        .order_by("-first_published_at", "-record_id")
        .values_list("pk", flat=True)
        .first()
    )
    reform = (
        PublicRecord.objects.filter(kind="reform", withdrawn_at__isnull=True)
        .order_by("-first_published_at", "-record_id")
        .values_list("pk", flat=True)
        .first()
    )
    years = [
        int(key.split("|")[1])
        for key in PublicTally.objects.filter(key__startswith="all|")
        .exclude(key__startswith="all|*")
        .values_list("key", flat=True)
    ]
    year = sorted(set(years))[-2] if len(set(years)) > 1 else max(years)
    listing = f"/catalogue/{item.code}/"
    found = [
        ("home", "/"),
        ("section", f"/sections/{item.section.code}/"),
        ("organisations directory", "/organisations/"),
        ("record page", f"/records/{middle}/"),
        ("record page, newest", f"/records/{newest}/"),
        ("item listing", listing),
        ("item listing, county filter", f"{listing}?org={county.code}"),
        ("item listing, county and school", f"{listing}?org={county.code}&school={school.code}"),
        ("item listing, year filter", f"{listing}?year={year}"),
        ("item listing, 失效 filter (3 %)", f"{listing}?validity=expired"),
        ("item listing, county and 废止 (1 %)", f"{listing}?org={county.code}&validity=repealed"),
        ("deep page ?page=500 (bounded)", f"{listing}?page=500"),
        ("keyset page after the last numbered", "KEYSET"),
        ("organisation page (county)", f"/organisations/{county.code}/"),
        ("organisation page (busiest publisher)", f"/organisations/{busiest_org.code}/"),
        ("item feed", f"/catalogue/{item.code}/rss.xml"),
        ("site feed", "/feeds/atom.xml"),
        ("county feed (its subtree)", f"/organisations/{county.code}/rss.xml"),
        ("city feed (its subtree)", f"/organisations/{city.code}/rss.xml"),
        ("record print", f"/records/{middle}/print/"),
        ("column print, part 1 (200 rows)", f"/catalogue/{item.code}/print/"),
        ("column print, county filter", f"/catalogue/{item.code}/print/?org={county.code}"),
        ("sitemap index", "/sitemap.xml"),
        (f"sitemap part ({public.PART_SIZE:,} records)", part_path),
        ("sitemap part, catalogue", "/sitemap-catalogue.xml"),
        ("五公开 overview", "/five/"),
        ("五公开 class listing", f"/five/{item.five_disclosure}/"),
        ("五公开 class, county filter", f"/five/{item.five_disclosure}/?org={county.code}"),
        ("政策解读 listing", "/interpretations/"),
        ("政策解读, county filter", f"/interpretations/?org={county.code}"),
        ("政策解读, form filter", "/interpretations/?form=qa"),
        ("政策解读, county and form", f"/interpretations/?org={county.code}&form=qa"),
        ("办事服务 listing", "/services/"),
        ("办事服务, county filter", f"/services/?org={county.code}"),
        ("权责清单 overview", "/powers/"),
        ("行政权力事项, page 2", "/powers/items/?page=2"),
        ("执行公开 listing", "/progress/"),
        ("回应关切 listing", "/responses/"),
    ]
    if _indexed():
        found += [
            ("search, common word", "/search/?q=招生"),
            ("search, two words and a county", f"/search/?q=招生+范围&org={county.code}"),
            (FIRST_AFTER_COMMIT + "common word", "/search/?q=招生"),
            (
                FIRST_AFTER_COMMIT + "two words and a county",
                f"/search/?q=招生+范围&org={county.code}",
            ),
        ]
    if guide:
        found.append(("guide print", f"/services/{guide}/print/"))
    if reform:
        found.append(("reform progress page", f"/progress/{reform}/"))
    return found


#: Rows measured as the first search after a commit of the index: before each request one
#: record is indexed again (an entry deleted, one added: a publication's commit), so every
#: total is brought to the new commit instead of read from what this commit counted.
FIRST_AFTER_COMMIT = "search, first after a commit, "


_republished: list[int] = []


def _commit_index() -> None:
    """A commit such as a publication makes: the newest public record indexed again (its
    entry deleted, a new one added, as when a revision is published)."""
    from gongkai.records.models import PublicRecord
    from gongkai.search import services

    if not _republished:
        _republished.append(
            PublicRecord.objects.order_by("-published_at", "-record_id").values_list(
                "pk", flat=True
            )[0]
        )
    services.index_record(_republished[0])


def _indexed() -> bool:
    """Whether search has the records to search: its entries are made by ``manage.py search
    reindex`` (bench/portal_dataset.py does not make them; at a million records it takes
    20 minutes), and a search of an empty index would measure nothing."""
    from gongkai.search.backends import backend
    from gongkai.search.models import SearchEntry

    entries = SearchEntry.objects.count()
    if not entries:
        print("  search: no entries (run manage.py search reindex): not measured", file=sys.stderr)
        return False
    documents = backend().status().get("索引文档")
    print(f"  search: {entries} entries, {documents} in the index", file=sys.stderr)
    return documents is None or documents >= entries


def keyset_url(client: Any, listing: str) -> str:
    body = client.get(listing + "?page=50").content.decode()
    found = re.search(r'href="\?([^"]*before=[^"]*)"', body)
    return f"{listing}?{found.group(1).replace('&amp;', '&')}" if found else listing + "?page=50"


def _backend_ticks(pid: int | None) -> int:
    if pid is None:
        return 0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime, in clock ticks


def measure(
    client: Any,
    url: str,
    repeat: int,
    backend: int | None,
    before: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """``before``: called (untimed) before each request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        if before:
            before()
        response = client.get(url)
    status = response.status_code
    size = len(response.content)
    app, wall = [], []
    db_ticks = 0
    for _ in range(repeat):
        if before:
            before()
        ticks = _backend_ticks(backend)
        started, cpu = time.perf_counter(), time.process_time()
        client.get(url)
        app.append((time.process_time() - cpu) * 1000)
        wall.append((time.perf_counter() - started) * 1000)
        db_ticks += _backend_ticks(backend) - ticks
    db = db_ticks * 1000 / os.sysconf("SC_CLK_TCK") / repeat
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return {
        "url": url,
        "status": status,
        "bytes": size,
        "app_ms": statistics.median(app),
        "db_ms": db if backend is not None else None,
        "wall_ms": statistics.median(wall),
        "queries": len(queries),
    }


def run_one(repeat: int, only: str | None) -> dict[str, Any]:
    _setup()
    from django.db import connection
    from django.test import Client

    from gongkai.records.models import PublicRecord

    client = Client()
    total = PublicRecord.objects.count()
    backend = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
    results = {}
    found = pages()
    listing = next(url for label, url in found if label == "item listing")
    for label, url in found:
        if only and not re.search(only, label):
            continue
        if url == "KEYSET":
            url = keyset_url(client, listing)
        before = _commit_index if label.startswith(FIRST_AFTER_COMMIT) else None
        results[label] = measure(client, url, repeat, backend, before)
        print(f"  {label:42} {results[label]['app_ms']:8.2f} ms", file=sys.stderr, flush=True)
    return {"records": total, "vendor": connection.vendor, "pages": results}


def _label(url: str, records: int, vendor: str) -> str:
    size = f"{records / 1e6:g}M" if records >= 1e6 else f"{records / 1e3:g}k"
    return f"{vendor} {size}"


def compare(runs: list[list[dict[str, Any]]]) -> str:
    """A markdown table: per page, the median over the rounds at each size (app CPU, and
    app + database CPU on PostgreSQL), and the growth per 10× records, largest vs smallest."""
    sizes = [r[0]["records"] for r in runs]
    vendor = runs[0][0]["vendor"]
    pg = vendor == "postgresql"
    head = [f"{_label('', n, vendor)}" for n in sizes]
    # With three sizes or more, the growth between the two largest too: a filtered page
    # whose matches fill less than a page at the smallest size grows with its output until
    # the page is full (the output column shows it), not with the data.
    tail = len(sizes) >= 3

    def short(records: int) -> str:
        return _label("", records, vendor).split()[-1]

    lines = [
        "| page | "
        + " | ".join(head)
        + " | growth per 10× |"
        + (f" per 10×, {short(sizes[-2])} → {short(sizes[-1])} |" if tail else "")
        + " output, KB |",
        "|---|" + "---:|" * (len(sizes) + 2 + tail),
    ]
    # every page measured at some size (search only where its index was built), in order
    labels = list(dict.fromkeys(label for rounds in runs for label in rounds[0]["pages"]))

    def cost(round_: dict[str, Any], label: str) -> float:
        page = round_["pages"][label]
        return page["app_ms"] + (page["db_ms"] or 0)

    for label in labels:
        medians = [
            statistics.median(cost(rnd, label) for rnd in rounds)
            if label in rounds[0]["pages"]
            else None
            for rounds in runs
        ]
        at = [k for k, m in enumerate(medians) if m is not None]
        first, last = at[0], at[-1]
        queries = runs[last][0]["pages"][label]["queries"]
        statuses = {
            rnd["pages"][label]["status"]
            for rounds in runs
            for rnd in rounds
            if label in rnd["pages"]
        }
        flag = "" if statuses == {200} else f" (HTTP {','.join(map(str, sorted(statuses)))})"
        low, high = medians[first] or 0.0, medians[last] or 0.0
        if last > first and low and sizes[last] != sizes[first]:
            decades = math.log10(sizes[last] / sizes[first])
            growth = f"{(high / low) ** (1 / decades):.2f}×"
        else:
            growth = "— (one size)"  # or the same number of records (a synthetic variant)
        cells = " | ".join("not measured" if m is None else f"{m:.2f}" for m in medians)
        if tail:
            before, after = medians[-2], medians[-1]
            if before and after and sizes[-1] != sizes[-2]:
                decades = math.log10(sizes[-1] / sizes[-2])
                cells += f" | {growth} | {(after / before) ** (1 / decades):.2f}×"
            else:
                cells += f" | {growth} | —"
        else:
            cells += f" | {growth}"
        output = " → ".join(f"{runs[k][0]['pages'][label]['bytes'] / 1024:.1f}" for k in at)
        lines.append(f"| {label}{flag} ({queries} q) | {cells} | {output} |")
    unit = "app + database CPU ms per request" if pg else "CPU ms per request"
    return f"{unit}, median of {len(runs[0])} rounds\n\n" + "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--json", help="write this database's results to a file")
    parser.add_argument("--only", help="a regular expression: measure the pages it matches")
    parser.add_argument("--databases", nargs="*", help="measure each, in rounds, and compare")
    parser.add_argument(
        "--indexes",
        nargs="*",
        default=[],
        help="with --databases: each database's SEARCH_INDEX_DIR, in the same order",
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", help="with --databases: write every round's results here")
    args = parser.parse_args()
    if not args.databases:
        result = run_one(args.repeat, args.only)
        print(f"{result['records']} public records, {result['vendor']}")
        print(f"{'page':44} {'app ms':>8} {'db ms':>7} {'wall ms':>8} {'queries':>8}")
        for label, page in result["pages"].items():
            db = f"{page['db_ms']:7.2f}" if page["db_ms"] is not None else "      -"
            flag = "" if page["status"] == 200 else f"  (HTTP {page['status']})"
            print(
                f"{label:44} {page['app_ms']:8.2f} {db} {page['wall_ms']:8.2f}"
                f" {page['queries']:8d}{flag}"
            )
        if args.json:
            Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1))
        return
    runs: list[list[dict[str, Any]]] = [[] for _ in args.databases]
    for n in range(args.rounds):
        for k, url in enumerate(args.databases):
            out = Path(tempfile.gettempdir()) / f"portal-cost-{os.getpid()}.json"
            load = os.getloadavg()[0]
            print(f"round {n + 1}, {url} (load {load:.1f})", file=sys.stderr, flush=True)
            command = [sys.executable, __file__, "--repeat", str(args.repeat), "--json", str(out)]
            if args.only:
                command += ["--only", args.only]
            index = {"SEARCH_INDEX_DIR": args.indexes[k]} if k < len(args.indexes) else {}
            subprocess.run(
                command,
                env={**os.environ, "DATABASE_URL": url, **index},
                check=True,
                stdout=subprocess.DEVNULL,
            )
            result = json.loads(out.read_text())
            result["load"] = load
            runs[k].append(result)
            out.unlink()
    if args.out:
        Path(args.out).write_text(json.dumps(runs, ensure_ascii=False, indent=1))
    print(compare(runs))


if __name__ == "__main__":
    main()

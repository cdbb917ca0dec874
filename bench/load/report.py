"""Write a load run's numbers into docs/reliability.md and docs/benchmarks.md.

``python bench/load/report.py RESULT.json "COMMAND"`` replaces the text between the
``<!-- load:begin -->`` and ``<!-- load:end -->`` markers (adding a "Load" section if absent).
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BEGIN, END = "<!-- load:begin -->", "<!-- load:end -->"


def render(result: dict, command: str) -> str:
    check = result.get("count_check", {})
    lines = [
        BEGIN,
        f"Last run: {datetime.now().astimezone():%Y-%m-%d %H:%M %Z}, command `{command}`.",
        "",
        f"- Setup: {result['setup']}",
        f"- Users: {result['browsers']} browsing, {result['clerks']} clerks; "
        f"{result['duration_s']} s",
        f"- Requests: {result['requests']} ({result['requests_per_s']} per second); statuses "
        + ", ".join(f"{k}: {v}" for k, v in sorted(result["statuses"].items())),
        f"- **5xx: {result['server_errors']}**; client-side errors (timeouts, resets): "
        f"{sum(result['client_errors'].values())} {result['client_errors'] or ''}",
        f"- Count check: {check.get('titles_logged', '?')} titles logged as created, "
        f"{check.get('records_in_db', '?')} load records in the database, "
        f"**missing {check.get('missing', '?')}, duplicated {check.get('duplicated', '?')}**; "
        f"{check.get('submits_logged', '?')} logged as submitted, "
        f"{check.get('submits_not_in_submitted_state', '?')} of them not in the submitted "
        f"state; {check.get('in_db_but_not_logged', '?')} in the database without a logged "
        "success (the client gave up before the answer)",
        "",
        "| request | n | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|",
        *(
            f"| {kind} | {v['n']} | {v['p50']} | {v['p95']} | {v['p99']} |"
            for kind, v in result["latency_ms"].items()
        ),
        END,
    ]
    return "\n".join(lines)


def replace(path: Path, block: str, heading: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else f"# {path.stem.title()}\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n{heading}\n\n{block}\n"
    path.write_text(text, encoding="utf-8")


def main(result_path: str, command: str) -> None:
    result = json.loads(Path(result_path).read_text(encoding="utf-8"))
    block = render(result, command)
    replace(ROOT / "docs" / "reliability.md", block, "## Load: last run")
    replace(ROOT / "docs" / "benchmarks.md", block, "## Load")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

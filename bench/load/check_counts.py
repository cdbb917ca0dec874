"""After a load run: every title a clerk got a success for exists exactly once.

``python bench/load/check_counts.py TITLES.txt RESULT.json`` (load environment). Adds the
check's numbers to RESULT.json and exits 1 if any title is missing or duplicated.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import django

django.setup()

from gongkai.records.models import Record, Status  # noqa: E402

PREFIX = "压测-"


def main(titles_path: str, result_path: str) -> int:
    with open(titles_path, encoding="utf-8") as fh:
        logged = [line.rstrip("\n").split("\t") for line in fh if line.strip()]
    created = dict(logged)
    in_db = Counter(Record.objects.filter(title__startswith=PREFIX).values_list("title", flat=True))
    missing = [t for t in created if in_db[t] == 0]
    duplicated = [t for t, n in in_db.items() if n > 1]
    unlogged = [t for t in in_db if t not in created]
    submitted_logged = [t for t, state in created.items() if state == "submitted"]
    submitted_in_db = set(
        Record.objects.filter(title__in=submitted_logged, status=Status.SUBMITTED).values_list(
            "title", flat=True
        )
    )
    check = {
        "titles_logged": len(created),
        "records_in_db": sum(in_db.values()),
        "missing": len(missing),
        "duplicated": len(duplicated),
        "in_db_but_not_logged": len(unlogged),
        "submits_logged": len(submitted_logged),
        "submits_not_in_submitted_state": len(set(submitted_logged) - submitted_in_db),
        "examples": {"missing": missing[:5], "duplicated": duplicated[:5]},
    }
    with open(result_path, encoding="utf-8") as fh:
        result = json.load(fh)
    result["count_check"] = check
    with open(result_path, "w", encoding="utf-8") as fh:
        json.dump(result, fh, ensure_ascii=False, indent=2)
    print(json.dumps(check, ensure_ascii=False))
    ok = not missing and not duplicated and not check["submits_not_in_submitted_state"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))

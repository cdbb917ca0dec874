"""``audit verify`` — walk the keyed chain, check it against the anchors, report every break.
``audit anchor`` — sign the current head and write it to the log and the anchor file.

``verify`` exits 0 when the chain holds, 1 when a row was changed, removed or inserted behind
the application's back, the chain was recomputed without the key, or an anchored row is gone or
different (the newest rows removed and the head moved back). Anchors come from
``AUDIT_ANCHOR_FILE``, or, with ``--anchors`` (repeatable), only from the files given: the anchor
file, a log holding ``audit-anchor`` lines, or a backup's manifest.json. After a restore, check
against the backup's manifest: newer anchors name rows the restored database never had.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.audit import anchor_head, read_anchors, signing_key, verify


class Command(BaseCommand):
    help = "Check the tamper-evident audit log, or anchor its head outside the database."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("verify", help="verify every row and the anchors; exit 1 on a break")
        check.add_argument(
            "--anchors",
            action="append",
            type=Path,
            default=None,
            help="anchor file, log or backup manifest.json (instead of AUDIT_ANCHOR_FILE)",
        )
        anchor = sub.add_parser("anchor", help="sign the head; write it to the log and a file")
        anchor.add_argument("--file", type=Path, default=None, help="default: AUDIT_ANCHOR_FILE")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify":
            self.verify(options.get("anchors"))
        elif action == "anchor":
            self.anchor(options.get("file"))

    def verify(self, paths: list[Path] | None) -> None:
        anchors = None
        if paths:
            anchors = []
            for path in paths:
                if not path.is_file():
                    raise CommandError(f"no such anchor file: {path}", returncode=2)
                anchors += read_anchors(path)
        result = verify(anchors=anchors)
        if result.intact:
            self.stdout.write(
                self.style.SUCCESS(
                    f"audit chain intact: {result.events} events verified "
                    f"({result.keyed_events} signed), {result.anchors_checked} anchors match"
                )
            )
            if signing_key() is None:
                self.stdout.write(self.style.WARNING("AUDIT_KEY is not set: the chain is unkeyed"))
            return
        for problem in result.problems:
            where = f"event {problem.event_id}" if problem.event_id else "chain head"
            self.stderr.write(f"audit chain broken at {where}: {problem.reason}")
        first = result.problems[0]
        where = f"event {first.event_id}" if first.event_id else "chain head"
        raise CommandError(
            f"audit chain broken at {where}: {first.reason}"
            + (f" (and {len(result.problems) - 1} more)" if len(result.problems) > 1 else ""),
            returncode=1,
        )

    def anchor(self, path: Path | None) -> None:
        anchor = anchor_head(path)
        if anchor is None:
            raise CommandError(
                "nothing anchored: the chain is empty or AUDIT_KEY is not set", returncode=1
            )
        self.stdout.write(
            self.style.SUCCESS(f"anchored event {anchor.event_id} ({anchor.hash[:12]}…)")
        )

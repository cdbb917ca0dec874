"""``audit verify`` — walk the hash chain and report the first broken link.

Exit status 0 when the chain holds, 1 when a row was changed, removed or inserted behind the
application's back (the row is named so the audit administrator can look at it).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.core.audit import verify_chain
from gongkai.core.models import AuditEvent


class Command(BaseCommand):
    help = "Check the tamper-evident audit log."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="verify every row's hash and link; exit 1 on a break")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "verify":
            self.verify()

    def verify(self) -> None:
        count = AuditEvent.objects.count()
        broken = verify_chain()
        if broken is None:
            self.stdout.write(self.style.SUCCESS(f"audit chain intact: {count} events verified"))
            return
        where = f"event {broken.event_id}" if broken.event_id else "chain head"
        raise CommandError(f"audit chain broken at {where}: {broken.reason}", returncode=1)

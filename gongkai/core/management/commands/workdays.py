"""`workdays add DATE N`, `workdays explain DATE N`, `workdays import FILE`, `workdays years`.

`workdays import` takes the State Council notice itself (.txt/.docx/.pdf, or `-` for text on
standard input) or the JSON layout of core/data/holidays.json; loading recomputes every open
deadline and tells the people whose deadline moved (core.calendar.loading.load_notice).
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from gongkai.core import calendar
from gongkai.core.calendar.notice import notice_text_from_file, parse_notice_text


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


class Command(BaseCommand):
    help = "Working days on the official holiday calendar."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="print the N-th working day after DATE")
        add.add_argument("date")
        add.add_argument("days", type=int)
        explain = sub.add_parser("explain", help="like add, with the skipped days explained")
        explain.add_argument("date")
        explain.add_argument("days", type=int)
        imp = sub.add_parser("import", help="import a year's holiday notice")
        imp.add_argument(
            "file",
            nargs="?",
            help="the notice's text (.txt, .docx, .pdf; - for stdin) or JSON in the layout of "
            "core/data/holidays.json",
        )
        imp.add_argument(
            "--dry-run", action="store_true", help="show what the notice says, load nothing"
        )
        imp.add_argument(
            "--chinesecalendar",
            type=int,
            nargs="+",
            metavar="YEAR",
            help="seed these years from the chinesecalendar package (2004-2026)",
        )
        sub.add_parser("years", help="list the years that are loaded")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        try:
            getattr(self, f"do_{action}")(**options)
        except (calendar.CalendarNotLoaded, calendar.CalendarDataError, ValueError) as exc:
            raise CommandError(str(exc)) from exc

    def do_add(self, *, date: str, days: int, **_: Any) -> None:
        count = calendar.add_working_days(_date(date), days)
        self.stdout.write(count.due_on.isoformat())
        if count.is_provisional:
            # Scripts read the date from stdout; a person sees why it may still move.
            self.stderr.write(calendar.provisional_note(count.start, count.due_on))

    def do_explain(self, *, date: str, days: int, **_: Any) -> None:
        count = calendar.add_working_days(_date(date), days)
        self.stdout.write(count.due_on.isoformat())
        self.stdout.write(count.explain())

    def do_import(
        self, *, file: str | None, chinesecalendar: list[int] | None, dry_run: bool, **_: Any
    ) -> None:
        if not file and not chinesecalendar:
            raise CommandError("give a FILE (the notice, or JSON) or --chinesecalendar YEAR")
        notices = self._read(file) if file else []
        notices += [calendar.notice_from_chinesecalendar(y) for y in chinesecalendar or []]
        for notice in notices:
            self.stdout.write(
                f"{notice.year}: {len(notice.holidays)} holidays, "
                f"{len(notice.workdays)} make-up working days ({notice.source})"
            )
            if dry_run:
                continue
            result = calendar.load_notice(notice)
            for moved in result.moved:
                self.stdout.write(f"  {moved.sentence}")
            self.stdout.write(f"  {len(result.moved)} open deadlines moved")

    def _read(self, file: str) -> list[calendar.YearNotice]:
        if file.endswith(".json"):
            return calendar.parse_notice_file(Path(file))
        if file == "-":
            text = sys.stdin.read()
        else:
            try:
                data = Path(file).read_bytes()
            except OSError as exc:
                raise CommandError(f"cannot read {file}: {exc}") from exc
            text = notice_text_from_file(Path(file).name, data)
        parsed = parse_notice_text(text)
        for line in parsed.unread:
            self.stderr.write(f"未识别：{line}")
        for line in parsed.notes:
            self.stderr.write(f"说明：{line}")
        if not parsed.can_load:
            raise CommandError("；".join(parsed.errors) or "没有读到任何放假安排。")
        return [parsed.as_year_notice()]

    def do_years(self, **_: Any) -> None:
        for year in calendar.loaded_years():
            self.stdout.write(str(year))

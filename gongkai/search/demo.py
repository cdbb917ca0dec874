"""Demo data: index the records the records app's demo published."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from gongkai.search import services


def seed(command: BaseCommand) -> None:
    done = services.reindex()
    command.stdout.write(f"search: {done} 条信息已建立检索索引")

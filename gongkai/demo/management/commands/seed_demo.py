"""``manage.py seed_demo``: load the demo data (gongkai/demo/steps.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from gongkai.demo.steps import DEMO_STEPS, app_demo_steps
from gongkai.organisations.models import Organisation


class Command(BaseCommand):
    help = "Load deterministic, fictional demo data (safe to run again)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing if the database already has organisations",
        )

    def handle(self, *args: Any, if_empty: bool, **options: Any) -> None:
        if if_empty and Organisation.objects.exists():
            self.stdout.write("Database already has data; demo data not loaded.")
            return
        for step in DEMO_STEPS:
            with transaction.atomic():
                step(self)
            self.stdout.write(f"demo data: {step.__name__} done")
        for label, seed in app_demo_steps():
            with transaction.atomic():
                seed(self)
            self.stdout.write(f"demo data: {label} done")

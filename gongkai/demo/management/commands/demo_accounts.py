"""``manage.py demo_accounts``: print the demo accounts (gongkai/demo/steps.py)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from gongkai.accounts import twofactor
from gongkai.accounts.models import Role, User
from gongkai.demo.steps import DEMO_ACCOUNTS
from gongkai.testing import DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo accounts and their password."

    def handle(self, *args: Any, **options: Any) -> None:
        existing = set(User.objects.values_list("username", flat=True))
        rows = [a for a in DEMO_ACCOUNTS if a[0] in existing]
        if not rows:
            return
        self.stdout.write("")
        self.stdout.write(f"Demo accounts (password for all: {DEMO_PASSWORD})")
        for username, full_name, role, _ in rows:
            self.stdout.write(f"  {username:<28} {Role(role).label:<8} {full_name}")
        self.stdout.write("Public column: http://127.0.0.1:8000/   Staff sign-in: /accounts/login/")
        if not twofactor.enforced():
            self.stdout.write(
                "Two-factor sign-in is OFF for this demo (TWO_FACTOR=off); production requires "
                "it for reviewers, supervisors and administrators."
            )
        self.stdout.write("")

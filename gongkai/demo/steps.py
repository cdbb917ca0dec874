"""The steps of the demo data and the demo accounts: the one module the apps' own ``demo``
modules and the demo commands share.

The organisation tree and the accounts come first (``DEMO_STEPS``); then every Gongkai app
that has a ``demo`` module contributes its own data through ``demo.seed(command)``, in the
order of ``INSTALLED_APPS`` (records before the apps built on records, supervision last).
Each step runs in its own transaction and must be safe to run twice.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable

from django.apps import apps
from django.core.management.base import BaseCommand

from gongkai.accounts.models import Role, User
from gongkai.accounts.services import grant_role
from gongkai.organisations.models import Kind, Organisation
from gongkai.testing import DEMO_PASSWORD

#: (username, full name, role, organisation code or kind marker)
DEMO_ACCOUNTS: list[tuple[str, str, str, str]] = [
    ("city_supervisor", "（演示）市局监督员 王督", Role.SUPERVISOR, "@city"),
    ("city_admin", "（演示）市局系统管理员 李管", Role.SYSTEM_ADMIN, "@city"),
    ("city_security", "（演示）安全管理员 赵安", Role.SECURITY_ADMIN, "@city"),
    ("city_auditor", "（演示）审计管理员 钱审", Role.AUDIT_ADMIN, "@city"),
    ("county_clerk", "（演示）县局信息员 孙文", Role.CLERK, "@county"),
    ("county_doc_reviewer", "（演示）公文审核员 周核", Role.DOCUMENT_REVIEWER, "@county"),
    (
        "county_disclosure_reviewer",
        "（演示）政务公开审核员 吴公",
        Role.DISCLOSURE_REVIEWER,
        "@county",
    ),
    ("county_concern_officer", "（演示）舆情处置员 郑情", Role.CONCERN_OFFICER, "@county"),
    ("county_supervisor", "（演示）县局监督员 冯察", Role.SUPERVISOR, "@county"),
    ("county_admin", "（演示）县局系统管理员 陈维", Role.SYSTEM_ADMIN, "@county"),
    ("school_clerk", "（演示）学校信息员 褚校", Role.CLERK, "@school"),
]


def demo_county() -> Organisation:
    return Organisation.objects.of_kind(Kind.COUNTY_BUREAU).order_by("path").first() or (
        Organisation.objects.get(kind=Kind.CITY_BUREAU)
    )


def _target(marker: str) -> Organisation:
    if marker == "@city":
        return Organisation.objects.get(kind=Kind.CITY_BUREAU)
    county = demo_county()
    if marker == "@county":
        return county
    school = Organisation.objects.subtree(county).filter(kind=Kind.SCHOOL).order_by("path")
    return school.first() or county


def seed_organisations(command: BaseCommand) -> None:
    from gongkai.organisations.services import load_reference_tree

    load_reference_tree(include_demo=True)


def seed_accounts(command: BaseCommand) -> None:
    for username, full_name, role, marker in DEMO_ACCOUNTS:
        # A (reserved, undeliverable) address, so the demo's notification mail is printed.
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": full_name, "email": f"{username}@demo.invalid"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        grant_role(user, role, _target(marker), by=None)
        if role == Role.SYSTEM_ADMIN and marker == "@city" and not user.is_staff:
            user.is_staff = True
            user.is_superuser = True
            user.save()


DEMO_STEPS: list[Callable[[BaseCommand], None]] = [seed_organisations, seed_accounts]


def app_demo_steps() -> list[tuple[str, Callable[[BaseCommand], None]]]:
    """``(app label, seed)`` for every Gongkai app with a ``demo`` module."""
    steps = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.demo"
        if config.name.startswith("gongkai.") and importlib.util.find_spec(module_name):
            steps.append((config.label, importlib.import_module(module_name).seed))
    return steps

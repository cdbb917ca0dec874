"""``core`` is the ground floor: no module of it imports a domain app.

Every app builds on core (the workflow engine, the audit chain, the calendar, the spreadsheet
kit, anti-spam, QR codes); if core imported an app, that app could no longer be changed
without core, and core could not be reused by the next one. Core reaches what sits above it
only through Django's own indirections: settings (``AUTH_USER_MODEL``,
``GONGKAI_ROLE_CHECK``), the app registry (``AppConfig`` attributes such as
``deadline_refresher``, ``public_links``) and the workflows and record extensions that apps
register.

core's own tests are not scanned: they check that core serves the apps built on it (the
importers on the spreadsheet kit, the XSS sweep over every page, the deployment).
"""

from __future__ import annotations

import ast
from pathlib import Path

from django.apps import apps

CORE = Path(__file__).resolve().parents[1]
GONGKAI = CORE.parent

#: Imports of a domain app that core cannot avoid, each with why. Empty, and it should stay so.
ALLOWED: dict[tuple[str, str], str] = {}


def domain_modules() -> set[str]:
    """``gongkai.<app>`` for every installed Gongkai app but core, and the project-level
    helpers that import apps (``gongkai.testing``)."""
    names = {
        config.name
        for config in apps.get_app_configs()
        if config.name.startswith("gongkai.") and config.name != "gongkai.core"
    }
    return names | {"gongkai.testing", "gongkai.testing_browser", "gongkai.conftest"}


def imported_names(tree: ast.AST) -> list[str]:
    """Every module an import statement names, at any depth (inside functions too)."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append(node.module)
            # ``from gongkai import records`` names the app in the alias.
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def core_modules() -> list[Path]:
    return [
        path for path in sorted(CORE.rglob("*.py")) if "tests" not in path.relative_to(CORE).parts
    ]


def test_the_scan_sees_core_and_knows_the_domain_apps():
    scanned = {path.relative_to(CORE).as_posix() for path in core_modules()}
    assert {"workflow.py", "audit.py", "spreadsheets.py", "context_processors.py"} <= scanned
    assert {"gongkai.accounts", "gongkai.records", "gongkai.organisations"} <= domain_modules()
    assert imported_names(ast.parse("def f():\n    from gongkai.accounts import x\n")) == [
        "gongkai.accounts",
        "gongkai.accounts.x",
    ]


def test_no_module_in_core_imports_a_domain_app():
    domains = domain_modules()
    offenders = []
    for path in core_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for name in imported_names(tree):
            app = next((d for d in domains if name == d or name.startswith(d + ".")), None)
            where = path.relative_to(GONGKAI).as_posix()
            if app is not None and (where, app) not in ALLOWED:
                offenders.append(f"{where} imports {name}")
    assert offenders == [], "core must not import a domain app:\n" + "\n".join(offenders)

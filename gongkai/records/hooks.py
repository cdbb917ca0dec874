"""Extension points of the publishing process.

Other apps add checks and follow-up work to the record workflow in one way: a module
``<app>/extension.py`` defining ``extension = RecordExtension(...)``, which ``discover`` finds
for every installed app (in ``INSTALLED_APPS`` order) when the records app is ready: screening
blocks publication while findings are open, interpretations must go out together with their
policy, the search index follows publications. Hooks run inside the transition's
transaction, so a failing hook rolls the whole transition back. This is an explicit, ordered
registry rather than Django signals: a reader can list everything that runs on publish (see
docs/decisions/0004-record-extensions.md).
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from gongkai.accounts.models import User
    from gongkai.records.models import Record

Check = Callable[["Record"], list[str]]
Action = Callable[["Record", Any], None]


@dataclass
class RecordExtension:
    name: str
    #: Problems that stop a submission (each a Chinese sentence).
    submit_checks: list[Check] = field(default_factory=list)
    #: Problems that stop publication (also checked when a scheduled record comes due).
    publish_checks: list[Check] = field(default_factory=list)
    #: Work done in the same transaction after a record is published / scheduled / withdrawn.
    after_publish: list[Action] = field(default_factory=list)
    after_schedule: list[Action] = field(default_factory=list)
    after_withdraw: list[Action] = field(default_factory=list)
    #: After-commit work (search index, caches): runs once the publication is durable.
    on_commit_publish: list[Action] = field(default_factory=list)
    on_commit_withdraw: list[Action] = field(default_factory=list)
    on_commit_validity: list[Action] = field(default_factory=list)
    #: Extra data frozen into each published version's metadata.
    snapshot: Callable[[Record], dict[str, Any]] | None = None
    #: False for records another record publishes (an interpretation goes out with its policy).
    publishes_alone: Callable[[Record], bool] | None = None
    #: Extra sections on the public record page and on the staff record page: each callable
    #: returns HTML (rendered from the app's own template) or "" when it has nothing to show.
    public_panels: list[Callable[[Record], str]] = field(default_factory=list)
    staff_panels: list[Callable[[Record, Any], str]] = field(default_factory=list)
    #: Text the public sees with the record that is neither a record field nor frozen into
    #: the version by ``snapshot`` (a concern's subject, the words of a captions file): each
    #: callable returns (what to call it, the text) pairs. Screening reads them.
    public_text: list[Callable[[Record], list[tuple[str, str]]]] = field(default_factory=list)


_registry: dict[str, RecordExtension] = {}


def register(extension: RecordExtension) -> None:
    _registry[extension.name] = extension


def discover() -> list[str]:
    """Register the ``extension`` of every installed Gongkai app's ``extension`` module, in
    ``INSTALLED_APPS`` order; returns the modules found. Run once, from
    ``RecordsConfig.ready`` (every model is loaded by then)."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.extension"
        if config.name.startswith("gongkai.") and importlib.util.find_spec(name) is not None:
            register(importlib.import_module(name).extension)
            found.append(name)
    return found


def extensions() -> list[RecordExtension]:
    return list(_registry.values())


def _problems(record: Record, attr: str) -> list[str]:
    found: list[str] = []
    for ext in extensions():
        for check in getattr(ext, attr):
            found.extend(check(record))
    return found


def run_checks(record: Record, stage: str) -> None:
    """Raise ValidationError listing every problem the extensions find at ``stage``."""
    problems = _problems(record, f"{stage}_checks")
    if problems:
        raise ValidationError(problems)


def run_actions(record: Record, by: User, attr: str) -> None:
    for ext in extensions():
        for action in getattr(ext, attr):
            action(record, by)


def snapshot(record: Record) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for ext in extensions():
        if ext.snapshot is not None:
            extra = ext.snapshot(record)
            if extra:
                data[ext.name] = extra
    return data


def public_panels(record: Record) -> list[str]:
    return [html for ext in extensions() for panel in ext.public_panels if (html := panel(record))]


def staff_panels(record: Record, user: Any) -> list[str]:
    return [
        html for ext in extensions() for panel in ext.staff_panels if (html := panel(record, user))
    ]


def public_text(record: Record) -> list[tuple[str, str]]:
    return [pair for ext in extensions() for source in ext.public_text for pair in source(record)]


def publishes_alone(record: Record) -> bool:
    return all(ext.publishes_alone is None or ext.publishes_alone(record) for ext in extensions())

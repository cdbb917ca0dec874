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
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from gongkai.accounts.models import User
    from gongkai.records.models import Attachment, Record
    from gongkai.records.public import PublicChange

logger = logging.getLogger(__name__)

Check = Callable[["Record"], list[str]]
Action = Callable[["Record", Any], None]
AttachmentAction = Callable[["Attachment", Any], None]


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
    #: Work in the same transaction whenever what the public sees of a record changes
    #: (publication, withdrawal, validity, reclassification): the search index queues its
    #: update here, so the intent is exactly as durable as the change.
    on_public_change: list[Callable[[PublicChange], None]] = field(default_factory=list)
    #: After-commit work whenever what the public sees of a record changed (publication,
    #: withdrawal, validity, reclassification): the search index, the page cache.
    on_commit_public: list[Callable[[PublicChange], None]] = field(default_factory=list)
    #: The public pages (URL paths) of this app that show a record, before or after a change,
    #: so the page cache purges them: a listing of its kind, the policy an interpretation
    #: explains.
    public_paths: list[Callable[[PublicChange], list[str]]] = field(default_factory=list)
    #: After an attachment is added and committed (OCR queues its reading of a scan).
    on_commit_attach: list[AttachmentAction] = field(default_factory=list)
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
    #: The record kind whose ``snapshot`` names a form (its ``form`` key) that the public row
    #: keeps (``PublicRecord.form``) and counts (``records.public`` FAMILIES), so that the
    #: kind's listing filters by it without reading versions: an interpretation's 解读形式.
    public_form: str = ""


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


def run_actions(record: Record, by: User | None, attr: str) -> None:
    for ext in extensions():
        for action in getattr(ext, attr):
            action(record, by)


def queue_public_change(change: PublicChange) -> None:
    """In the changing transaction: a failure here rolls the change back."""
    for ext in extensions():
        for action in ext.on_public_change:
            action(change)


def run_public_change(change: PublicChange) -> None:
    """After commit: the change is durable, so a failing follower (the search index, the page
    cache) is logged and the others still run; it must not turn the clerk's committed
    publication into an error page. ``records rebuild-public`` and ``search reindex`` repair."""
    for ext in extensions():
        for action in ext.on_commit_public:
            try:
                action(change)
            except Exception:
                logger.exception("after-commit %s failed for record %s", ext.name, change.record_id)


def public_paths(change: PublicChange) -> list[str]:
    return [path for ext in extensions() for paths in ext.public_paths for path in paths(change)]


def run_attachment_actions(attachment: Attachment, by: User) -> None:
    for ext in extensions():
        for action in ext.on_commit_attach:
            action(attachment, by)


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

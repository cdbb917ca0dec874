"""Extension points of the publishing process.

Other apps add checks and follow-up work to the record workflow by registering a
``RecordExtension`` in their ``AppConfig.ready()``: screening blocks publication while findings
are open, interpretations must go out together with their policy, the search index follows
publications. Hooks run inside the transition's transaction, so a failing hook rolls the whole
transition back. This is an explicit, ordered registry rather than Django signals: a reader
can list everything that runs on publish (see docs/decisions/0004-record-extensions.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from gongkai.records.models import Attachment, Record

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


_registry: dict[str, RecordExtension] = {}


def register(extension: RecordExtension) -> None:
    _registry[extension.name] = extension


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


def run_actions(record: Record, by: Any, attr: str) -> None:
    for ext in extensions():
        for action in getattr(ext, attr):
            action(record, by)


def run_attachment_actions(attachment: Attachment, by: Any) -> None:
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


def publishes_alone(record: Record) -> bool:
    return all(ext.publishes_alone is None or ext.publishes_alone(record) for ext in extensions())

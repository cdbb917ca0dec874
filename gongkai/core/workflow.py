"""One small state-machine engine for every workflow in Gongkai.

A workflow is a literal table of transitions. ``Workflow.apply`` locks the row, checks the
table and the permission predicate, runs the transition's guard, does its effect, sets the
status and its timestamp, and writes the audit row, all in one transaction. Two reviewers
approving at once therefore produce exactly one transition: the second finds the row already
moved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone

from gongkai.core.actors import Actor
from gongkai.core.audit import record_event

M = TypeVar("M", bound=models.Model)

Predicate = Callable[[Any, Any], bool]
Guard = Callable[[Any, Any], None]
#: ``effect(user, locked)``: work a transition does once its checks passed and before the new
#: status is saved, in the same transaction (file the annual report as a record); it may set
#: fields on ``locked`` and returns what the audit row's data should add, or None.
Effect = Callable[[Any, Any], "dict[str, Any] | None"]


#: Called as ``listener(workflow_name, obj, action)`` once the transaction that made a
#: transition has committed. The portal purges its page cache here, so a change any workflow
#: makes to a public page (a comment shown, a feedback report, a mailbox reply) is seen at once.
_committed_listeners: list[Callable[[str, Any, str], None]] = []


#: Every workflow by name, so an audit verb ``<name>.<action>`` finds its Chinese label
#: (``core.verbs``) in the one transition table that defines it.
_registry: dict[str, Workflow[Any]] = {}


def registered() -> dict[str, Workflow[Any]]:
    return _registry


def on_committed_transition(listener: Callable[[str, Any, str], None]) -> None:
    if listener not in _committed_listeners:
        _committed_listeners.append(listener)


class TransitionNotAllowed(Exception):
    """The object is not in a state from which this action can be taken."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def anyone(user: Any, obj: Any) -> bool:
    return True


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    target: str
    label: str
    allowed: Predicate = anyone
    guard: Guard | None = None
    effect: Effect | None = None
    timestamp: str | None = None
    needs_note: bool = False
    denied_message: str = "您没有权限执行此操作。"


class Workflow(Generic[M]):
    """``model`` names the states (the audit log shows their labels); ``audit_target`` picks
    what the audit row is about when that is not the object itself (a screening finding's
    dismissal is part of its record's history)."""

    def __init__(
        self,
        name: str,
        transitions: list[Transition],
        field: str = "status",
        *,
        model: type[models.Model] | None = None,
        audit_target: Callable[[M], models.Model] | None = None,
    ) -> None:
        self.name = name
        self.transitions = transitions
        self.field = field
        self.model = model
        self.audit_target = audit_target
        self._by_action = {t.action: t for t in self.transitions}
        if len(self._by_action) != len(self.transitions):
            raise ValueError(f"{self.name}: duplicate action in the transition table")
        _registry[name] = self

    @property
    def actions(self) -> list[str]:
        return list(self._by_action)

    @property
    def states(self) -> set[str]:
        found: set[str] = set()
        for t in self.transitions:
            found.update(t.sources)
            found.add(t.target)
        return found

    def get(self, action: str) -> Transition:
        try:
            return self._by_action[action]
        except KeyError:
            raise TransitionNotAllowed(f"未知操作：{action}") from None

    def can(self, obj: M, action: str, user: Any) -> bool:
        t = self._by_action.get(action)
        return (
            t is not None and getattr(obj, self.field) in t.sources and bool(t.allowed(user, obj))
        )

    def available(self, obj: M, user: Any) -> list[Transition]:
        return [t for t in self.transitions if self.can(obj, t.action, user)]

    def apply(
        self,
        obj: M,
        action: str,
        *,
        by: Actor,
        note: str = "",
        changes: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        at: Any = None,
    ) -> M:
        """Take ``action`` on ``obj`` as user ``by``; return the fresh, saved object."""
        t = self.get(action)
        note = (note or "").strip()
        if t.needs_note and not note:
            raise TransitionNotAllowed(f"“{t.label}”需要填写说明。")
        with transaction.atomic():
            locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
            current = getattr(locked, self.field)
            if current not in t.sources:
                label = _status_label(locked, self.field)
                raise TransitionNotAllowed(f"当前状态为“{label}”，不能执行“{t.label}”。")
            if not t.allowed(by, locked):
                raise PermissionDenied(t.denied_message)
            if t.guard is not None:
                t.guard(by, locked)
            for name, value in (changes or {}).items():
                setattr(locked, name, value)
            if t.effect is not None:
                data = {**(data or {}), **(t.effect(by, locked) or {})}
            setattr(locked, self.field, t.target)
            if t.timestamp:
                setattr(locked, t.timestamp, at or timezone.now())
            locked.save()
            record_event(
                f"{self.name}.{action}",
                actor=by,
                target=self.audit_target(locked) if self.audit_target else locked,
                from_status=current,
                to_status=t.target,
                note=note,
                data=data,
            )
            transaction.on_commit(lambda: self._announce(locked, action))
        return locked

    def _announce(self, obj: Any, action: str) -> None:
        for listener in _committed_listeners:
            listener(self.name, obj, action)


def _status_label(obj: models.Model, field_name: str) -> str:
    display = getattr(obj, f"get_{field_name}_display", None)
    return str(display()) if callable(display) else str(getattr(obj, field_name))


def pairs(workflow: Workflow[Any], states: Iterable[str]) -> list[tuple[str, str, bool]]:
    """Every (state, action) pair with whether the table allows it: for table-driven tests."""
    return [
        (state, t.action, state in t.sources)
        for state in sorted(states)
        for t in workflow.transitions
    ]

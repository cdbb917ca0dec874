"""Who may prepare and edit interpretations. Interpretations are records, so the record
predicates decide; these add the rule that content is only edited while the record is a draft
(what reviewers approved is what gets published)."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from gongkai.records import permissions as records_can
from gongkai.records.models import Kind, Record, Status


def can_prepare(user: Any, policy: Record) -> bool:
    """Edit the interpretation plan and risk assessment: the drafter, while it is a draft
    (谁起草、谁预判)."""
    return policy.status == Status.DRAFT and records_can.can_edit(user, policy)


def can_interpret(user: Any, policy: Record) -> bool:
    """Start an interpretation of ``policy``: a clerk of the drafting organisation (谁起草、
    谁解读), any time before it is withdrawn (later stages come while it is carried out)."""
    return (
        policy.kind != Kind.INTERPRETATION
        and policy.status != Status.WITHDRAWN
        and records_can.can_edit(user, policy)
    )


def can_edit_content(user: Any, record: Record) -> bool:
    return record.status == Status.DRAFT and records_can.can_edit(user, record)


def get_policy_for(user: Any, pk: int, predicate: Any = records_can.can_view) -> Record:
    record = records_can.get_record_for(user, pk, predicate)
    if record.kind == Kind.INTERPRETATION:
        raise Http404("没有找到该文件。")
    return record


def get_interpretation_for(user: Any, pk: int, predicate: Any = records_can.can_view) -> Record:
    """The interpretation's record, fetched and authorised like any record (404 outside the
    user's organisations, 403 when the action is not theirs)."""
    record = records_can.get_record_for(user, pk, predicate)
    if record.kind != Kind.INTERPRETATION or not hasattr(record, "interpretation"):
        raise Http404("没有找到该解读。")
    return record

"""Who may resolve findings and who keeps the sensitive-term list.

Dismissing a finding is a reviewer's judgement, so it follows the four-eyes rule of the
records workflow: a document or disclosure reviewer of the record's organisation, never its
author. Masking and replacing attachments are edits of the draft: the clerk's. The term list
is the city bureau's (its security administrator, who keeps it under 三员分立, and its system
administrators and disclosure reviewers).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import grants, has_role
from gongkai.organisations.models import Kind
from gongkai.records import permissions as records_can
from gongkai.records.models import Record, Status
from gongkai.screening.detectors import PERSONAL_DATA_KINDS
from gongkai.screening.models import Finding, FindingStatus

MASKABLE_KINDS = tuple(sorted(PERSONAL_DATA_KINDS))
REVIEWER_ROLES = (Role.DOCUMENT_REVIEWER, Role.DISCLOSURE_REVIEWER)
TERM_ROLES = (Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN, Role.DISCLOSURE_REVIEWER)
#: Findings can be acted on until the record is out; after that a revision starts again.
ACTIVE_STATUSES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.DOCUMENT_REVIEWED,
    Status.APPROVED,
    Status.SCHEDULED,
)


def can_dismiss(user: Any, finding: Finding) -> bool:
    record = finding.record
    return (
        finding.status == FindingStatus.OPEN
        and record.status in ACTIVE_STATUSES
        and has_role(user, REVIEWER_ROLES, record.organisation)
        and user.pk != record.author_id
    )


def can_fix(user: Any, record: Record) -> bool:
    """Mask the body or replace an attachment: an edit of the draft."""
    return record.status == Status.DRAFT and records_can.can_edit(user, record)


def can_rescan(user: Any, record: Record) -> bool:
    return record.status in ACTIVE_STATUSES and (
        records_can.can_edit(user, record) or has_role(user, REVIEWER_ROLES, record.organisation)
    )


def can_manage_terms(user: Any) -> bool:
    return any(
        g.role in TERM_ROLES and g.organisation.kind == Kind.CITY_BUREAU for g in grants(user)
    )


def get_finding_for(user: Any, pk: int) -> Finding:
    """404 when the user cannot see the record (no leak of its existence), 403 when they
    can see it but may not dismiss."""
    finding = get_object_or_404(
        Finding.objects.select_related("record__organisation", "attachment"), pk=pk
    )
    records_can.get_record_for(user, finding.record_id)
    if not can_dismiss(user, finding):
        raise PermissionDenied("排除须由本单位审核人员进行，且不能是该信息的制作人。")
    return finding

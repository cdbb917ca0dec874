"""Supervision's writes: each validates, saves and writes an audit row in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb
from gongkai.organisations.models import Organisation
from gongkai.supervision.annual import drafts as annual_reports  # noqa: F401 - its workflow
from gongkai.supervision.models import ApplicabilityOverride, ScoringScheme

if TYPE_CHECKING:
    from gongkai.accounts.models import User


SCHEME_FIELDS = (
    "on_time_points",
    "late_points",
    "late_deduction_per_day",
    "late_floor",
    "overdue_points",
    "missing_points",
    "blank_column_veto",
    "stale_column_veto",
    "weights",
)


def update_scheme(scheme: ScoringScheme, *, by: User, **changes: Any) -> ScoringScheme:
    unknown = set(changes) - set(SCHEME_FIELDS)
    if unknown:
        raise TypeError(f"update_scheme got unknown fields: {sorted(unknown)}")
    before = {f: getattr(scheme, f) for f in changes}
    for field, value in changes.items():
        setattr(scheme, field, value)
    if scheme.late_floor > scheme.late_points:
        raise ValidationError("逾期发布最低分不能高于逾期发布基础分。")
    with transaction.atomic():
        scheme.updated_by = by
        scheme.save()
        record_event(
            Verb.SUPERVISION_SCHEME,
            actor=by,
            target=scheme,
            data={"before": before, "after": {f: getattr(scheme, f) for f in changes}},
        )
    return scheme


def set_applicability(
    org: Organisation, item_key: str, *, applicable: bool, reason: str, by: User
) -> ApplicabilityOverride:
    if not reason.strip():
        raise ValidationError("调整事项适用范围须说明理由。")
    with transaction.atomic():
        override, _ = ApplicabilityOverride.objects.update_or_create(
            organisation=org,
            item_key=item_key,
            defaults={"is_applicable": applicable, "reason": reason.strip(), "set_by": by},
        )
        record_event(
            Verb.SUPERVISION_APPLICABILITY,
            actor=by,
            target=override,
            data={"item": item_key, "applicable": applicable},
            note=reason,
        )
    return override

"""Writes for screening: changes to the sensitive-term list, each with an audit row.

Removing or disabling a term changes what can be published, so who did it, and when, is
evidence like any other state change.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from gongkai.core.audit import record_event
from gongkai.screening.models import SensitiveTerm


def save_sensitive_term(term: SensitiveTerm, *, by: Any) -> SensitiveTerm:
    """Create or update one term (validated), with an audit row."""
    term.full_clean()
    with transaction.atomic():
        created = term.pk is None
        if created:
            term.created_by = by if getattr(by, "pk", None) else None
        term.save()
        record_event(
            "screening.term_create" if created else "screening.term_update",
            actor=by,
            target=term,
            data={"term": term.term, "is_active": term.is_active, "note": term.note},
        )
    return term


def delete_sensitive_term(term: SensitiveTerm, *, by: Any) -> None:
    with transaction.atomic():
        record_event("screening.term_delete", actor=by, target=term, data={"term": term.term})
        term.delete()

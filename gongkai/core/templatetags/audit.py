"""Audit rows as staff read them: ``{{ event|verb_label }}``, ``{{ event|status_change }}``."""

from __future__ import annotations

from typing import Any

from django import template

from gongkai.core import verbs

register = template.Library()


@register.filter
def verb_label(event_or_verb: Any) -> str:
    return verbs.label(getattr(event_or_verb, "verb", event_or_verb))


@register.filter
def status_change(event: Any) -> str:
    """“草稿 → 待公文审核”, or "" when the row changed no status."""
    if not (event.from_status or event.to_status):
        return ""
    before = verbs.status_label(event, event.from_status) or "—"
    return f"{before} → {verbs.status_label(event, event.to_status)}"

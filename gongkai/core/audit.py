"""Writing and verifying the audit trail.

``record_event`` must run inside the caller's transaction: the audit row and the change it
describes commit together or not at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from gongkai.core.models import AuditChainHead, AuditEvent

#: The client address of the request being served, set by ClientAddressMiddleware.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def _digest(event: AuditEvent) -> str:
    payload = {
        "at": event.at.isoformat(),
        "actor": event.actor_id,
        "actor_name": event.actor_name,
        "ip": event.ip,
        "verb": event.verb,
        "content_type": event.content_type_id,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "from": event.from_status,
        "to": event.to_status,
        "note": event.note,
        "data": event.data,
        "prev": event.prev_hash,
    }
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_event(
    verb: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one row to the audit chain (in the current transaction)."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        event = AuditEvent(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=_actor_name(actor),
            ip=current_ip.get(),
            verb=verb,
            from_status=from_status,
            to_status=to_status,
            note=note,
            data=data or {},
            prev_hash=head.last_hash,
        )
        if target is not None:
            event.content_type = ContentType.objects.get_for_model(type(target))
            event.object_id = str(target.pk)
            event.object_repr = str(target)[:300]
        # JSON goes through the database; hash what will be read back.
        event.data = json.loads(json.dumps(event.data, ensure_ascii=False, default=str))
        event.hash = _digest(event)
        event.save()
        head.last_hash = event.hash
        head.save(update_fields=["last_hash"])
    return event


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "系统"
    name = getattr(actor, "display_name", None) or getattr(actor, "username", "")
    return str(name)[:150]


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    reason: str


def verify_chain(batch_size: int = 2000) -> BrokenLink | None:
    """Walk the chain in order; return the first row whose hash or link does not hold."""
    previous = ""
    for event in _iterate(batch_size):
        if event.prev_hash != previous:
            return BrokenLink(event.id, "与上一条记录的链接不符（记录被删除或插入）")
        if _digest(event) != event.hash:
            return BrokenLink(event.id, "内容与哈希不符（记录被修改）")
        previous = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != previous:
        return BrokenLink(0, "链尾与最后一条记录不符（最新记录被删除）")
    return None


def _iterate(batch_size: int) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id

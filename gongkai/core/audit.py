"""Writing and verifying the audit trail.

``record_event`` must run inside the caller's transaction: the audit row and the change it
describes commit together or not at all.

The chain is keyed (docs/decisions/0013). Each row's ``hash`` is an HMAC-SHA256, under a key
kept outside the database (``AUDIT_KEY``/``AUDIT_KEY_FILE``), of its content and the previous
row's hash; ``key_id`` names the key. Someone who can write the database but not read the key
cannot recompute the chain after editing a row. Rows written before the key was configured
keep their plain SHA-256 (``key_id`` empty); the first keyed row after them is an
``audit.key_switch`` row whose HMAC covers the last unkeyed hash, so the older rows are
protected from then on too. A change to another key is recorded the same way.

Removing the newest rows and moving the head back leaves a chain that is consistent in itself.
That is what **anchors** are for: a signed head (row id, hash, time and an HMAC over them) that
the daily job writes to the log and to a file outside the database, and that every backup
writes into its manifest. ``verify`` checks the chain against the anchors it is given: an
anchored row that is missing (truncation) or has another hash (rewrite) is reported.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone

from gongkai.core.models import AuditChainHead, AuditEvent

logger = logging.getLogger("gongkai.audit")

#: The client address of the request being served, set by ClientAddressMiddleware.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)

#: The row written into the chain when it starts to be signed with a (new) key
#: (``Verb.AUDIT_KEY_SWITCH``; core.verbs imports the workflow engine, which imports this).
KEY_SWITCH = "audit.key_switch"
ANCHOR_TAG = "audit_anchor"


# --- Keys ---------------------------------------------------------------------------------


def key_id(key: str) -> str:
    """A short public name for a key (it reveals nothing of the key itself)."""
    return hmac.new(key.encode("utf-8"), b"gongkai audit key id", hashlib.sha256).hexdigest()[:12]


def _keys() -> dict[str, bytes]:
    """Every configured key by its id; the signing key is the first one configured."""
    return {key_id(k): k.encode("utf-8") for k in settings.GONGKAI_AUDIT_KEYS}


def signing_key() -> tuple[str, bytes] | None:
    keys = list(settings.GONGKAI_AUDIT_KEYS)
    if not keys:
        return None
    return key_id(keys[0]), keys[0].encode("utf-8")


# --- Digests ------------------------------------------------------------------------------


def _payload(event: AuditEvent) -> bytes:
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
    if event.key_id:
        payload["key"] = event.key_id
    text = json.dumps(payload, ensure_ascii=False, sort_keys=True, default=str)
    return text.encode("utf-8")


def _digest(event: AuditEvent, key: bytes | None) -> str:
    """The row's hash: HMAC-SHA256 under ``key``, or plain SHA-256 for an unkeyed row."""
    if key is None:
        return hashlib.sha256(_payload(event)).hexdigest()
    return hmac.new(key, _payload(event), hashlib.sha256).hexdigest()


# --- Writing ------------------------------------------------------------------------------


def record_event(
    verb: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """Append one row to the audit chain (in the current transaction).

    ``ip`` defaults to the address of the request being served (ClientAddressMiddleware)."""
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        signer = signing_key()
        if signer is None and head.key_id:
            # Writing unkeyed rows after keyed ones would look exactly like a forged chain.
            raise ImproperlyConfigured(
                "The audit chain is signed but AUDIT_KEY (or AUDIT_KEY_FILE) is not set: "
                "configure the key to record changes."
            )
        if signer is not None and signer[0] != head.key_id and head.last_hash:
            _append(
                head,
                signer,
                AuditEvent(
                    actor_name="系统",
                    verb=KEY_SWITCH,
                    note="审计链自此用新的密钥签名" if head.key_id else "审计链自此用密钥签名",
                    data={"from_key": head.key_id, "to_key": signer[0]},
                    ip=None,
                ),
            )
        event = AuditEvent(
            actor=actor if getattr(actor, "pk", None) else None,
            actor_name=_actor_name(actor),
            ip=ip if ip is not None else current_ip.get(),
            verb=verb,
            from_status=from_status,
            to_status=to_status,
            note=note,
            data=data or {},
        )
        if target is not None:
            # The model from _meta, not type(): request.user is a lazy wrapper.
            event.content_type = ContentType.objects.get_for_model(target._meta.model)
            event.object_id = str(target.pk)
            event.object_repr = str(target)[:300]
        _append(head, signer, event)
    return event


def _append(head: AuditChainHead, signer: tuple[str, bytes] | None, event: AuditEvent) -> None:
    event.prev_hash = head.last_hash
    event.key_id = signer[0] if signer else ""
    # JSON goes through the database; hash what will be read back.
    event.data = json.loads(json.dumps(event.data, ensure_ascii=False, default=str))
    event.hash = _digest(event, signer[1] if signer else None)
    event.save()
    head.last_hash = event.hash
    head.key_id = event.key_id
    head.save(update_fields=["last_hash", "key_id"])


def _actor_name(actor: Any) -> str:
    if actor is None:
        return "系统"
    name = getattr(actor, "display_name", None) or getattr(actor, "username", "")
    return str(name)[:150]


# --- Anchors ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Anchor:
    """A signed chain head: row ``event_id`` had ``hash`` at time ``at``."""

    event_id: int
    hash: str
    at: str
    key: str
    mac: str
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            ANCHOR_TAG: 1,
            "event_id": self.event_id,
            "hash": self.hash,
            "at": self.at,
            "key": self.key,
            "mac": self.mac,
        }


def _anchor_mac(key: bytes, event_id: int, hash_: str, at: str) -> str:
    message = f"gongkai-audit-anchor|{event_id}|{hash_}|{at}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sign_head(now: datetime | None = None) -> Anchor | None:
    """The current head, signed; None for an empty chain or when no key is configured."""
    signer = signing_key()
    if signer is None:
        return None
    with transaction.atomic():
        head = AuditChainHead.objects.select_for_update().filter(pk=1).first()
        if head is None or not head.last_hash:
            return None
        newest = AuditEvent.objects.filter(hash=head.last_hash).values_list("id", flat=True)
        event_id = newest.first()
    if event_id is None:
        return None  # the head names no row: `verify` reports that
    at = (now or timezone.now()).isoformat()
    return Anchor(
        event_id=event_id,
        hash=head.last_hash,
        at=at,
        key=signer[0],
        mac=_anchor_mac(signer[1], event_id, head.last_hash, at),
    )


def anchor_head(path: Path | None = None) -> Anchor | None:
    """Sign the head and put it outside the database: in the log, and appended to
    ``GONGKAI_AUDIT_ANCHOR_FILE`` (or ``path``). Run daily by the job runner."""
    anchor = sign_head()
    if anchor is None:
        if signing_key() is None:
            logger.warning("audit anchor not written: AUDIT_KEY is not configured")
        return None
    line = json.dumps(anchor.as_dict(), sort_keys=True)
    logger.info("audit-anchor %s", line)
    target = Path(path or settings.GONGKAI_AUDIT_ANCHOR_FILE)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        logger.exception("audit anchor could not be appended to %s (it is in the log)", target)
    return anchor


def read_anchors(path: Path) -> list[Anchor]:
    """Anchors from a file: the anchor file, a log that contains ``audit-anchor`` lines, or a
    backup's manifest.json. Lines without an anchor are skipped."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    found: list[dict[str, Any]] = []
    try:
        whole = json.loads(text)
    except ValueError:
        whole = None
    if isinstance(whole, dict):
        if isinstance(whole.get(ANCHOR_TAG), dict):
            found.append(whole[ANCHOR_TAG])  # a backup manifest
        elif whole.get(ANCHOR_TAG) == 1:
            found.append(whole)
    else:
        decoder = json.JSONDecoder()
        for line in text.splitlines():
            start = line.find("{")
            if start < 0 or ANCHOR_TAG not in line:
                continue
            try:
                value, _ = decoder.raw_decode(line[start:])
            except ValueError:
                continue
            if isinstance(value, dict) and value.get(ANCHOR_TAG) == 1:
                found.append(value)
    anchors = []
    for value in found:
        try:
            anchors.append(
                Anchor(
                    event_id=int(value["event_id"]),
                    hash=str(value["hash"]),
                    at=str(value["at"]),
                    key=str(value["key"]),
                    mac=str(value["mac"]),
                    source=str(path),
                )
            )
        except (KeyError, TypeError, ValueError):
            continue
    return anchors


def default_anchors() -> list[Anchor]:
    path = Path(settings.GONGKAI_AUDIT_ANCHOR_FILE)
    return read_anchors(path) if path.is_file() else []


# --- Verifying ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BrokenLink:
    event_id: int
    reason: str


@dataclass
class Verification:
    """What ``verify`` found: every problem, in chain order, then the anchors'."""

    events: int = 0
    keyed_events: int = 0
    anchors_checked: int = 0
    problems: list[BrokenLink] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(batch_size: int = 2000) -> BrokenLink | None:
    """Walk the chain in order (and check it against the configured anchor file); return the
    first problem, or None when everything holds."""
    result = verify(batch_size=batch_size)
    return result.problems[0] if result.problems else None


def verify(*, anchors: Iterable[Anchor] | None = None, batch_size: int = 2000) -> Verification:
    """Check every row's hash and link, that no unkeyed row follows a keyed one, the head,
    and the anchors (default: the configured anchor file)."""
    keys = _keys()
    anchor_list = list(default_anchors() if anchors is None else anchors)
    anchored = {a.event_id for a in anchor_list}
    hashes_at: dict[int, str] = {}
    result = Verification()
    previous = ""
    seen_key = ""
    first_break: int | None = None

    def problem(event_id: int, reason: str) -> None:
        nonlocal first_break
        result.problems.append(BrokenLink(event_id, reason))
        if first_break is None:
            first_break = event_id

    for event in _iterate(batch_size):
        result.events += 1
        if event.id in anchored:
            hashes_at[event.id] = event.hash
        if first_break is not None:
            continue  # after the first break every later row would be reported too
        if event.prev_hash != previous:
            problem(event.id, "与上一条记录的链接不符（记录被删除或插入）")
            continue
        if event.key_id:
            result.keyed_events += 1
            key = keys.get(event.key_id)
            if key is None:
                problem(
                    event.id,
                    f"签名密钥 {event.key_id} 未配置（AUDIT_KEY），无法核验该记录及其后的记录",
                )
                continue
            if event.key_id != seen_key and previous and event.verb != KEY_SWITCH:
                problem(event.id, "签名密钥在此更换，但没有密钥更换记录（记录被篡改）")
                continue
            if not hmac.compare_digest(_digest(event, key), event.hash):
                problem(event.id, "内容与签名不符（记录被修改）")
                continue
            seen_key = event.key_id
        else:
            if seen_key:
                problem(event.id, "已用密钥签名的审计链中出现未签名的记录（记录被修改后重新计算）")
                continue
            if _digest(event, None) != event.hash:
                problem(event.id, "内容与哈希不符（记录被修改）")
                continue
        previous = event.hash
    head = AuditChainHead.objects.filter(pk=1).first()
    if first_break is None and head is not None:
        if head.last_hash != previous:
            problem(0, "链尾与最后一条记录不符（最新记录被删除）")
        elif head.key_id and not seen_key:
            problem(0, "链头标明已用密钥签名，但记录均未签名（审计链被改写）")
    for anchor in anchor_list:
        reason = _check_anchor(anchor, keys, hashes_at)
        result.anchors_checked += 1
        if reason:
            result.problems.append(BrokenLink(anchor.event_id, reason))
    return result


def _check_anchor(anchor: Anchor, keys: dict[str, bytes], hashes_at: dict[int, str]) -> str:
    where = f"{anchor.at[:19].replace('T', ' ')} 的锚点（{anchor.source or '参数'}）"
    key = keys.get(anchor.key)
    if key is None:
        return f"{where}由未配置的密钥 {anchor.key} 签名，无法核验"
    expected = _anchor_mac(key, anchor.event_id, anchor.hash, anchor.at)
    if not hmac.compare_digest(expected, anchor.mac):
        return f"{where}签名无效（锚点被伪造或改动）"
    if anchor.event_id not in hashes_at:
        return f"{where}记载的第 {anchor.event_id} 条记录已不存在（最新的记录被删除、链尾被移回）"
    if hashes_at[anchor.event_id] != anchor.hash:
        return f"{where}记载的第 {anchor.event_id} 条记录的哈希与现存记录不符（审计链被改写）"
    return ""


def _iterate(batch_size: int) -> Iterator[AuditEvent]:
    last_id = 0
    while True:
        batch = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id

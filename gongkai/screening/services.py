"""Writes for screening, each in a transaction with an audit row.

* ``screen_record``: scan every part of a record its readers will see (``parts.py``: title,
  summary, body and its links, 文号, what its kind adds) and its current attachments (their
  names and every part of the files) and bring its stored findings up to date (new ones
  open, vanished open ones resolved, dismissed ones stay dismissed). The records workflow
  calls it on submission and again just before publishing.
* ``dismiss_finding``: a reviewer (not the author) decides a finding is not a leak, with a
  written reason.
* ``mask_body``: rewrite the personal data in a draft's title, summary and body (its link
  addresses too) to the usual masked forms, as an ordinary versioned edit
  (``records.services.update_record``).
* ``replace_attachment``: the clerk uploads a cleaned file; the original is kept, not public.
* the sensitive-term list: create, update, switch on and off, delete.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb
from gongkai.core.workflow import Transition, TransitionNotAllowed, Workflow
from gongkai.records import permissions as records_can
from gongkai.records import services as records
from gongkai.records.models import Attachment, Record, Status
from gongkai.screening import permissions as can
from gongkai.screening import sources
from gongkai.screening.characters import remove_invisible
from gongkai.screening.detectors import PERSONAL_DATA_KINDS
from gongkai.screening.extract import UNREADABLE
from gongkai.screening.masking import (
    apply_mask,
    mask_number,
    mask_spans,
    masked_personal_data,
)
from gongkai.screening.models import Finding, FindingStatus, SensitiveTerm
from gongkai.screening.parts import attachment_name_part, record_parts
from gongkai.screening.scan import (
    Part,
    ScanFinding,
    active_terms,
    html_parts,
    scan_file,
    scan_part,
)

if TYPE_CHECKING:
    from gongkai.accounts.models import User


#: A reason such as "无" or "ok" explains nothing to whoever reads the audit trail later.
MIN_REASON_LENGTH = 4


# --- Screening a record -------------------------------------------------------------------


def fingerprint(kind: str, text: str) -> str:
    """Keyed (SECRET_KEY), so the stored value cannot be reversed by trying every number.
    ``text`` is what the finding reads as (``ScanFinding.reads_as``)."""
    return salted_hmac("gongkai.screening.finding", f"{kind}\0{text}").hexdigest()


def safe_excerpt(finding: ScanFinding) -> str:
    """What may be stored and shown: personal data only in its masked form, as it reads
    (371502********1234, 138****5678), markings without their invisible characters."""
    if finding.kind in PERSONAL_DATA_KINDS:
        return mask_number(finding.kind, finding.value or finding.text)[:300]
    return remove_invisible(finding.reads_as)[:300]


def safe_location(location: str) -> str:
    """A location may quote what holds it (a sheet named after a person, a file name):
    personal data in it is masked too."""
    return masked_personal_data(location)


@dataclass
class _Seen:
    kind: str
    excerpt: str
    locations: list[str] = field(default_factory=list)


def _scan_attachment(attachment: Attachment, terms: list[str]) -> list[ScanFinding]:
    try:
        with attachment.file.open("rb") as fileobj:
            found = scan_file(fileobj, attachment.original_name, terms=terms)
        # Text other apps read from it (OCR of scanned pages): gongkai/screening/sources.py.
        return sources.with_extra_parts(attachment, found, terms)
    except OSError:
        return [ScanFinding(UNREADABLE, "附件文件缺失或无法打开，请重新上传。", "")]
    except Exception:  # a hostile file must give a finding, never a crash of the review
        return [ScanFinding(UNREADABLE, "读取附件时出错，无法自动检查，请人工核对。", "")]


def _scan(record: Record) -> dict[tuple[int | None, str], _Seen]:
    terms = active_terms()
    seen: dict[tuple[int | None, str], _Seen] = {}

    def add(attachment_id: int | None, found: Iterable[ScanFinding]) -> None:
        for f in found:
            key = (attachment_id, fingerprint(f.kind, f.reads_as))
            entry = seen.setdefault(key, _Seen(f.kind, safe_excerpt(f)))
            location = safe_location(f.location)
            if location and location not in entry.locations:
                entry.locations.append(location)

    for part in record_parts(record):
        add(None, scan_part(part, terms=terms))
    for attachment in record.attachments.filter(is_current=True):
        add(attachment.pk, scan_part(attachment_name_part(attachment), terms=terms))
        add(attachment.pk, _scan_attachment(attachment, terms))
    return seen


def _locations(entry: _Seen) -> str:
    text = "、".join(entry.locations)
    return text if len(text) <= 300 else text[:297] + "…"


def screen_record(
    record: Record, *, by: User | None = None, stage: str = "manual"
) -> list[Finding]:
    """Scan the record and update its findings; return the open ones (with an audit row).

    Run inside the workflow's transaction this writes with it: when a publish check refuses,
    the findings it just discovered roll back with the refused transition, but the refusal
    names them, and a rescan (``stage="manual"``) stores them for the reviewer.
    """
    seen = _scan(record)
    now = timezone.now()
    with transaction.atomic():
        existing = {
            (f.attachment_id, f.fingerprint): f
            for f in Finding.objects.select_for_update().filter(record=record).order_by("pk")
        }
        new = reopened = resolved = 0
        for key, entry in seen.items():
            finding = existing.get(key)
            if finding is None:
                Finding.objects.create(
                    record=record,
                    attachment_id=key[0],
                    kind=entry.kind,
                    excerpt=entry.excerpt,
                    fingerprint=key[1],
                    location=_locations(entry),
                    occurrences=max(len(entry.locations), 1),
                    found_at=now,
                    last_seen_at=now,
                )
                new += 1
                continue
            if finding.status == FindingStatus.RESOLVED:
                finding.status, finding.resolved_at = FindingStatus.OPEN, None
                reopened += 1
            finding.location = _locations(entry)
            finding.occurrences = max(len(entry.locations), 1)
            finding.last_seen_at = now
            finding.save()
        for key, finding in existing.items():
            if key not in seen and finding.status == FindingStatus.OPEN:
                finding.status, finding.resolved_at = FindingStatus.RESOLVED, now
                finding.save(update_fields=["status", "resolved_at"])
                resolved += 1
        still_open = list(Finding.objects.open().filter(record=record).select_related("attachment"))
        record_event(
            Verb.SCREENING_SCREEN,
            actor=by,
            target=record,
            data={
                "stage": stage,
                "new": new,
                "reopened": reopened,
                "resolved": resolved,
                "open": len(still_open),
            },
        )
    return still_open


def blocking_message(findings: list[Finding]) -> str:
    listed = "；".join(f.describe() for f in findings[:10])
    more = f"等{len(findings)}处" if len(findings) > 10 else ""
    return (
        f"保密审查发现{len(findings)}处未处理的问题，不能发布：{listed}{more}。"
        "请退回修改后对正文脱敏或上传清理后的附件，或由审核人员填写理由后排除误报。"
    )


# --- Resolving findings -------------------------------------------------------------------


DISMISS_DENIED = "排除须由本单位审核人员进行，且不能是该信息的制作人。"
#: A finding is dismissed through the one workflow engine; the audit row joins its record's
#: history (the record is what reviewers read the trail of).
workflow: Workflow[Finding] = Workflow(
    "screening",
    [
        Transition(
            "dismiss",
            (FindingStatus.OPEN,),
            FindingStatus.DISMISSED,
            "排除疑点",
            allowed=can.can_dismiss,
            needs_note=True,
            timestamp="dismissed_at",
            denied_message=DISMISS_DENIED,
        )
    ],
    model=Finding,
    audit_target=lambda finding: finding.record,
)


def dismiss_finding(finding: Finding, *, by: User, reason: str) -> Finding:
    """A reviewer judges the finding not to be a leak; the reason goes into the audit trail."""
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            f"排除须填写理由（至少{MIN_REASON_LENGTH}个字），说明为什么这不是需要处理的信息。"
        )
    try:
        return workflow.apply(
            finding,
            "dismiss",
            by=by,
            note=reason,
            changes={"dismissal_reason": reason, "dismissed_by": by},
            data={"finding": finding.pk, "kind": finding.kind, "excerpt": finding.excerpt},
        )
    except TransitionNotAllowed as exc:
        raise ValidationError(exc.message) from None
    except PermissionDenied:
        # The pages show a refused dismissal like a refused form, as a ValidationError.
        raise ValidationError(DISMISS_DENIED) from None


def mask_body(record: Record, *, by: User, revision: int) -> Record:
    """Mask every open ID, mobile and card finding in the draft's title, summary and body
    (its text and its link addresses), in the HTML as written: a number split by tags or
    written with entities is masked where it stands, the tags kept."""
    open_prints = set(
        Finding.objects.open()
        .in_body()
        .filter(record=record, kind__in=can.MASKABLE_KINDS)
        .values_list("fingerprint", flat=True)
    )
    terms = active_terms()

    def masked(source: str, parts: list[Part]) -> tuple[str, int]:
        spans: dict[int, int] = {}
        count = 0
        for part in parts:
            found = [
                f
                for f in scan_part(part, terms=terms)
                if f.is_maskable and fingerprint(f.kind, f.reads_as) in open_prints
            ]
            spans.update(mask_spans(part.reading, found))
            count += len(found)
        return apply_mask(source, spans), count

    title, in_title = masked(record.title, [Part.plain("标题", record.title)])
    summary, in_summary = masked(record.summary, [Part.plain("内容概述", record.summary)])
    body, in_body = masked(record.body, html_parts("正文", record.body))
    total = in_title + in_summary + in_body
    if not total:
        raise ValidationError(
            "标题、内容概述和正文中没有可以自动脱敏的身份证号码、手机号码或银行卡号；"
            "文号、附件和结构化内容中的问题请修改相应内容或替换附件。"
        )
    with transaction.atomic():
        edited = records.update_record(
            record, by=by, revision=revision, title=title, summary=summary, body=body
        )
        record_event(
            Verb.SCREENING_MASK,
            actor=by,
            target=edited,
            data={"masked": total, "revision": edited.revision},
        )
        screen_record(edited, by=by, stage="mask")
    return edited


def replace_attachment(
    attachment: Attachment, fileobj: IO[bytes], name: str, *, by: User
) -> Attachment:
    """Put a cleaned file in the original's place. The original stays on file for the audit
    but is no longer current, so no published version lists it and the portal never serves
    it."""
    record = attachment.record
    if not attachment.is_current:
        raise ValidationError("该附件已被替换或移除。")
    if record.status != Status.DRAFT or not records_can.can_edit(by, record):
        raise ValidationError("只有草稿可以替换附件，请先退回修改。")
    with transaction.atomic():
        cleaned = records.add_attachment(record, fileobj, name, by=by)
        records.remove_attachment(attachment, by=by)
        attachment.replaced_by = cleaned
        attachment.save(update_fields=["replaced_by"])
        cleaned.order = attachment.order
        cleaned.save(update_fields=["order"])
        record_event(
            Verb.SCREENING_REPLACE_ATTACHMENT,
            actor=by,
            target=record,
            data={
                "original": attachment.pk,
                "original_sha256": attachment.sha256,
                "cleaned": cleaned.pk,
                "cleaned_sha256": cleaned.sha256,
            },
        )
        screen_record(record, by=by, stage="replace")
    return cleaned


# --- The sensitive-term list ---------------------------------------------------------------


def save_sensitive_term(term: SensitiveTerm, *, by: User) -> SensitiveTerm:
    """Create or update one term (validated), with an audit row."""
    term.full_clean()
    with transaction.atomic():
        created = term.pk is None
        if created:
            term.created_by = by if getattr(by, "pk", None) else None
        term.save()
        record_event(
            Verb.SCREENING_TERM_CREATE if created else "screening.term_update",
            actor=by,
            target=term,
            data={"term": term.term, "is_active": term.is_active, "note": term.note},
        )
    return term


def set_term_active(term: SensitiveTerm, *, by: User, active: bool) -> SensitiveTerm:
    term.is_active = active
    return save_sensitive_term(term, by=by)


def delete_sensitive_term(term: SensitiveTerm, *, by: User) -> None:
    with transaction.atomic():
        record_event(Verb.SCREENING_TERM_DELETE, actor=by, target=term, data={"term": term.term})
        term.delete()

"""What each structured kind must contain, how it is frozen into a version, and its text.

Three pure steps, shared by the checks, the publish snapshot and the pages:

* ``snapshot(record)`` reads the working copy into a plain JSON-able dict (labels included,
  so an old version still reads right after a choice list changes);
* ``missing_elements(kind, data)`` names, in Chinese and in the standard's order, every
  required element the dict lacks;
* ``render_body(kind, data)`` writes the record's body from the dict. The body is generated so
  that screening, search and the version diff all see the structured content without knowing
  about it; the public page shows the frozen body of the published version.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from gongkai.records.models import Kind, Record

#: The record kinds this app adds structure to.
KINDS = (Kind.SERVICE_GUIDE, Kind.POWER_ITEM, Kind.SUPERVISION_MATTER, Kind.REFORM)

KIND_NAMES: dict[str, str] = {
    Kind.SERVICE_GUIDE: "办事指南",
    Kind.POWER_ITEM: "行政权力事项",
    Kind.SUPERVISION_MATTER: "监管事项",
    Kind.REFORM: "执行落实事项",
}

# The elements of 标准 四(一) and of the inspection indicators (国办秘函〔2019〕19号, 单项否决 6:
# 事项名称、设定依据、申请条件、办理材料、办理地点、办理时间、联系电话、办理流程 …), each
# with the key of ``snapshot`` that holds it. "title" is the record's title.
REQUIRED: dict[str, list[tuple[str, str]]] = {
    Kind.SERVICE_GUIDE: [
        ("title", "事项名称"),
        ("responsible_body", "实施主体"),
        ("legal_basis", "设定依据"),
        ("conditions", "申请条件"),
        ("steps", "办理流程"),
        ("materials", "申请材料"),
        ("fee", "收费标准"),
        ("promised_limit", "承诺时限"),
        ("statutory_limit", "法定时限"),
        ("location", "办理地点"),
        ("hours", "办理时间"),
        ("enquiry", "咨询电话"),
        ("complaint", "监督投诉渠道"),
    ],
    Kind.POWER_ITEM: [
        ("title", "事项名称"),
        ("power_kind", "权力类型"),
        ("legal_basis", "设定依据"),
        ("responsible_body", "实施主体"),
        ("responsibilities", "责任事项"),
    ],
    Kind.SUPERVISION_MATTER: [
        ("title", "事项名称"),
        ("legal_basis", "监管依据"),
        ("responsible_body", "监管主体"),
        ("targets", "监管对象"),
        ("method", "监管方式"),
    ],
    Kind.REFORM: [
        ("title", "事项名称"),
        ("measures", "工作措施"),
        ("steps", "实施步骤"),
        ("responsible_units", "责任单位"),
        ("supervision_method", "监督方式"),
        ("progress", "完成进度"),
        ("progress_on", "进展日期"),
        ("progress_text", "进展和成效"),
    ],
}


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _days(value: int | None) -> str:
    if value is None:
        return ""
    return "当场办结" if value == 0 else f"{value}个工作日"


def detail_of(record: Record) -> Any:
    """The record's detail row, or None (a record of the kind whose detail was never saved)."""
    from gongkai.disclosures import models as m

    model: Any = (
        {
            Kind.SERVICE_GUIDE: m.ServiceGuide,
            Kind.POWER_ITEM: m.PowerItem,
            Kind.SUPERVISION_MATTER: m.SupervisionMatter,
            Kind.REFORM: m.Reform,
        }.get(Kind(record.kind))
        if record.kind in KINDS
        else None
    )
    if model is None or record.pk is None:
        return None
    return model.objects.filter(record=record).first()


def snapshot(record: Record) -> dict[str, Any]:
    """The structured content of ``record`` as it is now; {} for other kinds."""
    if record.kind not in KINDS:
        return {}
    detail = detail_of(record)
    data: dict[str, Any] = {"kind": record.kind, "title": record.title.strip()}
    if detail is None:
        return data
    builder = {
        Kind.SERVICE_GUIDE: _guide,
        Kind.POWER_ITEM: _power,
        Kind.SUPERVISION_MATTER: _supervision,
        Kind.REFORM: _reform,
    }[Kind(record.kind)]
    data.update(builder(detail))
    return data


def _guide(guide: Any) -> dict[str, Any]:
    statutory = "法律法规未作规定" if guide.statutory_unspecified else _days(guide.statutory_days)
    if guide.fee_kind == "free":
        fee = "不收费"
    elif guide.fee_kind == "charged" and guide.fee_standard.strip():
        fee = guide.fee_standard.strip()
    else:
        fee = ""  # charged with no standard stated is as bad as no answer
    return {
        "responsible_body": guide.responsible_body.strip(),
        "legal_basis": guide.legal_basis.strip(),
        "conditions": guide.conditions.strip(),
        "steps": [
            {"name": s.name, "description": s.description.strip()} for s in guide.steps.all()
        ],
        "materials": [
            {
                "name": m.name,
                "form": m.form,
                "form_label": m.get_form_display(),
                "copies": m.copies,
                "note": m.note.strip(),
            }
            for m in guide.materials.all()
        ],
        "fee_kind": guide.fee_kind,
        "fee": fee,
        "fee_note": guide.fee_standard.strip() if guide.fee_kind == "free" else "",
        "promised_days": guide.promised_days,
        "promised_limit": _days(guide.promised_days),
        "statutory_days": None if guide.statutory_unspecified else guide.statutory_days,
        "statutory_limit": statutory,
        "location": guide.location.strip(),
        "hours": guide.hours.strip(),
        "enquiry": guide.enquiry.strip(),
        "complaint": guide.complaint.strip(),
        "online_url": guide.online_url,
        "notes": guide.notes.strip(),
    }


def _power(item: Any) -> dict[str, Any]:
    return {
        "power_kind": item.power_kind,
        "power_kind_label": item.get_power_kind_display() if item.power_kind else "",
        "code": item.code.strip(),
        "legal_basis": item.legal_basis.strip(),
        "responsible_body": item.responsible_body.strip(),
        "method": item.method.strip(),
        "responsibilities": item.responsibilities.strip(),
        "accountability": item.accountability.strip(),
    }


def _supervision(matter: Any) -> dict[str, Any]:
    return {
        "power_kind": matter.power_kind,
        "power_kind_label": matter.get_power_kind_display() if matter.power_kind else "",
        "legal_basis": matter.legal_basis.strip(),
        "responsible_body": matter.responsible_body.strip(),
        "targets": matter.targets.strip(),
        "method": matter.method.strip(),
        "frequency": matter.frequency.strip(),
        "results": [
            {"checked_on": _iso(r.checked_on), "summary": r.summary.strip()}
            for r in matter.results.all()
        ],
    }


def _reform(reform: Any) -> dict[str, Any]:
    return {
        "reform_kind": reform.reform_kind,
        "reform_kind_label": reform.get_reform_kind_display(),
        "starts_on": _iso(reform.starts_on),
        "ends_on": _iso(reform.ends_on),
        "measures": reform.measures.strip(),
        "responsible_units": reform.responsible_units.strip(),
        "supervision_method": reform.supervision_method.strip(),
        "progress": reform.progress,
        "progress_on": _iso(reform.progress_on),
        "progress_text": reform.progress_text.strip(),
        "steps": [
            {
                "name": s.name,
                "due_on": _iso(s.due_on),
                "state": s.state,
                "state_label": s.get_state_display(),
                "done_on": _iso(s.done_on),
            }
            for s in reform.steps.all()
        ],
    }


def missing_elements(kind: str, data: dict[str, Any]) -> list[str]:
    """The Chinese names of the required elements ``data`` lacks, in the standard's order."""
    missing = []
    for key, name in REQUIRED.get(kind, []):
        value = data.get(key)
        if value is None or (isinstance(value, str | list) and not value):
            missing.append(name)
    return missing


def problems(record: Record) -> list[str]:
    """Everything that stops this record being submitted or published, as Chinese sentences."""
    if record.kind not in KINDS:
        return []
    data = snapshot(record)
    found: list[str] = []
    missing = missing_elements(record.kind, data)
    name = KIND_NAMES[record.kind]
    if missing:
        sentence = f"{name}缺少以下要素：{'、'.join(missing)}。请在“编辑{name}”页面补全后再提交。"
        if record.kind == Kind.SERVICE_GUIDE:
            # The reason a reviewer cannot wave this through.
            sentence += (
                "（《政府网站与政务新媒体检查指标》：办事指南重点要素缺失的，网站单项否决。）"
            )
        found.append(sentence)
    if record.kind == Kind.REFORM:
        found.extend(_reform_problems(record, data))
    if record.body.strip() != render_body(record.kind, data):
        found.append(
            f"正文与{name}的结构化内容不一致（可能在通用表单中改过正文）。"
            f"请在“编辑{name}”页面保存一次，由系统重新生成正文。"
        )
    return found


def _reform_problems(record: Record, data: dict[str, Any]) -> list[str]:
    found = []
    progress_on = data.get("progress_on")
    if progress_on and date.fromisoformat(progress_on) > timezone.localdate():
        found.append("进展日期不能是将来的日期。")
    previous = published_data(record)
    if progress_on and previous.get("progress_on") and progress_on < previous["progress_on"]:
        found.append(
            f"进展日期（{progress_on}）早于已发布版本的进展日期（{previous['progress_on']}）："
            "进展记录按时间先后公开，不能倒退。"
        )
    return found


def published_data(record: Record) -> dict[str, Any]:
    """The structured content of the version the public sees now ({} if none)."""
    version = record.current_version
    if version is None:
        return {}
    data = version.metadata.get("disclosures")
    return data if isinstance(data, dict) else {}


def render_body(kind: str, data: dict[str, Any]) -> str:
    """The record body for ``data``: only tags the records sanitiser keeps, so the stored body
    equals this string exactly and a hand edit can be told apart."""
    from gongkai.records.services import sanitise_body

    html = render_to_string(f"disclosures/body/{kind}.html", {"d": data})
    return sanitise_body(html)

"""``make_*`` helpers for structured disclosures, shared by the tests and the demo data."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from gongkai.catalogue.models import Item
from gongkai.disclosures import services
from gongkai.organisations.models import Organisation
from gongkai.records import services as records
from gongkai.records.models import Kind, Record

if TYPE_CHECKING:
    from gongkai.accounts.models import User


def complete_guide(**overrides: Any) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    """The detail and rows of a guide with every element (fictional contacts)."""
    detail: dict[str, Any] = {
        "responsible_body": "测试县教育和体育局",
        "legal_basis": "《中小学生学籍管理办法》（教基一〔2013〕7号）第十三条",
        "conditions": "在本县义务教育学校就读、因家庭搬迁需转学的学生。",
        "fee_kind": "free",
        "fee_standard": "",
        "promised_days": 5,
        "statutory_days": 10,
        "statutory_unspecified": False,
        "location": "测试县政务服务中心二楼教育窗口",
        "hours": "工作日 上午9:00—12:00，下午13:30—17:00",
        "enquiry": "0635-0000001",
        "complaint": "0635-0000002（县教体局监督科）",
        "online_url": "",
        "notes": "",
    }
    detail.update(overrides)
    rows: dict[str, list[dict[str, Any]]] = {
        "steps": [
            {"name": "申请", "description": "监护人向转入学校提出申请。"},
            {"name": "审核", "description": "转出、转入学校及教体局核办。"},
        ],
        "materials": [
            {"name": "转学申请表", "form": "original", "copies": 1, "note": "学校提供"},
            {"name": "户口簿", "form": "copy", "copies": 1, "note": ""},
        ],
    }
    return detail, rows


def make_structured(
    kind: str,
    *,
    by: User,
    organisation: Organisation | None = None,
    item_code: str = "06.01",
    title: str = "义务教育阶段学生转学",
    detail: dict[str, Any] | None = None,
    rows: dict[str, list[dict[str, Any]]] | None = None,
    formed_on: date = date(2025, 6, 3),
) -> Record:
    from gongkai.accounts.models import Role
    from gongkai.accounts.permissions import organisations_for

    org = organisation or organisations_for(by, Role.CLERK).first()
    assert org is not None, "the author must be a clerk somewhere"
    return services.create_structured(
        kind,
        by=by,
        title=title,
        item=Item.objects.current().get(code=item_code),
        organisation=org,
        formed_on=formed_on,
        detail=detail or {},
        rows=rows,
    )


def make_guide(*, by: User, complete: bool = True, **kwargs: Any) -> Record:
    detail, rows = complete_guide() if complete else ({}, None)
    return make_structured(
        Kind.SERVICE_GUIDE, by=by, detail=kwargs.pop("detail", detail), rows=rows, **kwargs
    )


def publish_through_review(
    record: Record, *, clerk: Any, document_reviewer: Any, disclosure_reviewer: Any, note: str = ""
) -> Record:
    """Submit, both reviews, publish: the whole ordinary path."""
    record = records.submit(record, by=clerk)
    record = records.approve_document(record, by=document_reviewer)
    record = records.approve_disclosure(record, by=disclosure_reviewer)
    return records.publish(record, by=clerk, change_note=note)

"""``make_*`` helpers for public participation, shared by the tests and the demo data."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from gongkai.catalogue.models import Item
from gongkai.consultations.models import Consultation, Event, Mailbox
from gongkai.consultations.services import consultation as consultations
from gongkai.consultations.services import event as events
from gongkai.organisations.models import Organisation
from gongkai.testing import public_form_data, solve_challenge  # noqa: F401 - used by tests

if TYPE_CHECKING:
    from gongkai.accounts.models import User


DRAFT = (
    "<p>第一章 总则</p>"
    "<p>第一条 为规范义务教育学校课后服务，制定本办法。</p>"
    "<p>第二条 课后服务坚持学生自愿、家长申请的原则。</p>"
    "<p>第三条 课后服务费用按照成本补偿、非营利原则收取。</p>"
)


def make_consultation(
    *,
    by: User,
    organisation: Organisation,
    opens_at: datetime | None = None,
    days: int = 30,
    is_open: bool = False,
    **fields: Any,
) -> Consultation:
    """A draft consultation (opened at once with ``is_open=True``) of ``days`` days."""
    opens_at = opens_at or timezone.now()
    defaults: dict[str, Any] = {
        "title": "关于规范义务教育学校课后服务的办法（征求意见稿）",
        "item": Item.objects.current().get(code="01.02"),
        "draft_body": DRAFT,
        "explanation": "为回应家长关切，规范课后服务，起草了本办法。重点听取收费标准方面的意见。",
        "how_to_comment": "也可发送电子邮件至 consult@example.org。",
        "opens_at": opens_at,
        "closes_at": opens_at + timedelta(days=days),
    }
    defaults.update(fields)
    consultation = consultations.create_consultation(by=by, organisation=organisation, **defaults)
    if is_open:
        consultation = consultations.open_consultation(consultation, by=by)
    return consultation


def make_mailbox(*, organisation: Organisation, **fields: Any) -> Mailbox:
    defaults: dict[str, Any] = {
        "name": "局长信箱",
        "description": "受理义务教育方面的咨询、建议和投诉。",
    }
    defaults.update(fields)
    return Mailbox.objects.create(organisation=organisation, **defaults)


def make_event(*, by: User, organisation: Organisation, **fields: Any) -> Event:
    defaults: dict[str, Any] = {
        "kind": "open_day",
        "title": "教育局政府开放日",
        "starts_at": timezone.now() + timedelta(days=10),
        "place": "县教育和体育局三楼会议室",
        "how_to_take_part": "拨打报名电话报名，限 20 人。",
    }
    defaults.update(fields)
    return events.create_event(by=by, organisation=organisation, **defaults)

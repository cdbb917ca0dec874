"""The reply letter (答复书): text from an editable template, and its PDF.

An organisation edits its template (``ReplyTemplate``); without one ``DEFAULT_BODY`` is used.
The letter always states the decision, its legal ground (from ``categories``) and the remedies
(第五十一条: 行政复议、行政诉讼). Its text is frozen on the reply when sent, so a later template
change never alters a letter already given.
"""

from __future__ import annotations

import io
import string
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError

from gongkai.applications import categories
from gongkai.applications.models import Reply, ReplyTemplate
from gongkai.core.calendar import fmt

DEFAULT_TITLE = "政府信息公开申请答复书"
#: [记忆] 行政复议法（2023 修订）第二十条: 60 日; 行政诉讼法第四十六条: 6 个月. To be checked.
DEFAULT_BODY = """${applicant}：

本机关于${received_on}收到您的政府信息公开申请（申请编号：${reference}），您申请获取：${description}

经审查，现答复如下：
${decision}

依据：《中华人民共和国政府信息公开条例》${ground}。

如对本答复不服，可以自收到本答复书之日起六十日内向${review_body}申请行政复议，也可以自收到本答复书之日起六个月内向${court}提起行政诉讼。

${organisation}
${date}"""

PLACEHOLDERS = {
    "applicant": "申请人姓名或名称",
    "reference": "申请编号",
    "received_on": "收到申请日期",
    "description": "所需信息",
    "decision": "答复意见",
    "ground": "法律依据",
    "review_body": "行政复议机关",
    "court": "管辖法院",
    "organisation": "答复机关",
    "date": "答复日期",
}
#: A template must keep these: a letter without its ground or remedies is not a lawful reply.
REQUIRED = ("decision", "ground", "review_body", "court")
DEFAULT_REVIEW_BODY = "本机关的本级人民政府"
DEFAULT_COURT = "有管辖权的人民法院"


def check_template(body: str) -> None:
    """Refuse a template with unknown placeholders or without the ground and remedies."""
    try:
        names = {
            m.group("named") or m.group("braced")
            for m in string.Template.pattern.finditer(body)
            if m.group("named") or m.group("braced")
        }
    except ValueError as exc:  # pragma: no cover - the pattern never raises
        raise ValidationError(str(exc)) from exc
    unknown = names - set(PLACEHOLDERS)
    if unknown:
        raise ValidationError("模板中有无法识别的占位符：" + "、".join(sorted(unknown)))
    missing = [PLACEHOLDERS[n] for n in REQUIRED if n not in names]
    if missing:
        raise ValidationError("答复书须写明：" + "、".join(missing) + "（请保留相应占位符）。")


def render_letter(reply: Reply, *, on: date) -> tuple[str, str]:
    application = reply.application
    template = ReplyTemplate.objects.filter(organisation=application.organisation).first()
    category = categories.BY_VALUE[reply.category]
    values: dict[str, Any] = {
        "applicant": application.applicant.name,
        "reference": application.reference,
        "received_on": fmt(application.received_on),
        "description": application.description,
        "decision": reply.body,
        "ground": category.ground or "相关规定",
        "review_body": template.review_body if template else DEFAULT_REVIEW_BODY,
        "court": template.court if template else DEFAULT_COURT,
        "organisation": application.organisation.name,
        "date": fmt(on),
    }
    body = template.body if template else DEFAULT_BODY
    title = template.title if template else DEFAULT_TITLE
    return title, string.Template(body).safe_substitute(values)


def letter_pdf(title: str, text: str) -> bytes:
    """The letter as PDF, in the built-in CID font (no font files to ship)."""
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=12, leading=20, wordWrap="CJK")
    heading = ParagraphStyle(
        "title", parent=body, fontSize=18, leading=28, alignment=TA_CENTER, spaceAfter=12
    )
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out, pagesize=A4, leftMargin=25 * mm, rightMargin=25 * mm, title=title,
        topMargin=25 * mm, bottomMargin=25 * mm,
    )  # fmt: skip
    story: list[Any] = [Paragraph(escape(title), heading)]
    for line in text.split("\n"):
        story.append(Paragraph(escape(line), body) if line.strip() else Spacer(1, 8))
    doc.build(story)
    return out.getvalue()

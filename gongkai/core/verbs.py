"""What an audit row says happened: one vocabulary of verbs, each with its Chinese label.

Staff read these in histories, in the audit log and in its filter, so no row may show a
developer code. Two sources, never overlapping:

- a workflow transition writes ``<workflow>.<action>`` and takes its label from the literal
  transition table (each ``Workflow`` registers itself), so a new transition needs no entry here;
- everything else a service records is a member of ``Verb`` below.

``gongkai/core/tests/test_verbs.py`` reads every ``record_event`` call in the code and fails on a
verb that has no label.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from gongkai.core import workflow as workflows

#: What each workflow is about, as staff call it; a transition's label is "主体：动作".
SUBJECTS: dict[str, str] = {
    "record": "信息",
    "application": "依申请公开",
    "concern": "舆情",
    "consultation": "意见征集",
    "comment": "公众意见",
    "event": "公众参与活动",
    "message": "信箱来信",
    "screening": "保密审查",
    "catalogue": "目录",
    "annual_report": "年度报告",
}


class Verb(models.TextChoices):
    """Verbs written outside a workflow transition."""

    ACCOUNT_2FA_ENROL = "account.2fa_enrol", "账号：启用双因素认证"
    ACCOUNT_2FA_FAILURE = "account.2fa_failure", "账号：双因素验证码错误"
    ACCOUNT_2FA_RESET = "account.2fa_reset", "账号：重置双因素认证"
    ACCOUNT_2FA_SUCCESS = "account.2fa_success", "账号：双因素验证通过"
    ACCOUNT_2FA_ENROL_FAILURE = "account.2fa_enrol_failure", "账号：启用双因素认证时验证码错误"
    ACCOUNT_2FA_THROTTLED = "account.2fa_throttled", "账号：验证码错误过多，暂停验证时再次输入"
    ACCOUNT_SIGN_IN = "account.sign_in", "账号：登录"
    ACCOUNT_SIGN_OUT = "account.sign_out", "账号：退出登录"
    ACCOUNT_SIGN_IN_FAILED = "account.sign_in_failed", "账号：登录失败"
    ACCOUNT_LOCKED_OUT = "account.locked_out", "账号：登录失败次数过多，暂时锁定"
    AUDIT_KEY_SWITCH = "audit.key_switch", "审计：审计链改用新的签名密钥"
    ROLE_GRANT = "role.grant", "角色：授予"
    ROLE_REVOKE = "role.revoke", "角色：撤销"
    ORGANISATIONS_CREATE = "organisations.create", "机构：新增"
    ORGANISATIONS_UPDATE = "organisations.update", "机构：修改"
    ORGANISATIONS_IMPORT = "organisations.import", "机构：批量导入"
    CATALOGUE_ADD_LOCAL_ITEM = "catalogue.add_local_item", "目录：增加本地事项"
    CALENDAR_IMPORT = "calendar.import", "工作日历：导入节假日安排"
    RECORD_CREATE = "record.create", "信息：新建"
    RECORD_EDIT = "record.edit", "信息：修改内容"
    RECORD_ATTACH = "record.attach", "信息：上传附件"
    RECORD_DETACH = "record.detach", "信息：移除附件"
    RECORD_DISCLOSURE_CHANGE = "record.disclosure_change", "信息：变更公开属性"
    RECORD_TAKEN_DOWN = "record.taken_down", "信息：改为不公开，撤下公开页面"
    RECORD_VALIDITY = "record.validity", "信息：变更有效性（失效/废止）"
    RECORD_VERSION = "record.version", "信息：生成发布版本"
    RECORD_IMPORT = "record.import", "信息：批量导入"
    RECORD_SCHEDULE_FAILED = "record.schedule_failed", "信息：定时发布未能执行"
    SCREENING_SCREEN = "screening.screen", "保密审查：检查"
    SCREENING_MASK = "screening.mask", "保密审查：遮盖"
    SCREENING_REPLACE_ATTACHMENT = "screening.replace_attachment", "保密审查：替换为清理后的附件"
    SCREENING_TERM_CREATE = "screening.term_create", "保密审查：新增敏感词"
    SCREENING_TERM_UPDATE = "screening.term_update", "保密审查：修改敏感词"
    SCREENING_TERM_DELETE = "screening.term_delete", "保密审查：停用敏感词"
    INTERPRETATION_CREATE = "interpretation.create", "政策解读：新建"
    INTERPRETATION_EDIT = "interpretation.edit", "政策解读：修改内容"
    INTERPRETATION_PLAN = "interpretation.plan", "政策解读：填写解读方案"
    INTERPRETATION_RISK = "interpretation.risk", "政策解读：填写风险评估"
    INTERPRETATION_QA_ADD = "interpretation.qa_add", "政策解读：增加问答"
    INTERPRETATION_SPEAKER_ADD = "interpretation.speaker_add", "政策解读：增加解读人"
    INTERPRETATION_IMAGE_ADD = "interpretation.image_add", "政策解读：增加图片"
    INTERPRETATION_VIDEO = "interpretation.video", "政策解读：设置视频"
    INTERPRETATION_CAPTIONS = "interpretation.captions", "政策解读：设置字幕"
    INTERPRETATION_REMOVE = "interpretation.remove", "政策解读：移除内容"
    DISCLOSURES_DETAIL_SAVE = "disclosures.detail_save", "五公开：保存结构化内容"
    CONCERN_REGISTER = "concern.register", "舆情：登记"
    CONCERN_EDIT = "concern.edit", "舆情：修改"
    CONCERN_LEVEL = "concern.level", "舆情：调整级别"
    CONCERN_SCREENSHOT = "concern.screenshot", "舆情：上传截图"
    CONCERN_DRAFT_RESPONSE = "concern.draft_response", "舆情：起草回应"
    CONCERN_RESPONSE_PUBLISHED = "concern.response_published", "舆情：回应已发布"
    CONCERN_REMIND = "concern.remind", "舆情：时限提醒"
    CONCERN_ESCALATE = "concern.escalate", "舆情：超时上报"
    CONSULTATION_CREATE = "consultation.create", "意见征集：新建"
    CONSULTATION_EDIT = "consultation.edit", "意见征集：修改"
    CONSULTATION_ATTACH = "consultation.attach", "意见征集：上传附件"
    CONSULTATION_ADOPT = "consultation.adopt", "意见征集：记录采纳情况"
    CONSULTATION_ADOPT_WITHDRAW = "consultation.adopt_withdraw", "意见征集：撤回采纳情况"
    CONSULTATION_REMIND = "consultation.remind", "意见征集：反馈提醒"
    COMMENT_SUBMIT = "comment.submit", "公众意见：提交"
    COMMENT_REGISTER = "comment.register", "公众意见：登记来信来电意见"
    EVENT_CREATE = "event.create", "公众参与活动：新建"
    EVENT_EDIT = "event.edit", "公众参与活动：修改"
    MESSAGE_SUBMIT = "message.submit", "信箱来信：提交"
    MESSAGE_TRANSFER = "message.transfer", "信箱来信：转办"
    MESSAGE_PUBLISH = "message.publish", "信箱来信：公开"
    MESSAGE_UNPUBLISH = "message.unpublish", "信箱来信：取消公开"
    MESSAGE_REMIND = "message.remind", "信箱来信：超期提醒"
    MESSAGE_REMIND_DUE_SOON = "message.remind_due_soon", "信箱来信：即将到期提醒"
    APPLICATION_REGISTER = "application.register", "依申请公开：登记申请"
    APPLICATION_GROUP = "application.group", "依申请公开：合并同类申请"
    APPLICATION_EXTEND = "application.extend", "依申请公开：批准延期"
    APPLICATION_THIRD_PARTY_STARTED = (
        "application.third_party_started",
        "依申请公开：征求第三方意见",
    )
    APPLICATION_THIRD_PARTY_ENDED = "application.third_party_ended", "依申请公开：收到第三方意见"
    APPLICATION_AGENCY_STARTED = "application.agency_started", "依申请公开：征求其他机关意见"
    APPLICATION_AGENCY_ENDED = "application.agency_ended", "依申请公开：收到其他机关意见"
    APPLICATION_THIRD_PARTY_RECEIVED = (
        "application.third_party_received",
        "依申请公开：第三方收到征求意见书",
    )
    APPLICATION_AGENCY_RECEIVED = (
        "application.agency_received",
        "依申请公开：其他机关收到征求意见函",
    )
    APPLICATION_FEE_NOTICE_RECEIVED = (
        "application.fee_notice_received",
        "依申请公开：申请人收到收费通知",
    )
    APPLICATION_DEADLINE_RECOMPUTED = (
        "application.deadline_recomputed",
        "依申请公开：按节假日安排重算期限",
    )
    RECORD_DEADLINE_RECOMPUTED = "record.deadline_recomputed", "信息：按节假日安排重算公开截止日期"
    MESSAGE_DEADLINE_RECOMPUTED = (
        "message.deadline_recomputed",
        "信箱来信：按节假日安排重算答复期限",
    )
    APPLICATION_FEE_NOTICE = "application.fee_notice", "依申请公开：发出收费通知"
    APPLICATION_FEE_PAID = "application.fee_paid", "依申请公开：记录缴费"
    APPLICATION_WITHDRAW_EVENT = "application.withdraw_event", "依申请公开：撤销办理事项"
    APPLICATION_ADD_DOCUMENT = "application.add_document", "依申请公开：添加材料"
    APPLICATION_CLEAR_DOCUMENT = "application.clear_document", "依申请公开：移除材料"
    APPLICATION_LINK_RECORD = "application.link_record", "依申请公开：关联已公开信息"
    APPLICATION_DRAFT_REPLY = "application.draft_reply", "依申请公开：起草答复"
    APPLICATION_SAVE_TEMPLATE = "application.save_template", "依申请公开：保存答复模板"
    APPLICATION_NOTIFY_APPLICANT = "application.notify_applicant", "依申请公开：通知申请人"
    APPLICATION_NOTIFY_FAILED = "application.notify_failed", "依申请公开：通知申请人失败"
    APPLICATION_TRACK_FAILED = "application.track_failed", "依申请公开：查询码核对失败"
    APPLICATION_REMEDY = "application.remedy", "依申请公开：记录复议诉讼结果"
    SUPERVISION_SCHEME = "supervision.scheme", "监督评估：修改评估方案"
    SUPERVISION_APPLICABILITY = "supervision.applicability", "监督评估：设置事项适用性"
    ANNUAL_REPORT_DRAFT = "annual_report.draft", "年度报告：生成草稿"
    ANNUAL_REPORT_SAVE = "annual_report.save", "年度报告：保存"
    ANNUAL_REPORT_FILE = "annual_report.file", "年度报告：提交发布"
    # Administration in the browser (accounts, organisations, catalogue, the Django admin).
    ACCOUNT_CREATE = "account.create", "账号：新建"
    ACCOUNT_EDIT = "account.edit", "账号：修改资料"
    ACCOUNT_DEACTIVATE = "account.deactivate", "账号：停用"
    ACCOUNT_REACTIVATE = "account.reactivate", "账号：重新启用"
    ACCOUNT_TEMPORARY_PASSWORD = "account.temporary_password", "账号：签发临时密码"
    ACCOUNT_SIGN_IN_LINK = "account.sign_in_link", "账号：签发一次性登录链接"
    ACCOUNT_SIGN_IN_LINK_USED = "account.sign_in_link_used", "账号：使用一次性登录链接登录"
    ACCOUNT_PASSWORD_CHANGE = "account.password_change", "账号：修改本人密码"
    ACCOUNT_UNLOCK = "account.unlock", "账号：解除登录锁定"
    SECURITY_POLICY = "security.policy", "安全策略：修改密码与锁定策略"
    ORGANISATIONS_DEACTIVATE = "organisations.deactivate", "机构：停用"
    ORGANISATIONS_REACTIVATE = "organisations.reactivate", "机构：重新启用"
    CATALOGUE_DRAFT_START = "catalogue.draft_start", "目录：开始修订（新建草稿版本）"
    CATALOGUE_DRAFT_IMPORT = "catalogue.draft_import", "目录：导入文件到修订草稿"
    CATALOGUE_DRAFT_EDIT = "catalogue.draft_edit", "目录：修改修订草稿"
    CATALOGUE_DRAFT_REMOVE = "catalogue.draft_remove", "目录：从修订草稿中删除事项"
    AUDIT_VERIFY = "audit.verify", "审计日志：核验审计链"
    AUDIT_EXPORT = "audit.export", "审计日志：导出"
    ADMIN_ADD = "admin.add", "后台数据维护：新增"
    ADMIN_CHANGE = "admin.change", "后台数据维护：修改"
    ADMIN_DELETE = "admin.delete", "后台数据维护：删除"
    NOTIFICATIONS_EMAIL_MODE = "notifications.email_mode", "通知：修改邮件通知方式"
    OCR_RECOGNISE = "ocr.recognise", "文字识别：识别附件中的扫描页"
    OCR_REDACT = "ocr.redact", "文字识别：涂黑附件并替换为清理后的文件"


_LABELS: dict[str, str] = {str(v.value): str(v.label) for v in Verb}


def label(verb: str) -> str:
    """The Chinese label of a verb; a verb nobody declared shows as 其他操作, never as code."""
    found = _LABELS.get(verb)
    if found is not None:
        return found
    transition = _transition(verb)
    if transition is not None:
        name, action_label = transition
        return f"{SUBJECTS.get(name, name)}：{action_label}"
    return "其他操作"


def is_known(verb: str) -> bool:
    return verb in _LABELS or _transition(verb) is not None


def choices() -> list[tuple[str, str]]:
    """Every verb with its label, grouped by subject: for the audit log's filter."""
    found = dict(_LABELS)
    for name, flow in _workflows().items():
        for t in flow.transitions:
            found[f"{name}.{t.action}"] = f"{SUBJECTS.get(name, name)}：{t.label}"
    return sorted(found.items(), key=lambda pair: (pair[0].split(".")[0], pair[1]))


def _transition(verb: str) -> tuple[str, str] | None:
    name, _, action = verb.partition(".")
    flow = _workflows().get(name)
    if flow is None:
        return None
    for t in flow.transitions:
        if t.action == action:
            return name, t.label
    return None


@cache
def _load_services() -> None:
    """Import every app's services (module or package) so each workflow has registered, even
    in a process that has not used it yet (the audit log may be the first page it serves)."""
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.services")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.services":
                raise
            continue
        for sub in pkgutil.iter_modules(getattr(module, "__path__", [])):
            importlib.import_module(f"{module.__name__}.{sub.name}")


def _workflows() -> dict[str, workflows.Workflow[Any]]:
    _load_services()
    return workflows.registered()


def status_label(event: Any, value: str) -> str:
    """The Chinese name of a status an audit row moved from or to, read from the choices of
    the field the row's workflow drives (``Record.status`` → 草稿, 待公文审核, …)."""
    if not value:
        return ""
    model = event.content_type.model_class() if event.content_type_id else None
    flow = _workflows().get(event.verb.partition(".")[0])
    field_name = flow.field if flow is not None else "status"
    if flow is not None and flow.model is not None and _transition(event.verb) is not None:
        model = flow.model  # the row may be about another object (a finding's record)
    if model is not None:
        try:
            field = model._meta.get_field(field_name)
        except FieldDoesNotExist:  # a model without that field shows the plain value
            field = None
        for code, text in getattr(field, "flatchoices", None) or ():
            if code == value:
                return str(text)
    return value

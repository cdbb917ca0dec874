"""What each role does, in a sentence a newcomer can act on (shown on the workbench)."""

from gongkai.accounts.models import Role

DUTIES: dict[str, str] = {
    Role.CLERK: (
        "制作本单位的政府信息并标注公开属性，提交审核；审核通过后发布；答复依申请公开和群众留言。"
    ),
    Role.DOCUMENT_REVIEWER: "对提交的信息进行公文审核（不能审核自己制作的信息）。",
    Role.DISCLOSURE_REVIEWER: "对通过公文审核的信息进行政务公开审核，并快速审核回应关切的稿件。",
    Role.CONCERN_OFFICER: "登记和研判舆情，起草回应并在时限内发布。",
    Role.SUPERVISOR: "查看本级及下级单位的公开情况、逾期和评估，督促整改，审阅年度报告。",
    Role.SYSTEM_ADMIN: "管理账号、机构和角色授权。",
    Role.SECURITY_ADMIN: "管理密码和登录锁定策略、双因素认证及敏感词表。",
    Role.AUDIT_ADMIN: "查阅和核验审计日志。",
}

"""Reply categories (第三十六、三十七条 and the rest) and their annual-report rows.

ONE literal table: each category is exactly one row of 年报表三 “三、本年度办理结果”
(国办公开办函〔2021〕30号; the row codes number the form's rows in order: r3_1, r3_2, r3_3_1…). The
reply form, the letter's legal ground and ``supervision.annual.tables.table_three`` all read
this table, so a category can never land in the wrong row.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    value: str  # stored in Reply.category
    row: str  # 年报表三 row code
    group: str  # （一）予以公开 …（六）其他处理
    label: str  # the row's label in the official table
    ground: str  # 条例 article(s) the reply rests on
    text: str  # default wording of the decision, edited per reply
    staff_choice: bool = True  # False: only set by the closing services (6-1, 6-2)


CATEGORIES: tuple[Category, ...] = (
    Category("granted", "r3_1", "（一）予以公开", "予以公开",
             "第三十六条第（一）项、第（二）项",
             "您申请的政府信息属于公开范围，现予以提供（见附件）。"),
    Category("partly_granted", "r3_2", "（二）部分公开",
             "部分公开（区分处理的，只计这一情形，不计其他情形）",
             "第三十七条",
             "您申请的政府信息中含有不应当公开的内容，但能够作区分处理。现提供可以公开的部分"
             "（见附件），不予公开的部分及理由如下："),
    Category("withheld_secret", "r3_3_1", "（三）不予公开", "属于国家秘密",
             "第十四条",
             "您申请的政府信息依法确定为国家秘密，根据规定不予公开。"),
    Category("withheld_banned_by_law", "r3_3_2", "（三）不予公开",
             "其他法律行政法规禁止公开", "第十四条",
             "您申请的政府信息属于法律、行政法规禁止公开的信息，不予公开。"),
    Category("withheld_three_securities", "r3_3_3", "（三）不予公开",
             "危及“三安全一稳定”", "第十四条",
             "您申请的政府信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，不予公开。"),
    Category("withheld_third_party", "r3_3_4", "（三）不予公开", "保护第三方合法权益",
             "第十五条、第三十二条",
             "您申请的政府信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，"
             "不予公开。"),
    Category("withheld_internal", "r3_3_5", "（三）不予公开", "属于三类内部事务信息",
             "第十六条第一款",
             "您申请的政府信息属于本机关的内部事务信息（人事管理、后勤管理、内部工作流程等），"
             "不予公开。"),
    Category("withheld_process", "r3_3_6", "（三）不予公开", "属于四类过程性信息",
             "第十六条第二款",
             "您申请的政府信息属于履行行政管理职能过程中形成的讨论记录、过程稿、磋商信函、"
             "请示报告等过程性信息，不予公开。"),
    Category("withheld_enforcement", "r3_3_7", "（三）不予公开", "属于行政执法案卷",
             "第十六条第二款",
             "您申请的政府信息属于行政执法案卷信息，不予公开。"),
    Category("withheld_query", "r3_3_8", "（三）不予公开", "属于行政查询事项",
             "第三十六条第（七）项",
             "您申请的信息属于有关法律、行政法规对信息的获取有特别规定的查询事项，"
             "请依照有关规定办理。"),
    Category("unavailable_not_held", "r3_4_1", "（四）无法提供",
             "本机关不掌握相关政府信息", "第三十六条第（四）项、第（五）项",
             "经检索，本机关未制作、获取您申请的政府信息（或该信息不属于本机关负责公开）。"),
    Category("unavailable_needs_creation", "r3_4_2", "（四）无法提供",
             "没有现成信息需要另行制作", "第三十八条",
             "您申请的信息需要本机关对现有政府信息进行加工、分析，本机关依法不予提供。"),
    Category("unavailable_still_unclear", "r3_4_3", "（四）无法提供",
             "补正后申请内容仍不明确", "第三十条",
             "经补正，您的申请内容仍不明确，本机关无法确定您所需要的政府信息。"),
    Category("not_processed_petition", "r3_5_1", "（五）不予处理", "信访举报投诉类申请",
             "第三十九条第一款",
             "您以政府信息公开申请的形式进行信访、投诉、举报，本机关不作为政府信息公开申请"
             "处理，请通过相应渠道提出。"),
    Category("not_processed_repeat", "r3_5_2", "（五）不予处理", "重复申请",
             "第三十六条第（六）项",
             "本机关已就您的申请作出答复，您重复申请相同的政府信息，本机关不予重复处理。"),
    Category("not_processed_publication", "r3_5_3", "（五）不予处理", "要求提供公开出版物",
             "第三十九条第二款",
             "您要求提供的是政府公报、报刊、书籍等公开出版物，请通过公开渠道获取。"),
    Category("not_processed_excessive", "r3_5_4", "（五）不予处理",
             "无正当理由大量反复申请", "第三十五条",
             "您的申请数量、频次明显超过合理范围，且说明的理由不合理，本机关不予处理。"),
    Category("not_processed_confirmation", "r3_5_5", "（五）不予处理",
             "要求行政机关确认或重新出具已获取信息", "",
             "您要求本机关确认或者重新出具已经获取的信息，不属于政府信息公开申请，本机关不予处理。"),
    Category("other_no_correction", "r3_6_1", "（六）其他处理",
             "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "第三十条",
             "您未在补正告知书规定的期限内补正，视为放弃申请，本机关不再处理该申请。",
             staff_choice=False),
    Category("other_fee_unpaid", "r3_6_2", "（六）其他处理",
             "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
             "第四十二条、《政府信息公开信息处理费管理办法》",
             "您未在收费通知规定的期限内缴纳信息处理费，视为放弃申请，本机关不再处理该申请。",
             staff_choice=False),
    Category("other", "r3_6_3", "（六）其他处理", "其他", "",
             "（请写明处理情况，例如申请人撤回申请。）"),
)  # fmt: skip

BY_VALUE: dict[str, Category] = {c.value: c for c in CATEGORIES}
BY_ROW: dict[str, Category] = {c.row: c for c in CATEGORIES}
CHOICES: list[tuple[str, str]] = [(c.value, f"{c.group} {c.label}") for c in CATEGORIES]
STAFF_CHOICES: list[tuple[str, str]] = [
    (c.value, f"{c.group} {c.label}") for c in CATEGORIES if c.staff_choice
]
#: Categories that release information: their documents go through screening.
RELEASING = frozenset({"granted", "partly_granted"})


def row_for(value: str) -> str:
    return BY_VALUE[value].row

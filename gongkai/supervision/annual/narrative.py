"""The report's sentences that quote numbers, written from the stored tables at render time.

They are never stored as editable text: whatever the draft's tables say, the narrative says,
so 按最新数据重算 refreshes both at once and the published text cannot contradict its tables.
What staff write (政府信息管理, 平台建设, 监督保障, problems, other matters) follows these
sentences in each section.
"""

from __future__ import annotations

from typing import Any

from gongkai.supervision.annual.tables import (
    ORGANISATION_KINDS,
    REMEDY_GROUPS,
    RESULT_GROUPS,
    TABLE_THREE_ROWS,
)


def _short(group: str) -> str:
    # "（二）部分公开（区分处理的，…）" → "部分公开"
    return group.split("）", 1)[1].split("（", 1)[0]


def paragraphs(tables: dict[str, Any], *, organisation: str, year: int) -> dict[str, list[str]]:
    """Generated paragraphs per section key ("1" … "6"); sections with none are absent."""
    two, three, four = tables["two"], tables["three"], tables["four"]
    facts = tables.get("facts") or {}
    r1, r2, r37, r4 = (three[code]["total"] for code in ("r1", "r2", "r3_7", "r4"))
    natural = three["r1"]["natural"]
    organisations = sum(three["r1"][kind] for kind in ORGANISATION_KINDS)
    groups = {_short(row.second): 0 for row in TABLE_THREE_ROWS if row.second in RESULT_GROUPS}
    for row in TABLE_THREE_ROWS:
        if row.second in RESULT_GROUPS:
            groups[_short(row.second)] += three[row.code]["total"]
    results = "、".join(f"{name}{n}件" for name, n in groups.items() if n)
    normative = two["normative"]
    proactive = (
        f"（一）主动公开。{year}年，{organisation}主动公开政府信息{facts.get('published', 0)}条；"
        f"制发行政规范性文件{normative['issued']}件，废止{normative['abolished']}件，"
        f"现行有效{normative['in_force']}件；公开行政许可处理决定{two['licensing']['decisions']}件。"
    )
    on_request = (
        f"（二）依申请公开。本年新收政府信息公开申请{r1}件（自然人{natural}件，"
        f"法人或其他组织{organisations}件），上年结转{r2}件；本年度办结{r37}件"
        + (f"，其中{results}" if results else "")
        + f"；结转下年度继续办理{r4}件。"
    )
    replied, on_time = facts.get("replied", 0), facts.get("on_time", 0)
    if replied:
        on_request += f"有答复期限的{replied}件中，{on_time}件在法定期限内答复" + (
            "。" if on_time == replied else f"，{replied - on_time}件超过法定期限答复。"
        )
    cases = {str(kind): four[kind]["total"] for kind, _ in REMEDY_GROUPS}
    litigation = cases["litigation_direct"] + cases["litigation_after_review"]
    remedies = (
        f"（三）行政复议和行政诉讼。本年因政府信息公开被申请行政复议{cases['review']}件，"
        f"被提起行政诉讼{litigation}件"
        + (
            f"（未经复议直接起诉{cases['litigation_direct']}件，"
            f"复议后起诉{cases['litigation_after_review']}件）"
            if litigation
            else ""
        )
        + "。"
    )
    fees = (
        f"依据《政府信息公开信息处理费管理办法》，本年发出收费通知{facts.get('fee_notices', 0)}件，"
        f"总金额{facts.get('fee_noticed', 0)}元，实际收取{facts.get('fee_paid', 0)}元。"
    )
    return {"1": [proactive, on_request, remedies], "6": [fees]}

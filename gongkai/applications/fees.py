"""信息处理费 (国办函〔2020〕109号《政府信息公开信息处理费管理办法》): pure functions.

第三条: charge per request (按件) *or* per page (按量), never both for one application; both are
progressive (超额累进). [已核: regulations.md §1.4]

* 第四条 按件 — requests by the same applicant in one natural month: the 1st–10th are free;
  the 11th–30th cost 100 元 each; from the 31st, every further band of 10 costs 100 元 more
  per request (31st–40th 200 元, 41st–50th 300 元, …).
* 第五条 按量 — pages of one application: 1–30 free; 31–100 10 元/页; 101–200 20 元/页;
  201 and above 40 元/页.

Amounts are whole yuan: every price in the rules is.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class FeeMethod(enum.StrEnum):
    PER_REQUEST = "per_request"
    PER_PAGE = "per_page"


METHOD_LABELS = {
    FeeMethod.PER_REQUEST: "按件计收（第四条）",
    FeeMethod.PER_PAGE: "按量计收（第五条）",
}

#: 第五条: (first page, last page or None, 元 per page).
PAGE_TIERS: tuple[tuple[int, int | None, int], ...] = (
    (1, 30, 0),
    (31, 100, 10),
    (101, 200, 20),
    (201, None, 40),
)
#: 第四条: free up to this many requests a month, then the first paid band.
FREE_REQUESTS = 10
FIRST_BAND_LAST = 30
FIRST_BAND_PRICE = 100
#: From the 31st request: bands of 10, each 100 元 dearer than the one before.
BAND_SIZE = 10
BAND_STEP = 100


@dataclass(frozen=True)
class FeeQuote:
    method: FeeMethod
    amount: int
    lines: tuple[str, ...]

    def explain(self) -> str:
        return "；".join(self.lines) + f"。合计 {self.amount} 元。"


def request_price(n: int) -> int:
    """Price in 元 of the ``n``-th request (1-based) by one applicant in a natural month."""
    if n < 1:
        raise ValueError("申请序号从 1 开始。")
    if n <= FREE_REQUESTS:
        return 0
    if n <= FIRST_BAND_LAST:
        return FIRST_BAND_PRICE
    band = (n - FIRST_BAND_LAST - 1) // BAND_SIZE + 1  # 31–40 → 1, 41–50 → 2, …
    return FIRST_BAND_PRICE + band * BAND_STEP


def per_request_fee(*, earlier_this_month: int, count: int = 1) -> FeeQuote:
    """Fee for ``count`` requests when the applicant already made ``earlier_this_month``
    requests this natural month (一事一申请: one application may count as several)."""
    if earlier_this_month < 0 or count < 1:
        raise ValueError("件数不能为负，本次至少 1 件。")
    first = earlier_this_month + 1
    last = earlier_this_month + count
    lines: list[str] = []
    amount = 0
    n = first
    while n <= last:
        price = request_price(n)
        run_end = n
        while run_end < last and request_price(run_end + 1) == price:
            run_end += 1
        pieces = run_end - n + 1
        amount += pieces * price
        span = f"第 {n} 件" if n == run_end else f"第 {n}—{run_end} 件"
        lines.append(f"{span}：{pieces} 件 × {price} 元 = {pieces * price} 元")
        n = run_end + 1
    return FeeQuote(FeeMethod.PER_REQUEST, amount, tuple(lines))


def per_page_fee(pages: int) -> FeeQuote:
    """Fee for one application of ``pages`` pages (第五条)."""
    if pages < 0:
        raise ValueError("页数不能为负。")
    lines: list[str] = []
    amount = 0
    for first, last, price in PAGE_TIERS:
        if pages < first:
            break
        top = pages if last is None else min(pages, last)
        count = top - first + 1
        amount += count * price
        lines.append(f"第 {first}—{top} 页：{count} 页 × {price} 元 = {count * price} 元")
    if not lines:
        lines.append("0 页：不收费")
    return FeeQuote(FeeMethod.PER_PAGE, amount, tuple(lines))

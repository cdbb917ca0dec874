"""The numbers of the 依申请公开 clock, in one place.

Every number cites its source and how sure we are of it, with the marks the project's documents
use (docs/decisions/0009): [已核] = the text was seen in a source, [记忆] = written from memory
and not yet checked against the official text. The [记忆] numbers must be checked before
going live; until then a deployment can override any of them without a code change through the
``GONGKAI_APPLICATION_RULES`` setting, e.g. ``{"third_party_days": 15}``.

Counting conventions (the 条例 does not spell them out; the usual reading, to be confirmed by
the legal office):

* "N working days from day D" counts from the day after D; the N-th working day is the last
  day (``gongkai.core.calendar``).
* A period that "does not count" (征求意见, 缴费) runs from the day it starts to the day it
  ends, both included — "自发出收费通知之日起至申请人缴费之日止" is inclusive in Chinese
  drafting. Counting resumes the day after it ends.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class ClockRules:
    #: 第三十三条第二款: reply within 20 working days of receipt. [已核]
    reply_days: int = 20
    #: 第三十条: the correction notice goes out within 7 working days of receipt. [已核]
    correction_notice_days: int = 7
    #: 第三十三条第二款: an extension, approved by the head of the disclosure office and told
    #: to the applicant, adds at most 20 working days. [已核]
    max_extension_days: int = 20
    #: 第三十二条: the third party answers within 15 working days of receiving the letter;
    #: after that the agency decides, so the pause ends there at the latest. [记忆]
    third_party_days: int = 15
    #: 第三十四条: a consulted agency answers within 15 working days; silence is consent, so
    #: the pause ends there at the latest. [记忆]
    agency_days: int = 15
    #: 国办函〔2020〕109号: the applicant pays within 20 working days of the fee notice, or the
    #: application is treated as abandoned (年报“其他处理 2”). [记忆: 条文序号待核]
    fee_payment_days: int = 20
    #: 第三十二条: the third party's 15 working days run "自收到征求意见书之日起" — from the
    #: day the letter was received when that day is recorded (postal delivery, signed
    #: receipt), from the day it was sent until then. 1 = yes, 0 = always from sending. [记忆]
    third_party_from_receipt: int = 1
    #: 第三十四条: the consulted agency's 15 working days, likewise. [记忆]
    agency_from_receipt: int = 1
    #: 国办函〔2020〕109号: the payer's 20 working days run "自收到收费通知之日起", likewise.
    #: [记忆: 条文序号待核]
    fee_from_receipt: int = 1
    #: Workbench and reminders: "due soon" means within this many working days. Not a legal
    #: number; an operating choice.
    due_soon_days: int = 5
    #: 第四十四条 suggestion: at least this many different applicants asked for the same
    #: information. "多个申请人" — two is the smallest "several". Operating choice.
    same_information_applicants: int = 2


#: Rules marked [记忆] above: shown on the staff pages so nobody mistakes them for checked law.
UNVERIFIED = frozenset(
    {
        "third_party_days",
        "agency_days",
        "fee_payment_days",
        "third_party_from_receipt",
        "agency_from_receipt",
        "fee_from_receipt",
    }
)

DEFAULT_RULES = ClockRules()


def current_rules() -> ClockRules:
    """The defaults with any overrides from ``settings.GONGKAI_APPLICATION_RULES``."""
    overrides: dict[str, Any] = settings.GONGKAI_APPLICATION_RULES or {}
    unknown = unknown_rules(overrides)
    if unknown:
        raise ValueError(f"GONGKAI_APPLICATION_RULES 含有未知的规则：{unknown}")
    return replace(DEFAULT_RULES, **{k: int(v) for k, v in overrides.items()})


def unknown_rules(overrides: dict[str, Any]) -> list[str]:
    """The names in ``overrides`` that are no rule of the clock (the system check shows them)."""
    return sorted(set(overrides) - {f.name for f in fields(ClockRules)})

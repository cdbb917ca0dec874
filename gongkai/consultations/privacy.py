"""The one place public participation calls the screening app.

Comments and messages come from the public and may carry their own or someone else's ID,
mobile or bank card number. Those are personal information (条例第十五条): a comment that
carries one is held for a moderator even under post-moderation, and whatever the public sees
is masked. Only the *kinds* found are stored next to the text — never the numbers again.
"""

from __future__ import annotations

from gongkai.screening.detectors import PERSONAL_DATA_KINDS, Finding, detect
from gongkai.screening.masking import mask_text

KIND_LABELS = {
    "id_card": "身份证号码",
    "mobile_phone": "手机号码",
    "bank_card": "银行卡号",
}


def personal_data(text: str) -> list[Finding]:
    """Personal-data findings in ``text`` (markings and terms are not a citizen's concern)."""
    return [f for f in detect(text or "") if f.kind in PERSONAL_DATA_KINDS]


def personal_data_kinds(*texts: str) -> list[str]:
    kinds = {f.kind for text in texts for f in personal_data(text)}
    return sorted(kinds)


def masked(text: str) -> str:
    """``text`` with every ID, mobile and bank card number in its usual masked form."""
    return mask_text(text or "", personal_data(text))


def describe(kinds: list[str]) -> str:
    return "、".join(KIND_LABELS.get(k, k) for k in kinds)

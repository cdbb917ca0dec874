"""Chinese numerals: writing 0–9999 the way 条款 and questions do, and reading a typed answer.

Pure functions, shared by the anti-spam challenge (core/antispam.py) and the draft splitter
(consultations/text.py).
"""

from __future__ import annotations

import unicodedata

DIGITS = "零一二三四五六七八九"
_DIGIT_VALUE = {c: i for i, c in enumerate(DIGITS)} | {"〇": 0, "两": 2}
_UNIT_VALUE = {"十": 10, "百": 100, "千": 1000}


def chinese_number(n: int) -> str:
    """0–9999 in Chinese as written in 条款 and questions: 十、十二、二十、一百零五."""
    if not 0 <= n <= 9999:
        raise ValueError("只支持 0 至 9999。")
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n - 10] if n > 10 else "")
    parts: list[str] = []
    zero_pending = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit == 0:
            zero_pending = bool(parts)
            continue
        if zero_pending:
            parts.append("零")
            zero_pending = False
        parts.append(DIGITS[digit] + unit)
    return "".join(parts)


def parse_number(text: str) -> int | None:
    """An answer typed by a person: 12, １２, 十二, 一十二 → 12; anything else → None."""
    value = unicodedata.normalize("NFKC", text or "").strip().rstrip("。.")
    if not value:
        return None
    if value.isdecimal():
        return int(value)
    if value.startswith("-") and value[1:].isdecimal():
        return -int(value[1:])
    total, digit = 0, None
    for char in value:
        if char in _DIGIT_VALUE:
            digit = _DIGIT_VALUE[char]
        elif char in _UNIT_VALUE:
            total += (1 if digit is None else digit) * _UNIT_VALUE[char]
            digit = None
        else:
            return None
    return total + (digit or 0)

"""Test helpers of the records (shared personas and ``make_record``: gongkai/testing.py)."""

from __future__ import annotations

#: Cell values that mean something to the records import, or used to break it (fuzz tests).
TRICKY_CELLS = [
    "05.04",
    "C0100",
    "主动公开",
    "不予公开",
    "废止",
    "2025-13-45",
    "2025年6月5日",
    "20250605",
    "45000",
    "１２３",
    "一、",
    "../../etc/passwd",
    "通知.pdf；../x.pdf",
    "聊教体发〔2025〕12号",
]

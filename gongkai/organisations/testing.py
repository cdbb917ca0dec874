"""Test helpers of the organisations (shared personas and ``make_*`` helpers:
gongkai/testing.py)."""

from __future__ import annotations

#: Cell values that mean something to the organisations import, or used to break it (fuzz tests).
TRICKY_CELLS = [
    "C0001",
    "C0100",
    "市教育局",
    "县教育局",
    "乡镇",
    "学校",
    "city_bureau",
    "school",
    "123715000000000000",
    "12371500MB1234567X",
    "是",
    "否",
    "1",
    "0",
    "-3",
    "x@",
    "http://",
    "javascript:alert(1)",
]

"""CSV files as clerks export them, and files that only pretend to be CSV."""

from __future__ import annotations

import pytest

from gongkai.core.spreadsheets import UnreadableFile, csv_rows


def test_gbk_csv_from_excel_and_utf8_with_bom_both_read():
    gbk = "编码,名称\n371502,东昌府区教育和体育局\n".encode("gb18030")
    bom = "\ufeff编码,名称\n371502,东昌府区教育和体育局\n".encode()

    assert (
        csv_rows(gbk)
        == csv_rows(bom)
        == [
            ["编码", "名称"],
            ["371502", "东昌府区教育和体育局"],
        ]
    )


def test_tab_separated_text_pasted_from_a_sheet_reads():
    assert csv_rows("编码\t名称\n1\t甲\n".encode()) == [["编码", "名称"], ["1", "甲"]]


@pytest.mark.parametrize("data", [b"\r\x00", b"name,code\n\x00\x01\x02,1\n", b"PK\x03\x04\x00"])
def test_a_file_with_nul_characters_is_refused_with_a_clear_message(data):
    with pytest.raises(UnreadableFile, match="不是 CSV 文本文件"):
        csv_rows(data)

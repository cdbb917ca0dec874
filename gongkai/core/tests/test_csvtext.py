"""CSV files as clerks export them, and files that only pretend to be CSV."""

from __future__ import annotations

import pytest

from gongkai.core import csvtext


def test_gbk_csv_from_excel_and_utf8_with_bom_both_read():
    gbk = "编码,名称\n371502,东昌府区教育和体育局\n".encode("gb18030")
    bom = "\ufeff编码,名称\n371502,东昌府区教育和体育局\n".encode()

    assert (
        csvtext.rows(gbk)
        == csvtext.rows(bom)
        == [
            ["编码", "名称"],
            ["371502", "东昌府区教育和体育局"],
        ]
    )


def test_tab_separated_text_pasted_from_a_sheet_reads():
    assert csvtext.rows("编码\t名称\n1\t甲\n".encode()) == [["编码", "名称"], ["1", "甲"]]


@pytest.mark.parametrize("data", [b"\r\x00", b"name,code\n\x00\x01\x02,1\n", b"PK\x03\x04\x00"])
def test_a_file_with_nul_characters_is_refused_with_a_clear_message(data):
    with pytest.raises(csvtext.UnreadableCSV, match="不是 CSV 文本文件"):
        csvtext.rows(data)


def test_every_importer_reports_a_nul_file_as_an_error_not_a_crash(tmp_path):
    from gongkai.catalogue.tables import CatalogueInvalid, load_table
    from gongkai.organisations.tables import read_rows

    bad = tmp_path / "目录.csv"
    bad.write_bytes(b"\xe5\xba\x8f\xe5\x8f\xb7\r\x00")
    with pytest.raises(CatalogueInvalid):
        load_table(bad)
    result = read_rows(bad)
    assert result.rows == []
    assert "不是 CSV 文本文件" in result.errors[0].message

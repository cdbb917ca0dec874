"""Reading the State Council's notices from their text, and the provisional calendar of the
放假办法 for years whose notice is not loaded."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import pytest

from gongkai.core.calendar import DEFAULT_DATA_FILE, notice_from_chinesecalendar, parse_notice_file
from gongkai.core.calendar.notice import parse_notice_text
from gongkai.core.calendar.statutory import lunar_to_solar, provisional_year
from gongkai.core.tests.notices import NOTICE_2024, NOTICE_2025, NOTICE_2026

SHIPPED = {notice.year: notice for notice in parse_notice_file(DEFAULT_DATA_FILE)}


@pytest.mark.parametrize(
    "year,text", [(2024, NOTICE_2024), (2025, NOTICE_2025), (2026, NOTICE_2026)]
)
def test_parsing_a_real_notice_reproduces_the_loaded_calendar_exactly(year, text):
    parsed = parse_notice_text(text)
    assert parsed.year == year
    assert parsed.errors == [] and parsed.unread == []
    assert parsed.holidays == SHIPPED[year].holidays
    assert parsed.workdays == SHIPPED[year].workdays


@pytest.mark.parametrize(
    "year,text", [(2024, NOTICE_2024), (2025, NOTICE_2025), (2026, NOTICE_2026)]
)
def test_parsing_a_real_notice_agrees_with_chinesecalendar(year, text):
    parsed = parse_notice_text(text)
    package = notice_from_chinesecalendar(year)
    assert set(parsed.holidays) == {d for d in package.holidays if d.year == year}
    assert parsed.workdays == package.workdays


def test_the_notice_names_its_source_with_number_and_date():
    parsed = parse_notice_text(NOTICE_2025)
    assert parsed.source == (
        "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）"
    )


def test_an_encouragement_is_a_note_and_changes_no_working_day():
    parsed = parse_notice_text(NOTICE_2024)
    assert date(2024, 2, 9) not in parsed.holidays
    assert parsed.notes == [
        "春节：鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（2月9日）休息。"
    ]


@pytest.mark.parametrize(
    "section,holidays,workdays",
    [
        # 2017: a festival on a Sunday, its day off the Monday after (补休).
        ("一、元旦：1月1日放假，1月2日（星期一）补休。", ["2017-01-01", "2017-01-02"], []),
        # 2019: the run starts in the year before, with the year written out.
        (
            "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。",
            ["2018-12-30", "2018-12-31", "2019-01-01"],
            ["2018-12-29"],
        ),
        ("一、元旦：2020年1月1日放假，共1天。", ["2020-01-01"], []),
        (
            "六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。",
            [
                f"2023-{m:02d}-{d:02d}"
                for m, d in [(9, 29), (9, 30)] + [(10, i) for i in range(1, 7)]
            ],
            ["2023-10-07", "2023-10-08"],
        ),
        ("五、端午节：6月10日放假，与周末连休。", ["2024-06-10"], []),
        ("一、元旦：1月1日（周三）放假1天，不调休。", ["2025-01-01"], []),
    ],
)
def test_the_wordings_used_since_2015_are_read(section, holidays, workdays):
    year = int(holidays[-1][:4]) if section.startswith("一、元旦：2018") else int(holidays[0][:4])
    parsed = parse_notice_text(f"国务院办公厅关于{year}年部分节假日安排的通知\n{section}")
    assert parsed.errors == [] and parsed.unread == []
    assert sorted(d.isoformat() for d in parsed.holidays) == holidays
    assert sorted(d.isoformat() for d in parsed.workdays) == workdays
    assert set(parsed.holidays) <= set(chinese_calendar.holidays)
    assert parsed.workdays <= set(chinese_calendar.workdays)


def test_full_width_digits_and_a_title_without_line_breaks_are_read():
    text = "国务院办公厅关于２０２６年部分节假日安排的通知 一、元旦：１月１日（周四）至３日（周六）放假调休，共３天。１月４日（周日）上班。"
    parsed = parse_notice_text(text)
    assert sorted(parsed.holidays) == [date(2026, 1, 1), date(2026, 1, 2), date(2026, 1, 3)]
    assert parsed.workdays == {date(2026, 1, 4)}


@pytest.mark.parametrize(
    "section,error",
    [
        ("一、元旦：1月1日（周三）至3日（周五）放假调休，共3天。", "2026年1月1日是星期四"),
        ("二、春节：2月15日至23日放假调休，共8天。", "共8天"),
        ("一、元旦：1月1日放假。1月5日（星期一）上班。", "不是周末"),
    ],
)
def test_a_notice_with_a_mistake_cannot_be_loaded_and_says_why(section, error):
    parsed = parse_notice_text(f"国务院办公厅关于2026年部分节假日安排的通知\n{section}")
    assert not parsed.can_load
    assert any(error in message for message in parsed.errors), parsed.errors


def test_a_sentence_it_cannot_read_is_shown_not_dropped():
    text = "国务院办公厅关于2026年部分节假日安排的通知\n一、元旦：1月1日放假。1月2日另行安排。"
    parsed = parse_notice_text(text)
    assert parsed.can_load
    assert parsed.unread == ["元旦：1月2日另行安排。"]


def test_text_without_a_year_is_refused():
    parsed = parse_notice_text("一、元旦：1月1日放假。")
    assert not parsed.can_load
    assert "年份" in parsed.errors[0]


# --- The provisional calendar of the 放假办法 ------------------------------------------------


@pytest.mark.parametrize(
    "year,eve",
    [
        (2012, date(2012, 1, 22)),  # 腊月 of 2011 has 29 days: 除夕 is 腊月二十九
        (2013, date(2013, 2, 9)),
        (2025, date(2025, 1, 28)),
        (2026, date(2026, 2, 16)),
        (2027, date(2027, 2, 5)),  # 腊月三十
    ],
)
def test_new_years_eve_is_the_day_before_the_first_of_the_first_month(year, eve):
    assert lunar_to_solar(year, 1, 1) == date.fromordinal(eve.toordinal() + 1)
    # The 2007 and 2024 revisions give 除夕 off; the 2013 one does not.
    assert (eve in provisional_year(year).holidays) is (year not in range(2014, 2025))


#: Days the 办法 alone would give off that the State Council's notice did not: in 2012 the
#: 端午 weekend was made up the Friday before, in 2015 中秋 (a Sunday) was not made up at all.
NOT_OFF_IN_THE_NOTICE = {date(2012, 6, 25), date(2015, 9, 28)}


@pytest.mark.parametrize("year", range(2008, 2027))
def test_every_provisional_day_off_was_a_day_off_in_the_real_arrangement(year):
    def off(day: date) -> bool:
        if year >= 2025:
            return day in SHIPPED[year].holidays
        return chinese_calendar.is_holiday(day)  # the package knows 2004-2026

    unexpected = {d for d in provisional_year(year).holidays if not off(d)}
    assert unexpected == {d for d in NOT_OFF_IN_THE_NOTICE if d.year == year}


def test_the_2024_revision_adds_a_day_to_the_spring_festival_and_labour_day():
    days_2024 = provisional_year(2024).holidays  # 2013 rules: 初一 to 初三, 5-1
    days_2025 = provisional_year(2025).holidays  # 2024 rules: 除夕 to 初三, 5-1 and 5-2
    assert [d for d, n in days_2025.items() if n == "劳动节"][:2] == [
        date(2025, 5, 1),
        date(2025, 5, 2),
    ]
    assert date(2024, 5, 2) not in days_2024
    assert sum(1 for d, n in days_2025.items() if n == "春节") == 4


def test_sections_pasted_without_their_numbers_are_read():
    text = (
        "国务院办公厅关于2026年部分节假日安排的通知\n"
        "元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。\n"
        "中秋节：9月25日（周五）至27日（周日）放假，共3天。"
    )
    parsed = parse_notice_text(text)
    assert [s.name for s in parsed.sections] == ["元旦", "中秋节"]
    assert parsed.errors == [] and parsed.unread == []
    assert len(parsed.holidays) == 6 and parsed.workdays == {date(2026, 1, 4)}

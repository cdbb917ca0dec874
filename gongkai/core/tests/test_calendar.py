"""The working-day calendar against the State Council's 2025 and 2026 notices."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from gongkai.core import calendar
from gongkai.core.calendar import (
    CalendarDataError,
    CalendarNotLoaded,
    add_working_days,
    is_working_day,
    working_days_between,
)

pytestmark = pytest.mark.django_db

# Written out by hand from 国办发明电〔2024〕12号 and the 2025-11-04 notice for 2026.
HOLIDAYS_2025 = {
    "2025-01-01",
    "2025-01-28",
    "2025-01-29",
    "2025-01-30",
    "2025-01-31",
    "2025-02-01",
    "2025-02-02",
    "2025-02-03",
    "2025-02-04",
    "2025-04-04",
    "2025-04-05",
    "2025-04-06",
    "2025-05-01",
    "2025-05-02",
    "2025-05-03",
    "2025-05-04",
    "2025-05-05",
    "2025-05-31",
    "2025-06-01",
    "2025-06-02",
    "2025-10-01",
    "2025-10-02",
    "2025-10-03",
    "2025-10-04",
    "2025-10-05",
    "2025-10-06",
    "2025-10-07",
    "2025-10-08",
}
MAKEUP_2025 = {"2025-01-26", "2025-02-08", "2025-04-27", "2025-09-28", "2025-10-11"}
HOLIDAYS_2026 = {
    "2026-01-01",
    "2026-01-02",
    "2026-01-03",
    "2026-02-15",
    "2026-02-16",
    "2026-02-17",
    "2026-02-18",
    "2026-02-19",
    "2026-02-20",
    "2026-02-21",
    "2026-02-22",
    "2026-02-23",
    "2026-04-04",
    "2026-04-05",
    "2026-04-06",
    "2026-05-01",
    "2026-05-02",
    "2026-05-03",
    "2026-05-04",
    "2026-05-05",
    "2026-06-19",
    "2026-06-20",
    "2026-06-21",
    "2026-09-25",
    "2026-09-26",
    "2026-09-27",
    "2026-10-01",
    "2026-10-02",
    "2026-10-03",
    "2026-10-04",
    "2026-10-05",
    "2026-10-06",
    "2026-10-07",
}
MAKEUP_2026 = {
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
}


@pytest.mark.parametrize(
    "year,holidays,makeup",
    [
        (2025, HOLIDAYS_2025, MAKEUP_2025),
        (2026, HOLIDAYS_2026, MAKEUP_2026),
    ],
)
def test_every_day_of_the_year_matches_the_official_notice(year, holidays, makeup):
    day = date(year, 1, 1)
    while day.year == year:
        iso = day.isoformat()
        if iso in makeup:
            expected = True
        elif iso in holidays:
            expected = False
        else:
            expected = day.weekday() < 5
        assert is_working_day(day) is expected, iso
        day += timedelta(days=1)


def test_make_up_saturday_counts_as_a_working_day():
    assert add_working_days(date(2026, 2, 13), 1).due_on == date(2026, 2, 14)


def test_counting_starts_the_day_after_and_skips_national_day():
    count = add_working_days(date(2025, 9, 30), 1)
    assert count.due_on == date(2025, 10, 9)
    assert "国庆节、中秋节 10月1日—8日" in count.explain()


def test_twenty_working_days_across_national_day_and_make_up_days():
    # 9/28 (Sun, make-up) counts; 10/1-8 are off; 10/11 (Sat, make-up) counts.
    count = add_working_days(date(2025, 9, 26), 20)
    assert count.due_on == date(2025, 10, 30)
    assert count.adjusted_workdays == (date(2025, 9, 28), date(2025, 10, 11))
    assert count.weekend_days == 6
    assert "调休上班计入：9月28日（周日）、10月11日（周六）" in count.explain()


def test_twenty_working_days_across_the_2026_spring_festival():
    # 2/11-13 (3), 2/14 Sat make-up (4), 2/15-23 off, 2/24-27 (8), 2/28 Sat make-up (9),
    # 3/2-6 (14), 3/9-13 (19), 3/16 (20).
    count = add_working_days(date(2026, 2, 10), 20)
    assert count.due_on == date(2026, 3, 16)
    assert "春节 2月15日—23日" in count.explain()


def test_counting_across_new_year_into_the_next_loaded_year():
    assert add_working_days(date(2025, 12, 30), 3).due_on == date(2026, 1, 5)


def test_zero_days_is_the_start_date():
    assert add_working_days(date(2025, 3, 3), 0).due_on == date(2025, 3, 3)


def test_a_year_without_a_notice_is_counted_provisionally_and_says_so():
    # 2026-12-04 (Fri): 19 working days to 12-31; 2027-01-01 (元旦, Fri) is off by the 办法,
    # 1-2 and 1-3 are a weekend, so the 20th working day is Monday 2027-01-04.
    count = add_working_days(date(2026, 12, 4), 20)
    assert count.due_on == date(2027, 1, 4)
    assert count.provisional_years == (2027,)
    assert count.is_provisional
    text = count.explain()
    assert "2027年1月4日（暂定）" in text
    assert "元旦 1月1日（暂定）" in text
    assert "2027年1月1日至2027年1月4日" in text
    assert "2024 年修订" in text


def test_a_count_inside_loaded_years_is_final():
    count = add_working_days(date(2026, 11, 2), 20)
    assert count.due_on == date(2026, 11, 30)
    assert not count.is_provisional
    assert "暂定" not in count.explain()


def test_years_no_rule_covers_are_still_an_error_never_a_guess():
    with pytest.raises(CalendarNotLoaded) as excinfo:
        is_working_day(date(1990, 1, 2))
    assert "1990" in str(excinfo.value)
    with pytest.raises(CalendarNotLoaded):
        add_working_days(date(2099, 12, 20), 20)


def test_the_provisional_2027_spring_festival_runs_from_new_years_eve_with_make_up_days_off():
    # 除夕 2027-02-05 (Fri) to 初三 02-08 (Mon); 02-06 and 02-07 fall on a weekend and are
    # made up on the next working days, 02-09 and 02-10 (第六条).
    for day in (5, 8, 9, 10):
        assert not is_working_day(date(2027, 2, day))
        assert calendar.day_reason(date(2027, 2, day)) == "春节"
    assert is_working_day(date(2027, 2, 4))
    assert is_working_day(date(2027, 2, 11))
    assert calendar.is_provisional(date(2027, 2, 5))
    assert not calendar.is_provisional(date(2026, 12, 31))
    assert not is_working_day(date(2027, 2, 13))  # weekends are weekends, no 调休 guessed


def test_working_days_between_counts_the_lateness():
    assert working_days_between(date(2025, 9, 30), date(2025, 10, 10)) == 2
    assert working_days_between(date(2025, 10, 10), date(2025, 10, 10)) == 0


def test_workdays_add_command_prints_the_iso_date():
    out = StringIO()
    call_command("workdays", "add", "2025-09-30", "1", stdout=out)
    assert out.getvalue().strip() == "2025-10-09"


def test_workdays_add_for_an_unloaded_year_prints_the_provisional_date_and_says_so():
    out, err = StringIO(), StringIO()
    call_command("workdays", "add", "2027-03-01", "5", stdout=out, stderr=err)
    assert out.getvalue().strip() == "2027-03-08"
    assert "暂定" in err.getvalue() and "2027" in err.getvalue()


def test_workdays_add_for_a_year_no_rule_covers_fails_clearly():
    with pytest.raises(CommandError, match="1990"):
        call_command("workdays", "add", "1990-03-01", "5", stdout=StringIO())


def test_workdays_add_rejects_a_malformed_date():
    with pytest.raises(CommandError, match="ISO date"):
        call_command("workdays", "add", "2025/09/30", "1", stdout=StringIO())


def test_importing_a_new_years_notice_makes_it_countable(tmp_path: Path):
    notice = tmp_path / "2027.json"
    notice.write_text(
        '{"years": {"2027": {"source": "测试通知", "holidays": {"元旦": ["2027-01-01"]},'
        ' "adjusted_workdays": ["2027-01-09"]}}}',
        encoding="utf-8",
    )
    call_command("workdays", "import", str(notice), stdout=StringIO())
    assert not is_working_day(date(2027, 1, 1))
    assert is_working_day(date(2027, 1, 9))  # a Saturday worked
    assert add_working_days(date(2026, 12, 31), 1).due_on == date(2027, 1, 4)


def test_reimporting_a_year_replaces_it(tmp_path: Path):
    notice = tmp_path / "2025.json"
    notice.write_text(
        '{"years": {"2025": {"holidays": {"测试": ["2025-03-03"]}}}}', encoding="utf-8"
    )
    call_command("workdays", "import", str(notice), stdout=StringIO())
    assert not is_working_day(date(2025, 3, 3))
    assert is_working_day(date(2025, 10, 8)) is True  # the old National Day is gone


@pytest.mark.parametrize(
    "payload,message",
    [
        ('{"years": {"2027": {"holidays": {"x": ["2027-13-01"]}}}}', "YYYY-MM-DD"),
        ('{"years": {"2027": {"holidays": {}, "adjusted_workdays": ["2027-01-06"]}}}', "不是周末"),
        ('{"nothing": 1}', "years"),
        ("not json", "无法读取"),
    ],
)
def test_bad_notice_files_are_refused_with_a_reason(tmp_path: Path, payload, message):
    path = tmp_path / "bad.json"
    path.write_text(payload, encoding="utf-8")
    with pytest.raises(CalendarDataError, match=message):
        calendar.parse_notice_file(path)


def test_past_years_can_be_seeded_from_chinesecalendar():
    call_command("workdays", "import", "--chinesecalendar", "2024", stdout=StringIO())
    assert not is_working_day(date(2024, 10, 1))
    assert is_working_day(date(2024, 10, 12))  # a Saturday worked in 2024
    assert "国庆节" in add_working_days(date(2024, 9, 30), 1).explain()

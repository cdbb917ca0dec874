"""Every reply category lands in its own row of 年报表三; the table balances; 表四 and the
on-time rate count what happened."""

from __future__ import annotations

from datetime import date

import pytest

from gongkai.applications import categories, services
from gongkai.applications.models import RemedyKind
from gongkai.applications.testing import make_application
from gongkai.supervision.annual import tables as reports

pytestmark = pytest.mark.django_db

#: The result rows of 年报表三 (国办公开办函〔2021〕30号, 三、本年度办理结果), in order.
OFFICIAL_ROWS = [
    "r3_1", "r3_2",
    "r3_3_1", "r3_3_2", "r3_3_3", "r3_3_4", "r3_3_5", "r3_3_6", "r3_3_7", "r3_3_8",
    "r3_4_1", "r3_4_2", "r3_4_3",
    "r3_5_1", "r3_5_2", "r3_5_3", "r3_5_4", "r3_5_5",
    "r3_6_1", "r3_6_2", "r3_6_3",
]  # fmt: skip


def test_categories_map_one_to_one_onto_the_official_rows():
    assert [c.row for c in categories.CATEGORIES] == OFFICIAL_ROWS
    assert len(categories.BY_VALUE) == len(OFFICIAL_ROWS)


def close(application, category, by):
    if category == "other_no_correction":
        services.request_correction(
            application, by=by, on=date(2025, 9, 19), until_on=date(2025, 9, 26), note="请补正"
        )
        return services.close_uncorrected(application.__class__.objects.get(pk=application.pk),
                                          on=date(2025, 9, 29))  # fmt: skip
    if category == "other_fee_unpaid":
        services.send_fee_notice(
            application, by=by, on=date(2025, 9, 19), method="per_page", pages=40
        )
        return services.close_unpaid(application.__class__.objects.get(pk=application.pk),
                                     on=date(2025, 10, 30))  # fmt: skip
    services.draft_reply(application, by=by, category=category, body="答复意见。")
    return services.send_reply(application, by=by, on=date(2025, 10, 9))


@pytest.mark.parametrize(
    "category", categories.CATEGORIES, ids=[c.value for c in categories.CATEGORIES]
)
def test_each_reply_category_lands_in_its_annual_report_row(clerk, travel, category):
    travel(2025, 11, 3)
    application = make_application(
        by=clerk, received_on=date(2025, 9, 18), applicant_kind="research"
    )
    closed = close(application, category.value, clerk)
    assert closed.reply_category == category.value
    assert closed.annual_report_row == category.row
    table = reports.table_three(application.organisation, 2025)
    for row in OFFICIAL_ROWS:
        expected = 1 if row == category.row else 0
        assert table[row]["research"] == expected, row
        assert table[row]["total"] == expected, row
    assert table["r1"]["research"] == 1
    assert table["r3_7"]["total"] == 1
    assert table["r4"]["total"] == 0


def test_table_three_balances_across_years(clerk, travel):
    travel(2026, 1, 20)
    carried = make_application(by=clerk, received_on=date(2025, 12, 22))
    make_application(by=clerk, received_on=date(2025, 12, 23), applicant_kind="business")
    services.draft_reply(carried, by=clerk, category="granted", body="提供。")
    services.send_reply(carried, by=clerk, on=date(2026, 1, 12))
    org = carried.organisation
    t2025, t2026 = reports.table_three(org, 2025), reports.table_three(org, 2026)
    assert t2025["r1"]["total"] == 2 and t2025["r3_7"]["total"] == 0
    assert t2025["r4"] == {**t2025["r1"]}
    assert t2026["r2"] == t2025["r4"]
    assert t2026["r3_1"]["natural"] == 1
    assert t2026["r4"]["business"] == 1
    for table in (t2025, t2026):
        for col, _ in reports.COLUMNS:
            assert table["r1"][col] + table["r2"][col] == table["r3_7"][col] + table["r4"][col]


def test_a_voided_registration_is_not_counted(clerk, travel):
    travel(2025, 9, 19)
    application = make_application(by=clerk, received_on=date(2025, 9, 18))
    services.void(application, by=clerk, note="重复登记")
    assert reports.table_three(application.organisation, 2025)["r1"]["total"] == 0


def test_table_four_and_the_on_time_rate(clerk, travel):
    travel(2025, 12, 30)
    late = make_application(by=clerk, received_on=date(2025, 9, 18))
    services.draft_reply(late, by=clerk, category="withheld_process", body="不予公开。")
    late = services.send_reply(late, by=clerk, on=date(2025, 10, 24))
    assert late.late_by == 2  # due 10/22; 10/23 and 10/24 are working days
    prompt = make_application(by=clerk, received_on=date(2025, 9, 18))
    services.draft_reply(prompt, by=clerk, category="granted", body="提供。")
    services.send_reply(prompt, by=clerk, on=date(2025, 10, 9))
    services.record_remedy(late, by=clerk, kind=RemedyKind.REVIEW, filed_on=date(2025, 11, 3))
    remedy = services.record_remedy(
        late, by=clerk, kind=RemedyKind.LITIGATION_DIRECT, filed_on=date(2025, 11, 5)
    )
    services.record_remedy(
        late, by=clerk, kind=remedy.kind, filed_on=remedy.filed_on, outcome="corrected",
        decided_on=date(2025, 12, 20), remedy=remedy,
    )  # fmt: skip
    table = reports.table_four(late.organisation, 2025)
    assert table["review"] == {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1}
    assert table["litigation_direct"]["corrected"] == 1
    assert table["litigation_after_review"]["total"] == 0
    rate = reports.on_time_rate(late.organisation, 2025)
    assert (rate.replied, rate.on_time, rate.late, rate.rate) == (2, 1, 1, 0.5)

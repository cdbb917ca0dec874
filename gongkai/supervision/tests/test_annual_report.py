"""年度报告: a fixture with known contents reproduces every cell of tables 二, 三 and 四; the
sum checks reject inconsistent data."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from gongkai.records import services
from gongkai.records.models import Status as RecordStatus
from gongkai.supervision import annual
from gongkai.supervision.models import AnnualReport
from gongkai.supervision.testing import Team, make_application

pytestmark = pytest.mark.django_db
D = date


def row(natural=0, business=0, research=0, welfare=0, legal=0, other=0):
    values = {"natural": natural, "business": business, "research": research,
              "welfare": welfare, "legal": legal, "other": other}  # fmt: skip
    return {**values, "total": sum(values.values())}


def test_table_three_reproduces_every_cell_of_the_fixture(county, applications):
    expected = {code: row() for code, _ in annual.ROWS}
    expected.update(
        r1=row(natural=2, business=1, research=1, welfare=1, legal=1, other=1),
        r2=row(natural=2),
        r3_1=row(natural=2),
        r3_2=row(natural=1),
        r3_3_4=row(business=1),
        r3_4_1=row(legal=1),
        r3_5_2=row(welfare=1),
        r3_6_1=row(other=1),
        r3_7=row(natural=3, business=1, welfare=1, legal=1, other=1),
        r4=row(natural=1, research=1),
    )
    assert annual.table_three(county, 2025) == expected


def test_table_three_has_exactly_the_official_rows_and_columns():
    assert [c for c, _ in annual.ROWS] == [
        "r1", "r2", "r3_1", "r3_2", *(f"r3_3_{i}" for i in range(1, 9)),
        *(f"r3_4_{i}" for i in range(1, 4)), *(f"r3_5_{i}" for i in range(1, 6)),
        *(f"r3_6_{i}" for i in range(1, 4)), "r3_7", "r4",
    ]  # fmt: skip
    assert [label for _, label in annual.COLUMNS] == [
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
    ]  # fmt: skip


def test_table_four_reproduces_every_cell_counting_outcomes_as_the_year_ended(county, applications):
    assert annual.table_four(county, 2025) == {
        "review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 1, "total": 1},
        "litigation_after_review": {
            "upheld": 0, "corrected": 0, "other": 1, "pending": 0, "total": 1,
        },
    }  # fmt: skip


@pytest.fixture
def documents(county):
    team = Team(county)
    n1 = team.published(county, "01.02", D(2025, 3, 3), D(2025, 3, 5))
    n2 = team.published(county, "01.02", D(2024, 5, 6), D(2024, 5, 8))
    team.published(county, "01.02", D(2024, 2, 5), D(2024, 2, 6))
    team.draft(county, "01.02", D(2025, 5, 6))
    services.change_validity(n2, by=team.clerk, validity="repealed", on=D(2025, 9, 1))
    team.published(county, "03.02", D(2025, 4, 1), D(2025, 4, 2))
    team.published(county, "03.02", D(2025, 10, 9), D(2025, 10, 10))
    team.published(county, "03.02", D(2024, 10, 9), D(2024, 10, 10))
    return team, n1


def test_table_two_reproduces_every_cell(county, documents):
    assert annual.table_two(county, 2025) == {
        "rules": {"issued": 0, "abolished": 0, "in_force": 0},
        "normative": {"issued": 1, "abolished": 1, "in_force": 2},
        "licensing": {"decisions": 2},
        "penalty": {"decisions": 0},
        "enforcement": {"decisions": 0},
        "fees": {"amount": "0.00"},
    }
    two = annual.table_two(county, 2025)
    assert annual.table_two_warnings(county, 2025, two) == []


def test_clean_data_passes_every_sum_check(county, applications):
    assert annual.check_tables(annual.compute_tables(county, 2025)) == []


def test_an_edited_total_that_does_not_add_up_is_rejected(county, applications):
    tables = annual.compute_tables(county, 2025)
    broken = copy.deepcopy(tables)
    broken["three"]["r1"]["total"] += 1
    assert any("总计" in e for e in annual.check_tables(broken))
    broken = copy.deepcopy(tables)
    broken["three"]["r3_7"]["natural"] += 1
    broken["three"]["r3_7"]["total"] += 1
    errors = annual.check_tables(broken)
    assert any("（七）总计 4 不等于（一）至（六）各项之和 3" in e for e in errors)
    broken = copy.deepcopy(tables)
    broken["four"]["review"]["total"] = 5
    assert any("表四“行政复议”" in e for e in annual.check_tables(broken))
    with pytest.raises(ValidationError):
        annual.validate_tables(broken)


def test_dirty_data_breaks_the_balance_and_the_draft_refuses_to_save(
    county, applications, supervisor
):
    report = annual.draft_report(county, 2025, by=supervisor)
    # An application closed in 2025 but recorded as received in 2026: the balance breaks.
    make_application(county, received_on=D(2026, 2, 1), category="granted",
                     replied_on=D(2025, 12, 1))  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        annual.save_report(report, by=supervisor, recompute=True)
    assert "勾稽关系" in str(raised.value)
    report.refresh_from_db()
    assert report.tables["three"]["r3_7"]["total"] == 7


def test_the_draft_is_prefilled_and_manual_rows_are_checked(county, applications, supervisor):
    report = annual.draft_report(county, 2025, by=supervisor)
    assert "本年新收政府信息公开申请7件" in annual.render_html(report)
    assert set(report.sections) == set(annual.SECTION_TITLES)
    annual.save_report(report, by=supervisor, manual={"penalty": {"decisions": 3}},
                       sections={"5": "问题与改进"})  # fmt: skip
    report.refresh_from_db()
    assert report.tables["two"]["penalty"] == {"decisions": 3}
    assert report.sections["5"] == "问题与改进"
    with pytest.raises(ValidationError):
        annual.save_report(report, by=supervisor, manual={"penalty": {"decisions": -1}})
    with pytest.raises(ValidationError, match="由系统统计"):
        annual.save_report(report, by=supervisor, manual={"normative": {"issued": 9}})


def test_filing_creates_a_record_in_the_review_workflow(county, applications):
    team = Team(county)
    report = annual.draft_report(county, 2025, by=team.clerk)
    record = annual.file_report(report, by=team.clerk)
    assert record.status == RecordStatus.SUBMITTED
    assert record.item.code == "02.01" and record.organisation == county
    assert "一、本年新收政府信息公开申请数量" in record.body
    report.refresh_from_db()
    assert report.status == AnnualReport.Status.FILED and report.record == record
    with pytest.raises(ValidationError):
        annual.save_report(report, by=team.clerk, sections={"1": "改"})


def test_filing_goes_through_the_workflow_once(county, applications):
    from gongkai.core.models import AuditEvent
    from gongkai.core.workflow import TransitionNotAllowed

    team = Team(county)
    report = annual.draft_report(county, 2025, by=team.clerk)
    record = annual.file_report(report, by=team.clerk)
    event = AuditEvent.objects.for_object(report).get(verb="annual_report.file")
    assert (event.from_status, event.to_status, event.actor) == ("draft", "filed", team.clerk)
    assert event.data == {"record": record.pk}
    with pytest.raises(TransitionNotAllowed, match="已提交发布审核"):
        annual.file_report(report, by=team.clerk)
    assert AuditEvent.objects.filter(verb="annual_report.file").count() == 1

"""Responses are records: fast path, screening still blocks, the portal column."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from gongkai.concerns import services
from gongkai.concerns.models import Level, ResponseKind, Status
from gongkai.concerns.testing import make_concern
from gongkai.concerns.tests.conftest import at
from gongkai.core.models import AuditEvent
from gongkai.records import hooks
from gongkai.records import services as records
from gongkai.records.models import Record
from gongkai.records.models import Status as RecordStatus
from gongkai.screening.detectors import detect
from gongkai.testing import make_record

from .helpers import publish_response

pytestmark = pytest.mark.django_db


@pytest.fixture
def concern(officer):
    with time_machine.travel(at("2026-03-02 10:05"), tick=False):
        return make_concern(by=officer, discovered_at=at("2026-03-02 10:00"), level=Level.SERIOUS)


@pytest.fixture
def personal_data_check():
    """The shared publish check the screening app registers, reduced to its detector; the
    integrator runs the real extension after merge."""

    def check(record: Record) -> list[str]:
        found = detect(f"{record.title}\n{record.body}")
        return [f"发现个人信息（{f.kind}）：{f.text}" for f in found if f.kind == "id_card"]

    hooks.register(hooks.RecordExtension(name="test-screening", publish_checks=[check]))
    yield
    hooks._registry.pop("test-screening")


def test_a_response_goes_out_through_one_reviewer_and_moves_the_concern(
    concern, officer, clerk, document_reviewer
):
    with time_machine.travel(at("2026-03-02 13:00"), tick=False):
        record = publish_response(concern, clerk=clerk, reviewer=document_reviewer)

    assert record.status == RecordStatus.PUBLISHED and record.kind == "response"
    assert record.document_reviewer == document_reviewer == record.disclosure_reviewer
    concern.refresh_from_db()
    assert concern.status == Status.RESPONDED
    event = AuditEvent.objects.for_object(concern).get(verb="concern.respond")
    assert (event.from_status, event.to_status, event.actor) == ("registered", "responded", clerk)
    assert record.current_version.metadata["concerns"] == {
        "concern": concern.pk,
        "kind": "statement",
    }


def test_the_fast_path_still_blocks_publication_on_an_id_number(
    concern, clerk, document_reviewer, personal_data_check
):
    with time_machine.travel(at("2026-03-02 11:00"), tick=False):
        record = services.draft_response(
            concern,
            by=clerk,
            kind=ResponseKind.STATEMENT,
            title="关于午餐问题的情况说明",
            body="<p>发帖人身份证号11010519491231002X，已联系核实。</p>",
        )
        record = records.approve_fast(records.submit(record, by=clerk), by=document_reviewer)
        with pytest.raises(ValidationError, match="11010519491231002X"):
            records.publish(record, by=clerk)

    record.refresh_from_db()
    concern.refresh_from_db()
    assert record.status == RecordStatus.APPROVED and record.current_version is None
    assert concern.status == Status.REGISTERED
    assert concern.clocks(now=at("2026-03-02 11:00"))[0].met_at is None


def test_a_response_record_without_a_concern_cannot_be_submitted(clerk):
    record = make_record(by=clerk, title="关于网传消息的说明")
    Record.objects.filter(pk=record.pk).update(kind="response")
    record.refresh_from_db()
    with pytest.raises(ValidationError, match="须关联所回应的舆情"):
        records.submit(record, by=clerk)


def test_outsiders_cannot_draft_a_response(concern, other_county_clerk, supervisor):
    for user in (other_county_clerk, supervisor):
        with pytest.raises(ValidationError, match="信息制作人员或舆情处置人员"):
            services.draft_response(
                concern, by=user, kind=ResponseKind.STATEMENT, title="说明", body="<p>说明</p>"
            )


def test_the_officer_handling_the_concern_drafts_and_submits_the_response(
    concern, officer, document_reviewer
):
    with time_machine.travel(at("2026-03-02 12:00"), tick=False):
        record = services.draft_response(
            concern,
            by=officer,
            kind=ResponseKind.STATEMENT,
            title="关于网传午餐问题的情况说明",
            body="<p>经核查，学校午餐按标准供应。</p>",
        )
        record = records.approve_fast(records.submit(record, by=officer), by=document_reviewer)
        record = records.publish(record, by=officer)

    assert record.author == officer
    assert record.status == RecordStatus.PUBLISHED


def test_the_portal_lists_responses_newest_first_with_the_public_subject_only(
    client, concern, officer, clerk, document_reviewer
):
    with time_machine.travel(at("2026-03-02 12:00"), tick=False):
        publish_response(concern, clerk=clerk, reviewer=document_reviewer)
    with time_machine.travel(at("2026-03-02 18:00"), tick=False):
        publish_response(concern, clerk=clerk, reviewer=document_reviewer, kind=ResponseKind.UPDATE)
        services.draft_response(
            concern, by=clerk, kind=ResponseKind.UPDATE, title="尚未发布的进展", body="<p>草稿</p>"
        )

    page = client.get(reverse("concerns:responses")).content.decode()

    assert page.index("进展通报") < page.index("情况说明")
    assert "回应关切：网传某小学午餐质量问题" in page
    assert "尚未发布的进展" not in page
    assert concern.summary not in page and officer.full_name not in page
    assert "officer@example.com" not in page


@pytest.mark.skipif(
    "os.environ.get('DATABASE_URL', '').startswith('postgres')",
    reason="reads SQLite's query plans (PostgreSQL's planner scans tables this small anyway)",
)
def test_the_responses_listing_is_driven_by_the_responses_not_every_public_record(
    client, concern, clerk, document_reviewer
):
    """Issue 19: the listing joined every public record to find the few that are responses,
    and SQLite walked all of them (6 ms at 100k records, 37 ms at 1M)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    publish_response(concern, clerk=clerk, reviewer=document_reviewer)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("concerns:responses")).status_code == 200
    assert queries.captured_queries
    for query in queries.captured_queries:
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plan = [row[-1] for row in cursor.fetchall()]
        scans = [line for line in plan if line.startswith("SCAN")]
        assert all("concerns_response" in line for line in scans), (query["sql"], plan)

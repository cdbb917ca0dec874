"""The audit administrator's log: Chinese labels, filters, pages, verification, exports."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gongkai.accounts import auditlog
from gongkai.accounts.models import Role
from gongkai.core.audit import current_ip, record_event
from gongkai.core.models import AuditEvent
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db

URL = "/staff/accounts/audit/"


@pytest.fixture
def auditor(city):
    return make_user(
        username="auditor", full_name="钱审", roles=[Role.AUDIT_ADMIN], organisation=city
    )


@pytest.fixture
def events(city, county):
    security = make_user(
        username="anquan", full_name="赵安", roles=[Role.SECURITY_ADMIN], organisation=city
    )
    person = make_user(username="sunwen", full_name="孙文")
    token = current_ip.set("10.1.2.3")
    try:
        record_event("account.unlock", actor=security, target=person, note="本人来电确认")
        record_event("organisations.update", actor=security, target=county)
    finally:
        current_ip.reset(token)
    record_event("account.temporary_password", actor=security, target=person)
    record_event("account.2fa_reset", actor=person, target=person, note='=HYPERLINK("http://x")')
    return {"security": security, "person": person}


def test_rows_show_chinese_labels_never_codes(client, auditor, events):
    client.force_login(auditor)

    html = client.get(URL).content.decode()

    assert "账号：解除登录锁定" in html
    assert "机构：修改" in html
    assert ">account.unlock<" not in html


def test_the_operation_filter_lists_chinese_groups(client, auditor, events):
    client.force_login(auditor)

    html = client.get(URL).content.decode()

    assert '<optgroup label="账号">' in html
    assert '<option value="account.unlock">解除登录锁定</option>' in html


def test_filters_by_person_operation_object_date_and_address(client, auditor, events):
    client.force_login(auditor)
    person = events["person"]

    def ids(**params):
        page = client.get(URL, params)
        return {e.id for e in page.context["rows"]}

    by_verb = ids(verb="account.unlock")
    by_actor = ids(actor="赵安")
    by_username = ids(actor="anquan")
    by_object = ids(object=str(person.pk), object_type=str(_content_type(person)))
    by_ip = ids(ip="10.1.")
    today = timezone.localdate(AuditEvent.objects.latest("id").at).isoformat()
    by_date = ids(since=today, until=today)
    none_before = ids(until="2000-01-01")

    unlock = AuditEvent.objects.get(verb="account.unlock").id
    assert by_verb == {unlock}
    assert unlock in by_actor and by_actor == by_username
    assert AuditEvent.objects.get(verb="account.2fa_reset").id not in by_actor
    assert (
        unlock in by_object
        and AuditEvent.objects.get(verb="organisations.update").id not in by_object
    )
    assert by_ip == set(AuditEvent.objects.filter(ip="10.1.2.3").values_list("id", flat=True))
    assert len(by_ip) == 2
    assert unlock in by_date
    assert none_before == set()


def test_the_date_filter_reads_beijing_days_not_utc_days(client, auditor, city):
    """00:30 in Beijing on 5 December is still 4 December in UTC: the clerk types the 5th."""
    client.force_login(auditor)
    with time_machine.travel("2026-12-04T16:30:00Z", tick=False):
        record_event("account.unlock", actor=auditor, target=auditor)
    event = AuditEvent.objects.get(verb="account.unlock")

    def ids(**params):
        return {e.id for e in client.get(URL, params).context["rows"]}

    assert event.id in ids(since="2026-12-05", until="2026-12-05")
    assert event.id not in ids(since="2026-12-04", until="2026-12-04")
    assert event.id not in ids(since="2026-12-06")


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(type(obj)).pk


def test_a_backwards_date_range_is_refused_in_chinese(client, auditor, events):
    client.force_login(auditor)
    html = client.get(URL, {"since": "2026-02-01", "until": "2026-01-01"}).content.decode()
    assert "截止日期不能早于起始日期" in html


def test_pages_go_back_by_id_with_the_filter_kept(client, auditor, county, monkeypatch):
    monkeypatch.setattr(auditlog, "PAGE_SIZE", 3)
    for n in range(7):
        record_event("organisations.update", actor=auditor, target=county, note=f"第{n}次")
    client.force_login(auditor)

    first = client.get(URL, {"verb": "organisations.update"})
    second = client.get(
        URL, {"verb": "organisations.update", "before": first.context["next_before"]}
    )
    third = client.get(
        URL, {"verb": "organisations.update", "before": second.context["next_before"]}
    )

    seen = [e.note for page in (first, second, third) for e in page.context["rows"]]
    assert seen == [f"第{n}次" for n in range(6, -1, -1)]
    assert third.context["next_before"] is None
    assert (
        "verb=organisations.update"
        in first.content.decode().split("更早的记录")[0].rsplit("href", 1)[1]
    )


def test_verifying_the_chain_from_the_page_says_so_and_is_audited(client, auditor, events):
    client.force_login(auditor)

    page = client.post(reverse("staff_accounts:audit_verify"), follow=True)

    assert "审计链完整" in page.content.decode()
    assert AuditEvent.objects.filter(verb="audit.verify", actor=auditor).count() == 1


def test_a_broken_chain_is_reported_in_chinese(client, auditor, events, monkeypatch):
    from gongkai.accounts.views import audit
    from gongkai.core.audit import BrokenLink

    monkeypatch.setattr(
        audit, "verify_chain", lambda: BrokenLink(2, "内容与哈希不符（记录被修改）")
    )
    client.force_login(auditor)

    page = client.post(reverse("staff_accounts:audit_verify"), follow=True).content.decode()

    assert "审计链在第 2 条记录处断开：内容与哈希不符（记录被修改）" in page


def test_the_csv_export_has_the_filtered_rows_in_chinese_and_no_live_formulas(
    client, auditor, events
):
    client.force_login(auditor)

    response = client.get(
        reverse("staff_accounts:audit_export"), {"actor": "孙文", "format": "csv"}
    )

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:5] == ["序号", "时间", "操作人", "来源地址", "操作"]
    assert [r[4] for r in rows[1:]] == ["账号：重置双因素认证"]
    assert rows[1][9] == '\'=HYPERLINK("http://x")'
    row = AuditEvent.objects.get(verb="audit.export")
    assert row.data["filters"] == {"actor": "孙文"} and row.data["rows"] == 1


def test_the_xlsx_export_opens_with_the_same_rows(client, auditor, events):
    client.force_login(auditor)

    response = client.get(
        reverse("staff_accounts:audit_export"), {"verb": "account.unlock", "format": "xlsx"}
    )

    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][4] == "操作"
    assert [v[4] for v in values[1:]] == ["账号：解除登录锁定"]
    assert values[1][9] == "本人来电确认"
    assert response["Content-Disposition"].endswith('.xlsx"')


def test_a_formula_in_a_note_stays_text_in_the_xlsx_export(client, auditor, events):
    client.force_login(auditor)

    response = client.get(
        reverse("staff_accounts:audit_export"), {"verb": "account.2fa_reset", "format": "xlsx"}
    )

    cell = load_workbook(io.BytesIO(response.content)).active.cell(row=2, column=10)
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s" and cell.quotePrefix


def test_only_the_audit_administrator_exports(client, events, city):
    system = make_user(roles=[Role.SYSTEM_ADMIN], organisation=city)
    client.force_login(system)
    assert client.get(reverse("staff_accounts:audit_export"), {"format": "csv"}).status_code == 403
    assert client.post(reverse("staff_accounts:audit_verify")).status_code == 403


def test_the_list_page_reads_a_bounded_number_of_rows(
    client, auditor, county, django_assert_max_num_queries
):
    for n in range(60):
        record_event("organisations.update", actor=auditor, target=county, note=str(n))
    client.force_login(auditor)

    with django_assert_max_num_queries(12):
        page = client.get(URL)

    assert len(page.context["rows"]) == auditlog.PAGE_SIZE

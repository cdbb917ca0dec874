"""notify(): once per event and person, mail at once or in a daily digest, the inbox."""

from __future__ import annotations

from datetime import date
from unittest import mock

import lxml.html
import pytest
from django.core import mail
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.core.models import AuditEvent
from gongkai.notifications import services
from gongkai.notifications.models import EmailMode, Kind, Mail, Notification, Preference
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(county):
    return make_user(
        username="alice", email="alice@example.org", roles=[Role.CLERK], organisation=county
    )


@pytest.fixture
def bob(county):
    return make_user(
        username="bob", email="bob@example.org", roles=[Role.CLERK], organisation=county
    )


def tell(users, key="evt:1", **kw):
    fields = {
        "kind": Kind.REVIEW,
        "subject": "待公文审核：关于招生范围的公告",
        "body": "孙文 提交了审核。",
        "url": "/staff/records/1/",
    }
    fields.update(kw)
    return services.notify(users, key=key, **fields)


def test_each_person_is_told_about_an_event_once(alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = tell([alice, bob, alice])
        again = tell([alice, bob])
    assert len(first) == 2 and again == []
    assert Notification.objects.filter(key="evt:1").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@example.org", "bob@example.org"]


def test_the_mail_goes_after_commit_with_a_link_to_the_site(
    alice, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://gongkai.example.gov.cn"
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tell([alice])
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert "待公文审核：关于招生范围的公告" in message.subject
    assert "https://gongkai.example.gov.cn/staff/records/1/" in message.body
    assert Notification.objects.get().mail == Mail.SENT


def test_inactive_people_and_people_without_mail_get_no_mail(
    alice, county, django_capture_on_commit_callbacks
):
    gone = make_user(email="gone@example.org", roles=[Role.CLERK], organisation=county)
    gone.is_active = False
    gone.save()
    silent = make_user(email="", roles=[Role.CLERK], organisation=county)
    with django_capture_on_commit_callbacks(execute=True):
        created = tell([alice, gone, silent])
    assert {n.user for n in created} == {alice, silent}
    assert Notification.objects.get(user=silent).mail == Mail.SKIPPED
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]


def test_a_caller_that_mails_itself_leaves_only_the_inbox(
    alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tell([alice], email=False)
    assert mail.outbox == []
    assert Notification.objects.get().mail == Mail.SKIPPED


def test_the_daily_digest_sends_one_mail_once_a_day(alice, django_capture_on_commit_callbacks):
    services.set_email_mode(by=alice, email=EmailMode.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        tell([alice], key="evt:1")
        tell([alice], key="evt:2", subject="被退回修改：关于招生范围的公告", kind=Kind.RETURNED)
    assert mail.outbox == []  # nothing at once

    assert services.send_digests(today=date(2026, 3, 2)) == 1
    assert services.send_digests(today=date(2026, 3, 2)) == 0  # a rerun sends nothing
    (digest,) = mail.outbox
    assert "2 条" in digest.subject
    assert "待公文审核" in digest.body and "被退回修改" in digest.body
    assert set(Notification.objects.values_list("mail", flat=True)) == {Mail.DIGESTED}

    tell([alice], key="evt:3")
    assert services.send_digests(today=date(2026, 3, 2)) == 0  # tomorrow's
    assert services.send_digests(today=date(2026, 3, 3)) == 1
    assert "1 条" in mail.outbox[-1].subject


def test_no_mail_at_all_when_the_person_wants_none(alice, django_capture_on_commit_callbacks):
    services.set_email_mode(by=alice, email=EmailMode.NONE)
    with django_capture_on_commit_callbacks(execute=True):
        tell([alice])
    assert services.send_digests(today=date(2026, 3, 2)) == 0
    assert mail.outbox == []
    assert Notification.objects.get().mail == Mail.SKIPPED


def test_a_failed_send_is_retried_by_the_next_run(alice, django_capture_on_commit_callbacks):
    with (
        mock.patch("gongkai.notifications.services.send_mail", side_effect=OSError("down")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tell([alice])
    assert Notification.objects.get().mail == Mail.PENDING
    assert services.send_pending_mail() == 1
    assert services.send_pending_mail() == 0
    assert len(mail.outbox) == 1


def test_changing_the_mail_setting_is_audited(alice):
    services.set_email_mode(by=alice, email=EmailMode.DIGEST)
    services.set_email_mode(by=alice, email=EmailMode.DIGEST)
    event = AuditEvent.objects.get(verb="notifications.email_mode")
    assert event.data == {"from": EmailMode.IMMEDIATE, "to": EmailMode.DIGEST}
    assert Preference.objects.get(user=alice).email == EmailMode.DIGEST


def test_unknown_kinds_and_missing_keys_are_refused(alice):
    with pytest.raises(ValueError):
        tell([alice], kind="shout")
    with pytest.raises(ValueError):
        tell([alice], key="")


def test_people_holding_a_role_include_those_above(county, school, township):
    from gongkai.testing import make_organisation

    above = make_user(roles=[Role.DOCUMENT_REVIEWER], organisation=county)
    here = make_user(roles=[Role.DOCUMENT_REVIEWER], organisation=school)
    beside = make_user(
        roles=[Role.DOCUMENT_REVIEWER],
        organisation=make_organisation(kind="school", parent=township),
    )
    clerk = make_user(roles=[Role.CLERK], organisation=school)
    found = set(services.people_holding(Role.DOCUMENT_REVIEWER, school))
    assert found == {above, here}
    assert beside not in found and clerk not in found


# --- The inbox ------------------------------------------------------------------------------


def test_the_inbox_lists_opens_and_marks_read(client, alice, bob):
    (mine,) = tell([alice])
    (theirs,) = tell([bob], key="evt:other", subject="别人的通知")
    client.force_login(alice)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "待公文审核：关于招生范围的公告" in page and "别人的通知" not in page
    assert "1 条未读" in page
    opened = client.get(reverse("notifications:open", args=[mine.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/staff/records/1/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.get(reverse("notifications:open", args=[theirs.pk])).status_code == 404
    assert "没有未读通知" in client.get(reverse("notifications:inbox")).content.decode()


def test_marking_everything_read_and_choosing_the_digest(client, alice):
    tell([alice], key="a")
    tell([alice], key="b")
    client.force_login(alice)
    client.post(reverse("notifications:read_all"))
    assert not Notification.objects.unread().exists()
    client.post(reverse("notifications:preference"), {"email": EmailMode.DIGEST})
    assert Preference.objects.get(user=alice).email == EmailMode.DIGEST
    page = lxml.html.document_fromstring(client.get(reverse("notifications:inbox")).content)
    (chosen,) = page.xpath('//input[@name="email"][@checked]')
    assert chosen.get("value") == EmailMode.DIGEST


def test_the_staff_shell_shows_the_unread_count(client, alice):
    tell([alice], key="a")
    tell([alice], key="b")
    client.force_login(alice)
    page = client.get(reverse("workbench:home")).content.decode()
    assert '<span class="count-badge">2<span class="visually-hidden">条未读</span>' in page


def test_the_inbox_refuses_people_without_a_role(client, citizen):
    client.force_login(citizen)
    assert client.get(reverse("notifications:inbox")).status_code == 403

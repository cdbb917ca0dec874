"""The reply letter: from the organisation's editable template, stating the legal ground and
the remedies, frozen when sent, as PDF."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from gongkai.applications import services
from gongkai.applications.letters import DEFAULT_BODY
from gongkai.applications.testing import make_application

pytestmark = pytest.mark.django_db


def test_the_letter_states_the_ground_and_the_remedies(clerk, travel):
    travel(2025, 10, 9)
    application = make_application(by=clerk, received_on=date(2025, 9, 18))
    services.draft_reply(application, by=clerk, category="withheld_process", body="不予公开。")
    services.send_reply(application, by=clerk, on=date(2025, 10, 9))
    reply = application.reply
    assert "第十六条第二款" in reply.letter_text
    assert "申请行政复议" in reply.letter_text and "提起行政诉讼" in reply.letter_text
    assert "2025年10月9日" in reply.letter_text


def test_an_edited_template_applies_to_later_letters_only(
    client, clerk, disclosure_reviewer, county, travel
):
    travel(2025, 10, 9)
    first = make_application(by=clerk, received_on=date(2025, 9, 18))
    services.draft_reply(first, by=clerk, category="granted", body="提供。")
    services.send_reply(first, by=clerk, on=date(2025, 10, 9))
    client.force_login(disclosure_reviewer)
    body = DEFAULT_BODY.replace("经审查，现答复如下：", "经认真审查，现答复如下：")
    response = client.post(
        reverse("applications:template") + f"?organisation={county.code}",
        {
            "title": "答复书",
            "body": body,
            "review_body": "测试县人民政府",
            "court": "测试县人民法院",
        },
    )
    assert response.status_code == 302
    second = make_application(by=clerk, received_on=date(2025, 9, 19))
    services.draft_reply(second, by=clerk, category="granted", body="提供。")
    services.send_reply(second, by=clerk, on=date(2025, 10, 9))
    first.reply.refresh_from_db()
    assert "经认真审查" not in first.reply.letter_text
    assert "经认真审查" in second.reply.letter_text
    assert "向测试县人民政府申请行政复议" in second.reply.letter_text
    pdf = client.get(reverse("applications:letter", args=[second.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_a_template_must_keep_the_ground_and_remedies(clerk, disclosure_reviewer, county):
    with pytest.raises(ValidationError, match="行政复议机关"):
        services.save_reply_template(
            county, by=disclosure_reviewer, title="答复书", body="${decision} ${ground} ${court}",
            review_body="某政府", court="某法院",
        )  # fmt: skip
    with pytest.raises(ValidationError, match="无法识别"):
        services.save_reply_template(
            county, by=disclosure_reviewer, title="答复书", body=DEFAULT_BODY + "${secret}",
            review_body="某政府", court="某法院",
        )  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.save_reply_template(
            county, by=clerk, title="答复书", body=DEFAULT_BODY, review_body="某", court="某"
        )

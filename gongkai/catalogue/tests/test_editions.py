"""Publishing a catalogue edition supersedes the current one through the workflow engine:
one current edition at a time, each change audited, only the city's system administrator."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from gongkai.accounts.models import Role
from gongkai.catalogue.importing import load_json
from gongkai.catalogue.models import Edition
from gongkai.catalogue.services import STANDARD_FILE, publish_edition
from gongkai.core import verbs
from gongkai.core.models import AuditEvent
from gongkai.testing import make_user

pytestmark = pytest.mark.django_db


def test_a_new_edition_supersedes_the_current_one_and_both_changes_are_audited(city):
    admin = make_user(roles=[Role.SYSTEM_ADMIN], organisation=city)
    previous = Edition.objects.current()
    edition = publish_edition(load_json(STANDARD_FILE), by=admin, name="2027 年版")
    previous.refresh_from_db()
    assert edition.status == Edition.Status.CURRENT and edition.published_at is not None
    assert previous.status == Edition.Status.SUPERSEDED
    assert Edition.objects.current() == edition
    published = AuditEvent.objects.for_object(edition).get(verb="catalogue.publish")
    assert (published.from_status, published.to_status, published.actor) == (
        "draft",
        "current",
        admin,
    )
    assert published.data["replaces"] == previous.name and published.data["items"] == 34
    superseded = AuditEvent.objects.for_object(previous).get(verb="catalogue.supersede")
    assert (superseded.from_status, superseded.to_status) == ("current", "superseded")
    assert verbs.label("catalogue.publish") == "目录：发布新版本"
    assert verbs.status_label(superseded, "superseded") == "已被替代"


def test_only_the_city_system_administrator_publishes_and_a_refusal_leaves_nothing(county):
    clerk = make_user(roles=[Role.SYSTEM_ADMIN], organisation=county)  # a county's, not the city's
    before = list(Edition.objects.values_list("pk", "status"))
    with pytest.raises(PermissionDenied, match="只有市局系统管理员"):
        publish_edition(load_json(STANDARD_FILE), by=clerk, name="越权版本")
    assert list(Edition.objects.values_list("pk", "status")) == before

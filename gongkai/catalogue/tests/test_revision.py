"""Revising the catalogue in the browser: a draft, what changes, publishing; local items."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gongkai.accounts.models import Role
from gongkai.catalogue import importing, services
from gongkai.catalogue.models import Edition, Item
from gongkai.catalogue.tables import write_table
from gongkai.core.models import AuditEvent
from gongkai.testing import make_record, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_admin(city):
    return make_user(username="cityadmin", roles=[Role.SYSTEM_ADMIN], organisation=city)


@pytest.fixture
def county_admin(county):
    return make_user(username="countyadmin", roles=[Role.SYSTEM_ADMIN], organisation=county)


def _item_form(item: Item, **changes):
    form = {
        "code": item.code,
        "name": item.name,
        "elements": "\n".join(item.elements),
        "basis": "\n".join(item.basis),
        "time_limit_text": item.time_limit_text,
        "subject": item.subject,
        "channels": [c for c in item.channels if c in importing.channel_options()],
        "other_channels": "\n".join(
            c for c in item.channels if c not in importing.channel_options()
        ),
        "audience": "\n".join(item.audience),
        "manner": item.manner,
        "level": item.level,
        "five_disclosure": item.five_disclosure,
        "recurrence": item.recurrence,
        "note": item.note,
    }
    if item.needs_interpretation:
        form["needs_interpretation"] = "on"
    form.update(changes)
    return form


def test_the_city_administrator_revises_compares_and_publishes(client, city_admin, clerk):
    record = make_record(by=clerk, item_code="05.04")
    current = Edition.objects.current()
    client.force_login(city_admin)

    client.post(reverse("catalogue:start"))
    draft = Edition.objects.get(status=Edition.Status.DRAFT)
    zones = Item.objects.get(section__edition=draft, code="05.04")
    client.post(
        reverse("catalogue:draft_item", args=[draft.pk, zones.pk]),
        _item_form(
            zones, name="招生范围（学区划分）", time_limit_text="信息形成之日起10个工作日内"
        ),
    )
    safety = draft.sections.get(code="10")
    client.post(
        reverse("catalogue:draft_item", args=[draft.pk, 0]) + f"?section={safety.pk}",
        _item_form(zones, code="10.02", name="校园欺凌防治", section=safety.pk),
    )
    removed = Item.objects.get(section__edition=draft, code="07.09")
    client.post(reverse("catalogue:draft_item_remove", args=[draft.pk, removed.pk]))

    page = client.get(reverse("catalogue:draft", args=[draft.pk])).content.decode()
    assert "新增</span> 10.02 校园欺凌防治" in page
    assert "删除</span> 07.09" in page
    assert "修改</span> 05.04 招生范围（学区划分）：二级事项、公开时限" in page
    assert "改名</span> 05.04 招生范围 → 招生范围（学区划分）" in page
    # The public still reads the current edition until publication.
    assert Edition.objects.current() == current

    client.post(
        reverse("catalogue:draft_publish", args=[draft.pk]),
        {"note": "按2026年省厅要求修订", "confirm": "on"},
    )

    draft.refresh_from_db()
    current.refresh_from_db()
    assert draft.status == Edition.Status.CURRENT and current.status == Edition.Status.SUPERSEDED
    new_zones = Item.objects.current().get(code="05.04")
    assert new_zones.key == record.item.key  # records filed under it appear under the new one
    assert new_zones.time_limit_days == 10
    assert not Item.objects.current().filter(code="07.09").exists()
    published = AuditEvent.objects.get(verb="catalogue.publish", actor=city_admin)
    assert published.data["added"] == ["10.02"] and published.data["removed"] == ["07.09"]
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"catalogue.draft_start", "catalogue.draft_edit", "catalogue.draft_remove"} <= verbs


def test_publishing_needs_a_note_and_a_confirmation(client, city_admin):
    client.force_login(city_admin)
    client.post(reverse("catalogue:start"))
    draft = Edition.objects.get(status=Edition.Status.DRAFT)

    client.post(reverse("catalogue:draft_publish", args=[draft.pk]), {"note": "修订"})

    draft.refresh_from_db()
    assert draft.status == Edition.Status.DRAFT


def test_a_file_replaces_the_draft_and_its_errors_are_listed_by_row(client, city_admin, tmp_path):
    client.force_login(city_admin)
    client.post(reverse("catalogue:start"))
    draft = Edition.objects.get(status=Edition.Status.DRAFT)
    data = importing.from_edition(draft)
    data.sections[4].items[1].channels = [*data.sections[4].items[1].channels, "精准推送"]
    path = write_table(data, tmp_path / "目录.xlsx")
    good = SimpleUploadedFile("目录.xlsx", path.read_bytes())

    client.post(reverse("catalogue:draft_import", args=[draft.pk]), {"file": good})
    page = client.get(reverse("catalogue:draft", args=[draft.pk])).content.decode()
    assert "修改</span> 05.02 招生政策：公开渠道和载体" in page

    bad_csv = tmp_path / "bad.csv"
    write_table(data, bad_csv)
    lines = bad_csv.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[2].split(",")
    cells[2] = ""  # no item name on the second item
    lines[2] = ",".join(cells)
    bad = SimpleUploadedFile("bad.csv", "\n".join(lines).encode("utf-8-sig"))
    errors = client.post(reverse("catalogue:draft_import", args=[draft.pk]), {"file": bad})
    assert errors.status_code == 422
    assert "第 3 行" in errors.content.decode()
    # The bad file changed nothing: the draft still has what the good one brought.
    assert "精准推送" in Item.objects.get(section__edition=draft, code="05.02").channels


def test_a_county_administrator_cannot_revise_the_standard(client, county_admin):
    client.force_login(county_admin)

    assert client.post(reverse("catalogue:start")).status_code == 403
    with pytest.raises(PermissionDenied):
        services.start_revision(by=county_admin)
    assert not Edition.objects.filter(status=Edition.Status.DRAFT).exists()


def test_a_county_adds_a_local_item(client, county_admin, county):
    client.force_login(county_admin)
    section = Edition.objects.current().sections.get(code="05")

    client.post(
        reverse("catalogue:local_items"),
        {
            "county": county.pk,
            "section": section.pk,
            "name": "课后服务收费公示",
            "elements": "收费标准\n减免政策",
        },
    )

    item = Item.objects.current().get(organisation=county)
    assert item.name == "课后服务收费公示" and item.elements == ["收费标准", "减免政策"]
    page = client.get(reverse("catalogue:local_items")).content.decode()
    assert "课后服务收费公示" in page
    assert AuditEvent.objects.for_object(item).get().verb == "catalogue.add_local_item"


def test_the_catalogue_is_in_the_staff_navigation_of_whoever_can_use_it(
    client, city_admin, county_admin, clerk
):
    for person, sees in ((city_admin, True), (county_admin, True), (clerk, False)):
        client.force_login(person)
        page = client.get("/accounts/profile/").content.decode()
        assert (reverse("catalogue:editions") in page) is sees


def test_local_items_survive_a_published_revision(client, city_admin, county_admin, county):
    section = Edition.objects.current().sections.get(code="05")
    services.add_local_item(section, organisation=county, by=county_admin, name="课后服务")
    draft = services.start_revision(by=city_admin)

    services.publish_draft(draft, by=city_admin, note="测试")

    assert Item.objects.current().filter(organisation=county, name="课后服务").exists()


def test_a_draft_with_an_empty_section_cannot_be_published(city_admin):
    draft = services.start_revision(by=city_admin)
    for item in Item.objects.filter(section__edition=draft, section__code="10"):
        services.remove_draft_item(item, by=city_admin)

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="没有二级事项"):
        services.publish_draft(draft, by=city_admin)

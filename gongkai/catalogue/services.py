"""Writing the catalogue: publishing editions and adding a county's local items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import has_role
from gongkai.catalogue.importing import STANDARD_FILE as STANDARD_FILE
from gongkai.catalogue.importing import CatalogueData, ItemData, load_json
from gongkai.catalogue.models import Edition, Item, Section
from gongkai.core.audit import record_event
from gongkai.core.verbs import Verb
from gongkai.core.workflow import Transition, Workflow
from gongkai.organisations.models import Kind, Organisation

if TYPE_CHECKING:
    from gongkai.accounts.models import User


def _item_fields(item: ItemData) -> dict[str, Any]:
    return {
        "name": item.name,
        "elements": item.elements,
        "basis": item.basis,
        "time_limit_kind": item.time_limit.kind,
        "time_limit_days": item.time_limit.days,
        "time_limit_from": item.time_limit.start[:60],
        "time_limit_text": item.time_limit.text[:200],
        "subject": item.subject[:100],
        "channels": item.channels,
        "audience": item.audience,
        "manner": item.manner,
        "level": item.level,
        "five_disclosure": item.five_disclosure,
        "recurrence": item.recurrence,
        "needs_interpretation": item.needs_interpretation,
        "is_verified": item.verified,
        "note": item.note,
    }


def _may_publish(user: Any, edition: Edition) -> bool:
    """The city bureau's system administrator publishes the catalogue (None: the system,
    loading the standard at installation)."""
    return user is None or has_role(user, Role.SYSTEM_ADMIN, _city())


DENIED = "只有市局系统管理员可以发布标准目录。"
S = Edition.Status
#: An edition is assembled as a draft, then published; the one it replaces is superseded in
#: the same transaction (one edition is current at any time).
TRANSITIONS = [
    Transition(
        "supersede",
        (S.CURRENT,),
        S.SUPERSEDED,
        "被新版本替代",
        allowed=_may_publish,
        denied_message=DENIED,
    ),
    Transition(
        "publish",
        (S.DRAFT,),
        S.CURRENT,
        "发布新版本",
        allowed=_may_publish,
        timestamp="published_at",
        denied_message=DENIED,
    ),
]
workflow: Workflow[Edition] = Workflow("catalogue", TRANSITIONS, model=Edition)


def publish_edition(
    data: CatalogueData, *, by: User | None, name: str = "", source: str = "", note: str = ""
) -> Edition:
    """Make ``data`` the current catalogue. The previous edition is kept (superseded); items
    keep their ``key`` by code so records filed under old items appear under the new ones;
    counties' local items move to the new edition's matching section. Public pages follow
    through the workflow's committed transitions (the portal purges its page cache)."""
    with transaction.atomic():
        previous = Edition.objects.filter(status=S.CURRENT).first()
        old_keys: dict[str, str] = {}
        if previous is not None:
            old_keys = dict(
                Item.objects.filter(
                    section__edition=previous, organisation__isnull=True
                ).values_list("code", "key")
            )
        edition = Edition.objects.create(
            name=name or data.title or f"标准目录（{timezone.localdate():%Y-%m-%d}）",
            status=S.DRAFT,
            published_by=by if getattr(by, "pk", None) else None,
            source=source[:300],
            note=note,
        )
        sections = _store_sections(edition, data, old_keys)
        if previous is not None:
            workflow.apply(previous, "supersede", by=by, data={"replaced_by": edition.name})
            _carry_local_items(previous, sections)
        edition = workflow.apply(
            edition,
            "publish",
            by=by,
            data={
                "sections": len(data.sections),
                "items": data.item_count,
                "source": source,
                "replaces": previous.name if previous else "",
            },
        )
    return edition


def _store_sections(
    edition: Edition, data: CatalogueData, old_keys: dict[str, str]
) -> dict[str, Section]:
    sections: dict[str, Section] = {}
    for s_order, section_data in enumerate(data.sections, start=1):
        section = Section.objects.create(
            edition=edition, code=section_data.code, name=section_data.name, order=s_order
        )
        sections[section.code] = section
        Item.objects.bulk_create(
            Item(
                section=section,
                code=item.code,
                key=old_keys.get(item.code, item.code),
                order=i_order,
                **_item_fields(item),
            )
            for i_order, item in enumerate(section_data.items, start=1)
        )
    return sections


def _carry_local_items(previous: Edition, sections: dict[str, Section]) -> None:
    for item in Item.objects.filter(section__edition=previous, organisation__isnull=False):
        target = sections.get(item.section.code) or next(iter(sections.values()))
        item.pk = None
        item.section = target
        item.save()


def _city() -> Organisation | None:
    return Organisation.objects.filter(kind=Kind.CITY_BUREAU).first()


def load_standard(*, by: User | None = None) -> Edition:
    """Publish the standard catalogue shipped with Gongkai if no edition exists yet."""
    existing = Edition.objects.filter(status=Edition.Status.CURRENT).first()
    if existing is not None:
        return existing
    return publish_edition(
        load_json(STANDARD_FILE), by=by, source="gongkai/catalogue/data/standard.json"
    )


def add_local_item(
    section: Section, *, organisation: Organisation, by: User, name: str, **fields: Any
) -> Item:
    """A county adds an item of its own under a section (主动拓宽公开范围)."""
    if organisation.kind != Kind.COUNTY_BUREAU:
        raise ValidationError("只有县（市、区）教体局可以扩展目录事项。")
    if by is not None and not has_role(by, Role.SYSTEM_ADMIN, organisation):
        raise PermissionDenied("您没有扩展该县目录的权限。")
    name = name.strip()
    if not name:
        raise ValidationError("请填写事项名称。")
    with transaction.atomic():
        number = Item.objects.filter(section=section, organisation=organisation).count() + 1
        code = f"{section.code}.{organisation.code}-{number:02d}"
        order = (section.items.aggregate(m=Max("order"))["m"] or 0) + 1
        defaults = {
            "elements": [name],
            "basis": ["《中华人民共和国政府信息公开条例》"],
            "time_limit_kind": "working_days",
            "time_limit_days": 20,
            "time_limit_text": "信息形成或者变更之日起20个工作日内",
            "subject": organisation.name,
            "channels": ["政府网站"],
            "audience": ["全社会"],
            "manner": ["主动"],
            "level": ["县级", "乡级"],
        }
        defaults.update(fields)
        if "five_disclosure" not in defaults:
            from gongkai.catalogue.importing import infer_five_disclosure

            defaults["five_disclosure"] = infer_five_disclosure(name)
        item = Item(
            section=section,
            code=code,
            key=f"{organisation.code}:{code}",
            name=name,
            organisation=organisation,
            order=order,
            **defaults,
        )
        item.full_clean()
        item.save()
        record_event(
            Verb.CATALOGUE_ADD_LOCAL_ITEM,
            actor=by,
            target=item,
            data={"organisation": organisation.code},
        )
    return item

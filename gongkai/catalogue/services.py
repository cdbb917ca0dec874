"""Writing the catalogue: revising it (a draft edition edited in place or filled from a file,
compared with the current edition, then published), publishing a file directly (the
management command), and adding a county's local items."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from gongkai.accounts.models import Role
from gongkai.accounts.permissions import has_role
from gongkai.catalogue.importing import STANDARD_FILE as STANDARD_FILE
from gongkai.catalogue.importing import (
    CatalogueData,
    Changes,
    ItemData,
    compare,
    from_edition,
    load_json,
    validate,
)
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


# --- revising the catalogue in the browser ----------------------------------------------------


def _require_reviser(by: User) -> None:
    from gongkai.catalogue.permissions import can_revise

    if by is not None and not can_revise(by):
        raise PermissionDenied("标准目录由市教育和体育局的系统管理员修订。")


def _require_draft(edition: Edition) -> None:
    if edition.status != Edition.Status.DRAFT:
        raise ValidationError("只能修改修订草稿；现行和已被替代的版本不能修改。")


def current_draft() -> Edition | None:
    return Edition.objects.filter(status=Edition.Status.DRAFT).order_by("-id").first()


def start_revision(*, by: User, name: str = "") -> Edition:
    """A draft edition that starts as a copy of the current one's standard items (keys
    kept). There is one draft at a time: starting again returns it."""
    _require_reviser(by)
    with transaction.atomic():
        existing = current_draft()
        if existing is not None:
            return existing
        current = Edition.objects.current()
        draft = Edition.objects.create(
            name=name.strip() or f"{current.name}（{timezone.localdate():%Y年}修订稿）",
            status=Edition.Status.DRAFT,
            source=f"据“{current.name}”修订",
        )
        _fill(draft, from_edition(current), keys=_keys(current))
        record_event(
            Verb.CATALOGUE_DRAFT_START,
            actor=by,
            target=draft,
            data={"from": current.name},
        )
    return draft


def _keys(edition: Edition | None) -> dict[str, str]:
    if edition is None:
        return {}
    return dict(
        Item.objects.filter(section__edition=edition, organisation__isnull=True).values_list(
            "code", "key"
        )
    )


def _fill(edition: Edition, data: CatalogueData, *, keys: dict[str, str]) -> None:
    for s_order, section_data in enumerate(data.sections, start=1):
        section = Section.objects.create(
            edition=edition, code=section_data.code, name=section_data.name, order=s_order
        )
        Item.objects.bulk_create(
            Item(
                section=section,
                code=item.code,
                key=keys.get(item.code, item.code),
                order=i_order,
                **_item_fields(item),
            )
            for i_order, item in enumerate(section_data.items, start=1)
        )


def import_into_draft(draft: Edition, data: CatalogueData, *, by: User, source: str) -> Edition:
    """Replace the draft's contents with a file's (already parsed and checked). Only the
    draft's own rows go: nothing published is touched."""
    _require_reviser(by)
    _require_draft(draft)
    with transaction.atomic():
        Item.objects.filter(section__edition=draft).delete()
        Section.objects.filter(edition=draft).delete()
        _fill(draft, data, keys=_keys(_current_or_none()))
        draft.source = source[:300]
        draft.save(update_fields=["source", "updated_at"])
        record_event(
            Verb.CATALOGUE_DRAFT_IMPORT,
            actor=by,
            target=draft,
            data={"source": source, "sections": len(data.sections), "items": data.item_count},
        )
    return draft


def _current_or_none() -> Edition | None:
    return Edition.objects.filter(status=Edition.Status.CURRENT).first()


#: What the browser edits on a draft item (the nine catalogue columns and the extras).
DRAFT_ITEM_FIELDS = (
    "code",
    "name",
    "elements",
    "basis",
    "time_limit_kind",
    "time_limit_days",
    "time_limit_from",
    "time_limit_text",
    "subject",
    "channels",
    "audience",
    "manner",
    "level",
    "five_disclosure",
    "recurrence",
    "needs_interpretation",
    "note",
)


def save_draft_item(item: Item, *, by: User, **fields: Any) -> Item:
    """Edit (or, unsaved, add) one item of the draft; audited with the columns changed."""
    _require_reviser(by)
    _require_draft(item.section.edition)
    unknown = set(fields) - set(DRAFT_ITEM_FIELDS)
    if unknown:
        raise ValueError(f"不能修改这些字段：{sorted(unknown)}")
    with transaction.atomic():
        adding = item.pk is None
        changed = {}
        for name, value in fields.items():
            if adding or getattr(item, name) != value:
                changed[name] = value
                setattr(item, name, value)
        if adding:
            item.key = _keys(_current_or_none()).get(item.code, item.code)
            item.order = (item.section.items.aggregate(m=Max("order"))["m"] or 0) + 1
        elif not changed:
            return item
        if (
            Item.objects.filter(section__edition=item.section.edition, code=item.code)
            .exclude(pk=item.pk)
            .exists()
        ):
            raise ValidationError({"code": f"编号“{item.code}”在本版本中已被使用。"})
        item.full_clean(exclude=["key"])
        item.save()
        record_event(
            Verb.CATALOGUE_DRAFT_EDIT,
            actor=by,
            target=item.section.edition,
            note=f"{'新增' if adding else '修改'}事项 {item.code} {item.name}",
            data={"item": item.code, "changed": sorted(changed)},
        )
    return item


def remove_draft_item(item: Item, *, by: User) -> None:
    _require_reviser(by)
    edition = item.section.edition
    _require_draft(edition)
    with transaction.atomic():
        code, name = item.code, item.name
        item.delete()
        record_event(
            Verb.CATALOGUE_DRAFT_REMOVE,
            actor=by,
            target=edition,
            note=f"删除事项 {code} {name}",
            data={"item": code},
        )


def save_draft_section(section: Section, *, by: User, code: str, name: str) -> Section:
    _require_reviser(by)
    _require_draft(section.edition)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ValidationError("请填写一级事项的编号和名称。")
    with transaction.atomic():
        if section.pk is None:
            section.order = (section.edition.sections.aggregate(m=Max("order"))["m"] or 0) + 1
        if section.edition.sections.filter(code=code).exclude(pk=section.pk).exists():
            raise ValidationError(f"一级事项编号“{code}”在本版本中已被使用。")
        before = f"{section.code} {section.name}" if section.pk else ""
        section.code, section.name = code, name
        section.full_clean()
        section.save()
        record_event(
            Verb.CATALOGUE_DRAFT_EDIT,
            actor=by,
            target=section.edition,
            note=f"一级事项 {before or '（新增）'} → {code} {name}",
            data={"section": code},
        )
    return section


@dataclass
class Revision:
    """What publishing the draft would change: items by code (as publishing carries their
    keys), and sections added, removed or renamed."""

    items: Changes
    sections_added: list[tuple[str, str]] = field(default_factory=list)
    sections_removed: list[tuple[str, str]] = field(default_factory=list)
    sections_renamed: list[tuple[str, str, str]] = field(default_factory=list)
    #: (code, old name, new name) of items that keep their code under a new name.
    items_renamed: list[tuple[str, str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.items.is_empty and not (
            self.sections_added or self.sections_removed or self.sections_renamed
        )


def compare_draft(draft: Edition) -> Revision:
    current = _current_or_none()
    new = from_edition(draft)
    old = from_edition(current) if current else CatalogueData(title="", sections=[])
    revision = Revision(items=compare(old, new))
    before = {s.code: s.name for s in old.sections}
    after = {s.code: s.name for s in new.sections}
    revision.sections_added = [(c, n) for c, n in after.items() if c not in before]
    revision.sections_removed = [(c, n) for c, n in before.items() if c not in after]
    revision.sections_renamed = [
        (c, before[c], n) for c, n in after.items() if c in before and before[c] != n
    ]
    old_names = {i.code: i.name for s in old.sections for i in s.items}
    revision.items_renamed = [
        (i.code, old_names[i.code], i.name)
        for s in new.sections
        for i in s.items
        if i.code in old_names and old_names[i.code] != i.name
    ]
    revision.problems = [str(e) for e in validate(new)]
    if not new.item_count:
        revision.problems.append("修订稿中没有任何事项。")
    empty = [s.name for s in new.sections if not s.items]
    if empty:
        revision.problems.append("这些一级事项下没有二级事项：" + "、".join(empty))
    return revision


def publish_draft(draft: Edition, *, by: User, note: str = "") -> Edition:
    """The draft becomes the current edition; the previous one is kept (superseded). Items
    keep the key of the current item with the same code, so records filed under the old
    item appear under the new one; counties' local items move to the matching section.
    Both changes are the catalogue workflow's transitions (audited, and the portal purges its
    pages after commit)."""
    _require_reviser(by)
    with transaction.atomic():
        draft = Edition.objects.select_for_update().get(pk=draft.pk)
        _require_draft(draft)
        revision = compare_draft(draft)
        if revision.problems:
            raise ValidationError(revision.problems)
        previous = Edition.objects.select_for_update().filter(status=S.CURRENT).first()
        keys = _keys(previous)
        items = list(Item.objects.filter(section__edition=draft, organisation__isnull=True))
        for item in items:
            item.key = keys.get(item.code, item.key)
        Item.objects.bulk_update(items, ["key"])
        if previous is not None:
            workflow.apply(previous, "supersede", by=by, data={"replaced_by": draft.name})
        sections = {s.code: s for s in draft.sections.order_by("order")}
        if previous is not None:
            _carry_local_items(previous, sections)
        draft = workflow.apply(
            draft,
            "publish",
            by=by,
            note=note,
            changes={"note": note, "published_by": by if getattr(by, "pk", None) else None},
            data={
                "sections": len(sections),
                "items": len(items),
                "replaces": previous.name if previous else "",
                "added": [i.code for i in revision.items.added],
                "removed": [i.code for i in revision.items.removed],
                "changed": [i.code for i, _ in revision.items.changed],
            },
        )
    return draft

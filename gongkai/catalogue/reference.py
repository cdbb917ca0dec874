"""The catalogue as public pages read it, held in process memory (see core/refdata.py)."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.catalogue.models import Edition, Item, Section
from gongkai.core.refdata import Reference


@dataclass(frozen=True)
class Catalogue:
    by_id: dict[int, Item]  # every item of every edition, its section and edition loaded
    current: dict[str, Item]  # the current edition's items by code
    ids_by_key: dict[str, list[int]]  # an item and its forebears in earlier editions
    edition: Edition | None  # the current edition
    sections: list[Section]  # its sections in order, each with its items prefetched


def _build() -> Catalogue:
    items = list(Item.objects.select_related("section__edition", "organisation").order_by("pk"))
    try:
        newest: Edition | None = Edition.objects.current()
    except Edition.DoesNotExist:
        newest = None
    ids_by_key: dict[str, list[int]] = {}
    for item in items:
        ids_by_key.setdefault(item.key, []).append(item.pk)
    sections = (
        list(Section.objects.filter(edition=newest).prefetch_related("items").order_by("order"))
        if newest
        else []
    )
    return Catalogue(
        by_id={i.pk: i for i in items},
        current={i.code: i for i in items if newest and i.section.edition_id == newest.pk},
        ids_by_key=ids_by_key,
        edition=newest,
        sections=sections,
    )


catalogue = Reference("catalogue", _build, [Edition, Section, Item])


def current_item(code: str) -> Item | None:
    return catalogue.get().current.get(code)


def current_items() -> list[Item]:
    """The current edition's items, in catalogue order (section, then item); none without one."""
    return [item for section in catalogue.get().sections for item in section.items.all()]


def item(pk: int) -> Item:
    found = catalogue.get().by_id.get(pk)
    if found is None:  # created moments ago in another process
        catalogue.stale()
        found = Item.objects.select_related("section__edition", "organisation").get(pk=pk)
    return found


def same_item_ids(item: Item) -> list[int]:
    """The ids of ``item`` and of the same item (same key) in every other edition."""
    return catalogue.get().ids_by_key.get(item.key) or [item.pk]


def current_sections() -> tuple[Edition, list[Section]]:
    """The current edition and its sections (items prefetched); 404-worthy if none."""
    snapshot = catalogue.get()
    if snapshot.edition is None:
        raise Edition.DoesNotExist("尚未发布标准目录。请先导入目录：manage.py catalogue import")
    return snapshot.edition, snapshot.sections

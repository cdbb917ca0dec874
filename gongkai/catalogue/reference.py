"""The catalogue as public pages read it, held in process memory (see core/refdata.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from gongkai.catalogue.models import Edition, Item, Section
from gongkai.core.refdata import Reference

NEVER = datetime.min.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Catalogue:
    by_id: dict[int, Item]  # every item of every edition, its section and edition loaded
    current: dict[str, Item]  # the current edition's items by code
    ids_by_key: dict[str, list[int]]  # an item and its forebears in earlier editions


def _build() -> Catalogue:
    items = list(Item.objects.select_related("section__edition", "organisation").order_by("pk"))
    current_editions = [i.section.edition for i in items if i.section.edition.status == "current"]
    # One edition is current; should two ever be, the newest wins, as Edition.current() has it.
    newest = max(current_editions, key=lambda e: (e.published_at or NEVER, e.pk), default=None)
    ids_by_key: dict[str, list[int]] = {}
    for item in items:
        ids_by_key.setdefault(item.key, []).append(item.pk)
    return Catalogue(
        by_id={i.pk: i for i in items},
        current={i.code: i for i in items if newest and i.section.edition_id == newest.pk},
        ids_by_key=ids_by_key,
    )


catalogue = Reference("catalogue", _build, [Edition, Section, Item])


def current_item(code: str) -> Item | None:
    return catalogue.get().current.get(code)


def item(pk: int) -> Item:
    found = catalogue.get().by_id.get(pk)
    if found is None:  # created moments ago in another process
        catalogue.stale()
        found = Item.objects.select_related("section__edition", "organisation").get(pk=pk)
    return found


def same_item_ids(item: Item) -> list[int]:
    """The ids of ``item`` and of the same item (same key) in every other edition."""
    return catalogue.get().ids_by_key.get(item.key) or [item.pk]

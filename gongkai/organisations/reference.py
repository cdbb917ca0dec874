"""The organisation directory as public pages read it, held in process memory
(see core/refdata.py): publisher names on every record and listing row, the county filter."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from gongkai.core.refdata import Reference
from gongkai.organisations.models import Kind, Organisation

R = TypeVar("R")


@dataclass(frozen=True)
class Directory:
    by_id: dict[int, Organisation]
    by_code: dict[str, Organisation]
    top: list[Organisation]  # the active city bureau and county bureaus, in tree order
    children: dict[int, list[Organisation]]  # active children of each, in tree order


def _build() -> Directory:
    organisations = list(Organisation.objects.order_by("path"))
    children: dict[int, list[Organisation]] = {}
    for o in organisations:
        if o.is_active and o.parent_id is not None:
            children.setdefault(o.parent_id, []).append(o)
    return Directory(
        children=children,
        by_id={o.pk: o for o in organisations},
        by_code={o.code: o for o in organisations},
        top=[
            o
            for o in organisations
            if o.is_active and o.kind in (Kind.CITY_BUREAU, Kind.COUNTY_BUREAU)
        ],
    )


directory = Reference("organisations", _build, [Organisation])


def organisation(pk: int) -> Organisation:
    found = directory.get().by_id.get(pk)
    if found is None:  # created moments ago in another process
        directory.stale()
        found = Organisation.objects.get(pk=pk)
    return found


def by_code(code: str) -> Organisation | None:
    found = directory.get().by_code.get(code)
    if found is None:
        found = Organisation.objects.filter(code=code).first()
        if found is not None:
            directory.stale()
    return found


def children(org: Organisation) -> list[Organisation]:
    return directory.get().children.get(org.pk, [])


def ancestors(org: Organisation) -> list[Organisation]:
    """From the root down to ``org``'s parent, as ``Organisation.ancestors`` without a query."""
    codes = org.path.strip("/").split("/")[:-1]
    return [a for c in codes if (a := by_code(c)) is not None]


def counties() -> list[Organisation]:
    """The active city bureau and county bureaus, for filters."""
    return directory.get().top


def with_publishers(rows: Iterable[R], attribute: str = "organisation") -> list[R]:
    """``rows`` (records and the like) with their organisation set from the directory,
    so a listing needs no join or query per row for publisher names."""
    rows = list(rows)
    known = directory.get().by_id  # one look at the copy for the whole page
    for row in rows:
        pk: Any = getattr(row, f"{attribute}_id")
        if pk is not None:
            setattr(row, attribute, known.get(pk) or organisation(pk))
    return rows

"""公开层级 as real catalogues write it, mapped onto the two levels of a 基层 catalogue
(县级, 乡级) from the point of view of the organisation importing the file.

Catalogues name a level by its administrative unit followed by 级: 县级, 区级, 县(区)级,
县（市、区）级, 乡级, 镇级, 街道级, 乡镇（街道）级, 镇街乡, or a place name followed by 级
(东阳市级, 阳谷县级, 石羊镇级). The unit decides the level: 乡, 镇, 街道 and 苏木 are townships;
县, 区 and 旗 are counties. 市 is the one unit that can be either: a county-level city (临清市,
东阳市) is the county level of its own catalogue, a city divided into districts (聊城市) is
above it. So 市级 is 县级 when the importing body is a county-level city, or when the place
named is none of the cities above the importer and the file uses no other county-level word;
otherwise it names a level the catalogue does not have, and the row is refused with that reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gongkai.organisations.models import Organisation

COUNTY, TOWNSHIP = "县级", "乡级"
_TOWNSHIP_UNITS = ("乡", "镇", "街道", "街", "苏木")
_COUNTY_UNITS = ("县", "区", "旗")
_PLACE = re.compile(r"^(.+?(?:自治县|自治旗|县|区|市|旗))")
# Words that say "the township level" without a unit at the end: 乡镇街道, 镇街乡, 乡镇.
_TOWNSHIP_COMBINED = re.compile(r"^(?:乡|镇|街道?|苏木)+$")
_COUNTY_COMBINED = re.compile(r"^(?:县|市|区|旗)+$")


def normalise(word: str) -> str:
    """'县（市、区）级' → '县市区级'; '县 (区) 级' → '县区级'."""
    text = unicodedata.normalize("NFKC", word)
    return re.sub(r"[\s()（）\[\]【】、，,/／·]", "", text)


def place_of(name: str) -> str:
    """The first place in a body's name: '临清市教育和体育局' → '临清市'."""
    match = _PLACE.match(name)
    return match.group(1) if match else ""


@dataclass(frozen=True)
class Importer:
    """What a level word means depends on who imports the file."""

    level: str | None = None  # 县级 for a county bureau, 乡级 below, None for the city
    place: str = ""  # 临清市, 阳谷县, 东昌府区
    upper_places: tuple[str, ...] = ()  # the cities above: 聊城市

    @classmethod
    def of(cls, organisation: Organisation | None) -> Importer:
        if organisation is None:
            return cls()
        ancestors: list[Organisation] = []
        parent = organisation.parent
        while parent is not None:
            ancestors.append(parent)
            parent = parent.parent
        upper = tuple(p for p in (place_of(a.name) for a in ancestors) if p)
        name = organisation.name
        for place in upper:  # "聊城市东昌府区教育和体育局": the body's own place follows
            name = name.removeprefix(place)
        return cls(level=organisation.level, place=place_of(name), upper_places=upper)

    @property
    def is_county_level_city(self) -> bool:
        return self.level == COUNTY and self.place.endswith("市")


@dataclass(frozen=True)
class Mapped:
    level: str | None  # 县级 / 乡级, or None when the word names no level of the catalogue
    problem: str = ""  # why not, for the row's error
    note: str = ""  # how an unusual word was read, for a warning


def _unit(stem: str) -> tuple[str, str]:
    """('东阳', '市') from '东阳市'; ('', '乡镇') from '乡镇'."""
    if _TOWNSHIP_COMBINED.match(stem):
        return "", "乡"
    if _COUNTY_COMBINED.match(stem):
        return "", "市" if stem == "市" else "县"
    for unit in (*_TOWNSHIP_UNITS, *_COUNTY_UNITS, "市"):
        if stem.endswith(unit):
            return stem[: -len(unit)], unit
    return stem, ""


class LevelReader:
    """Maps the level words of one file; built once the file's words are known, because a
    bare 市级 is read against the other words the same file uses."""

    def __init__(self, importer: Importer, words: set[str]) -> None:
        self.importer = importer
        self.file_has_county_word = any(
            _unit(normalise(w).removesuffix("级"))[1] in _COUNTY_UNITS for w in words
        )

    def read(self, word: str) -> Mapped:
        clean = normalise(word)
        if clean in (COUNTY, TOWNSHIP):
            return Mapped(clean)
        stem = clean.removesuffix("层级").removesuffix("级")
        if not stem:
            return Mapped(None, f"公开层级“{word}”无法识别")
        place, unit = _unit(stem)
        if unit in _TOWNSHIP_UNITS:
            return Mapped(TOWNSHIP)
        if unit in _COUNTY_UNITS:
            return Mapped(COUNTY)
        if unit == "市":
            return self._city(word, place + unit if place else "")
        return Mapped(None, f"公开层级“{word}”不是县级或乡级，本系统的目录只有这两级")

    def _city(self, word: str, place: str) -> Mapped:
        importer = self.importer
        above = f"公开层级“{word}”是设区的市一级，目录只能写县级或乡级"
        if place and any(place == p or place.startswith(p) for p in importer.upper_places):
            return Mapped(None, above)
        if importer.level is None and place and place == importer.place:
            return Mapped(None, above)  # the city bureau's own level
        if importer.is_county_level_city and (not place or place == importer.place):
            return Mapped(COUNTY)
        if importer.level == COUNTY and not place:
            # A county (县, 区) reading 市级: the city above it.
            return Mapped(None, above)
        if self.file_has_county_word:
            return Mapped(None, above)
        # A county-level city's own catalogue (东阳市级 beside 镇街乡): its county level.
        shown = place or "市"
        return Mapped(COUNTY, note=f"“{word}”按{shown}为县级市读作县级")

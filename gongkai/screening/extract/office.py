"""Office Open XML containers (DOCX, XLSX): what every such file holds besides its main
content, read the same way for both.

* Document properties: core (title, author, keywords, comments …), extended (company,
  manager, titles of parts …) and custom properties.
* Link addresses: every external target in every relationship part (hyperlinks in the text,
  in cells, in drawings).
* Every other XML part a reader can reach (charts with their cached values, text boxes and
  shapes, SmartArt, pivot caches, external-link caches, custom XML data …), text by element.
  Only the parts that hold no reader's text (styles, themes, fonts, numbering, printer
  settings) are skipped.
* Embedded files (``word/embeddings``, ``xl/embeddings``): DOCX, XLSX and PDF are read in
  turn; an embedded legacy file (.doc/.xls) cannot be, and is reported.

The main content is read by ``docx.py`` and ``xlsx.py``, which say which parts they read.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any

from gongkai.screening.extract.base import (
    UNREADABLE,
    Budget,
    Item,
    LimitReached,
    Limits,
    Problem,
    labelled,
    local_name,
    parse_xml,
)

_MB = 1024 * 1024


class Package:
    """A zip container opened once; members read and parsed on demand."""

    def __init__(self, archive: zipfile.ZipFile, budget: Budget, depth: int) -> None:
        self.archive = archive
        self.budget = budget
        self.depth = depth
        self.names = archive.namelist()
        self.name_set = set(self.names)
        self.read_parts: set[str] = set()

    def data(self, name: str) -> bytes:
        self.read_parts.add(name)
        return self.archive.read(name)

    def xml(self, name: str) -> Any:
        return parse_xml(self.data(name))

    def relationships(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """The relationships of ``part``: id → (type, target path or URL, is external)."""
        folder, file = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", file + ".rels")
        if rels not in self.name_set:
            return {}
        found = {}
        for rel in parse_xml(self.archive.read(rels)):
            target = rel.get("Target", "")
            external = rel.get("TargetMode", "") == "External"
            if not external:
                target = posixpath.normpath(
                    target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                )
            found[rel.get("Id", "")] = (rel.get("Type", ""), target, external)
        return found

    def main_part(self, default: str) -> str:
        for kind, target, _ in self.relationships("").values():
            if kind.endswith("/officeDocument") and target in self.name_set:
                return target
        return default


def read_office(data: bytes, budget: Budget, depth: int) -> Iterator[Item]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        yield Problem(UNREADABLE, "文件已损坏（不是有效的 DOCX/XLSX），无法读取，需要人工检查。")
        return
    with archive:
        if reason := _zip_hazard(archive, budget.limits):
            yield Problem(UNREADABLE, reason)
            return
        package = Package(archive, budget, depth)
        names = package.name_set
        if "word/document.xml" in names or _main_is(package, "word/"):
            from gongkai.screening.extract.docx import read_docx

            yield from read_docx(package)
        elif "xl/workbook.xml" in names or _main_is(package, "xl/"):
            from gongkai.screening.extract.xlsx import read_xlsx

            yield from read_xlsx(package)
        elif "OFD.xml" in names:
            yield Problem(UNREADABLE, "暂不支持 OFD 版式文件，请同时提供 PDF 版本或人工检查。")
            return
        elif any(n.startswith("ppt/") for n in names):
            yield Problem(UNREADABLE, "暂不支持演示文稿，请另存为 PDF 后上传。")
            return
        else:
            yield Problem(UNREADABLE, "压缩包中的文件无法自动检查，请解压后分别上传。")
            return
        yield from common_parts(package)


def _main_is(package: Package, folder: str) -> bool:
    return package.main_part("").startswith(folder)


def _zip_hazard(archive: zipfile.ZipFile, limits: Limits) -> str | None:
    # Sizes in the central directory are what the archive claims; zipfile never inflates a
    # member past its declared size (ZipExtFile stops at file_size), so bounding the claims
    # bounds the work the parsers can be made to do.
    members = archive.infolist()
    if len(members) > limits.max_zip_members:
        return f"压缩包内有{len(members)}个文件，超过上限，可能是恶意文件，未检查，需要人工检查。"
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_unpacked_bytes:
        return (
            f"解压后约{unpacked // _MB} MB，超过{limits.max_unpacked_bytes // _MB} MB 的上限，"
            "可能是压缩炸弹，未检查，需要人工检查。"
        )
    for member in members:
        if member.file_size > _MB and member.file_size > limits.max_compression_ratio * max(
            member.compress_size, 1
        ):
            return f"“{member.filename}”的压缩比异常，可能是压缩炸弹，未检查，需要人工检查。"
    return None


# --- What every container holds --------------------------------------------------------------

_CORE_LABELS = {
    "title": "标题",
    "subject": "主题",
    "creator": "作者",
    "keywords": "关键词",
    "description": "备注",
    "lastModifiedBy": "最后修改者",
    "category": "类别",
    "contentStatus": "状态",
    "identifier": "标识",
    "version": "版本",
}
_APP_LABELS = {
    "Company": "单位",
    "Manager": "经理",
    "HyperlinkBase": "超链接基础",
    "TitlesOfParts": "各部分标题",
    "Template": "模板",
}
#: Parts that hold no text a reader sees: layout, fonts, styles, numbering, printer data.
_NOT_TEXT = (
    "[Content_Types].xml",
    "word/styles.xml",
    "word/stylesWithEffects.xml",
    "word/fontTable.xml",
    "word/webSettings.xml",
    "word/numbering.xml",
    "word/commentsExtended.xml",
    "word/commentsIds.xml",
    "word/commentsExtensible.xml",
    "xl/styles.xml",
    "xl/calcChain.xml",
)
_NOT_TEXT_FOLDERS = ("word/theme/", "xl/theme/", "customXml/itemProps", "xl/printerSettings/")
#: What to call a generic part, by where it lies.
_GENERIC_LABELS = (
    ("word/charts/", "图表"),
    ("xl/charts/", "图表"),
    ("word/diagrams/", "智能图形"),
    ("xl/diagrams/", "智能图形"),
    ("xl/drawings/", "图形和文本框"),
    ("word/glossary/", "文档部件库"),
    ("xl/pivotCache/", "数据透视表缓存"),
    ("xl/pivotTables/", "数据透视表"),
    ("xl/externalLinks/", "外部链接缓存"),
    ("xl/tables/", "表格定义"),
    ("xl/persons/", "批注人员"),
    ("word/people.xml", "修订人员"),
    ("customXml/", "自定义XML数据"),
    ("word/settings.xml", "文档变量"),
)
#: Attribute values that are text a reader sees: cached pivot items (v), names, document
#: variables (val), image descriptions (descr, title), display texts and tooltips.
_TEXT_ATTRIBUTES = frozenset({"v", "name", "val", "descr", "title", "display", "tooltip"})
_EMBEDDED_READABLE = (".docx", ".docm", ".xlsx", ".xlsm", ".pdf")
_EMBEDDED_LEGACY = (".doc", ".xls", ".ppt", ".wps", ".et")


def common_parts(package: Package) -> Iterator[Item]:
    budget = package.budget
    properties: list[tuple[str, str]] = []
    links: list[tuple[str, str]] = []
    for name in package.names:
        if not (name.endswith(".rels") or (name.startswith("docProps/") and name.endswith(".xml"))):
            continue
        tree = _parse(package, name)
        if isinstance(tree, Problem):
            yield tree
        elif name.endswith(".rels"):
            _links(tree, links)
        else:
            _properties(name, tree, properties)
    yield from labelled(properties, budget, "property")
    yield from labelled(links, budget, "link")
    for name in package.names:
        if name in package.read_parts or not name.endswith(".xml") or _skipped(name):
            continue
        budget.time(f"仅检查到“{name}”")
        tree = _parse(package, name)
        if isinstance(tree, Problem):
            yield tree
            continue
        label = next((lb for prefix, lb in _GENERIC_LABELS if name.startswith(prefix)), None)
        label = label or f"文件内部分“{name}”"
        if name == "word/settings.xml":
            pieces = _generic_texts(tree, frozenset({"val"}), only_variables=True)
        else:
            pieces = _generic_texts(tree, _TEXT_ATTRIBUTES, only_variables=False)
        yield from labelled([(label, t) for t in pieces], budget, "other")
    yield from _embedded(package)


def _parse(package: Package, name: str) -> Any:
    """A part's tree; a damaged part is a problem, never skipped."""
    try:
        return package.xml(name)
    except LimitReached:
        raise
    except Exception as exc:
        return Problem(
            UNREADABLE,
            f"文件内部分“{name}”已损坏，无法读取（{type(exc).__name__}），需要人工检查。",
            f"文件内部分“{name}”",
        )


def _skipped(name: str) -> bool:
    return (
        name in _NOT_TEXT
        or name.startswith(_NOT_TEXT_FOLDERS)
        or name.endswith(".rels")
        or name.startswith("docProps/")
    )


def _generic_texts(tree: Any, attributes: frozenset[str], *, only_variables: bool) -> list[str]:
    texts: list[str] = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if only_variables:
            if local_name(element.tag) == "docVar":
                texts.extend(v for k, v in element.attrib.items() if local_name(k) == "val")
            continue
        if element.text and element.text.strip():
            texts.append(element.text)
        for key, value in element.attrib.items():
            if local_name(key) in attributes and value.strip():
                texts.append(value)
    return texts


_SKIPPED_PROPERTIES = frozenset(
    {"created", "modified", "lastPrinted", "TotalTime", "DocSecurity", "ScaleCrop"}
)


def _properties(name: str, tree: Any, out: list[tuple[str, str]]) -> None:
    if name == "docProps/custom.xml":
        for prop in tree:
            prop_name = prop.get("name", "")
            out.extend((f"自定义属性“{prop_name}”", t) for t in prop.itertext() if t.strip())
            out.append(("自定义属性名称", prop_name))
        return
    labels = _CORE_LABELS if name == "docProps/core.xml" else _APP_LABELS
    for element in tree:
        element_name = local_name(element.tag)
        if element_name in _SKIPPED_PROPERTIES:
            continue
        label = labels.get(element_name)
        where = f"文档属性“{label}”" if label else "文档属性"
        out.extend((where, t) for t in element.itertext() if t.strip())


def _links(tree: Any, out: list[tuple[str, str]]) -> None:
    from gongkai.screening.extract import url_text

    for rel in tree:
        target = rel.get("Target", "")
        if rel.get("TargetMode", "") == "External" and target.strip():
            out.append(("链接地址", url_text(target)))


def _embedded(package: Package) -> Iterator[Item]:
    from gongkai.screening.extract import read_embedded

    for name in package.names:
        if "/embeddings/" not in name:
            continue
        suffix = PurePosixPath(name).suffix.lower()
        file_name = PurePosixPath(name).name
        if suffix in _EMBEDDED_READABLE:
            yield from read_embedded(
                package.data(name),
                file_name,
                package.budget,
                depth=package.depth + 1,
                where="",
            )
        elif suffix in _EMBEDDED_LEGACY:
            yield Problem(
                UNREADABLE,
                f"嵌入的旧版文件“{file_name}”无法自动检查，需要人工检查。",
                f"嵌入的文件“{file_name}”",
            )

"""DOCX: the body and every story a reader of the document can open.

The WordprocessingML is walked directly (lxml, safe parser): body paragraphs 第N段, tables
表格N第R行第C列 (nested tables too), content controls, text boxes inside their paragraph,
headers, footers, footnotes, endnotes and comments.

Each paragraph is read two ways when they differ: everything the file holds (hidden text
``w:vanish``, tracked deletions, field codes such as a HYPERLINK's address, image
descriptions) and the text as shown (without hidden text, deletions and field codes), so a
number split by a hidden run (``3715<hidden>…</hidden>02…``) reads as the reader sees it,
and the hidden text is read as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from gongkai.screening.extract.base import Budget, Cells, Item, Segment, is_identity_header
from gongkai.screening.extract.office import Package

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_TBL, _W_TR, _W_TC, _W_SDT, _W_SDT_CONTENT, _W_R, _W_RPR = (
    _W + t for t in ("p", "tbl", "tr", "tc", "sdt", "sdtContent", "r", "rPr")
)
_W_T, _W_DEL_TEXT, _W_INSTR = _W + "t", _W + "delText", _W + "instrText"
_W_FIELD = _W + "fldSimple"
_W_DEL, _W_MOVE_FROM = _W + "del", _W + "moveFrom"
_W_BREAK = {_W + "br", _W + "cr"}
_W_TAB = _W + "tab"
_W_VANISH = {_W + "vanish", _W + "specVanish", _W + "webHidden"}
_W_GRID_SPAN, _W_VAL = _W + "gridSpan", _W + "val"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DESCRIBED = ("docPr", "cNvPr")
#: Stories beside the body, by part name, and what to call them.
_STORIES = (
    (re.compile(r"word/header\d*\.xml$"), "页眉", "header"),
    (re.compile(r"word/footer\d*\.xml$"), "页脚", "footer"),
    (re.compile(r"word/footnotes\.xml$"), "脚注", "footnote"),
    (re.compile(r"word/endnotes\.xml$"), "尾注", "endnote"),
    (re.compile(r"word/comments\.xml$"), "批注", "comment"),
)
_NOTES = {_W + "footnote": "脚注", _W + "endnote": "尾注", _W + "comment": "批注"}
#: Block-level wrappers whose paragraphs are read in place (tracked insertions and
#: deletions of whole paragraphs, content control bodies).
_CONTAINERS = frozenset({_W_DEL, _W + "ins", _W_SDT_CONTENT, _W + "customXml", _W + "smartTag"})


def _off(element: Any) -> bool:
    return element.get(_W_VAL, "true").lower() in ("0", "false", "off")


def _run_hidden(run: Any) -> bool:
    properties = run.find(_W_RPR)
    if properties is None:
        return False
    return any(child.tag in _W_VANISH and not _off(child) for child in properties)


class _Paragraph:
    """A paragraph's text: everything in the file, and what is shown."""

    def __init__(self) -> None:
        self.full: list[str] = []
        self.shown: list[str] = []

    def add(self, text: str, *, shown: bool) -> None:
        self.full.append(text)
        if shown:
            self.shown.append(text)

    def walk(self, element: Any, shown: bool = True) -> None:
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in (_W_T, _W_DEL_TEXT):
                self.add(child.text or "", shown=shown)
            elif tag == _W_FIELD:
                # A simple field keeps its code in an attribute (HYPERLINK "…").
                self.add("\n" + (child.get(_W + "instr") or "") + "\n", shown=False)
                self.walk(child, shown)
            elif tag == _W_INSTR:
                # A field code (HYPERLINK "…", MERGEFIELD …): its own line, never shown.
                self.add("\n" + (child.text or "") + "\n", shown=False)
            elif tag == _W_TAB:
                self.add("\t", shown=shown)
            elif tag in _W_BREAK:
                self.add("\n", shown=shown)
            elif tag == _MC_FALLBACK:
                continue  # the same text box again, for old readers
            elif tag == _W_P:
                self.add("\n", shown=shown)  # a text box paragraph inside this one: own line
                self.walk(child, shown)
            elif tag == _W_R:
                self.walk(child, shown and not _run_hidden(child))
            elif tag in (_W_DEL, _W_MOVE_FROM):
                self.walk(child, shown=False)  # deleted in the tracked changes: not shown
            else:
                if tag.rsplit("}", 1)[-1] in _DESCRIBED:
                    # An image's description and title: what a screen reader reads.
                    for key in ("descr", "title"):
                        if child.get(key):
                            self.add("\n" + child.get(key) + "\n", shown=shown)
                self.walk(child, shown)

    def texts(self) -> list[str]:
        full, shown = "".join(self.full), "".join(self.shown)
        if not full.strip():
            return []
        return [full] if shown == full or not shown.strip() else [full, shown]


def _paragraph_texts(paragraph: Any) -> list[str]:
    reading = _Paragraph()
    reading.walk(paragraph)
    return reading.texts()


class _Walker:
    def __init__(self, cells: Cells, budget: Budget) -> None:
        self.cells = cells
        self.budget = budget
        self.paragraphs = 0
        self.tables = 0
        self.notes: dict[str, int] = {}

    def blocks(self, container: Any, prefix: str, numbered: bool) -> Iterator[Segment]:
        for child in container:
            tag = child.tag
            if tag == _W_P:
                texts = _paragraph_texts(child)
                if not texts:
                    continue
                if numbered:
                    self.paragraphs += 1
                    label = f"{prefix}第{self.paragraphs}段"
                else:
                    label = prefix
                for text in texts:
                    if segment := self.cells.add(text, label):
                        yield segment
            elif tag == _W_TBL:
                yield from self.table(child, prefix)
            elif tag == _W_SDT:
                for content in child.iter(_W_SDT_CONTENT):
                    yield from self.blocks(content, prefix, numbered)
                    break
            elif tag in _NOTES:
                name = _NOTES[tag]
                self.notes[name] = self.notes.get(name, 0) + 1
                yield from self.blocks(child, f"第{self.notes[name]}条{name}", False)
            elif tag in _CONTAINERS:
                yield from self.blocks(child, prefix, numbered)

    def table(self, table: Any, prefix: str) -> Iterator[Segment]:
        self.tables += 1
        name = f"{prefix}表格{self.tables}"
        identity_columns: set[int] = set()
        for r, row in enumerate(table.iterchildren(_W_TR), start=1):
            self.budget.time(f"仅检查到{name}第{r}行")
            column = 1
            for cell in row.iterchildren(_W_TC):
                span = 1
                for grid_span in cell.iter(_W_GRID_SPAN):
                    span = int(grid_span.get(_W_VAL, "1") or 1)
                    break
                self.budget.add_cells(1)
                label = f"{name}第{r}行第{column}列"
                full: list[str] = []
                shown: list[str] = []
                for paragraph in cell.iterchildren(_W_P):
                    texts = _paragraph_texts(paragraph)
                    if texts:
                        full.append(texts[0])
                        shown.append(texts[-1])
                for k, text in enumerate(dict.fromkeys(["\n".join(full), "\n".join(shown)])):
                    if not text:
                        continue
                    identity = column in identity_columns
                    if k == 0 and is_identity_header(text):
                        identity_columns.add(column)
                    if segment := self.cells.add(text, label, identity=identity):
                        yield segment
                for content in cell.iterchildren(_W_SDT):
                    yield from self.blocks([content], label, False)
                for nested in cell.iterchildren(_W_TBL):
                    yield from self.table(nested, f"{label}内")
                column += max(span, 1)


def read_docx(package: Package) -> Iterator[Item]:
    budget = package.budget
    main = package.main_part("word/document.xml")
    document = package.xml(main)
    body = document.find(_W + "body")
    cells = Cells(budget, part="document")
    walker = _Walker(cells, budget)
    if body is not None:
        yield from walker.blocks(body, "", numbered=True)
    if segment := cells.flush():
        yield segment
    for name in package.names:
        for pattern, label, part in _STORIES:
            if not pattern.match(name):
                continue
            budget.time(f"仅检查到{label}")
            story = Cells(budget, part=part)
            walker.cells = story
            yield from walker.blocks(package.xml(name), label, numbered=False)
            if segment := story.flush():
                yield segment

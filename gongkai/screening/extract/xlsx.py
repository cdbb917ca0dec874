"""XLSX: every cell as shown, and every other place of a workbook a reader can open.

The SpreadsheetML is streamed directly (lxml iterparse, safe parser), one sheet at a time:

* Cells: every sheet, hidden ones included and marked （隐藏）, hidden rows and columns marked
  too; the value shown is the cached value of a formula. A formula without a cached value
  (files written by programs that do not calculate) is evaluated when it only joins strings,
  numbers and cells (``&``, CONCATENATE, CONCAT, TEXTJOIN, TEXT, T, TRIM, UPPER, LOWER, LEFT,
  RIGHT, MID, REPT); otherwise its literals are read joined in order. Every formula's own
  text is read too (it shows in the formula bar).
* Comments (classic and threaded), headers and footers, link texts and tooltips, data
  validation prompts and drop-down lists, sheet names, defined names.
* Properties, link addresses, drawings, charts, pivot caches: ``office.common_parts``.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from gongkai.screening.extract.base import (
    Budget,
    Cells,
    Item,
    Segment,
    is_identity_header,
    labelled,
    local_name,
)
from gongkai.screening.extract.office import Package

_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_C, _ROW, _COL, _F, _V, _IS, _T = (_S + t for t in ("c", "row", "col", "f", "v", "is", "t"))
_HEADER_FOOTER = _S + "headerFooter"
# What a reader meets when clicking a cell: a link's text and tooltip, a validation's prompt,
# error message and drop-down list.
_HYPERLINK, _VALIDATION = _S + "hyperlink", _S + "dataValidation"
_SHOWN_ATTRIBUTES = (
    "display",
    "tooltip",
    "location",
    "promptTitle",
    "prompt",
    "errorTitle",
    "error",
)
_REF_RE = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]{1,7})$")
# Codes in a header or footer: &L &C &R (where), &P &N &D &T &F &A (fields), &"font,style",
# &12 (size), && (an ampersand).
_HEADER_CODE_RE = re.compile(r'&(?:"[^"]*"|\d+|[A-Za-z]|&)')
#: A range larger than this in an uncached formula is not expanded (nothing to evaluate).
_MAX_RANGE = 1000


def column_letter(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_index(letters: str) -> int:
    index = 0
    for c in letters:
        index = index * 26 + ord(c) - 64
    return index


def number_text(raw: str) -> str:
    """A number cell as it reads: phone numbers typed as numbers come back as floats."""
    try:
        value = float(raw)
    except ValueError:
        return raw
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return f"{value:g}"


@dataclass
class _Sheet:
    title: str
    path: str
    hidden: bool

    @property
    def place(self) -> str:
        return f"工作表“{self.title}”{'（隐藏）' if self.hidden else ''}"


@dataclass
class _Formulas:
    """Formulas without a cached value, for evaluation once every sheet has been read."""

    pending: list[tuple[_Sheet, str, str]] = field(default_factory=list)  # sheet, ref, text
    shared: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)


def read_xlsx(package: Package) -> Iterator[Item]:
    budget = package.budget
    workbook_part = package.main_part("xl/workbook.xml")
    workbook = package.xml(workbook_part)
    rels = package.relationships(workbook_part)
    shared_strings = _shared_strings(package, rels)
    listed: list[_Sheet] = []
    defined: list[tuple[str, str]] = []
    for element in workbook.iter():
        name = local_name(element.tag)
        if name == "sheet":
            _, path, _ = rels.get(element.get(_R + "id", ""), ("", "", False))
            state = element.get("state", "visible")
            listed.append(_Sheet(element.get("name", ""), path, state != "visible"))
        elif name == "definedName" and element.text:
            defined.append((f"定义的名称“{element.get('name', '')}”", element.text))
    formulas = _Formulas()
    for sheet in listed:
        if sheet.path not in package.name_set or "/chartsheets/" in sheet.path:
            continue
        yield from _read_sheet(package, sheet, shared_strings, formulas)
        yield from _sheet_comments(package, sheet)
    if formulas.pending:
        yield from _evaluated(package, listed, shared_strings, formulas, budget)
    yield from labelled([("工作表名称", s.title) for s in listed], budget, "sheet_name")
    yield from labelled(defined, budget, "other")


def _iterparse(data: bytes, tags: tuple[str, ...]) -> Iterator[tuple[str, Any]]:
    from lxml import etree

    return etree.iterparse(
        io.BytesIO(data),
        events=("start", "end"),
        tag=tags,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )


def _shared_strings(package: Package, rels: dict[str, tuple[str, str, bool]]) -> list[str]:
    path = next(
        (t for kind, t, _ in rels.values() if kind.endswith("/sharedStrings")),
        "xl/sharedStrings.xml",
    )
    if path not in package.name_set:
        return []
    strings: list[str] = []
    for event, element in _iterparse(package.data(path), (_S + "si",)):
        if event != "end":
            continue
        strings.append(_rich_text(element))
        element.clear()
    return strings


def _rich_text(element: Any) -> str:
    """The text of a string item or inline string: its runs, without phonetic guides."""
    parts: list[str] = []
    for child in element:
        if child.tag == _T:
            parts.append(child.text or "")
        elif local_name(child.tag) == "r":
            parts.extend(t.text or "" for t in child.iter(_T))
    return "".join(parts)


def _cell_value(cell: Any, kind: str | None, shared_strings: list[str]) -> str | None:
    """What the cell shows; None when it holds no value (an uncached formula)."""
    if kind == "inlineStr":
        inline = cell.find(_IS)
        return _rich_text(inline) if inline is not None else ""
    value = cell.find(_V)
    if value is None or value.text is None:
        return None
    raw = value.text
    if kind == "s":
        try:
            return shared_strings[int(raw)]
        except (ValueError, IndexError):
            return ""
    if kind in ("str", "e", "b", "d"):
        return raw if kind == "str" else ""  # errors, booleans and dates hold no data
    return number_text(raw)


def _read_sheet(
    package: Package, sheet: _Sheet, shared_strings: list[str], formulas: _Formulas
) -> Iterator[Segment]:
    budget = package.budget
    cells = Cells(budget)
    formula_texts = Cells(budget, part="formula")
    headers: list[tuple[str, str]] = []
    shown: list[tuple[str, str]] = []
    identity_columns: set[int] = set()
    hidden_columns: set[int] = set()
    row_number, row_hidden, column = 0, False, 0
    rows = 0
    for event, element in _iterparse(
        package.data(sheet.path), (_ROW, _C, _COL, _HEADER_FOOTER, _HYPERLINK, _VALIDATION)
    ):
        tag = element.tag
        if event == "start":
            if tag == _ROW:
                rows += 1
                if rows % 1000 == 0:
                    budget.time(f"仅检查到{sheet.place}第{rows}行")
                row_number = _int(element.get("r"), row_number + 1)
                row_hidden = element.get("hidden") in ("1", "true")
                column = 0
            continue
        if tag == _COL:
            if element.get("hidden") in ("1", "true"):
                first, last = _int(element.get("min"), 0), _int(element.get("max"), 0)
                hidden_columns.update(range(first, min(last, first + 16384) + 1))
            continue
        if tag == _HEADER_FOOTER:
            for part in element:
                if part.text:
                    headers.append((f"{sheet.place}页眉页脚", _HEADER_CODE_RE.sub("\n", part.text)))
            continue
        if tag in (_HYPERLINK, _VALIDATION):
            where = f"{sheet.place}{element.get('ref') or element.get('sqref', '')}"
            where += "单元格链接" if tag == _HYPERLINK else "单元格数据验证"
            texts = [element.get(name, "") for name in _SHOWN_ATTRIBUTES]
            texts += [child.text or "" for child in element]  # a drop-down list's values
            shown.extend((where, t) for t in texts if t.strip())
            element.clear()
            continue
        # A cell.
        budget.add_cells(1)
        reference = element.get("r") or ""
        match = _REF_RE.match(reference)
        if match:
            column, row_number = column_index(match.group(1)), int(match.group(2))
        else:
            column += 1
        ref = f"{column_letter(column)}{row_number}"
        marks = ("（隐藏行）" if row_hidden else "") + (
            "（隐藏列）" if column in hidden_columns else ""
        )
        label = f"{sheet.place}{ref}单元格{marks}"
        formula = element.find(_F)
        text = _cell_value(element, element.get("t"), shared_strings)
        if formula is not None:
            formula_text = _formula_text(formula, sheet, ref, formulas)
            if formula_text:
                if segment := formula_texts.add("=" + formula_text, label + "公式"):
                    yield segment
                if text is None:
                    formulas.pending.append((sheet, ref, formula_text))
        if text and text.strip():
            segment = cells.add(text, label, identity=column in identity_columns)
            if is_identity_header(text):
                identity_columns.add(column)
            if segment:
                yield segment
        element.clear()
    for block in (cells, formula_texts):
        if segment := block.flush():
            yield segment
    yield from labelled(headers, budget, "header")
    yield from labelled(shown, budget, "other")


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _formula_text(formula: Any, sheet: _Sheet, ref: str, formulas: _Formulas) -> str:
    """The formula of a cell; a shared formula's dependants get the master's, moved."""
    text = formula.text or ""
    if formula.get("t") != "shared":
        return text
    key = (sheet.path, formula.get("si", ""))
    if text:
        formulas.shared[key] = (text, ref)
        return text
    master = formulas.shared.get(key)
    if master is None:
        return ""
    from openpyxl.formula.translate import Translator

    try:
        return Translator("=" + master[0], origin=master[1]).translate_formula(ref)[1:]
    except Exception:
        return master[0]


def _sheet_comments(package: Package, sheet: _Sheet) -> Iterator[Segment]:
    pieces: list[tuple[str, str]] = []
    for kind, target, external in package.relationships(sheet.path).values():
        if external or target not in package.name_set:
            continue
        if not kind.endswith(("/comments", "/threadedComment")):
            continue
        for element in package.xml(target).iter():
            if local_name(element.tag) in ("comment", "threadedComment"):
                where = f"{sheet.place}{element.get('ref', '')}单元格批注"
                pieces.append((where, "".join(element.itertext())))
    yield from labelled(pieces, package.budget, "comment")


# --- Formulas without a cached value ---------------------------------------------------------


def _evaluated(
    package: Package,
    sheets: list[_Sheet],
    shared_strings: list[str],
    formulas: _Formulas,
    budget: Budget,
) -> Iterator[Segment]:
    by_title = {s.title: s for s in sheets}
    pending = {(s.title, ref): text for s, ref, text in formulas.pending}
    wanted: dict[str, set[str]] = {}
    for (title, _), text in pending.items():
        for sheet_title, ref in _references(text, title):
            wanted.setdefault(sheet_title, set()).add(ref)
    values: dict[tuple[str, str], str] = {}
    for title, refs in wanted.items():
        sheet = by_title.get(title)
        if sheet is None or sheet.path not in package.name_set:
            continue
        for ref, value in _values(package, sheet, shared_strings, refs):
            values[(title, ref)] = value
    results: list[tuple[str, str]] = []
    for (title, ref), text in pending.items():
        evaluated = _Evaluator(title, values, pending).value(text)
        label = f"{by_title[title].place}{ref}单元格"
        if evaluated is None:
            results.append((label + "（公式未计算）", _literals(text)))
        else:
            results.append((label, evaluated))
    yield from labelled(results, budget, "formula")


def _values(
    package: Package, sheet: _Sheet, shared_strings: list[str], refs: set[str]
) -> Iterator[tuple[str, str]]:
    column, row_number = 0, 0
    for event, element in _iterparse(package.data(sheet.path), (_ROW, _C)):
        if element.tag == _ROW:
            if event == "start":
                row_number = _int(element.get("r"), row_number + 1)
                column = 0
            continue
        if event != "end":
            continue
        match = _REF_RE.match(element.get("r") or "")
        if match:
            column, row_number = column_index(match.group(1)), int(match.group(2))
        else:
            column += 1
        ref = f"{column_letter(column)}{row_number}"
        if ref in refs:
            value = _cell_value(element, element.get("t"), shared_strings)
            if value is not None:
                yield ref, value
        element.clear()


def _split_reference(reference: str, title: str) -> tuple[str, str]:
    if "!" in reference:
        sheet, ref = reference.rsplit("!", 1)
        sheet = sheet.strip("'").replace("''", "'")
    else:
        sheet, ref = title, reference
    return sheet, ref.replace("$", "").upper()


def _references(text: str, title: str) -> Iterator[tuple[str, str]]:
    from openpyxl.formula import Tokenizer

    try:
        items = Tokenizer("=" + text).items
    except Exception:
        return
    for token in items:
        if token.type == "OPERAND" and token.subtype == "RANGE":
            sheet, ref = _split_reference(token.value, title)
            yield from ((sheet, r) for r in _expand(ref))


def _expand(ref: str) -> list[str]:
    if ":" not in ref:
        return [ref] if _REF_RE.match(ref) else []
    first, last = ref.split(":", 1)
    a, b = _REF_RE.match(first), _REF_RE.match(last)
    if not a or not b:
        return []
    c1, c2 = sorted((column_index(a.group(1)), column_index(b.group(1))))
    r1, r2 = sorted((int(a.group(2)), int(b.group(2))))
    if (c2 - c1 + 1) * (r2 - r1 + 1) > _MAX_RANGE:
        return []
    return [f"{column_letter(c)}{r}" for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def _literals(text: str) -> str:
    """A formula's strings and numbers joined in order: what it would most likely show."""
    from openpyxl.formula import Tokenizer

    try:
        items = Tokenizer("=" + text).items
    except Exception:
        return text
    pieces = [
        t.value[1:-1].replace('""', '"') if t.subtype == "TEXT" else t.value
        for t in items
        if t.type == "OPERAND" and t.subtype in ("TEXT", "NUMBER")
    ]
    return "".join(pieces) + "\n" + text


def _text_function(name: str) -> Callable[[list[Any]], str] | None:
    def arg(values: list[Any], i: int, default: Any = "") -> Any:
        return values[i] if i < len(values) else default

    functions: dict[str, Callable[[list[Any]], str]] = {
        "CONCATENATE": lambda v: "".join(map(_flat, v)),
        "CONCAT": lambda v: "".join(map(_flat, v)),
        "TEXT": lambda v: _flat(arg(v, 0)),
        "T": lambda v: _flat(arg(v, 0)),
        "TRIM": lambda v: " ".join(_flat(arg(v, 0)).split()),
        "UPPER": lambda v: _flat(arg(v, 0)).upper(),
        "LOWER": lambda v: _flat(arg(v, 0)).lower(),
        "LEFT": lambda v: _flat(arg(v, 0))[: _count(arg(v, 1, "1"))],
        "RIGHT": lambda v: _flat(arg(v, 0))[-_count(arg(v, 1, "1")) or len(_flat(arg(v, 0))) :],
        "MID": lambda v: _flat(arg(v, 0))[
            max(_count(arg(v, 1, "1")) - 1, 0) : max(_count(arg(v, 1, "1")) - 1, 0)
            + _count(arg(v, 2, "0"))
        ],
        "REPT": lambda v: _flat(arg(v, 0)) * min(_count(arg(v, 1, "1")), 100),
        "TEXTJOIN": lambda v: _flat(arg(v, 0)).join(
            x for x in (_flat(y) for y in v[2:]) if x or _flat(arg(v, 1, "TRUE")) != "TRUE"
        ),
    }
    return functions.get(name.upper().removeprefix("_XLFN."))


def _flat(value: Any) -> str:
    if isinstance(value, list):
        return "".join(_flat(v) for v in value)
    return str(value)


def _count(value: Any) -> int:
    try:
        return max(int(float(_flat(value))), 0)
    except ValueError:
        return 0


class _Unsupported(Exception):
    pass


class _Evaluator:
    """Evaluates the string part of Excel's formula language, nothing more."""

    def __init__(
        self,
        title: str,
        values: dict[tuple[str, str], str],
        pending: dict[tuple[str, str], str],
        depth: int = 0,
    ) -> None:
        self.title = title
        self.values = values
        self.pending = pending
        self.depth = depth

    def value(self, text: str) -> str | None:
        from openpyxl.formula import Tokenizer

        try:
            self.tokens = [t for t in Tokenizer("=" + text).items if t.type not in ("WHITE-SPACE",)]
            self.position = 0
            result = self.expression()
            if self.position != len(self.tokens):
                raise _Unsupported
            return _flat(result)
        except (_Unsupported, RecursionError, IndexError, ValueError):
            return None

    def expression(self) -> Any:
        parts = [self.operand()]
        while self.position < len(self.tokens):
            token = self.tokens[self.position]
            if token.type == "OPERATOR-INFIX" and token.value == "&":
                self.position += 1
                parts.append(self.operand())
            else:
                break
        return parts[0] if len(parts) == 1 else "".join(map(_flat, parts))

    def operand(self) -> Any:
        token = self.tokens[self.position]
        self.position += 1
        if token.type == "OPERAND":
            if token.subtype == "TEXT":
                return token.value[1:-1].replace('""', '"')
            if token.subtype == "NUMBER":
                return number_text(token.value)
            if token.subtype == "LOGICAL":
                return token.value.upper()
            if token.subtype == "RANGE":
                sheet, ref = _split_reference(token.value, self.title)
                return (
                    [self.cell(sheet, r) for r in _expand(ref)]
                    if ":" in ref
                    else self.cell(sheet, ref)
                )
            raise _Unsupported
        if token.type == "FUNC" and token.subtype == "OPEN":
            function = _text_function(token.value[:-1])
            if function is None:
                raise _Unsupported
            arguments: list[Any] = []
            if self.tokens[self.position].type == "FUNC":  # no arguments
                self.position += 1
                return function(arguments)
            while True:
                arguments.append(self.expression())
                token = self.tokens[self.position]
                self.position += 1
                if token.type == "SEP" and token.subtype == "ARG":
                    continue
                if token.type == "FUNC" and token.subtype == "CLOSE":
                    return function(arguments)
                raise _Unsupported
        if token.type == "PAREN" and token.subtype == "OPEN":
            inner = self.expression()
            if self.tokens[self.position].type != "PAREN":
                raise _Unsupported
            self.position += 1
            return inner
        raise _Unsupported

    def cell(self, sheet: str, ref: str) -> str:
        if (sheet, ref) in self.values:
            return self.values[(sheet, ref)]
        formula = self.pending.get((sheet, ref))
        if formula is None:
            return ""
        if self.depth > 20:
            raise _Unsupported
        value = _Evaluator(sheet, self.values, self.pending, self.depth + 1).value(formula)
        if value is None:
            raise _Unsupported
        return value

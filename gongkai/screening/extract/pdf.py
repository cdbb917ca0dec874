"""PDF: every page's text three ways, and everything else a reader can open.

A page is read as pypdf writes its text layer out (``part="page"``), and again from where
each piece of text stands on the page (``part="layout"``): pypdf's visitor reports every
text showing operator with its position, and the pieces are put back in reading order —
lines from the top, left to right on a line — and joined where they touch. A number drawn one
glyph at a time, or in an order other than its reading order, reads as the number the page
shows. Then the same layout with a number that wraps at the end of a line joined across the
line break (``371502199001`` / ``011234``). Screening dedupes what the three views share.

Beyond the pages: the document information dictionary (title, author …) and the XMP metadata
stream, bookmarks, annotations (comments, their authors and link addresses), form field
values, and embedded files (attachments and file-attachment annotations), read in turn.
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections.abc import Iterator
from typing import Any

from gongkai.screening import characters
from gongkai.screening.extract import read_embedded, url_text
from gongkai.screening.extract.base import (
    NO_TEXT_LAYER,
    UNREADABLE,
    Box,
    Budget,
    Item,
    LimitReached,
    Problem,
    Segment,
    labelled,
    local_name,
    parse_xml,
)

# Fewer visible characters than this on a page with an image is a scan with, at most, a page
# number or a stamp caption: the content is in the picture.
_MIN_PAGE_TEXT = 10
# A page with no text and no image but this much drawing is text turned into outlines.
_MIN_DRAWING_BYTES = 2000

_INFO_LABELS = {
    "/Title": "标题",
    "/Author": "作者",
    "/Subject": "主题",
    "/Keywords": "关键词",
    "/Creator": "创建程序",
    "/Producer": "生成程序",
}


def read_pdf(data: bytes, budget: Budget, depth: int) -> Iterator[Item]:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings on sloppy files are noise
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = bool(reader.decrypt(""))
        except Exception:  # e.g. AES without a crypto library: cannot read, say so
            opened = False
        if not opened:
            yield Problem(
                UNREADABLE, "PDF 文件已加密，无法读取内容，请上传未加密的版本或人工检查。"
            )
            return
    total = len(reader.pages)
    count = min(total, budget.limits.max_pdf_pages)
    scanned: list[int] = []
    annotations: list[tuple[str, str]] = []
    links: list[tuple[str, str]] = []
    embedded: list[tuple[str, bytes, str]] = []
    try:
        for index in range(count):
            number = index + 1
            budget.time(f"仅检查了前{index}页")
            where = f"第{number}页"
            try:
                page = reader.pages[index]
                shown = [0]  # text-showing operators, counted as pypdf meets them
                text = page.extract_text(visitor_operand_before=_counter(shown)) or ""
                visible = len("".join(text.split()))  # non-whitespace characters, counted in C
                drawn = visible < _MIN_PAGE_TEXT and _looks_drawn(page, visible)
                piecemeal = shown[0] >= 2 and shown[0] * _PIECEMEAL_CHARS >= visible
                pieces = _glyph_pieces(page) if visible and piecemeal else []
            except LimitReached:
                raise
            except Exception as exc:
                yield Problem(
                    UNREADABLE,
                    f"第{number}页无法读取（{type(exc).__name__}），需要人工检查。",
                    where,
                )
                continue
            if drawn:
                scanned.append(number)
            if visible:
                budget.add_chars(len(text))
                yield Segment(text, where, part="page", page=number)
                yield from _joined_segments(text, (), where, number, budget, "page")
            if pieces:
                yield from _layout_segments(pieces, text, where, number, budget)
            try:
                _page_annotations(page, where, annotations, links, embedded)
            except Exception as exc:
                yield Problem(
                    UNREADABLE,
                    f"{where}的注释无法读取（{type(exc).__name__}），需要人工检查。",
                    where,
                )
    except LimitReached as exc:
        yield from _scanned_problems(scanned, total)
        yield Problem(UNREADABLE, exc.reason)
        return
    yield from _scanned_problems(scanned, total)
    if total > count:
        yield Problem(
            UNREADABLE,
            f"共{total}页，超过{count}页的上限，仅检查了前{count}页，其余需要人工检查。",
        )
    yield from labelled(annotations, budget, "annotation")
    yield from labelled(links, budget, "link")
    yield from _document_parts(reader, budget, depth, embedded)


# --- The page as laid out -------------------------------------------------------------------

_Piece = tuple[float, float, float, str]  # x, y, font size on the page, text

# pypdf reports text to its visitor only when it flushes (a new line, a font change, a
# ``cm``), with the position where the flushed text began: glyphs drawn one by one along a
# line come as one piece at the first glyph's place. An identity ``cm`` after every
# positioning operator makes it flush there, so each piece comes with its own position.
_POSITIONING_RE = re.compile(rb"(?<=[\s\]>)])(Tm|Td|TD|T\*)(?=[\s\[<(/]|$)")
# At most this many characters per text-showing operator on average: glyphs are drawn in
# small pieces, each placed on its own, and only their positions give the reading order.
_PIECEMEAL_CHARS = 4


def _counter(count: list[int]) -> Any:
    def visit(operator: bytes, operands: Any, cm: Any, tm: Any) -> None:
        if operator in _SHOWING:
            count[0] += 1

    return visit


_SHOWING = frozenset({b"Tj", b"TJ", b"'", b'"'})


def _glyph_pieces(page: Any) -> list[_Piece]:
    from pypdf.generic import DecodedStreamObject, NameObject

    data = page.get_contents().get_data()
    marked = DecodedStreamObject()
    marked.set_data(_POSITIONING_RE.sub(rb"\1 1 0 0 1 0 0 cm", data))
    page[NameObject("/Contents")] = marked  # the reader's copy in memory, read once
    pieces: list[_Piece] = []
    page.extract_text(visitor_text=_collector(pieces))
    return pieces


def _collector(pieces: list[_Piece]) -> Any:
    def visit(text: str, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if not text or text.isspace():
            return
        try:
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            scale = math.hypot(tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3])
            height = abs(float(size or 0) * scale) or 10.0
        except (TypeError, IndexError, ValueError):
            return
        # pypdf pads a piece with the space it guesses comes next; the layout decides that.
        for k, line in enumerate(text.split("\n")):
            if line.strip():
                pieces.append((float(x), float(y) - k * height * 1.2, height, line.strip()))

    return visit


def _advance(c: str) -> float:
    """A character's width in ems, as most fonts draw it (CJK square, Latin and digits half)."""
    if c == " ":
        return 0.25
    return 1.0 if ord(c) >= 0x2E80 else 0.5


def _layout(pieces: list[_Piece]) -> tuple[str, tuple[Box, ...]]:
    """The pieces in reading order: lines from the top down (PDF y grows upwards), left to
    right within a line; pieces that touch are joined, a gap of about a character is a
    space, a wide gap (another column) a tab."""
    if not pieces:
        return "", ()
    ordered = sorted(pieces, key=lambda p: (-p[1], p[0]))
    lines: list[list[_Piece]] = []
    line_y = math.inf
    for piece in ordered:
        if lines and line_y - piece[1] <= 0.45 * piece[2]:
            lines[-1].append(piece)
        else:
            lines.append([piece])
            line_y = piece[1]
    chars: list[str] = []
    boxes: list[Box] = []
    blank: Box = (0.0, 0.0, 0.0, 0.0)
    for line in lines:
        if chars:
            chars.append("\n")
            boxes.append(blank)
        line.sort(key=lambda p: p[0])
        end = -math.inf
        for x, y, size, text in line:
            gap = x - end
            if end > -math.inf and gap > 3 * size:
                chars.append("\t")
                boxes.append(blank)
            elif end > -math.inf and gap > 0.35 * size:
                chars.append(" ")
                boxes.append(blank)
            position = x
            for c in text:
                width = _advance(c) * size
                chars.append(c)
                boxes.append((position, y, position + width, y + size))
                position += width
            end = max(end, position)
    return "".join(chars), tuple(boxes)


# A number that wraps: a digit (possibly followed by a separator or an invisible character,
# such as the soft hyphen where a word processor broke it) at the end of a line, and a digit
# at the start of the next.
_DIGITISH = frozenset(characters.DIGIT_VALUE)
_LINE_END_SKIP = frozenset(characters.SEPARATORS) | characters.INVISIBLE_SET | {"\t"}
_LINE_START_SKIP = frozenset(" \t\u3000") | characters.INVISIBLE_SET


def _wraps(text: str) -> list[tuple[int, int]]:
    """The spans (line break and the indentation after it) where a number wraps."""
    found: list[tuple[int, int]] = []
    i = text.find("\n")
    while i >= 0:
        j = i - 1
        while j >= 0 and i - j <= 4 and text[j] in _LINE_END_SKIP:
            j -= 1
        m = i + 1
        while m < len(text) and m - i <= 8 and text[m] in _LINE_START_SKIP:
            m += 1
        k = m  # a separator may open the next line instead (6230-5805 / -1664-…)
        while k < len(text) and k - m < 4 and text[k] in _LINE_END_SKIP:
            k += 1
        if (
            j >= 0
            and text[j] in _DIGITISH
            and k < len(text)
            and text[k] in _DIGITISH
            and _digits_back(text, j) + _digits_on(text, k) >= _SHORTEST_NUMBER
        ):
            found.append((i, m))
        i = text.find("\n", i + 1)
    return found


# Joined, the two sides must hold enough digits to make a number: a row ending in an amount
# and the next row's serial number (…1250 / 2 李四) is no wrap.
_SHORTEST_NUMBER = 11
_RUN_CHARS = _DIGITISH | _LINE_END_SKIP - {"\t"}


def _digits_back(text: str, j: int) -> int:
    count = 0
    while j >= 0 and text[j] in _RUN_CHARS and count < _SHORTEST_NUMBER:
        count += text[j] in _DIGITISH
        j -= 1
    return count


def _digits_on(text: str, k: int) -> int:
    count = 0
    while k < len(text) and text[k] in _RUN_CHARS and count < _SHORTEST_NUMBER:
        count += text[k] in _DIGITISH
        k += 1
    return count


def _joined(
    text: str, boxes: tuple[Box, ...], cuts: list[tuple[int, int]], glue: str
) -> tuple[str, tuple[Box, ...]]:
    parts: list[str] = []
    kept: list[Box] = []
    position = 0
    blank: Box = (0.0, 0.0, 0.0, 0.0)
    for start, end in cuts:
        parts.append(text[position:start])
        parts.append(glue)
        if boxes:
            kept.extend(boxes[position:start])
            kept.extend([blank] * len(glue))
        position = end
    parts.append(text[position:])
    if boxes:
        kept.extend(boxes[position:])
    return "".join(parts), tuple(kept)


def _joined_segments(
    text: str, boxes: tuple[Box, ...], where: str, number: int, budget: Budget, part: str
) -> Iterator[Segment]:
    """The text with each wrapped number joined across its line break: directly
    (``371502199001`` + ``011234``) and with a space (letter-spaced digits)."""
    cuts = _wraps(text)
    if not cuts:
        return
    for glue in ("", " "):
        joined, kept = _joined(text, boxes, cuts, glue)
        budget.add_chars(len(joined))
        yield Segment(joined, where, numbered_lines=False, part=part, page=number, boxes=kept)


def _layout_segments(
    pieces: list[_Piece], text: str, where: str, number: int, budget: Budget
) -> Iterator[Segment]:
    layout, boxes = _layout(pieces)
    if not layout.strip():
        return
    # The same text in the same order adds nothing.
    if "".join(layout.split()) != "".join(text.split()):
        budget.add_chars(len(layout))
        yield Segment(layout, where, numbered_lines=False, part="layout", page=number, boxes=boxes)
        yield from _joined_segments(layout, boxes, where, number, budget, "layout")


# --- Annotations, links and the document's own parts -----------------------------------------


def _text_of(value: Any) -> str:
    """A PDF string as text (a byte string in UTF-16 with BOM, UTF-8 or GB18030)."""
    if value is None:
        return ""
    value = value.get_object() if hasattr(value, "get_object") else value
    if isinstance(value, bytes):
        if value.startswith((b"\xfe\xff", b"\xff\xfe")):
            return value.decode("utf-16", errors="replace")
        for encoding in ("utf-8", "gb18030"):
            try:
                return value.decode(encoding)
            except UnicodeDecodeError:
                continue
        return value.decode("latin-1")
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return "\n".join(_text_of(v) for v in value)
    return ""


_TAGS_RE = re.compile(r"<[^>]*>")


def _page_annotations(
    page: Any,
    where: str,
    annotations: list[tuple[str, str]],
    links: list[tuple[str, str]],
    embedded: list[tuple[str, bytes, str]],
) -> None:
    annots = page.get("/Annots")
    if annots is None:
        return
    for ref in annots.get_object() or []:
        annot = ref.get_object()
        if not hasattr(annot, "get"):
            continue
        label = f"{where}注释"
        for key in ("/Contents", "/T", "/Subj"):
            annotations.append((label, _text_of(annot.get(key))))
        rich = _text_of(annot.get("/RC"))
        if rich:
            annotations.append((label, _TAGS_RE.sub("\n", rich)))
        action: Any = annot.get("/A")
        action = action.get_object() if action is not None else None
        if action is not None and hasattr(action, "get"):
            for key in ("/URI", "/F", "/D"):
                target = action.get(key)
                text = _text_of(target.get("/F") if hasattr(target, "get") else target)
                links.append((f"{where}链接地址", url_text(text)))
        file_spec = annot.get("/FS")
        if file_spec is not None:
            embedded.append(_embedded_file(file_spec.get_object(), where))


def _embedded_file(spec: Any, where: str) -> tuple[str, bytes, str]:
    name = _text_of(spec.get("/UF") or spec.get("/F")) if hasattr(spec, "get") else ""
    streams = spec.get("/EF") if hasattr(spec, "get") else None
    data = b""
    if streams is not None:
        stream = streams.get_object().get("/F") or streams.get_object().get("/UF")
        if stream is not None:
            data = stream.get_object().get_data()
    return name or "附件", data, where


def _document_parts(
    reader: Any, budget: Budget, depth: int, embedded: list[tuple[str, bytes, str]]
) -> Iterator[Item]:
    for part, label, collect in (
        ("property", "文档属性", _info),
        ("metadata", "XMP元数据", _xmp),
        ("outline", "书签", _outline),
        ("form_field", "表单域", _fields),
    ):
        try:
            pieces = list(collect(reader))
        except LimitReached:
            raise
        except Exception as exc:
            yield Problem(
                UNREADABLE, f"PDF 的{label}无法读取（{type(exc).__name__}），需要人工检查。", label
            )
            continue
        yield from labelled(pieces, budget, part)
    try:
        files = [(name, data, "PDF附件：") for name, data in _attachments(reader)]
    except Exception as exc:
        files = []
        yield Problem(
            UNREADABLE, f"PDF 的附件无法读取（{type(exc).__name__}），需要人工检查。", "PDF附件"
        )
    files += [(name, data, f"{where}注释中") for name, data, where in embedded]
    yield from labelled([(f"{w}嵌入的文件名", name) for name, _, w in files], budget, "file_name")
    for name, data, where in files:
        if data:
            yield from read_embedded(data, name, budget, depth=depth + 1, where=where)


def _info(reader: Any) -> Iterator[tuple[str, str]]:
    info = reader.metadata
    if info is None:
        return
    for key in list(info.keys()):
        if key in ("/CreationDate", "/ModDate", "/Trapped"):
            continue
        label = _INFO_LABELS.get(key, str(key).lstrip("/"))
        yield f"文档属性“{label}”", _text_of(info.get(key))


def _xmp(reader: Any) -> Iterator[tuple[str, str]]:
    root = reader.trailer["/Root"].get_object()
    stream = root.get("/Metadata")
    if stream is None:
        return
    data = stream.get_object().get_data()
    tree = parse_xml(data.strip())
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        name = local_name(element.tag)
        if element.text and element.text.strip():
            owner = element
            while (
                local_name(owner.tag) in ("li", "Alt", "Seq", "Bag")
                and owner.getparent() is not None
            ):
                owner = owner.getparent()
            yield f"XMP元数据“{local_name(owner.tag)}”", element.text
        for attribute, value in element.attrib.items():
            attribute_name = local_name(attribute)
            if attribute_name not in ("about", "lang", "parseType") and value.strip():
                yield f"XMP元数据“{attribute_name or name}”", value


def _outline(reader: Any) -> Iterator[tuple[str, str]]:
    stack = [(reader.outline, 0)]
    seen = 0
    while stack:
        items, level = stack.pop()
        for item in items:
            seen += 1
            if seen > 10000 or level > 20:
                return
            if isinstance(item, list):
                stack.append((item, level + 1))
            else:
                yield "书签", _text_of(getattr(item, "title", None) or item.get("/Title"))


def _fields(reader: Any) -> Iterator[tuple[str, str]]:
    fields = reader.get_fields() or {}
    for name, field in fields.items():
        for key in ("/V", "/TU", "/DV"):
            value = field.get(key) if hasattr(field, "get") else None
            text = _text_of(value)
            if text and text != "/Off":
                yield f"表单域“{name}”", text


def _attachments(reader: Any) -> Iterator[tuple[str, bytes]]:
    for name, contents in reader.attachments.items():
        for data in contents:
            yield str(name), bytes(data)


# --- Scans --------------------------------------------------------------------------------


def _looks_drawn(page: Any, visible: int) -> bool:
    if _has_image(page.get("/Resources"), depth=0):
        return True
    if visible:
        return False
    try:
        contents = page.get_contents()
        return contents is not None and len(contents.get_data()) >= _MIN_DRAWING_BYTES
    except Exception:
        return True  # cannot tell: a human look is the safe answer


def _has_image(resources: Any, depth: int) -> bool:
    if resources is None or depth > 3:
        return False
    resources = resources.get_object()
    xobjects = resources.get("/XObject")
    if xobjects is None:
        return False
    for ref in xobjects.get_object().values():
        xobject = ref.get_object()
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            return True
        if subtype == "/Form" and _has_image(xobject.get("/Resources"), depth + 1):
            return True
    return False


def _scanned_problems(pages: list[int], total: int) -> Iterator[Problem]:
    if not pages:
        return
    if len(pages) == total:
        yield Problem(
            NO_TEXT_LAYER,
            f"全部{total}页都没有文字层（扫描件或图片），无法自动检查，需要人工查看。",
            f"第1–{total}页" if total > 1 else "第1页",
        )
        return
    ranges: list[tuple[int, int]] = []
    for number in pages:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    for first, last in ranges:
        where = f"第{first}页" if first == last else f"第{first}–{last}页"
        yield Problem(NO_TEXT_LAYER, f"{where}没有文字层（扫描件或图片），需要人工查看。", where)

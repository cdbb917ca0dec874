"""What a reader sees of a piece of HTML, with the way back to the HTML.

A body is stored as sanitised HTML; a reader sees it rendered: tags gone, entities decoded.
``read_html(html)`` gives that text as a :class:`Reading`, and every character of it knows
where it came from, so a finding in the text is a span of the HTML, and masking rewrites
exactly the characters of the number in the HTML (an entity-encoded digit as a whole).

* Inline tags (``strong``, ``span``, ``a``, ``sup`` …) vanish: ``371502<strong>19900101
  </strong>1234`` reads as one number, because it renders as one.
* Block tags (paragraphs, list items, table cells, headings, ``br``) end a line: two cells
  never read as one number, and a marking alone in its paragraph stands alone on its line.
* Entities become their characters (``&#51;`` is a 3, ``&nbsp;`` a no-break space).
* Comments, and the content of ``script``/``style``/``template``, are not seen.

Attribute values a reader reaches (a link's address, its tooltip, an image's text) are read
with ``read_attributes``: entities and URL percent-escapes decoded (``%33%37`` is ``37``),
``+`` in a query a space.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass, field

_BLOCK_TAGS = frozenset(
    """p div li tr td th h1 h2 h3 h4 h5 h6 table thead tbody tfoot caption ul ol dl dt dd
    blockquote pre br hr section article header footer nav aside figure figcaption address
    main form fieldset legend details summary center option select textarea""".split()
)
_TOKEN_RE = re.compile(
    r"<!--.*?(?:-->|\Z)"
    r"|<(script|style|template|noscript)\b[^>]*>.*?(?:</\1\s*>|\Z)"
    r"|<(/?)([a-zA-Z][a-zA-Z0-9-]*)\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
    r"|<![^>]*>|<\?[^>]*>"
    r"|&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[a-zA-Z][a-zA-Z0-9]{1,31});?",
    re.DOTALL | re.IGNORECASE,
)
_ATTRIBUTE_RE = re.compile(
    r"""([a-zA-Z_:][-a-zA-Z0-9_:.]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))"""
)
_TAG_RE = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.DOTALL)
_URL_ESCAPES_RE = re.compile(r"(?:%[0-9a-fA-F]{2})+")
_ENTITY_RE = re.compile(r"&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[a-zA-Z][a-zA-Z0-9]{1,31});?")

#: Attributes whose value a reader sees or follows, with what to call them.
READ_ATTRIBUTES = {
    "href": "链接地址",
    "src": "图片地址",
    "alt": "图片说明",
    "title": "提示文字",
}


@dataclass
class Reading:
    """Text as read, and for each character the span of the source it came from.

    The map is piecewise: ``_starts[k]`` is where piece k begins in the text, ``_sources[k]``
    where it begins in the source, and ``_ends[k]`` is -1 for a piece copied one to one or
    the source end for a single character decoded from several (an entity, a tag read as a
    line break, a percent-escape)."""

    text: str
    source: str
    _starts: list[int] = field(default_factory=list)
    _sources: list[int] = field(default_factory=list)
    _ends: list[int] = field(default_factory=list)

    @classmethod
    def plain(cls, text: str) -> Reading:
        """Text that reads as it is written (a title, a file's text)."""
        return cls(text, text, [0], [0], [-1])

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the source the text ``[start:end)`` was read from."""
        return self.source_start(start), self.source_end(end - 1)

    def source_start(self, i: int) -> int:
        k = bisect_right(self._starts, i) - 1
        if self._ends[k] >= 0:
            return self._sources[k]
        return self._sources[k] + i - self._starts[k]

    def source_end(self, i: int) -> int:
        k = bisect_right(self._starts, i) - 1
        if self._ends[k] >= 0:
            return self._ends[k]
        return self._sources[k] + i - self._starts[k] + 1


class _Builder:
    def __init__(self, source: str, offset: int = 0) -> None:
        self.source = source
        self.offset = offset  # where this source begins in the text the spans point into
        self.parts: list[str] = []
        self.starts: list[int] = []
        self.sources: list[int] = []
        self.ends: list[int] = []
        self.size = 0

    def copy(self, start: int, end: int) -> None:
        if end > start:
            self.starts.append(self.size)
            self.sources.append(self.offset + start)
            self.ends.append(-1)
            self.parts.append(self.source[start:end])
            self.size += end - start

    def decoded(self, chars: str, start: int, end: int) -> None:
        for c in chars:
            self.starts.append(self.size)
            self.sources.append(self.offset + start)
            self.ends.append(self.offset + end)
            self.parts.append(c)
            self.size += 1

    def ends_line(self) -> bool:
        return not self.parts or self.parts[-1].endswith("\n")

    def build(self, full_source: str) -> Reading:
        if not self.starts:
            return Reading("", full_source, [0], [self.offset], [-1])
        return Reading("".join(self.parts), full_source, self.starts, self.sources, self.ends)


def read_html(source: str) -> Reading:
    """The text of an HTML fragment as a reader sees it (see the module docstring)."""
    builder = _Builder(source)
    position = 0
    for match in _TOKEN_RE.finditer(source):
        start, end = match.span()
        builder.copy(position, start)
        position = end
        token = match.group(0)
        if token.startswith("&"):
            decoded = html.unescape(token)
            if decoded == token:
                builder.copy(start, end)
            else:
                builder.decoded(decoded, start, end)
        elif match.group(3) and match.group(3).lower() in _BLOCK_TAGS and not builder.ends_line():
            builder.decoded("\n", start, end)
        # Every other tag, comment or hidden element: nothing a reader sees.
    builder.copy(position, len(source))
    return builder.build(source)


@dataclass(frozen=True)
class AttributeValue:
    """One attribute value a reader reaches: which tag and attribute, its number among
    such values, and its reading (spans point into the whole HTML)."""

    tag: str
    name: str
    label: str
    number: int
    reading: Reading


def read_attributes(source: str) -> Iterator[AttributeValue]:
    """The link addresses, tooltips and image texts of an HTML fragment, decoded."""
    counts: dict[str, int] = {}
    for tag in _TAG_RE.finditer(source):
        attributes_start = tag.start(2)
        for attribute in _ATTRIBUTE_RE.finditer(tag.group(2)):
            name = attribute.group(1).lower()
            label = READ_ATTRIBUTES.get(name)
            if label is None:
                continue
            group = next(g for g in (2, 3, 4) if attribute.group(g) is not None)
            value_start = attributes_start + attribute.start(group)
            value = attribute.group(group)
            counts[name] = counts.get(name, 0) + 1
            reading = _read_value(source, value, value_start, is_url=name in ("href", "src"))
            yield AttributeValue(tag.group(1).lower(), name, label, counts[name], reading)


def _read_value(source: str, value: str, offset: int, *, is_url: bool) -> Reading:
    """An attribute value with entities decoded and, in a URL, percent-escapes and ``+``."""
    builder = _Builder(value, offset)
    position = 0
    pattern = _URL_TOKEN_RE if is_url else _ENTITY_RE
    for match in pattern.finditer(value):
        start, end = match.span()
        builder.copy(position, start)
        position = end
        token = match.group(0)
        if token.startswith("&"):
            decoded = html.unescape(token)
            if decoded == token:
                builder.copy(start, end)
            else:
                builder.decoded(decoded, start, end)
        elif token == "+":  # noqa: S105 (a plus sign in a URL, not a password)
            builder.decoded(" ", start, end)
        else:
            _decode_escapes(builder, token, start)
    builder.copy(position, len(value))
    return builder.build(source)


_URL_TOKEN_RE = re.compile(
    r"(?:%[0-9a-fA-F]{2})+|\+"
    r"|&(?:#[0-9]{1,8}|#[xX][0-9a-fA-F]{1,8}|[a-zA-Z][a-zA-Z0-9]{1,31});?"
)


def _decode_escapes(builder: _Builder, token: str, start: int) -> None:
    """``%E4%B8%AD%33`` → 中3: each character spans the escapes of its UTF-8 bytes."""
    data = bytes(int(token[i + 1 : i + 3], 16) for i in range(0, len(token), 3))
    position = 0
    while position < len(data):
        lead = data[position]
        size = 1 if lead < 0xC0 else 2 if lead < 0xE0 else 3 if lead < 0xF0 else 4
        chunk = data[position : position + size]
        char = chunk.decode("utf-8", errors="replace")[:1] or "\ufffd"
        builder.decoded(char, start + 3 * position, start + 3 * (position + len(chunk)))
        position += len(chunk)


def read_file_name(name: str) -> Reading:
    """A file name as a reader reads it: an underscore separates words, as a space does."""
    builder = _Builder(name)
    position = 0
    for index, c in enumerate(name):
        if c == "_":
            builder.copy(position, index)
            builder.decoded(" ", index, index + 1)
            position = index + 1
    builder.copy(position, len(name))
    return builder.build(name)


def read_url(value: str) -> Reading:
    """A URL held in a plain field (a video link) as a reader reads it."""
    return _read_value(value, value, 0, is_url=True)

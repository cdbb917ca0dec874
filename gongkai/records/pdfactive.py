"""Finding active content in a PDF by parsing it, not by searching for byte strings.

A PDF can run JavaScript, launch a program, submit a form to a server, import data, open
another file, carry embedded files, Flash (RichMedia) or an XFA form. Searching the bytes for
``/JavaScript`` misses all the ways the same thing can be written: a name with ``#``-escapes
(``/J#61vaScript`` is ``/JavaScript``), the script as a hex string (``/JS <6170…>``), objects
compressed inside object streams, objects in an earlier revision of an incrementally updated
file, or a broken cross-reference table that a viewer repairs by scanning.

Two readings, and a file must pass both:

1. **pypdf** opens the file as a viewer would (repairing it if needed) and every object in the
   cross-reference tables and object streams is inspected: dictionary keys and name values are
   compared after pypdf decoded them.
2. **A lexer over the raw bytes** reads every name outside strings, comments and stream data
   (decoding ``#xx``), in every revision (objects that a later update replaced or orphaned are
   still read), and inside every object stream it can decompress.

What is refused (``ACTIVE``): the keys ``/JS``, ``/JavaScript`` (an action's script or the
document-level script tree), ``/EmbeddedFiles``, ``/EF``, ``/RichMediaContent``,
``/RichMediaSettings``, ``/XFA``; actions (``/S``) ``/JavaScript``, ``/Launch``,
``/SubmitForm``, ``/ImportData``, ``/GoToR``, ``/GoToE``, ``/RichMediaExecute``; objects of
type ``/EmbeddedFile``, ``/FileAttachment`` or ``/RichMedia``; and a ``javascript:`` link.
An ``/OpenAction`` or ``/AA`` (additional actions) is refused when it leads to one of these —
they are found where they are, whatever triggers them. Ordinary links (``/URI`` to a web
address), jumps inside the document (``/GoTo``) and named actions (next page, print) pass.

A file encrypted with a password cannot be inspected (its object streams are encrypted), so
it is refused; one that opens without a password (restrictions only) is inspected. So is a
file with more than ``MAX_OBJECTS`` objects, which would only make the check slow.
"""

from __future__ import annotations

import io
import logging
import re
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

#: Kinds of active content, as a clerk is told about them.
JAVASCRIPT = "JavaScript 脚本"
LAUNCH = "启动外部程序的动作"
SUBMIT = "向外提交表单的动作"
IMPORT = "导入数据的动作"
REMOTE = "打开其他文件的动作"
EMBEDDED = "嵌入的文件"
RICH_MEDIA = "富媒体（Flash 等）"
XFA = "XFA 动态表单"

DANGEROUS_KEYS = {
    "/JS": JAVASCRIPT,
    "/JavaScript": JAVASCRIPT,
    "/EmbeddedFiles": EMBEDDED,
    "/EF": EMBEDDED,
    "/RichMediaContent": RICH_MEDIA,
    "/RichMediaSettings": RICH_MEDIA,
    "/XFA": XFA,
}
DANGEROUS_ACTIONS = {
    "/JavaScript": JAVASCRIPT,
    "/Launch": LAUNCH,
    "/SubmitForm": SUBMIT,
    "/ImportData": IMPORT,
    "/GoToR": REMOTE,
    "/GoToE": REMOTE,
    "/RichMediaExecute": RICH_MEDIA,
}
DANGEROUS_TYPES = {
    "/EmbeddedFile": EMBEDDED,
    "/FileAttachment": EMBEDDED,
    "/RichMedia": RICH_MEDIA,
}
#: Names that, wherever they appear as a name, mean active content (the raw reading does not
#: know which key a name is the value of; none of these is used for anything harmless).
DANGEROUS_NAMES = {**DANGEROUS_ACTIONS, **DANGEROUS_TYPES, **DANGEROUS_KEYS}

#: More objects than this is not a document a clerk publishes but a way to make the check
#: slow (pypdf reads some 10 000 objects a second); such a file is refused as uncheckable.
MAX_OBJECTS = 100_000
#: Decompressed bytes read per object stream, and in all (a bomb is refused elsewhere).
MAX_STREAM_BYTES = 32 * 1024 * 1024
MAX_TOTAL_BYTES = 128 * 1024 * 1024


class PdfUnreadable(Exception):
    """The PDF cannot be inspected; ``reason`` says why, in Chinese."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


ENCRYPTED = "设置了打开密码"


def active_content(data: bytes) -> list[str]:
    """The kinds of active content in ``data`` (a PDF), in a stable order; [] when none.
    Raises PdfUnreadable when the file is encrypted and cannot be opened without a password."""
    found = set(_raw_reading(data))
    found |= _pypdf_reading(data)
    order = [JAVASCRIPT, LAUNCH, SUBMIT, IMPORT, REMOTE, EMBEDDED, RICH_MEDIA, XFA]
    return [kind for kind in order if kind in found]


# --- 1. pypdf's reading ---------------------------------------------------------------------


def _pypdf_reading(data: bytes) -> set[str]:
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # warnings on sloppy files are noise
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except Exception:  # a file pypdf cannot open at all: the raw reading decides
        return set()
    if reader.is_encrypted:
        try:
            opened = bool(reader.decrypt(""))
        except Exception:  # e.g. AES without a crypto library
            opened = False
        if not opened:
            raise PdfUnreadable(ENCRYPTED)
    found: set[str] = set()
    _inspect(reader.trailer, found)
    numbers: set[tuple[int, int]] = set()
    for generation, table in getattr(reader, "xref", {}).items():
        numbers.update((number, generation) for number in table)
    numbers.update((number, 0) for number in getattr(reader, "xref_objStm", {}))
    if len(numbers) > MAX_OBJECTS:
        raise PdfUnreadable(f"结构异常（超过 {MAX_OBJECTS} 个对象）")
    for number, generation in sorted(numbers):
        try:
            obj = reader.get_object(IndirectObject(number, generation, reader))
        except Exception:  # noqa: S112 - a damaged object: the raw reading still reads it
            continue
        _inspect(obj, found)
    return found


def _inspect(root: Any, found: set[str]) -> None:
    """Look at a direct object and the objects nested in it (not following references: every
    indirect object is inspected on its own)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    stack = [root]
    while stack:
        obj = stack.pop()
        if isinstance(obj, IndirectObject):
            continue
        if isinstance(obj, DictionaryObject):
            for key, value in obj.items():
                key = str(key)
                if isinstance(value, IndirectObject) and key in ("/S", "/Type", "/Subtype", "/URI"):
                    value = _resolve(value)
                if key in DANGEROUS_KEYS:
                    found.add(DANGEROUS_KEYS[key])
                if key == "/S" and _name(value) in DANGEROUS_ACTIONS:
                    found.add(DANGEROUS_ACTIONS[_name(value)])
                if key in ("/Type", "/Subtype") and _name(value) in DANGEROUS_TYPES:
                    found.add(DANGEROUS_TYPES[_name(value)])
                if key == "/URI" and _is_script_link(value):
                    found.add(JAVASCRIPT)
                stack.append(value)
        elif isinstance(obj, ArrayObject):
            stack.extend(obj)


def _resolve(value: Any) -> Any:
    try:
        return value.get_object()
    except Exception:  # a dangling reference holds nothing
        return None


def _name(value: Any) -> str:
    """A name's text; a string written where a name belongs is read the same way."""
    text = str(value) if isinstance(value, str | bytes) else ""
    return text if text.startswith("/") else f"/{text}"


def _is_script_link(value: Any) -> bool:
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    cleaned = re.sub(r"[\x00-\x20]", "", text).lower()
    return cleaned.startswith(("javascript:", "vbscript:"))


# --- 2. The raw reading ---------------------------------------------------------------------

_NEXT = re.compile(rb"[%(</]|stream")
_NAME = re.compile(rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STRING_CHAR = re.compile(rb"[()\\]")
_FILTERS = {
    "/FlateDecode": "flate",
    "/Fl": "flate",
    "/ASCIIHexDecode": "hex",
    "/AHx": "hex",
    "/ASCII85Decode": "a85",
    "/A85": "a85",
    "/LZWDecode": "lzw",
    "/LZW": "lzw",
    "/RunLengthDecode": "rl",
    "/RL": "rl",
}


def _raw_reading(data: bytes) -> Iterator[str]:
    budget = [MAX_TOTAL_BYTES]
    for name in _names(data, budget, nested=False):
        if name in DANGEROUS_NAMES:
            yield DANGEROUS_NAMES[name]


def _decode_name(raw: bytes) -> str:
    return _ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw).decode("latin-1")


def _names(data: bytes, budget: list[int], *, nested: bool) -> Iterator[str]:
    """Every name in ``data`` outside strings, comments and stream data; names inside object
    streams are read too (once: object streams hold no streams)."""
    position, size = 0, len(data)
    recent: list[tuple[int, str]] = []  # names with their offsets, for the stream's dictionary
    while True:
        match = _NEXT.search(data, position)
        if match is None:
            return
        start = match.start()
        char = data[start : start + 1]
        if char == b"%":
            end = min((i for i in (data.find(b"\r", start), data.find(b"\n", start)) if i >= 0),
                      default=size)  # fmt: skip
            position = end + 1
        elif char == b"(":
            position = _skip_string(data, start)
        elif char == b"<":
            if data[start + 1 : start + 2] == b"<":
                position = start + 2
            else:
                end = data.find(b">", start)
                position = size if end < 0 else end + 1
        elif char == b"/":
            name_match = _NAME.match(data, start)
            assert name_match is not None  # "/" alone is a valid (empty) name
            name = _decode_name(name_match.group())
            recent.append((start, name))
            yield name
            position = name_match.end()
        else:  # "stream": skip its data, reading it only if it is an object stream
            if data[start - 3 : start] == b"end" or nested:
                position = start + 6
                continue
            body_start = start + 6
            if data[body_start : body_start + 2] == b"\r\n":
                body_start += 2
            elif data[body_start : body_start + 1] in (b"\n", b"\r"):
                body_start += 1
            end = data.find(b"endstream", body_start)
            end = size if end < 0 else end
            object_start = data.rfind(b"obj", 0, start)
            dictionary = [name for offset, name in recent if offset > object_start]
            recent.clear()
            if "/ObjStm" in dictionary:
                decoded = _decode_stream(data[body_start:end], dictionary, budget)
                if decoded:
                    yield from _names(decoded, budget, nested=True)
            position = end + 9


def _skip_string(data: bytes, start: int) -> int:
    """The offset after the literal string opening at ``start`` (balanced parentheses,
    backslash escapes)."""
    depth, position = 0, start
    while True:
        match = _STRING_CHAR.search(data, position)
        if match is None:
            return len(data)
        char = data[match.start() : match.start() + 1]
        if char == b"\\":
            position = match.start() + 2
            continue
        depth += 1 if char == b"(" else -1
        position = match.start() + 1
        if depth == 0:
            return position


def _decode_stream(raw: bytes, dictionary: Iterable[str], budget: list[int]) -> bytes:
    """The stream's data through its filters (in the order the dictionary names them)."""
    data = raw
    for name in dictionary:
        kind = _FILTERS.get(name)
        if kind is None:
            continue
        try:
            data = _apply(kind, data, budget)
        except Exception:  # undecodable: the viewer cannot read it either
            return b""
    return data


def _apply(kind: str, data: bytes, budget: list[int]) -> bytes:
    limit = min(MAX_STREAM_BYTES, budget[0])
    if kind == "flate":
        inflater = zlib.decompressobj()
        out = inflater.decompress(data, limit)
    else:
        from pypdf import filters

        decoder: Any = {
            "hex": filters.ASCIIHexDecode,
            "a85": filters.ASCII85Decode,
            "lzw": filters.LZWDecode,
            "rl": filters.RunLengthDecode,
        }[kind]
        out = decoder.decode(data)
        out = out.encode("latin-1") if isinstance(out, str) else out
        out = out[:limit]
    budget[0] -= len(out)
    return out

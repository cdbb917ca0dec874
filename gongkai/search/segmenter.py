"""Chinese text to search tokens: the same function for documents and for queries.

Chinese has no spaces, so both sides are segmented with rjieba (the Rust port of jieba: the
same tokens, about 40× faster) loaded once with the domain dictionary in ``data/userdict.txt``.
rjieba supports ``add_word``, so no second pass is needed to keep 课后服务 or 控辍保学 whole.

Documents get three token streams (see docs/decisions/0003-search.md):

- ``index_words``: the segmented words, plus every dictionary word inside a long word, so a
  search for 招生 finds 招生范围 and a search for 营养改善计划 finds 农村义务教育学生营养改善计划;
- ``bigrams``: overlapping character pairs of each Chinese run, the fallback that finds a word
  wherever the segmenter happened to cut the text differently (names, new words);
- facet tokens (``facet_tokens``) that turn the item, organisation and year filters into
  index lookups instead of row-by-row checks.

Every token is a run of letters and digits only (after NFKC and lower-casing), so a token is
one token for SQLite's unicode61 tokenizer and for PostgreSQL's ``simple`` parser alike, and a
query built from them can never contain FTS5 or tsquery syntax.
"""

from __future__ import annotations

import html
import re
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import rjieba

USERDICT = Path(__file__).resolve().parent / "data" / "userdict.txt"

#: Function words that appear in nearly every document: indexing them costs space and a query
#: that ANDs them costs time, and they never decide which record is the right one.
STOPWORDS = frozenset(
    "的 了 和 与 及 或 是 在 对 为 等 之 其 也 将 并 由 于 以 被 从 向 把 这 那".split()
)

#: A query is for a person typing on a phone; anything longer is pasted text. Bounding it keeps
#: a pasted page from turning into a 500-term query.
MAX_QUERY_CHARS = 100
MAX_QUERY_TERMS = 12

#: Attachments can be whole books; the index keeps the first part of the text.
MAX_INDEX_CHARS = 200_000

_TOKEN = re.compile(r"[^\W_]+")
# CJK unified ideographs (with extension A and the compatibility block): the runs that get
# character bigrams.
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_BLOCK_TAG = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h\d|/td|/th|/caption|hr)\b[^>]*>", re.I)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")

FACET_PREFIX = {"item": "zzi", "organisation": "zzo", "year": "zzy"}

_lock = threading.Lock()
_jieba: rjieba.Jieba | None = None


def _load_userdict(jieba: rjieba.Jieba, path: Path = USERDICT) -> int:
    added = 0
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        word = normalise(parts[0])
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdecimal() else None
        jieba.add_word(word, freq, parts[2] if len(parts) > 2 else None)
        added += 1
    return added


def segmenter() -> rjieba.Jieba:
    """The process-wide segmenter with the domain dictionary (built on first use, ~0.5 s).

    A private instance, not rjieba's module-level one, so other apps' segmentation is not
    changed by our dictionary."""
    global _jieba
    if _jieba is None:
        with _lock:
            if _jieba is None:
                jieba = rjieba.Jieba()
                _load_userdict(jieba)
                _jieba = jieba
    return _jieba


def normalise(text: str) -> str:
    """Full-width letters and digits to half-width (２０２５ → 2025), compatibility forms
    folded, lower case: documents and queries meet on the same spelling."""
    return unicodedata.normalize("NFKC", text or "").lower()


def html_to_text(markup: str) -> str:
    """Plain text of a sanitised record body: block ends become line breaks, entities decoded."""
    text = _BLOCK_TAG.sub("\n", markup or "")
    text = _TAG.sub("", text)
    return html.unescape(text)


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _pieces(token: str) -> list[str]:
    # jieba keeps punctuation and symbols as tokens, and occasionally glues a symbol to a word;
    # only letter-and-digit runs survive.
    return _TOKEN.findall(token)


def words(text: str) -> list[str]:
    """The segmented words of ``text`` in order, without punctuation and stop words."""
    jieba = segmenter()
    out: list[str] = []
    for token in jieba.cut(normalise(text)[:MAX_INDEX_CHARS]):
        for piece in _pieces(token):
            if piece not in STOPWORDS:
                out.append(piece)
    return out


def index_words(text: str) -> list[str]:
    """Words for the index: each segmented word, followed by the dictionary words of two or
    more characters inside it (jieba's full mode on that word).

    jieba's own search mode only adds the 2- and 3-character parts, so 教育事业 inside
    教育事业发展主要情况 would be lost; full mode on the word finds every part."""
    jieba = segmenter()
    out: list[str] = []
    for word in words(text):
        out.append(word)
        if len(word) > 2 and _CJK_CHAR.search(word):
            seen = {word}
            for part in jieba.cut_all(word):
                if len(part) > 1 and part not in seen and _TOKEN.fullmatch(part):
                    seen.add(part)
                    out.append(part)
    return out


def bigrams(text: str) -> list[str]:
    """Overlapping character pairs of every Chinese run (a lone character stays itself)."""
    out: list[str] = []
    for run in _CJK_RUN.findall(normalise(text)[:MAX_INDEX_CHARS]):
        if len(run) == 1:
            out.append(run)
        else:
            out.extend(run[i : i + 2] for i in range(len(run) - 1))
    return out


def chinese_runs(text: str) -> list[str]:
    """The runs of Chinese characters in ``text``, normalised."""
    return _CJK_RUN.findall(normalise(text))


def has_chinese(text: str) -> bool:
    return bool(_CJK_CHAR.search(text))


def term_bigrams(term: str) -> list[str]:
    """The bigrams of one query term when it is entirely Chinese, else an empty list."""
    if len(term) < 2 or not _CJK_RUN.fullmatch(term):
        return []
    return [term[i : i + 2] for i in range(len(term) - 1)]


def facet_token(kind: str, value: str) -> str:
    """A filter value as one index token. Item keys and organisation codes may contain dots,
    colons or hyphens, which tokenizers split on; hex keeps them whole and unambiguous."""
    return FACET_PREFIX[kind] + value.encode("utf-8").hex()


def facet_tokens(*, item_key: str, organisation_path: str, year: int | None) -> list[str]:
    """Tokens for the filters: the item, the organisation and every organisation above it
    (so a filter on a county finds its schools' records), and the year of publication."""
    tokens = [facet_token("item", item_key)] if item_key else []
    tokens += [facet_token("organisation", code) for code in organisation_path.split("/") if code]
    if year:
        tokens.append(facet_token("year", str(year)))
    return tokens


@dataclass(frozen=True)
class ParsedQuery:
    """What a user typed, reduced to plain terms (no operators: every term must match)."""

    raw: str
    terms: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)


def parse_query(raw: object) -> ParsedQuery:
    """Turn any input into terms. Quotes, FTS5 or tsquery operators (* " ( ) : ^ NEAR AND OR
    NOT & | !), emoji, control characters and very long strings are all just text here: what
    is not a letter or digit is dropped, so nothing the user types can reach a query parser."""
    text = raw if isinstance(raw, str) else ""
    text = normalise(text.replace("\x00", " "))[: MAX_QUERY_CHARS * 2]
    text = squash(text)[:MAX_QUERY_CHARS]
    terms: list[str] = []
    for word in words(text):
        if word not in terms:
            terms.append(word)
        if len(terms) >= MAX_QUERY_TERMS:
            break
    return ParsedQuery(raw=text, terms=tuple(terms))


def join(tokens: Iterable[str]) -> str:
    return " ".join(tokens)

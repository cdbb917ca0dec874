"""Search settings, each overridable in settings.py (``GONGKAI_SEARCH_*``)."""

from __future__ import annotations

from django.conf import settings


def candidates(default: int = 2000) -> int:
    """Relevance ranking looks at the newest N matches only: ranking every match of a common
    word costs seconds at a million records (docs/decisions/0003-search.md). Counting stops
    there too ("超过 2000 条")."""
    return int(getattr(settings, "GONGKAI_SEARCH_CANDIDATES", default))


def page_size() -> int:
    return int(settings.GONGKAI_SEARCH_PAGE_SIZE)


def max_pages() -> int:
    """Deep pages of a search are never read and cost a scan each; beyond this, refine."""
    return int(settings.GONGKAI_SEARCH_MAX_PAGES)


def snippet_chars() -> int:
    return int(settings.GONGKAI_SEARCH_SNIPPET_CHARS)


def stored_text_chars() -> int:
    """How much plain text each entry keeps for snippets."""
    return int(settings.GONGKAI_SEARCH_TEXT_CHARS)

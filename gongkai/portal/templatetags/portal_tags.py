"""Filters and tags for the public column's listings, where one page shows twenty rows.

``{% url %}`` and ``|date`` cost about 20 µs each in a loop (the resolver and the locale's
format lookup run every time); with two per row they were most of a listing's render time.
These do the same for the two shapes listings use, in about a microsecond.
"""

from __future__ import annotations

from datetime import date, datetime
from html import escape as escape_text
from typing import Any

from django import template
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from gongkai.core.templatetags.kept_urls import kept_pk_url
from gongkai.records.models import Validity

register = template.Library()


@register.filter
def record_url(pk: int) -> str:
    """The public address of a record: ``{{ r.pk|record_url }}``."""
    return kept_pk_url("portal:record", pk)


@register.filter
def ymd(value: datetime | date | None) -> str:
    """``2026-09-30`` in the site's time zone, as ``|date:"Y-m-d"`` gives; empty stays empty."""
    if not value:
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return value.isoformat()


@register.simple_tag
def record_rows(records: Any) -> SafeString:
    """The ``<li>`` of a record listing: title link, withdrawn or validity badge, publisher,
    date. Written here rather than as a template loop, which cost 17 µs a row (a tenth of
    a listing's time); the markup is the same as the loop's was. The values are plain
    strings escaped with ``html.escape``, as Django's ``escape`` does, without its check for
    lazy text per value (a hundred a page)."""
    return SafeString(
        "\n".join(
            f'<li><span><a href="{escape_text(record_url(r.pk))}">{escape_text(r.title)}</a>'
            f'{_badge(r)} <span class="muted">{escape_text(r.organisation.display_name)}</span>'
            f'</span> <span class="date">{ymd(r.published_at)}</span></li>'
            for r in records
        )
    )


@register.simple_tag
def sheet_rows(rows: Any) -> SafeString:
    """The ``<tr>`` of a column's print sheet from ``(number, SheetRow)`` pairs: number,
    title (with 已废止 or 已失效 when it is no longer valid), 文号 (— when none), publisher and
    first publication date. Two hundred rows a part: as a template loop, 40 µs a row."""
    return SafeString(
        "".join(
            f'<tr><td class="n">{n}</td><td>{escape_text(r.title)}{_no_longer(r.validity)}</td>'
            f"<td>{escape_text(str(r.document_number or '')) or '—'}</td>"
            f"<td>{escape_text(str(r.organisation or ''))}</td>"
            f'<td class="date">{ymd(r.first_published_at)}</td></tr>'
            for n, r in rows
        )
    )


def _no_longer(validity: str) -> str:
    return "" if validity == "valid" else f"（已{escape_text(str(Validity(validity).label))}）"


#: The options of the last few organisation lists, by the list's identity (the directory's
#: copy is replaced, never changed in place, when an organisation changes): the list's
#: ``<option>``s joined, and the codes it has.
_options: dict[int, tuple[Any, str, frozenset[str]]] = {}


@register.simple_tag
def organisation_options(organisations: Any, selected: str = "") -> SafeString:
    """The ``<option>``s of a listing's organisation filter, ``selected`` being the chosen
    code. A province lists about 160 bureaus in every listing's filter: as a template loop
    they were a third of the page's render time; here they are joined once per directory
    copy, and a chosen one is marked by replacing its opening tag (codes are unique)."""
    key = id(organisations)
    kept = _options.get(key)
    if kept is None or kept[0] is not organisations:
        if len(_options) >= 8:
            _options.clear()
        kept = (
            organisations,
            "".join(
                f'<option value="{escape(o.code)}">{escape(o.display_name)}</option>'
                for o in organisations
            ),
            frozenset(o.code for o in organisations),
        )
        _options[key] = kept
    html = kept[1]
    if selected and selected in kept[2]:
        opening = f'<option value="{escape(selected)}">'
        html = html.replace(opening, f"{opening[:-1]} selected>", 1)
    return SafeString(html)


#: A row's badge by its validity (the labels are fixed: written once, not per row).
_VALIDITY_BADGES = {
    str(value): format_html(' <span class="badge warn">{}</span>', label)
    for value, label in Validity.choices
    if value != Validity.VALID
}
_WITHDRAWN_BADGE = format_html(' <span class="badge bad">{}</span>', "已撤回")


def _badge(record: Any) -> str:
    if record.status == "withdrawn":
        return _WITHDRAWN_BADGE
    return _VALIDITY_BADGES.get(record.validity, "")

"""The report as HTML: a whole page for download and print, or the fragment filed as the
record's body (which the record sanitiser keeps: headings, paragraphs, tables with spans)."""

from __future__ import annotations

from django.template.loader import render_to_string

from gongkai.supervision.annual.document import outline
from gongkai.supervision.models import AnnualReport


def render_html(report: AnnualReport, *, fragment: bool = False) -> str:
    return render_to_string(
        "supervision/annual_report_document.html",
        {"outline": outline(report), "fragment": fragment},
    )

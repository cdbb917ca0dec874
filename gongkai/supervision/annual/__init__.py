"""The annual report (政府信息公开工作年度报告, 国办公开办函〔2021〕30号).

* ``tables``: the one source of its numbers (tables 二, 三, 四, the figures the text quotes,
  the format's sum checks);
* ``narrative``: the sentences that quote those numbers, written at render time;
* ``layout``: the official tables as merged-cell grids; ``document``: the report's outline;
  ``html``, ``word`` and ``pdf`` draw it;
* ``drafts``: drafting, editing, recomputing and filing (services).
"""

from gongkai.supervision.annual.drafts import (
    draft_report,
    file_report,
    prefill_sections,
    save_report,
    stale_numbers,
)
from gongkai.supervision.annual.html import render_html
from gongkai.supervision.annual.tables import (
    BALANCE_NOTE,
    COLUMNS,
    KINDS,
    MANUAL_TABLE_TWO_ROWS,
    REMEDY_COLUMNS,
    REMEDY_GROUPS,
    RESULT_ROWS,
    ROWS,
    SECTION_TITLES,
    TABLE_THREE_ROWS,
    TABLE_TWO_ROWS,
    check_tables,
    compute_tables,
    differences,
    facts,
    on_time_rate,
    table_four,
    table_three,
    table_two,
    table_two_warnings,
    validate_tables,
)
from gongkai.supervision.models import AnnualReport


def render_docx(report: AnnualReport) -> bytes:
    from gongkai.supervision.annual.word import render_docx as render

    return render(report)


def render_pdf(report: AnnualReport) -> bytes:
    from gongkai.supervision.annual.pdf import render_pdf as render

    return render(report)


__all__ = [
    "BALANCE_NOTE", "COLUMNS", "KINDS", "MANUAL_TABLE_TWO_ROWS", "REMEDY_COLUMNS",
    "REMEDY_GROUPS", "RESULT_ROWS", "ROWS", "SECTION_TITLES", "TABLE_THREE_ROWS",
    "TABLE_TWO_ROWS", "check_tables", "compute_tables", "differences", "draft_report", "facts",
    "file_report", "on_time_rate", "prefill_sections", "render_docx", "render_html",
    "render_pdf", "save_report", "stale_numbers", "table_four", "table_three", "table_two",
    "table_two_warnings", "validate_tables",
]  # fmt: skip

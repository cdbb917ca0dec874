"""What a report says, in order: the title, the preface, the six sections with their generated
paragraphs, the staff's own text and the official tables. The HTML page, the Word document
and the PDF each draw this one outline."""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.supervision.annual import layout, narrative
from gongkai.supervision.annual.tables import SECTION_TITLES
from gongkai.supervision.models import AnnualReport


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    generated: list[str]
    written: list[str]
    table: layout.Table | None

    @property
    def paragraphs(self) -> list[str]:
        return [*self.generated, *self.written]


@dataclass(frozen=True)
class Outline:
    title: str
    #: The title as printed: a long one breaks after the body's name, as 公文 titles do.
    title_lines: list[str]
    preface: str
    sections: list[Section]


def title(report: AnnualReport) -> str:
    return f"{report.organisation.name}{report.year}年政府信息公开工作年度报告"


def outline(report: AnnualReport) -> Outline:
    name, year = report.organisation.name, report.year
    generated = narrative.paragraphs(report.tables, organisation=name, year=year)
    tables = layout.tables(report.tables)
    preface = (
        f"本报告由{name}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和"
        "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）要求编制。"
        f"本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。"
    )
    sections = [
        Section(
            key=key,
            title=heading,
            generated=generated.get(key, []),
            written=[
                line.strip() for line in report.sections.get(key, "").splitlines() if line.strip()
            ],
            table=tables.get(key),
        )
        for key, heading in SECTION_TITLES.items()
    ]
    heading = title(report)
    lines = [name, heading[len(name) :]] if len(heading) > 20 else [heading]
    return Outline(title=heading, title_lines=lines, preface=preface, sections=sections)

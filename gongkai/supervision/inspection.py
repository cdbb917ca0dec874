"""Self-inspection (自查) as the national website indicators define it (国办秘函〔2019〕19号):
blank columns, stale columns, messages unanswered beyond three months, records without a
publication date, broken links; and which single-veto (单项否决) indicators are hit.

A "column" (栏目) is an organisation's item: the standard catalogue is the column structure of
each unit's disclosure page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Max

from gongkai.catalogue.models import Item
from gongkai.organisations.models import Organisation
from gongkai.records.models import Attachment, Disclosure, Record, Status
from gongkai.supervision import compliance, conf
from gongkai.supervision.links import LinkResult, check_links, extract_links
from gongkai.supervision.models import LinkCheckRun


@dataclass
class Finding:
    organisation: Organisation
    item: Item | None
    text: str


@dataclass
class InspectionReport:
    today: date
    blank: list[Finding] = field(default_factory=list)
    stale: list[Finding] = field(default_factory=list)
    unanswered: list[Any] = field(default_factory=list)
    undated: list[Record] = field(default_factory=list)
    links: list[LinkResult] = field(default_factory=list)
    vetoes: list[str] = field(default_factory=list)
    link_run: LinkCheckRun | None = None

    @property
    def broken_links(self) -> list[LinkResult]:
        return [r for r in self.links if not r.ok]


def _published(root: Organisation) -> Any:
    return Record.objects.filter(
        organisation__path__under=root.path,
        disclosure=Disclosure.PROACTIVE,
        current_version__isnull=False,
    ).exclude(status=Status.WITHDRAWN)


def inspect(root: Organisation, *, today: date, check_urls: bool = False) -> InspectionReport:
    scheme = compliance.current_scheme()
    report = InspectionReport(today=today)
    orgs = compliance.evaluated_organisations(root)
    items = list(Item.objects.current().select_related("section", "organisation"))
    latest: dict[tuple[int, str], date] = {}
    for row in (
        _published(root).values("organisation_id", "item__key").annotate(last=Max("published_at"))
    ):
        if row["last"]:
            latest[(row["organisation_id"], row["item__key"])] = row["last"].date()
    news = set(conf.news_item_codes())
    policy = set(conf.policy_section_codes())
    for org in orgs:
        for item in items:
            if not compliance._applies(item, org):
                continue
            last = latest.get((org.pk, item.key))
            if (org.pk, item.key) not in latest:
                report.blank.append(Finding(org, item, "栏目无内容（空白栏目）"))
                continue
            limit = None
            if item.code in news:
                limit = conf.NEWS_STALE_DAYS
            elif item.section.code in policy:
                limit = conf.POLICY_STALE_DAYS
            if limit and last and last < today - timedelta(days=limit):
                report.stale.append(
                    Finding(org, item, f"最近更新 {last:%Y-%m-%d}，超过 {limit} 天未更新")
                )
    report.unanswered = _unanswered(root, today)
    report.undated = list(
        _published(root).filter(published_at__isnull=True).select_related("organisation")[:200]
    )
    report.links = _missing_attachments(root)
    if check_urls:
        run_link_check(root)
    report.link_run, stored = latest_broken_links(root)
    report.links += stored
    report.vetoes = _vetoes(report, orgs, scheme)
    return report


def _unanswered(root: Organisation, today: date) -> list[Any]:
    try:
        from gongkai.consultations.models import Message
    except ImportError:  # the consultations app may be reorganised; no data is no finding
        return []
    return list(
        Message.objects.valid()
        .unanswered_beyond(conf.MESSAGE_UNANSWERED_DAYS, today=today)
        .in_subtree(root)
        .select_related("organisation")[:200]
    )


def _links(root: Organisation) -> list[tuple[str, str, str]]:
    """(url, where it is, organisation path) for every http(s) link in published bodies and
    in the text extracted from their attachments."""
    found: list[tuple[str, str, str]] = []
    for title, body, path in (
        _published(root).values_list("title", "body", "organisation__path").iterator()
    ):
        found.extend((url, f"《{title}》", path) for url in extract_links(body))
    for title, name, text, path in _attachments(root).values_list(
        "record__title", "original_name", "text", "record__organisation__path"
    ):
        found.extend((url, f"《{title}》附件 {name}", path) for url in extract_links(text))
    return found


def run_link_check(root: Organisation) -> LinkCheckRun:
    """Check every link under ``root`` (bounded and polite, see links.py) and keep the result."""
    found = _links(root)
    results = check_links((url, where) for url, where, _ in found)
    broken = {r.url: r for r in results if not r.ok}
    rows = [
        {"url": url, "source": where, "path": path, "reason": broken[url].reason}
        for url, where, path in found
        if url in broken
    ]
    return LinkCheckRun.objects.create(organisation=root, checked=len(results), broken=rows)


def latest_broken_links(root: Organisation) -> tuple[LinkCheckRun | None, list[LinkResult]]:
    """The newest run covering ``root`` (its own or an ancestor's), narrowed to its subtree."""
    codes = root.path.strip("/").split("/")
    run = LinkCheckRun.objects.filter(organisation__code__in=codes).first()
    if run is None:
        return None, []
    return run, [
        LinkResult(row["url"], False, None, row["reason"], row["source"])
        for row in run.broken
        if str(row.get("path", "")).startswith(root.path)
    ]


def _attachments(root: Organisation) -> Any:
    return Attachment.objects.filter(record__in=_published(root), is_current=True)


def _missing_attachments(root: Organisation) -> list[LinkResult]:
    """An attachment whose file is gone is a broken link on the page that lists it."""
    return [
        LinkResult(a.file.name, False, None, "附件文件缺失", f"{a.record.title}（附件 {a}）")
        for a in _attachments(root).select_related("record")[:1000]
        if not a.file.storage.exists(a.file.name)
    ]


def _vetoes(report: InspectionReport, orgs: list[Organisation], scheme: Any) -> list[str]:
    vetoes = []
    per_org: dict[int, int] = {}
    for finding in report.blank:
        per_org[finding.organisation.pk] = per_org.get(finding.organisation.pk, 0) + 1
    names = {o.pk: o.display_name for o in orgs}
    for org_id, count in sorted(per_org.items()):
        if count >= scheme.blank_column_veto:
            vetoes.append(
                f"单项否决（栏目不更新③）：{names[org_id]} 空白栏目 {count} 个，"
                f"超过（含）{scheme.blank_column_veto} 个。"
            )
    stale: dict[int, int] = {}
    for finding in report.stale:
        stale[finding.organisation.pk] = stale.get(finding.organisation.pk, 0) + 1
    for org_id, count in sorted(stale.items()):
        if count >= scheme.stale_column_veto:
            vetoes.append(
                f"单项否决（栏目不更新①）：{names[org_id]} 未按期更新栏目 {count} 个，"
                f"超过（含）{scheme.stale_column_veto} 个。"
            )
    if report.unanswered:
        vetoes.append(
            f"单项否决（互动回应差②）：{len(report.unanswered)} 条有效留言超过 3 个月未回应。"
        )
    if report.undated:
        vetoes.append(
            f"提示：{len(report.undated)} 条已公开信息没有发布日期（未注明发布时间的视为不更新）。"
        )
    return vetoes

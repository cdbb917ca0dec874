"""The app's part in the record workflow (docs/decisions/0004-record-extensions.md).

Submission and publication both run ``elements.problems``: a guide missing an element of
标准 四(一) cannot leave the draft stage, and a record changed since it was approved cannot be
published with a stale body. Each version freezes the structured content, which is how a
reform's progress history and a matter's results are kept (decision 0005).
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse

from gongkai.disclosures import elements
from gongkai.records import permissions as can
from gongkai.records.hooks import RecordExtension
from gongkai.records.models import Kind, Record, Status


def public_panel(record: Record) -> str:
    if record.kind not in elements.KINDS:
        return ""
    data = elements.published_data(record)
    return render_to_string("disclosures/panels/public.html", {"record": record, "d": data})


def staff_panel(record: Record, user: Any) -> str:
    if record.kind not in elements.KINDS:
        return ""
    return render_to_string(
        "disclosures/panels/staff.html",
        {
            "record": record,
            "kind_name": elements.KIND_NAMES[record.kind],
            "problems": elements.problems(record),
            "can_edit": record.status == Status.DRAFT and can.can_edit(user, record),
        },
    )


#: The public listings of each kind of structured record.
LISTINGS: dict[str, list[tuple[str, list[str]]]] = {
    Kind.SERVICE_GUIDE: [("disclosures:services", [])],
    Kind.POWER_ITEM: [("disclosures:powers", []), ("disclosures:power_list", ["items"])],
    Kind.SUPERVISION_MATTER: [
        ("disclosures:powers", []),
        ("disclosures:power_list", ["matters"]),
    ],
    Kind.REFORM: [("disclosures:progress", [])],
}


def public_paths(change: Any) -> list[str]:
    """The pages of this app a change to a public record shows on: the five-disclosure
    pages of its class, its kind's listing, its guide print or progress page."""
    paths = [reverse("disclosures:five")]
    for facts in change.facts:
        paths.append(reverse("disclosures:five_class", args=[facts.five_disclosure]))
        paths += [reverse(name, args=args) for name, args in LISTINGS.get(facts.kind, [])]
        if facts.kind == Kind.SERVICE_GUIDE:
            paths.append(reverse("disclosures:guide_print", args=[change.record_id]))
        if facts.kind == Kind.REFORM:
            paths.append(reverse("disclosures:progress_detail", args=[change.record_id]))
    return paths


extension = RecordExtension(
    name="disclosures",
    submit_checks=[elements.problems],
    publish_checks=[elements.problems],
    snapshot=elements.snapshot,
    public_panels=[public_panel],
    public_paths=[public_paths],
    staff_panels=[staff_panel],
)

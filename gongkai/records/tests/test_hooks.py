from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from gongkai.records import hooks, services
from gongkai.records.models import Record, Status
from gongkai.testing import make_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def extension():
    calls: list[tuple[str, int]] = []
    ext = hooks.RecordExtension(
        name="test",
        submit_checks=[lambda r: ["标题里不能有“禁”字"] if "禁" in r.title else []],
        publish_checks=[lambda r: ["正文里不能有“停”字"] if "停" in r.body else []],
        after_publish=[lambda r, by: calls.append(("published", r.pk))],
        after_withdraw=[lambda r, by: calls.append(("withdrawn", r.pk))],
        snapshot=lambda r: {"title_length": len(r.title)},
        publishes_alone=lambda r: "附随" not in r.title,
    )
    hooks.register(ext)
    yield calls
    hooks._registry.pop("test")


def approved(record, clerk, document_reviewer, disclosure_reviewer):
    record = services.submit(record, by=clerk)
    record = services.approve_document(record, by=document_reviewer)
    return services.approve_disclosure(record, by=disclosure_reviewer)


def test_a_submit_check_stops_submission_with_its_message(extension, clerk):
    record = make_record(by=clerk, title="禁止事项")
    with pytest.raises(ValidationError, match="不能有“禁”字"):
        services.submit(record, by=clerk)
    assert Record.objects.get(pk=record.pk).status == Status.DRAFT


def test_a_publish_check_stops_publication_and_nothing_is_half_done(
    extension, clerk, document_reviewer, disclosure_reviewer
):
    record = make_record(by=clerk, body="<p>暂停</p>")
    record = approved(record, clerk, document_reviewer, disclosure_reviewer)
    with pytest.raises(ValidationError, match="不能有“停”字"):
        services.publish(record, by=clerk)
    record.refresh_from_db()
    assert record.status == Status.APPROVED and record.current_version is None
    assert extension == []


def test_after_publish_and_withdraw_actions_run_and_snapshots_are_frozen(
    extension, clerk, document_reviewer, disclosure_reviewer
):
    record = approved(make_record(by=clerk), clerk, document_reviewer, disclosure_reviewer)
    record = services.publish(record, by=clerk)
    services.withdraw(record, by=clerk, reason="测试")
    assert extension == [("published", record.pk), ("withdrawn", record.pk)]
    assert record.current_version.metadata["test"] == {"title_length": len(record.title)}


def test_records_that_do_not_publish_alone_are_skipped_by_the_scheduler(
    extension, clerk, document_reviewer, disclosure_reviewer
):
    record = approved(
        make_record(by=clerk, title="附随解读"), clerk, document_reviewer, disclosure_reviewer
    )
    at = timezone.now() + timedelta(minutes=5)
    services.schedule(record, by=clerk, at=at)
    assert services.publish_due(now=at + timedelta(minutes=1)) == []
    assert Record.objects.get(pk=record.pk).status == Status.SCHEDULED


def test_every_extension_is_an_apps_extension_module_found_in_installed_apps_order():
    assert [e.name for e in hooks.extensions()][:7] == [
        "screening",
        "search",
        "interpretation",
        "concerns",
        "disclosures",
        "portal",
        "ocr",
    ]
    found = hooks.discover()  # registering again replaces each by name: the same list
    assert [name.rsplit(".", 2)[-2] for name in found] == [
        "screening", "search", "interpretations", "concerns", "disclosures", "portal", "ocr"
    ]  # fmt: skip


def test_record_extensions_are_declared_only_in_extension_modules():
    """One way to extend the record workflow: ``<app>/extension.py`` (docs/decisions/0004)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    declared = sorted(
        path.relative_to(root).as_posix()
        for path in root.rglob("*.py")
        if "tests" not in path.parts
        and path.name != "hooks.py"
        and any(
            isinstance(node, ast.Call)
            and (getattr(node.func, "id", None) or getattr(node.func, "attr", ""))
            == "RecordExtension"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        )
    )
    assert declared == sorted(
        f"{app}/extension.py"
        for app in (
            "screening",
            "search",
            "interpretations",
            "concerns",
            "disclosures",
            "portal",
            "ocr",
        )
    )

"""Every audit verb the code writes has a Chinese label (core.verbs)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gongkai.core import verbs, workflow

ROOT = Path(__file__).resolve().parents[2]


def _first_arguments(function: str) -> set[str]:
    """Every string literal passed first to ``function`` anywhere outside tests."""
    found: set[str] = set()
    for path in ROOT.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", "")
            if name != function or not node.args:
                continue
            found.update(_literals(node.args[0]))
    return found


def _written_verbs() -> set[str]:
    return _first_arguments("record_event")


def _literals(node: ast.expr) -> set[str]:
    """The strings an expression can be: a literal, a ``Verb`` member, or either branch of
    ``a if c else b`` (f-strings are checked by their own tests below)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.Attribute) and getattr(node.value, "id", None) == "Verb":
        return {str(verbs.Verb[node.attr].value)}
    if isinstance(node, ast.IfExp):
        return _literals(node.body) | _literals(node.orelse)
    return set()


def test_the_scan_finds_the_verbs_services_write():
    written = _written_verbs()
    assert {"record.edit", "role.grant", "concern.escalate", "concern.remind"} <= written


@pytest.mark.parametrize("verb", sorted(_written_verbs()))
def test_every_verb_written_has_a_chinese_label(verb):
    assert verbs.is_known(verb), f"{verb} has no label in gongkai/core/verbs.py"
    assert verbs.label(verb) != "其他操作"


def test_every_workflow_transition_has_a_subject_and_label():
    verbs.choices()  # loads every app's services
    registered = workflow.registered()
    defined = _first_arguments("Workflow")
    assert {"record", "application", "concern", "consultation", "message"} <= defined
    assert defined <= set(registered)
    for name in defined:
        flow = registered[name]
        assert name in verbs.SUBJECTS, name
        for t in flow.transitions:
            text = verbs.label(f"{name}.{t.action}")
            assert text.startswith(verbs.SUBJECTS[name] + "：") and t.label in text


def test_application_consultation_verbs_are_labelled():
    from gongkai.applications.services import CONSULTATIONS, LETTERS

    for start, end in CONSULTATIONS.values():
        assert verbs.is_known(f"application.{start}")
        assert verbs.is_known(f"application.{end}")
    for received in LETTERS.values():
        assert verbs.is_known(f"application.{received}")


def test_labels_are_chinese_and_choices_cover_them():
    listed = dict(verbs.choices())
    assert listed["record.return_document"] == "信息：公文审核退回修改"
    assert listed["role.grant"] == "角色：授予"
    for code, text in listed.items():
        assert code not in text and any("\u4e00" <= ch <= "\u9fff" for ch in text), code


def test_an_unknown_verb_never_shows_as_code():
    assert verbs.label("nobody.declared_this") == "其他操作"


def test_an_audit_row_reads_in_chinese(clerk, document_reviewer):
    from django.template import Context, Template

    from gongkai.core.models import AuditEvent
    from gongkai.records import services
    from gongkai.testing import make_record

    record = services.submit(make_record(by=clerk), by=clerk)
    services.return_for_changes(record, by=document_reviewer, note="请补充文号")
    event = AuditEvent.objects.for_object(record).get(verb="record.return_document")
    text = Template("{% load audit %}{{ e|verb_label }}（{{ e|status_change }}）").render(
        Context({"e": event})
    )
    assert text == "信息：公文审核退回修改（待公文审核 → 草稿）"

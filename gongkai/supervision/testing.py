"""Test helpers for supervision: records taken through the real workflow on chosen days."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from gongkai.accounts.models import Role
from gongkai.organisations.models import Organisation
from gongkai.records import services
from gongkai.records.models import Record
from gongkai.testing import make_record, make_user

SHANGHAI = ZoneInfo("Asia/Shanghai")
_serial = itertools.count(1)


class Team:
    """A clerk and two reviewers on ``organisation``'s subtree (four eyes)."""

    def __init__(self, organisation: Organisation) -> None:
        self.clerk = make_user(roles=[Role.CLERK], organisation=organisation)
        self.document_reviewer = make_user(
            roles=[Role.DOCUMENT_REVIEWER], organisation=organisation
        )
        self.disclosure_reviewer = make_user(
            roles=[Role.DISCLOSURE_REVIEWER], organisation=organisation
        )

    def draft(self, organisation: Organisation, item_code: str, formed_on: date, **fields: Any):
        with time_machine.travel(datetime.combine(formed_on, time(9), SHANGHAI), tick=False):
            return make_record(
                by=self.clerk,
                organisation=organisation,
                item_code=item_code,
                formed_on=formed_on,
                written_on=formed_on,
                **fields,
            )

    def publish(self, record: Record, on: date) -> Record:
        """Through both reviews, as the real process goes: a policy whose item needs
        interpretation is submitted with its plan and risk assessment and goes out together
        with an approved interpretation (interpretations app)."""
        with time_machine.travel(datetime.combine(on, time(10), SHANGHAI), tick=False):
            if record.item.needs_interpretation and record.kind == "document":
                self._interpret(record)
            record = services.submit(record, by=self.clerk)
            record = services.approve_document(record, by=self.document_reviewer)
            record = services.approve_disclosure(record, by=self.disclosure_reviewer)
            return services.publish(record, by=self.clerk)

    def _interpret(self, policy: Record) -> Record:
        from gongkai.interpretations import testing as interpretations

        interpretations.prepare_policy(policy, by=self.clerk)
        interpretation = interpretations.make_interpretation(by=self.clerk, policies=[policy])
        return interpretations.approve(
            interpretation,
            clerk=self.clerk,
            document_reviewer=self.document_reviewer,
            disclosure_reviewer=self.disclosure_reviewer,
        )

    def published(
        self, organisation: Organisation, item_code: str, formed_on: date, on: date, **fields: Any
    ) -> Record:
        return self.publish(self.draft(organisation, item_code, formed_on, **fields), on)


def make_application(
    organisation: Organisation,
    *,
    kind: str = "natural",
    received_on: date,
    category: str = "",
    replied_on: date | None = None,
    status: str | None = None,
) -> Any:
    """An application row as the applications services leave it (fixture data for reports)."""
    import uuid

    from gongkai.applications.models import Application

    n = next(_serial)
    if status is None:
        status = "replied" if category else "registered"
    return Application.objects.create(
        reference=f"YSQ-{received_on:%Y}-{n:05d}",
        organisation=organisation,
        applicant_kind=kind,
        applicant_key=uuid.uuid4().hex,
        channel="online",
        received_on=received_on,
        description="申请公开某某信息",
        status=status,
        reply_category=category,
        replied_on=replied_on,
        tracking_hash=uuid.uuid4().hex,
        check_hash=uuid.uuid4().hex,
    )


def make_remedy(application: Any, *, kind: str, filed_on: date, outcome: str = "pending",
                decided_on: date | None = None) -> Any:  # fmt: skip
    from gongkai.applications.models import Remedy

    return Remedy.objects.create(
        application=application,
        kind=kind,
        filed_on=filed_on,
        outcome=outcome,
        decided_on=decided_on,
    )

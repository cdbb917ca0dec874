"""Test helpers for supervision: records taken through the real workflow on chosen days."""

from __future__ import annotations

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
        with time_machine.travel(datetime.combine(on, time(10), SHANGHAI), tick=False):
            record = services.submit(record, by=self.clerk)
            record = services.approve_document(record, by=self.document_reviewer)
            record = services.approve_disclosure(record, by=self.disclosure_reviewer)
            return services.publish(record, by=self.clerk)

    def published(
        self, organisation: Organisation, item_code: str, formed_on: date, on: date, **fields: Any
    ) -> Record:
        return self.publish(self.draft(organisation, item_code, formed_on, **fields), on)

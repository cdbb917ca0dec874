from __future__ import annotations

import pytest

from gongkai.interpretations.testing import approve


@pytest.fixture
def approved(clerk, document_reviewer, disclosure_reviewer):
    """Walk a record through both reviews."""

    def walk(record):
        return approve(
            record,
            clerk=clerk,
            document_reviewer=document_reviewer,
            disclosure_reviewer=disclosure_reviewer,
        )

    return walk

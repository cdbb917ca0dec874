from __future__ import annotations

import io
import random

import pytest

from gongkai.ocr.testing import ID_CARD, MOBILE_PHONE, ScannedPage, make_scanned_list
from gongkai.records import services as records
from gongkai.testing import make_record


@pytest.fixture(scope="session")
def small_scan() -> ScannedPage:
    """A short 公示名单 at 150 dpi with a seal over the numbers: ~930×390 px, read in ~1 s."""
    return make_scanned_list(
        random.Random(7), dpi=150, rows=3, paper=(6.2, 2.6), columns=(ID_CARD, MOBILE_PHONE)
    )


@pytest.fixture
def attach(django_capture_on_commit_callbacks):
    """Upload a file to a record as the clerk does, running what follows the commit (the
    reading is queued, and the job runner is immediate in tests)."""

    def upload(record, data: bytes, name: str, by):
        with django_capture_on_commit_callbacks(execute=True):
            return records.add_attachment(record, io.BytesIO(data), name, by=by)

    return upload


@pytest.fixture
def draft(clerk):
    return make_record(by=clerk, title="2025年秋季学期生活补助名单公示")


@pytest.fixture
def redact(django_capture_on_commit_callbacks):
    """Redact as the clerk does; the cleaned file is read and screened after the commit."""
    from gongkai.ocr import services

    def run(attachment, regions, by):
        with django_capture_on_commit_callbacks(execute=True):
            cleaned = services.redact_attachment(attachment, regions=regions, by=by)
        cleaned.refresh_from_db()
        return cleaned

    return run

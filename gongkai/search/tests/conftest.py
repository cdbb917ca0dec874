from __future__ import annotations

import pytest

from gongkai.search.testing import publish_record


@pytest.fixture
def published(clerk, document_reviewer, disclosure_reviewer, django_capture_on_commit_callbacks):
    """Publish through the real workflow and run the after-commit hooks (the index)."""

    def publish(**fields):
        with django_capture_on_commit_callbacks(execute=True):
            return publish_record(
                clerk=clerk,
                document_reviewer=document_reviewer,
                disclosure_reviewer=disclosure_reviewer,
                **fields,
            )

    return publish


@pytest.fixture
def run_hooks(django_capture_on_commit_callbacks):
    """Use as ``with run_hooks(): services.withdraw(...)``."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(params=["tantivy", "database"])
def search_backend(request, settings):
    """Run a test on the embedded index and on the database's own full-text search."""
    settings.GONGKAI_SEARCH_BACKEND = request.param
    return request.param
